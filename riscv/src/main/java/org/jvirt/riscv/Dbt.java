package org.jvirt.riscv;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The binary-translation engine of one hart: finds or makes the translation for the current pc, runs
 * it, follows the links between translations, and leaves cold code to the interpreter.
 *
 * <p>Translations are keyed by the physical (RAM) address of their first instruction, so one made
 * under one mapping serves every virtual address that maps there; what a link assumed about the
 * mapping is checked by the epoch, which the MMU advances whenever a translation may have changed
 * (satp, sfence.vma, privilege, PMP). A region is translated once it has been entered
 * {@link #THRESHOLD} times; code that the guest writes is dropped (see {@link CodeCache#written}) and
 * must become hot again, twice as hot for each time it was dropped, so code that keeps being rewritten
 * stays in the interpreter instead of being translated over and over.
 */
final class Dbt {
    /** Entries into a region before it is translated; tunable with -Djvirt.dbt.threshold. */
    static final int THRESHOLD = Math.max(1, Integer.getInteger("jvirt.dbt.threshold", 32));
    /** Live translations before the cache starts afresh; tunable with -Djvirt.dbt.blocks. */
    static final int MAX_BLOCKS = Math.max(16, Integer.getInteger("jvirt.dbt.blocks", 16384));
    /** Longest region, in instructions; tunable with -Djvirt.dbt.length. */
    static final int MAX_LENGTH = Math.max(1, Math.min(Translator.MAX_LENGTH, Integer.getInteger("jvirt.dbt.length", Translator.MAX_LENGTH)));

    private final Hart h;
    /** Entries before translation, for this hart (tests translate everything at once). */
    int threshold = THRESHOLD;
    private final Translator translator = new Translator();
    private final Map<Long, List<TranslatedBlock>> byPage = new HashMap<>();
    private long[] keys = new long[1 << 12];
    private Entry[] entries = new Entry[1 << 12];
    private int size, live;

    /** What {@code --stats} reports about this engine. */
    long chained, dispatched, lookups, hits, invalidations, translatedInstructions, flushes;

    private static final class Entry {
        int count;
        int drops;
        TranslatedBlock block;
    }

    Dbt(Hart h) {
        this.h = h;
        h.codeCache.register(this);
    }

    /**
     * Runs up to {@code n} instructions, as {@link Hart#step} does one chunk, and returns how many retired.
     * (Counted here, not read from instret, which the guest may write.)
     */
    int runChunk(int n) {
        int left = n;
        h.breakChunk = false;
        TranslatedBlock next = null, prev = null;
        int exit = -1;
        while (left > 0 && !h.breakChunk) {
            long pc = h.pc;
            TranslatedBlock b = next;
            if (b != null && b.vpc == pc && b.epoch == h.mapEpoch && b.valid) {
                chained++;
            } else {
                b = find(pc);
                if (b != null && b.length > left) b = null; // it might overrun the budget, which must be exact
                if (b == null) { // the interpreter runs the code, up to its next jump
                    if (!h.breakChunk) left -= h.interpretToJump(left);
                    prev = next = null;
                    continue;
                }
                if (prev != null && exit >= 0 && prev.valid) prev.links[exit] = b;
                dispatched++;
            }
            if (b.length > left) {
                next = prev = null;
                continue;
            }
            long before = h.instret;
            next = b.run(h, left - b.length);
            int retired = (int) (h.instret - before);
            left -= retired;
            translatedInstructions += retired;
            exit = h.dbtExit;
            prev = b;
            if (h.dbtTrapped) {
                h.dbtTrapped = false;
                next = prev = null;
                h.takeTrap(h.trapCause, h.trapValue);
            }
        }
        return n - left;
    }

    /** The translation to run at {@code pc}, or null: the code there is cold, or a fetch fault was taken. */
    private TranslatedBlock find(long pc) {
        lookups++;
        long page;
        try {
            page = h.mmu.executablePage(pc);
        } catch (Trap t) {
            h.takeTrap(h.trapCause, h.trapValue);
            h.breakChunk = true;
            return null;
        }
        if (page < 0) return null;
        Entry e = entry(page + (pc & 0xfff));
        TranslatedBlock b = e.block;
        if (b == null && ++e.count >= (long) threshold << Math.min(e.drops, 20)) {
            b = translator.translate(h, pc, page, MAX_LENGTH);
            if (b != null) install(e, b);
            else e.count = 0; // its first instruction is not translatable: look again later
        }
        if (b == null) return null;
        hits++;
        b.vpc = pc;
        b.epoch = h.mapEpoch;
        return b;
    }

    private void install(Entry e, TranslatedBlock b) {
        if (live >= MAX_BLOCKS) {
            dropAll();
            flushes++;
        }
        e.block = b;
        live++;
        byPage.computeIfAbsent(b.start >>> 12, k -> new ArrayList<>()).add(b);
    }

    /** Guest code at RAM offsets [off, off + len) within one page was written: drop what it invalidates. */
    void written(long off, int len) {
        List<TranslatedBlock> blocks = byPage.get(off >>> 12);
        if (blocks == null) return;
        for (int i = blocks.size() - 1; i >= 0; i--) {
            TranslatedBlock b = blocks.get(i);
            if (b.start < off + len && off < b.end) {
                b.valid = false;
                blocks.remove(i);
                Entry e = entry(b.start);
                e.block = null;
                e.count = 0;
                e.drops++;
                live--;
                invalidations++;
                h.codeWrites++;
            }
        }
        if (blocks.isEmpty()) byPage.remove(off >>> 12);
    }

    /** Forgets every translation (the code cache was dropped, or this one is full). */
    void dropAll() {
        for (List<TranslatedBlock> l : byPage.values()) for (TranslatedBlock b : l) b.valid = false;
        byPage.clear();
        java.util.Arrays.fill(entries, null);
        size = 0;
        live = 0;
        h.codeWrites++;
    }

    private Entry entry(long key) {
        int mask = keys.length - 1;
        int i = (int) ((key * 0x9E37_79B9_7F4A_7C15L) >>> 40) & mask;
        while (entries[i] != null) {
            if (keys[i] == key) return entries[i];
            i = (i + 1) & mask;
        }
        if (2 * size >= keys.length) {
            grow();
            return entry(key);
        }
        keys[i] = key;
        size++;
        return entries[i] = new Entry();
    }

    private void grow() {
        long[] oldKeys = keys;
        Entry[] old = entries;
        keys = new long[oldKeys.length * 2];
        entries = new Entry[old.length * 2];
        size = 0;
        for (int j = 0; j < old.length; j++) {
            if (old[j] == null) continue;
            int mask = keys.length - 1;
            int i = (int) ((oldKeys[j] * 0x9E37_79B9_7F4A_7C15L) >>> 40) & mask;
            while (entries[i] != null) i = (i + 1) & mask;
            keys[i] = oldKeys[j];
            entries[i] = old[j];
            size++;
        }
    }

    DbtStats stats() {
        return new DbtStats(translator.translated, translator.bytecodeBytes, translator.nanos, live, lookups, hits,
                chained, dispatched, invalidations, flushes, translatedInstructions);
    }
}
