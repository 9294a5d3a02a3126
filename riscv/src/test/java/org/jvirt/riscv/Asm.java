package org.jvirt.riscv;

/**
 * A tiny RISC-V assembler for tests, written from the encoding tables of the unprivileged spec
 * (20191213: chapter 2 figure 2.3, chapter 24 "RV32/64G Instruction Set Listings", chapter 16 for RVC),
 * the privileged spec 1.12 (section 3.3 and 4.2.1) and the bit-manipulation spec 1.0.0. It shares no
 * code with the decoder on purpose: each test checks one independent reading of the manual against
 * the other.
 *
 * <p>Register operands are plain numbers (x0..x31, f0..f31). Stores are written {@code sd(rs2, rs1, imm)}
 * like the assembly {@code sd rs2, imm(rs1)}.
 */
final class Asm {
    private Asm() { }

    // Major opcodes (table 24.1)
    static final int LOAD = 0x03, LOAD_FP = 0x07, MISC_MEM = 0x0f, OP_IMM = 0x13, AUIPC = 0x17, OP_IMM_32 = 0x1b,
            STORE = 0x23, STORE_FP = 0x27, AMO = 0x2f, OP = 0x33, LUI = 0x37, OP_32 = 0x3b, OP_FP = 0x53,
            BRANCH = 0x63, JALR = 0x67, JAL = 0x6f, SYSTEM = 0x73;

    // ---- base formats (figure 2.3 and 2.4) -------------------------------------------------------------

    static int r(int opcode, int f3, int f7, int rd, int rs1, int rs2) {
        return (f7 & 0x7f) << 25 | (rs2 & 31) << 20 | (rs1 & 31) << 15 | (f3 & 7) << 12 | (rd & 31) << 7 | opcode;
    }

    static int i(int opcode, int f3, int rd, int rs1, int imm) {
        check(imm >= -2048 && imm <= 2047, "I-immediate out of range: " + imm);
        return (imm & 0xfff) << 20 | (rs1 & 31) << 15 | (f3 & 7) << 12 | (rd & 31) << 7 | opcode;
    }

    static int s(int opcode, int f3, int rs1, int rs2, int imm) {
        check(imm >= -2048 && imm <= 2047, "S-immediate out of range: " + imm);
        return ((imm >> 5) & 0x7f) << 25 | (rs2 & 31) << 20 | (rs1 & 31) << 15 | (f3 & 7) << 12 | (imm & 31) << 7 | opcode;
    }

    /** B-type: imm[12|10:5] in 31:25, imm[4:1|11] in 11:7. */
    static int b(int opcode, int f3, int rs1, int rs2, int imm) {
        check((imm & 1) == 0 && imm >= -4096 && imm <= 4094, "B-immediate out of range: " + imm);
        return ((imm >> 12) & 1) << 31 | ((imm >> 5) & 0x3f) << 25 | (rs2 & 31) << 20 | (rs1 & 31) << 15 | (f3 & 7) << 12
                | ((imm >> 1) & 0xf) << 8 | ((imm >> 11) & 1) << 7 | opcode;
    }

    /** U-type: {@code imm} is the full 32-bit value whose bits 31:12 are encoded. */
    static int u(int opcode, int rd, int imm) {
        return (imm & 0xffff_f000) | (rd & 31) << 7 | opcode;
    }

    /** J-type: imm[20|10:1|11|19:12] in 31:12. */
    static int j(int opcode, int rd, int imm) {
        check((imm & 1) == 0 && imm >= -(1 << 20) && imm < (1 << 20), "J-immediate out of range: " + imm);
        return ((imm >> 20) & 1) << 31 | ((imm >> 1) & 0x3ff) << 21 | ((imm >> 11) & 1) << 20 | ((imm >> 12) & 0xff) << 12
                | (rd & 31) << 7 | opcode;
    }

    private static void check(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException(message);
    }

    // ---- RV64I ---------------------------------------------------------------------------------------

    static int lui(int rd, int imm) { return u(LUI, rd, imm); }
    static int auipc(int rd, int imm) { return u(AUIPC, rd, imm); }
    static int jal(int rd, int off) { return j(JAL, rd, off); }
    static int jalr(int rd, int rs1, int imm) { return i(JALR, 0, rd, rs1, imm); }
    static int beq(int rs1, int rs2, int off) { return b(BRANCH, 0, rs1, rs2, off); }
    static int bne(int rs1, int rs2, int off) { return b(BRANCH, 1, rs1, rs2, off); }
    static int blt(int rs1, int rs2, int off) { return b(BRANCH, 4, rs1, rs2, off); }
    static int bge(int rs1, int rs2, int off) { return b(BRANCH, 5, rs1, rs2, off); }
    static int bltu(int rs1, int rs2, int off) { return b(BRANCH, 6, rs1, rs2, off); }
    static int bgeu(int rs1, int rs2, int off) { return b(BRANCH, 7, rs1, rs2, off); }

    static int lb(int rd, int rs1, int imm) { return i(LOAD, 0, rd, rs1, imm); }
    static int lh(int rd, int rs1, int imm) { return i(LOAD, 1, rd, rs1, imm); }
    static int lw(int rd, int rs1, int imm) { return i(LOAD, 2, rd, rs1, imm); }
    static int ld(int rd, int rs1, int imm) { return i(LOAD, 3, rd, rs1, imm); }
    static int lbu(int rd, int rs1, int imm) { return i(LOAD, 4, rd, rs1, imm); }
    static int lhu(int rd, int rs1, int imm) { return i(LOAD, 5, rd, rs1, imm); }
    static int lwu(int rd, int rs1, int imm) { return i(LOAD, 6, rd, rs1, imm); }
    static int sb(int rs2, int rs1, int imm) { return s(STORE, 0, rs1, rs2, imm); }
    static int sh(int rs2, int rs1, int imm) { return s(STORE, 1, rs1, rs2, imm); }
    static int sw(int rs2, int rs1, int imm) { return s(STORE, 2, rs1, rs2, imm); }
    static int sd(int rs2, int rs1, int imm) { return s(STORE, 3, rs1, rs2, imm); }

    static int addi(int rd, int rs1, int imm) { return i(OP_IMM, 0, rd, rs1, imm); }
    static int slti(int rd, int rs1, int imm) { return i(OP_IMM, 2, rd, rs1, imm); }
    static int sltiu(int rd, int rs1, int imm) { return i(OP_IMM, 3, rd, rs1, imm); }
    static int xori(int rd, int rs1, int imm) { return i(OP_IMM, 4, rd, rs1, imm); }
    static int ori(int rd, int rs1, int imm) { return i(OP_IMM, 6, rd, rs1, imm); }
    static int andi(int rd, int rs1, int imm) { return i(OP_IMM, 7, rd, rs1, imm); }
    /** RV64 shifts by immediate: a 6-bit shamt in 25:20, funct6 in 31:26. */
    static int slli(int rd, int rs1, int shamt) { return shift6(OP_IMM, 1, 0b000000, rd, rs1, shamt); }
    static int srli(int rd, int rs1, int shamt) { return shift6(OP_IMM, 5, 0b000000, rd, rs1, shamt); }
    static int srai(int rd, int rs1, int shamt) { return shift6(OP_IMM, 5, 0b010000, rd, rs1, shamt); }

    static int shift6(int opcode, int f3, int f6, int rd, int rs1, int shamt) {
        check(shamt >= 0 && shamt < 64, "shamt " + shamt);
        return f6 << 26 | shamt << 20 | (rs1 & 31) << 15 | f3 << 12 | (rd & 31) << 7 | opcode;
    }

    static int add(int rd, int rs1, int rs2) { return r(OP, 0, 0, rd, rs1, rs2); }
    static int sub(int rd, int rs1, int rs2) { return r(OP, 0, 0x20, rd, rs1, rs2); }
    static int sll(int rd, int rs1, int rs2) { return r(OP, 1, 0, rd, rs1, rs2); }
    static int slt(int rd, int rs1, int rs2) { return r(OP, 2, 0, rd, rs1, rs2); }
    static int sltu(int rd, int rs1, int rs2) { return r(OP, 3, 0, rd, rs1, rs2); }
    static int xor(int rd, int rs1, int rs2) { return r(OP, 4, 0, rd, rs1, rs2); }
    static int srl(int rd, int rs1, int rs2) { return r(OP, 5, 0, rd, rs1, rs2); }
    static int sra(int rd, int rs1, int rs2) { return r(OP, 5, 0x20, rd, rs1, rs2); }
    static int or(int rd, int rs1, int rs2) { return r(OP, 6, 0, rd, rs1, rs2); }
    static int and(int rd, int rs1, int rs2) { return r(OP, 7, 0, rd, rs1, rs2); }

    static int addiw(int rd, int rs1, int imm) { return i(OP_IMM_32, 0, rd, rs1, imm); }
    static int slliw(int rd, int rs1, int shamt) { return r(OP_IMM_32, 1, 0, rd, rs1, shamt5(shamt)); }
    static int srliw(int rd, int rs1, int shamt) { return r(OP_IMM_32, 5, 0, rd, rs1, shamt5(shamt)); }
    static int sraiw(int rd, int rs1, int shamt) { return r(OP_IMM_32, 5, 0x20, rd, rs1, shamt5(shamt)); }
    static int addw(int rd, int rs1, int rs2) { return r(OP_32, 0, 0, rd, rs1, rs2); }
    static int subw(int rd, int rs1, int rs2) { return r(OP_32, 0, 0x20, rd, rs1, rs2); }
    static int sllw(int rd, int rs1, int rs2) { return r(OP_32, 1, 0, rd, rs1, rs2); }
    static int srlw(int rd, int rs1, int rs2) { return r(OP_32, 5, 0, rd, rs1, rs2); }
    static int sraw(int rd, int rs1, int rs2) { return r(OP_32, 5, 0x20, rd, rs1, rs2); }

    private static int shamt5(int shamt) {
        check(shamt >= 0 && shamt < 32, "shamt " + shamt);
        return shamt;
    }

    /** fence with predecessor and successor sets (4 bits each: I, O, R, W). */
    static int fence(int pred, int succ) { return i(MISC_MEM, 0, 0, 0, (pred << 4) | succ); }
    static int fenceI() { return i(MISC_MEM, 1, 0, 0, 0); }

    static int nop() { return addi(0, 0, 0); }

    // ---- M (chapter 7) -------------------------------------------------------------------------------

    static int mul(int rd, int rs1, int rs2) { return r(OP, 0, 1, rd, rs1, rs2); }
    static int mulh(int rd, int rs1, int rs2) { return r(OP, 1, 1, rd, rs1, rs2); }
    static int mulhsu(int rd, int rs1, int rs2) { return r(OP, 2, 1, rd, rs1, rs2); }
    static int mulhu(int rd, int rs1, int rs2) { return r(OP, 3, 1, rd, rs1, rs2); }
    static int div(int rd, int rs1, int rs2) { return r(OP, 4, 1, rd, rs1, rs2); }
    static int divu(int rd, int rs1, int rs2) { return r(OP, 5, 1, rd, rs1, rs2); }
    static int rem(int rd, int rs1, int rs2) { return r(OP, 6, 1, rd, rs1, rs2); }
    static int remu(int rd, int rs1, int rs2) { return r(OP, 7, 1, rd, rs1, rs2); }
    static int mulw(int rd, int rs1, int rs2) { return r(OP_32, 0, 1, rd, rs1, rs2); }
    static int divw(int rd, int rs1, int rs2) { return r(OP_32, 4, 1, rd, rs1, rs2); }
    static int divuw(int rd, int rs1, int rs2) { return r(OP_32, 5, 1, rd, rs1, rs2); }
    static int remw(int rd, int rs1, int rs2) { return r(OP_32, 6, 1, rd, rs1, rs2); }
    static int remuw(int rd, int rs1, int rs2) { return r(OP_32, 7, 1, rd, rs1, rs2); }

    // ---- A (chapter 8): funct5 | aq | rl in 31:25, funct3 = width -------------------------------------

    static final int W = 2, D = 3;

    static int amo(int funct5, int width, int rd, int rs1, int rs2) { return amo(funct5, width, false, false, rd, rs1, rs2); }

    static int amo(int funct5, int width, boolean aq, boolean rl, int rd, int rs1, int rs2) {
        return r(AMO, width, funct5 << 2 | (aq ? 2 : 0) | (rl ? 1 : 0), rd, rs1, rs2);
    }

    static int lrW(int rd, int rs1) { return amo(0b00010, W, rd, rs1, 0); }
    static int lrD(int rd, int rs1) { return amo(0b00010, D, rd, rs1, 0); }
    static int scW(int rd, int rs1, int rs2) { return amo(0b00011, W, rd, rs1, rs2); }
    static int scD(int rd, int rs1, int rs2) { return amo(0b00011, D, rd, rs1, rs2); }
    static final int AMOSWAP = 0b00001, AMOADD = 0b00000, AMOXOR = 0b00100, AMOAND = 0b01100, AMOOR = 0b01000,
            AMOMIN = 0b10000, AMOMAX = 0b10100, AMOMINU = 0b11000, AMOMAXU = 0b11100;
    static int amoaddW(int rd, int rs1, int rs2) { return amo(AMOADD, W, rd, rs1, rs2); }
    static int amoaddD(int rd, int rs1, int rs2) { return amo(AMOADD, D, rd, rs1, rs2); }

    // ---- SYSTEM: Zicsr (chapter 9) and the privileged instructions (privileged 1.12, table 9.x) -------

    static int ecall() { return 0x0000_0073; }
    static int ebreak() { return 0x0010_0073; }
    static int sret() { return r(SYSTEM, 0, 0b0001000, 0, 0, 0b00010); }
    static int mret() { return r(SYSTEM, 0, 0b0011000, 0, 0, 0b00010); }
    static int wfi() { return r(SYSTEM, 0, 0b0001000, 0, 0, 0b00101); }
    static int sfenceVma(int rs1, int rs2) { return r(SYSTEM, 0, 0b0001001, 0, rs1, rs2); }

    private static int csr(int f3, int rd, int csr, int rs1) {
        return (csr & 0xfff) << 20 | (rs1 & 31) << 15 | f3 << 12 | (rd & 31) << 7 | SYSTEM;
    }

    static int csrrw(int rd, int csr, int rs1) { return csr(1, rd, csr, rs1); }
    static int csrrs(int rd, int csr, int rs1) { return csr(2, rd, csr, rs1); }
    static int csrrc(int rd, int csr, int rs1) { return csr(3, rd, csr, rs1); }
    static int csrrwi(int rd, int csr, int uimm) { return csr(5, rd, csr, uimm); }
    static int csrrsi(int rd, int csr, int uimm) { return csr(6, rd, csr, uimm); }
    static int csrrci(int rd, int csr, int uimm) { return csr(7, rd, csr, uimm); }
    /** The pseudo-instruction csrr rd, csr. */
    static int csrr(int rd, int csr) { return csrrs(rd, csr, 0); }
    /** The pseudo-instruction csrw csr, rs1. */
    static int csrw(int csr, int rs1) { return csrrw(0, csr, rs1); }

    // ---- Zba, Zbb, Zbs (bitmanip 1.0.0, chapter 2) and Zicond -------------------------------------------

    static int addUw(int rd, int rs1, int rs2) { return r(OP_32, 0, 0b0000100, rd, rs1, rs2); }
    static int sh1add(int rd, int rs1, int rs2) { return r(OP, 2, 0b0010000, rd, rs1, rs2); }
    static int sh2add(int rd, int rs1, int rs2) { return r(OP, 4, 0b0010000, rd, rs1, rs2); }
    static int sh3add(int rd, int rs1, int rs2) { return r(OP, 6, 0b0010000, rd, rs1, rs2); }
    static int sh1addUw(int rd, int rs1, int rs2) { return r(OP_32, 2, 0b0010000, rd, rs1, rs2); }
    static int sh2addUw(int rd, int rs1, int rs2) { return r(OP_32, 4, 0b0010000, rd, rs1, rs2); }
    static int sh3addUw(int rd, int rs1, int rs2) { return r(OP_32, 6, 0b0010000, rd, rs1, rs2); }
    static int slliUw(int rd, int rs1, int shamt) { return shift6(OP_IMM_32, 1, 0b000010, rd, rs1, shamt); }
    static int andn(int rd, int rs1, int rs2) { return r(OP, 7, 0b0100000, rd, rs1, rs2); }
    static int orn(int rd, int rs1, int rs2) { return r(OP, 6, 0b0100000, rd, rs1, rs2); }
    static int xnor(int rd, int rs1, int rs2) { return r(OP, 4, 0b0100000, rd, rs1, rs2); }
    static int clz(int rd, int rs1) { return r(OP_IMM, 1, 0b0110000, rd, rs1, 0b00000); }
    static int ctz(int rd, int rs1) { return r(OP_IMM, 1, 0b0110000, rd, rs1, 0b00001); }
    static int cpop(int rd, int rs1) { return r(OP_IMM, 1, 0b0110000, rd, rs1, 0b00010); }
    static int clzw(int rd, int rs1) { return r(OP_IMM_32, 1, 0b0110000, rd, rs1, 0b00000); }
    static int ctzw(int rd, int rs1) { return r(OP_IMM_32, 1, 0b0110000, rd, rs1, 0b00001); }
    static int cpopw(int rd, int rs1) { return r(OP_IMM_32, 1, 0b0110000, rd, rs1, 0b00010); }
    static int max(int rd, int rs1, int rs2) { return r(OP, 6, 0b0000101, rd, rs1, rs2); }
    static int maxu(int rd, int rs1, int rs2) { return r(OP, 7, 0b0000101, rd, rs1, rs2); }
    static int min(int rd, int rs1, int rs2) { return r(OP, 4, 0b0000101, rd, rs1, rs2); }
    static int minu(int rd, int rs1, int rs2) { return r(OP, 5, 0b0000101, rd, rs1, rs2); }
    static int sextB(int rd, int rs1) { return r(OP_IMM, 1, 0b0110000, rd, rs1, 0b00100); }
    static int sextH(int rd, int rs1) { return r(OP_IMM, 1, 0b0110000, rd, rs1, 0b00101); }
    static int zextH(int rd, int rs1) { return r(OP_32, 4, 0b0000100, rd, rs1, 0); }
    static int rol(int rd, int rs1, int rs2) { return r(OP, 1, 0b0110000, rd, rs1, rs2); }
    static int ror(int rd, int rs1, int rs2) { return r(OP, 5, 0b0110000, rd, rs1, rs2); }
    static int rolw(int rd, int rs1, int rs2) { return r(OP_32, 1, 0b0110000, rd, rs1, rs2); }
    static int rorw(int rd, int rs1, int rs2) { return r(OP_32, 5, 0b0110000, rd, rs1, rs2); }
    static int rori(int rd, int rs1, int shamt) { return shift6(OP_IMM, 5, 0b011000, rd, rs1, shamt); }
    static int roriw(int rd, int rs1, int shamt) { return r(OP_IMM_32, 5, 0b0110000, rd, rs1, shamt5(shamt)); }
    static int orcB(int rd, int rs1) { return i(OP_IMM, 5, rd, rs1, 0b0010_1000_0111); }
    static int rev8(int rd, int rs1) { return i(OP_IMM, 5, rd, rs1, 0b0110_1011_1000); }
    static int bclr(int rd, int rs1, int rs2) { return r(OP, 1, 0b0100100, rd, rs1, rs2); }
    static int bext(int rd, int rs1, int rs2) { return r(OP, 5, 0b0100100, rd, rs1, rs2); }
    static int binv(int rd, int rs1, int rs2) { return r(OP, 1, 0b0110100, rd, rs1, rs2); }
    static int bset(int rd, int rs1, int rs2) { return r(OP, 1, 0b0010100, rd, rs1, rs2); }
    static int bclri(int rd, int rs1, int shamt) { return shift6(OP_IMM, 1, 0b010010, rd, rs1, shamt); }
    static int bexti(int rd, int rs1, int shamt) { return shift6(OP_IMM, 5, 0b010010, rd, rs1, shamt); }
    static int binvi(int rd, int rs1, int shamt) { return shift6(OP_IMM, 1, 0b011010, rd, rs1, shamt); }
    static int bseti(int rd, int rs1, int shamt) { return shift6(OP_IMM, 1, 0b001010, rd, rs1, shamt); }
    static int czeroEqz(int rd, int rs1, int rs2) { return r(OP, 5, 0b0000111, rd, rs1, rs2); }
    static int czeroNez(int rd, int rs1, int rs2) { return r(OP, 7, 0b0000111, rd, rs1, rs2); }

    // ---- F and D (chapters 11 and 12): only what the hart tests need ---------------------------------

    static int flw(int rd, int rs1, int imm) { return i(LOAD_FP, 2, rd, rs1, imm); }
    static int fld(int rd, int rs1, int imm) { return i(LOAD_FP, 3, rd, rs1, imm); }
    static int fsw(int rs2, int rs1, int imm) { return s(STORE_FP, 2, rs1, rs2, imm); }
    static int fsd(int rs2, int rs1, int imm) { return s(STORE_FP, 3, rs1, rs2, imm); }
    static int faddS(int rd, int rs1, int rs2, int rm) { return r(OP_FP, rm, 0b0000000, rd, rs1, rs2); }
    static int faddD(int rd, int rs1, int rs2, int rm) { return r(OP_FP, rm, 0b0000001, rd, rs1, rs2); }
    static int fsgnjS(int rd, int rs1, int rs2) { return r(OP_FP, 0, 0b0010000, rd, rs1, rs2); }
    static int fsgnjnS(int rd, int rs1, int rs2) { return r(OP_FP, 1, 0b0010000, rd, rs1, rs2); }
    static int fsgnjD(int rd, int rs1, int rs2) { return r(OP_FP, 0, 0b0010001, rd, rs1, rs2); }
    static int fmvXW(int rd, int rs1) { return r(OP_FP, 0, 0b1110000, rd, rs1, 0); }
    static int fmvWX(int rd, int rs1) { return r(OP_FP, 0, 0b1111000, rd, rs1, 0); }
    static int fmvXD(int rd, int rs1) { return r(OP_FP, 0, 0b1110001, rd, rs1, 0); }
    static int fmvDX(int rd, int rs1) { return r(OP_FP, 0, 0b1111001, rd, rs1, 0); }

    // ---- C (chapter 16): formats of table 16.1, immediates as in tables 16.5-16.7 -----------------------

    /**
     * Scatters the bits of {@code imm} named by {@code layout} (the manual's notation, such as
     * {@code "5:4|9:6|2|3"}) into consecutive instruction bits, the first one at bit {@code top}.
     */
    static int scatter(int imm, String layout, int top) {
        int out = 0, pos = top;
        for (String part : layout.split("\\|")) {
            String[] range = part.split(":");
            int hi = Integer.parseInt(range[0]), lo = range.length > 1 ? Integer.parseInt(range[1]) : hi;
            for (int bit = hi; bit >= lo; bit--) out |= ((imm >>> bit) & 1) << pos--;
        }
        return out;
    }

    private static int p(int reg) { // the 3-bit register field of x8..x15 / f8..f15
        check(reg >= 8 && reg <= 15, "not a compressed register: " + reg);
        return reg - 8;
    }

    private static int cr(int funct4, int rd, int rs2, int op) { return funct4 << 12 | rd << 7 | rs2 << 2 | op; }
    private static int ci(int f3, int rd, int immBits, int op) { return f3 << 13 | rd << 7 | immBits | op; }
    private static int cl(int f3, int rs1, int rd, int immBits, int op) { return f3 << 13 | p(rs1) << 7 | p(rd) << 2 | immBits | op; }
    private static int ca(int funct6, int rd, int funct2, int rs2) { return funct6 << 10 | p(rd) << 7 | funct2 << 5 | p(rs2) << 2 | 1; }

    /** Immediates of c.addi and friends: imm[5] in 12, imm[4:0] in 6:2. */
    private static int imm6(int imm) { return scatter(imm, "5", 12) | scatter(imm, "4:0", 6); }

    // quadrant 0
    static int cAddi4spn(int rd, int nzuimm) { return 0b000 << 13 | scatter(nzuimm, "5:4|9:6|2|3", 12) | p(rd) << 2; }
    static int cFld(int rd, int rs1, int uimm) { return cl(0b001, rs1, rd, scatter(uimm, "5:3", 12) | scatter(uimm, "7:6", 6), 0); }
    static int cLw(int rd, int rs1, int uimm) { return cl(0b010, rs1, rd, scatter(uimm, "5:3", 12) | scatter(uimm, "2|6", 6), 0); }
    static int cLd(int rd, int rs1, int uimm) { return cl(0b011, rs1, rd, scatter(uimm, "5:3", 12) | scatter(uimm, "7:6", 6), 0); }
    static int cFsd(int rs2, int rs1, int uimm) { return cl(0b101, rs1, rs2, scatter(uimm, "5:3", 12) | scatter(uimm, "7:6", 6), 0); }
    static int cSw(int rs2, int rs1, int uimm) { return cl(0b110, rs1, rs2, scatter(uimm, "5:3", 12) | scatter(uimm, "2|6", 6), 0); }
    static int cSd(int rs2, int rs1, int uimm) { return cl(0b111, rs1, rs2, scatter(uimm, "5:3", 12) | scatter(uimm, "7:6", 6), 0); }

    // quadrant 1
    static int cNop() { return ci(0b000, 0, 0, 1); }
    static int cAddi(int rd, int imm) { return ci(0b000, rd, imm6(imm), 1); }
    static int cAddiw(int rd, int imm) { return ci(0b001, rd, imm6(imm), 1); }
    static int cLi(int rd, int imm) { return ci(0b010, rd, imm6(imm), 1); }
    static int cAddi16sp(int nzimm) { return ci(0b011, 2, scatter(nzimm, "9", 12) | scatter(nzimm, "4|6|8:7|5", 6), 1); }
    /** c.lui rd, nzimm[17:12]: {@code imm} is the 6-bit field (the value loaded is its sign extension << 12). */
    static int cLui(int rd, int imm6) { return ci(0b011, rd, imm6(imm6), 1); }
    static int cSrli(int rd, int shamt) { return 0b100 << 13 | scatter(shamt, "5", 12) | 0b00 << 10 | p(rd) << 7 | scatter(shamt, "4:0", 6) | 1; }
    static int cSrai(int rd, int shamt) { return 0b100 << 13 | scatter(shamt, "5", 12) | 0b01 << 10 | p(rd) << 7 | scatter(shamt, "4:0", 6) | 1; }
    static int cAndi(int rd, int imm) { return 0b100 << 13 | scatter(imm, "5", 12) | 0b10 << 10 | p(rd) << 7 | scatter(imm, "4:0", 6) | 1; }
    static int cSub(int rd, int rs2) { return ca(0b100011, rd, 0b00, rs2); }
    static int cXor(int rd, int rs2) { return ca(0b100011, rd, 0b01, rs2); }
    static int cOr(int rd, int rs2) { return ca(0b100011, rd, 0b10, rs2); }
    static int cAnd(int rd, int rs2) { return ca(0b100011, rd, 0b11, rs2); }
    static int cSubw(int rd, int rs2) { return ca(0b100111, rd, 0b00, rs2); }
    static int cAddw(int rd, int rs2) { return ca(0b100111, rd, 0b01, rs2); }
    static int cJ(int off) { return 0b101 << 13 | scatter(off, "11|4|9:8|10|6|7|3:1|5", 12) | 1; }
    static int cBeqz(int rs1, int off) { return 0b110 << 13 | scatter(off, "8|4:3", 12) | p(rs1) << 7 | scatter(off, "7:6|2:1|5", 6) | 1; }
    static int cBnez(int rs1, int off) { return 0b111 << 13 | scatter(off, "8|4:3", 12) | p(rs1) << 7 | scatter(off, "7:6|2:1|5", 6) | 1; }

    // quadrant 2
    static int cSlli(int rd, int shamt) { return ci(0b000, rd, imm6(shamt), 2); }
    static int cFldsp(int rd, int uimm) { return ci(0b001, rd, scatter(uimm, "5", 12) | scatter(uimm, "4:3|8:6", 6), 2); }
    static int cLwsp(int rd, int uimm) { return ci(0b010, rd, scatter(uimm, "5", 12) | scatter(uimm, "4:2|7:6", 6), 2); }
    static int cLdsp(int rd, int uimm) { return ci(0b011, rd, scatter(uimm, "5", 12) | scatter(uimm, "4:3|8:6", 6), 2); }
    static int cJr(int rs1) { return cr(0b1000, rs1, 0, 2); }
    static int cMv(int rd, int rs2) { return cr(0b1000, rd, rs2, 2); }
    static int cEbreak() { return cr(0b1001, 0, 0, 2); }
    static int cJalr(int rs1) { return cr(0b1001, rs1, 0, 2); }
    static int cAdd(int rd, int rs2) { return cr(0b1001, rd, rs2, 2); }
    static int cFsdsp(int rs2, int uimm) { return 0b101 << 13 | scatter(uimm, "5:3|8:6", 12) | rs2 << 2 | 2; }
    static int cSwsp(int rs2, int uimm) { return 0b110 << 13 | scatter(uimm, "5:2|7:6", 12) | rs2 << 2 | 2; }
    static int cSdsp(int rs2, int uimm) { return 0b111 << 13 | scatter(uimm, "5:3|8:6", 12) | rs2 << 2 | 2; }
}
