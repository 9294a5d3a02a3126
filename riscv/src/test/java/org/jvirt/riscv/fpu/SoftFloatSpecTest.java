package org.jvirt.riscv.fpu;

import static org.jvirt.riscv.fpu.SoftFloat.DZ;
import static org.jvirt.riscv.fpu.SoftFloat.NV;
import static org.jvirt.riscv.fpu.SoftFloat.NX;
import static org.jvirt.riscv.fpu.SoftFloat.OF;
import static org.jvirt.riscv.fpu.SoftFloat.RDN;
import static org.jvirt.riscv.fpu.SoftFloat.RMM;
import static org.jvirt.riscv.fpu.SoftFloat.RNE;
import static org.jvirt.riscv.fpu.SoftFloat.RTZ;
import static org.jvirt.riscv.fpu.SoftFloat.RUP;
import static org.jvirt.riscv.fpu.SoftFloat.UF;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The special cases the RISC-V unprivileged spec (20191213, chapters 11 and 12) spells out. */
final class SoftFloatSpecTest {
    // binary32 values
    static final int P0 = 0x0000_0000, N0 = 0x8000_0000, ONE = 0x3f80_0000, M_ONE = 0xbf80_0000, TWO = 0x4000_0000;
    static final int INF = 0x7f80_0000, M_INF = 0xff80_0000, MAX = 0x7f7f_ffff, M_MAX = 0xff7f_ffff;
    static final int MIN_NORMAL = 0x0080_0000, MIN_SUB = 0x0000_0001;
    static final int QNAN = 0x7fc0_0000, QNAN_PAYLOAD = 0xffc1_2345, SNAN = 0x7f80_0001, M_SNAN = 0xffa0_0000;
    static final int CNAN = SoftFloat.CANONICAL_NAN32;
    // binary64 values
    static final long D_ONE = 0x3ff0_0000_0000_0000L, D_INF = 0x7ff0_0000_0000_0000L, D_MAX = 0x7fef_ffff_ffff_ffffL;
    static final long D_QNAN = 0x7ff8_0000_0000_0000L, D_SNAN = 0x7ff0_0000_0000_0001L, D_CNAN = SoftFloat.CANONICAL_NAN64;

    static long d(double v) { return Double.doubleToRawLongBits(v); }
    static int s(float v) { return Float.floatToRawIntBits(v); }

    /** Runs op on a fresh accumulator and checks both result and raised flags. */
    static void expect32(int result, int flags, ToIntFunction<Flags> op) {
        var f = new Flags();
        int got = op.applyAsInt(f);
        assertEquals(Integer.toHexString(result), Integer.toHexString(got), "result");
        assertEquals(new Flags(flags).toString(), f.toString(), "flags");
    }

    static void expect64(long result, int flags, ToLongFunction<Flags> op) {
        var f = new Flags();
        long got = op.applyAsLong(f);
        assertEquals(Long.toHexString(result), Long.toHexString(got), "result");
        assertEquals(new Flags(flags).toString(), f.toString(), "flags");
    }

    @Test
    void encodingsMatchTheSpec() {
        assertEquals(0, RNE);
        assertEquals(1, RTZ);
        assertEquals(2, RDN);
        assertEquals(3, RUP);
        assertEquals(4, RMM);
        assertEquals(1, NX);
        assertEquals(2, UF);
        assertEquals(4, OF);
        assertEquals(8, DZ);
        assertEquals(16, NV);
        assertEquals(0x7fc0_0000, SoftFloat.CANONICAL_NAN32);
        assertEquals(0x7ff8_0000_0000_0000L, SoftFloat.CANONICAL_NAN64);
    }

    @Test
    void flagsAccumulateRatherThanReplace() {
        var f = new Flags(DZ);
        SoftFloat.add32(ONE, 0x3380_0000, RNE, f); // 1 + 2^-24: inexact
        SoftFloat.add32(INF, M_INF, RNE, f);
        assertEquals(DZ | NX | NV, f.bits);
        SoftFloat.add32(ONE, ONE, RNE, f); // exact: nothing cleared
        assertEquals(DZ | NX | NV, f.bits);
    }

    @Nested
    final class NaNBoxing {
        @Test
        void properlyBoxedValuesUnbox() {
            assertEquals(ONE, SoftFloat.unbox32(0xffff_ffff_3f80_0000L));
            assertEquals(SNAN, SoftFloat.unbox32(0xffff_ffff_7f80_0001L));
        }

        @Test
        void anythingElseReadsAsTheCanonicalNaN() {
            assertEquals(CNAN, SoftFloat.unbox32(0x0000_0000_3f80_0000L));
            assertEquals(CNAN, SoftFloat.unbox32(0xffff_fffe_3f80_0000L));
            assertEquals(CNAN, SoftFloat.unbox32(D_ONE));
        }

        @Test
        void boxingSetsTheUpperHalf() {
            assertEquals(0xffff_ffff_3f80_0000L, SoftFloat.box32(ONE));
            assertEquals(0xffff_ffff_8000_0000L, SoftFloat.box32(N0));
        }
    }

    @Nested
    final class NaNs {
        @Test
        void quietNaNOperandsGiveTheCanonicalNaNWithoutFlags() {
            expect32(CNAN, 0, f -> SoftFloat.add32(QNAN_PAYLOAD, ONE, RNE, f));
            expect32(CNAN, 0, f -> SoftFloat.mul32(ONE, QNAN_PAYLOAD, RNE, f));
            expect32(CNAN, 0, f -> SoftFloat.div32(QNAN_PAYLOAD, P0, RNE, f));
            expect32(CNAN, 0, f -> SoftFloat.sqrt32(QNAN_PAYLOAD, RNE, f));
            expect64(D_CNAN, 0, f -> SoftFloat.add64(0xfff8_0000_0000_1234L, D_ONE, RNE, f));
        }

        @Test
        void signallingNaNOperandsRaiseInvalid() {
            expect32(CNAN, NV, f -> SoftFloat.add32(ONE, SNAN, RNE, f));
            expect32(CNAN, NV, f -> SoftFloat.sub32(M_SNAN, QNAN, RUP, f));
            expect32(CNAN, NV, f -> SoftFloat.sqrt32(SNAN, RNE, f));
            expect64(D_CNAN, NV, f -> SoftFloat.mul64(D_SNAN, D_ONE, RNE, f));
            expect64(D_CNAN, NV, f -> SoftFloat.f32ToF64(SNAN, f));
            expect32(CNAN, NV, f -> SoftFloat.f64ToF32(D_SNAN, RNE, f));
            expect32(CNAN, 0, f -> SoftFloat.f64ToF32(0xfff8_0000_dead_beefL, RNE, f));
        }

        @Test
        void invalidOperationsGiveTheCanonicalNaN() {
            expect32(CNAN, NV, f -> SoftFloat.add32(INF, M_INF, RNE, f));
            expect32(CNAN, NV, f -> SoftFloat.sub32(INF, INF, RNE, f));
            expect32(CNAN, NV, f -> SoftFloat.mul32(P0, M_INF, RNE, f));
            expect32(CNAN, NV, f -> SoftFloat.div32(N0, P0, RNE, f));
            expect32(CNAN, NV, f -> SoftFloat.div32(INF, M_INF, RNE, f));
            expect32(CNAN, NV, f -> SoftFloat.sqrt32(M_ONE, RNE, f));
            expect32(CNAN, NV, f -> SoftFloat.sqrt32(M_INF, RNE, f));
            expect64(D_CNAN, NV, f -> SoftFloat.sqrt64(d(-0x1p-1074), RNE, f));
            expect64(D_CNAN, NV, f -> SoftFloat.mul64(D_INF, 0, RNE, f));
        }

        @Test
        void squareRootOfMinusZeroIsMinusZero() {
            expect32(N0, 0, f -> SoftFloat.sqrt32(N0, RNE, f));
            expect64(Long.MIN_VALUE, 0, f -> SoftFloat.sqrt64(Long.MIN_VALUE, RDN, f));
        }
    }

    @Nested
    final class DivideByZero {
        @Test
        void finiteOverZeroIsASignedInfinity() {
            expect32(INF, DZ, f -> SoftFloat.div32(ONE, P0, RNE, f));
            expect32(M_INF, DZ, f -> SoftFloat.div32(ONE, N0, RTZ, f));
            expect32(INF, DZ, f -> SoftFloat.div32(MIN_SUB | N0, N0, RNE, f));
            expect64(D_INF | Long.MIN_VALUE, DZ, f -> SoftFloat.div64(d(-3.0), 0, RNE, f));
        }

        @Test
        void infinityOverZeroIsNotADivisionByZero() {
            expect32(INF, 0, f -> SoftFloat.div32(INF, P0, RNE, f));
        }
    }

    @Nested
    final class Rounding {
        @Test
        void everyModeRoundsOneThird() {
            int third = 0x3eaa_aaab; // RN(1/3) rounds up
            expect32(third, NX, f -> SoftFloat.div32(ONE, 0x4040_0000, RNE, f));
            expect32(third - 1, NX, f -> SoftFloat.div32(ONE, 0x4040_0000, RTZ, f));
            expect32(third - 1, NX, f -> SoftFloat.div32(ONE, 0x4040_0000, RDN, f));
            expect32(third, NX, f -> SoftFloat.div32(ONE, 0x4040_0000, RUP, f));
            expect32(third, NX, f -> SoftFloat.div32(ONE, 0x4040_0000, RMM, f));
            expect32(third | N0, NX, f -> SoftFloat.div32(M_ONE, 0x4040_0000, RDN, f));
            expect32((third - 1) | N0, NX, f -> SoftFloat.div32(M_ONE, 0x4040_0000, RUP, f));
        }

        @Test
        void tiesGoToEvenOrAwayFromZero() {
            long half = d(0x1p-53); // 1 + 2^-53 is half-way between 1 and 1 + 2^-52
            expect64(D_ONE, NX, f -> SoftFloat.add64(D_ONE, half, RNE, f));
            expect64(D_ONE + 1, NX, f -> SoftFloat.add64(D_ONE, half, RMM, f));
            expect64(D_ONE | Long.MIN_VALUE, NX, f -> SoftFloat.sub64(D_ONE | Long.MIN_VALUE, half, RNE, f));
            expect64((D_ONE + 1) | Long.MIN_VALUE, NX, f -> SoftFloat.sub64(D_ONE | Long.MIN_VALUE, half, RMM, f));
            // 1 + 3*2^-53 is half-way between two odd-even neighbours: both modes go up
            expect64(D_ONE + 2, NX, f -> SoftFloat.add64(D_ONE + 1, half, RNE, f));
            expect64(D_ONE + 2, NX, f -> SoftFloat.add64(D_ONE + 1, half, RMM, f));
            // integer conversion ties
            expect64(2, NX, f -> SoftFloat.f64ToI64(d(2.5), RNE, f));
            expect64(3, NX, f -> SoftFloat.f64ToI64(d(2.5), RMM, f));
            expect64(-3, NX, f -> SoftFloat.f64ToI64(d(-2.5), RMM, f));
            // just short of the tie: x - floor(x) is not exact for this one
            expect64(0, NX, f -> SoftFloat.f64ToI64(d(-0.49999999999999994), RMM, f));
            expect64(0, NX, f -> SoftFloat.f32ToI32(s(0.49999997f), RMM, f));
        }

        @Test
        void anExactZeroSumIsPositiveExceptWhenRoundingDown() {
            for (int rm : new int[] {RNE, RTZ, RUP, RMM}) {
                expect32(P0, 0, f -> SoftFloat.add32(ONE, M_ONE, rm, f));
                expect32(P0, 0, f -> SoftFloat.add32(P0, N0, rm, f));
                expect64(0, 0, f -> SoftFloat.sub64(D_MAX, D_MAX, rm, f));
            }
            expect32(N0, 0, f -> SoftFloat.add32(ONE, M_ONE, RDN, f));
            expect32(N0, 0, f -> SoftFloat.add32(P0, N0, RDN, f));
            expect64(Long.MIN_VALUE, 0, f -> SoftFloat.sub64(D_MAX, D_MAX, RDN, f));
            expect32(N0, 0, f -> SoftFloat.add32(N0, N0, RNE, f));
        }
    }

    @Nested
    final class OverflowAndUnderflow {
        @Test
        void overflowGoesToInfinityOrTheLargestFiniteNumberByMode() {
            expect32(INF, OF | NX, f -> SoftFloat.mul32(MAX, TWO, RNE, f));
            expect32(INF, OF | NX, f -> SoftFloat.mul32(MAX, TWO, RMM, f));
            expect32(MAX, OF | NX, f -> SoftFloat.mul32(MAX, TWO, RTZ, f));
            expect32(MAX, OF | NX, f -> SoftFloat.mul32(MAX, TWO, RDN, f));
            expect32(INF, OF | NX, f -> SoftFloat.mul32(MAX, TWO, RUP, f));
            expect32(M_INF, OF | NX, f -> SoftFloat.mul32(M_MAX, TWO, RDN, f));
            expect32(M_MAX, OF | NX, f -> SoftFloat.mul32(M_MAX, TWO, RUP, f));
            expect64(D_MAX, OF | NX, f -> SoftFloat.add64(D_MAX, D_MAX, RTZ, f));
            expect64(D_INF, OF | NX, f -> SoftFloat.add64(D_MAX, D_MAX, RNE, f));
        }

        @Test
        void justAboveTheLargestFiniteNumberIsOnlyInexactWhenItRoundsBackDown() {
            // MAX + ulp/4 rounds to MAX with unbounded exponent: no overflow in RNE or RTZ, but RUP overflows
            int quarterUlp = 0x7280_0000; // 2^102, a quarter of float's top ulp 2^104
            expect32(MAX, NX, f -> SoftFloat.add32(MAX, quarterUlp, RNE, f));
            expect32(MAX, NX, f -> SoftFloat.add32(MAX, quarterUlp, RTZ, f));
            expect32(INF, OF | NX, f -> SoftFloat.add32(MAX, quarterUlp, RUP, f));
        }

        @Test
        void anExactSubnormalResultDoesNotUnderflow() {
            expect32(0x0040_0000, 0, f -> SoftFloat.mul32(MIN_NORMAL, 0x3f00_0000, RNE, f)); // 2^-127
            expect64(1, 0, f -> SoftFloat.sub64(d(0x1p-1022 + 0x1p-1074), d(0x1p-1022), RNE, f));
        }

        @Test
        void aTinyInexactResultUnderflows() {
            expect32(MIN_SUB, UF | NX, f -> SoftFloat.mul32(MIN_SUB, 0x3f40_0000, RNE, f)); // 0.75 of the smallest
            expect32(P0, UF | NX, f -> SoftFloat.mul32(MIN_SUB, 0x3f00_0000, RNE, f));     // tie to even: zero
            expect32(MIN_SUB, UF | NX, f -> SoftFloat.mul32(MIN_SUB, 0x3f00_0000, RUP, f));
            expect64(0, UF | NX, f -> SoftFloat.mul64(1, d(0.25), RNE, f));
        }

        @Test
        void tininessIsDetectedAfterRounding() {
            // 2^-126 * (1 - 2^-25) rounds to 2^-126 even with 24 bits and unbounded exponent: not tiny
            expect32(MIN_NORMAL, NX, f -> SoftFloat.f64ToF32(d(0x1p-126 * (1 - 0x1p-25)), RNE, f));
            // a hair lower it would round to 2^-126 (1 - 2^-24) with unbounded exponent, so it is tiny,
            // though the delivered subnormal-precision result is still 2^-126
            expect32(MIN_NORMAL, UF | NX, f -> SoftFloat.f64ToF32(d(0x1p-126 * (1 - 0x1p-25 - 0x1p-30)), RNE, f));
            // in RUP the first value is not tiny either (it rounds up at full precision)
            expect32(MIN_NORMAL, NX, f -> SoftFloat.f64ToF32(d(0x1p-126 * (1 - 0x1p-25 - 0x1p-30)), RUP, f));
            // and in binary64: (1 - 2^-53) * 2^-1022 is exact at full precision, hence tiny, though
            // RUP delivers 2^-1022 at subnormal precision
            long justBelowOne = d(1 - 0x1p-53);
            expect64(d(0x1p-1022), UF | NX, f -> SoftFloat.mul64(justBelowOne, d(0x1p-1022), RUP, f));
        }
    }

    @Nested
    final class FusedMultiplyAdd {
        @Test
        void roundsOnlyOnce() {
            // (1 + 2^-52)(1 - 2^-52) - 1 = -2^-104 exactly, which two roundings would lose
            expect64(d(-0x1p-104), 0, f -> SoftFloat.fma64(D_ONE + 1, d(1 - 0x1p-52), d(-1.0), RNE, f));
            expect32(s(-0x1p-46f), 0, f -> SoftFloat.fma32(ONE + 1, s(1 - 0x1p-23f), M_ONE, RTZ, f));
        }

        @Test
        void infinityTimesZeroIsInvalidEvenWithAQuietNaNAddend() {
            expect32(CNAN, NV, f -> SoftFloat.fma32(INF, P0, QNAN, RNE, f));
            expect32(CNAN, NV, f -> SoftFloat.fma32(N0, M_INF, QNAN_PAYLOAD, RNE, f));
            expect64(D_CNAN, NV, f -> SoftFloat.fma64(0, D_INF, D_QNAN, RNE, f));
            // but a NaN multiplicand is just propagated as the canonical NaN
            expect32(CNAN, 0, f -> SoftFloat.fma32(QNAN, P0, ONE, RNE, f));
        }

        @Test
        void anInfiniteProductMinusTheSameInfinityIsInvalid() {
            expect32(CNAN, NV, f -> SoftFloat.fma32(INF, ONE, M_INF, RNE, f));
            expect32(INF, 0, f -> SoftFloat.fma32(INF, ONE, INF, RNE, f));
            expect32(M_INF, 0, f -> SoftFloat.fma32(ONE, ONE, M_INF, RNE, f));
        }

        @Test
        void negatedFormsComeFromNegatedInputs() {
            // FNMADD is -(a*b) - c: with a*b = 1 and c = -1 the exact zero is -0 under RDN, which
            // negating fma(1, 1, -1) (= -0 under RDN) would have turned into +0
            expect32(N0, 0, f -> SoftFloat.fma32(M_ONE, ONE, ONE, RDN, f));
            expect32(P0, 0, f -> SoftFloat.fma32(M_ONE, ONE, ONE, RNE, f));
            // negating a NaN input leaves the result canonical and positive
            expect32(CNAN, 0, f -> SoftFloat.fma32(QNAN ^ N0, ONE, ONE, RNE, f));
            expect32(CNAN, NV, f -> SoftFloat.fma32(ONE, ONE, SNAN ^ N0, RNE, f));
        }

        @Test
        void zeroProductsKeepTheAddendExactly() {
            expect32(MIN_SUB, 0, f -> SoftFloat.fma32(P0, MAX, MIN_SUB, RNE, f));
            expect32(N0, 0, f -> SoftFloat.fma32(N0, ONE, N0, RNE, f));
            expect32(P0, 0, f -> SoftFloat.fma32(N0, ONE, P0, RNE, f));
            expect32(N0, 0, f -> SoftFloat.fma32(N0, ONE, P0, RDN, f));
        }
    }

    @Nested
    final class MinMax {
        @Test
        void aSingleNaNIsIgnored() {
            expect32(ONE, 0, f -> SoftFloat.min32(QNAN, ONE, f));
            expect32(ONE, 0, f -> SoftFloat.max32(ONE, QNAN_PAYLOAD, f));
            expect64(D_ONE, 0, f -> SoftFloat.min64(D_ONE, D_QNAN, f));
        }

        @Test
        void aSignallingNaNRaisesInvalidEvenWhenANumberIsReturned() {
            expect32(ONE, NV, f -> SoftFloat.min32(SNAN, ONE, f));
            expect64(D_ONE, NV, f -> SoftFloat.max64(D_SNAN, D_ONE, f));
        }

        @Test
        void twoNaNsGiveTheCanonicalNaN() {
            expect32(CNAN, 0, f -> SoftFloat.max32(QNAN_PAYLOAD, QNAN_PAYLOAD, f));
            expect32(CNAN, NV, f -> SoftFloat.min32(QNAN, M_SNAN, f));
            expect64(D_CNAN, 0, f -> SoftFloat.min64(0xfff8_0000_0000_0001L, D_QNAN, f));
        }

        @Test
        void minusZeroIsLessThanPlusZero() {
            expect32(N0, 0, f -> SoftFloat.min32(P0, N0, f));
            expect32(P0, 0, f -> SoftFloat.max32(N0, P0, f));
            expect64(Long.MIN_VALUE, 0, f -> SoftFloat.min64(0, Long.MIN_VALUE, f));
            expect64(0, 0, f -> SoftFloat.max64(Long.MIN_VALUE, 0, f));
        }

        @Test
        void ordinaryValues() {
            expect32(M_INF, 0, f -> SoftFloat.min32(M_INF, MAX, f));
            expect32(MAX, 0, f -> SoftFloat.max32(M_INF, MAX, f));
        }
    }

    @Nested
    final class Comparisons {
        @Test
        void equalityIsQuiet() {
            var f = new Flags();
            assertFalse(SoftFloat.eq32(QNAN, QNAN, f));
            assertEquals(0, f.bits);
            assertFalse(SoftFloat.eq32(SNAN, ONE, f));
            assertEquals(NV, f.bits);
            assertTrue(SoftFloat.eq32(P0, N0, new Flags()));
            assertFalse(SoftFloat.eq64(D_QNAN, D_ONE, f = new Flags()));
            assertEquals(0, f.bits);
        }

        @Test
        void orderingIsSignalling() {
            var f = new Flags();
            assertFalse(SoftFloat.lt32(QNAN, ONE, f));
            assertEquals(NV, f.bits);
            assertFalse(SoftFloat.le64(D_ONE, D_QNAN, f = new Flags()));
            assertEquals(NV, f.bits);
        }

        @Test
        void signedZerosCompareEqual() {
            var f = new Flags();
            assertFalse(SoftFloat.lt32(N0, P0, f));
            assertTrue(SoftFloat.le32(P0, N0, f));
            assertTrue(SoftFloat.lt64(d(-0x1p-1074), 0, f));
            assertTrue(SoftFloat.le64(Long.MIN_VALUE, 0, f));
            assertEquals(0, f.bits);
        }
    }

    @Test
    void classifySetsExactlyTheRightBit() {
        int[] in = {M_INF, M_ONE, MIN_SUB | N0, N0, P0, MIN_SUB, ONE, INF, SNAN, QNAN};
        for (int i = 0; i < in.length; i++) assertEquals(1 << i, SoftFloat.classify32(in[i]), "class " + i);
        long[] ind = {D_INF | Long.MIN_VALUE, d(-1.0), d(-0x1p-1074), Long.MIN_VALUE, 0, 1, D_ONE, D_INF, D_SNAN, D_QNAN};
        for (int i = 0; i < ind.length; i++) assertEquals(1 << i, SoftFloat.classify64(ind[i]), "class " + i);
        assertEquals(1 << 9, SoftFloat.classify32(0xffc0_0000)); // a negative quiet NaN is still just a quiet NaN
        assertEquals(1 << 1, SoftFloat.classify32(M_MAX));
        assertEquals(1 << 6, SoftFloat.classify32(MIN_NORMAL));
    }

    @Nested
    final class ToInteger {
        @Test
        void nanAndOverflowSaturateWithInvalid() {
            expect64(Integer.MAX_VALUE, NV, f -> SoftFloat.f32ToI32(QNAN, RNE, f));
            expect64(Integer.MAX_VALUE, NV, f -> SoftFloat.f32ToI32(INF, RNE, f));
            expect64(Integer.MIN_VALUE, NV, f -> SoftFloat.f32ToI32(M_INF, RNE, f));
            expect64(Integer.MIN_VALUE, NV, f -> SoftFloat.f64ToI32(d(-2147483649.0), RNE, f));
            expect64(-1L, NV, f -> SoftFloat.f32ToU32(QNAN, RNE, f)); // 2^32-1, sign-extended
            expect64(-1L, NV, f -> SoftFloat.f64ToU32(d(4294967296.0), RNE, f));
            expect64(0, NV, f -> SoftFloat.f32ToU32(M_ONE, RNE, f));
            expect64(0, NV, f -> SoftFloat.f64ToU64(d(-1.0), RTZ, f));
            expect64(Long.MAX_VALUE, NV, f -> SoftFloat.f64ToI64(d(0x1p63), RNE, f));
            expect64(Long.MAX_VALUE, NV, f -> SoftFloat.f64ToI64(D_SNAN, RNE, f));
            expect64(Long.MIN_VALUE, NV, f -> SoftFloat.f32ToI64(M_INF, RNE, f));
            expect64(-1L, NV, f -> SoftFloat.f64ToU64(D_QNAN | Long.MIN_VALUE, RNE, f));
        }

        @Test
        void theRangeIsCheckedAfterRounding() {
            expect64(Integer.MIN_VALUE, NX, f -> SoftFloat.f64ToI32(d(-2147483648.5), RNE, f));
            expect64(Integer.MIN_VALUE, NV, f -> SoftFloat.f64ToI32(d(-2147483648.5), RMM, f));
            expect64(Integer.MAX_VALUE, NX, f -> SoftFloat.f64ToI32(d(2147483647.4), RNE, f));
            expect64(0, NX, f -> SoftFloat.f32ToU32(s(-0.4f), RNE, f));   // rounds to zero: fine
            expect64(0, NV, f -> SoftFloat.f32ToU32(s(-0.4f), RDN, f));   // rounds to -1: invalid
            expect64(0, 0, f -> SoftFloat.f64ToU64(Long.MIN_VALUE, RNE, f)); // -0 is exact
        }

        @Test
        void thirtyTwoBitResultsAreSignExtended() {
            expect64(0xffff_ffff_b2d0_5e00L, 0, f -> SoftFloat.f32ToU32(s(3e9f), RNE, f));
            expect64(-5, 0, f -> SoftFloat.f64ToI32(d(-5.0), RNE, f));
            expect64(0xffff_ffff_ffff_f000L, 0, f -> SoftFloat.f64ToU32(d(4294963200.0), RNE, f));
        }

        @Test
        void everyModeRoundsToInteger() {
            long x = d(-1.5);
            expect64(-2, NX, f -> SoftFloat.f64ToI64(x, RNE, f));
            expect64(-1, NX, f -> SoftFloat.f64ToI64(x, RTZ, f));
            expect64(-2, NX, f -> SoftFloat.f64ToI64(x, RDN, f));
            expect64(-1, NX, f -> SoftFloat.f64ToI64(x, RUP, f));
            expect64(-2, NX, f -> SoftFloat.f64ToI64(x, RMM, f));
            expect64(1, NX, f -> SoftFloat.f32ToI64(MIN_SUB, RUP, f));
        }

        @Test
        void largeValuesConvertExactly() {
            expect64(Long.MIN_VALUE, 0, f -> SoftFloat.f64ToI64(d(-0x1p63), RNE, f));
            expect64(0xffff_ffff_ffff_f800L, 0, f -> SoftFloat.f64ToU64(d(0x1p64 - 2048), RNE, f));
            expect64(1L << 40, 0, f -> SoftFloat.f32ToU64(s(0x1p40f), RTZ, f));
        }
    }

    @Nested
    final class FromInteger {
        @Test
        void roundsInEveryMode() {
            expect32(s(16777216f), NX, f -> SoftFloat.i32ToF32(16777217, RNE, f));
            expect32(s(16777218f), NX, f -> SoftFloat.i32ToF32(16777217, RUP, f));
            expect32(s(16777218f), NX, f -> SoftFloat.i32ToF32(16777217, RMM, f));
            expect32(s(-16777218f), NX, f -> SoftFloat.i32ToF32(-16777217, RDN, f));
            expect32(s(-16777216f), NX, f -> SoftFloat.i32ToF32(-16777217, RTZ, f));
        }

        @Test
        void unsignedSourcesAreReadAsUnsigned() {
            expect32(s(0x1p32f), NX, f -> SoftFloat.u32ToF32(-1, RNE, f));
            expect64(d(4294967295.0), 0, f -> SoftFloat.u32ToF64(-1, RNE, f));
            expect64(d(0x1p64), NX, f -> SoftFloat.u64ToF64(-1L, RNE, f));
            expect64(d(0x1p64 - 2048), NX, f -> SoftFloat.u64ToF64(-1L, RTZ, f));
            expect32(s(0x1p63f), 0, f -> SoftFloat.u64ToF32(Long.MIN_VALUE, RNE, f));
        }

        @Test
        void extremesAndZero() {
            expect32(s(-0x1p63f), 0, f -> SoftFloat.i64ToF32(Long.MIN_VALUE, RNE, f));
            expect64(d(-0x1p63), 0, f -> SoftFloat.i64ToF64(Long.MIN_VALUE, RUP, f));
            expect64(d(-2147483648.0), 0, f -> SoftFloat.i32ToF64(Integer.MIN_VALUE, RNE, f));
            expect32(P0, 0, f -> SoftFloat.i32ToF32(0, RDN, f));
            expect64(0, 0, f -> SoftFloat.u64ToF64(0, RDN, f));
        }
    }

    @Nested
    final class BetweenFormats {
        @Test
        void wideningIsExact() {
            expect64(d(0x1p-149), 0, f -> SoftFloat.f32ToF64(MIN_SUB, f));
            expect64(D_INF | Long.MIN_VALUE, 0, f -> SoftFloat.f32ToF64(M_INF, f));
            expect64(D_CNAN, 0, f -> SoftFloat.f32ToF64(QNAN_PAYLOAD, f));
        }

        @Test
        void narrowingRoundsAndOverflows() {
            expect32(INF, OF | NX, f -> SoftFloat.f64ToF32(D_MAX, RNE, f));
            expect32(MAX, OF | NX, f -> SoftFloat.f64ToF32(D_MAX, RTZ, f));
            expect32(P0, UF | NX, f -> SoftFloat.f64ToF32(1, RNE, f));
            expect32(MIN_SUB, UF | NX, f -> SoftFloat.f64ToF32(1, RUP, f));
            expect32(0x3eaa_aaaa, NX, f -> SoftFloat.f64ToF32(d(1.0 / 3), RTZ, f));
            expect32(N0, 0, f -> SoftFloat.f64ToF32(Long.MIN_VALUE, RNE, f));
        }
    }
}
