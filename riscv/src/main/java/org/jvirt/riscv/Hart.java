package org.jvirt.riscv;

import java.util.ArrayList;
import java.util.List;
import org.jvirt.machine.Bus;
import org.jvirt.machine.Clock;
import org.jvirt.riscv.fpu.Flags;

/**
 * One RISC-V hart: its architectural state and the fetch-decode-execute loop of the emulation engine.
 *
 * <p>Instruction semantics live in the {@link InsnSet} tables; control and status registers in
 * {@link Csrs}; address translation, the TLB and memory access in {@link Mmu}. This class holds the
 * state they share and implements what the privileged spec (1.12, chapter 3) says about traps,
 * interrupts and the return instructions.
 */
public final class Hart {
    public static final int U = 0, S = 1, M = 3;
    /** Index of the register that stands in for x0 as a destination: writes to it are never read. */
    public static final int X_SINK = 32;

    /** Instructions run between checks for interrupts, timers and host requests. */
    private static final int CHUNK = 1024;
    /** The same for translated code, which runs a chunk in less time than the interpreter. */
    private static final int DBT_CHUNK = 4096;

    public final int id;
    /** Integer registers; index {@link #X_SINK} absorbs writes to x0. */
    public final long[] x = new long[33];
    /** FP registers as raw bits; single-precision values are NaN-boxed. */
    public final long[] f = new long[32];
    public long pc;
    /** The accrued FP exception flags (fflags), which the FPU ORs into directly. */
    final Flags fflags = new Flags();
    int priv = M;

    final Mmu mmu;
    final Csrs csrs;
    final Decoder decoder;
    final CodeCache codeCache;
    final Clock clock;
    final HartStats stats = new HartStats();

    /** Trap information travelling with {@link Trap#INSTANCE}. */
    long trapCause, trapValue;
    /** Set by instructions that change what may interrupt (CSR writes, xRET, WFI): end the chunk now. */
    boolean breakChunk;
    /** The interpreter's page being executed (1: none), its RAM offset and decoded instructions (see step). */
    private long fetchPage = 1, fetchOffset;
    private Insn[] fetchCode;
    /** instret when the interpreter's chunk began (see step). */
    private long stepInstret;
    /** The hart executed WFI and waits for an interrupt. */
    boolean waiting;
    /** Instructions retired (minstret), counted as they retire. */
    long instret;
    /** LR/SC reservation: the address and value seen by the LR, or -1 when there is none. */
    long reservation = -1, reservationValue;

    /** Binary translation: the engine, when this hart runs under it (see {@link #useTranslator}). */
    Dbt dbt;
    /** Set by translated code's exits: the link it left through, or -1. */
    int dbtExit;
    /** Set by the translation that ends a chain: how many translations called it (see {@link TranslatedBlock#chain}). */
    int dbtDepth;
    /** Set by the translation that ends a chain: what the chain could still have retired (see {@link TranslatedBlock#enter}). */
    int dbtLeft;
    /** Transitions made by chaining, summed from {@link #dbtDepth}. */
    long dbtNested;
    /** Set by the MMU's slow paths called from translated code when the access trapped. */
    boolean dbtTrapped;
    /** Advanced whenever a virtual-to-physical mapping or the privilege may have changed. */
    long mapEpoch;
    /** Advanced whenever translations are dropped because their code was written. */
    long codeWrites;
    static final int DBT_TRAPPED = 1, DBT_CODE_WRITTEN = 2;
    /** Traps and interrupts taken so far. */
    long trapsTaken;

    /** Interrupt lines driven by devices (MTIP, MSIP, MEIP, SEIP), written from any thread. */
    private volatile long irqLines;
    /** Host request to return from {@link #run} as soon as possible (another thread, or a device). */
    private volatile boolean stopRequested;

    /** A hart alone on its bus, with its own code cache (tests, tools). */
    public Hart(int id, Bus bus, Decoder decoder, Clock clock) {
        this(id, bus, decoder, clock, new CodeCache(bus.ram()));
    }

    private Hart(int id, Bus bus, Decoder decoder, Clock clock, CodeCache codeCache) {
        this.id = id;
        this.decoder = decoder;
        this.clock = clock;
        this.codeCache = codeCache;
        this.csrs = new Csrs(this);
        this.mmu = new Mmu(this, bus, codeCache);
        useEngine(Engine.DEFAULT);
    }

    /** The harts of one machine: they share its RAM, so they share one code cache. */
    public static List<Hart> forMachine(int count, Bus bus, Decoder decoder, Clock clock) {
        CodeCache cache = new CodeCache(bus.ram());
        List<Hart> harts = new ArrayList<>();
        for (int i = 0; i < count; i++) harts.add(new Hart(i, bus, decoder, clock, cache));
        return List.copyOf(harts);
    }

    public int privilege() { return priv; }
    public long instret() { return instret; }
    public HartStats stats() { return stats; }
    public Csrs csrs() { return csrs; }
    public Mmu mmu() { return mmu; }

    /** Drives interrupt line {@code irq} (a bit of mip: MTIP, MSIP, MEIP or SEIP) from a device. */
    public void setIrq(int irq, boolean level) {
        long bit = 1L << irq;
        boolean raised;
        synchronized (this) {
            raised = level && (irqLines & bit) == 0;
            irqLines = level ? irqLines | bit : irqLines & ~bit;
        }
        if (raised) stopRequested = true; // leave the chunk early so the interrupt is seen promptly
    }

    long irqLines() { return irqLines; }

    /** Asks the hart to return from {@link #run}; safe from any thread. */
    public void requestStop() { stopRequested = true; }

    /**
     * Runs until {@code budget} instructions have retired (or trapped), the hart waits in WFI with
     * nothing pending, or a stop is requested. Returns the number of instructions retired.
     */
    public long run(long budget) {
        // Counted apart from instret, which the guest may write (minstret) to any value.
        long done = 0;
        stopRequested = false;
        while (done < budget && !stopRequested) {
            checkInterrupts();
            if (waiting) {
                if (dbt != null) dbt.idled();
                break;
            }
            if (dbt != null && !dbt.booting()) {
                done += dbt.runChunk(DBT_CHUNK, budget - done);
            } else {
                int k = step((int) Math.min(CHUNK, budget - done), false);
                done += k;
                if (dbt != null) dbt.heldBack(k);
            }
        }
        return done;
    }

    /** Runs this hart under {@code engine} from now on; under the translator, cold code is still interpreted. */
    public void useEngine(Engine engine) {
        if (engine != Engine.INTERP && dbt == null) dbt = new Dbt(this);
        if (engine == Engine.LOCKSTEP && dbt.lockstep == null) {
            mmu.journaling = true;
            dbt.lockstep = new Lockstep(this);
        }
        if (engine == Engine.INTERP && dbt != null) {
            dbt.dropAll();
            codeCache.unregister(dbt);
            dbt = null;
        }
    }

    public Engine engine() { return dbt == null ? Engine.INTERP : dbt.lockstep != null ? Engine.LOCKSTEP : Engine.DBT; }

    /** Sets how many jumps to an address make its code hot enough to translate (translating engines only). */
    public void setTranslationThreshold(int jumps) {
        if (jumps < 1) throw new IllegalArgumentException("the translation threshold must be at least 1");
        if (dbt != null) {
            dbt.setThresholds(jumps, jumps);
            dbt.openGate(); // translate from the start, at that threshold
        }
    }

    /** Under lockstep, the first disagreement between the engines; else null. */
    public String divergence() { return dbt == null || dbt.lockstep == null ? null : dbt.lockstep.divergence; }

    /** Interprets exactly {@code n} instructions, or fewer if one traps (the trap is taken). */
    int interpretExactly(int n) {
        long traps = trapsTaken;
        int done = 0;
        while (done < n) {
            int k = step(n - done, false);
            done += k;
            if (trapsTaken != traps || (k == 0 && waiting)) break;
        }
        return done;
    }

    /** The translator's counters, or null under the interpreter. */
    public DbtStats dbtStats() { return dbt == null ? null : dbt.stats(); }

    /**
     * Interprets up to {@code n} instructions for the translator: stops after a jump to code that has a
     * translation, or to code that has just become hot (the dispatcher then finds out which).
     */
    int interpretCold(int n) {
        return step(n, true);
    }

    /**
     * Executes up to {@code n} instructions; stops early at a trap or when an instruction asks to, and
     * with {@code profile}, as {@link #interpretCold} says. Returns the number of instructions retired.
     */
    private int step(int n, boolean profile) {
        long pc = this.pc;
        // The page being executed and its decoded instructions, kept across instructions. They stay
        // valid until the chunk ends, which every change of privilege or translation forces; a store to
        // code empties its slots in this same array (CodeCache.written).
        // Fields, not locals: values the loop carries across its call to an instruction's semantics
        // are stored to the stack at every instruction; fields are only read.
        fetchPage = 1;
        breakChunk = false;
        // Instructions retired are counted in a local; the field is brought up to date before anything
        // that may read it (the lambdas: CSR reads of instret) and when the chunk ends. The count at
        // the start is a field too, for the reason above.
        stepInstret = instret;
        int i = 0;
        try {
            for (; i < n; i++) {
                // Where a trap leaves pc: kept in the field, not in a local the handler reads, so that
                // the local need not be spilled across the call to the instruction's semantics.
                this.pc = pc;
                if ((pc & ~0xfffL) != fetchPage) {
                    long offset = mmu.executablePage(pc);
                    if (offset >= 0) {
                        fetchOffset = offset;
                        fetchCode = codeCache.page(offset);
                        fetchPage = pc & ~0xfffL;
                    } else {
                        fetchPage = 1;
                        fetchCode = NO_CODE;
                    }
                }
                int slot = (int) (pc & 0xfff) >>> 1;
                Insn d = fetchCode[slot];
                int k = d.dispatch;
                // The next pc is a constant of the branch taken, never loaded from d (see RvI.compute);
                // calls in every arm keep C2 from turning the branches into cmovs. Operations on
                // registers go to RvI.compute, which calls nothing and so compiles lean; loads, stores
                // and M go to RvI.execute. After its call no arm reads d or a length: what the bytecode
                // still reads after a call, C2 keeps across it (in the one register a call preserves,
                // or on the stack).
                if (k > Insn.COMPRESSED) {
                    if (k > Insn.COMPRESSED + RvI.LAST_COMPUTED) pc = RvI.execute(this, d, pc, pc + 2);
                    else pc = RvI.compute(this, d, pc, pc + 2);
                    if (profile && pc != this.pc + 2 && dbt.jumpedTo(pc)) {
                        i++;
                        break;
                    }
                } else if (k > 0) {
                    if (k > RvI.LAST_COMPUTED) pc = RvI.execute(this, d, pc, pc + 4);
                    else pc = RvI.compute(this, d, pc, pc + 4);
                    if (profile && pc != this.pc + 4 && dbt.jumpedTo(pc)) {
                        i++;
                        break;
                    }
                } else {
                    // Not decoded yet (or a device page, or the last parcel, whose slots stay so): any
                    // instruction, run through its lambda this once.
                    if (k == Insn.NOT_DECODED) d = fetchUncached(pc, slot);
                    instret = stepInstret + i;
                    pc = d.exec.exec(this, d, pc);
                    if (instret != stepInstret + i) { // it wrote minstret, which holds v - 1 until it retires
                        instret++;
                        this.pc = pc;
                        return i + 1;
                    }
                    // Only these instructions (CSR accesses, xRET, WFI, sfence.vma, ecall) end this
                    // hart's chunk early; RV64I and M never do, so their path carries no check of the
                    // flag. What another hart asks of this one (an SBI remote fence, a code cache that
                    // started afresh) takes effect at the end of the chunk, as interrupts do.
                    if (breakChunk) {
                        i++;
                        break;
                    }
                    // Code after an instruction a translation cannot hold (a CSR access, sfence.vma) is
                    // reached by falling through, never by a jump: it is profiled here, or it would
                    // stay interpreted (the kernel's sections that disable interrupts with csrrc).
                    if (profile && d.dispatch == 0 && !d.callable && pc - this.pc == d.len && dbt.fellTo(pc)) {
                        i++;
                        break;
                    }
                    if (profile && pc - this.pc != d.len && dbt.jumpedTo(pc)) {
                        i++;
                        break;
                    }
                }
            }
            instret = stepInstret + i;
            this.pc = pc;
        } catch (Trap t) {
            instret = stepInstret + i; // this.pc is the instruction that trapped: it advances only when one completes
            takeTrap(trapCause, trapValue);
        }
        return i;
    }

    /** The slots of a page whose instructions are not cached (a device's): all undecoded, never filled. */
    private static final Insn[] NO_CODE = CodeCache.emptyPage();

    /**
     * The instruction at {@code pc}, which is not in the page's decoded slots: decoded into its slot,
     * or fetched through the MMU each time from a device page or from the page's last parcel (an
     * instruction there may straddle two pages).
     */
    private Insn fetchUncached(long pc, int slot) {
        if (fetchPage == 1 || slot == CodeCache.SLOTS - 1) return mmu.fetch(pc);
        return fetchCode[slot] = decoder.decode(codeCache.word(fetchOffset + (pc & 0xfff)));
    }

    /** Executes exactly one instruction (or takes the trap it raises); for tests and lockstep checks. */
    public void stepOne() {
        if (checkInterrupts()) return; // entering the handler is this step
        if (!waiting) step(1, false);
    }

    // ---- the translator's calls into the MMU's slow paths: report traps instead of throwing ----------

    long dbtLoad(long va, int size) {
        try {
            return mmu.readSlow(va, size, Mmu.READ);
        } catch (Trap t) {
            dbtTrapped = true;
            return 0;
        }
    }

    /**
     * Performs {@code d}, a {@link Insn#callable} instruction at {@code pc}, for a translation: 0 when
     * done, {@link #DBT_TRAPPED}, or {@link #DBT_CODE_WRITTEN} when it changed translated code.
     */
    int dbtExec(Insn d, long pc) {
        long before = codeWrites;
        try {
            d.exec.exec(this, d, pc);
        } catch (Trap t) {
            dbtTrapped = true;
            return DBT_TRAPPED;
        }
        return codeWrites != before ? DBT_CODE_WRITTEN : 0;
    }

    /** 0 when done, {@link #DBT_TRAPPED}, or {@link #DBT_CODE_WRITTEN} when translated code was changed. */
    int dbtStore(long va, int size, long v) {
        long before = codeWrites;
        try {
            mmu.writeSlow(va, size, v);
        } catch (Trap t) {
            dbtTrapped = true;
            return DBT_TRAPPED;
        }
        return codeWrites != before ? DBT_CODE_WRITTEN : 0;
    }

    // ---- traps --------------------------------------------------------------------------------------

    /** Raises a synchronous exception: unwinds to the trap entry. */
    Trap raise(int cause, long tval) {
        trapCause = cause;
        trapValue = tval;
        throw Trap.INSTANCE;
    }

    /** The semantics of an undecodable or disallowed instruction. */
    long illegal(Insn d) {
        throw raise(Cause.ILLEGAL_INSN, d.raw & (d.len == 2 ? 0xffffL : 0xffff_ffffL));
    }

    /** Enters the trap handler for {@code cause} (negative for interrupts), as section 3.1.6.1 describes. */
    void takeTrap(long cause, long tval) {
        boolean irq = cause < 0;
        int code = (int) (cause & 63);
        stats.countTrap(cause);
        trapsTaken++;
        long deleg = irq ? csrs.mideleg : csrs.medeleg;
        if (priv <= S && ((deleg >>> code) & 1) != 0) {
            csrs.scause = cause;
            csrs.sepc = pc;
            csrs.stval = tval;
            long s = csrs.mstatus;
            s = setBit(s, Csrs.SPIE, (s & Csrs.SIE) != 0);
            s = setBit(s, Csrs.SPP, priv == S);
            s &= ~Csrs.SIE;
            csrs.mstatus = s;
            setPrivilege(S);
            pc = vector(csrs.stvec, irq, code);
        } else {
            csrs.mcause = cause;
            csrs.mepc = pc;
            csrs.mtval = tval;
            long s = csrs.mstatus;
            s = setBit(s, Csrs.MPIE, (s & Csrs.MIE) != 0);
            s = (s & ~Csrs.MPP) | ((long) priv << Csrs.MPP_SHIFT);
            s &= ~Csrs.MIE;
            csrs.mstatus = s;
            setPrivilege(M);
            pc = vector(csrs.mtvec, irq, code);
        }
        waiting = false;
    }

    private static long vector(long tvec, boolean irq, int code) {
        long base = tvec & ~3L;
        return irq && (tvec & 3) == 1 ? base + 4L * code : base;
    }

    static long setBit(long v, long mask, boolean on) {
        return on ? v | mask : v & ~mask;
    }

    /** Interrupts pending in mip: the device lines plus the software-writable bits. */
    long mip() {
        return csrs.mipSoft | irqLines;
    }

    /** Takes the highest-priority pending and enabled interrupt, if any (section 3.1.9); true if it did. */
    boolean checkInterrupts() {
        long pending = mip() & csrs.mie;
        if (pending == 0) return false;
        waiting = false; // WFI resumes on any pending enabled interrupt, even if globally disabled
        long m = pending & ~csrs.mideleg;
        boolean mEnabled = priv < M || (csrs.mstatus & Csrs.MIE) != 0;
        if (m != 0 && mEnabled) {
            takeTrap(Long.MIN_VALUE | highestPriority(m), 0);
            return true;
        }
        long s = pending & csrs.mideleg;
        boolean sEnabled = priv < S || (priv == S && (csrs.mstatus & Csrs.SIE) != 0);
        if (s != 0 && sEnabled) {
            takeTrap(Long.MIN_VALUE | highestPriority(s), 0);
            return true;
        }
        return false;
    }

    /** Priority order of section 3.1.9: MEI, MSI, MTI, SEI, SSI, STI. */
    private static int highestPriority(long bits) {
        for (int irq : new int[] {Cause.IRQ_M_EXT, Cause.IRQ_M_SOFT, Cause.IRQ_M_TIMER, Cause.IRQ_S_EXT, Cause.IRQ_S_SOFT, Cause.IRQ_S_TIMER})
            if (((bits >>> irq) & 1) != 0) return irq;
        return Long.numberOfTrailingZeros(bits);
    }

    /** True when an interrupt is pending and enabled in mie, which is what ends WFI. */
    public boolean interruptPending() {
        return (mip() & csrs.mie) != 0;
    }

    public boolean isWaiting() { return waiting; }

    void setPrivilege(int p) {
        priv = p;
        mmu.contextChanged();
        breakChunk = true;
    }

    // ---- privileged instructions -------------------------------------------------------------------

    long mret(Insn d) {
        if (priv < M) return illegal(d);
        long s = csrs.mstatus;
        int mpp = (int) ((s & Csrs.MPP) >>> Csrs.MPP_SHIFT);
        s = setBit(s, Csrs.MIE, (s & Csrs.MPIE) != 0);
        s |= Csrs.MPIE;
        s &= ~Csrs.MPP;
        if (mpp != M) s &= ~Csrs.MPRV;
        csrs.mstatus = s;
        setPrivilege(mpp);
        return csrs.mepc;
    }

    long sret(Insn d) {
        if (priv < S || (priv == S && (csrs.mstatus & Csrs.TSR) != 0)) return illegal(d);
        long s = csrs.mstatus;
        int spp = (s & Csrs.SPP) != 0 ? S : U;
        s = setBit(s, Csrs.SIE, (s & Csrs.SPIE) != 0);
        s |= Csrs.SPIE;
        s &= ~Csrs.SPP;
        s &= ~Csrs.MPRV;
        csrs.mstatus = s;
        setPrivilege(spp);
        return csrs.sepc;
    }

    long wfi(Insn d, long pc) {
        // With S-mode present, WFI in U-mode traps; TW makes it trap below M (section 3.1.6.5).
        if (priv == U || (priv == S && (csrs.mstatus & Csrs.TW) != 0)) return illegal(d);
        if (!interruptPending()) waiting = true;
        breakChunk = true;
        return pc + d.len;
    }

    long sfenceVma(Insn d, long pc) {
        if (priv == U || (priv == S && (csrs.mstatus & Csrs.TVM) != 0)) return illegal(d);
        // rs1 names one virtual page; x0 means all of them. ASIDs (rs2) are not kept, so they need nothing.
        if (d.rs1 == 0) mmu.flush();
        else mmu.flushPage(x[d.rs1]);
        return pc + d.len;
    }

    long ecall(Insn d, long pc) {
        if (priv == S && firmware != null) { // a hypercall: the host's firmware serves it at once
            this.pc = pc;
            firmware.call(this);
            breakChunk = true;
            return pc + d.len;
        }
        throw raise(priv == U ? Cause.ECALL_U : priv == S ? Cause.ECALL_S : Cause.ECALL_M, 0);
    }

    // ---- firmware provided by the host ---------------------------------------------------------------

    /** M-mode firmware written in Java: it receives the S-mode environment calls (the SBI). */
    @FunctionalInterface
    public interface Firmware {
        void call(Hart hart);
    }

    private Firmware firmware;

    /**
     * Runs this hart under host firmware, as OpenSBI would leave it: in S-mode at {@code entry} with
     * a0 = hart id and a1 = {@code a1} (the device tree), every delegable trap and the S-mode
     * interrupts delegated, the counters readable from S- and U-mode, and all of memory open to S
     * and U through PMP.
     */
    public void bootSupervisor(Firmware fw, long entry, long a1) {
        firmware = fw;
        csrs.medeleg = 0xb3ffL & ~(1L << Cause.ECALL_S);
        csrs.mideleg = 0x222L;
        csrs.mcounteren = 0x7;
        // And readable from U-mode, as OpenSBI leaves them: Linux reads time there, in its vDSO's
        // clock_gettime, and leaves scounteren to the firmware unless its SBI PMU driver runs.
        csrs.scounteren = 0x7;
        csrs.mie = 0;
        csrs.pmp.writeAddr(0, -1L);
        csrs.pmp.writeCfg(0, 0x1f); // NAPOT over everything, RWX
        csrs.mstatus = (csrs.mstatus & ~Csrs.MPP) | ((long) S << Csrs.MPP_SHIFT);
        x[10] = id;
        x[11] = a1;
        pc = entry;
        waiting = false;
        setPrivilege(S);
        mmu.flush();
    }

    /** SBI hart_suspend: wait as WFI does, whatever mstatus.TW says. */
    public void suspendUntilInterrupt() {
        if (!interruptPending()) waiting = true;
        breakChunk = true;
    }

    /** SSIP, which firmware raises for an IPI and S-mode clears through sip. */
    public void raiseSupervisorSoftwareInterrupt() {
        synchronized (this) {
            csrs.mipSoft |= 1L << Cause.IRQ_S_SOFT;
        }
        requestStop();
    }

    long ebreak(long pc) {
        throw raise(Cause.BREAKPOINT, pc);
    }

    /** Traps with an illegal instruction unless the FPU is on (mstatus.FS != Off). */
    void requireFp(Insn d) {
        if ((csrs.mstatus & Csrs.FS) == 0) illegal(d);
    }

    /** Marks the FP state dirty, as any write to an FP register or fcsr does. */
    void fpDirty() {
        csrs.mstatus |= Csrs.FS;
    }
}
