package org.jvirt.riscv;

import static org.jvirt.riscv.Asm.*;
import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/**
 * Translations that call their successors directly ({@link TranslatedBlock#chain}) keep the
 * interpreter's results and its exact instruction budget.
 */
class ChainingTest {
    private static final int RA = 1, S0 = 8, S1 = 9, A0 = 10, A5 = 15, S2 = 18;

    /** A loop that calls a three-instruction function: three translations that follow one another. */
    private static final int[] CALLS = {
        xor(A0, S0, S1),        // loop
        jal(RA, 20),            // f
        addi(S1, S1, 1),
        addi(S0, A0, 0),
        bne(S1, S2, -16),
        wfi(),
        slli(A5, A0, 1),        // f
        add(A0, A0, A5),
        addi(A0, A0, 1),
        jalr(0, RA, 0),
    };

    private static TestHart hart(Engine engine) {
        TestHart t = new TestHart();
        t.engine(engine);
        t.put(TestHart.CODE, CALLS);
        t.h.x[S2] = 200_000;
        return t;
    }

    /** The architectural registers (the array has a sink for writes to x0 after them). */
    private static long[] regs(TestHart t) {
        return java.util.Arrays.copyOf(t.h.x, 32);
    }

    @Test
    void chainedTranslationsStopExactlyAtTheBudgetWithTheInterpretersState() {
        for (long budget : new long[] {1_000_003, 1_000_004, 1_000_005, 1_000_006, 1_000_007}) {
            try (TestHart i = hart(Engine.INTERP); TestHart d = hart(Engine.DBT)) {
                assertEquals(budget, i.h.run(budget));
                assertEquals(budget, d.h.run(budget), "the translator must retire exactly the budget");
                assertArrayEquals(regs(i), regs(d), "registers after " + budget);
                assertEquals(i.h.pc, d.h.pc, "pc after " + budget);
                assertEquals(i.h.instret, d.h.instret);
                assertTrue(d.h.dbtNested > 100_000, "translations should have called one another: " + d.h.dbtStats());
            }
        }
    }

    @Test
    void aChainedLoopRunsToTheEndWithTheInterpretersResult() {
        try (TestHart i = hart(Engine.INTERP); TestHart d = hart(Engine.DBT)) {
            i.h.run(10_000_000);
            d.h.run(10_000_000);
            assertTrue(i.h.isWaiting() && d.h.isWaiting());
            assertArrayEquals(regs(i), regs(d));
            assertEquals(i.h.instret, d.h.instret);
        }
    }
}
