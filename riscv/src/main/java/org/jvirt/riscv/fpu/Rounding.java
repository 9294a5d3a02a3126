package org.jvirt.riscv.fpu;

import static org.jvirt.riscv.fpu.SoftFloat.NX;
import static org.jvirt.riscv.fpu.SoftFloat.OF;
import static org.jvirt.riscv.fpu.SoftFloat.RDN;
import static org.jvirt.riscv.fpu.SoftFloat.RMM;
import static org.jvirt.riscv.fpu.SoftFloat.RNE;
import static org.jvirt.riscv.fpu.SoftFloat.RTZ;
import static org.jvirt.riscv.fpu.SoftFloat.RUP;
import static org.jvirt.riscv.fpu.SoftFloat.UF;

/**
 * The one place where an exact (or exactly represented) real value becomes a binary32 or binary64
 * bit pattern under a RISC-V rounding mode, raising NX, UF and OF as the unprivileged spec
 * (20191213, sections 11.2 and 11.4, and IEEE 754-2008 section 7) require.
 *
 * <p>Two conventions matter throughout:
 * <ul>
 * <li>Tininess is detected <em>after</em> rounding (section 11.4 fixes this choice): a result is
 *     tiny when rounding it to full precision with an unbounded exponent gives a magnitude below
 *     2<sup>emin</sup>. UF is raised only for a tiny result that is also inexact.</li>
 * <li>Overflow is judged on the rounded value with unbounded exponent, so e.g. RTZ of a value just
 *     above the largest finite number is merely inexact, not an overflow.</li>
 * </ul>
 *
 * <p>Operations feed this class in one of two forms. {@link #round} takes an integer significand
 * and a binary exponent, with sticky bits jammed into the least significant bit. {@link #fromProxy}
 * takes a double {@code y} that is the round-to-nearest-even value of the true result together with
 * an offset that says exactly where the true result lies relative to {@code y}; this is how the
 * arithmetic built from Java's double operations and error-free transformations hands over its
 * result, without ever needing wide integers.
 */
final class Rounding {
    private Rounding() { }

    static final long SIGN64 = Long.MIN_VALUE;
    static final long INF64 = 0x7ff0_0000_0000_0000L;
    static final int SIGN32 = 0x8000_0000;
    static final int INF32 = 0x7f80_0000;

    /**
     * Rounds |x| = sig &times; 2<sup>exp</sup> (negated if {@code neg}) to binary64 ({@code dbl}) or
     * binary32, accumulating NX, UF and OF into {@code f}.
     *
     * @param sig a positive significand below 2<sup>63</sup>. If the true value had non-zero bits
     *     below sig's least significant bit they must be ORed into that bit ("jammed"), and then sig
     *     must have at least precision + 2 significant bits so that the jam lies below the rounding
     *     bit.
     * @return the result's bits; for binary32 in the low 32 bits
     */
    static long round(boolean dbl, boolean neg, long sig, int exp, int rm, Flags f) {
        final int p = dbl ? 53 : 24;
        final int emin = dbl ? -1022 : -126;
        final int emax = dbl ? 1023 : 127;
        final int qmin = emin - p + 1; // exponent of the smallest subnormal's unit
        int top = exp + 63 - Long.numberOfLeadingZeros(sig); // exponent of the leading one
        int q = Math.max(top - p + 1, qmin);                  // exponent of the result's last place
        int shift = q - exp;
        long kept;
        boolean half;
        boolean rest;
        if (shift <= 0) {
            kept = sig << -shift;
            half = false;
            rest = false;
        } else if (shift < 64) {
            kept = sig >>> shift;
            half = ((sig >>> (shift - 1)) & 1) != 0;
            rest = (sig & ((1L << (shift - 1)) - 1)) != 0;
        } else { // sig < 2^63, so even at shift 64 the half bit is zero
            kept = 0;
            half = false;
            rest = true;
        }
        boolean inexact = half | rest;
        boolean tiny = top < emin && !(top == emin - 1 && carriesToMinNormal(neg, sig, shift - 1, p, rm));
        if (roundsUp(rm, neg, (kept & 1) != 0, half, rest)) {
            kept++;
            if (kept == 1L << p) { // carried into a new binade
                kept >>>= 1;
                q++;
            }
        }
        long sign = neg ? (dbl ? SIGN64 : SIGN32 & 0xffff_ffffL) : 0;
        if (kept >= 1L << (p - 1) && q + p - 1 > emax) {
            f.bits |= OF | NX;
            return sign | overflowMagnitude(dbl, neg, rm);
        }
        if (inexact) f.bits |= tiny ? NX | UF : NX;
        // The hidden bit of a normal kept carries into the exponent field, which is why this works
        // for normal and subnormal results alike.
        return sign | (((long) (q - qmin) << (p - 1)) + kept);
    }

    /**
     * Whether rounding sig (with its last {@code shift} bits dropped, shift being the precision
     * {@code p} position for a value whose leading one is at emin - 1) reaches 2^emin: the one case
     * where a value below 2^emin is nonetheless not tiny after rounding.
     */
    private static boolean carriesToMinNormal(boolean neg, long sig, int shift, int p, int rm) {
        if (shift <= 0) return false; // exact at full precision, so stays below 2^emin
        long kept = sig >>> shift;
        boolean half = ((sig >>> (shift - 1)) & 1) != 0;
        boolean rest = (sig & ((1L << (shift - 1)) - 1)) != 0;
        return kept == (1L << p) - 1 && roundsUp(rm, neg, true, half, rest);
    }

    /** Whether the magnitude is incremented, given the last kept bit and the dropped half/rest bits. */
    static boolean roundsUp(int rm, boolean neg, boolean odd, boolean half, boolean rest) {
        return switch (rm) {
            case RNE -> half && (rest || odd);
            case RTZ -> false;
            case RDN -> neg && (half || rest);
            case RUP -> !neg && (half || rest);
            case RMM -> half;
            default -> throw new IllegalArgumentException("rounding mode " + rm);
        };
    }

    /** The magnitude delivered on overflow: infinity, or the largest finite number when rounding toward zero. */
    static long overflowMagnitude(boolean dbl, boolean neg, int rm) {
        boolean toInf = switch (rm) {
            case RNE, RMM -> true;
            case RTZ -> false;
            case RDN -> neg;
            case RUP -> !neg;
            default -> throw new IllegalArgumentException("rounding mode " + rm);
        };
        long inf = dbl ? INF64 : INF32;
        return toInf ? inf : inf - 1;
    }

    /**
     * Rounds &plusmn;x &middot; 2<sup>scale</sup>, where x is a positive real known only through
     * {@code y} = RN(x), a positive finite double, and {@code off}, which {@link #offset} computes
     * (or, when x is known never to be a tie, just the direction of x from y: &plusmn;1).
     *
     * <p>What is rounded is the stand-in y + off &middot; ulp(y)/8, exactly representable in a
     * 56-bit significand. It rounds like x at every precision up to 53 bits, in every mode: x lies
     * within half a gap of y, and the rounding boundaries of such precisions are points and
     * midpoints of the 53-bit grid, so no boundary lies strictly between x and the stand-in, and
     * the one tie that matters, half-way above |y|, is marked exactly by off = +4.
     */
    static long fromProxy(boolean dbl, boolean neg, double y, int off, int scale, int rm, Flags f) {
        long b = Double.doubleToRawLongBits(y);
        int be = (int) (b >>> 52) & 0x7ff;
        long m = b & 0x000f_ffff_ffff_ffffL;
        int e;
        if (be == 0) {
            e = -1074;
        } else {
            m |= 1L << 52;
            e = be - 1075;
        }
        return round(dbl, neg, (m << 3) + off, e - 3 + scale, rm, f);
    }

    /**
     * Where x = y + err lies relative to the finite non-zero double y = RN(x), in eighths of ulp(|y|)
     * and in the direction of |y|: 0 when exact, +4 when x is exactly half-way to the next larger
     * magnitude, and otherwise +1 or -1.
     *
     * <p>Only ties above |y| need telling apart: RNE resolved such a tie towards y, and RMM must
     * resolve it away. A tie below |y| rounds to y under RNE (which chose it) and RMM (y is the
     * larger magnitude) alike, so -1/8 ulp, which lies strictly between y and that tie even below
     * a power of two where the gap halves, stands for it correctly.
     */
    static int offset(double y, double err) {
        if (err == 0) return 0;
        if ((err > 0) != (y > 0)) return -1;
        return Math.abs(err) * 2 == Math.ulp(y) ? 4 : 1;
    }

    /** The exact rounding error of s = RN(a + b) (Knuth's TwoSum; exact barring overflow). */
    static double twoSumErr(double a, double b, double s) {
        double bb = s - a;
        return (a - (s - bb)) + (b - bb);
    }

    /** The unbiased exponent of the leading one of a finite non-zero binary64 (subnormals included). */
    static int exponent(long bits) {
        int be = (int) (bits >>> 52) & 0x7ff;
        if (be != 0) return be - 1023;
        return -1011 - Long.numberOfLeadingZeros(bits & 0x000f_ffff_ffff_ffffL);
    }

    /**
     * The significand of a finite non-zero binary64 as a double in [1, 2), subnormals normalised,
     * sign dropped: scaling operands to this range lets double arithmetic compute exactly with
     * error-free transformations, whatever the operands' exponents.
     */
    static double significand(long bits) {
        long frac = bits & 0x000f_ffff_ffff_ffffL;
        if ((bits & INF64) == 0) frac = (frac << (Long.numberOfLeadingZeros(frac) - 11)) & 0x000f_ffff_ffff_ffffL;
        return Double.longBitsToDouble(0x3ff0_0000_0000_0000L | frac);
    }
}
