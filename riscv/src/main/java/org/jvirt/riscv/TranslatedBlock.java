package org.jvirt.riscv;

/**
 * A guest code region translated to JVM bytecode: the superclass of every class the {@link Translator}
 * defines.
 *
 * <p>{@link #run} executes the region from its first instruction with the guest registers in JVM
 * locals, writes those it changed back at an exit, and then follows {@code links[exit]}, the
 * translation last seen to follow that exit: it calls it at once when it is still valid for the new pc
 * and fits in what may still retire (chaining, up to {@link #MAX_DEPTH} deep). The translation that
 * exits without chaining records the pc, the exit, what may still retire and its depth in the hart
 * ({@link #stop}) and returns itself, and every caller returns what it returned: the dispatcher gets
 * the end of the chain, and through its {@code links[exit]} the next candidate, and {@link #enter}
 * adds what the chain retired to instret, without a field of the hart written at each transition. A
 * trap leaves the state of the faulting instruction, sets {@link Hart#dbtTrapped} and exits through
 * no link.
 */
public abstract class TranslatedBlock {
    /**
     * The virtual address the region was translated at: the generated code holds absolute addresses
     * (links, auipc), so it serves only there. With {@link #start}, the cache key.
     */
    final long pc;
    /** Physical RAM offset of the first instruction. */
    final long start;
    /** RAM offset one past the last translated byte, for invalidation by writes. */
    final long end;
    /** Guest instructions in the region (a run may execute more, through loops, or fewer). */
    final int length;
    /** Successors last taken from each exit, as verified by the dispatcher. */
    final TranslatedBlock[] links;
    /**
     * How many translations may call one another before returning to the dispatcher: enough to take
     * most transitions off the dispatcher, few enough to keep the JVM stack small.
     */
    static final int MAX_DEPTH = 16;
    /**
     * The data context ({@code Mmu.dataCtx}: the privilege loads and stores run at) that the region's
     * TLB tags hold as a constant. It serves only under that context, which is part of its key in the
     * dispatcher's table; a change of context is a new mapping epoch, so a translation is found
     * again under the new one before it runs or is chained to.
     */
    long dataCtx;
    /** Size of the generated class file, for the statistics. */
    int bytecodeSize;

    /**
     * The mapping epoch in which {@link #pc} was last seen to map to {@link #start}; {@link #INVALID}, which
     * matches no epoch, once the guest wrote the code it was made from: it must never run again.
     */
    long epoch = -1;
    private static final long INVALID = Long.MIN_VALUE;

    protected TranslatedBlock(long pc, long start, long end, int length, int exits) {
        this.pc = pc;
        this.start = start;
        this.end = end;
        this.length = length;
        this.links = new TranslatedBlock[exits];
    }

    /**
     * Runs the region and returns the translation that exited last: this one, or the end of its chain.
     * A backward jump goes round again only while the instructions retired so far are at most
     * {@code budget}; the caller passes what it may retire minus {@link #length}. {@code depth} is the
     * number of translations that called this one: at {@link #MAX_DEPTH} it chains no further. The
     * hart's pc and instret are brought up to date by {@link #enter}, not by each translation.
     */
    public abstract TranslatedBlock run(Hart h, int budget, int depth);

    /**
     * Runs this translation and its chain with {@code budget} as {@link #run} takes it, and brings the
     * hart's instret up to date; returns the translation that ended the chain, whose exit is in
     * {@link Hart#dbtExit}.
     */
    final TranslatedBlock enter(Hart h, int budget, int depth) {
        TranslatedBlock end = run(h, budget, depth);
        h.instret += budget + length - h.dbtLeft;
        return end;
    }

    /**
     * Called by {@code self}, a translation at {@code depth} that exits to {@code pc} through link
     * {@code exit} with {@code left} instructions that may still retire: runs {@code next}, its link for
     * that exit, if it is still valid there and fits, and returns what that run returns; else stops the
     * chain. (An invalidated translation's epoch matches no mapping epoch: one compare checks both.)
     */
    public static TranslatedBlock chain(Hart h, TranslatedBlock self, TranslatedBlock next, long pc, int left, int depth, int exit) {
        if (next != null && depth < MAX_DEPTH) {
            int rest = left - next.length;
            if (rest >= 0 && next.pc == pc && next.epoch == h.mapEpoch) return next.run(h, rest, depth + 1);
        }
        return stop(h, self, pc, left, depth, exit);
    }

    /**
     * Ends the chain at {@code self}: records for the dispatcher the pc it left for, the link it left
     * through ({@code exit}, -1 for none), what may still retire and its depth; returns {@code self}.
     */
    public static TranslatedBlock stop(Hart h, TranslatedBlock self, long pc, int left, int depth, int exit) {
        h.pc = pc;
        h.dbtExit = exit;
        h.dbtLeft = left;
        h.dbtDepth = depth;
        return self;
    }

    /** Marks the translation as never to run again (its code was written, or the cache dropped). */
    final void invalidate() {
        epoch = INVALID;
    }

    final boolean valid() {
        return epoch != INVALID;
    }
}
