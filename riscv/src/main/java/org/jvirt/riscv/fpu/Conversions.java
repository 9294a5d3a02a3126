package org.jvirt.riscv.fpu;

import static org.jvirt.riscv.fpu.Arith.isInf64;
import static org.jvirt.riscv.fpu.Arith.isNaN32;
import static org.jvirt.riscv.fpu.Arith.isNaN64;
import static org.jvirt.riscv.fpu.Arith.isSNaN32;
import static org.jvirt.riscv.fpu.Arith.isSNaN64;
import static org.jvirt.riscv.fpu.Arith.isZero64;
import static org.jvirt.riscv.fpu.SoftFloat.CANONICAL_NAN32;
import static org.jvirt.riscv.fpu.SoftFloat.CANONICAL_NAN64;
import static org.jvirt.riscv.fpu.SoftFloat.NV;
import static org.jvirt.riscv.fpu.SoftFloat.NX;

/**
 * Conversions between the floating-point formats and integers (unprivileged spec 20191213,
 * sections 11.7 and 12.5). Floating-point sources are first unpacked to an exact sign,
 * integer significand and exponent, so binary32 and binary64 share one implementation.
 */
final class Conversions {
    private Conversions() { }

    /** Integer destination kinds. */
    static final int I32 = 0, U32 = 1, I64 = 2, U64 = 3;

    // ---- between formats ----

    static long f32ToF64(int a, Flags f) {
        if (isNaN32(a)) {
            if (isSNaN32(a)) f.bits |= NV;
            return CANONICAL_NAN64;
        }
        // Widening is exact, subnormals included.
        return Double.doubleToRawLongBits(Float.intBitsToFloat(a));
    }

    static int f64ToF32(long a, int rm, Flags f) {
        if (isNaN64(a)) {
            if (isSNaN64(a)) f.bits |= NV;
            return CANONICAL_NAN32;
        }
        int sign = (int) (a >>> 32) & Rounding.SIGN32;
        if (isInf64(a)) return sign | Rounding.INF32;
        if (isZero64(a)) return sign;
        if (rm == SoftFloat.RNE) {
            double d = Double.longBitsToDouble(a);
            float r = (float) d;
            float ar = Math.abs(r);
            // A normal, finite, not-minimum result can be neither tiny nor an overflow.
            if (ar > Float.MIN_NORMAL && ar <= Float.MAX_VALUE) {
                if (r != d) f.bits |= NX;
                return Float.floatToRawIntBits(r);
            }
        }
        return (int) Rounding.round(false, a < 0, sig64(a), exp64(a), rm, f);
    }

    // ---- floating point to integer ----

    /** binary32 to an integer of {@code kind}; see {@link SoftFloat#f32ToI32} for the results. */
    static long f32ToInt(int a, int kind, int rm, Flags f) {
        double x = Float.intBitsToFloat(a);
        if (Math.abs(x) < 0x1p31) { // false for NaN and infinities
            long r = fastToInt(x, kind, rm, f);
            if (r != SLOW) return r;
        }
        int be = (a >>> 23) & 0xff;
        long frac = a & 0x7f_ffffL;
        if (be == 0xff) return invalid(frac == 0 && a < 0, kind, f); // NaN counts as positive
        if (be == 0 && frac == 0) return 0;
        long sig = be == 0 ? frac : frac | (1L << 23);
        int exp = be == 0 ? -149 : be - 150;
        return toInt(a < 0, sig, exp, kind, rm, f);
    }

    /** binary64 to an integer of {@code kind}; see {@link SoftFloat#f64ToI32} for the results. */
    static long f64ToInt(long a, int kind, int rm, Flags f) {
        double x = Double.longBitsToDouble(a);
        if (Math.abs(x) < 0x1p31) {
            long r = fastToInt(x, kind, rm, f);
            if (r != SLOW) return r;
        }
        if (isNaN64(a)) return invalid(false, kind, f);
        if (isInf64(a)) return invalid(a < 0, kind, f);
        if (isZero64(a)) return 0;
        return toInt(a < 0, sig64(a), exp64(a), kind, rm, f);
    }

    /** Marks a declined fast conversion; no result of one is this value. */
    private static final long SLOW = Long.MIN_VALUE + 1;

    /**
     * The common case, |x| &lt; 2<sup>31</sup>: Java's own rounding to integral values is exact
     * there, and only the signed 32-bit maximum and negative values for unsigned types can still
     * be out of range (those are left to the general path, as is anything else).
     */
    private static long fastToInt(double x, int kind, int rm, Flags f) {
        double r = switch (rm) {
            case SoftFloat.RNE -> Math.rint(x);
            case SoftFloat.RTZ -> (double) (long) x;
            case SoftFloat.RDN -> Math.floor(x);
            case SoftFloat.RUP -> Math.ceil(x);
            case SoftFloat.RMM -> {
                // On the magnitude, where clearing the fraction bits makes the subtraction exact
                // (x - floor(x) for a small negative x would itself round).
                double ax = Math.abs(x);
                double fl = Math.floor(ax);
                yield Math.copySign(ax - fl >= 0.5 ? fl + 1 : fl, x);
            }
            default -> throw new IllegalArgumentException("rounding mode " + rm);
        };
        long v = (long) r;
        boolean fits = switch (kind) {
            case I32 -> v <= Integer.MAX_VALUE;
            case U32, U64 -> v >= 0;
            default -> true;
        };
        if (!fits) return SLOW;
        if (r != x) f.bits |= NX;
        return kind == U32 ? (int) v : v; // 32-bit results sign-extended, as the RV64 hart writes them
    }

    /**
     * Rounds &plusmn;sig&times;2<sup>exp</sup> (sig &lt; 2<sup>53</sup>, non-zero) to an integer and
     * checks it against the destination's range. The range is checked after rounding, as IEEE 754
     * section 5.8 requires, so e.g. -2<sup>31</sup>-0.5 still converts to -2<sup>31</sup> under RNE.
     */
    private static long toInt(boolean neg, long sig, int exp, int kind, int rm, Flags f) {
        long mag;
        boolean inexact = false;
        if (exp >= 0) {
            if (64 - Long.numberOfLeadingZeros(sig) + exp > 64) return invalid(neg, kind, f); // >= 2^64
            mag = sig << exp;
        } else {
            int sh = -exp;
            long kept = sh >= 64 ? 0 : sig >>> sh;
            boolean half = sh <= 64 && ((sig >>> (sh - 1)) & 1) != 0;
            boolean rest = sh > 64 || (sig & ((1L << (sh - 1)) - 1)) != 0;
            inexact = half || rest;
            mag = kept + (Rounding.roundsUp(rm, neg, (kept & 1) != 0, half, rest) ? 1 : 0);
        }
        boolean fits = switch (kind) {
            case I32 -> Long.compareUnsigned(mag, neg ? 1L << 31 : (1L << 31) - 1) <= 0;
            case U32 -> neg ? mag == 0 : Long.compareUnsigned(mag, 0xffff_ffffL) <= 0;
            case I64 -> Long.compareUnsigned(mag, neg ? Long.MIN_VALUE : Long.MAX_VALUE) <= 0;
            case U64 -> !neg || mag == 0;
            default -> throw new IllegalArgumentException("kind " + kind);
        };
        if (!fits) return invalid(neg, kind, f);
        if (inexact) f.bits |= NX;
        return switch (kind) {
            case U32 -> (int) mag; // sign-extended, as the RV64 hart writes it
            case U64 -> mag;
            default -> neg ? -mag : mag;
        };
    }

    /** The out-of-range and NaN results of section 11.7, Table 11.4; NV only, never NX. */
    private static long invalid(boolean neg, int kind, Flags f) {
        f.bits |= NV;
        return switch (kind) {
            case I32 -> neg ? Integer.MIN_VALUE : Integer.MAX_VALUE;
            case U32 -> neg ? 0 : -1L; // 2^32-1, sign-extended
            case I64 -> neg ? Long.MIN_VALUE : Long.MAX_VALUE;
            case U64 -> neg ? 0 : -1L;
            default -> throw new IllegalArgumentException("kind " + kind);
        };
    }

    // ---- integer to floating point ----

    /**
     * Rounds the integer &plusmn;mag (mag read as unsigned) to binary64 or binary32. Integers are
     * never tiny and never overflow either format, so only NX can be raised.
     */
    static long fromInt(boolean dbl, boolean neg, long mag, int rm, Flags f) {
        if (mag == 0) return 0;
        if (mag < 0) { // 2^63 or more: halve with the lost bit jammed, keeping 63 >= p + 2 bits
            return Rounding.round(dbl, neg, (mag >>> 1) | (mag & 1), 1, rm, f);
        }
        return Rounding.round(dbl, neg, mag, 0, rm, f);
    }

    // ---- unpacking ----

    /** The integer significand of a finite non-zero binary64: |x| = sig64 * 2^exp64. */
    static long sig64(long a) {
        long frac = a & 0x000f_ffff_ffff_ffffL;
        return (a & Rounding.INF64) == 0 ? frac : frac | (1L << 52);
    }

    static int exp64(long a) {
        int be = (int) (a >>> 52) & 0x7ff;
        return be == 0 ? -1074 : be - 1075;
    }
}
