package org.jvirt.riscv;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The equivalence property, tested: random programs (see {@link RandomProgram}) leave the same
 * architectural state under the interpreter and under the binary translator.
 *
 * <p>CI runs a sample; the long profile runs more with {@code -Djvirt.equivalence.programs=100000}
 * (and {@code -Djvirt.equivalence.seed=N} to start elsewhere or replay a failure).
 */
class EngineEquivalenceTest {
    static final int PROGRAMS = Integer.getInteger("jvirt.equivalence.programs", 400);
    static final long FIRST_SEED = Long.getLong("jvirt.equivalence.seed", 1);
    static final long BUDGET = 200_000;
    static int finished;

    /** What the two engines must agree on. */
    record State(long[] x, long[] f, long pc, long instret, int priv, long fcsr, long mscratch, long mcause, long mepc,
                 long mtval, byte[] data) {
        String diff(State o) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 32; i++) if (x[i] != o.x[i]) sb.append(String.format(" x%d %x/%x", i, x[i], o.x[i]));
            for (int i = 0; i < 32; i++) if (f[i] != o.f[i]) sb.append(String.format(" f%d %x/%x", i, f[i], o.f[i]));
            if (pc != o.pc) sb.append(String.format(" pc %x/%x", pc, o.pc));
            if (instret != o.instret) sb.append(" instret ").append(instret).append('/').append(o.instret);
            if (priv != o.priv) sb.append(" priv ").append(priv).append('/').append(o.priv);
            if (fcsr != o.fcsr) sb.append(String.format(" fcsr %x/%x", fcsr, o.fcsr));
            if (mscratch != o.mscratch) sb.append(String.format(" mscratch %x/%x", mscratch, o.mscratch));
            if (mcause != o.mcause || mepc != o.mepc || mtval != o.mtval)
                sb.append(String.format(" mcause/mepc/mtval %x %x %x / %x %x %x", mcause, mepc, mtval, o.mcause, o.mepc, o.mtval));
            for (int i = 0; i < data.length; i++)
                if (data[i] != o.data[i]) { sb.append(String.format(" data+%x %02x/%02x", i, data[i], o.data[i])); break; }
            return sb.toString();
        }
    }

    static State run(RandomProgram p, Engine engine) {
        try (TestHart t = new TestHart()) {
            t.engine(engine);
            t.put(TestHart.CODE, p.code);
            t.put(TestHart.TRAP, RandomProgram.handler());
            for (int k = 0; k < 0x2000; k += 8) t.ram.writeLong(RandomProgram.DATA + k, 0x0123_4567_89ab_cdefL * (k + 1));
            System.arraycopy(p.x, 0, t.h.x, 0, 32);
            System.arraycopy(p.f, 0, t.h.f, 0, 32);
            t.csr(Csrs.MSTATUS, t.csr(Csrs.MSTATUS) | (1L << 13)); // FS = Initial: the FPU is on
            t.csr(Csrs.FRM, p.frm);
            t.h.pc = TestHart.CODE;
            // Budgets are exact under both engines, so a program that never ends (it may overwrite its own
            // code through a register that happens to point there) is compared after as many instructions.
            t.h.run(BUDGET);
            if (t.h.isWaiting()) finished++;
            byte[] data = new byte[0x2000];
            for (int k = 0; k < data.length; k++) data[k] = t.ram.readByte(RandomProgram.DATA + k);
            return new State(t.h.x.clone(), t.h.f.clone(), t.h.pc, t.h.instret, t.h.privilege(), t.csr(Csrs.FCSR),
                    t.csr(Csrs.MSCRATCH), t.csr(Csrs.MCAUSE), t.csr(Csrs.MEPC), t.csr(Csrs.MTVAL), data);
        }
    }

    @Test
    void randomProgramsLeaveTheSameStateUnderBothEngines() {
        for (long seed = FIRST_SEED; seed < FIRST_SEED + PROGRAMS; seed++) {
            RandomProgram p = new RandomProgram(seed, 80);
            State interp = run(p, Engine.INTERP), dbt = run(p, Engine.DBT);
            String diff = interp.diff(dbt);
            if (!diff.isEmpty()) fail("seed " + seed + " (interpreter/translator):" + diff);
        }
        assertTrue(finished > PROGRAMS, "most programs should reach their end: only " + finished / 2 + " of " + PROGRAMS);
    }

    @Test
    void theTranslatorRunsMostOfTheRandomProgramsInstructions() {
        // Guards against a translator that silently hands everything to the interpreter.
        long translated = 0, total = 0;
        for (long seed = 1; seed <= 20; seed++) {
            RandomProgram p = new RandomProgram(seed, 80);
            try (TestHart t = new TestHart()) {
                t.engine(Engine.DBT);
                t.put(TestHart.CODE, p.code);
                t.put(TestHart.TRAP, RandomProgram.handler());
                System.arraycopy(p.x, 0, t.h.x, 0, 32);
                t.csr(Csrs.MSTATUS, t.csr(Csrs.MSTATUS) | (1L << 13));
                t.h.pc = TestHart.CODE;
                total += t.h.run(BUDGET);
                translated += t.h.dbtStats().translatedInstructions();
            }
        }
        assertTrue(translated > total / 3, "only " + translated + " of " + total + " instructions ran translated");
    }
}
