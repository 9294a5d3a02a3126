package org.jvirt.riscv;

/**
 * A guest code region translated to JVM bytecode: the superclass of every class the {@link Translator}
 * defines.
 *
 * <p>{@link #run} executes the region from its first instruction with the guest registers in JVM
 * locals, writes them back at an exit, advances {@code instret} and {@code pc}, records the exit taken
 * in {@link Hart#dbtExit}, and then follows {@code links[exit]}, the translation last seen to follow
 * that exit: it calls it at once when it is still valid for the new pc and fits in the budget
 * (chaining, up to {@link #MAX_DEPTH} deep). The translation that exits without chaining records the
 * depth it ran at in {@link Hart#dbtDepth} and returns itself, and every caller returns what it
 * returned: the dispatcher gets the end of the chain, and through its {@code links[exit]} the next
 * candidate, without a field written at each transition. A trap leaves the state of the faulting
 * instruction, sets {@link Hart#dbtTrapped} and exits through no link.
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
    /** Size of the generated class file, for the statistics. */
    int bytecodeSize;

    /** The mapping epoch in which {@link #pc} was last seen to map to {@link #start}. */
    long epoch = -1;
    /** Cleared when the guest writes the code it was made from: it must never run again. */
    boolean valid = true;

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
     * number of translations that called this one: at {@link #MAX_DEPTH} it chains no further.
     */
    public abstract TranslatedBlock run(Hart h, long budget, int depth);

    /**
     * Called by {@code self}, a translation at {@code depth} that exits to {@code pc} with {@code budget}
     * left: runs {@code next}, its link for that exit, if it is still valid there and fits in the budget,
     * and returns what that run returns; else records the depth and returns {@code self}.
     */
    public static TranslatedBlock chain(Hart h, TranslatedBlock self, TranslatedBlock next, long pc, long budget, int depth) {
        if (next != null && depth < MAX_DEPTH) {
            long rest = budget - next.length;
            if (rest >= 0 && next.pc == pc && next.epoch == h.mapEpoch && next.valid) return next.run(h, rest, depth + 1);
        }
        h.dbtDepth = depth;
        return self;
    }
}
