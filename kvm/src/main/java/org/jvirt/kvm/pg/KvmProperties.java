package org.jvirt.kvm.pg;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jvirt.kvm.KvmStats;
import org.jvirt.kvm.pg.ProbeVm.Result;
import org.jvirt.kvm.pg.ProbeVm.World;

/**
 * Popek and Goldberg's three properties measured on the KVM engine. Efficiency: the workload of
 * {@link X86Workload}, whose instruction count is known from its code, against the exits the VMM
 * served. Equivalence: the workload's result in the guest against the same bytes run natively in
 * this process. Resource control: probe guests that reach for memory and devices that are not
 * theirs, or try to keep the CPU, and what the monitor did.
 */
public final class KvmProperties {
    /**
     * Efficiency: instructions the guest retired (known from the code); exits that reached the VMM
     * while it ran; and all exits, KVM's own counter (KVM_GET_STATS_FD "exits", less those of an empty
     * probe), or -1 where this kernel has no binary statistics. {@code kernelCounters} are the
     * counters that moved, likewise net of the empty probe.
     */
    public record Efficiency(long iterations, long instructions, long vmmExits, List<String> exitKinds, long allExits,
                             Map<String, Long> kernelCounters, long millis) {
        /** The fraction without the monitor: against all exits where KVM counts them, else against the VMM's. */
        public double fraction() {
            long exits = allExits >= 0 ? allExits : vmmExits;
            return instructions == 0 ? 0 : 1.0 - (double) exits / instructions;
        }
    }

    /** Equivalence: the workload's checksum under KVM and run natively in this process. */
    public record Equivalence(long iterations, long guest, long nativeResult) {
        public boolean holds() { return guest == nativeResult; }
    }

    /** One resource-control probe: what the guest tried, what happened, and whether it stayed inside what it was given. */
    public record Probe(String attempt, String outcome, boolean contained) { }

    public record Report(Efficiency efficiency, Equivalence equivalence, List<Probe> resources, String failure) { }

    private static final long WORKLOAD_MILLIS = 20_000;

    /** Measures all three with {@code iterations} of the workload; throws KvmUnavailableException where /dev/kvm cannot be used. */
    public Report measure(long iterations) {
        if (iterations < 1) throw new IllegalArgumentException("iterations must be at least 1");
        try (ProbeVm vm = new ProbeVm(false, X86Classifier.WATCHDOG_MILLIS)) {
            byte[] f = X86Workload.code();
            // call f; jmp over f; f (then the done marker): the guest's instructions are f's plus these two
            byte[] code = new byte[7 + f.length];
            code[0] = (byte) 0xe8;
            ProbeVm.putInt(code, 1, 2);
            code[5] = (byte) 0xeb;
            code[6] = (byte) f.length;
            System.arraycopy(f, 0, code, 7, f.length);
            ProbeVm.Setup setup = new ProbeVm.Setup(new long[] {0, 0, 0, 0, ProbeVm.DATA, iterations}, null, new long[0]);
            Optional<KvmStats> stats = KvmStats.open(vm.vcpu());
            // an empty probe first: the exits of entering and of the done marker are the measurement's, not the workload's
            Map<String, Long> s0 = stats.map(KvmStats::read).orElse(Map.of());
            vm.run(new byte[0], setup, 0, World.A);
            Map<String, Long> s1 = stats.map(KvmStats::read).orElse(Map.of());
            long start = System.nanoTime();
            Result r = vm.run(code, setup, 0, World.A, WORKLOAD_MILLIS);
            long millis = (System.nanoTime() - start) / 1_000_000;
            Map<String, Long> s2 = stats.map(KvmStats::read).orElse(Map.of());
            stats.ifPresent(KvmStats::close);
            Map<String, Long> moved = new TreeMap<>();
            for (var e : s2.entrySet()) {
                long net = (e.getValue() - s1.getOrDefault(e.getKey(), 0L)) - (s1.getOrDefault(e.getKey(), 0L) - s0.getOrDefault(e.getKey(), 0L));
                if (net != 0 && e.getKey().contains("exit")) moved.put(e.getKey(), net);
            }
            long all = stats.isPresent() ? moved.getOrDefault("exits", 0L) : -1;
            if (!(r instanceof Result.Completed c))
                return new Report(null, null, resources(vm), "the workload guest did not complete: " + r);
            // the exit that ends the run (the done marker) is the measurement's, not the workload's
            Efficiency eff = new Efficiency(iterations, X86Workload.instructions(iterations) + 2, r.exits().size(), r.exits(), all, moved, millis);
            Equivalence eq = new Equivalence(iterations, c.regs().rax(), X86Workload.runNatively(iterations));
            return new Report(eff, eq, resources(vm), null);
        }
    }

    private static byte[] hex(String s) { return HexFormat.of().parseHex(s.replace(" ", "")); }

    private static List<Probe> resources(ProbeVm vm) {
        List<Probe> out = new ArrayList<>();
        ProbeVm.Setup none = new ProbeVm.Setup(new long[6], null, new long[0]);
        // store 0x12345678 at guest-physical 5 MiB, where the VMM put no RAM, then load it back
        Result r = vm.run(hex("c7042500005000 78563412 8b042500005000"), none, 0, World.A);
        out.add(new Probe("store to and load from guest-physical 0x500000, outside its 2 MiB of RAM", describe(r),
                r instanceof Result.Completed c && (int) c.regs().rax() != 0x12345678 && r.exits().size() == 2));
        r = vm.run(hex("8b042500002000"), none, 0, World.A);
        out.add(new Probe("load from virtual 0x200000, which its page tables do not map", describe(r),
                r instanceof Result.Faulted f && f.vector() == 14));
        // PCI configuration (0xcf8/0xcfc) and COM1: devices this VM was not given
        r = vm.run(hex("66baf80c b8000000 80 ef 66bafc0c ed 66baf803 ec"), none, 0, World.A);
        out.add(new Probe("PCI configuration at ports 0xcf8/0xcfc and COM1 at 0x3f8, at CPL 0: no such devices in this VM", describe(r),
                r instanceof Result.Completed c && (int) c.regs().rax() == -1 && r.exits().size() == 3));
        r = vm.run(hex("e680"), none, 3, World.A);
        out.add(new Probe("port 0x80 from CPL 3 (IOPL 0, no I/O bitmap)", describe(r), r instanceof Result.Faulted f && f.vector() == 13));
        long t = System.nanoTime();
        r = vm.run(hex("fa ebfe"), none, 0, World.A);
        long ms = (System.nanoTime() - t) / 1_000_000;
        out.add(new Probe("cli; jmp $ at CPL 0: keep the CPU forever", describe(r) + ", the VMM had its thread back after " + ms + " ms",
                r instanceof Result.Hang));
        return out;
    }

    private static String describe(Result r) {
        String exits = r.exits().isEmpty() ? "no exit to the VMM" : "exits to the VMM: " + String.join(", ", r.exits());
        return switch (r) {
            case Result.Completed c -> String.format("completed, eax = 0x%x; %s", c.regs().rax() & 0xffff_ffffL, exits);
            case Result.Faulted f -> String.format("%s (error code 0x%x) delivered to the guest's own handler; %s",
                    X86Classifier.vectorName(f.vector()), f.errorCode(), exits);
            case Result.Hang h -> "still running after " + h.millis() + " ms: the watchdog kicked the vCPU out of KVM_RUN (a signal: "
                    + "the host's timer, not the guest's, decides)";
            case Result.Stopped s -> "the VM stopped: " + s.why();
        };
    }
}
