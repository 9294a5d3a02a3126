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
        org.jvirt.riscv.DbtStats dbt = null;
        for (Hart h : m.harts()) if (h.dbtStats() != null) dbt = dbt == null ? h.dbtStats() : dbt.plus(h.dbtStats());
        err.println("jvirt: statistics (engine: " + (dbt == null ? "interpreter" : m.harts().getFirst().engine() == org.jvirt.riscv.Engine.LOCKSTEP ? "lockstep" : "binary translator") + ")");
        err.printf("  instructions retired  %,d%n", insns);
        err.printf("  wall time             %.3f s%n", secs);
        err.printf("  speed                 %.1f MIPS%n", secs > 0 ? insns / secs / 1e6 : 0.0);
        err.printf("  TLB hit rate          %.4f%% (%,d misses in %,d accesses)%n",
                accesses > 0 ? 100.0 * (accesses - misses) / accesses : 100.0, misses, accesses);
        if (dbt != null) {
            err.printf("  translated code       %.2f%% of instructions%n", insns > 0 ? 100.0 * dbt.translatedInstructions() / insns : 0.0);
            err.printf("  blocks translated     %,d (%,d live), %,d bytes of bytecode, %.1f ms translating%n",
                    dbt.blocksTranslated(), dbt.liveBlocks(), dbt.bytecodeBytes(), dbt.translationNanos() / 1e6);
            err.printf("  cache lookups         %,d (%.2f%% found a translation)%n", dbt.lookups(),
                    dbt.lookups() > 0 ? 100.0 * dbt.hits() / dbt.lookups() : 0.0);
            err.printf("  transitions           %,d chained, %,d dispatched%n", dbt.chained(), dbt.dispatched());
            err.printf("  invalidations         %,d (code written), %,d cache flushes%n", dbt.invalidations(), dbt.flushes());
            if (dbt.bootInterpreted() > 0)
                err.printf(dbt.bootGateOpen()
                        ? "  boot gate             opened after %,d S- and U-mode instructions, interpreted (the boot)%n"
                        : "  boot gate             closed: %,d S- and U-mode instructions interpreted, the guest has not idled yet%n",
                        dbt.bootInterpreted());
            if (m.harts().getFirst().engine() == org.jvirt.riscv.Engine.LOCKSTEP)
                err.printf("  lockstep              %,d translated runs checked against the interpreter, %,d not (they touched a device)%n",
                        dbt.lockstepChecked(), dbt.lockstepUnchecked());
        }
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
