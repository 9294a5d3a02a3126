package org.jvirt.riscv.fpu;

import static org.jvirt.riscv.fpu.SoftFloat.RDN;

/**
 * The exact binary64 fused multiply-add a&times;b+c (unprivileged spec 20191213, section 12.4) on
 * 128-bit integers: the 106-bit product and the aligned addend are summed exactly except for bits
 * shifted out far below the result, which are jammed into a sticky bit.
 *
 * <p>This is the only operation whose general path does not go through a double proxy: Java's
 * {@code Math.fma} does produce the correctly rounded double, and {@link SoftFloat#fma64} uses it
 * when only exactness needs deciding (RNE, normal range), but telling on which side of it the true
 * sum lies, and whether it is a tie, would take a chain of error-free transformations whose own
 * exactness conditions are harder to trust than this direct version.
 */
final class Fma64 {
    private Fma64() { }

    private static final long FRAC = 0x000f_ffff_ffff_ffffL;
    /** Both summands are normalised to have their leading one at this bit of the 128-bit value. */
    private static final int LEAD = 125;

    /** a*b+c for finite non-zero a, b, c. */
    static long fmaFinite(long a, long b, long c, int rm, Flags f) {
        boolean negP = (a ^ b) < 0;
        boolean negC = c < 0;

        // |a*b| = pHi:pLo * 2^pExp, leading one moved to bit LEAD
        long ma = sig(a);
        long mb = sig(b);
        long lo = ma * mb;
        long hi = Math.multiplyHigh(ma, mb); // both < 2^53, so this is also the unsigned high half
        int pLead = 127 - Long.numberOfLeadingZeros(hi); // 104 or 105 (hi holds bits 64..)
        int up = LEAD - pLead;                            // 20 or 21
        long pHi = (hi << up) | (lo >>> (64 - up));
        long pLo = lo << up;
        int pExp = exp(a) + exp(b) - up;

        // |c| = cHi:0 * 2^cExp, leading one (bit 52 of its significand) moved to bit LEAD
        long cHi = sig(c) << (LEAD - 52 - 64);
        long cLo = 0;
        int cExp = exp(c) - (LEAD - 52);

        // Align the smaller exponent to the larger. With a difference of 0 or 1 no bit is lost
        // (the low 20 bits of the product and 73 of the addend are zero); with 2 or more, even a
        // subtraction keeps its leading one at bit 124 or above, far from the jammed sticky bit.
        int e;
        int d = pExp - cExp;
        if (d >= 0) {
            long h = shrJamHi(cHi, d);
            cLo = shrJamLo(cHi, cLo, d);
            cHi = h;
            e = pExp;
        } else {
            long h = shrJamHi(pHi, -d);
            pLo = shrJamLo(pHi, pLo, -d);
            pHi = h;
            e = cExp;
        }

        long rHi;
        long rLo;
        boolean neg;
        if (negP == negC) {
            rLo = pLo + cLo;
            rHi = pHi + cHi + (Long.compareUnsigned(rLo, pLo) < 0 ? 1 : 0);
            neg = negP;
        } else {
            // both are below 2^127, so a signed compare of the high halves is right
            boolean pBigger = pHi > cHi || (pHi == cHi && Long.compareUnsigned(pLo, cLo) >= 0);
            if (pBigger) {
                rLo = pLo - cLo;
                rHi = pHi - cHi - (Long.compareUnsigned(pLo, cLo) < 0 ? 1 : 0);
                neg = negP;
            } else {
                rLo = cLo - pLo;
                rHi = cHi - pHi - (Long.compareUnsigned(cLo, pLo) < 0 ? 1 : 0);
                neg = negC;
            }
            if ((rHi | rLo) == 0) return rm == RDN ? Rounding.SIGN64 : 0; // exact cancellation
        }

        // Collapse to at most 63 bits (still at least 55 when anything was jammed).
        long sig;
        if (rHi != 0) {
            int drop = 127 - Long.numberOfLeadingZeros(rHi) - 62;
            sig = shrJamLo(rHi, rLo, drop);
            e += drop;
        } else if (rLo < 0) {
            sig = (rLo >>> 1) | (rLo & 1);
            e += 1;
        } else {
            sig = rLo;
        }
        return Rounding.round(true, neg, sig, e, rm, f);
    }

    /** The integer significand of a finite non-zero binary64, normalised to have its leading one at bit 52. */
    private static long sig(long bits) {
        long frac = bits & FRAC;
        if ((bits & Rounding.INF64) == 0) return frac << (Long.numberOfLeadingZeros(frac) - 11);
        return frac | (1L << 52);
    }

    /** The exponent that goes with {@link #sig}: |x| = sig * 2^exp. */
    private static int exp(long bits) {
        return Rounding.exponent(bits) - 52;
    }

    /** The high half of (hi:lo) >>> n. */
    private static long shrJamHi(long hi, int n) {
        return n == 0 ? hi : n < 64 ? hi >>> n : 0;
    }

    /** The low half of (hi:lo) >>> n, with every bit shifted out ORed into bit 0. */
    private static long shrJamLo(long hi, long lo, int n) {
        if (n == 0) return lo;
        if (n < 64) return (hi << (64 - n)) | (lo >>> n) | ((lo << (64 - n)) != 0 ? 1 : 0);
        if (n == 64) return hi | (lo != 0 ? 1 : 0);
        if (n < 128) return (hi >>> (n - 64)) | (((hi << (128 - n)) | lo) != 0 ? 1 : 0);
        return (hi | lo) != 0 ? 1 : 0;
    }
}
