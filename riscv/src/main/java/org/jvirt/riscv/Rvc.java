package org.jvirt.riscv;

/**
 * The "C" extension (unprivileged spec, chapter 16): each compressed instruction expands to exactly one
 * 32-bit instruction, so RVC needs no semantics of its own. The cases follow the RVC opcode map
 * (table 16.5) for RV64; reserved encodings expand to 0, which is illegal.
 */
final class Rvc {
    private Rvc() { }

    private static final int LOAD = 0x03, LOAD_FP = 0x07, OP_IMM = 0x13, OP_IMM_32 = 0x1b, STORE = 0x23,
            STORE_FP = 0x27, OP = 0x33, LUI = 0x37, OP_32 = 0x3b, BRANCH = 0x63, JALR = 0x67, JAL = 0x6f;
    private static final int EBREAK = 0x00100073;

    /** The 32-bit equivalent of compressed word {@code c}, or 0 when {@code c} is reserved or illegal. */
    static int expand(int c) {
        int f3 = (c >>> 13) & 7;
        int rd = (c >>> 7) & 31, rs2 = (c >>> 2) & 31;
        int rdp = 8 + ((c >>> 2) & 7), rs1p = 8 + ((c >>> 7) & 7);
        int imm6 = signExtend((bit(c, 12) << 5) | ((c >>> 2) & 31), 6);
        return switch (c & 3) {
            case 0 -> switch (f3) {
                case 0 -> { // c.addi4spn
                    int nzuimm = (bits(c, 12, 11) << 4) | (bits(c, 10, 7) << 6) | (bit(c, 6) << 2) | (bit(c, 5) << 3);
                    yield nzuimm == 0 ? 0 : i(OP_IMM, 0, rdp, 2, nzuimm);
                }
                case 1 -> i(LOAD_FP, 3, rdp, rs1p, clsd(c));  // c.fld
                case 2 -> i(LOAD, 2, rdp, rs1p, clsw(c));     // c.lw
                case 3 -> i(LOAD, 3, rdp, rs1p, clsd(c));     // c.ld
                case 5 -> s(STORE_FP, 3, rs1p, rdp, clsd(c)); // c.fsd
                case 6 -> s(STORE, 2, rs1p, rdp, clsw(c));    // c.sw
                case 7 -> s(STORE, 3, rs1p, rdp, clsd(c));    // c.sd
                default -> 0;
            };
            case 1 -> switch (f3) {
                case 0 -> i(OP_IMM, 0, rd, rd, imm6);                  // c.addi, c.nop
                case 1 -> rd == 0 ? 0 : i(OP_IMM_32, 0, rd, rd, imm6); // c.addiw
                case 2 -> i(OP_IMM, 0, rd, 0, imm6);                   // c.li
                case 3 -> {
                    if (rd == 2) { // c.addi16sp
                        int nz = signExtend((bit(c, 12) << 9) | (bit(c, 6) << 4) | (bit(c, 5) << 6)
                                | (bits(c, 4, 3) << 7) | (bit(c, 2) << 5), 10);
                        yield nz == 0 ? 0 : i(OP_IMM, 0, 2, 2, nz);
                    }
                    yield imm6 == 0 ? 0 : (imm6 << 12) | (rd << 7) | LUI; // c.lui
                }
                case 4 -> switch (bits(c, 11, 10)) {
                    case 0 -> i(OP_IMM, 5, rs1p, rs1p, imm6 & 0x3f);            // c.srli
                    case 1 -> i(OP_IMM, 5, rs1p, rs1p, (imm6 & 0x3f) | 0x400);  // c.srai
                    case 2 -> i(OP_IMM, 7, rs1p, rs1p, imm6);                   // c.andi
                    default -> {
                        int op = bits(c, 6, 5);
                        if (bit(c, 12) == 0) {
                            yield switch (op) {
                                case 0 -> r(OP, 0, 0x20, rs1p, rs1p, rdp); // c.sub
                                case 1 -> r(OP, 4, 0, rs1p, rs1p, rdp);    // c.xor
                                case 2 -> r(OP, 6, 0, rs1p, rs1p, rdp);    // c.or
                                default -> r(OP, 7, 0, rs1p, rs1p, rdp);   // c.and
                            };
                        }
                        yield switch (op) {
                            case 0 -> r(OP_32, 0, 0x20, rs1p, rs1p, rdp); // c.subw
                            case 1 -> r(OP_32, 0, 0, rs1p, rs1p, rdp);    // c.addw
                            default -> 0;
                        };
                    }
                };
                case 5 -> { // c.j
                    int off = signExtend((bit(c, 12) << 11) | (bit(c, 11) << 4) | (bits(c, 10, 9) << 8) | (bit(c, 8) << 10)
                            | (bit(c, 7) << 6) | (bit(c, 6) << 7) | (bits(c, 5, 3) << 1) | (bit(c, 2) << 5), 12);
                    yield j(0, off);
                }
                default -> { // c.beqz, c.bnez
                    int off = signExtend((bit(c, 12) << 8) | (bits(c, 11, 10) << 3) | (bits(c, 6, 5) << 6)
                            | (bits(c, 4, 3) << 1) | (bit(c, 2) << 5), 9);
                    yield b(f3 == 6 ? 0 : 1, rs1p, 0, off);
                }
            };
            case 2 -> switch (f3) {
                case 0 -> i(OP_IMM, 1, rd, rd, imm6 & 0x3f); // c.slli
                case 1 -> i(LOAD_FP, 3, rd, 2, ldsp(c));     // c.fldsp
                case 2 -> rd == 0 ? 0 : i(LOAD, 2, rd, 2, (bit(c, 12) << 5) | (bits(c, 6, 4) << 2) | (bits(c, 3, 2) << 6)); // c.lwsp
                case 3 -> rd == 0 ? 0 : i(LOAD, 3, rd, 2, ldsp(c)); // c.ldsp
                case 4 -> {
                    if (bit(c, 12) == 0) {
                        if (rs2 == 0) yield rd == 0 ? 0 : i(JALR, 0, 0, rd, 0); // c.jr
                        yield r(OP, 0, 0, rd, 0, rs2);                          // c.mv
                    }
                    if (rs2 == 0) yield rd == 0 ? EBREAK : i(JALR, 0, 1, rd, 0); // c.ebreak, c.jalr
                    yield r(OP, 0, 0, rd, rd, rs2);                              // c.add
                }
                case 5 -> s(STORE_FP, 3, 2, rs2, (bits(c, 12, 10) << 3) | (bits(c, 9, 7) << 6)); // c.fsdsp
                case 6 -> s(STORE, 2, 2, rs2, (bits(c, 12, 9) << 2) | (bits(c, 8, 7) << 6));     // c.swsp
                default -> s(STORE, 3, 2, rs2, (bits(c, 12, 10) << 3) | (bits(c, 9, 7) << 6));   // c.sdsp
            };
            default -> 0;
        };
    }

    private static int bit(int c, int n) { return (c >>> n) & 1; }

    private static int bits(int c, int hi, int lo) { return (c >>> lo) & ((1 << (hi - lo + 1)) - 1); }

    private static int signExtend(int v, int width) { return (v << (32 - width)) >> (32 - width); }

    /** Offsets of c.lw/c.sw: uimm[5:3] in 12:10, uimm[2] in 6, uimm[6] in 5. */
    private static int clsw(int c) { return (bits(c, 12, 10) << 3) | (bit(c, 6) << 2) | (bit(c, 5) << 6); }

    /** Offsets of c.ld/c.sd/c.fld/c.fsd: uimm[5:3] in 12:10, uimm[7:6] in 6:5. */
    private static int clsd(int c) { return (bits(c, 12, 10) << 3) | (bits(c, 6, 5) << 6); }

    /** Offsets of c.ldsp/c.fldsp: uimm[5] in 12, uimm[4:3] in 6:5, uimm[8:6] in 4:2. */
    private static int ldsp(int c) { return (bit(c, 12) << 5) | (bits(c, 6, 5) << 3) | (bits(c, 4, 2) << 6); }

    private static int i(int op, int f3, int rd, int rs1, int imm) {
        return (imm << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op;
    }

    private static int s(int op, int f3, int rs1, int rs2, int imm) {
        return ((imm >> 5) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 31) << 7) | op;
    }

    private static int r(int op, int f3, int f7, int rd, int rs1, int rs2) {
        return (f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op;
    }

    private static int b(int f3, int rs1, int rs2, int imm) {
        return (((imm >> 12) & 1) << 31) | (((imm >> 5) & 0x3f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12)
                | (((imm >> 1) & 0xf) << 8) | (((imm >> 11) & 1) << 7) | BRANCH;
    }

    private static int j(int rd, int imm) {
        return (((imm >> 20) & 1) << 31) | (((imm >> 1) & 0x3ff) << 21) | (((imm >> 11) & 1) << 20)
                | (((imm >> 12) & 0xff) << 12) | (rd << 7) | JAL;
    }
}
