package org.jvirt.riscv;

import static org.jvirt.riscv.TestHart.CODE;
import static org.jvirt.riscv.TestHart.DATA;
import static org.jvirt.riscv.TestHart.S;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hart's side of F and D, not the arithmetic: mstatus.FS (privileged 1.12, section 3.1.6.6), fcsr
 * (unprivileged 20191213, section 11.2), NaN-boxing (section 12.2) and the rounding-mode field (11.2).
 */
class FpStateTest {
    private static final long FS_INITIAL = 1L << 13, FS_DIRTY = 3L << 13, SD = 1L << 63;
    private static final long CANONICAL_NAN_BOXED = 0xffff_ffff_7fc0_0000L;
    private final TestHart t = new TestHart();

    @AfterEach
    void close() { t.close(); }

    private TestHart fsInitial() {
        return t.csr(Csrs.MSTATUS, (t.mstatus() & ~Csrs.FS) | FS_INITIAL);
    }

    static Stream<Arguments> fpInstructions() {
        return Stream.of(
            Arguments.of("flw", Asm.flw(1, 5, 0)), Arguments.of("fld", Asm.fld(1, 5, 0)),
            Arguments.of("fsw", Asm.fsw(1, 5, 0)), Arguments.of("fsd", Asm.fsd(1, 5, 0)),
            Arguments.of("fmv.w.x", Asm.fmvWX(1, 5)), Arguments.of("fmv.x.w", Asm.fmvXW(5, 1)),
            Arguments.of("fmv.d.x", Asm.fmvDX(1, 5)), Arguments.of("fmv.x.d", Asm.fmvXD(5, 1)),
            Arguments.of("fadd.s", Asm.faddS(1, 2, 3, 0)), Arguments.of("fsgnj.d", Asm.fsgnjD(1, 2, 3)),
            Arguments.of("csrr fcsr", Asm.csrr(5, Csrs.FCSR)), Arguments.of("csrr frm", Asm.csrr(5, Csrs.FRM)),
            Arguments.of("csrw fflags", Asm.csrw(Csrs.FFLAGS, 5)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fpInstructions")
    void withFsOffFpInstructionsAndCsrsAreIllegal(String name, int word) {
        t.csr(Csrs.MSTATUS, t.mstatus() & ~Csrs.FS);
        t.x(5, DATA).exec(word);
        t.assertMTrap(Cause.ILLEGAL_INSN, word & 0xffff_ffffL, CODE);
    }

    @Test
    void withFsOffCompressedFpLoadsAndStoresAreIllegalWithTheir16Bits() {
        t.csr(Csrs.MSTATUS, t.mstatus() & ~Csrs.FS);
        t.x(2, DATA).x(8, DATA).exec16(Asm.cFld(9, 8, 8));
        t.assertMTrap(Cause.ILLEGAL_INSN, Asm.cFld(9, 8, 8), CODE);
        t.exec16(Asm.cFsdsp(9, 8));
        t.assertMTrap(Cause.ILLEGAL_INSN, Asm.cFsdsp(9, 8), CODE);
    }

    @Test
    void writingAnFpRegisterMakesFsDirtyAndSetsSd() {
        fsInitial();
        assertEquals(0, t.mstatus() & SD);
        t.x(5, 0x3f80_0000L).exec(Asm.fmvWX(1, 5));
        assertEquals(FS_DIRTY, t.mstatus() & Csrs.FS);
        assertEquals(SD, t.mstatus() & SD, "mstatus.SD summarizes FS = Dirty");
        assertEquals(SD, t.csr(Csrs.SSTATUS) & SD, "sstatus.SD too");
    }

    @Test
    void anFpLoadMakesFsDirty() {
        fsInitial().x(5, DATA).exec(Asm.fld(1, 5, 0));
        assertEquals(FS_DIRTY, t.mstatus() & Csrs.FS);
    }

    @Test
    void writingFcsrMakesFsDirty() {
        fsInitial().x(5, 1).exec(Asm.csrw(Csrs.FFLAGS, 5));
        assertEquals(FS_DIRTY, t.mstatus() & Csrs.FS);
    }

    @Test
    void fsCanBeTurnedOnFromSThroughSstatus() {
        t.csr(Csrs.MSTATUS, t.mstatus() & ~Csrs.FS).allowAllPmp();
        t.x(5, FS_INITIAL).priv(S).exec(Asm.csrrs(0, Csrs.SSTATUS, 5), Asm.fmvWX(1, 0));
        t.assertPc(CODE + 8);
        assertEquals(FS_DIRTY, t.mstatus() & Csrs.FS);
    }

    @Test
    void fcsrIsFrmAndFflags() {
        fsInitial().x(5, 0x1ff).exec(Asm.csrw(Csrs.FCSR, 5), Asm.csrr(6, Csrs.FCSR), Asm.csrr(7, Csrs.FRM), Asm.csrr(8, Csrs.FFLAGS));
        assertEquals(0xff, t.x(6), "fcsr bits 31:8 are reserved zero");
        assertEquals(7, t.x(7));
        assertEquals(0x1f, t.x(8));
        t.x(5, 2).exec(Asm.csrw(Csrs.FRM, 5), Asm.csrrci(0, Csrs.FFLAGS, 0x1e), Asm.csrr(6, Csrs.FCSR));
        assertEquals(2 << 5 | 1, t.x(6));
    }

    @Test
    void singlePrecisionWritesAreNaNBoxed() {
        fsInitial();
        t.ram.writeLong(DATA, 0x1234_5678_3f80_0000L);
        t.x(5, DATA).x(6, 0x7777_7777_c000_0000L).exec(Asm.flw(1, 5, 0), Asm.fmvWX(2, 6));
        assertEquals(0xffff_ffff_3f80_0000L, t.h.f[1], "flw");
        assertEquals(0xffff_ffff_c000_0000L, t.h.f[2], "fmv.w.x");
    }

    @Test
    void singlePrecisionTransfersOutIgnoreTheUpperBits() {
        fsInitial();
        t.ram.writeLong(DATA, -1L);
        t.h.f[1] = 0x0000_0000_8000_0001L; // not NaN-boxed
        t.x(5, DATA).exec(Asm.fmvXW(6, 1), Asm.fsw(1, 5, 0));
        assertEquals(0xffff_ffff_8000_0001L, t.x(6), "fmv.x.w sign-extends bit 31 of the low word");
        assertEquals(0xffff_ffff_8000_0001L, t.mem64(DATA), "fsw stores the low 32 bits only");
    }

    @Test
    void anImproperlyBoxedOperandIsTheCanonicalNaN() {
        fsInitial();
        t.h.f[1] = 0x0000_0000_3f80_0000L;             // 1.0f, but not boxed
        t.h.f[2] = 0xffff_ffff_0000_0000L;             // +0.0f, boxed
        t.h.f[3] = 0xffff_ffff_8000_0000L;             // -0.0f, boxed
        t.exec(Asm.fsgnjS(4, 1, 2), Asm.fsgnjS(5, 1, 3), Asm.fsgnjS(6, 2, 1));
        assertEquals(CANONICAL_NAN_BOXED, t.h.f[4]);
        assertEquals(CANONICAL_NAN_BOXED | 0x8000_0000L, t.h.f[5]);
        assertEquals(0xffff_ffff_0000_0000L, t.h.f[6], "sign of the canonical NaN (positive)");
    }

    @Test
    void doublePrecisionTransfersAreRaw() {
        fsInitial();
        t.ram.writeLong(DATA, 0x7ff0_0000_0000_0001L);
        t.x(5, DATA).x(7, 0x8000_0000_0000_0000L);
        t.exec(Asm.fld(1, 5, 0), Asm.fsd(1, 5, 8), Asm.fmvXD(6, 1), Asm.fmvDX(2, 7));
        assertEquals(0x7ff0_0000_0000_0001L, t.h.f[1]);
        assertEquals(0x7ff0_0000_0000_0001L, t.mem64(DATA + 8));
        assertEquals(0x7ff0_0000_0000_0001L, t.x(6));
        assertEquals(0x8000_0000_0000_0000L, t.h.f[2]);
    }

    @Test
    void reservedRoundingModesAreIllegal() {
        fsInitial();
        for (int rm : new int[] {5, 6}) {
            t.exec(Asm.faddS(1, 2, 3, rm));
            t.assertMTrap(Cause.ILLEGAL_INSN, Asm.faddS(1, 2, 3, rm), CODE);
            t.exec(Asm.faddD(1, 2, 3, rm));
            t.assertMTrap(Cause.ILLEGAL_INSN, Asm.faddD(1, 2, 3, rm), CODE);
        }
    }

    @Test
    void dynamicRoundingWithAnInvalidFrmIsIllegal() {
        fsInitial().x(5, 5).exec(Asm.csrw(Csrs.FRM, 5), Asm.faddD(1, 2, 3, 7));
        t.assertMTrap(Cause.ILLEGAL_INSN, Asm.faddD(1, 2, 3, 7), CODE + 4);
        t.x(5, 0).exec(Asm.csrw(Csrs.FRM, 5), Asm.faddD(1, 2, 3, 7));
        t.assertPc(CODE + 8);
    }
}
