package org.jvirt.riscv;

import static org.jvirt.riscv.Asm.*;
import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/**
 * The default thresholds: code becomes hot sooner in user mode, where a Linux guest's programs run,
 * than in the kernel, whose boot code is hot only briefly.
 */
class ThresholdTest {
    private static final int A0 = 10;
    private static final int ITERATIONS = 10_000; // between the user threshold and the kernel's

    /** Runs a loop of {@link #ITERATIONS} back-edge jumps at privilege {@code priv}; returns the regions translated. */
    private static long translatedAt(int priv) {
        try (TestHart t = new TestHart()) {
            t.h.useEngine(Engine.DBT);
            t.h.dbt.background = false;
            t.allowAllPmp();
            t.put(TestHart.CODE, addi(A0, A0, -1), bne(A0, 0, -4));
            t.h.x[A0] = ITERATIONS;
            t.priv(priv);
            t.h.pc = TestHart.CODE;
            assertEquals(2L * ITERATIONS, t.h.run(2L * ITERATIONS));
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
}
