package org.jvirt.riscv;

import java.util.Map;
import java.util.TreeMap;

/** What a hart counts for {@code --stats}: traps and interrupts by cause. */
public final class HartStats {
    private final long[] exceptions = new long[64];
    private final long[] interrupts = new long[64];

    void countTrap(long cause) {
        if (cause < 0) interrupts[(int) (cause & 63)]++;
        else exceptions[(int) (cause & 63)]++;
    }

    /** Counts by cause name, exceptions and interrupts together, only the non-zero ones. */
    public Map<String, Long> byCause() {
        Map<String, Long> m = new TreeMap<>();
        for (int i = 0; i < 64; i++) {
            if (exceptions[i] != 0) m.put(Cause.name(i), exceptions[i]);
            if (interrupts[i] != 0) m.put(Cause.name(Long.MIN_VALUE | i), interrupts[i]);
        }
        return m;
    }
}
