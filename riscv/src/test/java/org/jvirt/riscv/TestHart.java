package org.jvirt.riscv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.jvirt.machine.Bus;
import org.jvirt.machine.Clock;
import org.jvirt.machine.GuestMemory;

/**
 * One hart on 1 MiB of RAM at 0x8000_0000 with a clock that only moves when told, for unit tests.
 *
 * <p>Layout: code at {@link #CODE}, the M-mode trap vector at {@link #TRAP} (nothing is placed there:
 * tests step once and inspect the state the trap left), data at {@link #DATA}, and free pages from
 * {@link #FREE} for page tables. The hart starts in M-mode at {@link #CODE} with mtvec = {@link #TRAP}.
 */
final class TestHart implements AutoCloseable {
    static final long RAM = 0x8000_0000L, SIZE = 1 << 20;
    static final long CODE = RAM, TRAP = RAM + 0x8000, STRAP = RAM + 0x9000, DATA = RAM + 0x1_0000, FREE = RAM + 0x4_0000;
    static final int U = Hart.U, S = Hart.S, M = Hart.M;
    static final long INTERRUPT = Long.MIN_VALUE;

    final GuestMemory ram;
    final Bus bus;
    final Hart h;
    /** What the clock reads (the time CSR). */
    long ticks = 1_234_567;
    private final Insn csrInsn;

    TestHart() { this(0); }

    TestHart(int hartId) {
        ram = GuestMemory.allocate(RAM, SIZE);
        bus = new Bus(ram);
        Clock clock = new Clock() {
            public long frequency() { return 10_000_000; }
            public long ticks() { return ticks; }
        };
        Decoder decoder = Decoder.rv64gc();
        h = new Hart(hartId, bus, decoder, clock);
        csrInsn = decoder.decode(Asm.csrr(0, 0));
        h.pc = CODE;
        csr(Csrs.MTVEC, TRAP);
        csr(Csrs.STVEC, STRAP);
    }

    @Override
    public void close() { ram.close(); }

    // ---- memory ---------------------------------------------------------------------------------------

    /** Writes 32-bit words from {@code addr} on. */
    TestHart put(long addr, int... words) {
        for (int k = 0; k < words.length; k++) {
            ram.writeInt(addr + 4L * k, words[k]); // GuestMemory tells the code cache
        }
        return this;
    }

    /** Writes 16-bit parcels from {@code addr} on. */
    TestHart put16(long addr, int... parcels) {
        for (int k = 0; k < parcels.length; k++) {
            ram.writeShort(addr + 2L * k, (short) parcels[k]);
        }
        return this;
    }

    long mem64(long addr) { return ram.readLong(addr); }
    long mem32(long addr) { return ram.readInt(addr) & 0xffff_ffffL; }
    int mem8(long addr) { return ram.readByte(addr) & 0xff; }

    // ---- execution ----------------------------------------------------------------------------------

    /** Places {@code words} at {@link #CODE}, points pc there and steps once per word. */
    TestHart exec(int... words) {
        return execAt(CODE, words);
    }

    TestHart execAt(long addr, int... words) {
        put(addr, words);
        h.pc = addr;
        return step(words.length);
    }

    /** Places compressed {@code parcels} at {@link #CODE}, points pc there and steps once per parcel. */
    TestHart exec16(int... parcels) {
        put16(CODE, parcels);
        h.pc = CODE;
        return step(parcels.length);
    }

    TestHart step(int n) {
        for (int k = 0; k < n; k++) h.stepOne();
        return this;
    }

    TestHart step() { return step(1); }

    /**
     * Takes the highest-priority pending and enabled interrupt, if any, without executing anything.
     * ({@link Hart#stepOne} would also run the handler's first instruction.)
     */
    TestHart interrupt() {
        h.checkInterrupts();
        return this;
    }

    long x(int r) { return h.x[r]; }

    TestHart x(int r, long v) {
        h.x[r] = v;
        return this;
    }

    long pc() { return h.pc; }

    // ---- privilege and CSRs -------------------------------------------------------------------------

    int priv() { return h.privilege(); }

    /**
     * Runs this hart under {@code engine} from now on; under the translator, every region is
     * translated at its first jump and in place, so as much code as possible runs translated.
     */
    TestHart engine(Engine engine) {
        h.useEngine(engine);
        if (h.dbt != null) {
            h.setTranslationThreshold(1);
            h.dbt.background = false;
        }
        return this;
    }

    /** Changes the current privilege level, as a trap or xRET would (without touching mstatus). */
    TestHart priv(int p) {
        h.setPrivilege(p);
        return this;
    }

    /** Reads a CSR with M-mode rights, through the same path as the CSR instructions. */
    long csr(int n) {
        int p = h.priv;
        h.priv = M;
        try {
            return h.csrs.read(n, csrInsn);
        } finally {
            h.priv = p;
        }
    }

    /** Writes a CSR with M-mode rights, through the same path as the CSR instructions (WARL rules apply). */
    TestHart csr(int n, long v) {
        int p = h.priv;
        h.priv = M;
        try {
            h.csrs.write(n, v, csrInsn);
        } finally {
            h.priv = p;
            h.mmu.contextChanged();
        }
        return this;
    }

    TestHart setMstatus(long bits) { return csr(Csrs.MSTATUS, csr(Csrs.MSTATUS) | bits); }
    TestHart clearMstatus(long bits) { return csr(Csrs.MSTATUS, csr(Csrs.MSTATUS) & ~bits); }
    long mstatus() { return csr(Csrs.MSTATUS); }

    /** Sets mstatus.MPP. */
    TestHart mpp(int p) {
        return csr(Csrs.MSTATUS, (csr(Csrs.MSTATUS) & ~Csrs.MPP) | ((long) p << Csrs.MPP_SHIFT));
    }

    /** PMP entry 15 as a NAPOT region covering all memory with RWX, so that S and U can reach RAM. */
    TestHart allowAllPmp() {
        csr(Csrs.PMPADDR0 + 15, -1L);
        csr(Csrs.PMPCFG0 + 2, 0x1fL << 56); // entry 15 is byte 7 of pmpcfg2
        return this;
    }

    // ---- trap checks --------------------------------------------------------------------------------

    /** Asserts that the last step took a synchronous exception {@code cause} into M-mode at the trap vector. */
    TestHart assertMTrap(long cause, long tval, long epc) {
        assertEquals(cause, csr(Csrs.MCAUSE), "mcause");
        assertEquals(tval, csr(Csrs.MTVAL), "mtval");
        assertEquals(epc, csr(Csrs.MEPC), "mepc");
        assertEquals(M, priv(), "privilege after the trap");
        assertEquals(TRAP, pc(), "pc after the trap");
        return this;
    }

    /** Asserts that the last step took exception {@code cause} into S-mode at the trap vector. */
    TestHart assertSTrap(long cause, long tval, long epc) {
        assertEquals(cause, csr(Csrs.SCAUSE), "scause");
        assertEquals(tval, csr(Csrs.STVAL), "stval");
        assertEquals(epc, csr(Csrs.SEPC), "sepc");
        assertEquals(S, priv(), "privilege after the trap");
        assertEquals(STRAP, pc(), "pc after the trap");
        return this;
    }

    /** Asserts that no trap was taken: pc is where straight-line execution puts it. */
    TestHart assertPc(long expected) {
        assertEquals(Long.toHexString(expected), Long.toHexString(pc()), "pc (mcause=" + Long.toHexString(csr(Csrs.MCAUSE)) + ")");
        return this;
    }
}
