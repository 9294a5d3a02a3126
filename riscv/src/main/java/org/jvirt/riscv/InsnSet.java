package org.jvirt.riscv;

import java.util.ArrayList;
import java.util.List;

/**
 * A table of instruction definitions: name, bit pattern, format and semantics, written in the
 * manual's terms. The decoder is built from these tables; nothing else knows encodings.
 *
 * <p>Patterns are written most significant bit first as in the manual's encoding diagrams, with
 * {@code 0}/{@code 1} for fixed bits, {@code .} for operand bits, and spaces for readability.
 */
public final class InsnSet {
    /** Where the destination register lives: the integer file (x0 discards), or the FP file. */
    enum Dest { X, F }

    /**
     * One instruction definition: its semantics are {@code exec}, or, for the operations the
     * interpreter dispatches by number, operation {@code op} of the set's {@code switch}.
     */
    record Def(String name, int mask, int match, Format format, Dest dest, Insn.Exec exec, int op, boolean callable) {
        boolean matches(int word) {
            return (word & mask) == match;
        }
    }

    private final Insn.Exec switchExecutor;
    /** See {@link Insn#callable}: true for the sets whose every instruction qualifies. */
    private final boolean callable;
    private final List<Def> defs = new ArrayList<>();

    /** A set whose instructions are all {@link Insn#callable} from translations, or none of them. */
    InsnSet(boolean callable) {
        this(null, callable);
    }

    /** A set whose operations are numbered and performed by {@code switchExecutor}. */
    InsnSet(Insn.Exec switchExecutor) {
        this(switchExecutor, false);
    }

    private InsnSet(Insn.Exec switchExecutor, boolean callable) {
        this.switchExecutor = switchExecutor;
        this.callable = callable;
    }

    List<Def> defs() { return defs; }

    InsnSet add(String name, String pattern, Format format, Insn.Exec exec) {
        return add(name, pattern, format, Dest.X, exec, 0);
    }

    /** A definition performed as operation {@code op} of this set's switch. */
    InsnSet add(String name, String pattern, Format format, int op) {
        if (switchExecutor == null || op <= 0) throw new IllegalArgumentException(name + ": no switch for operation " + op);
        return add(name, pattern, format, Dest.X, switchExecutor, op);
    }

    /** A definition whose destination is an FP register. */
    InsnSet addF(String name, String pattern, Format format, Insn.Exec exec) {
        return add(name, pattern, format, Dest.F, exec, 0);
    }

    private InsnSet add(String name, String pattern, Format format, Dest dest, Insn.Exec exec, int op) {
        String bits = pattern.replace(" ", "");
        if (bits.length() != 32) throw new IllegalArgumentException(name + ": pattern has " + bits.length() + " bits");
        int mask = 0, match = 0;
        for (int i = 0; i < 32; i++) {
            char c = bits.charAt(i);
            int bit = 1 << (31 - i);
            switch (c) {
                case '0' -> mask |= bit;
                case '1' -> { mask |= bit; match |= bit; }
                case '.' -> { }
                default -> throw new IllegalArgumentException(name + ": bad pattern character " + c);
            }
        }
        defs.add(new Def(name, mask, match, format, dest, exec, op, callable));
        return this;
    }
}
