package org.jvirt.riscv;

import static org.jvirt.riscv.Asm.*;
import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/**
 * A region goes on past a jump when a branch before it targets code after it: the path around a call
 * is then a JVM jump inside one translation instead of a transition to another, and the code between
 * the call and its return point, reached only by returning, must still do what the interpreter does.
 */
class RegionTest {
    private static final int RA = 1, T0 = 5, S0 = 8, S1 = 9, A5 = 15, S2 = 18;
    private static final int ITERATIONS = 100_000;

    /** A loop that calls a function on one iteration in four and jumps over the call on the others. */
    private static final int[] SKIPS_A_CALL = {
        andi(T0, S1, 3),        // 0  loop
        bne(T0, 0, 12),         // 4  -> skip
        jal(RA, 20),            // 8  -> f
        addi(S0, S0, 7),        // 12 the return point
        addi(S1, S1, 1),        // 16 skip
        bne(S1, S2, -20),       // 20 -> loop
        wfi(),                  // 24
        slli(A5, S0, 1),        // 28 f
        add(S0, S0, A5),        // 32
        jalr(0, RA, 0),         // 36
    };

    private static TestHart hart(Engine engine) {
        TestHart t = new TestHart().engine(engine);
        t.h.setTranslationThreshold(50);
        t.put(TestHart.CODE, SKIPS_A_CALL);
        t.h.x[S2] = ITERATIONS;
        return t;
    }

    @Test
    void theCodeAfterACallThatABranchJumpsToIsInTheRegion() {
        try (TestHart i = hart(Engine.INTERP); TestHart d = hart(Engine.DBT)) {
            i.h.run(10_000_000);
            d.h.run(10_000_000);
            assertTrue(i.h.isWaiting() && d.h.isWaiting());
            assertArrayEquals(java.util.Arrays.copyOf(i.h.x, 32), java.util.Arrays.copyOf(d.h.x, 32));
            assertEquals(i.h.instret, d.h.instret);
            assertEquals(i.h.pc, d.h.pc);
            DbtStats s = d.h.dbtStats();
            assertTrue(s.translatedInstructions() > i.h.instret / 2, s.toString());
            // Three transitions on an iteration that calls (into f, back, round the loop), none on the
            // others: the branch over the call stays in the loop's translation. A region that stopped
            // at the call would leave it on every iteration, two transitions each.
            assertTrue(s.chained() + s.dispatched() < ITERATIONS, s.toString());
        }
    }
}
