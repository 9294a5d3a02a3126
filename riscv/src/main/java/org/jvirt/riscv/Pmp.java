package org.jvirt.riscv;

/**
 * Physical memory protection (privileged spec 1.12, section 3.7): 16 entries, 4-byte granularity,
 * OFF/TOR/NA4/NAPOT address matching, the lock bit, and the rule that S- and U-mode accesses matching
 * no entry fail because entries are implemented.
 */
final class Pmp {
    static final int R = 1, W = 2, X = 4, L = 0x80;
    private static final int ENTRIES = 16;
    private static final int OFF = 0, TOR = 1, NA4 = 2, NAPOT = 3;
    private static final long ADDR_MASK = (1L << 54) - 1; // pmpaddr holds bits 55:2 of a 56-bit address

    private final int[] cfg = new int[ENTRIES];
    private final long[] addr = new long[ENTRIES];
    /** Decoded bounds [lo, hi) per entry, kept in step with cfg and addr. */
    private final long[] lo = new long[ENTRIES], hi = new long[ENTRIES];
    private boolean anyActive;

    long readCfg(int index) { // index is the pmpcfg number: 0, 2, ..., 14
        int first = index * 4;
        long v = 0;
        for (int i = 0; i < 8 && first + i < ENTRIES; i++) v |= (long) cfg[first + i] << (8 * i);
        return v;
    }

    void writeCfg(int index, long v) {
        int first = index * 4;
        for (int i = 0; i < 8 && first + i < ENTRIES; i++) {
            int e = first + i;
            if ((cfg[e] & L) != 0) continue;
            int c = (int) ((v >>> (8 * i)) & 0x9f);
            if ((c & (R | W)) == W) c &= ~(W | X | R); // R=0,W=1 is reserved: make it no access
            cfg[e] = c;
        }
        recompute();
    }

    long readAddr(int e) {
        return e < ENTRIES ? addr[e] : 0;
    }

    void writeAddr(int e, long v) {
        if (e >= ENTRIES || (cfg[e] & L) != 0) return;
        if (e + 1 < ENTRIES && (cfg[e + 1] & L) != 0 && mode(e + 1) == TOR) return;
        addr[e] = v & ADDR_MASK;
        recompute();
    }

    private int mode(int e) { return (cfg[e] >>> 3) & 3; }

    private void recompute() {
        anyActive = false;
        for (int e = 0; e < ENTRIES; e++) {
            switch (mode(e)) {
                case TOR -> { lo[e] = e == 0 ? 0 : addr[e - 1] << 2; hi[e] = addr[e] << 2; }
                case NA4 -> { lo[e] = addr[e] << 2; hi[e] = lo[e] + 4; }
                case NAPOT -> {
                    int ones = Long.numberOfTrailingZeros(~addr[e]);
                    long size = ones >= 54 ? 1L << 56 : 8L << ones;
                    lo[e] = (addr[e] & ~((1L << ones) - 1)) << 2 & ((1L << 56) - 1);
                    hi[e] = lo[e] + size;
                }
                default -> { lo[e] = 0; hi[e] = 0; }
            }
            if (mode(e) != OFF) anyActive = true;
        }
    }

    /**
     * The permissions (R|W|X) that apply to every byte of {@code [pa, pa+len)} for privilege
     * {@code priv}, or -1 when entries match only part of the range (which fails any access to it).
     */
    int permissions(long pa, long len, int priv) {
        if (anyActive) {
            long end = pa + len;
            for (int e = 0; e < ENTRIES; e++) {
                if (mode(e) == OFF || hi[e] <= lo[e]) continue;
                boolean overlaps = pa < hi[e] && lo[e] < end;
                if (!overlaps) continue;
                if (pa < lo[e] || end > hi[e]) return -1;
                if (priv == Hart.M && (cfg[e] & L) == 0) return R | W | X;
                return cfg[e] & (R | W | X);
            }
        }
        return priv == Hart.M ? R | W | X : 0;
    }

    boolean allows(long pa, int len, int access, int priv) {
        int p = permissions(pa, len, priv);
        return p >= 0 && (p & access) != 0;
    }
}
