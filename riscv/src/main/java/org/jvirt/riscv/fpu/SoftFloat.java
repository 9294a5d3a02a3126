package org.jvirt.riscv.fpu;

import static org.jvirt.riscv.fpu.Arith.isNaN32;
import static org.jvirt.riscv.fpu.Arith.isNaN64;
import static org.jvirt.riscv.fpu.Arith.isSNaN32;
import static org.jvirt.riscv.fpu.Arith.isSNaN64;
import static org.jvirt.riscv.fpu.Rounding.twoSumErr;

/**
 * An exact IEEE 754-2008 floating-point unit for the RISC-V "F" and "D" extensions (unprivileged
 * spec 20191213, chapters 11 and 12), on raw bit patterns: binary32 in an {@code int}, binary64
 * in a {@code long}.
 *
 * <p>Every operation honours all five rounding modes ({@link #RNE}, {@link #RTZ}, {@link #RDN},
 * {@link #RUP}, {@link #RMM}; section 11.2, Table 11.1) and ORs the exceptions it raises into a
 * {@link Flags} accumulator laid out like {@code fflags} ({@link #NX}, {@link #UF}, {@link #OF},
 * {@link #DZ}, {@link #NV}). The hart resolves the dynamic mode (rm=7) from {@code frm} before
 * calling; the reserved modes 5 and 6 must never reach this class.
 *
 * <p>The RISC-V choices, all implemented here:
 * <ul>
 * <li>Every NaN result is the canonical NaN, {@code 0x7fc00000} or {@code 0x7ff8000000000000}
 *     (section 11.3); NaN payloads never propagate. Signalling NaN operands raise NV.</li>
 * <li>Tininess is detected after rounding (section 11.4), and UF is raised only for a tiny
 *     inexact result.</li>
 * <li>On overflow the result is infinity or the largest finite number, per the rounding mode.</li>
 * <li>A finite non-zero dividend over zero raises DZ; 0/0, &infin;-&infin;, 0&times;&infin; and the
 *     square root of a negative number raise NV and return the canonical NaN.</li>
 * </ul>
 *
 * <p>Performance: for RNE, the common case, each arithmetic operation uses Java's own double or
 * float arithmetic and decides NX with an error-free transformation (TwoSum for add, an fma
 * residual for mul, div and sqrt, and for fma a comparison of the product and of result minus
 * addend as exact double-double pairs); whenever an operand or the result is special, subnormal,
 * tiny or near overflow, or the mode is not RNE, it falls back to the exact general path in
 * {@link Arith}, which handles every mode. Conversions to integers take Java's rounding to
 * integral values for |x| &lt; 2<sup>31</sup> in any mode. All of it is checked against
 * recorded RISC-V executions and an exact BigDecimal oracle in the tests.
 *
 * <p>Negated fused forms: the hart derives FMSUB, FNMSUB and FNMADD (section 11.6) from
 * {@link #fma32}/{@link #fma64} by flipping sign bits of the inputs: FMSUB negates {@code c},
 * FNMSUB negates {@code a} (that is, the product), FNMADD negates both {@code a} and {@code c}.
 * This is exact in every rounding mode because the spec defines those instructions as
 * &plusmn;(a&times;b)&plusmn;c with the negations applied before the single rounding, not as the
 * negation of a rounded result. It must not negate the result instead: under RDN and RUP that
 * rounds the wrong way, and it gives an exact zero the wrong sign. Flipping the sign of a NaN input is harmless:
 * the quiet bit (so whether NV is raised) is unchanged, and the result is the canonical NaN,
 * whose sign is positive, whatever the input NaN's sign.
 */
public final class SoftFloat {
    private SoftFloat() { }

    /** Round to nearest, ties to even (rm = 000). */
    public static final int RNE = 0;
    /** Round towards zero (rm = 001). */
    public static final int RTZ = 1;
    /** Round down, towards -&infin; (rm = 010). */
    public static final int RDN = 2;
    /** Round up, towards +&infin; (rm = 011). */
    public static final int RUP = 3;
    /** Round to nearest, ties to max magnitude (rm = 100). */
    public static final int RMM = 4;

    /** Inexact. */
    public static final int NX = 1;
    /** Underflow. */
    public static final int UF = 2;
    /** Overflow. */
    public static final int OF = 4;
    /** Divide by zero. */
    public static final int DZ = 8;
    /** Invalid operation. */
    public static final int NV = 16;

    /** The canonical binary32 NaN (section 11.3). */
    public static final int CANONICAL_NAN32 = 0x7fc0_0000;
    /** The canonical binary64 NaN: section 11.3's pattern widened (chapter 12). */
    public static final long CANONICAL_NAN64 = 0x7ff8_0000_0000_0000L;

    private static final long BOX = 0xffff_ffff_0000_0000L;
    private static final long SIGN64 = Long.MIN_VALUE;

    /** Sentinel of the binary32 fast path: outside the range of an int's bits widened to long. */
    private static final long SLOW = Long.MIN_VALUE;
    /** Below this magnitude binary64 error-free transformations may lose bits to underflow. */
    private static final double SAFE_MIN = 0x1p-969;
    /** Below this magnitude sums of two values cannot overflow. */
    private static final double SAFE_MAX = 0x1p1022;

    // ---- NaN boxing (section 12.2) ----

    /**
     * The binary32 value held in a 64-bit FP register: its low half if the upper 32 bits are all
     * ones (a properly NaN-boxed value), otherwise the canonical NaN, as section 12.2 requires.
     */
    public static int unbox32(long fregBits) {
        return (fregBits & BOX) == BOX ? (int) fregBits : CANONICAL_NAN32;
    }

    /** NaN-boxes a binary32 value for a 64-bit FP register (section 12.2). */
    public static long box32(int bits) {
        return BOX | (bits & 0xffff_ffffL);
    }

    // ---- binary32 arithmetic (section 11.6) ----

    /** FADD.S. */
    public static int add32(int a, int b, int rm, Flags f) {
        if (rm == RNE) {
            double x = Float.intBitsToFloat(a);
            double y = Float.intBitsToFloat(b);
            double s = x + y;
            long r = fast32(s, twoSumErr(x, y, s) != 0, f);
            if (r != SLOW) return (int) r;
        }
        return Arith.add32(a, b, rm, f);
    }

    /** FSUB.S: a + (-b); flipping a NaN's sign changes nothing observable. */
    public static int sub32(int a, int b, int rm, Flags f) {
        return add32(a, b ^ Rounding.SIGN32, rm, f);
    }

    /** FMUL.S. */
    public static int mul32(int a, int b, int rm, Flags f) {
        if (rm == RNE) {
            // The product of two 24-bit significands is exact in double.
            long r = fast32((double) Float.intBitsToFloat(a) * Float.intBitsToFloat(b), false, f);
            if (r != SLOW) return (int) r;
        }
        return Arith.mul32(a, b, rm, f);
    }

    /** FDIV.S. */
    public static int div32(int a, int b, int rm, Flags f) {
        if (rm == RNE) {
            double x = Float.intBitsToFloat(a);
            double y = Float.intBitsToFloat(b);
            double q = x / y;
            long r = fast32(q, Math.fma(-q, y, x) != 0, f);
            if (r != SLOW) return (int) r;
        }
        return Arith.div32(a, b, rm, f);
    }

    /** FSQRT.S. */
    public static int sqrt32(int a, int rm, Flags f) {
        if (rm == RNE) {
            double x = Float.intBitsToFloat(a);
            double y = Math.sqrt(x);
            long r = fast32(y, Math.fma(-y, y, x) != 0, f);
            if (r != SLOW) return (int) r;
        }
        return Arith.sqrt32(a, rm, f);
    }

    /**
     * FMADD.S: a&times;b+c rounded once. See the class comment for how the hart must derive
     * FMSUB.S, FNMSUB.S and FNMADD.S from it.
     */
    public static int fma32(int a, int b, int c, int rm, Flags f) {
        if (rm == RNE) {
            double p = (double) Float.intBitsToFloat(a) * Float.intBitsToFloat(b);
            double z = Float.intBitsToFloat(c);
            double s = p + z;
            long r = fast32(s, twoSumErr(p, z, s) != 0, f);
            if (r != SLOW) return (int) r;
        }
        return Arith.fma32(a, b, c, rm, f);
    }

    /**
     * Rounds the double {@code s} to float when that is safe: s must be RN(x) of the true result x
     * ({@code inexact} telling whether s != x), the float must be normal, finite and above the
     * smallest normal (so neither tiny nor overflowed), and when s is inexact it must not sit on a
     * float tie, where rounding s again could go the wrong way. Otherwise returns {@link #SLOW}.
     */
    private static long fast32(double s, boolean inexact, Flags f) {
        float r = (float) s;
        float ar = Math.abs(r);
        if (ar > Float.MIN_NORMAL && ar <= Float.MAX_VALUE
                && (!inexact || (Double.doubleToRawLongBits(s) & 0x1fff_ffffL) != 0x1000_0000L)) {
            if (inexact || r != s) f.bits |= NX;
            return Float.floatToRawIntBits(r);
        }
        return SLOW;
    }

    // ---- binary64 arithmetic (section 12.4) ----

    /** FADD.D. */
    public static long add64(long a, long b, int rm, Flags f) {
        if (rm == RNE) {
            double x = Double.longBitsToDouble(a);
            double y = Double.longBitsToDouble(b);
            double s = x + y;
            // A finite sum means finite operands and no overflow; subnormal sums are always exact,
            // and TwoSum's error is exact even then, so Java's result and sign of zero are right.
            if (Math.abs(s) <= Double.MAX_VALUE) {
                if (twoSumErr(x, y, s) != 0) f.bits |= NX;
                return Double.doubleToRawLongBits(s);
            }
        }
        return Arith.add64(a, b, rm, f);
    }

    /** FSUB.D: a + (-b). */
    public static long sub64(long a, long b, int rm, Flags f) {
        return add64(a, b ^ SIGN64, rm, f);
    }

    /** FMUL.D. */
    public static long mul64(long a, long b, int rm, Flags f) {
        if (rm == RNE) {
            double x = Double.longBitsToDouble(a);
            double y = Double.longBitsToDouble(b);
            double p = x * y;
            double ap = Math.abs(p);
            // At or above SAFE_MIN the product's error is a multiple of 2^-1074, so fma gets it exactly.
            if (ap >= SAFE_MIN && ap <= Double.MAX_VALUE) {
                if (Math.fma(x, y, -p) != 0) f.bits |= NX;
                return Double.doubleToRawLongBits(p);
            }
        }
        return Arith.mul64(a, b, rm, f);
    }

    /** FDIV.D. */
    public static long div64(long a, long b, int rm, Flags f) {
        if (rm == RNE) {
            double x = Double.longBitsToDouble(a);
            double y = Double.longBitsToDouble(b);
            double q = x / y;
            double ax = Math.abs(x);
            double ay = Math.abs(y);
            double aq = Math.abs(q);
            // With a normal divisor and dividend and quotient at least SAFE_MIN, the remainder
            // x - q*y is a multiple of 2^-1074 that fits 53 bits, so the fma computes it exactly.
            if (aq >= SAFE_MIN && aq <= Double.MAX_VALUE && ax >= SAFE_MIN && ax <= Double.MAX_VALUE
                    && ay >= Double.MIN_NORMAL && ay <= Double.MAX_VALUE) {
                if (Math.fma(-q, y, x) != 0) f.bits |= NX;
                return Double.doubleToRawLongBits(q);
            }
        }
        return Arith.div64(a, b, rm, f);
    }

    /** FSQRT.D. */
    public static long sqrt64(long a, int rm, Flags f) {
        if (rm == RNE) {
            double x = Double.longBitsToDouble(a);
            if (x >= SAFE_MIN && x <= Double.MAX_VALUE) {
                double y = Math.sqrt(x);
                if (Math.fma(-y, y, x) != 0) f.bits |= NX;
                return Double.doubleToRawLongBits(y);
            }
        }
        return Arith.sqrt64(a, rm, f);
    }

    /**
     * FMADD.D: a&times;b+c rounded once, exactly, in every mode. See the class comment for how the
     * hart must derive FMSUB.D, FNMSUB.D and FNMADD.D from it.
     */
    public static long fma64(long a, long b, long c, int rm, Flags f) {
        if (rm == RNE) {
            double x = Double.longBitsToDouble(a);
            double y = Double.longBitsToDouble(b);
            double z = Double.longBitsToDouble(c);
            double r = Math.fma(x, y, z); // correctly rounded; only NX remains to be decided
            double p = x * y;
            double d = r - z;
            double ar = Math.abs(r);
            double ap = Math.abs(p);
            // x*y = p + pe (TwoProduct) and r - z = d + de (TwoSum) are both exact here, and each
            // pair is (RN(v), v - RN(v)) of its value v, so the values are equal, i.e. r is exact,
            // precisely when the pairs are. Requiring r above the smallest normal rules out
            // tininess, p at least SAFE_MIN keeps pe exact, and staying below 2^1022 keeps every
            // intermediate of TwoSum finite.
            if (ar > Double.MIN_NORMAL && ar < SAFE_MAX && ap >= SAFE_MIN && ap < SAFE_MAX
                    && Math.abs(z) < SAFE_MAX && Math.abs(d) < SAFE_MAX) {
                if (p != d || Math.fma(x, y, -p) != twoSumErr(r, -z, d)) f.bits |= NX;
                return Double.doubleToRawLongBits(r);
            }
        }
        return Arith.fma64(a, b, c, rm, f);
    }

    // ---- min/max (sections 11.6 and 12.4) ----

    /**
     * FMIN.S, with the 2.2+ semantics (IEEE 754-2019 minimumNumber): a NaN operand yields the
     * other operand, two NaNs the canonical NaN; any signalling NaN raises NV even when the
     * result is a number; -0 is less than +0.
     */
    public static int min32(int a, int b, Flags f) {
        return minMax32(a, b, true, f);
    }

    /** FMAX.S: as {@link #min32} but maximumNumber; +0 is greater than -0. */
    public static int max32(int a, int b, Flags f) {
        return minMax32(a, b, false, f);
    }

    private static int minMax32(int a, int b, boolean min, Flags f) {
        if (isSNaN32(a) || isSNaN32(b)) f.bits |= NV;
        boolean na = isNaN32(a);
        boolean nb = isNaN32(b);
        if (na) return nb ? CANONICAL_NAN32 : b;
        if (nb) return a;
        float x = Float.intBitsToFloat(a);
        float y = Float.intBitsToFloat(b);
        if (x != y) return (x < y) == min ? a : b;
        return min ? a | b : a & b; // equal: identical bits, or zeros where the sign bit decides
    }

    /** FMIN.D; see {@link #min32}. */
    public static long min64(long a, long b, Flags f) {
        return minMax64(a, b, true, f);
    }

    /** FMAX.D; see {@link #max32}. */
    public static long max64(long a, long b, Flags f) {
        return minMax64(a, b, false, f);
    }

    private static long minMax64(long a, long b, boolean min, Flags f) {
        if (isSNaN64(a) || isSNaN64(b)) f.bits |= NV;
        boolean na = isNaN64(a);
        boolean nb = isNaN64(b);
        if (na) return nb ? CANONICAL_NAN64 : b;
        if (nb) return a;
        double x = Double.longBitsToDouble(a);
        double y = Double.longBitsToDouble(b);
        if (x != y) return (x < y) == min ? a : b;
        return min ? a | b : a & b;
    }

    // ---- comparisons (section 11.8) ----

    /** FEQ.S: a quiet comparison, NV only for signalling NaNs; false if either is NaN. */
    public static boolean eq32(int a, int b, Flags f) {
        if (isNaN32(a) || isNaN32(b)) {
            if (isSNaN32(a) || isSNaN32(b)) f.bits |= NV;
            return false;
        }
        return Float.intBitsToFloat(a) == Float.intBitsToFloat(b);
    }

    /** FLT.S: a signalling comparison, NV for any NaN operand; false if either is NaN. */
    public static boolean lt32(int a, int b, Flags f) {
        if (isNaN32(a) || isNaN32(b)) {
            f.bits |= NV;
            return false;
        }
        return Float.intBitsToFloat(a) < Float.intBitsToFloat(b);
    }

    /** FLE.S: a signalling comparison, NV for any NaN operand; false if either is NaN. */
    public static boolean le32(int a, int b, Flags f) {
        if (isNaN32(a) || isNaN32(b)) {
            f.bits |= NV;
            return false;
        }
        return Float.intBitsToFloat(a) <= Float.intBitsToFloat(b);
    }

    /** FEQ.D; see {@link #eq32}. */
    public static boolean eq64(long a, long b, Flags f) {
        if (isNaN64(a) || isNaN64(b)) {
            if (isSNaN64(a) || isSNaN64(b)) f.bits |= NV;
            return false;
        }
        return Double.longBitsToDouble(a) == Double.longBitsToDouble(b);
    }

    /** FLT.D; see {@link #lt32}. */
    public static boolean lt64(long a, long b, Flags f) {
        if (isNaN64(a) || isNaN64(b)) {
            f.bits |= NV;
            return false;
        }
        return Double.longBitsToDouble(a) < Double.longBitsToDouble(b);
    }

    /** FLE.D; see {@link #le32}. */
    public static boolean le64(long a, long b, Flags f) {
        if (isNaN64(a) || isNaN64(b)) {
            f.bits |= NV;
            return false;
        }
        return Double.longBitsToDouble(a) <= Double.longBitsToDouble(b);
    }

    // ---- classification (section 11.9, Table 11.5) ----

    /**
     * FCLASS.S: exactly one bit set — 0 -&infin;, 1 negative normal, 2 negative subnormal, 3 -0,
     * 4 +0, 5 positive subnormal, 6 positive normal, 7 +&infin;, 8 signalling NaN, 9 quiet NaN.
     */
    public static int classify32(int a) {
        int be = (a >>> 23) & 0xff;
        int frac = a & 0x7f_ffff;
        return classify(a < 0, be == 0xff, be == 0, frac == 0, (frac & 0x40_0000) != 0);
    }

    /** FCLASS.D; see {@link #classify32}. */
    public static int classify64(long a) {
        int be = (int) (a >>> 52) & 0x7ff;
        long frac = a & 0x000f_ffff_ffff_ffffL;
        return classify(a < 0, be == 0x7ff, be == 0, frac == 0, (frac & 0x0008_0000_0000_0000L) != 0);
    }

    private static int classify(boolean neg, boolean maxExp, boolean zeroExp, boolean zeroFrac, boolean quiet) {
        if (maxExp) {
            if (!zeroFrac) return quiet ? 1 << 9 : 1 << 8;
            return neg ? 1 : 1 << 7;
        }
        if (zeroExp) {
            if (zeroFrac) return neg ? 1 << 3 : 1 << 4;
            return neg ? 1 << 2 : 1 << 5;
        }
        return neg ? 1 << 1 : 1 << 6;
    }

    // ---- conversions between formats (section 12.5) ----

    /** FCVT.D.S: exact; a NaN becomes the canonical NaN (NV if it was signalling). */
    public static long f32ToF64(int a, Flags f) {
        return Conversions.f32ToF64(a, f);
    }

    /** FCVT.S.D: rounds with {@code rm}; may raise NX, UF, OF, and NV for a signalling NaN. */
    public static int f64ToF32(long a, int rm, Flags f) {
        return Conversions.f64ToF32(a, rm, f);
    }

    // ---- floating point to integer (sections 11.7 and 12.5, Table 11.4) ----
    //
    // An out-of-range input or NaN raises NV only (never NX) and returns: NaN and positive
    // out-of-range -> the largest value of the type; negative out-of-range -> the smallest (0 for
    // the unsigned types, so e.g. -1.0 to unsigned is invalid while -0.4 is just inexact). The
    // range check applies to the rounded value. The 32-bit conversions return their 32-bit result
    // sign-extended to long, which is what RV64 writes to the integer register -- including the
    // unsigned ones, so 2^32-1 comes back as -1L.

    /** FCVT.W.S: the result sign-extended to 64 bits. */
    public static long f32ToI32(int a, int rm, Flags f) { return Conversions.f32ToInt(a, Conversions.I32, rm, f); }

    /** FCVT.WU.S: the 32-bit result sign-extended to 64 bits. */
    public static long f32ToU32(int a, int rm, Flags f) { return Conversions.f32ToInt(a, Conversions.U32, rm, f); }

    /** FCVT.L.S. */
    public static long f32ToI64(int a, int rm, Flags f) { return Conversions.f32ToInt(a, Conversions.I64, rm, f); }

    /** FCVT.LU.S: the unsigned 64-bit result in a long. */
    public static long f32ToU64(int a, int rm, Flags f) { return Conversions.f32ToInt(a, Conversions.U64, rm, f); }

    /** FCVT.W.D: the result sign-extended to 64 bits. */
    public static long f64ToI32(long a, int rm, Flags f) { return Conversions.f64ToInt(a, Conversions.I32, rm, f); }

    /** FCVT.WU.D: the 32-bit result sign-extended to 64 bits. */
    public static long f64ToU32(long a, int rm, Flags f) { return Conversions.f64ToInt(a, Conversions.U32, rm, f); }

    /** FCVT.L.D. */
    public static long f64ToI64(long a, int rm, Flags f) { return Conversions.f64ToInt(a, Conversions.I64, rm, f); }

    /** FCVT.LU.D: the unsigned 64-bit result in a long. */
    public static long f64ToU64(long a, int rm, Flags f) { return Conversions.f64ToInt(a, Conversions.U64, rm, f); }

    // ---- integer to floating point: only NX can be raised ----

    /** FCVT.S.W. */
    public static int i32ToF32(int v, int rm, Flags f) {
        if (v > -(1 << 24) && v < 1 << 24) return Float.floatToRawIntBits(v); // exact
        return (int) Conversions.fromInt(false, v < 0, Math.abs((long) v), rm, f);
    }

    /** FCVT.S.WU: {@code v} is read as unsigned. */
    public static int u32ToF32(int v, int rm, Flags f) {
        return (int) Conversions.fromInt(false, false, v & 0xffff_ffffL, rm, f);
    }

    /** FCVT.S.L. */
    public static int i64ToF32(long v, int rm, Flags f) {
        return (int) Conversions.fromInt(false, v < 0, v < 0 ? -v : v, rm, f);
    }

    /** FCVT.S.LU: {@code v} is read as unsigned. */
    public static int u64ToF32(long v, int rm, Flags f) {
        return (int) Conversions.fromInt(false, false, v, rm, f);
    }

    /** FCVT.D.W: always exact. */
    public static long i32ToF64(int v, int rm, Flags f) {
        return Double.doubleToRawLongBits(v);
    }

    /** FCVT.D.WU: always exact; {@code v} is read as unsigned. */
    public static long u32ToF64(int v, int rm, Flags f) {
        return Double.doubleToRawLongBits(v & 0xffff_ffffL);
    }

    /** FCVT.D.L. */
    public static long i64ToF64(long v, int rm, Flags f) {
        if (v > -(1L << 53) && v < 1L << 53) return Double.doubleToRawLongBits(v); // exact
        return Conversions.fromInt(true, v < 0, v < 0 ? -v : v, rm, f);
    }

    /** FCVT.D.LU: {@code v} is read as unsigned. */
    public static long u64ToF64(long v, int rm, Flags f) {
        return Conversions.fromInt(true, false, v, rm, f);
    }
}
