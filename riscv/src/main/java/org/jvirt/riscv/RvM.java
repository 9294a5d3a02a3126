package org.jvirt.riscv;

import static org.jvirt.riscv.Format.R;

/**
 * The "M" extension (unprivileged spec, chapter 7): division by zero and overflow do not trap. Like
 * {@link RvI}, a hot path of compiled code, so its operations are numbered and performed by a switch.
 */
final class RvM {
    private RvM() { }

    static final int MUL = RvI.END, MULH = MUL + 1, MULHSU = MUL + 2, MULHU = MUL + 3, DIV = MUL + 4, DIVU = MUL + 5,
            REM = MUL + 6, REMU = MUL + 7, MULW = MUL + 8, DIVW = MUL + 9, DIVUW = MUL + 10, REMW = MUL + 11, REMUW = MUL + 12;

    static final InsnSet SET = new InsnSet(RvM::execute)
        .add("mul",    "0000001 ..... ..... 000 ..... 0110011", R, MUL)
        .add("mulh",   "0000001 ..... ..... 001 ..... 0110011", R, MULH)
        .add("mulhsu", "0000001 ..... ..... 010 ..... 0110011", R, MULHSU)
        .add("mulhu",  "0000001 ..... ..... 011 ..... 0110011", R, MULHU)
        .add("div",    "0000001 ..... ..... 100 ..... 0110011", R, DIV)
        .add("divu",   "0000001 ..... ..... 101 ..... 0110011", R, DIVU)
        .add("rem",    "0000001 ..... ..... 110 ..... 0110011", R, REM)
        .add("remu",   "0000001 ..... ..... 111 ..... 0110011", R, REMU)
        .add("mulw",   "0000001 ..... ..... 000 ..... 0111011", R, MULW)
        .add("divw",   "0000001 ..... ..... 100 ..... 0111011", R, DIVW)
        .add("divuw",  "0000001 ..... ..... 101 ..... 0111011", R, DIVUW)
        .add("remw",   "0000001 ..... ..... 110 ..... 0111011", R, REMW)
        .add("remuw",  "0000001 ..... ..... 111 ..... 0111011", R, REMUW);

    static long execute(Hart h, Insn d, long pc) {
        return execute(h, d, pc, pc + d.len);
    }

    /** The same, given the address that follows the instruction (see {@link RvI#execute(Hart, Insn, long, long)}). */
    static long execute(Hart h, Insn d, long pc, long next) {
        long a = h.x[d.rs1], b = h.x[d.rs2];
        h.x[d.rd] = switch (d.op) {
            case MUL -> a * b;
            case MULH -> Math.multiplyHigh(a, b);
            case MULHSU -> Math.multiplyHigh(a, b) + (b < 0 ? a : 0); // unsigned b is b + 2^64 when negative
            case MULHU -> Math.unsignedMultiplyHigh(a, b);
            case MULW -> (int) a * (int) b;
            default -> divide(d.op, a, b);
        };
        return next;
    }

    // Apart, so that the multiplications, the common case, are small enough for C2 to inline into the
    // interpreter's switch (FreqInlineSize, 325 bytes of bytecode).
    private static long divide(int op, long a, long b) {
        int aw = (int) a, bw = (int) b;
        return switch (op) {
            case DIV -> b == 0 ? -1 : a / b;                          // Java's MIN / -1 is MIN, as required
            case DIVU -> b == 0 ? -1 : Long.divideUnsigned(a, b);
            case REM -> b == 0 ? a : a % b;                           // MIN % -1 is 0, as required
            case REMU -> b == 0 ? a : Long.remainderUnsigned(a, b);
            case DIVW -> bw == 0 ? -1 : aw / bw;
            case DIVUW -> bw == 0 ? -1 : Integer.divideUnsigned(aw, bw);
            case REMW -> bw == 0 ? aw : aw % bw;
            case REMUW -> bw == 0 ? aw : Integer.remainderUnsigned(aw, bw);
            default -> throw new IllegalStateException("not an M operation: " + op);
        };
    }
}
