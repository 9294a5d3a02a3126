package org.jvirt.riscv;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.jvirt.machine.PgWorkload;
import org.jvirt.riscv.board.Clint;
import org.jvirt.riscv.board.Outcome;
import org.jvirt.riscv.board.RiscvMachine;
import org.jvirt.riscv.board.TestDevice;

/**
 * Popek and Goldberg's three properties measured on the interpreter and the translator. The guest
 * is the CPU workload of guests/x86/workload.h (xorshift64 and a 1024-entry table), written here as
 * RV64 code with a known instruction count ({@link #instructions}), which prints its checksum on the
 * UART and powers off. Efficiency is the translator's own {@code --stats} figure (instructions run in
 * translated code); equivalence compares console output and the final architectural state (integer
 * and FP registers, pc, the machine CSRs, a hash of RAM) of the two engines; the resource probes run
 * in M-mode and show what the machine did to a guest reaching outside what it was given.
 */
public final class PgProperties {
    private static final long RAM = RiscvMachine.RAM_BASE, TABLE = RAM + 0x10000, DIGITS = RAM + 0x20000, RAM_SIZE = 1 << 20;
    private static final int T0 = 5, T1 = 6, T2 = 7, S0 = 8, S1 = 9, A0 = 10, A1 = 11, A2 = 12, A3 = 13, A4 = 14,
            S2 = 18, S3 = 19, S4 = 20, S6 = 22, T3 = 28, T4 = 29, T5 = 30, T6 = 31;
    public static final int PER_ITERATION = 23, OUTSIDE_LOOP = 116;

    /** One engine's run of the workload. */
    public record EngineRun(String engine, String console, long instructions, long translated, String stateHash, Map<String, Long> traps, long millis) {
        public double efficiency() { return instructions == 0 ? 0 : (double) translated / instructions; }
    }

    /** A resource probe: what the guest tried, what the machine did, whether the guest stayed inside. */
    public record Probe(String engine, String attempt, String outcome, boolean contained) { }

    /** Instructions the workload retires for {@code n} iterations (n >= 1), from its code. */
    public static long instructions(long n) { return PER_ITERATION * n + OUTSIDE_LOOP; }

    // ---- a small RV64 emitter ------------------------------------------------------------------------

    private static int r(int f7, int rs2, int rs1, int f3, int rd, int op) { return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op; }
    private static int i(int imm, int rs1, int f3, int rd, int op) { return (imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op; }
    private static int s(int imm, int rs2, int rs1, int f3) { return ((imm >> 5) & 0x7f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | (imm & 0x1f) << 7 | 0x23; }
    private static int b(int off, int rs2, int rs1, int f3) {
        return ((off >> 12) & 1) << 31 | ((off >> 5) & 0x3f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | ((off >> 1) & 0xf) << 8 | ((off >> 11) & 1) << 7 | 0x63;
    }
    private static int addi(int rd, int rs, int imm) { return i(imm, rs, 0, rd, 0x13); }
    private static int andi(int rd, int rs, int imm) { return i(imm, rs, 7, rd, 0x13); }
    private static int slli(int rd, int rs, int sh) { return i(sh, rs, 1, rd, 0x13); }
    private static int srli(int rd, int rs, int sh) { return i(sh, rs, 5, rd, 0x13); }
    private static int add(int rd, int a, int c) { return r(0, c, a, 0, rd, 0x33); }
    private static int sub(int rd, int a, int c) { return r(0x20, c, a, 0, rd, 0x33); }
    private static int xor(int rd, int a, int c) { return r(0, c, a, 4, rd, 0x33); }
    private static int srl(int rd, int a, int c) { return r(0, c, a, 5, rd, 0x33); }
    private static int addw(int rd, int a, int c) { return r(0, c, a, 0, rd, 0x3b); }
    private static int lw(int rd, int rs, int off) { return i(off, rs, 2, rd, 0x03); }
    private static int lwu(int rd, int rs, int off) { return i(off, rs, 6, rd, 0x03); }
    private static int lbu(int rd, int rs, int off) { return i(off, rs, 4, rd, 0x03); }
    private static int ld(int rd, int rs, int off) { return i(off, rs, 3, rd, 0x03); }
    private static int sw(int rs2, int rs1, int off) { return s(off, rs2, rs1, 2); }
    private static int sb(int rs2, int rs1, int off) { return s(off, rs2, rs1, 0); }
    private static int csrrw(int rd, int csr, int rs) { return csr << 20 | rs << 15 | 1 << 12 | rd << 7 | 0x73; }
    private static int csrrs(int rd, int csr, int rs) { return csr << 20 | rs << 15 | 2 << 12 | rd << 7 | 0x73; }
    private static final int J_SELF = 0x6f, MRET = 0x30200073;

    /** The workload: loop, print the checksum in hex and a newline on the UART, power off. */
    static int[] workload() {
        List<Integer> c = new ArrayList<>(List.of(
                slli(T0, A1, 13), xor(A1, A1, T0), srli(T0, A1, 7), xor(A1, A1, T0), slli(T0, A1, 17), xor(A1, A1, T0),
                andi(T1, A1, 1023), slli(T2, T1, 2), add(T2, T2, A2), lw(T3, T2, 0), srli(T4, A1, 32), addw(T3, T3, T4), sw(T3, T2, 0),
                slli(T5, T1, 3), sub(T5, T5, T1), andi(T5, T5, 1023), slli(T5, T5, 2), add(T5, T5, A2), lwu(T6, T5, 0),
                xor(T6, T6, A4), add(A3, A3, T6), addi(A4, A4, 1)));
        c.add(b(-4 * c.size(), A0, A4, 1));                         // bne a4, a0, loop
        c.add(addi(T0, 0, 60));
        int print = c.size();
        c.addAll(List.of(srl(T2, A3, T0), andi(T2, T2, 15), add(T3, S2, T2), lbu(T3, T3, 0), sb(T3, S1, 0), addi(T0, T0, -4)));
        c.add(b(-4 * (c.size() - print), 0, T0, 5));                 // bge t0, zero, print
        c.addAll(List.of(addi(T3, 0, 10), sb(T3, S1, 0), sw(S4, S3, 0), J_SELF));
        return c.stream().mapToInt(Integer::intValue).toArray();
    }

    private static void put(RiscvMachine m, long at, int[] words) {
        for (int k = 0; k < words.length; k++) m.ram().writeInt(at + 4L * k, words[k]);
    }

    private static void load(RiscvMachine m, int[] code) {
        put(m, RAM, code);
        Hart h = m.harts().getFirst();
        h.pc = RAM;
        h.x[S1] = RiscvMachine.UART_BASE;
        h.x[S3] = TestDevice.BASE;
        h.x[S4] = TestDevice.PASS;
    }

    /** Runs the workload for {@code n} iterations under {@code engine}. */
    public EngineRun run(Engine engine, long n) {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        try (RiscvMachine m = new RiscvMachine(RAM_SIZE, 1, console)) {
            Hart h = m.harts().getFirst();
            h.useEngine(engine);
            // Translated in place, not in the background: the share of instructions run translated is
            // then a property of the engine and the workload, not of how fast this host's other core is.
            if (h.dbt != null) h.dbt.background = false;
            load(m, workload());
            byte[] digits = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
            m.ram().load(DIGITS, digits, 0, digits.length);
            h.x[A0] = n;
            h.x[A1] = PgWorkload.SEED;
            h.x[A2] = TABLE;
            h.x[S2] = DIGITS;
            Outcome o = m.run(0, 60_000);
            if (!(o instanceof Outcome.Exited)) throw new IllegalStateException(engine.id + ": the workload did not finish: " + o);
            DbtStats d = h.dbtStats();
            return new EngineRun(engine.id, console.toString(StandardCharsets.US_ASCII), h.instret(), d == null ? 0 : d.translatedInstructions(),
                    stateHash(m, h), h.stats().byCause(), m.wallNanos() / 1_000_000);
        }
    }

    /** A SHA-256 over the architectural state: x1-x31, f0-f31, pc, privilege, the machine CSRs, then all of RAM. */
    private static String stateHash(RiscvMachine m, Hart h) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 * 80);
            for (int k = 1; k < 32; k++) b.putLong(h.x[k]);
            for (int k = 0; k < 32; k++) b.putLong(h.f[k]);
            b.putLong(h.pc).putLong(h.privilege());
            Insn probe = Decoder.rv64gc().decode(0x13);
            for (int csr : new int[] {Csrs.MSTATUS, Csrs.MIE_CSR, Csrs.MTVEC, Csrs.MEPC, 0x342, 0x343, 0x344})
                b.putLong(h.csrs().read(csr, probe));
            md.update(b.array(), 0, b.position());
            md.update(m.ram().segment().asByteBuffer());
            return HexFormat.of().formatHex(md.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The resource probes, under {@code engine}. */
    public List<Probe> resources(Engine engine) {
        List<Probe> out = new ArrayList<>();
        // trap handler (word 16): s0 = mcause, then power off
        int[] handler = {csrrs(S0, 0x342, 0), sw(S4, S3, 0), J_SELF};
        out.add(probe(engine, "load from 0x%x, outside its 1 MiB of RAM".formatted(RAM + (16 << 20)), new int[] {ld(T1, T0, 0), sw(S4, S3, 0)}, handler,
                RAM + (16 << 20), 5));
        out.add(probe(engine, "store to 0x30000000, where the machine has no device", new int[] {sw(T1, T0, 0), sw(S4, S3, 0)}, handler, 0x3000_0000L, 7));
        // keep the CPU: a machine timer interrupt due at once, a handler that masks it and returns, then j . forever
        int[] spin = {csrrw(0, 0x305, T1), s(0, 0, T0, 3) /* sd zero, 0(t0) */, addi(T2, 0, 0x80), csrrw(0, 0x304, T2), csrrs(0, 0x300, T3), J_SELF};
        int[] tick = {csrrw(0, 0x304, 0), addi(S6, S6, 1), MRET};
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        try (RiscvMachine m = new RiscvMachine(RAM_SIZE, 1, console)) {
            Hart h = m.harts().getFirst();
            h.useEngine(engine);
            load(m, spin);
            put(m, RAM + 64, tick);
            h.x[T0] = Clint.BASE + 0x4000;                      // mtimecmp of hart 0 := 0
            h.x[T1] = RAM + 64;
            h.x[T3] = 8;                                        // mstatus.MIE
            long limit = 5_000_000;
            Outcome o = m.run(limit, 30_000);
            out.add(new Probe(engine.id, "j . forever at M-mode, after a timer interrupt is armed",
                    String.format("%s after %,d instructions; timer interrupts taken: %d (%s); the run loop had the thread back every slice",
                            o, h.instret(), h.x[S6], h.stats().byCause()),
                    o instanceof Outcome.InstructionLimit && h.x[S6] == 1));
        }
        return out;
    }

    private Probe probe(Engine engine, String attempt, int[] code, int[] handler, long address, int expectedCause) {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        try (RiscvMachine m = new RiscvMachine(RAM_SIZE, 1, console)) {
            Hart h = m.harts().getFirst();
            h.useEngine(engine);
            load(m, code);
            put(m, RAM + 64, handler);
            Insn probe = Decoder.rv64gc().decode(0x13);
            h.csrs().write(Csrs.MTVEC, RAM + 64, probe);
            h.x[T0] = address;
            h.x[T1] = 0x1234_5678L;
            h.x[S0] = -1;
            Outcome o = m.run(1_000_000, 10_000);
            String what = h.x[S0] == -1 ? "no trap" : "trap taken: " + Cause.name(h.x[S0]);
            return new Probe(engine.id, attempt, what + ", then " + o + "; traps " + h.stats().byCause(),
                    o instanceof Outcome.Exited && h.x[S0] == expectedCause);
        }
    }

    /**
     * Whether two runs agree in console output and final state. Instructions retired are not compared:
     * after the power-off store the hart spins until the run loop sees the stop, which each engine
     * checks at its own granularity.
     */
    public static boolean equivalent(EngineRun a, EngineRun b) {
        return a.console().equals(b.console()) && a.stateHash().equals(b.stateHash());
    }
}
