package org.jvirt.riscv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.jvirt.machine.PgWorkload;

/** The properties on the interpreter and the translator, on the generated RV64 workload. */
class PgPropertiesTest {
    private static final long N = 120_000; // enough backward jumps (one per iteration) for the translator's default threshold

    @Test
    void bothEnginesPrintWorkloadHsChecksumAndEndInTheSameState() {
        PgProperties p = new PgProperties();
        PgProperties.EngineRun interp = p.run(Engine.INTERP, N), dbt = p.run(Engine.DBT, N);
        assertEquals(String.format("%016x%n", PgWorkload.checksum(N)), interp.console());
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
