package org.jvirt.riscv;

/**
 * The control and status registers of a hart (privileged spec 1.12, chapters 2 and 3 and 4) and the
 * rules for reaching them: privilege level from bits 9:8 of the number, read-only from bits 11:10, the
 * counter-enable registers, mstatus.TVM for satp, mstatus.FS for the FP CSRs.
 */
public final class Csrs {
    // mstatus fields (section 3.1.6)
    static final long SIE = 1L << 1, MIE = 1L << 3, SPIE = 1L << 5, MPIE = 1L << 7, SPP = 1L << 8;
    static final int MPP_SHIFT = 11;
    static final long MPP = 3L << MPP_SHIFT, FS = 3L << 13, MPRV = 1L << 17, SUM = 1L << 18, MXR = 1L << 19,
            TVM = 1L << 20, TW = 1L << 21, TSR = 1L << 22;
    static final long UXL_SXL_64 = (2L << 32) | (2L << 34);
    static final long SD = 1L << 63;
    private static final long MSTATUS_WRITABLE = SIE | MIE | SPIE | MPIE | SPP | MPP | FS | MPRV | SUM | MXR | TVM | TW | TSR;
    private static final long SSTATUS_VISIBLE = SIE | SPIE | SPP | FS | (3L << 15) | SUM | MXR | (3L << 32) | SD;
    private static final long SSTATUS_WRITABLE = SIE | SPIE | SPP | FS | SUM | MXR;

    /** RV64 with A, C, D, F, I, M, S and U (section 3.1.1). */
    public static final long MISA = (2L << 62) | ext('A') | ext('C') | ext('D') | ext('F') | ext('I') | ext('M') | ext('S') | ext('U');
    private static final long DELEGABLE_EXCEPTIONS = 0xb3ffL; // all but ecall from M and the reserved codes
    private static final long S_INTERRUPTS = 0x222L;          // SSIP, STIP, SEIP
    private static final long ALL_INTERRUPTS = 0xaaaL;

    // CSR numbers used outside this class
    public static final int FFLAGS = 0x001, FRM = 0x002, FCSR = 0x003;
    public static final int SSTATUS = 0x100, SIE_CSR = 0x104, STVEC = 0x105, SCOUNTEREN = 0x106, SENVCFG = 0x10a,
            SSCRATCH = 0x140, SEPC = 0x141, SCAUSE = 0x142, STVAL = 0x143, SIP = 0x144, SATP = 0x180;
    public static final int MSTATUS = 0x300, MISA_CSR = 0x301, MEDELEG = 0x302, MIDELEG = 0x303, MIE_CSR = 0x304,
            MTVEC = 0x305, MCOUNTEREN = 0x306, MENVCFG = 0x30a, MCOUNTINHIBIT = 0x320, MSCRATCH = 0x340, MEPC = 0x341,
            MCAUSE = 0x342, MTVAL = 0x343, MIP = 0x344, PMPCFG0 = 0x3a0, PMPADDR0 = 0x3b0;
    public static final int MCYCLE = 0xb00, MINSTRET = 0xb02, CYCLE = 0xc00, TIME = 0xc01, INSTRET = 0xc02;
    public static final int MVENDORID = 0xf11, MARCHID = 0xf12, MIMPID = 0xf13, MHARTID = 0xf14, MCONFIGPTR = 0xf15;

    private static long ext(char c) { return 1L << (c - 'A'); }

    private final Hart h;
    final Pmp pmp = new Pmp();

    long mstatus = UXL_SXL_64;
    long medeleg, mideleg, mie, mipSoft, mtvec, mscratch, mepc, mcause, mtval, mcounteren;
    long stvec, sscratch, sepc, scause, stval, scounteren, satp;
    int frm;
    /** mcycle minus minstret: the counters advance together but are written separately. */
    long cycleOffset;

    Csrs(Hart h) {
        this.h = h;
    }

    public long mstatus() { return mstatus; }
    public long satp() { return satp; }
    /** mip as the hart sees it: device lines and the software-writable bits. */
    public long mip() { return h.mip(); }
    public int fflags() { return h.fflags.bits; }

    /** The dynamic rounding mode, for FP instructions with rm = 7. */
    int frm() { return frm; }

    /**
     * Reads CSR {@code csr} on behalf of instruction {@code d}, trapping with an illegal-instruction
     * exception when the current privilege may not.
     */
    long read(int csr, Insn d) {
        checkAccess(csr, d, false);
        return switch (csr) {
            case FFLAGS -> h.fflags.bits;
            case FRM -> frm;
            case FCSR -> (frm << 5) | h.fflags.bits;
            case SSTATUS -> sstatus();
            case SIE_CSR -> mie & mideleg;
            case STVEC -> stvec;
            case SCOUNTEREN -> scounteren;
            case SENVCFG -> 0;
            case SSCRATCH -> sscratch;
            case SEPC -> sepc;
            case SCAUSE -> scause;
            case STVAL -> stval;
            case SIP -> h.mip() & mideleg;
            case SATP -> satp;
            case MSTATUS -> withSd(mstatus);
            case MISA_CSR -> MISA;
            case MEDELEG -> medeleg;
            case MIDELEG -> mideleg;
            case MIE_CSR -> mie;
            case MTVEC -> mtvec;
            case MCOUNTEREN -> mcounteren;
            case MENVCFG, MCOUNTINHIBIT -> 0;
            case MSCRATCH -> mscratch;
            case MEPC -> mepc;
            case MCAUSE -> mcause;
            case MTVAL -> mtval;
            case MIP -> h.mip();
            case MINSTRET, INSTRET -> h.instret;
            case MCYCLE, CYCLE -> h.instret + cycleOffset; // one cycle per instruction, from where mcycle was set
            case TIME -> h.clock.ticks();
            case MVENDORID, MARCHID, MIMPID, MCONFIGPTR -> 0;
            case MHARTID -> h.id;
            default -> {
                if (csr >= PMPCFG0 && csr < PMPCFG0 + 16) yield pmp.readCfg(csr - PMPCFG0);
                if (csr >= PMPADDR0 && csr < PMPADDR0 + 64) yield pmp.readAddr(csr - PMPADDR0);
                yield 0; // hpm counters and events: present, always zero (checkAccess rejected the rest)
            }
        };
    }

    /** Writes CSR {@code csr}; WARL fields keep only legal values. */
    void write(int csr, long v, Insn d) {
        checkAccess(csr, d, true);
        switch (csr) {
            case FFLAGS -> { h.fflags.bits = (int) (v & 0x1f); h.fpDirty(); }
            case FRM -> { frm = (int) (v & 7); h.fpDirty(); }
            case FCSR -> { h.fflags.bits = (int) (v & 0x1f); frm = (int) ((v >>> 5) & 7); h.fpDirty(); }
            case SSTATUS -> setMstatus((mstatus & ~SSTATUS_WRITABLE) | (v & SSTATUS_WRITABLE));
            case SIE_CSR -> { mie = (mie & ~mideleg) | (v & mideleg & ALL_INTERRUPTS); h.breakChunk = true; }
            case STVEC -> stvec = legalTvec(v);
            case SCOUNTEREN -> scounteren = v & 0xffff_ffffL;
            case SENVCFG, MENVCFG, MCOUNTINHIBIT -> { }
            case SSCRATCH -> sscratch = v;
            case SEPC -> sepc = v & ~1L;
            case SCAUSE -> scause = v;
            case STVAL -> stval = v;
            case SIP -> { mipSoft = (mipSoft & ~(mideleg & 0x2)) | (v & mideleg & 0x2); h.breakChunk = true; }
            case SATP -> writeSatp(v);
            case MSTATUS -> setMstatus((mstatus & ~MSTATUS_WRITABLE) | (v & MSTATUS_WRITABLE));
            case MISA_CSR -> { } // the extensions cannot be turned off
            case MEDELEG -> medeleg = v & DELEGABLE_EXCEPTIONS;
            case MIDELEG -> { mideleg = v & S_INTERRUPTS; h.breakChunk = true; }
            case MIE_CSR -> { mie = v & ALL_INTERRUPTS; h.breakChunk = true; }
            case MTVEC -> mtvec = legalTvec(v);
            case MCOUNTEREN -> mcounteren = v & 0xffff_ffffL;
            case MSCRATCH -> mscratch = v;
            case MEPC -> mepc = v & ~1L;
            case MCAUSE -> mcause = v;
            case MTVAL -> mtval = v;
            case MIP -> { mipSoft = (mipSoft & ~S_INTERRUPTS) | (v & S_INTERRUPTS); h.breakChunk = true; }
            case MINSTRET -> { // the write takes effect after this instruction retires; mcycle keeps its count
                cycleOffset += h.instret - (v - 1);
                h.instret = v - 1;
            }
            case MCYCLE -> cycleOffset = v - h.instret - 1;
            default -> {
                if (csr >= PMPCFG0 && csr < PMPCFG0 + 16) { pmp.writeCfg(csr - PMPCFG0, v); h.mmu.flush(); }
                else if (csr >= PMPADDR0 && csr < PMPADDR0 + 64) { pmp.writeAddr(csr - PMPADDR0, v); h.mmu.flush(); }
                // hpm counters and events: writes ignored
            }
        }
    }

    /**
     * The value csrrs and csrrc modify: as {@link #read}, except that for mip the SEIP bit is the
     * software-writable one alone, not ORed with the PLIC's line (privileged spec 1.12, section 3.1.9).
     */
    long readForModify(int csr, Insn d) {
        long v = read(csr, d);
        if (csr == MIP) v = (v & ~(1L << Cause.IRQ_S_EXT)) | (mipSoft & (1L << Cause.IRQ_S_EXT));
        return v;
    }

    private long sstatus() {
        return withSd(mstatus) & SSTATUS_VISIBLE;
    }

    private static long withSd(long s) {
        return (s & FS) == FS ? s | SD : s & ~SD;
    }

    private void setMstatus(long v) {
        if (((v & MPP) >>> MPP_SHIFT) == 2) v = (v & ~MPP) | (mstatus & MPP); // 2 is reserved: keep the old mode
        long changed = v ^ mstatus;
        mstatus = v;
        if ((changed & (MPRV | MPP | SUM | MXR)) != 0) h.mmu.contextChanged();
        if ((changed & (SUM | MXR)) != 0) h.mmu.flush();
        h.breakChunk = true;
    }

    private void writeSatp(long v) {
        long mode = v >>> 60;
        if (mode != 0 && mode != 8 && mode != 9) return; // unsupported modes leave satp unchanged
        satp = mode == 0 ? 0 : v & ~(0xffffL << 44); // ASIDLEN is 0: the TLB is flushed on every write instead
        h.mmu.flush();
    }

    private static long legalTvec(long v) {
        return (v & 3) >= 2 ? v & ~3L : v;
    }

    private void checkAccess(int csr, Insn d, boolean write) {
        int minPriv = (csr >>> 8) & 3;
        if (h.priv < minPriv || !exists(csr) || (write && (csr >>> 10) == 3)) h.illegal(d);
        if (csr == SATP && h.priv == Hart.S && (mstatus & TVM) != 0) h.illegal(d);
        if (csr <= FCSR && (mstatus & FS) == 0) h.illegal(d);
        if (csr >= CYCLE && csr <= CYCLE + 31 && h.priv < Hart.M) {
            int bit = csr - CYCLE;
            boolean ok = ((mcounteren >>> bit) & 1) != 0 && (h.priv == Hart.S || ((scounteren >>> bit) & 1) != 0);
            if (!ok) h.illegal(d);
        }
    }

    private static boolean exists(int csr) {
        return switch (csr) {
            case FFLAGS, FRM, FCSR, SSTATUS, SIE_CSR, STVEC, SCOUNTEREN, SENVCFG, SSCRATCH, SEPC, SCAUSE, STVAL, SIP, SATP,
                 MSTATUS, MISA_CSR, MEDELEG, MIDELEG, MIE_CSR, MTVEC, MCOUNTEREN, MENVCFG, MCOUNTINHIBIT, MSCRATCH, MEPC,
                 MCAUSE, MTVAL, MIP, MVENDORID, MARCHID, MIMPID, MHARTID, MCONFIGPTR -> true;
            default -> (csr >= CYCLE && csr <= CYCLE + 31)        // cycle, time, instret, hpmcounter3..31
                    || (csr >= MCYCLE && csr <= MCYCLE + 31 && csr != MCYCLE + 1) // mcycle, minstret, mhpmcounter3..31
                    || (csr >= 0x323 && csr <= 0x33f)              // mhpmevent3..31
                    || (csr >= PMPCFG0 && csr < PMPCFG0 + 16 && (csr & 1) == 0) // RV64: even pmpcfg only
                    || (csr >= PMPADDR0 && csr < PMPADDR0 + 64);
        };
    }
}
