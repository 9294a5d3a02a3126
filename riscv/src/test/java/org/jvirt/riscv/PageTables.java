package org.jvirt.riscv;

/**
 * Sv39/Sv48 page tables built in the guest RAM of a {@link TestHart}, written from the privileged spec
 * 1.12, sections 4.3-4.4: 8-byte PTEs with PPN in bits 53:10 and the flags below, VPN[i] =
 * va[12+9i+8 : 12+9i], satp = MODE(63:60) | ASID | PPN(43:0).
 */
final class PageTables {
    static final long V = 1, R = 2, W = 4, X = 8, U = 16, G = 32, A = 64, D = 128;
    static final int SV39 = 8, SV48 = 9;

    private final TestHart t;
    private final int levels;
    final long root;
    private long next;

    PageTables(TestHart t, int mode) {
        this.t = t;
        this.levels = mode == SV39 ? 3 : 4;
        this.next = TestHart.FREE;
        this.root = allocate();
    }

    long allocate() {
        long page = next;
        next += 4096;
        t.ram.zero(page, 4096);
        return page;
    }

    /** The satp value that selects these tables. */
    long satp() {
        return (long) (levels == 3 ? SV39 : SV48) << 60 | root >>> 12;
    }

    /** Installs the tables in satp (with M rights) and returns the test hart. */
    TestHart install() {
        return t.csr(Csrs.SATP, satp());
    }

    static long vpn(long va, int level) {
        return (va >>> (12 + 9 * level)) & 0x1ff;
    }

    static long pte(long pa, long flags) {
        return (pa >>> 12) << 10 | flags;
    }

    /**
     * Maps {@code va} with a leaf at {@code level} (0: 4 KiB, 1: 2 MiB, 2: 1 GiB, 3: 512 GiB) to
     * {@code pa}, creating pointer PTEs on the way; returns the leaf PTE's physical address.
     */
    long map(long va, long pa, int level, long flags) {
        long leaf = slot(va, level);
        t.ram.writeLong(leaf, pte(pa, flags));
        return leaf;
    }

    /** The physical address of the PTE for {@code va} at {@code level}, creating the tables above it. */
    long slot(long va, int level) {
        long table = root;
        for (int l = levels - 1; l > level; l--) {
            long addr = table + vpn(va, l) * 8;
            long pte = t.ram.readLong(addr);
            if ((pte & V) == 0) {
                pte = pte(allocate(), V);
                t.ram.writeLong(addr, pte);
            }
            table = (pte >>> 10 & ((1L << 44) - 1)) << 12;
        }
        return table + vpn(va, level) * 8;
    }

    /** Maps the 4 KiB code page at {@link TestHart#CODE} onto itself, executable (and user if asked). */
    PageTables identityCode(boolean user) {
        map(TestHart.CODE, TestHart.CODE, 0, V | R | X | A | (user ? U : 0));
        return this;
    }
}
