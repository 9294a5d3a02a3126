/*
 * Generates reference test vectors for org.jvirt.riscv.fpu.SoftFloat by executing the real RISC-V
 * F and D instructions (under QEMU, whose FPU is bit-exact IEEE 754 with RISC-V's NaN, tininess
 * and conversion rules) and printing one line per execution:
 *
 *     op rm operand... result flags
 *
 * all in hex: binary32 values and 32-bit integer sources as 8 digits, binary64 values, 64-bit
 * integer sources and every integer-register result (as the RV64 hart writes it, so 32-bit results
 * sign-extended) as 16 digits; rm is 0..4; flags is the fflags value after the instruction alone.
 * See README.md for how to build and run it.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef uint64_t u64;
typedef uint32_t u32;

/* ---------------------------------------------------------------- output */

static char obuf[1 << 16];
static size_t olen;

static void flush_out(void) {
    fwrite(obuf, 1, olen, stdout);
    olen = 0;
}

static void put_str(const char *s) {
    size_t n = strlen(s);
    if (olen + n + 64 > sizeof obuf) flush_out();
    memcpy(obuf + olen, s, n);
    olen += n;
}

static void put_hex(u64 v, int digits) {
    static const char hex[] = "0123456789abcdef";
    if (olen + 32 > sizeof obuf) flush_out();
    obuf[olen++] = ' ';
    for (int i = digits - 1; i >= 0; i--) obuf[olen++] = hex[(v >> (4 * i)) & 15];
}

static void put_nl(void) { obuf[olen++] = '\n'; }

/* ---------------------------------------------------------------- semihosting exit */

static void sh_exit(int code) {
    static volatile u64 blk[2];
    blk[0] = 0x20026; /* ADP_Stopped_ApplicationExit */
    blk[1] = (u64)code;
    register long a0 asm("a0") = 0x20; /* SYS_EXIT_EXTENDED */
    register long a1 asm("a1") = (long)blk;
    asm volatile(".option push\n.option norvc\n.balign 16\n"
                 "slli zero, zero, 0x1f\nebreak\nsrai zero, zero, 0x7\n.option pop"
                 : "+r"(a0) : "r"(a1) : "memory");
    for (;;) { }
}

/* ---------------------------------------------------------------- instruction wrappers */

/* Each wrapper sets frm, clears fflags, runs one instruction, reads fflags, and restores RNE so
 * the generator's own C arithmetic is unaffected. Operands travel through integer registers so
 * that no compiler-generated FP operation can touch (e.g. quiet) them. */
#define PRE  "fsrm %[rm]\n csrw fflags, zero\n"
#define POST "frflags %[fl]\n fsrm zero\n"

#define S_RR(fn, insn) static u64 fn(u64 a, u64 b, u64 c, int rm, unsigned *fl) { u64 r; unsigned f; (void)c; \
    asm volatile("fmv.w.x ft0, %[a]\n fmv.w.x ft1, %[b]\n" PRE insn " ft2, ft0, ft1\n" POST "fmv.x.w %[r], ft2" \
        : [r] "=r"(r), [fl] "=&r"(f) : [a] "r"(a), [b] "r"(b), [rm] "r"(rm) : "ft0", "ft1", "ft2"); \
    *fl = f; return (u32)r; }
#define D_RR(fn, insn) static u64 fn(u64 a, u64 b, u64 c, int rm, unsigned *fl) { u64 r; unsigned f; (void)c; \
    asm volatile("fmv.d.x ft0, %[a]\n fmv.d.x ft1, %[b]\n" PRE insn " ft2, ft0, ft1\n" POST "fmv.x.d %[r], ft2" \
        : [r] "=r"(r), [fl] "=&r"(f) : [a] "r"(a), [b] "r"(b), [rm] "r"(rm) : "ft0", "ft1", "ft2"); \
    *fl = f; return r; }
#define S_R4(fn, insn) static u64 fn(u64 a, u64 b, u64 c, int rm, unsigned *fl) { u64 r; unsigned f; \
    asm volatile("fmv.w.x ft0, %[a]\n fmv.w.x ft1, %[b]\n fmv.w.x ft3, %[c]\n" PRE insn " ft2, ft0, ft1, ft3\n" POST "fmv.x.w %[r], ft2" \
        : [r] "=r"(r), [fl] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c), [rm] "r"(rm) : "ft0", "ft1", "ft2", "ft3"); \
    *fl = f; return (u32)r; }
#define D_R4(fn, insn) static u64 fn(u64 a, u64 b, u64 c, int rm, unsigned *fl) { u64 r; unsigned f; \
    asm volatile("fmv.d.x ft0, %[a]\n fmv.d.x ft1, %[b]\n fmv.d.x ft3, %[c]\n" PRE insn " ft2, ft0, ft1, ft3\n" POST "fmv.x.d %[r], ft2" \
        : [r] "=r"(r), [fl] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c), [rm] "r"(rm) : "ft0", "ft1", "ft2", "ft3"); \
    *fl = f; return r; }
/* one FP source, FP result: sqrt, and the format conversions */
#define FF(fn, mvin, insn, mvout, mask) static u64 fn(u64 a, u64 b, u64 c, int rm, unsigned *fl) { u64 r; unsigned f; (void)b; (void)c; \
    asm volatile(mvin " ft0, %[a]\n" PRE insn " ft2, ft0\n" POST mvout " %[r], ft2" \
        : [r] "=r"(r), [fl] "=&r"(f) : [a] "r"(a), [rm] "r"(rm) : "ft0", "ft2"); \
    *fl = f; return r & (mask); }
/* FP source(s), integer result: conversions to integer, comparisons, classification */
#define FX(fn, mvin, insn) static u64 fn(u64 a, u64 b, u64 c, int rm, unsigned *fl) { u64 r; unsigned f; (void)b; (void)c; \
    asm volatile(mvin " ft0, %[a]\n" PRE insn " %[r], ft0\n" POST \
        : [r] "=&r"(r), [fl] "=&r"(f) : [a] "r"(a), [rm] "r"(rm) : "ft0"); \
    *fl = f; return r; }
#define FFX(fn, mvin, insn) static u64 fn(u64 a, u64 b, u64 c, int rm, unsigned *fl) { u64 r; unsigned f; (void)c; \
    asm volatile(mvin " ft0, %[a]\n" mvin " ft1, %[b]\n" PRE insn " %[r], ft0, ft1\n" POST \
        : [r] "=&r"(r), [fl] "=&r"(f) : [a] "r"(a), [b] "r"(b), [rm] "r"(rm) : "ft0", "ft1"); \
    *fl = f; return r; }
/* integer source, FP result */
#define XF(fn, insn, mvout, mask) static u64 fn(u64 a, u64 b, u64 c, int rm, unsigned *fl) { u64 r; unsigned f; (void)b; (void)c; \
    asm volatile(PRE insn " ft2, %[a]\n" POST mvout " %[r], ft2" \
        : [r] "=r"(r), [fl] "=&r"(f) : [a] "r"(a), [rm] "r"(rm) : "ft2"); \
    *fl = f; return r & (mask); }

S_RR(x_add_s, "fadd.s") S_RR(x_sub_s, "fsub.s") S_RR(x_mul_s, "fmul.s") S_RR(x_div_s, "fdiv.s")
S_RR(x_min_s, "fmin.s") S_RR(x_max_s, "fmax.s")
D_RR(x_add_d, "fadd.d") D_RR(x_sub_d, "fsub.d") D_RR(x_mul_d, "fmul.d") D_RR(x_div_d, "fdiv.d")
D_RR(x_min_d, "fmin.d") D_RR(x_max_d, "fmax.d")
S_R4(x_fmadd_s, "fmadd.s") S_R4(x_fmsub_s, "fmsub.s") S_R4(x_fnmsub_s, "fnmsub.s") S_R4(x_fnmadd_s, "fnmadd.s")
D_R4(x_fmadd_d, "fmadd.d") D_R4(x_fmsub_d, "fmsub.d") D_R4(x_fnmsub_d, "fnmsub.d") D_R4(x_fnmadd_d, "fnmadd.d")
FF(x_sqrt_s, "fmv.w.x", "fsqrt.s", "fmv.x.w", 0xffffffffu) FF(x_sqrt_d, "fmv.d.x", "fsqrt.d", "fmv.x.d", ~0ull)
FF(x_cvt_d_s, "fmv.w.x", "fcvt.d.s", "fmv.x.d", ~0ull) FF(x_cvt_s_d, "fmv.d.x", "fcvt.s.d", "fmv.x.w", 0xffffffffu)
FX(x_cvt_w_s, "fmv.w.x", "fcvt.w.s") FX(x_cvt_wu_s, "fmv.w.x", "fcvt.wu.s")
FX(x_cvt_l_s, "fmv.w.x", "fcvt.l.s") FX(x_cvt_lu_s, "fmv.w.x", "fcvt.lu.s")
FX(x_cvt_w_d, "fmv.d.x", "fcvt.w.d") FX(x_cvt_wu_d, "fmv.d.x", "fcvt.wu.d")
FX(x_cvt_l_d, "fmv.d.x", "fcvt.l.d") FX(x_cvt_lu_d, "fmv.d.x", "fcvt.lu.d")
FX(x_class_s, "fmv.w.x", "fclass.s") FX(x_class_d, "fmv.d.x", "fclass.d")
FFX(x_eq_s, "fmv.w.x", "feq.s") FFX(x_lt_s, "fmv.w.x", "flt.s") FFX(x_le_s, "fmv.w.x", "fle.s")
FFX(x_eq_d, "fmv.d.x", "feq.d") FFX(x_lt_d, "fmv.d.x", "flt.d") FFX(x_le_d, "fmv.d.x", "fle.d")
XF(x_cvt_s_w, "fcvt.s.w", "fmv.x.w", 0xffffffffu) XF(x_cvt_s_wu, "fcvt.s.wu", "fmv.x.w", 0xffffffffu)
XF(x_cvt_s_l, "fcvt.s.l", "fmv.x.w", 0xffffffffu) XF(x_cvt_s_lu, "fcvt.s.lu", "fmv.x.w", 0xffffffffu)
XF(x_cvt_d_w, "fcvt.d.w", "fmv.x.d", ~0ull) XF(x_cvt_d_wu, "fcvt.d.wu", "fmv.x.d", ~0ull)
XF(x_cvt_d_l, "fcvt.d.l", "fmv.x.d", ~0ull) XF(x_cvt_d_lu, "fcvt.d.lu", "fmv.x.d", ~0ull)

/* ---------------------------------------------------------------- random operands */

static u64 rs = 0x9e3779b97f4a7c15ull;

static u64 rnd(void) { /* xorshift64* */
    rs ^= rs >> 12; rs ^= rs << 25; rs ^= rs >> 27;
    return rs * 0x2545f4914f6cdd1dull;
}

static u64 below(u64 n) { return rnd() % n; }

/* Format descriptors, so one generator serves both: precision bits, exponent bits. */
typedef struct { int fbits, ebits; } fmt;
static const fmt F32 = {23, 8}, F64 = {52, 11};

static u64 pack(fmt t, u64 sign, u64 bexp, u64 frac) {
    return (sign << (t.fbits + t.ebits)) | (bexp << t.fbits) | (frac & ((1ull << t.fbits) - 1));
}
static u64 emaxb(fmt t) { return (1ull << t.ebits) - 1; }
static u64 bias(fmt t) { return (1ull << (t.ebits - 1)) - 1; }

/* A significand pattern like Berkeley TestFloat's: random, sparse, dense, or runs of ones and zeros,
 * or few significant bits (which make exact results and exact ties likely). */
static u64 frac_pattern(fmt t) {
    u64 m = (1ull << t.fbits) - 1;
    switch (below(8)) {
    case 0: return rnd() & m;
    case 1: return rnd() & rnd() & rnd() & m;
    case 2: return ~(rnd() & rnd() & rnd()) & m;
    case 3: { int hi = (int)below(t.fbits + 1), lo = (int)below(hi + 1); /* a run of ones */
              return (((hi == 64 ? 0 : 1ull << hi) - 1) ^ ((1ull << lo) - 1)) & m; }
    case 4: return (rnd() << (t.fbits - below(t.fbits / 2 + 1))) & m; /* few top bits */
    case 5: return (1ull << below(t.fbits)) & m;
    case 6: return (m - below(4)) & m;
    default: return below(4);
    }
}

static u64 special(fmt t) {
    u64 e = emaxb(t), b = bias(t), fm = (1ull << t.fbits) - 1, q = 1ull << (t.fbits - 1);
    u64 s = below(2);
    switch (below(16)) {
    case 0: return pack(t, s, 0, 0);                 /* zero */
    case 1: return pack(t, s, 0, 1);                 /* smallest subnormal */
    case 2: return pack(t, s, 0, fm);                /* largest subnormal */
    case 3: return pack(t, s, 1, 0);                 /* smallest normal */
    case 4: return pack(t, s, e - 1, fm);            /* largest finite */
    case 5: return pack(t, s, b, 0);                 /* one */
    case 6: return pack(t, s, e, 0);                 /* infinity */
    case 7: return pack(t, 0, e, q);                 /* canonical quiet NaN */
    case 8: return pack(t, s, e, q | (rnd() & fm));  /* quiet NaN with payload */
    case 9: return pack(t, s, e, 1 + below(q - 1));  /* signalling NaN */
    case 10: return pack(t, s, b + 1, q);            /* three */
    case 11: return pack(t, s, 1, 1);
    case 12: return pack(t, s, e - 1, 0);
    case 13: return pack(t, s, b - 1, fm);           /* just below one */
    case 14: return pack(t, s, 0, q);
    default: return pack(t, s, b + below(64), 0);   /* powers of two used by integer ranges */
    }
}

static u64 gen(fmt t) {
    u64 e = emaxb(t), b = bias(t);
    u64 s = below(2);
    switch (below(12)) {
    case 0: case 1: return special(t);
    case 2: return rnd() & ((1ull << (t.fbits + t.ebits + 1)) - 1);
    case 3: return pack(t, s, below(e + 1), frac_pattern(t));                   /* any exponent */
    case 4: return pack(t, s, below(t.fbits + 3), frac_pattern(t));             /* subnormal and tiny */
    case 5: return pack(t, s, e - 1 - below(t.fbits + 3), frac_pattern(t));     /* huge */
    default: return pack(t, s, b - 24 + below(48), frac_pattern(t));            /* moderate */
    }
}

/* A second operand related to the first so that sums cancel, round at ties, or land near the
 * edges of the exponent range. */
static u64 related(fmt t, u64 a) {
    u64 signbit = 1ull << (t.fbits + t.ebits);
    long long be = (long long)((a >> t.fbits) & emaxb(t));
    switch (below(6)) {
    case 0: return a ^ (below(2) ? signbit : 0) ^ below(8);                     /* a few ulps off */
    case 1: { long long x = be - (long long)below(t.fbits + 6);                  /* just below a */
              if (x < 0) x = 0;
              return pack(t, below(2), (u64)x, frac_pattern(t)); }
    case 2: return (a ^ signbit) + below(3) - 1;                                /* near -a */
    case 3: return pack(t, below(2), (u64)be, frac_pattern(t));                 /* same binade */
    default: return gen(t);
    }
}

static u64 f2u(float f) { u32 u; memcpy(&u, &f, 4); return u; }
static float u2f(u64 u) { u32 v = (u32)u; float f; memcpy(&f, &v, 4); return f; }
static u64 d2u(double d) { u64 u; memcpy(&u, &d, 8); return u; }
static double u2d(u64 u) { double d; memcpy(&d, &u, 8); return d; }

/* Operands whose exact result lands near the smallest normal or the largest finite number,
 * where tininess after rounding and overflow per mode are decided. */
static u64 target(fmt t, int lo) {
    u64 edge = lo ? pack(t, 0, 1, below(2) ? 0 : (1ull << t.fbits) - 1 - below(4)) : pack(t, 0, emaxb(t) - 1, (1ull << t.fbits) - 1);
    if (lo && below(3) == 0) edge = pack(t, 0, 0, (1ull << t.fbits) - 1 - below(2)); /* just below */
    return edge ^ (below(2) ? (1ull << (t.fbits + t.ebits)) : 0);
}

/* An odd integer significand with exactly n significant bits, as a fraction field. */
static u64 odd_frac(fmt t, int n) {
    u64 v = (n == 1) ? 1 : ((rnd() >> (65 - n)) | (1ull << (n - 1)) | 1);
    return (v << (t.fbits + 1 - n)) & ((1ull << t.fbits) - 1);
}

/* Operands whose exact result is a tie (or next to one) at the format's precision, with or without
 * something tiny added: products of two odd significands of about p+1 bits together, and sums
 * with a half-ulp addend. These decide ties-to-even against ties-to-max-magnitude, and, with a
 * tiny addend, whether sticky bits far below the result survive. */
static void tie_operands(fmt t, int kind, u64 *a, u64 *b, u64 *c) {
    int p = t.fbits + 1;
    long long bi = (long long)bias(t);
    u64 sa = below(2), sb = below(2);
    long long ea = bi - 20 + (long long)below(40), eb = bi - 20 + (long long)below(40);
    if (below(4) == 0) eb = bi - (ea - bi) - (bi - 1) - (long long)below(p + 2); /* product near or below emin */
    if (eb < 1) eb = 1;
    if (kind == 2) { /* a +- half an ulp of a, times a short odd number */
        *a = pack(t, sa, (u64)ea, frac_pattern(t));
        long long e2 = ea - p - (long long)below(3);
        *b = pack(t, sb, (u64)(e2 < 1 ? 1 : e2), odd_frac(t, 1 + (int)below(4)));
        return;
    }
    int na = 1 + (int)below(p);
    int nb = p + 1 - na + (int)below(2);
    if (nb < 1) nb = 1;
    if (nb > p) nb = p;
    *a = pack(t, sa, (u64)ea, odd_frac(t, na));
    *b = pack(t, sb, (u64)eb, odd_frac(t, nb));
    if (kind == 'f') {
        long long ec = ea + eb - bi - p - 1 - (long long)below(2 * p);
        switch (below(4)) {
        case 0: *c = pack(t, below(2), 0, 0); break;
        case 1: *c = pack(t, below(2), (u64)(ec < 0 ? 0 : ec), frac_pattern(t)); break;
        case 2: *c = pack(t, below(2), (u64)(ec < 1 ? 1 : ec), 0); break;
        default: *c = pack(t, below(2), 0, 1 + below(3)); break; /* smallest subnormals */
        }
    }
}

static void operands(fmt t, int kind, u64 *a, u64 *b, u64 *c) {
    int dbl = t.fbits == 52;
    *a = gen(t);
    *b = below(2) ? related(t, *a) : gen(t);
    *c = below(2) ? related(t, *a) : gen(t);
    if ((kind == 2 || kind == 'm' || kind == 'f') && below(5) == 0) {
        tie_operands(t, kind, a, b, c);
        return;
    }
    if (below(4) != 0) return;
    /* aim at the edges: b = edge / a (mul), a = edge * b (div), or c cancelling a*b (fma) */
    u64 edge = target(t, (int)below(3) != 0);
    u64 wiggle = below(7) - 3;
    if (dbl) {
        double x = u2d(*a), e = u2d(edge);
        if (kind == 'm') *b = d2u(e / x) + wiggle;
        else if (kind == 'd') *a = d2u(e * u2d(*b)) + wiggle;
        else if (kind == 'f') { *c = d2u(-(x * u2d(*b))) + wiggle; if (below(2)) *b = d2u(e / x) + wiggle; }
        else *a = d2u(e) + wiggle;
    } else {
        float x = u2f(*a), e = u2f(edge);
        if (kind == 'm') *b = (u32)(f2u(e / x) + wiggle);
        else if (kind == 'd') *a = (u32)(f2u(e * u2f(*b)) + wiggle);
        else if (kind == 'f') { *c = (u32)(f2u(-(x * u2f(*b))) + wiggle); if (below(2)) *b = (u32)(f2u(e / x) + wiggle); }
        else *a = (u32)(f2u(e) + wiggle);
    }
}

/* Values around integer boundaries: k, k +- 1/2, k +- an ulp, near 2^31, 2^32, 2^63, 2^64. */
static u64 int_edge(fmt t) {
    static const double anchors[] = {0, 1, 2, 3, 1e3, 2147483647.0, 2147483648.0, 4294967295.0,
        4294967296.0, 9223372036854775807.0, 18446744073709551616.0, 8388608.0, 4503599627370496.0};
    double k = anchors[below(sizeof anchors / sizeof anchors[0])];
    if (below(3) == 0) k = (double)(below(1u << 20));
    if (below(4) == 0) k = (double)below(3); /* tiny k: where x - floor(x) style shortcuts go wrong */
    double v;
    switch (below(5)) {
    case 0: v = k; break;
    case 1: v = k + 0.5; break;
    case 2: v = k - 0.5; break;
    case 3: v = k + 0.25 * (double)(below(4)); break;
    default: v = k; break;
    }
    if (below(2)) v = -v;
    u64 bits = t.fbits == 52 ? d2u(v) : f2u((float)v);
    if (below(3) == 0) bits += below(5) - 2; /* an ulp or two away */
    if (t.fbits != 52) bits &= 0xffffffffu;
    return bits;
}

static u64 int_src(int wide) {
    u64 v;
    switch (below(6)) {
    case 0: v = rnd(); break;
    case 1: v = rnd() >> below(64); break;                                           /* any length */
    case 2: v = (1ull << below(64)) + below(5) - 2; break;                          /* near powers */
    case 3: { int n = 20 + (int)below(45); v = (rnd() >> (64 - n)) | (1ull << (n - 1)); /* ties */
              v &= ~((1ull << below(n)) - 1); v |= below(2) ? 0 : (1ull << below(n)); break; }
    case 4: v = -(rnd() >> below(64)); break;
    default: v = below(100); break;
    }
    return wide ? v : (u64)(u32)v;
}

typedef u64 (*insn_fn)(u64, u64, u64, int, unsigned *);

/* ---------------------------------------------------------------- special cross products */

static u64 specials(fmt t, int i) {
    u64 e = emaxb(t), b = bias(t), fm = (1ull << t.fbits) - 1, q = 1ull << (t.fbits - 1);
    switch (i) {
    case 0: return pack(t, 0, 0, 0);
    case 1: return pack(t, 1, 0, 0);
    case 2: return pack(t, 0, 0, 1);
    case 3: return pack(t, 1, 0, fm);
    case 4: return pack(t, 0, 1, 0);
    case 5: return pack(t, 1, e - 1, fm);
    case 6: return pack(t, 0, b, 0);
    case 7: return pack(t, 1, b + 1, q);
    case 8: return pack(t, 0, e, 0);
    case 9: return pack(t, 1, e, 0);
    case 10: return pack(t, 0, e, q);
    case 11: return pack(t, 1, e, q | 5);
    default: return pack(t, 0, e, 1);
    }
}
#define NSPECIAL 13

static void print_vec(const char *name, int rm, int arity, int w, int rw, u64 a, u64 b, u64 c, u64 r, unsigned fl) {
    put_str(name);
    put_hex((u64)rm, 1);
    put_hex(a, w);
    if (arity >= 2) put_hex(b, w);
    if (arity >= 3) put_hex(c, w);
    put_hex(r, rw);
    put_hex(fl, 2);
    put_nl();
}

/* every combination of special operands (zeros, subnormal and normal extremes, infinities, quiet
 * and signalling NaNs) in the given rounding modes */
static void cross(const char *name, insn_fn fn, fmt t, int arity, int resbits, unsigned rm_mask) {
    int w = (t.fbits + t.ebits + 1) / 4;
    for (int rm = 0; rm <= 4; rm++) {
        if (!(rm_mask & (1u << rm))) continue;
        for (int i = 0; i < NSPECIAL; i++)
            for (int j = 0; j < (arity >= 2 ? NSPECIAL : 1); j++)
                for (int k = 0; k < (arity >= 3 ? NSPECIAL : 1); k++) {
                    u64 a = specials(t, i), b = specials(t, j), c = specials(t, k);
                    unsigned fl;
                    u64 r = fn(a, b, c, rm, &fl);
                    print_vec(name, rm, arity, w, resbits / 4, a, b, c, r, fl);
                }
    }
}

/* ---------------------------------------------------------------- the driver */

/* kinds: 2/3 = binary/ternary arithmetic, 1 = unary FP, 'x' = integer source */
static void run(const char *name, insn_fn fn, fmt t, int arity, int kind, int srcbits, int resbits,
                int per_rm, int all_rm) {
    for (int rm = 0; rm <= (all_rm ? 4 : 0); rm++) {
        for (int i = 0; i < per_rm; i++) {
            u64 a, b, c;
            operands(t, kind, &a, &b, &c);
            if (kind == 'i') a = below(3) ? int_edge(t) : gen(t);
            if (kind == 'x') a = int_src(srcbits == 64);
            if (kind == 'q' && below(3) == 0) { /* near exact squares, where roots are exact or close to ties */
                u64 y = pack(t, 0, bias(t) - 40 + below(80), frac_pattern(t)), wiggle = below(5) - 2;
                a = t.fbits == 52 ? d2u(u2d(y) * u2d(y)) + wiggle : (u32)(f2u(u2f(y) * u2f(y)) + wiggle);
            }
            if (kind == 'n') { /* f64 to f32: often near a float boundary or tie */
                if (below(2)) {
                    u64 fbits = gen(F32);
                    double d = (double)u2f(fbits);
                    u64 db = d2u(d);
                    if ((db & 0x7ff0000000000000ull) != 0x7ff0000000000000ull) {
                        switch (below(4)) {
                        case 0: db += 1ull << 28; break;            /* the float tie */
                        case 1: db += (1ull << 28) + below(3) - 1; break;
                        case 2: db += below(5) - 2; break;
                        default: db += rnd() & ((1ull << 29) - 1); break;
                        }
                    }
                    a = db;
                } else if (below(3) == 0) {
                    /* within a float subnormal ulp below 2^-126, or a few float ulps above FLT_MAX */
                    a = below(2) ? 0x3810000000000000ull - (rnd() & ((1ull << 30) - 1))
                                 : 0x47efffffe0000000ull + (rnd() & ((1ull << 31) - 1));
                    a |= below(2) ? 1ull << 63 : 0;
                } else if (below(2)) {
                    /* exponents around float's subnormal and overflow ranges */
                    long long be = below(2) ? 1023 - 126 - 30 + (long long)below(40) : 1023 + 120 + (long long)below(12);
                    a = pack(F64, below(2), (u64)be, frac_pattern(F64));
                }
            }
            unsigned fl;
            u64 r = fn(a, b, c, rm, &fl);
            print_vec(name, rm, arity, srcbits / 4, resbits / 4, a, b, c, r, fl);
        }
    }
}

int main(void) {
    const int N = 700; /* vectors per rounding mode for the arithmetic */
    run("fadd.s", x_add_s, F32, 2, 2, 32, 32, N, 1);
    run("fsub.s", x_sub_s, F32, 2, 2, 32, 32, N, 1);
    run("fmul.s", x_mul_s, F32, 2, 'm', 32, 32, N, 1);
    run("fdiv.s", x_div_s, F32, 2, 'd', 32, 32, N, 1);
    run("fsqrt.s", x_sqrt_s, F32, 1, 'q', 32, 32, N / 2, 1);
    run("fmadd.s", x_fmadd_s, F32, 3, 'f', 32, 32, N, 1);
    run("fmsub.s", x_fmsub_s, F32, 3, 'f', 32, 32, N / 3, 1);
    run("fnmsub.s", x_fnmsub_s, F32, 3, 'f', 32, 32, N / 3, 1);
    run("fnmadd.s", x_fnmadd_s, F32, 3, 'f', 32, 32, N / 3, 1);
    run("fmin.s", x_min_s, F32, 2, 2, 32, 32, 1500, 0);
    run("fmax.s", x_max_s, F32, 2, 2, 32, 32, 1500, 0);
    run("feq.s", x_eq_s, F32, 2, 2, 32, 64, 1500, 0);
    run("flt.s", x_lt_s, F32, 2, 2, 32, 64, 1500, 0);
    run("fle.s", x_le_s, F32, 2, 2, 32, 64, 1500, 0);
    run("fclass.s", x_class_s, F32, 1, 1, 32, 64, 600, 0);
    run("fcvt.w.s", x_cvt_w_s, F32, 1, 'i', 32, 64, N / 2, 1);
    run("fcvt.wu.s", x_cvt_wu_s, F32, 1, 'i', 32, 64, N / 2, 1);
    run("fcvt.l.s", x_cvt_l_s, F32, 1, 'i', 32, 64, N / 2, 1);
    run("fcvt.lu.s", x_cvt_lu_s, F32, 1, 'i', 32, 64, N / 2, 1);
    run("fcvt.s.w", x_cvt_s_w, F32, 1, 'x', 32, 32, N / 3, 1);
    run("fcvt.s.wu", x_cvt_s_wu, F32, 1, 'x', 32, 32, N / 3, 1);
    run("fcvt.s.l", x_cvt_s_l, F32, 1, 'x', 64, 32, N / 2, 1);
    run("fcvt.s.lu", x_cvt_s_lu, F32, 1, 'x', 64, 32, N / 2, 1);
    run("fcvt.d.s", x_cvt_d_s, F32, 1, 1, 32, 64, 1000, 0);

    run("fadd.d", x_add_d, F64, 2, 2, 64, 64, N, 1);
    run("fsub.d", x_sub_d, F64, 2, 2, 64, 64, N, 1);
    run("fmul.d", x_mul_d, F64, 2, 'm', 64, 64, N, 1);
    run("fdiv.d", x_div_d, F64, 2, 'd', 64, 64, N, 1);
    run("fsqrt.d", x_sqrt_d, F64, 1, 'q', 64, 64, N / 2, 1);
    run("fmadd.d", x_fmadd_d, F64, 3, 'f', 64, 64, N, 1);
    run("fmsub.d", x_fmsub_d, F64, 3, 'f', 64, 64, N / 3, 1);
    run("fnmsub.d", x_fnmsub_d, F64, 3, 'f', 64, 64, N / 3, 1);
    run("fnmadd.d", x_fnmadd_d, F64, 3, 'f', 64, 64, N / 3, 1);
    run("fmin.d", x_min_d, F64, 2, 2, 64, 64, 1500, 0);
    run("fmax.d", x_max_d, F64, 2, 2, 64, 64, 1500, 0);
    run("feq.d", x_eq_d, F64, 2, 2, 64, 64, 1500, 0);
    run("flt.d", x_lt_d, F64, 2, 2, 64, 64, 1500, 0);
    run("fle.d", x_le_d, F64, 2, 2, 64, 64, 1500, 0);
    run("fclass.d", x_class_d, F64, 1, 1, 64, 64, 600, 0);
    run("fcvt.w.d", x_cvt_w_d, F64, 1, 'i', 64, 64, N / 2, 1);
    run("fcvt.wu.d", x_cvt_wu_d, F64, 1, 'i', 64, 64, N / 2, 1);
    run("fcvt.l.d", x_cvt_l_d, F64, 1, 'i', 64, 64, N / 2, 1);
    run("fcvt.lu.d", x_cvt_lu_d, F64, 1, 'i', 64, 64, N / 2, 1);
    run("fcvt.d.w", x_cvt_d_w, F64, 1, 'x', 32, 64, N / 4, 1);
    run("fcvt.d.wu", x_cvt_d_wu, F64, 1, 'x', 32, 64, N / 4, 1);
    run("fcvt.d.l", x_cvt_d_l, F64, 1, 'x', 64, 64, N / 2, 1);
    run("fcvt.d.lu", x_cvt_d_lu, F64, 1, 'x', 64, 64, N / 2, 1);
    run("fcvt.s.d", x_cvt_s_d, F64, 1, 'n', 64, 32, N, 1);

    const unsigned ALL = 0x1f, RNE_RDN = 0x5, RNE = 0x1;
    cross("fadd.s", x_add_s, F32, 2, 32, ALL);
    cross("fsub.s", x_sub_s, F32, 2, 32, RNE_RDN);
    cross("fmul.s", x_mul_s, F32, 2, 32, ALL);
    cross("fdiv.s", x_div_s, F32, 2, 32, ALL);
    cross("fsqrt.s", x_sqrt_s, F32, 1, 32, ALL);
    cross("fmadd.s", x_fmadd_s, F32, 3, 32, RNE_RDN);
    cross("fnmadd.s", x_fnmadd_s, F32, 3, 32, RNE_RDN);
    cross("fmin.s", x_min_s, F32, 2, 32, RNE);
    cross("fmax.s", x_max_s, F32, 2, 32, RNE);
    cross("feq.s", x_eq_s, F32, 2, 64, RNE);
    cross("flt.s", x_lt_s, F32, 2, 64, RNE);
    cross("fle.s", x_le_s, F32, 2, 64, RNE);
    cross("fadd.d", x_add_d, F64, 2, 64, ALL);
    cross("fsub.d", x_sub_d, F64, 2, 64, RNE_RDN);
    cross("fmul.d", x_mul_d, F64, 2, 64, ALL);
    cross("fdiv.d", x_div_d, F64, 2, 64, ALL);
    cross("fsqrt.d", x_sqrt_d, F64, 1, 64, ALL);
    cross("fmadd.d", x_fmadd_d, F64, 3, 64, RNE_RDN);
    cross("fnmadd.d", x_fnmadd_d, F64, 3, 64, RNE_RDN);
    cross("fmin.d", x_min_d, F64, 2, 64, RNE);
    cross("fmax.d", x_max_d, F64, 2, 64, RNE);
    cross("feq.d", x_eq_d, F64, 2, 64, RNE);
    cross("flt.d", x_lt_d, F64, 2, 64, RNE);
    cross("fle.d", x_le_d, F64, 2, 64, RNE);

    flush_out();
    fflush(stdout);
    sh_exit(0);
    return 0;
}
