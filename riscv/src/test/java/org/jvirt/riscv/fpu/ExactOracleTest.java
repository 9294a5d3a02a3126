package org.jvirt.riscv.fpu;

import static org.jvirt.riscv.fpu.SoftFloat.NX;
import static org.jvirt.riscv.fpu.SoftFloat.OF;
import static org.jvirt.riscv.fpu.SoftFloat.RDN;
import static org.jvirt.riscv.fpu.SoftFloat.RMM;
import static org.jvirt.riscv.fpu.SoftFloat.RNE;
import static org.jvirt.riscv.fpu.SoftFloat.RTZ;
import static org.jvirt.riscv.fpu.SoftFloat.RUP;
import static org.jvirt.riscv.fpu.SoftFloat.UF;
import static org.junit.jupiter.api.Assertions.fail;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;

import org.junit.jupiter.api.Test;

/**
 * A second, independent reference: random finite operands, the exact real result in BigDecimal,
 * and IEEE 754 rounding written straight from its definition (pick the neighbouring
 * representable numbers around the exact value, then choose by mode). Checks result bits and
 * NX, UF and OF for all five modes, with far more operands than the recorded vectors, which
 * matters most for the fast paths that decide by double arithmetic.
 */
final class ExactOracleTest {
    private static final int SAMPLES = 1500; // per operation and rounding mode
    private static final int[] MODES = {RNE, RTZ, RDN, RUP, RMM};

    /** sign(x - c) for the exact result x and a candidate c. */
    @FunctionalInterface
    private interface Exact {
        int cmp(BigDecimal c);
    }

    /** The two formats, described only by what the rounding definition needs. */
    private record Format(boolean dbl, BigDecimal overflow, BigDecimal minNormal, BigDecimal belowMinNormal,
                          DoubleUnaryOperator up, DoubleUnaryOperator down) {
        /** The value of a candidate; infinity stands for 2^(emax+1), the next step of the grid. */
        BigDecimal val(double v) {
            if (Double.isInfinite(v)) return v > 0 ? overflow : overflow.negate();
            return new BigDecimal(v);
        }

        boolean even(double v) {
            if (Double.isInfinite(v)) return true;
            return dbl ? (Double.doubleToRawLongBits(v) & 1) == 0 : (Float.floatToRawIntBits((float) v) & 1) == 0;
        }
    }

    private static BigDecimal pow2(int e) {
        return e >= 0 ? new BigDecimal(BigInteger.ONE.shiftLeft(e)) : BigDecimal.ONE.divide(new BigDecimal(BigInteger.ONE.shiftLeft(-e)));
    }

    private static final Format F64 = new Format(true, pow2(1024), pow2(-1022), pow2(-1022).subtract(pow2(-1075)),
        Math::nextUp, Math::nextDown);
    private static final Format F32 = new Format(false, pow2(128), pow2(-126), pow2(-126).subtract(pow2(-150)),
        v -> Math.nextUp((float) v), v -> Math.nextDown((float) v));

    /** The expected result and flags of rounding the non-zero exact value x, found from a nearby guess. */
    private static double round(Format fmt, Exact x, double guess, int rm, int[] flags) {
        if (Double.isNaN(guess)) guess = 0;
        // start from the largest finite number instead, so that stepping finds the overflow's neighbours
        if (Double.isInfinite(guess)) guess = guess > 0 ? fmt.down.applyAsDouble(guess) : fmt.up.applyAsDouble(guess);
        double lo;
        double hi;
        int c = x.cmp(fmt.val(guess));
        if (c == 0) {
            flags[0] = 0;
            return guess;
        }
        if (c > 0) {
            lo = guess;
            hi = fmt.up.applyAsDouble(lo);
            while (!Double.isInfinite(hi) && x.cmp(fmt.val(hi)) > 0) {
                lo = hi;
                hi = fmt.up.applyAsDouble(hi);
            }
        } else {
            hi = guess;
            lo = fmt.down.applyAsDouble(hi);
            while (!Double.isInfinite(lo) && x.cmp(fmt.val(lo)) < 0) {
                hi = lo;
                lo = fmt.down.applyAsDouble(lo);
            }
        }
        // (2^(emax+1) itself, standing in for infinity, is of course not exact but an overflow)
        if (!Double.isInfinite(lo) && x.cmp(fmt.val(lo)) == 0) return exact(lo, flags);
        if (!Double.isInfinite(hi) && x.cmp(fmt.val(hi)) == 0) return exact(hi, flags);
        boolean neg = x.cmp(BigDecimal.ZERO) < 0;
        double r = switch (rm) {
            case RTZ -> neg ? hi : lo;
            case RDN -> lo;
            case RUP -> hi;
            default -> {
                int m = x.cmp(fmt.val(lo).add(fmt.val(hi)).divide(BigDecimal.TWO));
                if (m != 0) yield m < 0 ? lo : hi;
                if (rm == RMM) yield neg ? lo : hi;
                yield fmt.even(lo) ? lo : hi;
            }
        };
        if (r == 0) r = neg ? -0.0 : 0.0; // an inexact zero has the sign of the exact value
        int fl = NX;
        // overflow: the result rounded with unbounded exponent is beyond the largest finite number
        if (Double.isInfinite(r) || exceeds(x, fmt.overflow)) fl |= OF;
        if (tiny(fmt, x, neg, rm)) fl |= UF;
        flags[0] = fl;
        return r;
    }

    private static double exact(double v, int[] flags) {
        flags[0] = 0;
        return v;
    }

    /** |x| >= bound. */
    private static boolean exceeds(Exact x, BigDecimal bound) {
        return x.cmp(bound) >= 0 || x.cmp(bound.negate()) <= 0;
    }

    /** Whether x, rounded to full precision with an unbounded exponent, lies below 2^emin. */
    private static boolean tiny(Format fmt, Exact x, boolean neg, int rm) {
        BigDecimal min = neg ? fmt.minNormal.negate() : fmt.minNormal;
        BigDecimal below = neg ? fmt.belowMinNormal.negate() : fmt.belowMinNormal; // the grid point under 2^emin
        int cMin = x.cmp(min);
        if (neg ? cMin <= 0 : cMin >= 0) return false;
        int cBelow = x.cmp(below);
        if (neg ? cBelow >= 0 : cBelow <= 0) return true; // at or inside the grid point under 2^emin
        boolean towardMin = switch (rm) {
            case RTZ -> false;
            case RDN -> neg;
            case RUP -> !neg;
            default -> {
                int m = x.cmp(min.add(below).divide(BigDecimal.TWO));
                yield m == 0 || (neg ? m < 0 : m > 0); // a tie goes to 2^emin: even, and larger
            }
        };
        return !towardMin;
    }

    // ---- random operands ----

    private final SplittableRandom rnd = new SplittableRandom(0x5eed_f10a7L);

    /** A finite binary64 with a structured significand and an exponent anywhere, often at the edges. */
    private long gen64() {
        long sign = rnd.nextBoolean() ? Long.MIN_VALUE : 0;
        int be = switch (rnd.nextInt(6)) {
            case 0 -> rnd.nextInt(2047);
            case 1 -> rnd.nextInt(60);
            case 2 -> 2046 - rnd.nextInt(60);
            default -> 1023 - 40 + rnd.nextInt(80);
        };
        return sign | ((long) be << 52) | frac(52);
    }

    private int gen32() {
        int sign = rnd.nextBoolean() ? 0x8000_0000 : 0;
        int be = switch (rnd.nextInt(6)) {
            case 0 -> rnd.nextInt(255);
            case 1 -> rnd.nextInt(30);
            case 2 -> 254 - rnd.nextInt(30);
            default -> 127 - 20 + rnd.nextInt(40);
        };
        return sign | (be << 23) | (int) frac(23);
    }

    private long frac(int bits) {
        long m = (1L << bits) - 1;
        return switch (rnd.nextInt(5)) {
            case 0 -> rnd.nextLong() & m;
            case 1 -> rnd.nextLong() & rnd.nextLong() & rnd.nextLong() & m;
            case 2 -> ~(rnd.nextLong() & rnd.nextLong()) & m;
            case 3 -> (rnd.nextLong() << (bits - rnd.nextInt(bits / 2))) & m;
            default -> (m - rnd.nextInt(3)) & m;
        };
    }

    /** Often close to a, so that sums cancel and exponents line up. */
    private long near64(long a) {
        return switch (rnd.nextInt(3)) {
            case 0 -> (a ^ (rnd.nextBoolean() ? Long.MIN_VALUE : 0)) + rnd.nextInt(7) - 3;
            case 1 -> (a & 0xfff0_0000_0000_0000L) - ((long) rnd.nextInt(60) << 52) + frac(52);
            default -> gen64();
        };
    }

    private int near32(int a) {
        return switch (rnd.nextInt(3)) {
            case 0 -> (a ^ (rnd.nextBoolean() ? 0x8000_0000 : 0)) + rnd.nextInt(7) - 3;
            case 1 -> (a & 0xff80_0000) - (rnd.nextInt(30) << 23) + (int) frac(23);
            default -> gen32();
        };
    }

    private static boolean finite64(long a) { return (a & 0x7ff0_0000_0000_0000L) != 0x7ff0_0000_0000_0000L; }
    private static boolean finite32(int a) { return (a & 0x7f80_0000) != 0x7f80_0000; }

    private static BigDecimal bd(double v) { return new BigDecimal(v); }

    // ---- the checks ----

    private final List<String> failures = new ArrayList<>();

    private void check(String what, long expected, int expectedFlags, long got, int gotFlags) {
        if ((expected != got || expectedFlags != gotFlags) && failures.size() < 30) {
            failures.add(String.format("%s: expected %x flags %s, got %x flags %s", what, expected,
                new Flags(expectedFlags), got, new Flags(gotFlags)));
        }
    }

    private void report() {
        if (!failures.isEmpty()) fail(failures.size() + " mismatches:\n  " + String.join("\n  ", failures));
    }

    /** Rounds the exact x to binary64 through the oracle and checks SoftFloat's answer. */
    private void expect64(String what, Exact x, double guess, int rm, long got, Flags f) {
        int[] fl = new int[1];
        double r = round(F64, x, guess, rm, fl);
        check(what + " rm=" + rm, Double.doubleToRawLongBits(r), fl[0], got, f.bits);
    }

    private void expect32(String what, Exact x, double guess, int rm, int got, Flags f) {
        int[] fl = new int[1];
        double r = round(F32, x, (float) guess, rm, fl);
        check(what + " rm=" + rm, Float.floatToRawIntBits((float) r) & 0xffff_ffffL, fl[0], got & 0xffff_ffffL, f.bits);
    }

    @Test
    void binary64Arithmetic() {
        for (int rm : MODES) {
            for (int i = 0; i < SAMPLES; i++) {
                long a = gen64();
                long b = near64(a);
                long c = rnd.nextBoolean() ? near64(a) : Double.doubleToRawLongBits(-Double.longBitsToDouble(a) * Double.longBitsToDouble(b)) + rnd.nextInt(5) - 2;
                if (rnd.nextInt(8) == 0) { // products next to the smallest normal, where tininess is decided
                    b = Double.doubleToRawLongBits(0x1p-1022 / Double.longBitsToDouble(a)) + rnd.nextInt(7) - 3;
                    c = rnd.nextInt(5) - 2L;
                }
                if (!finite64(a) || !finite64(b) || !finite64(c)) continue;
                double x = Double.longBitsToDouble(a);
                double y = Double.longBitsToDouble(b);
                double z = Double.longBitsToDouble(c);
                String ops = String.format("(%x, %x, %x)", a, b, c);
                BigDecimal sum = bd(x).add(bd(y));
                if (sum.signum() != 0) {
                    var f = new Flags();
                    expect64("add64" + ops, sum::compareTo, x + y, rm, SoftFloat.add64(a, b, rm, f), f);
                }
                if (x != 0 && y != 0) {
                    var f = new Flags();
                    BigDecimal p = bd(x).multiply(bd(y));
                    expect64("mul64" + ops, p::compareTo, x * y, rm, SoftFloat.mul64(a, b, rm, f), f);
                    f = new Flags();
                    Exact q = cand -> bd(x).subtract(cand.multiply(bd(y))).signum() * (y < 0 ? -1 : 1);
                    expect64("div64" + ops, q, x / y, rm, SoftFloat.div64(a, b, rm, f), f);
                    BigDecimal fma = p.add(bd(z));
                    if (fma.signum() != 0) {
                        f = new Flags();
                        expect64("fma64" + ops, fma::compareTo, Math.fma(x, y, z), rm, SoftFloat.fma64(a, b, c, rm, f), f);
                    }
                }
                if (x > 0) {
                    var f = new Flags();
                    Exact s = cand -> cand.signum() <= 0 ? 1 : bd(x).compareTo(cand.multiply(cand));
                    expect64("sqrt64" + ops, s, Math.sqrt(x), rm, SoftFloat.sqrt64(a, rm, f), f);
                }
            }
        }
        report();
    }

    @Test
    void binary32Arithmetic() {
        for (int rm : MODES) {
            for (int i = 0; i < SAMPLES; i++) {
                int a = gen32();
                int b = near32(a);
                int c = rnd.nextBoolean() ? near32(a) : Float.floatToRawIntBits(-Float.intBitsToFloat(a) * Float.intBitsToFloat(b)) + rnd.nextInt(5) - 2;
                if (rnd.nextInt(8) == 0) {
                    b = Float.floatToRawIntBits(0x1p-126f / Float.intBitsToFloat(a)) + rnd.nextInt(7) - 3;
                    c = rnd.nextInt(5) - 2;
                }
                if (!finite32(a) || !finite32(b) || !finite32(c)) continue;
                double x = Float.intBitsToFloat(a);
                double y = Float.intBitsToFloat(b);
                double z = Float.intBitsToFloat(c);
                String ops = String.format("(%x, %x, %x)", a, b, c);
                BigDecimal sum = bd(x).add(bd(y));
                if (sum.signum() != 0) {
                    var f = new Flags();
                    expect32("add32" + ops, sum::compareTo, x + y, rm, SoftFloat.add32(a, b, rm, f), f);
                }
                if (x != 0 && y != 0) {
                    var f = new Flags();
                    BigDecimal p = bd(x).multiply(bd(y));
                    expect32("mul32" + ops, p::compareTo, x * y, rm, SoftFloat.mul32(a, b, rm, f), f);
                    f = new Flags();
                    Exact q = cand -> bd(x).subtract(cand.multiply(bd(y))).signum() * (y < 0 ? -1 : 1);
                    expect32("div32" + ops, q, x / y, rm, SoftFloat.div32(a, b, rm, f), f);
                    BigDecimal fma = p.add(bd(z));
                    if (fma.signum() != 0) {
                        f = new Flags();
                        expect32("fma32" + ops, fma::compareTo, fma.doubleValue(), rm, SoftFloat.fma32(a, b, c, rm, f), f);
                    }
                }
                if (x > 0) {
                    var f = new Flags();
                    Exact s = cand -> cand.signum() <= 0 ? 1 : bd(x).compareTo(cand.multiply(cand));
                    expect32("sqrt32" + ops, s, Math.sqrt(x), rm, SoftFloat.sqrt32(a, rm, f), f);
                }
            }
        }
        report();
    }

    @Test
    void conversions() {
        RoundingMode[] toInt = {RoundingMode.HALF_EVEN, RoundingMode.DOWN, RoundingMode.FLOOR, RoundingMode.CEILING, RoundingMode.HALF_UP};
        for (int rm : MODES) {
            for (int i = 0; i < SAMPLES; i++) {
                // binary64 -> binary32
                long a = rnd.nextBoolean() ? gen64() : Double.doubleToRawLongBits(Float.intBitsToFloat(gen32())) + rnd.nextInt(1 << 30) - (1 << 29);
                if (finite64(a) && (a << 1) != 0) {
                    double x = Double.longBitsToDouble(a);
                    var f = new Flags();
                    expect32(String.format("f64ToF32(%x)", a), bd(x)::compareTo, x, rm, SoftFloat.f64ToF32(a, rm, f), f);
                }
                // integers -> floating point
                long v = rnd.nextLong() >> rnd.nextInt(64);
                BigDecimal iv = new BigDecimal(v);
                BigDecimal uv = new BigDecimal(new BigInteger(Long.toUnsignedString(v)));
                if (v != 0) {
                    var f = new Flags();
                    expect64("i64ToF64(" + v + ")", iv::compareTo, (double) v, rm, SoftFloat.i64ToF64(v, rm, f), f);
                    f = new Flags();
                    expect64("u64ToF64(" + v + ")", uv::compareTo, uv.doubleValue(), rm, SoftFloat.u64ToF64(v, rm, f), f);
                    f = new Flags();
                    expect32("i64ToF32(" + v + ")", iv::compareTo, (double) v, rm, SoftFloat.i64ToF32(v, rm, f), f);
                    f = new Flags();
                    expect32("u64ToF32(" + v + ")", uv::compareTo, uv.doubleValue(), rm, SoftFloat.u64ToF32(v, rm, f), f);
                    BigDecimal i32 = new BigDecimal((int) v);
                    BigDecimal u32 = new BigDecimal(v & 0xffff_ffffL);
                    if ((int) v != 0) {
                        f = new Flags();
                        expect32("i32ToF32(" + (int) v + ")", i32::compareTo, (int) v, rm, SoftFloat.i32ToF32((int) v, rm, f), f);
                        f = new Flags();
                        expect32("u32ToF32(" + (int) v + ")", u32::compareTo, v & 0xffff_ffffL, rm, SoftFloat.u32ToF32((int) v, rm, f), f);
                    }
                }
                // binary64 -> integers, by BigDecimal's own integer rounding
                long d = rnd.nextInt(3) == 0 ? gen64() : Double.doubleToRawLongBits((rnd.nextBoolean() ? -1 : 1) * Math.scalb(1 + rnd.nextDouble(), rnd.nextInt(70) - 4));
                if (rnd.nextInt(4) == 0) { // on, or an ulp or two beside, a tie
                    d = Double.doubleToRawLongBits((rnd.nextInt(4) == 0 ? rnd.nextInt(7) - 3 : Math.rint(Double.longBitsToDouble(d))) + 0.5);
                    d += rnd.nextInt(5) - 2;
                }
                if (finite64(d)) {
                    BigInteger n = bd(Double.longBitsToDouble(d)).setScale(0, toInt[rm]).toBigIntegerExact();
                    boolean inexact = bd(Double.longBitsToDouble(d)).compareTo(new BigDecimal(n)) != 0;
                    checkInt("f64ToI64", d, n, inexact, BigInteger.ONE.shiftLeft(63).negate(), BigInteger.ONE.shiftLeft(63).subtract(BigInteger.ONE), rm, false,
                        SoftFloat::f64ToI64);
                    checkInt("f64ToU64", d, n, inexact, BigInteger.ZERO, BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE), rm, false,
                        SoftFloat::f64ToU64);
                    checkInt("f64ToI32", d, n, inexact, BigInteger.valueOf(Integer.MIN_VALUE), BigInteger.valueOf(Integer.MAX_VALUE), rm, false,
                        SoftFloat::f64ToI32);
                    checkInt("f64ToU32", d, n, inexact, BigInteger.ZERO, BigInteger.valueOf(0xffff_ffffL), rm, true,
                        SoftFloat::f64ToU32);
                }
            }
        }
        report();
    }

    @FunctionalInterface
    private interface ToInt {
        long apply(long a, int rm, Flags f);
    }

    private void checkInt(String what, long a, BigInteger n, boolean inexact, BigInteger min, BigInteger max, int rm,
                          boolean signExtend32, ToInt op) {
        var f = new Flags();
        long got = op.apply(a, rm, f);
        long expected;
        int flags;
        if (n.compareTo(min) < 0) {
            expected = signExtend32 ? (int) min.longValue() : min.longValue();
            flags = SoftFloat.NV;
        } else if (n.compareTo(max) > 0) {
            expected = signExtend32 ? (int) max.longValue() : max.longValue();
            flags = SoftFloat.NV;
        } else {
            expected = signExtend32 ? (int) n.longValue() : n.longValue();
            flags = inexact ? NX : 0;
        }
        check(String.format("%s(%x) rm=%d", what, a, rm), expected, flags, got, f.bits);
    }
}
