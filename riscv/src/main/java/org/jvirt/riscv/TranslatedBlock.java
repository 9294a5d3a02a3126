package org.jvirt.riscv;

/**
 * A guest code region translated to JVM bytecode: the superclass of every class the {@link Translator}
 * defines.
 *
 * <p>{@link #run} executes the region from its first instruction with the guest registers in JVM
 * locals, writes them back at an exit, advances {@code instret} and {@code pc}, records the exit taken
 * in {@link Hart#dbtExit}, and returns {@code links[exit]}: the translation last seen to follow that
 * exit. Returning the successor instead of a guest address is the chaining: the dispatcher runs it
 * after checking only that it is still valid for the new pc, with no lookup. A trap leaves the state
 * of the faulting instruction, sets {@link Hart#dbtTrapped} and returns null.
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
     * Runs the region. A backward jump goes round again only while the instructions retired so far are
     * at most {@code budget}; the caller passes what it may retire minus {@link #length}.
     */
    public abstract TranslatedBlock run(Hart h, long budget);
}
