package org.jvirt.riscv;

import static org.jvirt.riscv.Format.*;

/**
 * RV64I (unprivileged spec 20191213, chapters 2 and 5) and Zifencei (chapter 3).
 *
 * <p>The table maps each encoding to an operation number; {@link #compute} and {@link #execute} state
 * each operation's semantics. The base ISA is the interpreter's hottest code, so its semantics are
 * {@code switch}es, which HotSpot compiles into jump tables, rather than a lambda per instruction
 * reached through a megamorphic call. They are two: the operations on registers and the pc, whose
 * switch calls nothing, and those that reach memory through the MMU. One switch for both compiled
 * to a preamble, run before every instruction, that loaded and computed what the memory paths share
 * (the MMU, a segment's bound, pc + imm): the interpreter ran bench.c 6% slower (docs/benchmarks.md).
 * The numbering keeps each group contiguous, so the interpreter tells them apart with one compare.
 */
final class RvI {
    private RvI() { }

    static final int LUI = 1;
    static final int AUIPC = 2;
    static final int JAL = 3;
    static final int JALR = 4;
    static final int BEQ = 5;
    static final int BNE = 6;
    static final int BLT = 7;
    static final int BGE = 8;
    static final int BLTU = 9;
    static final int BGEU = 10;
    static final int ADDI = 11;
    static final int SLTI = 12;
    static final int SLTIU = 13;
    static final int XORI = 14;
    static final int ORI = 15;
    static final int ANDI = 16;
    static final int SLLI = 17;
    static final int SRLI = 18;
    static final int SRAI = 19;
    static final int ADD = 20;
    static final int SUB = 21;
    static final int SLL = 22;
    static final int SLT = 23;
    static final int SLTU = 24;
    static final int XOR = 25;
    static final int SRL = 26;
    static final int SRA = 27;
    static final int OR = 28;
    static final int AND = 29;
    static final int ADDIW = 30;
    static final int SLLIW = 31;
    static final int SRLIW = 32;
    static final int SRAIW = 33;
    static final int ADDW = 34;
    static final int SUBW = 35;
    static final int SLLW = 36;
    static final int SRLW = 37;
    static final int SRAW = 38;
    static final int LB = 39;
    static final int LH = 40;
    static final int LW = 41;
    static final int LD = 42;
    static final int LBU = 43;
    static final int LHU = 44;
    static final int LWU = 45;
    static final int SB = 46;
    static final int SH = 47;
    static final int SW = 48;
    static final int SD = 49;
    static final int FENCE = 50;
    static final int FENCE_I = 51;
    /** The last operation {@link #compute} performs: those after it access memory or are fences. */
    static final int LAST_COMPUTED = SRAW;
    /** One past the last operation number of this table. */
    static final int END = 52;

    static final InsnSet SET = new InsnSet(RvI::execute)
        .add("lui", "....................  ..... 0110111", U, LUI)
        .add("auipc", "....................  ..... 0010111", U, AUIPC)
        .add("jal", "....................  ..... 1101111", J, JAL)
        .add("jalr",  "............ ..... 000 ..... 1100111", I, JALR)
        .add("beq", "....... ..... ..... 000 ..... 1100011", B, BEQ)
        .add("bne", "....... ..... ..... 001 ..... 1100011", B, BNE)
        .add("blt", "....... ..... ..... 100 ..... 1100011", B, BLT)
        .add("bge", "....... ..... ..... 101 ..... 1100011", B, BGE)
        .add("bltu", "....... ..... ..... 110 ..... 1100011", B, BLTU)
        .add("bgeu", "....... ..... ..... 111 ..... 1100011", B, BGEU)

        .add("lb", "............ ..... 000 ..... 0000011", I, LB)
        .add("lh", "............ ..... 001 ..... 0000011", I, LH)
        .add("lw", "............ ..... 010 ..... 0000011", I, LW)
        .add("ld", "............ ..... 011 ..... 0000011", I, LD)
        .add("lbu", "............ ..... 100 ..... 0000011", I, LBU)
        .add("lhu", "............ ..... 101 ..... 0000011", I, LHU)
        .add("lwu", "............ ..... 110 ..... 0000011", I, LWU)
        .add("sb", "....... ..... ..... 000 ..... 0100011", S, SB)
        .add("sh", "....... ..... ..... 001 ..... 0100011", S, SH)
        .add("sw", "....... ..... ..... 010 ..... 0100011", S, SW)
        .add("sd", "....... ..... ..... 011 ..... 0100011", S, SD)

        .add("addi", "............ ..... 000 ..... 0010011", I, ADDI)
        .add("slti", "............ ..... 010 ..... 0010011", I, SLTI)
        .add("sltiu", "............ ..... 011 ..... 0010011", I, SLTIU)
        .add("xori", "............ ..... 100 ..... 0010011", I, XORI)
        .add("ori", "............ ..... 110 ..... 0010011", I, ORI)
        .add("andi", "............ ..... 111 ..... 0010011", I, ANDI)
        .add("slli", "000000 ...... ..... 001 ..... 0010011", SHAMT, SLLI)
        .add("srli", "000000 ...... ..... 101 ..... 0010011", SHAMT, SRLI)
        .add("srai", "010000 ...... ..... 101 ..... 0010011", SHAMT, SRAI)

        .add("add", "0000000 ..... ..... 000 ..... 0110011", R, ADD)
        .add("sub", "0100000 ..... ..... 000 ..... 0110011", R, SUB)
        .add("sll", "0000000 ..... ..... 001 ..... 0110011", R, SLL)
        .add("slt", "0000000 ..... ..... 010 ..... 0110011", R, SLT)
        .add("sltu", "0000000 ..... ..... 011 ..... 0110011", R, SLTU)
        .add("xor", "0000000 ..... ..... 100 ..... 0110011", R, XOR)
        .add("srl", "0000000 ..... ..... 101 ..... 0110011", R, SRL)
        .add("sra", "0100000 ..... ..... 101 ..... 0110011", R, SRA)
        .add("or", "0000000 ..... ..... 110 ..... 0110011", R, OR)
        .add("and", "0000000 ..... ..... 111 ..... 0110011", R, AND)

        // RV64I word operations: compute on the low 32 bits, sign-extend the 32-bit result.
        .add("addiw", "............ ..... 000 ..... 0011011", I, ADDIW)
        .add("slliw", "0000000 ..... ..... 001 ..... 0011011", SHAMTW, SLLIW)
        .add("srliw", "0000000 ..... ..... 101 ..... 0011011", SHAMTW, SRLIW)
        .add("sraiw", "0100000 ..... ..... 101 ..... 0011011", SHAMTW, SRAIW)
        .add("addw", "0000000 ..... ..... 000 ..... 0111011", R, ADDW)
        .add("subw", "0100000 ..... ..... 000 ..... 0111011", R, SUBW)
        .add("sllw", "0000000 ..... ..... 001 ..... 0111011", R, SLLW)
        .add("srlw", "0000000 ..... ..... 101 ..... 0111011", R, SRLW)
        .add("sraw", "0100000 ..... ..... 101 ..... 0111011", R, SRAW)

        .add("fence",   "............ ..... 000 ..... 0001111", I, FENCE)
        .add("fence.i", "............ ..... 001 ..... 0001111", I, FENCE_I);

    /** Performs operation {@code d.op} and returns the address of the next instruction. */
    static long execute(Hart h, Insn d, long pc) {
        long next = pc + d.len;
        return d.op <= LAST_COMPUTED ? compute(h, d, pc, next) : execute(h, d, pc, next);
    }

    /**
     * Performs an operation that computes on registers and the pc only (up to {@link #LAST_COMPUTED}),
     * given {@code next}, the address that follows the instruction. The interpreter passes it as
     * {@code pc + 4} or {@code pc + 2} from a branch on the length, so that the next pc does not wait
     * for the instruction's fields to load: that dependency, one per instruction, was the
     * interpreter's critical path (bench/InterpreterCeiling.java). It calls nothing, so C2 does not load,
     * before every operation, the values that the paths to the MMU's calls share.
     */
    static long compute(Hart h, Insn d, long pc, long next) {
        final long[] x = h.x;
        return switch (d.op) {
            case LUI -> { x[d.rd] = d.imm; yield next; }
            case AUIPC -> { x[d.rd] = pc + d.imm; yield next; }
            case JAL -> { x[d.rd] = next; yield pc + d.imm; }
            case JALR -> {
                long target = (x[d.rs1] + d.imm) & ~1L; // the link may overwrite rs1: read it first
                x[d.rd] = next;
                yield target;
            }
            case BEQ -> x[d.rs1] == x[d.rs2] ? pc + d.imm : next;
            case BNE -> x[d.rs1] != x[d.rs2] ? pc + d.imm : next;
            case BLT -> x[d.rs1] < x[d.rs2] ? pc + d.imm : next;
            case BGE -> x[d.rs1] >= x[d.rs2] ? pc + d.imm : next;
            case BLTU -> Long.compareUnsigned(x[d.rs1], x[d.rs2]) < 0 ? pc + d.imm : next;
            case BGEU -> Long.compareUnsigned(x[d.rs1], x[d.rs2]) >= 0 ? pc + d.imm : next;
            case ADDI -> { x[d.rd] = x[d.rs1] + d.imm; yield next; }
            case SLTI -> { x[d.rd] = x[d.rs1] < d.imm ? 1 : 0; yield next; }
            case SLTIU -> { x[d.rd] = Long.compareUnsigned(x[d.rs1], d.imm) < 0 ? 1 : 0; yield next; }
            case XORI -> { x[d.rd] = x[d.rs1] ^ d.imm; yield next; }
            case ORI -> { x[d.rd] = x[d.rs1] | d.imm; yield next; }
            case ANDI -> { x[d.rd] = x[d.rs1] & d.imm; yield next; }
            case SLLI -> { x[d.rd] = x[d.rs1] << d.imm; yield next; }
            case SRLI -> { x[d.rd] = x[d.rs1] >>> d.imm; yield next; }
            case SRAI -> { x[d.rd] = x[d.rs1] >> d.imm; yield next; }
            case ADD -> { x[d.rd] = x[d.rs1] + x[d.rs2]; yield next; }
            case SUB -> { x[d.rd] = x[d.rs1] - x[d.rs2]; yield next; }
            case SLL -> { x[d.rd] = x[d.rs1] << x[d.rs2]; yield next; }
            case SLT -> { x[d.rd] = x[d.rs1] < x[d.rs2] ? 1 : 0; yield next; }
            case SLTU -> { x[d.rd] = Long.compareUnsigned(x[d.rs1], x[d.rs2]) < 0 ? 1 : 0; yield next; }
            case XOR -> { x[d.rd] = x[d.rs1] ^ x[d.rs2]; yield next; }
            case SRL -> { x[d.rd] = x[d.rs1] >>> x[d.rs2]; yield next; }
            case SRA -> { x[d.rd] = x[d.rs1] >> x[d.rs2]; yield next; }
            case OR -> { x[d.rd] = x[d.rs1] | x[d.rs2]; yield next; }
            case AND -> { x[d.rd] = x[d.rs1] & x[d.rs2]; yield next; }
            case ADDIW -> { x[d.rd] = (int) (x[d.rs1] + d.imm); yield next; }
            case SLLIW -> { x[d.rd] = (int) x[d.rs1] << d.imm; yield next; }
            case SRLIW -> { x[d.rd] = (int) x[d.rs1] >>> d.imm; yield next; }
            case SRAIW -> { x[d.rd] = (int) x[d.rs1] >> d.imm; yield next; }
            case ADDW -> { x[d.rd] = (int) (x[d.rs1] + x[d.rs2]); yield next; }
            case SUBW -> { x[d.rd] = (int) (x[d.rs1] - x[d.rs2]); yield next; }
            case SLLW -> { x[d.rd] = (int) x[d.rs1] << (x[d.rs2] & 31); yield next; }
            case SRLW -> { x[d.rd] = (int) x[d.rs1] >>> (x[d.rs2] & 31); yield next; }
            case SRAW -> { x[d.rd] = (int) x[d.rs1] >> (x[d.rs2] & 31); yield next; }
            default -> throw new IllegalStateException("not a computing operation: " + d);
        };
    }

    /** Performs the other operations: loads, stores, fences, and M's, whose numbers follow I's. */
    static long execute(Hart h, Insn d, long pc, long next) {
        final long[] x = h.x;
        return switch (d.op) {
            case LB -> { x[d.rd] = (byte) h.mmu.load8(x[d.rs1] + d.imm); yield next; }
            case LH -> { x[d.rd] = (short) h.mmu.load16(x[d.rs1] + d.imm); yield next; }
            case LW -> { x[d.rd] = (int) h.mmu.load32(x[d.rs1] + d.imm); yield next; }
            case LD -> { x[d.rd] = h.mmu.load64(x[d.rs1] + d.imm); yield next; }
            case LBU -> { x[d.rd] = h.mmu.load8(x[d.rs1] + d.imm); yield next; }
            case LHU -> { x[d.rd] = h.mmu.load16(x[d.rs1] + d.imm); yield next; }
            case LWU -> { x[d.rd] = h.mmu.load32(x[d.rs1] + d.imm); yield next; }
            case SB -> { h.mmu.store8(x[d.rs1] + d.imm, x[d.rs2]); yield next; }
            case SH -> { h.mmu.store16(x[d.rs1] + d.imm, x[d.rs2]); yield next; }
            case SW -> { h.mmu.store32(x[d.rs1] + d.imm, x[d.rs2]); yield next; }
            case SD -> { h.mmu.store64(x[d.rs1] + d.imm, x[d.rs2]); yield next; }
            // Memory ordering is trivially satisfied by an interpreter that completes each access in
            // order; stores drop decoded code on their page at once, so fence.i has nothing left to do.
            case FENCE, FENCE_I -> next;
            default -> RvM.execute(h, d, pc, next);
        };
    }
}
