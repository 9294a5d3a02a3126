package org.jvirt.riscv;

import static org.jvirt.riscv.Format.CSR;
import static org.jvirt.riscv.Format.I;
import static org.jvirt.riscv.Format.R;

/**
 * The SYSTEM opcode: environment calls, the privileged instructions (privileged spec 1.12, section
 * 3.3) and Zicsr (unprivileged spec, chapter 9). A CSR is not read when csrrw's rd is x0 and not
 * written when csrrs/csrrc's rs1 (or uimm) is zero, so those forms have no side effects.
 */
final class RvSystem {
    private RvSystem() { }

    private static long csrrw(Hart h, Insn d, long pc, long v) {
        if (d.rd == Hart.X_SINK) {
            h.csrs.write((int) d.imm, v, d);
        } else {
            long old = h.csrs.read((int) d.imm, d);
            h.csrs.write((int) d.imm, v, d);
            h.x[d.rd] = old;
        }
        return pc + d.len;
    }

    private static long csrrs(Hart h, Insn d, long pc, long mask, boolean set) {
        long old = h.csrs.read((int) d.imm, d);
        if (d.rs1 != 0) {
            long base = h.csrs.readForModify((int) d.imm, d);
            h.csrs.write((int) d.imm, set ? base | mask : base & ~mask, d);
        }
        h.x[d.rd] = old;
        return pc + d.len;
    }

    static final InsnSet SET = new InsnSet(false)
        .add("ecall",      "000000000000 00000 000 00000 1110011", I, (h, d, pc) -> h.ecall(d, pc))
        .add("ebreak",     "000000000001 00000 000 00000 1110011", I, (h, d, pc) -> h.ebreak(pc))
        .add("sret",       "0001000 00010 00000 000 00000 1110011", R, (h, d, pc) -> h.sret(d))
        .add("mret",       "0011000 00010 00000 000 00000 1110011", R, (h, d, pc) -> h.mret(d))
        .add("wfi",        "0001000 00101 00000 000 00000 1110011", R, (h, d, pc) -> h.wfi(d, pc))
        .add("sfence.vma", "0001001 ..... ..... 000 00000 1110011", R, (h, d, pc) -> h.sfenceVma(d, pc))
        .add("csrrw",  "............ ..... 001 ..... 1110011", CSR, (h, d, pc) -> csrrw(h, d, pc, h.x[d.rs1]))
        .add("csrrs",  "............ ..... 010 ..... 1110011", CSR, (h, d, pc) -> csrrs(h, d, pc, h.x[d.rs1], true))
        .add("csrrc",  "............ ..... 011 ..... 1110011", CSR, (h, d, pc) -> csrrs(h, d, pc, h.x[d.rs1], false))
        .add("csrrwi", "............ ..... 101 ..... 1110011", CSR, (h, d, pc) -> csrrw(h, d, pc, d.rs1))
        .add("csrrsi", "............ ..... 110 ..... 1110011", CSR, (h, d, pc) -> csrrs(h, d, pc, d.rs1, true))
        .add("csrrci", "............ ..... 111 ..... 1110011", CSR, (h, d, pc) -> csrrs(h, d, pc, d.rs1, false));
}
