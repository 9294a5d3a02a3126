package org.jvirt.riscv;

/**
 * A decoded instruction: its operand fields, pre-extracted once, and its semantics.
 *
 * <p>Decoded instructions depend only on the instruction's bits, never on its address, so one
 * instance serves every place the same word occurs and the decode cache needs no invalidation when
 * guest code is modified. Register numbers are already mapped so that a write to x0 lands in a sink
 * register (see {@link Hart#X_SINK}).
 */
public final class Insn {
    /** The semantics of one instruction: perform it and return the address of the next one. */
    @FunctionalInterface
    public interface Exec {
        long exec(Hart h, Insn d, long pc);
    }

    /** The instruction word (a compressed one in its low 16 bits). */
    public final int raw;
    /** Its length in bytes: 2 or 4. */
    public final int len;
    public final String name;
    public final Exec exec;
    /** For instructions the interpreter dispatches by number (see {@link RvI}), the operation; else 0. */
    public final int op;
    /**
     * How the interpreter dispatches it, in one compare where op and len would take three: 0 through
     * {@link #exec}; {@link #op} for a 32-bit instruction with an operation number;
     * {@code op + COMPRESSED} for a 16-bit one; {@link #NOT_DECODED} for {@link #UNDECODED}.
     */
    final int dispatch;
    static final int COMPRESSED = 128;
    /** The {@link #dispatch} of {@link #UNDECODED}, and of nothing else. */
    static final int NOT_DECODED = -1;
    /**
     * What a slot of {@link CodeCache} holds before its instruction is decoded (never executed itself).
     * Not null, so that the interpreter's read of a slot's dispatch needs no test of its own: C2
     * checks it for null by the load itself.
     */
    static final Insn UNDECODED = new Insn(0, 2, "undecoded", null, 0, 0, 0, 0, 0, 0, 0, false, NOT_DECODED);
    public final int rd, rs1, rs2, rs3;
    /** The immediate, sign-extended; for CSR instructions the CSR number; for FP ops the rm field. */
    public final long imm;
    /** funct3: the rounding mode of FP arithmetic, the width of loads and stores. */
    public final int rm;
    /**
     * Whether a translation may run this instruction in the middle of a region by calling its
     * semantics: true of instructions that neither change control flow nor anything a translation
     * assumes (privilege, paging, the CSRs), and that read or write no integer register other than
     * rs1, rs2 and rd (atomics, floating point, bit manipulation).
     */
    public final boolean callable;

    Insn(int raw, int len, String name, Exec exec, int op, int rd, int rs1, int rs2, int rs3, long imm, int rm, boolean callable) {
        this(raw, len, name, exec, op, rd, rs1, rs2, rs3, imm, rm, callable, op == 0 ? 0 : len == 2 ? op + COMPRESSED : op);
    }

    private Insn(int raw, int len, String name, Exec exec, int op, int rd, int rs1, int rs2, int rs3, long imm, int rm,
            boolean callable, int dispatch) {
        this.raw = raw;
        this.len = len;
        this.name = name;
        this.exec = exec;
        this.op = op;
        if (op < 0 || op >= COMPRESSED) throw new IllegalArgumentException("operation number out of range: " + op);
        this.dispatch = dispatch;
        this.rd = rd;
        this.rs1 = rs1;
        this.rs2 = rs2;
        this.rs3 = rs3;
        this.imm = imm;
        this.rm = rm;
        this.callable = callable;
    }

    @Override
    public String toString() {
        return name + String.format(" (0x%0" + (len * 2) + "x)", raw & (len == 2 ? 0xffff : 0xffff_ffffL));
    }
}
