package org.jvirt.riscv;

import static org.jvirt.riscv.Asm.*;
import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/**
 * The default thresholds: code becomes hot sooner in user mode, where a Linux guest's programs run,
 * than in the kernel, whose boot code is hot only briefly; and S- and U-mode code is not translated
 * while the guest boots, until the hart first waits for an interrupt or the boot gate's instructions
 * have run.
 */
class ThresholdTest {
    private static final int A0 = 10;
    private static final int ITERATIONS = 10_000; // between the user threshold and the kernel's

    /** Runs a loop of {@link #ITERATIONS} back-edge jumps at privilege {@code priv}; returns the regions translated. */
    private static long translatedAt(int priv) {
        return translatedAt(priv, ITERATIONS, true, -1);
    }

    /**
     * Runs a loop of {@code iterations} back-edge jumps at privilege {@code priv}, after the hart has
     * waited for an interrupt if {@code idled}, and with the boot gate closed for {@code gate} more
     * instructions if that is not negative; returns the regions translated.
     */
    private static long translatedAt(int priv, int iterations, boolean idled, long gate) {
        try (TestHart t = new TestHart()) {
            t.h.useEngine(Engine.DBT);
            t.h.dbt.background = false;
            if (idled) t.h.dbt.idled();
            if (gate >= 0) t.h.dbt.closeGate(gate);
            t.allowAllPmp();
            t.put(TestHart.CODE, addi(A0, A0, -1), bne(A0, 0, -4));
            t.h.x[A0] = iterations;
            t.priv(priv);
            t.h.pc = TestHart.CODE;
            assertEquals(2L * iterations, t.h.run(2L * iterations));
            assertEquals(0, t.h.x[A0]);
            return t.h.dbtStats().blocksTranslated();
        }
    }

    @Test
    void userCodeIsTranslatedAfterFewerJumpsThanKernelCode() {
        assertTrue(Dbt.USER_THRESHOLD < ITERATIONS && ITERATIONS < Dbt.THRESHOLD, "the defaults this test is about");
        assertEquals(1, translatedAt(TestHart.U));
        assertEquals(0, translatedAt(TestHart.S));
        assertEquals(0, translatedAt(TestHart.M));
    }

    @Test
    void aBootingGuestsCodeIsNotTranslatedUntilTheHartIdlesOrTheGateRunsOut() {
        assertTrue(Dbt.BOOT_GATE > 2L * Dbt.THRESHOLD, "the default this test is about");
        int hot = Dbt.THRESHOLD + 1_000; // past both thresholds
        assertEquals(0, translatedAt(TestHart.U, hot, false, -1), "user code while booting");
        assertEquals(0, translatedAt(TestHart.S, hot, false, -1), "kernel code while booting");
        assertEquals(1, translatedAt(TestHart.M, hot, false, -1), "machine code is never held back");
        assertEquals(1, translatedAt(TestHart.U, hot, true, -1), "user code once the hart has idled");
        assertEquals(1, translatedAt(TestHart.S, hot, true, -1), "kernel code once the hart has idled");
        // A gate that runs out after 10,000 instructions: the loop's later jumps are counted.
        assertEquals(1, translatedAt(TestHart.U, hot, false, 10_000), "user code once the gate ran out");
        // 10,000 jumps, past the user threshold, but only 4,000 after the gate: what the boot made
        // hot is forgotten when the gate opens.
        assertEquals(0, translatedAt(TestHart.U, ITERATIONS, false, 12_000), "jumps counted before the gate opened");
    }
}
