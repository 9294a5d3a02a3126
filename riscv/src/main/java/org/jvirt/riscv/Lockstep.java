package org.jvirt.riscv;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The equivalence property checked while the guest runs ({@code --engine lockstep}): every run of a
 * translation is done again by the interpreter from the same state, and the two results compared.
 *
 * <p>Before a translation runs, the hart's state is saved and the MMU journals every store (stores
 * take its slow path in this mode, so none escapes the journal). Afterwards the state and the stored
 * memory are taken as the translator's result, the stores are undone, the state restored, and the
 * interpreter runs the same number of instructions (plus the faulting one, if the translation
 * trapped). Registers, pc, instret, privilege, the trap CSRs and every byte either engine stored must
 * then agree; the interpreter's result is what the guest goes on with. A region that touched a device
 * is not checked, since a device access cannot be undone: it is counted instead.
 */
final class Lockstep {
    /** A store the MMU performed on RAM: where, how wide, and the bytes it replaced. */
    record Store(long pa, int size, long old) { }

    /** The journal the MMU writes while a check is in progress; null otherwise. */
    static final class Journal {
        final List<Store> stores = new ArrayList<>();
        boolean touchedDevice;
    }

    private final Hart h;
    long checked, skipped;
    /** The first divergence found, as a readable report, or null. */
    String divergence;

    Lockstep(Hart h) {
        this.h = h;
        h.mmu.flush(); // from now on the write TLB stays empty (see Mmu.fill): every store is journaled
    }

    /** What a translation may change: registers, pc, counters, privilege, trap and FP CSRs, the LR reservation. */
    private record State(long[] x, long[] f, long pc, long instret, int priv, long[] csrs) { }

    private State save() {
        Csrs c = h.csrs;
        return new State(h.x.clone(), h.f.clone(), h.pc, h.instret, h.priv,
                new long[] {c.mstatus, c.mepc, c.mcause, c.mtval, c.sepc, c.scause, c.stval, h.fflags.bits, c.frm,
                        h.reservation, h.reservationValue});
    }

    private void restore(State s) {
        System.arraycopy(s.x, 0, h.x, 0, s.x.length);
        System.arraycopy(s.f, 0, h.f, 0, s.f.length);
        h.pc = s.pc;
        h.instret = s.instret;
        Csrs c = h.csrs;
        c.mstatus = s.csrs[0]; c.mepc = s.csrs[1]; c.mcause = s.csrs[2]; c.mtval = s.csrs[3];
        c.sepc = s.csrs[4]; c.scause = s.csrs[5]; c.stval = s.csrs[6];
        h.fflags.bits = (int) s.csrs[7];
        c.frm = (int) s.csrs[8];
        h.reservation = s.csrs[9];
        h.reservationValue = s.csrs[10];
        if (h.priv != s.priv) h.setPrivilege(s.priv);
    }

    /**
     * Runs {@code b} with the given loop budget, checks it against the interpreter, and returns the
     * number of instructions retired. Leaves the hart as the interpreter left it.
     */
    long runChecked(TranslatedBlock b, int budget) {
        State before = save();
        Journal j = new Journal();
        h.mmu.journal = j;
        long retired;
        State translated;
        List<Store> translatedStores;
        long[] translatedValues;
        try {
            b.enter(h, budget, TranslatedBlock.MAX_DEPTH); // no chaining: each translation is checked alone
            retired = h.instret - before.instret;
            boolean trapped = h.dbtTrapped;
            if (trapped) {
                h.dbtTrapped = false;
                h.takeTrap(h.trapCause, h.trapValue);
            }
            if (j.touchedDevice) { // cannot be done twice: keep this result unchecked
                skipped++;
                return retired;
            }
            translated = save();
            translatedStores = List.copyOf(j.stores);
            translatedValues = new long[translatedStores.size()];
            for (int i = 0; i < translatedValues.length; i++) translatedValues[i] = readRam(translatedStores.get(i));
            for (int i = translatedStores.size() - 1; i >= 0; i--) writeRam(translatedStores.get(i), translatedStores.get(i).old);
            restore(before);
            j.stores.clear();
            h.interpretExactly((int) retired + (trapped ? 1 : 0));
        } finally {
            h.mmu.journal = null;
        }
        State interpreted = save();
        StringBuilder diff = new StringBuilder();
        for (int i = 1; i < 32; i++)
            if (translated.x[i] != interpreted.x[i]) diff.append(String.format(" x%d %x/%x", i, translated.x[i], interpreted.x[i]));
        if (translated.pc != interpreted.pc) diff.append(String.format(" pc %x/%x", translated.pc, interpreted.pc));
        if (translated.instret != interpreted.instret) diff.append(" instret " + translated.instret + "/" + interpreted.instret);
        if (translated.priv != interpreted.priv) diff.append(" privilege " + translated.priv + "/" + interpreted.priv);
        for (int i = 0; i < 32; i++)
            if (translated.f[i] != interpreted.f[i]) diff.append(String.format(" f%d %x/%x", i, translated.f[i], interpreted.f[i]));
        if (!Arrays.equals(translated.csrs, interpreted.csrs)) diff.append(" CSRs and reservation " + Arrays.toString(translated.csrs) + "/" + Arrays.toString(interpreted.csrs));
        for (int i = 0; i < translatedStores.size(); i++) {
            Store s = translatedStores.get(i);
            long now = readRam(s);
            if (now != translatedValues[i]) diff.append(String.format(" memory %x: %x/%x", s.pa, translatedValues[i], now));
        }
        for (Store s : j.stores) { // stores only the interpreter made: the translator left the old bytes
            boolean alsoTranslated = translatedStores.stream().anyMatch(t -> t.pa == s.pa && t.size == s.size);
            if (!alsoTranslated && readRam(s) != s.old) diff.append(String.format(" memory %x: %x/%x", s.pa, s.old, readRam(s)));
        }
        checked++;
        if (!diff.isEmpty() && divergence == null) {
            divergence = String.format("translation of %x (%d instructions) diverged from the interpreter after %d instructions (translator/interpreter):%s",
                    before.pc, b.length, retired, diff);
        }
        return interpreted.instret - before.instret;
    }

    private long readRam(Store s) {
        return h.mmu.ramRead(s.pa, s.size);
    }

    private void writeRam(Store s, long v) {
        h.mmu.ramWrite(s.pa, s.size, v);
    }
}
