package org.jvirt.riscv;

import static org.jvirt.riscv.Asm.*;
import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/**
 * Which code becomes hot and translated: code that the profile of jumps alone would leave in the
 * interpreter for good, and that the translator must still find. Each loop is run under the
 * interpreter too, for the result to compare with.
 */
class HotCodeTest {
    private static final int T0 = 5, T1 = 6, A0 = 10, A1 = 11;
    private static final int THRESHOLD = 50;
    private static final long BUDGET = 200_000;

    /** Under the translator, in place, but only at THRESHOLD: code must earn its translation here. */
    private static TestHart hart(Engine engine) {
        TestHart t = new TestHart().engine(engine);
        t.h.setTranslationThreshold(THRESHOLD);
        return t;
    }

    /** Runs the same code under both engines; returns the translator's share of the instructions. */
    private static double translatedShare(java.util.function.Consumer<TestHart> setUp) {
        try (TestHart i = hart(Engine.INTERP); TestHart d = hart(Engine.DBT)) {
            setUp.accept(i);
            setUp.accept(d);
            assertEquals(BUDGET, i.h.run(BUDGET));
            assertEquals(BUDGET, d.h.run(BUDGET));
            assertArrayEquals(java.util.Arrays.copyOf(i.h.x, 32), java.util.Arrays.copyOf(d.h.x, 32));
            assertEquals(i.h.pc, d.h.pc);
            return (double) d.h.dbtStats().translatedInstructions() / BUDGET;
        }
    }

    @Test
    void codeAfterACsrAccessIsTranslatedThoughNoJumpReachesIt() {
        // The loop's body after the CSR read is reached only by falling through from it, and a region
        // cannot hold the CSR read: the fall-through itself must count as a way in.
        double share = translatedShare(t -> {
            t.put(TestHart.CODE,
                    addi(A0, A0, 1),              // loop
                    csrr(T0, Csrs.MSCRATCH),
                    addi(A1, A1, 3),
                    xor(T1, A1, A0),
                    add(A0, A0, T1),
                    srli(A0, A0, 1),
                    jal(0, -24));
        });
        assertTrue(share > 0.6, "the instructions after the CSR read should run translated: " + share);
    }

    @Test
    void aCompressedInstructionInAPagesLastParcelIsTranslated() {
        // A function whose ret is the last two bytes of its page: every call returned through the
        // interpreter, which then ran the caller's code until its next jump.
        long f = TestHart.CODE + 0x1000 - 6;
        double share = translatedShare(t -> {
            t.put(TestHart.CODE,
                    addi(A0, A0, 1),              // loop
                    jal(1, (int) (f - TestHart.CODE - 4)),
                    addi(A1, A1, 2),
                    add(A1, A1, A0),
                    jal(0, -16));
            t.put(f, addi(T0, T0, 1));
            t.put16(f + 4, cJr(1));
        });
        assertTrue(share > 0.9, "the loop, the function and its ret should run translated: " + share);
    }

    @Test
    void addressesSharingAJumpCacheSlotBothBecomeHot() {
        // Two loops 32 KiB apart share a slot of the direct-mapped jump cache; the one translated
        // second must not be kept from it because the first is cached again after every trap.
        long other = TestHart.CODE + 0x8000 * 2;
        double share = translatedShare(t -> {
            t.put(TestHart.CODE,
                    addi(A0, A0, 1),              // loop: calls the function at the other address
                    jal(1, (int) (other - TestHart.CODE - 4)),
                    ecall(),                      // a trap each round: a new mapping epoch
                    jal(0, -12));
            t.put(other, addi(A1, A1, 1), jalr(0, 1, 0));
            t.put(TestHart.TRAP, csrr(T0, Csrs.MEPC), addi(T0, T0, 4), csrrw(0, Csrs.MEPC, T0), mret());
            t.csr(Csrs.MTVEC, TestHart.TRAP);
        });
        assertTrue(share > 0.5, "both loops should run translated: " + share);
    }
    @Test
    void translatedLoadsAndStoresHitTheTlb() {
        // The translator states the TLB's index formula itself (Mmu.slot): if it disagreed with the
        // MMU, every access would miss and take the slow path, with the right results, only slower.
        try (TestHart d = hart(Engine.DBT)) {
            d.put(TestHart.CODE,
                    lw(T0, A1, 0),                // loop
                    addi(T0, T0, 1),
                    sw(T0, A1, 0),
                    sd(T0, A0, 8),
                    jal(0, -16));
            d.h.x[A1] = TestHart.DATA + 0x7f0;
            d.h.x[A0] = TestHart.DATA + 0x3000; // another page, another TLB entry
            assertEquals(BUDGET, d.h.run(BUDGET));
            assertTrue(d.h.dbtStats().translatedInstructions() > BUDGET * 9 / 10, d.h.dbtStats().toString());
            assertTrue(d.h.mmu().tlbMisses() < 20, "TLB misses: " + d.h.mmu().tlbMisses());
        }
    }
}
