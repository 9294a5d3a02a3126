package org.jvirt.riscv;

/**
 * What the binary translator of one hart did, for {@code --stats}: translations made and their cost,
 * how control reached them, and how much of the guest's work ran in translated code; and how many
 * S- and U-mode instructions the boot gate kept to the interpreter, and whether it has opened.
 */
public record DbtStats(long blocksTranslated, long bytecodeBytes, long translationNanos, long liveBlocks,
                       long lookups, long hits, long chained, long dispatched, long invalidations, long flushes,
                       long translatedInstructions, long lockstepChecked, long lockstepUnchecked,
                       long bootInterpreted, boolean bootGateOpen) {
    /** Adds the counters of another hart; the boot gate is the first hart's, the one that boots. */
    public DbtStats plus(DbtStats o) {
        return new DbtStats(blocksTranslated + o.blocksTranslated, bytecodeBytes + o.bytecodeBytes,
                translationNanos + o.translationNanos, liveBlocks + o.liveBlocks, lookups + o.lookups, hits + o.hits,
                chained + o.chained, dispatched + o.dispatched, invalidations + o.invalidations, flushes + o.flushes,
                translatedInstructions + o.translatedInstructions,
                lockstepChecked + o.lockstepChecked, lockstepUnchecked + o.lockstepUnchecked,
                bootInterpreted, bootGateOpen);
    }
}
