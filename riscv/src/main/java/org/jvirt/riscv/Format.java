package org.jvirt.riscv;

/**
 * Instruction formats of the base ISA (unprivileged spec, section 2.2), plus the few variants whose
 * immediate is laid out differently. Each knows how to extract its immediate from the instruction word.
 */
enum Format {
    R, R4, I, S, B, U, J,
    /** I-type whose immediate is a 6-bit shift amount (RV64 slli/srli/srai). */
    SHAMT,
    /** I-type whose immediate is a 5-bit shift amount (slliw/srliw/sraiw). */
    SHAMTW,
    /** CSR instructions: imm is the unsigned 12-bit CSR number, rs1 the register or the 5-bit uimm. */
    CSR;

    long immediate(int w) {
        return switch (this) {
            case R, R4 -> 0;
            case I -> w >> 20;
            case S -> ((w >> 25) << 5) | ((w >>> 7) & 0x1f);
            case B -> ((w >> 31) << 12) | (((w >>> 7) & 1) << 11) | (((w >>> 25) & 0x3f) << 5) | (((w >>> 8) & 0xf) << 1);
            case U -> (long) (w & 0xffff_f000);
            case J -> ((w >> 31) << 20) | (w & 0xff000) | (((w >>> 20) & 1) << 11) | (((w >>> 21) & 0x3ff) << 1);
            case SHAMT -> (w >>> 20) & 0x3f;
            case SHAMTW -> (w >>> 20) & 0x1f;
            case CSR -> (w >>> 20) & 0xfff;
        };
    }
}
