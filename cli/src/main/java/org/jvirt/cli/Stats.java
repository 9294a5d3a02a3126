package org.jvirt.cli;

import java.io.PrintStream;
import java.util.Map;
import java.util.TreeMap;
import org.jvirt.riscv.Hart;
import org.jvirt.riscv.board.RiscvMachine;

/** The {@code --stats} report: what the run cost, in the figures that compare techniques. */
final class Stats {
    private Stats() { }

    static void print(RiscvMachine m, PrintStream err) {
        long insns = m.instructions();
        double secs = m.wallNanos() / 1e9;
        long accesses = 0, misses = 0;
        Map<String, Long> traps = new TreeMap<>();
        for (Hart h : m.harts()) {
            accesses += h.mmu().tlbAccesses();
            misses += h.mmu().tlbMisses();
            h.stats().byCause().forEach((k, v) -> traps.merge(k, v, Long::sum));
        }
        err.println("jvirt: statistics (engine: interpreter)");
        err.printf("  instructions retired  %,d%n", insns);
        err.printf("  wall time             %.3f s%n", secs);
        err.printf("  speed                 %.1f MIPS%n", secs > 0 ? insns / secs / 1e6 : 0.0);
        err.printf("  TLB hit rate          %.4f%% (%,d misses in %,d accesses)%n",
                accesses > 0 ? 100.0 * (accesses - misses) / accesses : 100.0, misses, accesses);
        long total = traps.values().stream().mapToLong(Long::longValue).sum();
        err.printf("  traps and interrupts  %,d%n", total);
        traps.forEach((k, v) -> err.printf("    %-34s %,d%n", k, v));
        if (!m.sbiCalls().isEmpty()) {
            err.printf("  SBI calls (hypercalls) %,d%n", m.sbiCalls().values().stream().mapToLong(Long::longValue).sum());
            m.sbiCalls().forEach((k, v) -> err.printf("    %-34s %,d%n", k, v));
        }
        err.println("  MMIO accesses by device");
        m.mmioAccesses().forEach((k, v) -> err.printf("    %-34s %,d%n", k, v));
    }
}
