package org.jvirt.riscv;

import static org.jvirt.riscv.Asm.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * Translation on the background thread: a region handed over is installed and runs, and one whose
 * code is written while it is being translated is never installed. (The randomized equivalence tests
 * translate in place, so that every region is translated at once.)
 */
class BackgroundTranslationTest {
    private static final int A0 = 10, A1 = 11, T0 = 5;
    private static final int LOOP = 4; // the loop's first instruction: the one that is patched

    /** a0 += 1, a1 times; then waits for an interrupt. */
    private static int[] loop() {
        return new int[] {
            addi(A0, 0, 0),
            addi(A0, A0, 1),     // LOOP
            addi(A1, A1, -1),
            bne(A1, 0, -8),
            wfi(),
        };
    }

    /** Holds the translator thread until the latch opens, so that jobs wait where the test wants them. */
    private static CountDownLatch holdTranslator() {
        CountDownLatch latch = new CountDownLatch(1);
        Dbt.TRANSLATOR_THREAD.execute(() -> {
            try {
                latch.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return latch;
    }

    private static TestHart hart(int iterations) {
        TestHart t = new TestHart();
        t.h.useEngine(Engine.DBT);
        t.h.setTranslationThreshold(10);
        t.h.dbt.background = true;
        t.put(TestHart.CODE, loop());
        t.h.x[A1] = iterations;
        t.h.x[T0] = TestHart.CODE;
        t.h.pc = TestHart.CODE;
        return t;
    }

    @Test
    void aRegionTranslatedInTheBackgroundIsInstalledAndRun() throws Exception {
        try (TestHart t = hart(1_000_000)) {
            CountDownLatch held = holdTranslator();
            t.h.run(10_000);
            assertTrue(t.h.dbt.pendingTranslations() > 0, "the hot loop should have been handed to the background thread");
            assertEquals(0, t.h.dbtStats().translatedInstructions(), "the hart must not wait for the translator");
            held.countDown();
            t.h.dbt.awaitBackground();
            t.h.run(10_000_000);
            assertTrue(t.h.isWaiting());
            assertEquals(1_000_000, t.h.x[A0]);
            DbtStats s = t.h.dbtStats();
            assertTrue(s.blocksTranslated() > 0 && s.translatedInstructions() > 2_000_000, s.toString());
        }
    }

    @Test
    void codeWrittenWhileItsTranslationIsUnderWayIsNeverInstalled() throws Exception {
        try (TestHart t = hart(1_000_000)) {
            CountDownLatch held = holdTranslator();
            t.h.run(10_000);
            assertTrue(t.h.dbt.pendingTranslations() > 0);
            long before = t.h.x[A0];
            // Another agent (DMA, a loader) rewrites the loop while the translator works on it.
            t.ram.writeInt(TestHart.CODE + LOOP, addi(A0, A0, 3));
            held.countDown();
            t.h.dbt.awaitBackground();
            long left = t.h.x[A1];
            // The rewritten loop becomes hot again and is handed over afresh; wait for that translation
            // too, as the translator thread (at nice 19) may get no core while the loop runs out.
            t.h.run(1_000);
            t.h.dbt.awaitBackground();
            t.h.run(10_000_000);
            assertTrue(t.h.isWaiting());
            // A stale translation would still add 1 per iteration.
            assertEquals(before + 3 * left, t.h.x[A0]);
            assertTrue(t.h.dbtStats().translatedInstructions() > 0, "the rewritten loop should be translated afresh");
        }
    }
}
