package org.jvirt.riscv;

import static org.jvirt.riscv.Format.*;

/**
 * RV64I (unprivileged spec 20191213, chapters 2 and 5) and Zifencei (chapter 3). Each lambda states
 * the manual's semantics for one instruction and returns the address of the next.
 */
final class RvI {
    private RvI() { }

    static final InsnSet SET = new InsnSet("I")
        .add("lui",   "....................  ..... 0110111", U, (h, d, pc) -> { h.x[d.rd] = d.imm; return pc + d.len; })
        .add("auipc", "....................  ..... 0010111", U, (h, d, pc) -> { h.x[d.rd] = pc + d.imm; return pc + d.len; })
        .add("jal",   "....................  ..... 1101111", J, (h, d, pc) -> { h.x[d.rd] = pc + d.len; return pc + d.imm; })
        .add("jalr",  "............ ..... 000 ..... 1100111", I, (h, d, pc) -> {
            long target = (h.x[d.rs1] + d.imm) & ~1L; // the link may overwrite rs1: read it first
            h.x[d.rd] = pc + d.len;
            return target;
        })
        .add("beq",  "....... ..... ..... 000 ..... 1100011", B, (h, d, pc) -> h.x[d.rs1] == h.x[d.rs2] ? pc + d.imm : pc + d.len)
        .add("bne",  "....... ..... ..... 001 ..... 1100011", B, (h, d, pc) -> h.x[d.rs1] != h.x[d.rs2] ? pc + d.imm : pc + d.len)
        .add("blt",  "....... ..... ..... 100 ..... 1100011", B, (h, d, pc) -> h.x[d.rs1] < h.x[d.rs2] ? pc + d.imm : pc + d.len)
        .add("bge",  "....... ..... ..... 101 ..... 1100011", B, (h, d, pc) -> h.x[d.rs1] >= h.x[d.rs2] ? pc + d.imm : pc + d.len)
        .add("bltu", "....... ..... ..... 110 ..... 1100011", B, (h, d, pc) -> Long.compareUnsigned(h.x[d.rs1], h.x[d.rs2]) < 0 ? pc + d.imm : pc + d.len)
        .add("bgeu", "....... ..... ..... 111 ..... 1100011", B, (h, d, pc) -> Long.compareUnsigned(h.x[d.rs1], h.x[d.rs2]) >= 0 ? pc + d.imm : pc + d.len)

        .add("lb",  "............ ..... 000 ..... 0000011", I, (h, d, pc) -> { h.x[d.rd] = (byte) h.mmu.load8(h.x[d.rs1] + d.imm); return pc + d.len; })
        .add("lh",  "............ ..... 001 ..... 0000011", I, (h, d, pc) -> { h.x[d.rd] = (short) h.mmu.load16(h.x[d.rs1] + d.imm); return pc + d.len; })
        .add("lw",  "............ ..... 010 ..... 0000011", I, (h, d, pc) -> { h.x[d.rd] = (int) h.mmu.load32(h.x[d.rs1] + d.imm); return pc + d.len; })
        .add("ld",  "............ ..... 011 ..... 0000011", I, (h, d, pc) -> { h.x[d.rd] = h.mmu.load64(h.x[d.rs1] + d.imm); return pc + d.len; })
        .add("lbu", "............ ..... 100 ..... 0000011", I, (h, d, pc) -> { h.x[d.rd] = h.mmu.load8(h.x[d.rs1] + d.imm); return pc + d.len; })
        .add("lhu", "............ ..... 101 ..... 0000011", I, (h, d, pc) -> { h.x[d.rd] = h.mmu.load16(h.x[d.rs1] + d.imm); return pc + d.len; })
        .add("lwu", "............ ..... 110 ..... 0000011", I, (h, d, pc) -> { h.x[d.rd] = h.mmu.load32(h.x[d.rs1] + d.imm); return pc + d.len; })
        .add("sb",  "....... ..... ..... 000 ..... 0100011", S, (h, d, pc) -> { h.mmu.store8(h.x[d.rs1] + d.imm, h.x[d.rs2]); return pc + d.len; })
        .add("sh",  "....... ..... ..... 001 ..... 0100011", S, (h, d, pc) -> { h.mmu.store16(h.x[d.rs1] + d.imm, h.x[d.rs2]); return pc + d.len; })
        .add("sw",  "....... ..... ..... 010 ..... 0100011", S, (h, d, pc) -> { h.mmu.store32(h.x[d.rs1] + d.imm, h.x[d.rs2]); return pc + d.len; })
        .add("sd",  "....... ..... ..... 011 ..... 0100011", S, (h, d, pc) -> { h.mmu.store64(h.x[d.rs1] + d.imm, h.x[d.rs2]); return pc + d.len; })

        .add("addi",  "............ ..... 000 ..... 0010011", I, (h, d, pc) -> { h.x[d.rd] = h.x[d.rs1] + d.imm; return pc + d.len; })
        .add("slti",  "............ ..... 010 ..... 0010011", I, (h, d, pc) -> { h.x[d.rd] = h.x[d.rs1] < d.imm ? 1 : 0; return pc + d.len; })
        .add("sltiu", "............ ..... 011 ..... 0010011", I, (h, d, pc) -> { h.x[d.rd] = Long.compareUnsigned(h.x[d.rs1], d.imm) < 0 ? 1 : 0; return pc + d.len; })
        .add("xori",  "............ ..... 100 ..... 0010011", I, (h, d, pc) -> { h.x[d.rd] = h.x[d.rs1] ^ d.imm; return pc + d.len; })
        .add("ori",   "............ ..... 110 ..... 0010011", I, (h, d, pc) -> { h.x[d.rd] = h.x[d.rs1] | d.imm; return pc + d.len; })
        .add("andi",  "............ ..... 111 ..... 0010011", I, (h, d, pc) -> { h.x[d.rd] = h.x[d.rs1] & d.imm; return pc + d.len; })
        .add("slli",  "000000 ...... ..... 001 ..... 0010011", SHAMT, (h, d, pc) -> { h.x[d.rd] = h.x[d.rs1] << d.imm; return pc + d.len; })
        .add("srli",  "000000 ...... ..... 101 ..... 0010011", SHAMT, (h, d, pc) -> { h.x[d.rd] = h.x[d.rs1] >>> d.imm; return pc + d.len; })
        .add("srai",  "010000 ...... ..... 101 ..... 0010011", SHAMT, (h, d, pc) -> { h.x[d.rd] = h.x[d.rs1] >> d.imm; return pc + d.len; })

        .add("add",  "0000000 ..... ..... 000 ..... 0110011", R, (h, d, pc) -> { h.x[d.rd] = h.x[d.rs1] + h.x[d.rs2]; return pc + d.len; })
        .add("sub",  "0100000 ..... ..... 000 ..... 0110011", R, (h, d, pc) -> { h.x[d.rd] = h.x[d.rs1] - h.x[d.rs2]; return pc + d.len; })
        .add("sll",  "0000000 ..... ..... 001 ..... 0110011", R, (h, d, pc) -> { h.x[d.rd] = h.x[d.rs1] << h.x[d.rs2]; return pc + d.len; })
        .add("slt",  "0000000 ..... ..... 010 ..... 0110011", R, (h, d, pc) -> { h.x[d.rd] = h.x[d.rs1] < h.x[d.rs2] ? 1 : 0; return pc + d.len; })
        .add("sltu", "0000000 ..... ..... 011 ..... 0110011", R, (h, d, pc) -> { h.x[d.rd] = Long.compareUnsigned(h.x[d.rs1], h.x[d.rs2]) < 0 ? 1 : 0; return pc + d.len; })
        .add("xor",  "0000000 ..... ..... 100 ..... 0110011", R, (h, d, pc) -> { h.x[d.rd] = h.x[d.rs1] ^ h.x[d.rs2]; return pc + d.len; })
        .add("srl",  "0000000 ..... ..... 101 ..... 0110011", R, (h, d, pc) -> { h.x[d.rd] = h.x[d.rs1] >>> h.x[d.rs2]; return pc + d.len; })
        .add("sra",  "0100000 ..... ..... 101 ..... 0110011", R, (h, d, pc) -> { h.x[d.rd] = h.x[d.rs1] >> h.x[d.rs2]; return pc + d.len; })
        .add("or",   "0000000 ..... ..... 110 ..... 0110011", R, (h, d, pc) -> { h.x[d.rd] = h.x[d.rs1] | h.x[d.rs2]; return pc + d.len; })
        .add("and",  "0000000 ..... ..... 111 ..... 0110011", R, (h, d, pc) -> { h.x[d.rd] = h.x[d.rs1] & h.x[d.rs2]; return pc + d.len; })

        // RV64I word operations: compute on the low 32 bits, sign-extend the 32-bit result.
        .add("addiw", "............ ..... 000 ..... 0011011", I, (h, d, pc) -> { h.x[d.rd] = (int) (h.x[d.rs1] + d.imm); return pc + d.len; })
        .add("slliw", "0000000 ..... ..... 001 ..... 0011011", SHAMTW, (h, d, pc) -> { h.x[d.rd] = (int) h.x[d.rs1] << d.imm; return pc + d.len; })
        .add("srliw", "0000000 ..... ..... 101 ..... 0011011", SHAMTW, (h, d, pc) -> { h.x[d.rd] = (int) h.x[d.rs1] >>> d.imm; return pc + d.len; })
        .add("sraiw", "0100000 ..... ..... 101 ..... 0011011", SHAMTW, (h, d, pc) -> { h.x[d.rd] = (int) h.x[d.rs1] >> d.imm; return pc + d.len; })
        .add("addw",  "0000000 ..... ..... 000 ..... 0111011", R, (h, d, pc) -> { h.x[d.rd] = (int) (h.x[d.rs1] + h.x[d.rs2]); return pc + d.len; })
        .add("subw",  "0100000 ..... ..... 000 ..... 0111011", R, (h, d, pc) -> { h.x[d.rd] = (int) (h.x[d.rs1] - h.x[d.rs2]); return pc + d.len; })
        .add("sllw",  "0000000 ..... ..... 001 ..... 0111011", R, (h, d, pc) -> { h.x[d.rd] = (int) h.x[d.rs1] << (h.x[d.rs2] & 31); return pc + d.len; })
        .add("srlw",  "0000000 ..... ..... 101 ..... 0111011", R, (h, d, pc) -> { h.x[d.rd] = (int) h.x[d.rs1] >>> (h.x[d.rs2] & 31); return pc + d.len; })
        .add("sraw",  "0100000 ..... ..... 101 ..... 0111011", R, (h, d, pc) -> { h.x[d.rd] = (int) h.x[d.rs1] >> (h.x[d.rs2] & 31); return pc + d.len; })

        // Memory ordering is trivially satisfied by an interpreter that completes each access in order;
        // decoded instructions are keyed by their bits, so fence.i has nothing to invalidate.
        .add("fence",   "............ ..... 000 ..... 0001111", I, (h, d, pc) -> pc + d.len)
        .add("fence.i", "............ ..... 001 ..... 0001111", I, (h, d, pc) -> pc + d.len);
}
