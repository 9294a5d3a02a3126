package org.jvirt.riscv.fpu;

import static org.jvirt.riscv.fpu.Rounding.INF32;
import static org.jvirt.riscv.fpu.Rounding.INF64;
import static org.jvirt.riscv.fpu.Rounding.SIGN32;
import static org.jvirt.riscv.fpu.Rounding.SIGN64;
import static org.jvirt.riscv.fpu.Rounding.fromProxy;
import static org.jvirt.riscv.fpu.Rounding.offset;
import static org.jvirt.riscv.fpu.Rounding.twoSumErr;
import static org.jvirt.riscv.fpu.SoftFloat.CANONICAL_NAN32;
import static org.jvirt.riscv.fpu.SoftFloat.CANONICAL_NAN64;
import static org.jvirt.riscv.fpu.SoftFloat.DZ;
import static org.jvirt.riscv.fpu.SoftFloat.NV;
import static org.jvirt.riscv.fpu.SoftFloat.RDN;

/**
 * The exact general paths of the arithmetic operations, for every rounding mode and for all the
 * operands the fast paths in {@link SoftFloat} decline: NaNs, infinities, zeros, subnormal or tiny
 * results, and results near overflow (unprivileged spec 20191213, sections 11.3, 11.4, 11.6 and
 * 12.4).
 *
 * <p>Every operation here computes the round-to-nearest double of the true result and the exact
 * position of the true result relative to it, then lets {@link Rounding#fromProxy} round it. For
 * binary32 the operands are exact doubles and the products, quotients and roots of 24-bit
 * significands stay far inside double's normal range, so TwoSum, products, and fma-computed
 * remainders are all exact. For binary64, mul/div/sqrt scale the operands' significands to [1, 2)
 * first so the same error-free transformations stay exact, and the exponents travel separately.
 * The one exception, fma on binary64, needs 106-bit products and lives in {@link Fma64}.
 */
final class Arith {
    private Arith() { }

    // ---- classification on raw bits ----

    static boolean isNaN32(int a) { return (a & ~SIGN32) > INF32; }
    static boolean isSNaN32(int a) { return isNaN32(a) && (a & 0x0040_0000) == 0; }
    static boolean isInf32(int a) { return (a & ~SIGN32) == INF32; }
    static boolean isZero32(int a) { return (a & ~SIGN32) == 0; }
    static boolean isNaN64(long a) { return (a & ~SIGN64) > INF64; }
    static boolean isSNaN64(long a) { return isNaN64(a) && (a & 0x0008_0000_0000_0000L) == 0; }
    static boolean isInf64(long a) { return (a & ~SIGN64) == INF64; }
    static boolean isZero64(long a) { return (a & ~SIGN64) == 0; }

    /** The sum of two zeros, or of x and -x: IEEE 754 section 6.3 gives -0 only when rounding down. */
    private static int exactZero32(int rm) { return rm == RDN ? SIGN32 : 0; }
    private static long exactZero64(int rm) { return rm == RDN ? SIGN64 : 0; }

    private static double d32(int a) { return Float.intBitsToFloat(a); }

    private static int nan32(int a, int b, Flags f) {
        if (isSNaN32(a) || isSNaN32(b)) f.bits |= NV;
        return CANONICAL_NAN32;
    }

    private static long nan64(long a, long b, Flags f) {
        if (isSNaN64(a) || isSNaN64(b)) f.bits |= NV;
        return CANONICAL_NAN64;
    }

    private static int invalid32(Flags f) {
        f.bits |= NV;
        return CANONICAL_NAN32;
    }

    private static long invalid64(Flags f) {
        f.bits |= NV;
        return CANONICAL_NAN64;
    }

    // ---- binary32 ----

    static int add32(int a, int b, int rm, Flags f) {
        if (isNaN32(a) || isNaN32(b)) return nan32(a, b, f);
        if (isInf32(a)) return isInf32(b) && (a ^ b) < 0 ? invalid32(f) : a;
        if (isInf32(b)) return b;
        if (isZero32(a)) return isZero32(b) ? ((a ^ b) < 0 ? exactZero32(rm) : a) : b;
        if (isZero32(b)) return a;
        double x = d32(a);
        double y = d32(b);
        double s = x + y;
        if (s == 0) return exactZero32(rm);
        return (int) fromProxy(false, s < 0, Math.abs(s), offset(s, twoSumErr(x, y, s)), 0, rm, f);
    }

    static int mul32(int a, int b, int rm, Flags f) {
        if (isNaN32(a) || isNaN32(b)) return nan32(a, b, f);
        int sign = (a ^ b) & SIGN32;
        if (isInf32(a) || isInf32(b)) return isZero32(a) || isZero32(b) ? invalid32(f) : sign | INF32;
        if (isZero32(a) || isZero32(b)) return sign;
        double p = d32(a) * d32(b); // 48-bit product: exact in double
        return (int) fromProxy(false, sign != 0, Math.abs(p), 0, 0, rm, f);
    }

    static int div32(int a, int b, int rm, Flags f) {
        if (isNaN32(a) || isNaN32(b)) return nan32(a, b, f);
        int sign = (a ^ b) & SIGN32;
        if (isInf32(a)) return isInf32(b) ? invalid32(f) : sign | INF32;
        if (isInf32(b)) return sign;
        if (isZero32(b)) {
            if (isZero32(a)) return invalid32(f);
            f.bits |= DZ;
            return sign | INF32;
        }
        if (isZero32(a)) return sign;
        double x = Math.abs(d32(a));
        double y = Math.abs(d32(b));
        double q = x / y;
        double r = Math.fma(-q, y, x); // exact remainder: its sign says which side of q the quotient lies
        return (int) fromProxy(false, sign != 0, q, (int) Math.signum(r), 0, rm, f);
    }

    static int sqrt32(int a, int rm, Flags f) {
        if (isNaN32(a)) return nan32(a, a, f);
        if (isZero32(a)) return a;
        if (a < 0) return invalid32(f);
        if (isInf32(a)) return a;
        double x = d32(a);
        double y = Math.sqrt(x);
        double r = Math.fma(-y, y, x);
        return (int) fromProxy(false, false, y, (int) Math.signum(r), 0, rm, f);
    }

    /**
     * a*b+c with one rounding. The 48-bit product is exact in double, and TwoSum then gives the
     * correctly rounded double of the sum and its exact error, which is all the proxy rounding needs.
     */
    static int fma32(int a, int b, int c, int rm, Flags f) {
        if (isNaN32(a) || isNaN32(b) || isNaN32(c)) {
            if (isSNaN32(a) || isSNaN32(b) || isSNaN32(c)) f.bits |= NV;
            // Section 11.6: inf * 0 sets NV even when the addend is a quiet NaN.
            if (!isNaN32(a) && !isNaN32(b) && (isInf32(a) && isZero32(b) || isZero32(a) && isInf32(b))) f.bits |= NV;
            return CANONICAL_NAN32;
        }
        int signP = (a ^ b) & SIGN32;
        if (isInf32(a) || isInf32(b)) {
            if (isZero32(a) || isZero32(b)) return invalid32(f);
            if (isInf32(c) && (c & SIGN32) != signP) return invalid32(f);
            return signP | INF32;
        }
        if (isInf32(c)) return c;
        if (isZero32(a) || isZero32(b)) {
            if (!isZero32(c)) return c;
            return (c & SIGN32) == signP ? c : exactZero32(rm);
        }
        double p = d32(a) * d32(b);
        if (isZero32(c)) return (int) fromProxy(false, p < 0, Math.abs(p), 0, 0, rm, f);
        double z = d32(c);
        double s = p + z;
        if (s == 0) return exactZero32(rm);
        return (int) fromProxy(false, s < 0, Math.abs(s), offset(s, twoSumErr(p, z, s)), 0, rm, f);
    }

    // ---- binary64 ----

    private static double d64(long a) { return Double.longBitsToDouble(a); }

    static long add64(long a, long b, int rm, Flags f) {
        if (isNaN64(a) || isNaN64(b)) return nan64(a, b, f);
        if (isInf64(a)) return isInf64(b) && (a ^ b) < 0 ? invalid64(f) : a;
        if (isInf64(b)) return b;
        if (isZero64(a)) return isZero64(b) ? ((a ^ b) < 0 ? exactZero64(rm) : a) : b;
        if (isZero64(b)) return a;
        double x = d64(a);
        double y = d64(b);
        int scale = 0;
        double s = x + y;
        if (Double.isInfinite(s)) {
            // Both operands are then at least 2^969, so halving them is exact and the sum fits.
            x *= 0.5;
            y *= 0.5;
            s = x + y;
            scale = 1;
        }
        if (s == 0) return exactZero64(rm);
        return fromProxy(true, s < 0, Math.abs(s), offset(s, twoSumErr(x, y, s)), scale, rm, f);
    }

    static long mul64(long a, long b, int rm, Flags f) {
        if (isNaN64(a) || isNaN64(b)) return nan64(a, b, f);
        long sign = (a ^ b) & SIGN64;
        if (isInf64(a) || isInf64(b)) return isZero64(a) || isZero64(b) ? invalid64(f) : sign | INF64;
        if (isZero64(a) || isZero64(b)) return sign;
        return mulFinite(a, b, rm, f);
    }

    /** The product of two finite non-zero binary64 values, in any mode, exactly. */
    static long mulFinite(long a, long b, int rm, Flags f) {
        double x = Rounding.significand(a);
        double y = Rounding.significand(b);
        double p = x * y;
        double e = Math.fma(x, y, -p); // TwoProduct: exact, as the scaled operands are nowhere near underflow
        int scale = Rounding.exponent(a) + Rounding.exponent(b);
        return fromProxy(true, (a ^ b) < 0, p, offset(p, e), scale, rm, f);
    }

    static long div64(long a, long b, int rm, Flags f) {
        if (isNaN64(a) || isNaN64(b)) return nan64(a, b, f);
        long sign = (a ^ b) & SIGN64;
        if (isInf64(a)) return isInf64(b) ? invalid64(f) : sign | INF64;
        if (isInf64(b)) return sign;
        if (isZero64(b)) {
            if (isZero64(a)) return invalid64(f);
            f.bits |= DZ;
            return sign | INF64;
        }
        if (isZero64(a)) return sign;
        double x = Rounding.significand(a);
        double y = Rounding.significand(b);
        double q = x / y;
        // A quotient is never exactly half-way between doubles (it would need 54 significant bits,
        // yet a terminating quotient of 53-bit significands has at most 53), so the remainder's
        // sign is all the position information needed.
        double r = Math.fma(-q, y, x);
        int scale = Rounding.exponent(a) - Rounding.exponent(b);
        return fromProxy(true, sign != 0, q, (int) Math.signum(r), scale, rm, f);
    }

    static long sqrt64(long a, int rm, Flags f) {
        if (isNaN64(a)) return nan64(a, a, f);
        if (isZero64(a)) return a;
        if (a < 0) return invalid64(f);
        if (isInf64(a)) return a;
        int e = Rounding.exponent(a);
        double x = Rounding.significand(a);
        if ((e & 1) != 0) { // make the exponent even so that it halves exactly
            x *= 2;
            e--;
        }
        double y = Math.sqrt(x);
        double r = Math.fma(-y, y, x); // no root of a 53-bit number is a tie, so the sign suffices
        return fromProxy(true, false, y, (int) Math.signum(r), e / 2, rm, f);
    }

    static long fma64(long a, long b, long c, int rm, Flags f) {
        if (isNaN64(a) || isNaN64(b) || isNaN64(c)) {
            if (isSNaN64(a) || isSNaN64(b) || isSNaN64(c)) f.bits |= NV;
            if (!isNaN64(a) && !isNaN64(b) && (isInf64(a) && isZero64(b) || isZero64(a) && isInf64(b))) f.bits |= NV;
            return CANONICAL_NAN64;
        }
        long signP = (a ^ b) & SIGN64;
        if (isInf64(a) || isInf64(b)) {
            if (isZero64(a) || isZero64(b)) return invalid64(f);
            if (isInf64(c) && (c & SIGN64) != signP) return invalid64(f);
            return signP | INF64;
        }
        if (isInf64(c)) return c;
        if (isZero64(a) || isZero64(b)) {
            if (!isZero64(c)) return c;
            return (c & SIGN64) == signP ? c : exactZero64(rm);
        }
        if (isZero64(c)) return mulFinite(a, b, rm, f); // x = a*b exactly, never zero
        return Fma64.fmaFinite(a, b, c, rm, f);
    }
}
