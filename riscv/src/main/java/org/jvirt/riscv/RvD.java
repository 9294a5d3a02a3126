package org.jvirt.riscv;

import static org.jvirt.riscv.Format.*;
import static org.jvirt.riscv.RvF.rm;
import static org.jvirt.riscv.RvF.setX;

import org.jvirt.riscv.fpu.SoftFloat;

/** The "D" extension (unprivileged spec, chapter 12): the F instructions on binary64, and conversions. */
final class RvD {
    private RvD() { }

    private static final long SIGN = Long.MIN_VALUE;

    private static long setD(Hart h, Insn d, long pc, long v) {
        h.f[d.rd] = v;
        h.fpDirty();
        return pc + d.len;
    }

    static final InsnSet SET = new InsnSet(true)
        .addF("fld", "............ ..... 011 ..... 0000111", I, (h, d, pc) -> {
            h.requireFp(d);
            return setD(h, d, pc, h.mmu.load64(h.x[d.rs1] + d.imm));
        })
        .add("fsd", "....... ..... ..... 011 ..... 0100111", S, (h, d, pc) -> {
            h.requireFp(d);
            h.mmu.store64(h.x[d.rs1] + d.imm, h.f[d.rs2]);
            return pc + d.len;
        })
        .addF("fmadd.d",  "..... 01 ..... ..... ... ..... 1000011", R4, (h, d, pc) -> { h.requireFp(d);
            return setD(h, d, pc, SoftFloat.fma64(h.f[d.rs1], h.f[d.rs2], h.f[d.rs3], rm(h, d), h.fflags)); })
        .addF("fmsub.d",  "..... 01 ..... ..... ... ..... 1000111", R4, (h, d, pc) -> { h.requireFp(d);
            return setD(h, d, pc, SoftFloat.fma64(h.f[d.rs1], h.f[d.rs2], h.f[d.rs3] ^ SIGN, rm(h, d), h.fflags)); })
        .addF("fnmsub.d", "..... 01 ..... ..... ... ..... 1001011", R4, (h, d, pc) -> { h.requireFp(d);
            return setD(h, d, pc, SoftFloat.fma64(h.f[d.rs1] ^ SIGN, h.f[d.rs2], h.f[d.rs3], rm(h, d), h.fflags)); })
        .addF("fnmadd.d", "..... 01 ..... ..... ... ..... 1001111", R4, (h, d, pc) -> { h.requireFp(d);
            return setD(h, d, pc, SoftFloat.fma64(h.f[d.rs1] ^ SIGN, h.f[d.rs2], h.f[d.rs3] ^ SIGN, rm(h, d), h.fflags)); })
        .addF("fadd.d", "0000001 ..... ..... ... ..... 1010011", R, (h, d, pc) -> { h.requireFp(d);
            return setD(h, d, pc, SoftFloat.add64(h.f[d.rs1], h.f[d.rs2], rm(h, d), h.fflags)); })
        .addF("fsub.d", "0000101 ..... ..... ... ..... 1010011", R, (h, d, pc) -> { h.requireFp(d);
            return setD(h, d, pc, SoftFloat.sub64(h.f[d.rs1], h.f[d.rs2], rm(h, d), h.fflags)); })
        .addF("fmul.d", "0001001 ..... ..... ... ..... 1010011", R, (h, d, pc) -> { h.requireFp(d);
            return setD(h, d, pc, SoftFloat.mul64(h.f[d.rs1], h.f[d.rs2], rm(h, d), h.fflags)); })
        .addF("fdiv.d", "0001101 ..... ..... ... ..... 1010011", R, (h, d, pc) -> { h.requireFp(d);
            return setD(h, d, pc, SoftFloat.div64(h.f[d.rs1], h.f[d.rs2], rm(h, d), h.fflags)); })
        .addF("fsqrt.d", "0101101 00000 ..... ... ..... 1010011", R, (h, d, pc) -> { h.requireFp(d);
            return setD(h, d, pc, SoftFloat.sqrt64(h.f[d.rs1], rm(h, d), h.fflags)); })
        .addF("fsgnj.d",  "0010001 ..... ..... 000 ..... 1010011", R, (h, d, pc) -> { h.requireFp(d);
            return setD(h, d, pc, (h.f[d.rs1] & ~SIGN) | (h.f[d.rs2] & SIGN)); })
        .addF("fsgnjn.d", "0010001 ..... ..... 001 ..... 1010011", R, (h, d, pc) -> { h.requireFp(d);
            return setD(h, d, pc, (h.f[d.rs1] & ~SIGN) | (~h.f[d.rs2] & SIGN)); })
        .addF("fsgnjx.d", "0010001 ..... ..... 010 ..... 1010011", R, (h, d, pc) -> { h.requireFp(d);
            return setD(h, d, pc, h.f[d.rs1] ^ (h.f[d.rs2] & SIGN)); })
        .addF("fmin.d", "0010101 ..... ..... 000 ..... 1010011", R, (h, d, pc) -> { h.requireFp(d);
            return setD(h, d, pc, SoftFloat.min64(h.f[d.rs1], h.f[d.rs2], h.fflags)); })
        .addF("fmax.d", "0010101 ..... ..... 001 ..... 1010011", R, (h, d, pc) -> { h.requireFp(d);
            return setD(h, d, pc, SoftFloat.max64(h.f[d.rs1], h.f[d.rs2], h.fflags)); })
        .addF("fcvt.s.d", "0100000 00001 ..... ... ..... 1010011", R, (h, d, pc) -> { h.requireFp(d);
            h.f[d.rd] = SoftFloat.box32(SoftFloat.f64ToF32(h.f[d.rs1], rm(h, d), h.fflags));
            h.fpDirty();
            return pc + d.len; })
        .addF("fcvt.d.s", "0100001 00000 ..... ... ..... 1010011", R, (h, d, pc) -> { h.requireFp(d);
            rm(h, d); // exact, but an invalid rm is still illegal
            return setD(h, d, pc, SoftFloat.f32ToF64(SoftFloat.unbox32(h.f[d.rs1]), h.fflags)); })
        .add("feq.d", "1010001 ..... ..... 010 ..... 1010011", R, (h, d, pc) -> { h.requireFp(d);
            return setX(h, d, pc, SoftFloat.eq64(h.f[d.rs1], h.f[d.rs2], h.fflags) ? 1 : 0); })
        .add("flt.d", "1010001 ..... ..... 001 ..... 1010011", R, (h, d, pc) -> { h.requireFp(d);
            return setX(h, d, pc, SoftFloat.lt64(h.f[d.rs1], h.f[d.rs2], h.fflags) ? 1 : 0); })
        .add("fle.d", "1010001 ..... ..... 000 ..... 1010011", R, (h, d, pc) -> { h.requireFp(d);
            return setX(h, d, pc, SoftFloat.le64(h.f[d.rs1], h.f[d.rs2], h.fflags) ? 1 : 0); })
        .add("fclass.d", "1110001 00000 ..... 001 ..... 1010011", R, (h, d, pc) -> { h.requireFp(d);
            return setX(h, d, pc, SoftFloat.classify64(h.f[d.rs1])); })
        .add("fcvt.w.d",  "1100001 00000 ..... ... ..... 1010011", R, (h, d, pc) -> { h.requireFp(d);
            return setX(h, d, pc, SoftFloat.f64ToI32(h.f[d.rs1], rm(h, d), h.fflags)); })
        .add("fcvt.wu.d", "1100001 00001 ..... ... ..... 1010011", R, (h, d, pc) -> { h.requireFp(d);
            return setX(h, d, pc, SoftFloat.f64ToU32(h.f[d.rs1], rm(h, d), h.fflags)); })
        .add("fcvt.l.d",  "1100001 00010 ..... ... ..... 1010011", R, (h, d, pc) -> { h.requireFp(d);
            return setX(h, d, pc, SoftFloat.f64ToI64(h.f[d.rs1], rm(h, d), h.fflags)); })
        .add("fcvt.lu.d", "1100001 00011 ..... ... ..... 1010011", R, (h, d, pc) -> { h.requireFp(d);
            return setX(h, d, pc, SoftFloat.f64ToU64(h.f[d.rs1], rm(h, d), h.fflags)); })
        .addF("fcvt.d.w",  "1101001 00000 ..... ... ..... 1010011", R, (h, d, pc) -> { h.requireFp(d);
            return setD(h, d, pc, SoftFloat.i32ToF64((int) h.x[d.rs1], rm(h, d), h.fflags)); })
        .addF("fcvt.d.wu", "1101001 00001 ..... ... ..... 1010011", R, (h, d, pc) -> { h.requireFp(d);
            return setD(h, d, pc, SoftFloat.u32ToF64((int) h.x[d.rs1], rm(h, d), h.fflags)); })
        .addF("fcvt.d.l",  "1101001 00010 ..... ... ..... 1010011", R, (h, d, pc) -> { h.requireFp(d);
            return setD(h, d, pc, SoftFloat.i64ToF64(h.x[d.rs1], rm(h, d), h.fflags)); })
        .addF("fcvt.d.lu", "1101001 00011 ..... ... ..... 1010011", R, (h, d, pc) -> { h.requireFp(d);
            return setD(h, d, pc, SoftFloat.u64ToF64(h.x[d.rs1], rm(h, d), h.fflags)); })
        .add("fmv.x.d", "1110001 00000 ..... 000 ..... 1010011", R, (h, d, pc) -> { h.requireFp(d);
            return setX(h, d, pc, h.f[d.rs1]); })
        .addF("fmv.d.x", "1111001 00000 ..... 000 ..... 1010011", R, (h, d, pc) -> { h.requireFp(d);
            return setD(h, d, pc, h.x[d.rs1]); });
}
