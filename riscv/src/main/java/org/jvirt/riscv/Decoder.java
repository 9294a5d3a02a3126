package org.jvirt.riscv;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Decodes instruction words using the definition tables, and caches the result by instruction word.
 *
 * <p>Because a decoded {@link Insn} depends only on the word, the cache is keyed by the word itself:
 * the interpreter reads the word from guest memory on every fetch and looks it up here, so modified
 * code is simply a different key. Compressed words are expanded to their 32-bit equivalents (section
 * 16.8 of the manual defines each one that way) and keep their own 16-bit word and length.
 */
public final class Decoder {
    private static final int CACHE_BITS = 14;
    private static final int CACHE_MASK = (1 << CACHE_BITS) - 1;

    /** Definitions per major opcode (bits 6:0), most specific pattern first. */
    private final InsnSet.Def[][] byOpcode = new InsnSet.Def[128][];
    private final List<InsnSet.Def> all = new ArrayList<>();
    private final Insn[] cache = new Insn[1 << CACHE_BITS];

    public Decoder(List<InsnSet> sets) {
        List<List<InsnSet.Def>> buckets = new ArrayList<>();
        for (int i = 0; i < 128; i++) buckets.add(new ArrayList<>());
        for (InsnSet s : sets) {
            for (InsnSet.Def d : s.defs()) {
                if ((d.mask() & 0x7f) != 0x7f) throw new IllegalArgumentException(d.name() + " does not fix its opcode");
                buckets.get(d.match() & 0x7f).add(d);
                all.add(d);
            }
        }
        for (int i = 0; i < 128; i++) {
            List<InsnSet.Def> b = buckets.get(i);
            b.sort(Comparator.comparingInt((InsnSet.Def d) -> Integer.bitCount(d.mask())).reversed());
            byOpcode[i] = b.toArray(InsnSet.Def[]::new);
        }
    }

    /** The decoder for everything this hart implements: RV64IMAFDC, Zicsr, Zifencei, Zba, Zbb, Zbs, Zicond. */
    public static Decoder rv64gc() {
        return new Decoder(List.of(RvI.SET, RvM.SET, RvA.SET, RvF.SET, RvD.SET, RvSystem.SET, RvB.SET));
    }

    /** All definitions, for tools that enumerate the instruction set. */
    public List<InsnSet.Def> definitions() { return List.copyOf(all); }

    /** Decoded form of {@code word} (a compressed instruction in the low 16 bits), from the cache if present. */
    public Insn decode(int word) {
        if ((word & 3) != 3) word &= 0xffff;
        int slot = (word ^ (word >>> CACHE_BITS) ^ (word >>> 25)) & CACHE_MASK;
        Insn d = cache[slot];
        if (d != null && d.raw == word) return d;
        d = decodeUncached(word);
        cache[slot] = d;
        return d;
    }

    Insn decodeUncached(int word) {
        if ((word & 3) != 3) {
            int expanded = Rvc.expand(word & 0xffff);
            InsnSet.Def def = expanded == 0 ? null : find(expanded);
            return def == null ? illegal(word & 0xffff, 2) : build(def, expanded, word & 0xffff, 2);
        }
        InsnSet.Def def = find(word);
        return def == null ? illegal(word, 4) : build(def, word, word, 4);
    }

    private InsnSet.Def find(int word) {
        for (InsnSet.Def d : byOpcode[word & 0x7f]) if (d.matches(word)) return d;
        return null;
    }

    private static Insn build(InsnSet.Def def, int w, int raw, int len) {
        int rd = (w >>> 7) & 31;
        if (def.dest() == InsnSet.Dest.X && rd == 0) rd = Hart.X_SINK;
        return new Insn(raw, len, def.name(), def.exec(), def.op(), rd, (w >>> 15) & 31, (w >>> 20) & 31, (w >>> 27) & 31,
                def.format().immediate(w), (w >>> 12) & 7, def.callable());
    }

    /** Every word that decodes to nothing raises an illegal-instruction trap with the word as tval. */
    private static Insn illegal(int raw, int len) {
        return new Insn(raw, len, "illegal", (h, d, pc) -> h.illegal(d), 0, 0, 0, 0, 0, 0, 0, false);
    }
}
