package org.jvirt.riscv;

import static org.jvirt.riscv.Format.*;

import org.jvirt.riscv.fpu.SoftFloat;

/**
 * The "F" extension (unprivileged spec, chapter 11). Values live NaN-boxed in the 64-bit FP registers;
 * arithmetic, rounding and flags are {@link SoftFloat}'s. Every instruction traps as illegal while
 * mstatus.FS is Off, and writing an FP register or flag marks FS Dirty.
 */
final class RvF {
    private RvF() { }

    /** The rounding mode of {@code d}: its rm field, or frm for DYN; 5, 6 and an invalid frm are illegal. */
    static int rm(Hart h, Insn d) {
        int rm = d.rm == 7 ? h.csrs.frm() : d.rm;
        if (rm > 4) h.illegal(d);
        return rm;
    }

    private static int s(Hart h, int r) { return SoftFloat.unbox32(h.f[r]); }

    private static long setS(Hart h, Insn d, long pc, int v) {
        h.f[d.rd] = SoftFloat.box32(v);
        h.fpDirty();
        return pc + d.len;
    }

    /** Writes an integer result of an FP instruction (compare, classify, convert, move). */
    static long setX(Hart h, Insn d, long pc, long v) {
        h.x[d.rd] = v;
        h.fpDirty(); // flags may have changed; Dirty may be set conservatively
        return pc + d.len;
    }

    static final InsnSet SET = new InsnSet(true)
        .addF("flw", "............ ..... 010 ..... 0000111", I, (h, d, pc) -> {
            h.requireFp(d);
            return setS(h, d, pc, (int) h.mmu.load32(h.x[d.rs1] + d.imm));
        })
        .add("fsw", "....... ..... ..... 010 ..... 0100111", S, (h, d, pc) -> {
            h.requireFp(d);
            h.mmu.store32(h.x[d.rs1] + d.imm, h.f[d.rs2]); // the raw low bits, boxed or not
            return pc + d.len;
        })
        .addF("fmadd.s",  "..... 00 ..... ..... ... ..... 1000011", R4, (h, d, pc) -> { h.requireFp(d);
            return setS(h, d, pc, SoftFloat.fma32(s(h, d.rs1), s(h, d.rs2), s(h, d.rs3), rm(h, d), h.fflags)); })
        .addF("fmsub.s",  "..... 00 ..... ..... ... ..... 1000111", R4, (h, d, pc) -> { h.requireFp(d);
            return setS(h, d, pc, SoftFloat.fma32(s(h, d.rs1), s(h, d.rs2), s(h, d.rs3) ^ 0x8000_0000, rm(h, d), h.fflags)); })
        .addF("fnmsub.s", "..... 00 ..... ..... ... ..... 1001011", R4, (h, d, pc) -> { h.requireFp(d);
            return setS(h, d, pc, SoftFloat.fma32(s(h, d.rs1) ^ 0x8000_0000, s(h, d.rs2), s(h, d.rs3), rm(h, d), h.fflags)); })
        .addF("fnmadd.s", "..... 00 ..... ..... ... ..... 1001111", R4, (h, d, pc) -> { h.requireFp(d);
            return setS(h, d, pc, SoftFloat.fma32(s(h, d.rs1) ^ 0x8000_0000, s(h, d.rs2), s(h, d.rs3) ^ 0x8000_0000, rm(h, d), h.fflags)); })
        .addF("fadd.s", "0000000 ..... ..... ... ..... 1010011", R, (h, d, pc) -> { h.requireFp(d);
            return setS(h, d, pc, SoftFloat.add32(s(h, d.rs1), s(h, d.rs2), rm(h, d), h.fflags)); })
        .addF("fsub.s", "0000100 ..... ..... ... ..... 1010011", R, (h, d, pc) -> { h.requireFp(d);
            return setS(h, d, pc, SoftFloat.sub32(s(h, d.rs1), s(h, d.rs2), rm(h, d), h.fflags)); })
        .addF("fmul.s", "0001000 ..... ..... ... ..... 1010011", R, (h, d, pc) -> { h.requireFp(d);
            return setS(h, d, pc, SoftFloat.mul32(s(h, d.rs1), s(h, d.rs2), rm(h, d), h.fflags)); })
        .addF("fdiv.s", "0001100 ..... ..... ... ..... 1010011", R, (h, d, pc) -> { h.requireFp(d);
            return setS(h, d, pc, SoftFloat.div32(s(h, d.rs1), s(h, d.rs2), rm(h, d), h.fflags)); })
        .addF("fsqrt.s", "0101100 00000 ..... ... ..... 1010011", R, (h, d, pc) -> { h.requireFp(d);
            return setS(h, d, pc, SoftFloat.sqrt32(s(h, d.rs1), rm(h, d), h.fflags)); })
        .addF("fsgnj.s",  "0010000 ..... ..... 000 ..... 1010011", R, (h, d, pc) -> { h.requireFp(d);
            return setS(h, d, pc, (s(h, d.rs1) & 0x7fff_ffff) | (s(h, d.rs2) & 0x8000_0000)); })
        .addF("fsgnjn.s", "0010000 ..... ..... 001 ..... 1010011", R, (h, d, pc) -> { h.requireFp(d);
            return setS(h, d, pc, (s(h, d.rs1) & 0x7fff_ffff) | (~s(h, d.rs2) & 0x8000_0000)); })
        .addF("fsgnjx.s", "0010000 ..... ..... 010 ..... 1010011", R, (h, d, pc) -> { h.requireFp(d);
            return setS(h, d, pc, s(h, d.rs1) ^ (s(h, d.rs2) & 0x8000_0000)); })
        .addF("fmin.s", "0010100 ..... ..... 000 ..... 1010011", R, (h, d, pc) -> { h.requireFp(d);
            return setS(h, d, pc, SoftFloat.min32(s(h, d.rs1), s(h, d.rs2), h.fflags)); })
        .addF("fmax.s", "0010100 ..... ..... 001 ..... 1010011", R, (h, d, pc) -> { h.requireFp(d);
            return setS(h, d, pc, SoftFloat.max32(s(h, d.rs1), s(h, d.rs2), h.fflags)); })
        .add("fcvt.w.s",  "1100000 00000 ..... ... ..... 1010011", R, (h, d, pc) -> { h.requireFp(d);
            return setX(h, d, pc, SoftFloat.f32ToI32(s(h, d.rs1), rm(h, d), h.fflags)); })
        .add("fcvt.wu.s", "1100000 00001 ..... ... ..... 1010011", R, (h, d, pc) -> { h.requireFp(d);
            return setX(h, d, pc, SoftFloat.f32ToU32(s(h, d.rs1), rm(h, d), h.fflags)); })
        .add("fcvt.l.s",  "1100000 00010 ..... ... ..... 1010011", R, (h, d, pc) -> { h.requireFp(d);
            return setX(h, d, pc, SoftFloat.f32ToI64(s(h, d.rs1), rm(h, d), h.fflags)); })
        .add("fcvt.lu.s", "1100000 00011 ..... ... ..... 1010011", R, (h, d, pc) -> { h.requireFp(d);
            return setX(h, d, pc, SoftFloat.f32ToU64(s(h, d.rs1), rm(h, d), h.fflags)); })
        .add("fmv.x.w", "1110000 00000 ..... 000 ..... 1010011", R, (h, d, pc) -> { h.requireFp(d);
            return setX(h, d, pc, (int) h.f[d.rs1]); })
        .add("feq.s", "1010000 ..... ..... 010 ..... 1010011", R, (h, d, pc) -> { h.requireFp(d);
            return setX(h, d, pc, SoftFloat.eq32(s(h, d.rs1), s(h, d.rs2), h.fflags) ? 1 : 0); })
        .add("flt.s", "1010000 ..... ..... 001 ..... 1010011", R, (h, d, pc) -> { h.requireFp(d);
            return setX(h, d, pc, SoftFloat.lt32(s(h, d.rs1), s(h, d.rs2), h.fflags) ? 1 : 0); })
        .add("fle.s", "1010000 ..... ..... 000 ..... 1010011", R, (h, d, pc) -> { h.requireFp(d);
            return setX(h, d, pc, SoftFloat.le32(s(h, d.rs1), s(h, d.rs2), h.fflags) ? 1 : 0); })
        .add("fclass.s", "1110000 00000 ..... 001 ..... 1010011", R, (h, d, pc) -> { h.requireFp(d);
            return setX(h, d, pc, SoftFloat.classify32(s(h, d.rs1))); })
        .addF("fcvt.s.w",  "1101000 00000 ..... ... ..... 1010011", R, (h, d, pc) -> { h.requireFp(d);
            return setS(h, d, pc, SoftFloat.i32ToF32((int) h.x[d.rs1], rm(h, d), h.fflags)); })
        .addF("fcvt.s.wu", "1101000 00001 ..... ... ..... 1010011", R, (h, d, pc) -> { h.requireFp(d);
            return setS(h, d, pc, SoftFloat.u32ToF32((int) h.x[d.rs1], rm(h, d), h.fflags)); })
        .addF("fcvt.s.l",  "1101000 00010 ..... ... ..... 1010011", R, (h, d, pc) -> { h.requireFp(d);
            return setS(h, d, pc, SoftFloat.i64ToF32(h.x[d.rs1], rm(h, d), h.fflags)); })
        .addF("fcvt.s.lu", "1101000 00011 ..... ... ..... 1010011", R, (h, d, pc) -> { h.requireFp(d);
            return setS(h, d, pc, SoftFloat.u64ToF32(h.x[d.rs1], rm(h, d), h.fflags)); })
        .addF("fmv.w.x", "1111000 00000 ..... 000 ..... 1010011", R, (h, d, pc) -> { h.requireFp(d);
            return setS(h, d, pc, (int) h.x[d.rs1]); });
}
