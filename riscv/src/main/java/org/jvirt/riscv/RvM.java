package org.jvirt.riscv;

import static org.jvirt.riscv.Format.R;

/** The "M" extension (unprivileged spec, chapter 7): division by zero and overflow do not trap. */
final class RvM {
    private RvM() { }

    static final InsnSet SET = new InsnSet("M")
        .add("mul",    "0000001 ..... ..... 000 ..... 0110011", R, (h, d, pc) -> { h.x[d.rd] = h.x[d.rs1] * h.x[d.rs2]; return pc + d.len; })
        .add("mulh",   "0000001 ..... ..... 001 ..... 0110011", R, (h, d, pc) -> { h.x[d.rd] = Math.multiplyHigh(h.x[d.rs1], h.x[d.rs2]); return pc + d.len; })
        .add("mulhsu", "0000001 ..... ..... 010 ..... 0110011", R, (h, d, pc) -> {
            long a = h.x[d.rs1], b = h.x[d.rs2];
            h.x[d.rd] = Math.multiplyHigh(a, b) + (b < 0 ? a : 0); // b unsigned is b + 2^64 when negative
            return pc + d.len;
        })
        .add("mulhu",  "0000001 ..... ..... 011 ..... 0110011", R, (h, d, pc) -> { h.x[d.rd] = Math.unsignedMultiplyHigh(h.x[d.rs1], h.x[d.rs2]); return pc + d.len; })
        .add("div",    "0000001 ..... ..... 100 ..... 0110011", R, (h, d, pc) -> {
            long b = h.x[d.rs2];
            h.x[d.rd] = b == 0 ? -1 : h.x[d.rs1] / b; // Java's MIN / -1 is MIN, as the spec requires
            return pc + d.len;
        })
        .add("divu",   "0000001 ..... ..... 101 ..... 0110011", R, (h, d, pc) -> {
            long b = h.x[d.rs2];
            h.x[d.rd] = b == 0 ? -1 : Long.divideUnsigned(h.x[d.rs1], b);
            return pc + d.len;
        })
        .add("rem",    "0000001 ..... ..... 110 ..... 0110011", R, (h, d, pc) -> {
            long b = h.x[d.rs2];
            h.x[d.rd] = b == 0 ? h.x[d.rs1] : h.x[d.rs1] % b;
            return pc + d.len;
        })
        .add("remu",   "0000001 ..... ..... 111 ..... 0110011", R, (h, d, pc) -> {
            long b = h.x[d.rs2];
            h.x[d.rd] = b == 0 ? h.x[d.rs1] : Long.remainderUnsigned(h.x[d.rs1], b);
            return pc + d.len;
        })
        .add("mulw",   "0000001 ..... ..... 000 ..... 0111011", R, (h, d, pc) -> { h.x[d.rd] = (int) h.x[d.rs1] * (int) h.x[d.rs2]; return pc + d.len; })
        .add("divw",   "0000001 ..... ..... 100 ..... 0111011", R, (h, d, pc) -> {
            int b = (int) h.x[d.rs2];
            h.x[d.rd] = b == 0 ? -1 : (int) h.x[d.rs1] / b;
            return pc + d.len;
        })
        .add("divuw",  "0000001 ..... ..... 101 ..... 0111011", R, (h, d, pc) -> {
            int b = (int) h.x[d.rs2];
            h.x[d.rd] = b == 0 ? -1 : Integer.divideUnsigned((int) h.x[d.rs1], b);
            return pc + d.len;
        })
        .add("remw",   "0000001 ..... ..... 110 ..... 0111011", R, (h, d, pc) -> {
            int b = (int) h.x[d.rs2];
            h.x[d.rd] = b == 0 ? (int) h.x[d.rs1] : (int) h.x[d.rs1] % b;
            return pc + d.len;
        })
        .add("remuw",  "0000001 ..... ..... 111 ..... 0111011", R, (h, d, pc) -> {
            int b = (int) h.x[d.rs2];
            h.x[d.rd] = b == 0 ? (int) h.x[d.rs1] : Integer.remainderUnsigned((int) h.x[d.rs1], b);
            return pc + d.len;
        });
}
