package org.jvirt.riscv;

import static org.jvirt.riscv.Format.*;

/** Zba, Zbb and Zbs (bit-manipulation spec 1.0.0) and Zicond (1.0), RV64 forms. */
final class RvB {
    private RvB() { }

    private static long uw(long v) { return v & 0xffff_ffffL; }

    static final InsnSet SET = new InsnSet(true)
        // Zba
        .add("add.uw",    "0000100 ..... ..... 000 ..... 0111011", R, (h, d, pc) -> { h.x[d.rd] = h.x[d.rs2] + uw(h.x[d.rs1]); return pc + d.len; })
        .add("sh1add",    "0010000 ..... ..... 010 ..... 0110011", R, (h, d, pc) -> { h.x[d.rd] = h.x[d.rs2] + (h.x[d.rs1] << 1); return pc + d.len; })
        .add("sh2add",    "0010000 ..... ..... 100 ..... 0110011", R, (h, d, pc) -> { h.x[d.rd] = h.x[d.rs2] + (h.x[d.rs1] << 2); return pc + d.len; })
        .add("sh3add",    "0010000 ..... ..... 110 ..... 0110011", R, (h, d, pc) -> { h.x[d.rd] = h.x[d.rs2] + (h.x[d.rs1] << 3); return pc + d.len; })
        .add("sh1add.uw", "0010000 ..... ..... 010 ..... 0111011", R, (h, d, pc) -> { h.x[d.rd] = h.x[d.rs2] + (uw(h.x[d.rs1]) << 1); return pc + d.len; })
        .add("sh2add.uw", "0010000 ..... ..... 100 ..... 0111011", R, (h, d, pc) -> { h.x[d.rd] = h.x[d.rs2] + (uw(h.x[d.rs1]) << 2); return pc + d.len; })
        .add("sh3add.uw", "0010000 ..... ..... 110 ..... 0111011", R, (h, d, pc) -> { h.x[d.rd] = h.x[d.rs2] + (uw(h.x[d.rs1]) << 3); return pc + d.len; })
        .add("slli.uw",   "000010 ...... ..... 001 ..... 0011011", SHAMT, (h, d, pc) -> { h.x[d.rd] = uw(h.x[d.rs1]) << d.imm; return pc + d.len; })
        // Zbb
        .add("andn",   "0100000 ..... ..... 111 ..... 0110011", R, (h, d, pc) -> { h.x[d.rd] = h.x[d.rs1] & ~h.x[d.rs2]; return pc + d.len; })
        .add("orn",    "0100000 ..... ..... 110 ..... 0110011", R, (h, d, pc) -> { h.x[d.rd] = h.x[d.rs1] | ~h.x[d.rs2]; return pc + d.len; })
        .add("xnor",   "0100000 ..... ..... 100 ..... 0110011", R, (h, d, pc) -> { h.x[d.rd] = ~(h.x[d.rs1] ^ h.x[d.rs2]); return pc + d.len; })
        .add("clz",    "0110000 00000 ..... 001 ..... 0010011", R, (h, d, pc) -> { h.x[d.rd] = Long.numberOfLeadingZeros(h.x[d.rs1]); return pc + d.len; })
        .add("clzw",   "0110000 00000 ..... 001 ..... 0011011", R, (h, d, pc) -> { h.x[d.rd] = Integer.numberOfLeadingZeros((int) h.x[d.rs1]); return pc + d.len; })
        .add("ctz",    "0110000 00001 ..... 001 ..... 0010011", R, (h, d, pc) -> { h.x[d.rd] = Long.numberOfTrailingZeros(h.x[d.rs1]); return pc + d.len; })
        .add("ctzw",   "0110000 00001 ..... 001 ..... 0011011", R, (h, d, pc) -> { h.x[d.rd] = Integer.numberOfTrailingZeros((int) h.x[d.rs1]); return pc + d.len; })
        .add("cpop",   "0110000 00010 ..... 001 ..... 0010011", R, (h, d, pc) -> { h.x[d.rd] = Long.bitCount(h.x[d.rs1]); return pc + d.len; })
        .add("cpopw",  "0110000 00010 ..... 001 ..... 0011011", R, (h, d, pc) -> { h.x[d.rd] = Integer.bitCount((int) h.x[d.rs1]); return pc + d.len; })
        .add("max",    "0000101 ..... ..... 110 ..... 0110011", R, (h, d, pc) -> { h.x[d.rd] = Math.max(h.x[d.rs1], h.x[d.rs2]); return pc + d.len; })
        .add("maxu",   "0000101 ..... ..... 111 ..... 0110011", R, (h, d, pc) -> { long a = h.x[d.rs1], b = h.x[d.rs2]; h.x[d.rd] = Long.compareUnsigned(a, b) >= 0 ? a : b; return pc + d.len; })
        .add("min",    "0000101 ..... ..... 100 ..... 0110011", R, (h, d, pc) -> { h.x[d.rd] = Math.min(h.x[d.rs1], h.x[d.rs2]); return pc + d.len; })
        .add("minu",   "0000101 ..... ..... 101 ..... 0110011", R, (h, d, pc) -> { long a = h.x[d.rs1], b = h.x[d.rs2]; h.x[d.rd] = Long.compareUnsigned(a, b) <= 0 ? a : b; return pc + d.len; })
        .add("sext.b", "0110000 00100 ..... 001 ..... 0010011", R, (h, d, pc) -> { h.x[d.rd] = (byte) h.x[d.rs1]; return pc + d.len; })
        .add("sext.h", "0110000 00101 ..... 001 ..... 0010011", R, (h, d, pc) -> { h.x[d.rd] = (short) h.x[d.rs1]; return pc + d.len; })
        .add("zext.h", "0000100 00000 ..... 100 ..... 0111011", R, (h, d, pc) -> { h.x[d.rd] = h.x[d.rs1] & 0xffff; return pc + d.len; })
        .add("rol",    "0110000 ..... ..... 001 ..... 0110011", R, (h, d, pc) -> { h.x[d.rd] = Long.rotateLeft(h.x[d.rs1], (int) h.x[d.rs2]); return pc + d.len; })
        .add("rolw",   "0110000 ..... ..... 001 ..... 0111011", R, (h, d, pc) -> { h.x[d.rd] = Integer.rotateLeft((int) h.x[d.rs1], (int) h.x[d.rs2]); return pc + d.len; })
        .add("ror",    "0110000 ..... ..... 101 ..... 0110011", R, (h, d, pc) -> { h.x[d.rd] = Long.rotateRight(h.x[d.rs1], (int) h.x[d.rs2]); return pc + d.len; })
        .add("rorw",   "0110000 ..... ..... 101 ..... 0111011", R, (h, d, pc) -> { h.x[d.rd] = Integer.rotateRight((int) h.x[d.rs1], (int) h.x[d.rs2]); return pc + d.len; })
        .add("rori",   "011000 ...... ..... 101 ..... 0010011", SHAMT, (h, d, pc) -> { h.x[d.rd] = Long.rotateRight(h.x[d.rs1], (int) d.imm); return pc + d.len; })
        .add("roriw",  "0110000 ..... ..... 101 ..... 0011011", SHAMTW, (h, d, pc) -> { h.x[d.rd] = Integer.rotateRight((int) h.x[d.rs1], (int) d.imm); return pc + d.len; })
        .add("orc.b",  "001010000111 ..... 101 ..... 0010011", R, (h, d, pc) -> {
            long v = h.x[d.rs1], r = 0;
            for (int i = 0; i < 64; i += 8) if (((v >>> i) & 0xff) != 0) r |= 0xffL << i;
            h.x[d.rd] = r;
            return pc + d.len;
        })
        .add("rev8",   "011010111000 ..... 101 ..... 0010011", R, (h, d, pc) -> { h.x[d.rd] = Long.reverseBytes(h.x[d.rs1]); return pc + d.len; })
        // Zbs
        .add("bclr",  "0100100 ..... ..... 001 ..... 0110011", R, (h, d, pc) -> { h.x[d.rd] = h.x[d.rs1] & ~(1L << h.x[d.rs2]); return pc + d.len; })
        .add("bclri", "010010 ...... ..... 001 ..... 0010011", SHAMT, (h, d, pc) -> { h.x[d.rd] = h.x[d.rs1] & ~(1L << d.imm); return pc + d.len; })
        .add("bext",  "0100100 ..... ..... 101 ..... 0110011", R, (h, d, pc) -> { h.x[d.rd] = (h.x[d.rs1] >>> h.x[d.rs2]) & 1; return pc + d.len; })
        .add("bexti", "010010 ...... ..... 101 ..... 0010011", SHAMT, (h, d, pc) -> { h.x[d.rd] = (h.x[d.rs1] >>> d.imm) & 1; return pc + d.len; })
        .add("binv",  "0110100 ..... ..... 001 ..... 0110011", R, (h, d, pc) -> { h.x[d.rd] = h.x[d.rs1] ^ (1L << h.x[d.rs2]); return pc + d.len; })
        .add("binvi", "011010 ...... ..... 001 ..... 0010011", SHAMT, (h, d, pc) -> { h.x[d.rd] = h.x[d.rs1] ^ (1L << d.imm); return pc + d.len; })
        .add("bset",  "0010100 ..... ..... 001 ..... 0110011", R, (h, d, pc) -> { h.x[d.rd] = h.x[d.rs1] | (1L << h.x[d.rs2]); return pc + d.len; })
        .add("bseti", "001010 ...... ..... 001 ..... 0010011", SHAMT, (h, d, pc) -> { h.x[d.rd] = h.x[d.rs1] | (1L << d.imm); return pc + d.len; })
        // Zicond
        .add("czero.eqz", "0000111 ..... ..... 101 ..... 0110011", R, (h, d, pc) -> { h.x[d.rd] = h.x[d.rs2] == 0 ? 0 : h.x[d.rs1]; return pc + d.len; })
        .add("czero.nez", "0000111 ..... ..... 111 ..... 0110011", R, (h, d, pc) -> { h.x[d.rd] = h.x[d.rs2] != 0 ? 0 : h.x[d.rs1]; return pc + d.len; });
}
