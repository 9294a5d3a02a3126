package org.jvirt.riscv;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import org.jvirt.machine.Bus;
import org.jvirt.machine.GuestMemory;

/**
 * Address translation (Sv39 and Sv48, privileged spec 1.12 section 4.3-4.4), PMP checks, a TLB, and
 * the hart's loads, stores, fetches and atomics.
 *
 * <p>The TLB is direct-mapped, with a row per access kind (read, write, execute), so that an entry
 * encodes its permission by where it is: an entry in the write row was filled by a store, so its PTE
 * already has D set and PMP already allowed writes. Each tag is the virtual page number plus the
 * privilege it was filled for in the low bits, so changing privilege needs no flush. For a RAM page
 * the entry holds the offset that turns a virtual address into a host address (see {@link #ALL}), so a hit
 * costs one compare and one access. A page's three entries sit side by side in one array, each a tag
 * followed by its offset (see {@link #slot}), so a hit reads one cache line, and translated code that
 * both loads and stores holds one array in a register, not two.
 */
public final class Mmu {
    static final int READ = 0, WRITE = 1, EXEC = 2;
    /** TLB entries per access kind (a power of two); settable for measurement with -Djvirt.tlb.entries. */
    static final int SIZE = Integer.highestOneBit(Math.max(16, Integer.getInteger("jvirt.tlb.entries", 1024)));
    private static final long PAGE_MASK = ~0xfffL;
    private static final long INVALID = -1;

    private static final long PTE_V = 1, PTE_R = 2, PTE_W = 4, PTE_X = 8, PTE_U = 16, PTE_A = 64, PTE_D = 128;
    private static final long PTE_RESERVED = 0xffc0_0000_0000_0000L; // N, PBMT and reserved bits: unimplemented
    private static final long PPN_MASK = (1L << 44) - 1;
    private static final VarHandle LONG_ATOMIC = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle INT_ATOMIC = ValueLayout.JAVA_INT.varHandle();

    private final Hart h;
    private final Bus bus;
    private final GuestMemory ram;
    final MemorySegment mem;
    /**
     * All of the address space, for the fast paths: a TLB entry's offset turns a virtual address into
     * a host address, so a hit costs the JVM neither the RAM segment's bounds check nor its arena's
     * liveness check. That is sound because an entry is only filled for a whole page inside RAM, and
     * a hit is only taken for an access that does not cross its page; the RAM is not freed while a
     * hart runs (see RiscvMachine.close).
     */
    static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE - 7);
    /**
     * The same, for accesses of 2, 4 and 8 bytes in translated code ({@link #hostRead}). The JVM checks
     * an access of n bytes at a against the segment's size s as {@code a < s - n + 1}: sized so, every
     * width compares with the same 64-bit constant, which a loop then holds in one register, not one
     * per width (registers are what C2 runs short of in translated loops).
     */
    static final MemorySegment ALL2 = MemorySegment.NULL.reinterpret(Long.MAX_VALUE - 6),
            ALL4 = MemorySegment.NULL.reinterpret(Long.MAX_VALUE - 4),
            ALL8 = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);
    /** Host address minus guest physical address, for any byte of RAM. */
    private final long hostBias;
    /**
     * {@link #SIZE} entries of eight longs: the tag and offset of reads, of writes, of fetches, and two
     * unused, so that an entry's index is a shift and a mask.
     */
    final long[] tlb = new long[8 * SIZE];
    private final long[] scratch = new long[1];

    /** Whether some TLB entry was filled from a megapage or larger leaf since the last full flush. */
    private boolean superpages;
    /** Low tag bits for the current fetch privilege and data (effective) privilege. */
    private long fetchCtx;
    long dataCtx;
    /** Data accesses and TLB misses (fetch misses included), for the hit rate in the statistics. */
    private long accesses, misses;

    private final CodeCache code;
    /** Under lockstep: stores are journaled (see {@link Lockstep}), so the write TLB is never filled. */
    Lockstep.Journal journal;
    boolean journaling;

    Mmu(Hart h, Bus bus, CodeCache code) {
        this.h = h;
        this.bus = bus;
        this.ram = bus.ram();
        this.mem = ram.segment();
        this.hostBias = mem.address() - ram.base();
        this.code = code;
        code.register(this);
        flush();
        contextChanged();
    }

    /** sfence.vma, satp and PMP writes: forget every translation. */
    public void flush() {
        java.util.Arrays.fill(tlb, INVALID); // offsets too: they are never read without their tag
        superpages = false;
        mappingChanged();
    }

    /**
     * What any translation may now be: the interpreter's cached fetch page is stale (end the chunk), and
     * the translator's links and jump cache are (a new epoch).
     */
    private void mappingChanged() {
        h.mapEpoch++;
        h.breakChunk = true;
    }

    /** sfence.vma with an address: forget the translations of that one virtual page. */
    public void flushPage(long va) {
        if (superpages) { // the TLB holds 4 KiB pieces of superpages: other pieces may stem from the same PTE
            flush();
            return;
        }
        int i = slot(va);
        long vpage = va & PAGE_MASK;
        for (int k = i; k <= i + 2 * EXEC; k += 2) if ((tlb[k] & PAGE_MASK) == vpage) tlb[k] = INVALID;
        mappingChanged();
    }

    /**
     * The index in {@link #tlb} of {@code va}'s entry: its read tag; the tag of access kind {@code a}
     * is at {@code slot + 2a}, and its offset follows it. The translator emits the same formula from
     * these constants, as bytecode: a call would count against the JIT's inlining budget of the
     * translation, and large translations exhaust it.
     */
    static int slot(long va) {
        return (int) (va >>> SLOT_SHIFT) & SLOT_MASK;
    }
    /** An entry is eight longs, so the page number, shifted left by three, indexes it. */
    static final int SLOT_SHIFT = 9, SLOT_MASK = 8 * SIZE - 8;

    /** Privilege or mstatus.MPRV/MPP changed: select the tags of the new context. */
    void contextChanged() {
        fetchCtx = h.priv + 1;
        dataCtx = dataPriv() + 1;
        mappingChanged();
    }

    /** The privilege loads and stores run at: MPP when MPRV is set in M-mode (section 3.1.6.3). */
    int dataPriv() {
        long s = h.csrs.mstatus;
        if (h.priv == Hart.M && (s & Csrs.MPRV) != 0) return (int) ((s & Csrs.MPP) >>> Csrs.MPP_SHIFT);
        return h.priv;
    }

    /** Accesses that went through the TLB: every load and store, plus one per fetched instruction. */
    public long tlbAccesses() { return accesses + h.instret; }
    public long tlbMisses() { return misses; }

    // ---- fetch ---------------------------------------------------------------------------------------

    /**
     * Translates {@code pc} for execution (trapping on a fault) and returns the offset in the RAM
     * segment of its page, or -1 when the page is not RAM and must be fetched through the bus.
     */
    long executablePage(long pc) {
        int i = slot(pc) + 2 * EXEC;
        long[] t = tlb;
        if (t[i] != ((pc & PAGE_MASK) | fetchCtx)) {
            misses++;
            long pa = translate(pc, 2, EXEC);
            if (!ram.contains(pa & PAGE_MASK, 4096)) return -1;
            if (t[i] != ((pc & PAGE_MASK) | fetchCtx)) return -1; // not cacheable (PMP): fetch each time
        }
        return (pc & PAGE_MASK) + t[i + 1] - mem.address();
    }

    /** Fetches and decodes the instruction at {@code pc} without the code cache (MMIO, page-straddling). */
    Insn fetch(long pc) {
        return fetchSlow(pc);
    }

    /** The page at {@code pa} became a code page: stores to it must take the slow path from now on. */
    void dropWriteMappings(long pa) {
        long[] t = tlb;
        for (int i = 2 * WRITE; i < t.length; i += 8) {
            if (t[i] != INVALID && (t[i] & PAGE_MASK) + t[i + 1] - hostBias == pa) t[i] = INVALID;
        }
    }

    /** Decoded code was dropped: the interpreter must not keep using its cached page. */
    void codeChanged() {
        h.breakChunk = true;
    }

    private Insn fetchSlow(long pc) {
        int lo = (int) readSlow(pc, 2, EXEC);
        if ((lo & 3) != 3) return h.decoder.decode(lo & 0xffff);
        int hi = (int) readSlow(pc + 2, 2, EXEC); // a 32-bit instruction may straddle two pages
        return h.decoder.decode((hi << 16) | (lo & 0xffff));
    }

    // ---- loads and stores ----------------------------------------------------------------------------

    public long load8(long va) { return loadFast(va, 1); }
    public long load16(long va) { return loadFast(va, 2); }
    public long load32(long va) { return loadFast(va, 4); }
    public long load64(long va) { return loadFast(va, 8); }

    /** Loads {@code size} bytes zero-extended; misaligned accesses are done, not trapped. */
    private long loadFast(long va, int size) {
        accesses++;
        int i = slot(va);
        long[] t = tlb;
        if (t[i] == ((va & PAGE_MASK) | dataCtx) && (va & 0xfff) <= 0x1000 - size) {
            long o = va + t[i + 1];
            return switch (size) {
                case 1 -> ALL.get(ValueLayout.JAVA_BYTE, o) & 0xffL;
                case 2 -> ALL.get(GuestMemory.SHORT, o) & 0xffffL;
                case 4 -> ALL.get(GuestMemory.INT, o) & 0xffff_ffffL;
                default -> ALL.get(GuestMemory.LONG, o);
            };
        }
        return readSlow(va, size, READ);
    }

    public void store8(long va, long v) { storeFast(va, 1, v); }
    public void store16(long va, long v) { storeFast(va, 2, v); }
    public void store32(long va, long v) { storeFast(va, 4, v); }
    public void store64(long va, long v) { storeFast(va, 8, v); }

    private void storeFast(long va, int size, long v) {
        accesses++;
        int i = slot(va) + 2 * WRITE;
        long[] t = tlb;
        if (t[i] == ((va & PAGE_MASK) | dataCtx) && (va & 0xfff) <= 0x1000 - size) {
            long o = va + t[i + 1];
            switch (size) {
                case 1 -> ALL.set(ValueLayout.JAVA_BYTE, o, (byte) v);
                case 2 -> ALL.set(GuestMemory.SHORT, o, (short) v);
                case 4 -> ALL.set(GuestMemory.INT, o, (int) v);
                default -> ALL.set(GuestMemory.LONG, o, v);
            }
            return;
        }
        writeSlow(va, size, v);
    }

    long readSlow(long va, int size, int access) {
        misses++;
        if ((va & 0xfff) > 0x1000 - size) { // crosses a page: byte by byte, each translated
            long v = 0;
            for (int k = 0; k < size; k++) v |= readSlow(va + k, 1, access) << (8 * k);
            return v;
        }
        long pa = translate(va, size, access);
        if (journal != null && !ram.contains(pa, size)) journal.touchedDevice = true;
        if (!bus.read(pa, size, scratch)) throw h.raise(accessFault(access), va);
        return scratch[0];
    }

    void writeSlow(long va, int size, long v) {
        misses++;
        if ((va & 0xfff) > 0x1000 - size) {
            // Translate both pages before writing anything, so a fault leaves memory unchanged.
            translate(va, 1, WRITE);
            translate((va + size - 1), 1, WRITE);
            for (int k = 0; k < size; k++) writeSlow(va + k, 1, v >>> (8 * k));
            return;
        }
        long pa = translate(va, size, WRITE);
        if (journal != null) {
            if (ram.contains(pa, size)) journal.stores.add(new Lockstep.Store(pa, size, ram.read(pa, size)));
            else journal.touchedDevice = true;
        }
        if (!bus.write(pa, size, v)) throw h.raise(Cause.STORE_ACCESS, va);
        code.written(pa, size);
    }

    /**
     * The access of translated code after a TLB hit, sign-extended. A call rather than the access
     * itself in each translation: C1 does not inline a method this size, so a translation's first
     * compilation is not a copy of the JDK's whole memory-access path per access (it was most of C1's
     * code and time); C2 inlines it where it is hot, and the size, a constant there, folds the switch.
     * The interpreter's fast paths (load, store) keep their own switch: with them calling this method
     * too, translated bench.c ran at 1,450 MIPS instead of 2,000 (4 alternated runs, twice).
     */
    static long hostRead(long address, int size) {
        return switch (size) {
            case 1 -> ALL.get(ValueLayout.JAVA_BYTE, address);
            case 2 -> ALL2.get(GuestMemory.SHORT, address);
            case 4 -> ALL4.get(GuestMemory.INT, address);
            default -> ALL8.get(GuestMemory.LONG, address);
        };
    }

    /** The store of translated code after a TLB hit (see {@link #hostRead}). */
    static void hostWrite(long address, int size, long v) {
        switch (size) {
            case 1 -> ALL.set(ValueLayout.JAVA_BYTE, address, (byte) v);
            case 2 -> ALL2.set(GuestMemory.SHORT, address, (short) v);
            case 4 -> ALL4.set(GuestMemory.INT, address, (int) v);
            default -> ALL8.set(GuestMemory.LONG, address, v);
        }
    }

    long ramRead(long pa, int size) { return ram.read(pa, size); }
    void ramWrite(long pa, int size, long v) { ram.write(pa, size, v); }

    // ---- atomics -------------------------------------------------------------------------------------

    /** The host address of an aligned atomic access, or a trap: misaligned, or not in RAM. */
    long atomicAddress(long va, int size, boolean loadOnly) {
        if ((va & (size - 1)) != 0) throw h.raise(loadOnly ? Cause.LOAD_MISALIGNED : Cause.STORE_MISALIGNED, va);
        // A TLB hit needs no more checks: an entry in the write row is of a RAM page that holds no
        // decoded code and is not journaled (see fill). Kernels take their locks with these.
        accesses++;
        int i = slot(va) + (loadOnly ? 2 * READ : 2 * WRITE);
        long[] t = tlb;
        if (t[i] == ((va & PAGE_MASK) | dataCtx)) return va + t[i + 1];
        misses++;
        long pa = translate(va, size, loadOnly ? READ : WRITE);
        if (!ram.contains(pa, size)) throw h.raise(loadOnly ? Cause.LOAD_ACCESS : Cause.STORE_ACCESS, va);
        if (!loadOnly) {
            code.written(pa, size);
            if (journal != null) journal.stores.add(new Lockstep.Store(pa, size, ram.read(pa, size)));
        }
        return pa + hostBias;
    }

    long atomicLoad(long address, int size) {
        return size == 8 ? (long) LONG_ATOMIC.getVolatile(ALL, address) : (int) INT_ATOMIC.getVolatile(ALL, address);
    }

    boolean compareAndSet(long address, int size, long expect, long v) {
        return size == 8 ? LONG_ATOMIC.compareAndSet(ALL, address, expect, v)
                : INT_ATOMIC.compareAndSet(ALL, address, (int) expect, (int) v);
    }

    // ---- translation ---------------------------------------------------------------------------------

    private static int accessFault(int access) {
        return access == EXEC ? Cause.INSN_ACCESS : access == READ ? Cause.LOAD_ACCESS : Cause.STORE_ACCESS;
    }

    private static int pageFault(int access) {
        return access == EXEC ? Cause.INSN_PAGE_FAULT : access == READ ? Cause.LOAD_PAGE_FAULT : Cause.STORE_PAGE_FAULT;
    }

    /**
     * Translates {@code va} for an access of {@code size} bytes that does not cross a page, checks PMP,
     * and fills the TLB when the whole page may be cached. Traps on any fault.
     */
    long translate(long va, int size, int access) {
        int priv = access == EXEC ? h.priv : dataPriv();
        long mode = h.csrs.satp >>> 60;
        long pa;
        int pteAllowsAll = -1;
        if (priv == Hart.M || mode == 0) {
            pa = va;
            if ((pa >>> 56) != 0) throw h.raise(accessFault(access), va); // beyond the 56-bit physical space
        } else {
            pa = walk(va, access, priv, mode == 8 ? 3 : 4);
        }
        int pmpAccess = access == EXEC ? Pmp.X : access == READ ? Pmp.R : Pmp.W;
        long page = pa & PAGE_MASK;
        int pagePerm = h.csrs.pmp.permissions(page, 4096, priv);
        if (pagePerm >= 0 && (pagePerm & pmpAccess) != 0) {
            fill(access, va, page, priv);
        } else if (!h.csrs.pmp.allows(pa, size, pmpAccess, priv)) {
            throw h.raise(accessFault(access), va);
        }
        return pa;
    }

    private void fill(int access, long va, long page, int priv) {
        int i = slot(va) + 2 * access;
        long vpage = va & PAGE_MASK;
        if (ram.contains(page, 4096) && !(access == WRITE && (journaling || bus.isWatchedPage(page) || code.isCode(page)))) {
            tlb[i] = vpage | (priv + 1);
            tlb[i + 1] = page + hostBias - vpage;
        } else {
            tlb[i] = INVALID; // devices are reached through the bus every time
        }
    }

    private long walk(long va, int access, int priv, int levels) {
        int vaBits = 12 + 9 * levels;
        long top = va >> (vaBits - 1);
        if (top != 0 && top != -1) throw h.raise(pageFault(access), va); // not sign-extended
        long s = h.csrs.mstatus;
        long table = (h.csrs.satp & PPN_MASK) << 12;
        for (int level = levels - 1; level >= 0; level--) {
            long pteAddr = table + ((va >>> (12 + 9 * level)) & 0x1ff) * 8;
            if (!ram.contains(pteAddr, 8) || !h.csrs.pmp.allows(pteAddr, 8, Pmp.R, Hart.S))
                throw h.raise(accessFault(access), va);
            long pte = ram.readLong(pteAddr);
            if ((pte & PTE_V) == 0 || (pte & (PTE_R | PTE_W)) == PTE_W || (pte & PTE_RESERVED) != 0)
                throw h.raise(pageFault(access), va);
            long ppn = (pte >>> 10) & PPN_MASK;
            if ((pte & (PTE_R | PTE_X)) == 0) { // pointer to the next level; its D, A and U are reserved
                if (level == 0 || (pte & (PTE_D | PTE_A | PTE_U)) != 0) throw h.raise(pageFault(access), va);
                table = ppn << 12;
                continue;
            }
            boolean allowed = switch (access) {
                case READ -> (pte & PTE_R) != 0 || ((s & Csrs.MXR) != 0 && (pte & PTE_X) != 0);
                case WRITE -> (pte & PTE_W) != 0;
                default -> (pte & PTE_X) != 0;
            };
            if ((pte & PTE_U) != 0) {
                if (priv == Hart.S && (access == EXEC || (s & Csrs.SUM) == 0)) allowed = false;
            } else if (priv == Hart.U) {
                allowed = false;
            }
            long superMask = (1L << (9 * level)) - 1;
            if (!allowed || (ppn & superMask) != 0) throw h.raise(pageFault(access), va);
            long need = PTE_A | (access == WRITE ? PTE_D : 0);
            if ((pte & need) != need) { // hardware A/D update, as an atomic read-modify-write
                if (!h.csrs.pmp.allows(pteAddr, 8, Pmp.W, Hart.S)) throw h.raise(accessFault(access), va);
                long o = pteAddr - ram.base();
                if (!LONG_ATOMIC.compareAndSet(mem, o, pte, pte | need)) return walk(va, access, priv, levels);
            }
            if (level > 0) superpages = true;
            long offsetMask = (1L << (12 + 9 * level)) - 1;
            return ((ppn << 12) & ~offsetMask) | (va & offsetMask);
        }
        throw h.raise(pageFault(access), va);
    }

}
