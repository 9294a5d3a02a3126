package org.jvirt.riscv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The properties on the interpreter and the translator, on the generated RV64 workload. */
class PgPropertiesTest {
    private static final long N = 120_000; // enough backward jumps (one per iteration) for the translator's default threshold

    /** guests/x86/workload.h in Java. */
    private static long reference(long n) {
        int[] table = new int[1024];
        long x = PgProperties.SEED, sum = 0;
        for (long i = 0; i < n; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            int slot = (int) x & 1023;
            table[slot] += (int) (x >>> 32);
            sum += (table[(slot * 7) & 1023] & 0xffff_ffffL) ^ i;
        }
        return sum;
    }

    @Test
    void bothEnginesPrintWorkloadHsChecksumAndEndInTheSameState() {
        PgProperties p = new PgProperties();
        PgProperties.EngineRun interp = p.run(Engine.INTERP, N), dbt = p.run(Engine.DBT, N);
        assertEquals(String.format("%016x%n", reference(N)), interp.console());
        assertTrue(PgProperties.equivalent(interp, dbt), () -> interp + "\n" + dbt);
        // the hart retires the known count, plus the spin after the power-off store until the run loop stops
        assertTrue(interp.instructions() >= PgProperties.instructions(N) && interp.instructions() < PgProperties.instructions(N) + 100_000,
                () -> interp.instructions() + " vs " + PgProperties.instructions(N));
        assertEquals(0.0, interp.efficiency());
        assertTrue(dbt.efficiency() > 0.3, () -> "translated fraction " + dbt.efficiency());
    }

    @Test
    void theResourceProbesAreContainedOnBothEngines() {
        PgProperties p = new PgProperties();
        for (Engine e : new Engine[] {Engine.INTERP, Engine.DBT})
            for (PgProperties.Probe probe : p.resources(e)) assertTrue(probe.contained(), probe::toString);
    }
}
