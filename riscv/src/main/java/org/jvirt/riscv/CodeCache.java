package org.jvirt.riscv;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.jvirt.machine.GuestMemory;

/**
 * Decoded instructions per physical page of RAM, so that executing an instruction already seen costs
 * one array read instead of a memory read and a decode.
 *
 * <p>A page that holds decoded instructions is a <em>code page</em>. Stores must not reach a code page
 * behind the cache's back, so no hart's write TLB maps one: every store to it takes the MMU's slow
 * path, which calls {@link #written}, which forgets the page's instructions. The page then stops being
 * a code page, and stores to it are fast again until it is executed once more. This is the mechanism
 * by which self-modifying code and guest program loaders see their new instructions.
 */
final class CodeCache {
    /** Slots per page: one per 2-byte parcel, since compressed instructions are 2-byte aligned. */
    static final int SLOTS = 2048;
    /** A bound on the memory the cache holds (8 KiB a page); past it, it starts afresh. */
    private static final int MAX_PAGES = 4096;

    private final GuestMemory ram;
    private final MemorySegment mem;
    private final Insn[][] pages;
    private final List<Mmu> mmus = new ArrayList<>();
    private final List<Dbt> translators = new ArrayList<>();
    private int live;

    CodeCache(GuestMemory ram) {
        this.ram = ram;
        this.mem = ram.segment();
        this.pages = new Insn[(int) (ram.size() >>> 12)][];
        ram.addWriteListener(this::writtenRange); // DMA, loaders and firmware writing guest RAM
    }

    private void writtenRange(long pa, long len) {
        for (long p = pa; p < pa + len; ) {
            long chunk = Math.min(pa + len - p, 4096 - (p & 0xfff));
            written(p, (int) chunk);
            p += chunk;
        }
    }

    void register(Mmu mmu) {
        mmus.add(mmu);
    }

    /** A binary translator whose translations of this RAM must be dropped when their code is written. */
    void register(Dbt dbt) {
        translators.add(dbt);
    }

    void unregister(Dbt dbt) {
        translators.remove(dbt);
    }

    /**
     * The decoded-instruction array of the RAM page at segment offset {@code pageOffset}, made a code
     * page if it was not one.
     */
    Insn[] page(long pageOffset) {
        int n = (int) (pageOffset >>> 12);
        Insn[] p = pages[n];
        if (p == null) {
            if (live >= MAX_PAGES) clear();
            p = pages[n] = emptyPage();
            live++;
            long pa = ram.base() + pageOffset;
            for (Mmu m : mmus) m.dropWriteMappings(pa);
        }
        return p;
    }

    boolean isCode(long pa) {
        long off = pa - ram.base();
        return off >= 0 && off < ram.size() && pages[(int) (off >>> 12)] != null;
    }

    /**
     * A store of {@code len} bytes (within one page) reached physical address {@code pa}: forget the instructions it may
     * have changed, those starting in it and the one starting two bytes before it (a 32-bit
     * instruction there covers its first parcel). The page stays a code page, so code and data that
     * share a page do not make it bounce in and out of the cache; the interpreter holds the same
     * array, so it decodes the new instruction when it reaches it.
     */
    void written(long pa, int len) {
        long off = pa - ram.base();
        if (off < 0 || off >= ram.size()) return;
        Insn[] p = pages[(int) (off >>> 12)];
        if (p == null) return;
        for (Dbt t : translators) t.written(off, len);
        int first = Math.max(0, (int) ((off & 0xfff) - 2) >> 1);
        int last = Math.min(SLOTS - 1, (int) (((off & 0xfff) + len - 1) >> 1));
        java.util.Arrays.fill(p, first, last + 1, Insn.UNDECODED);
    }

    /** A page's slots before anything in it is decoded. */
    static Insn[] emptyPage() {
        Insn[] p = new Insn[SLOTS];
        java.util.Arrays.fill(p, Insn.UNDECODED);
        return p;
    }

    private void clear() {
        java.util.Arrays.fill(pages, null);
        live = 0;
        for (Mmu m : mmus) m.codeChanged();
        for (Dbt t : translators) t.dropAll(); // their pages may be written fast again: keep nothing
    }

    /** Reads the instruction word at segment offset {@code off}: 16 bits if that is all the page holds. */
    int word(long off) {
        if ((off & 0xfff) <= 0xffc) return mem.get(GuestMemory.INT, off);
        return mem.get(GuestMemory.SHORT, off) & 0xffff;
    }
}
