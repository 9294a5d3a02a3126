package org.jvirt.riscv;

import static org.jvirt.riscv.Asm.*;
import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/**
 * Accesses that share one TLB check in a translation (Translator's access groups): where their bytes
 * straddle two pages, or run off the end of RAM in the middle of the group, each access must still do
 * exactly what the interpreter does, the faulting one trapping with the earlier ones done.
 */
class AccessGroupTest {
    private static final int T0 = 5, T1 = 6, T2 = 7, A1 = 11, S2 = 18, S3 = 19;
    private static final long BUDGET = 300_000;

    /** Stores and loads relative to a1, which walks up 8 bytes an iteration from {@code start}. */
    private static TestHart hart(Engine engine, long start) {
        TestHart t = new TestHart().engine(engine);
        t.h.setTranslationThreshold(50);
        t.put(TestHart.CODE,
                sd(T0, A1, 0),                // loop: a store group of three
                sd(T1, A1, 8),
                sd(T0, A1, 16),
                ld(S2, A1, 8),                // a load group of two
                ld(S3, A1, 0),
                add(T0, T0, S2),
                add(T1, T1, S3),
                addi(T0, T0, 3),
                addi(A1, A1, 8),
                jal(0, -36));
        t.put(TestHart.TRAP, jal(0, 0)); // the handler spins: the run ends at the budget, state frozen
        t.h.x[T0] = 1;
        t.h.x[T1] = 0x1234;
        t.h.x[A1] = start;
        return t;
    }

    /** Runs both engines from {@code start}; returns the translator's mcause. */
    private static long sameAsTheInterpreter(long start) {
        try (TestHart i = hart(Engine.INTERP, start); TestHart d = hart(Engine.DBT, start)) {
            assertEquals(i.h.run(BUDGET), d.h.run(BUDGET));
            assertArrayEquals(java.util.Arrays.copyOf(i.h.x, 32), java.util.Arrays.copyOf(d.h.x, 32));
            assertEquals(i.h.pc, d.h.pc);
            assertEquals(i.h.instret, d.h.instret);
            assertEquals(i.csr(Csrs.MCAUSE), d.csr(Csrs.MCAUSE));
            assertEquals(i.csr(Csrs.MTVAL), d.csr(Csrs.MTVAL));
            assertEquals(i.csr(Csrs.MEPC), d.csr(Csrs.MEPC));
            for (long a = TestHart.RAM; a < TestHart.RAM + TestHart.SIZE; a += 8)
                assertEquals(i.ram.readLong(a), d.ram.readLong(a), "memory at " + Long.toHexString(a));
            assertTrue(d.h.dbtStats().translatedInstructions() > BUDGET / 2, d.h.dbtStats().toString());
            return d.csr(Csrs.MCAUSE);
        }
    }

    @Test
    void groupsThatStraddlePagesAgreeWithTheInterpreter() {
        assertEquals(0, sameAsTheInterpreter(TestHart.DATA + 0x0f00)); // every 512th iteration the group spans two pages
    }

    @Test
    void aGroupThatRunsOffTheEndOfRamTrapsAtTheRightStore() {
        // After about 3,000 iterations, translated by then, the second or third store of the group is
        // past the end of RAM: a store access fault there, with the stores before it done.
        assertEquals(Cause.STORE_ACCESS, sameAsTheInterpreter(TestHart.RAM + TestHart.SIZE - 8 * 3_000 - 4));
    }
}
