package org.jvirt.kvm;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/** VM exits counted per vCPU and reason; each vCPU writes only its own row, so no locking on the hot path. */
public final class ExitStats {
    private final long[][] counts;
    private final AtomicLong unassignedMmio = new AtomicLong();

    ExitStats(int cpus) {
        counts = new long[cpus][32];
    }

    void count(int vcpu, int reason) {
        if (reason >= 0 && reason < 32) counts[vcpu][reason]++;
    }

    void countUnassignedMmio() { unassignedMmio.incrementAndGet(); }

    /** MMIO exits to addresses no device claims. */
    public long unassignedMmioCount() { return unassignedMmio.get(); }

    /** Exits by reason name, summed over vCPUs (read after the run). */
    public Map<String, Long> byReason() {
        Map<String, Long> m = new TreeMap<>();
        for (long[] row : counts)
            for (int r = 0; r < row.length; r++) if (row[r] != 0) m.merge(reasonName(r), row[r], Long::sum);
        return m;
    }

    public long total() {
        long t = 0;
        for (long[] row : counts) for (long c : row) t += c;
        return t;
    }

    public static String reasonName(int r) {
        return switch (r) {
            case Vcpu.EXIT_IO -> "io (port I/O)";
            case Vcpu.EXIT_MMIO -> "mmio";
            case Vcpu.EXIT_HLT -> "hlt";
            case Vcpu.EXIT_SHUTDOWN -> "shutdown (triple fault)";
            case Vcpu.EXIT_FAIL_ENTRY -> "fail_entry";
            case Vcpu.EXIT_INTR -> "intr (kicked by the VMM)";
            case Vcpu.EXIT_INTERNAL_ERROR -> "internal_error";
            case Vcpu.EXIT_SYSTEM_EVENT -> "system_event";
            case Vcpu.EXIT_EXCEPTION -> "exception";
            case Vcpu.EXIT_DEBUG -> "debug";
            case Vcpu.EXIT_HYPERCALL -> "hypercall";
            default -> "reason " + r;
        };
    }
}
