package org.jvirt.riscv;

import static org.jvirt.riscv.Asm.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Atomics and floating point inside translations ({@link Insn#callable}): a loop that holds them is
 * translated whole, and a trap or a write to code by one of them leaves the translation exactly
 * where the interpreter would be. Each program runs under both engines and must end the same.
 */
class CallableInstructionTest {
    private static final int T0 = 5, T1 = 6, T2 = 7, A0 = 10, A1 = 11, A2 = 12;
    private static final long FS_INITIAL = 1L << 13;

    /** Runs {@code code} under {@code engine} (see {@link TestHart#engine}) after {@code setup}. */
    private static TestHart run(Engine engine, int[] code, Consumer<TestHart> setup) {
        TestHart t = new TestHart();
        t.engine(engine);
        t.csr(Csrs.MSTATUS, FS_INITIAL);
        t.put(TestHart.CODE, code);
        t.put(TestHart.TRAP, wfi()); // a trap stops the run where it can be inspected
        setup.accept(t);
        t.h.run(5_000_000);
        assertTrue(t.h.isWaiting(), "the program should have ended at a wfi");
        return t;
    }

    private static void assertSameEnd(TestHart interp, TestHart dbt) {
        assertArrayEquals(java.util.Arrays.copyOf(interp.h.x, 32), java.util.Arrays.copyOf(dbt.h.x, 32), "integer registers");
        assertArrayEquals(interp.h.f, dbt.h.f, "FP registers");
        assertEquals(interp.h.pc, dbt.h.pc, "pc");
        assertEquals(interp.h.instret, dbt.h.instret, "instret");
        for (int csr : new int[] {Csrs.MCAUSE, Csrs.MEPC, Csrs.MTVAL})
            assertEquals(interp.csr(csr), dbt.csr(csr), "CSR " + Integer.toHexString(csr));
    }

    @Test
    void aLoopWithAtomicsAndFpAccessesIsTranslatedWhole() {
        int[] code = {
            amoaddD(A2, T0, A0),    // loop: mem[t0] += 1
            fld(1, T1, 0),
            fsd(1, T1, 8),
            addi(A1, A1, -1),
            bne(A1, 0, -16),
            wfi(),
        };
        Consumer<TestHart> setup = t -> {
            t.h.x[T0] = TestHart.DATA;
            t.h.x[T1] = TestHart.DATA + 64;
            t.h.x[A0] = 1;
            t.h.x[A1] = 100_000;
            t.ram.writeLong(TestHart.DATA + 64, Double.doubleToRawLongBits(2.5));
        };
        try (TestHart i = run(Engine.INTERP, code, setup); TestHart d = run(Engine.DBT, code, setup)) {
            assertSameEnd(i, d);
            assertEquals(100_000, d.mem64(TestHart.DATA));
            assertEquals(Double.doubleToRawLongBits(2.5), d.mem64(TestHart.DATA + 72));
            DbtStats s = d.h.dbtStats();
            // Before, the amoadd at the loop's head made it untranslatable: everything ran interpreted.
            assertTrue(s.translatedInstructions() > 490_000, s.toString());
        }
    }

    @Test
    void anFpLoadThatFaultsInATranslationLeavesTheStateBeforeIt() {
        int[] code = {
            addi(A0, A0, 1),        // loop
            fld(1, T1, 0),          // the third pass reads past the end of RAM: a load access fault
            add(T1, T1, T2),
            addi(A1, A1, -1),
            bne(A1, 0, -16),
            wfi(),
        };
        Consumer<TestHart> setup = t -> {
            t.h.x[T1] = TestHart.RAM + TestHart.SIZE - 16;
            t.h.x[T2] = 8;
            t.h.x[A1] = 10;
        };
        try (TestHart i = run(Engine.INTERP, code, setup); TestHart d = run(Engine.DBT, code, setup)) {
            assertSameEnd(i, d);
            assertEquals(Cause.LOAD_ACCESS, d.csr(Csrs.MCAUSE));
            assertEquals(TestHart.CODE + 4, d.csr(Csrs.MEPC));
            assertEquals(3, d.h.x[A0], "the fault is in the third pass, after its first instruction");
            assertEquals(TestHart.RAM + TestHart.SIZE, d.h.x[T1], "the add after the fault must not have run");
            assertTrue(d.h.dbtStats().translatedInstructions() > 0, "the faulting pass should be translated");
        }
    }

    @Test
    void anAtomicThatRewritesItsOwnTranslationIsSeenAtOnce() {
        int[] code = {
            amoaddW(0, T0, A0),     // loop: add 1 to the immediate of the next instruction
            addi(A2, A2, 0),
            addi(A1, A1, -1),
            bne(A1, 0, -12),
            wfi(),
        };
        Consumer<TestHart> setup = t -> {
            t.h.x[T0] = TestHart.CODE + 4;
            t.h.x[A0] = 1 << 20;
            t.h.x[A1] = 50;
        };
        try (TestHart i = run(Engine.INTERP, code, setup); TestHart d = run(Engine.DBT, code, setup)) {
            assertSameEnd(i, d);
            assertEquals(50 * 51 / 2, d.h.x[A2], "each pass must run the instruction as the pass before left it");
            assertTrue(d.h.dbtStats().invalidations() > 0, "the loop should have been translated, then dropped");
        }
    }
}
