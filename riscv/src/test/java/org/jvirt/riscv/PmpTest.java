package org.jvirt.riscv;

import static org.jvirt.riscv.TestHart.CODE;
import static org.jvirt.riscv.TestHart.DATA;
import static org.jvirt.riscv.TestHart.M;
import static org.jvirt.riscv.TestHart.S;
import static org.jvirt.riscv.TestHart.U;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Physical memory protection (privileged spec 1.12, section 3.7): pmpcfg layout (figure 3.32: R=bit 0,
 * W=1, X=2, A=4:3 with OFF/TOR/NA4/NAPOT = 0..3, L=7), pmpaddr holding address bits 55:2, priority by
 * entry number, the S/U default-deny rule, and locking.
 */
class PmpTest {
    private static final int R = 1, W = 2, X = 4, TOR = 1 << 3, NA4 = 2 << 3, NAPOT = 3 << 3, L = 0x80;
    private final TestHart t = new TestHart();

    @AfterEach
    void close() { t.close(); }

    /** Writes byte {@code entry} (0..7) of pmpcfg0, keeping the others. */
    private TestHart cfg(int entry, int value) {
        long old = t.csr(Csrs.PMPCFG0);
        long mask = 0xffL << (8 * entry);
        return t.csr(Csrs.PMPCFG0, (old & ~mask) | ((long) value << (8 * entry)));
    }

    private TestHart addr(int entry, long value) {
        return t.csr(Csrs.PMPADDR0 + entry, value);
    }

    /** pmpaddr for a naturally aligned power-of-two region (size >= 8): base/4 with size/8-1 in the low bits. */
    private static long napot(long base, long size) {
        return (base >>> 2) | ((size >>> 3) - 1);
    }

    private TestHart run(int priv, long x5, int word) {
        return t.x(5, x5).x(6, 0x55).priv(priv).exec(word);
    }

    @Test
    void withNoEntryMatchingSAndUAccessesFail() {
        t.priv(S).step(); // the fetch itself matches no entry
        t.assertMTrap(Cause.INSN_ACCESS, CODE, CODE);
        addr(0, napot(CODE, 0x1000)); // let code run, nothing else
        cfg(0, NAPOT | X);
        run(S, DATA, Asm.ld(7, 5, 0));
        t.assertMTrap(Cause.LOAD_ACCESS, DATA, CODE);
        run(U, DATA, Asm.sd(6, 5, 0));
        t.assertMTrap(Cause.STORE_ACCESS, DATA, CODE);
        run(U, DATA, Asm.amoaddW(7, 5, 6));
        t.assertMTrap(Cause.STORE_ACCESS, DATA, CODE);
    }

    @Test
    void mAccessesSucceedWhenNoEntryMatches() {
        addr(0, napot(CODE, 0x1000));
        cfg(0, NAPOT | X);
        run(M, DATA, Asm.sd(6, 5, 0));
        t.assertPc(CODE + 4);
        assertEquals(0x55, t.mem64(DATA));
    }

    @Test
    void torRangeFromThePreviousAddress() {
        t.allowAllPmp(); // entry 15: everything, lowest priority
        addr(0, DATA >>> 2);
        addr(1, (DATA + 0x1000) >>> 2);
        cfg(1, TOR | R); // [DATA, DATA + 4 KiB) read-only
        run(U, DATA + 0x800, Asm.ld(7, 5, 0));
        t.assertPc(CODE + 4);
        run(U, DATA + 0xff8, Asm.sd(6, 5, 0));
        t.assertMTrap(Cause.STORE_ACCESS, DATA + 0xff8, CODE);
        run(U, DATA - 8, Asm.sd(6, 5, 0)); // below the range: entry 15
        t.assertPc(CODE + 4);
        run(U, DATA + 0x1000, Asm.sd(6, 5, 0)); // the top is exclusive
        t.assertPc(CODE + 4);
    }

    @Test
    void torEntryZeroStartsAtAddressZero() {
        addr(0, (DATA + 0x1000) >>> 2);
        cfg(0, TOR | R | X);
        run(U, DATA, Asm.ld(7, 5, 0));
        t.assertPc(CODE + 4);
        run(U, DATA, Asm.sd(6, 5, 0));
        t.assertMTrap(Cause.STORE_ACCESS, DATA, CODE);
    }

    @Test
    void aTorEntryWhoseBottomIsNotBelowItsTopMatchesNothing() {
        t.allowAllPmp();
        addr(0, (DATA + 0x1000) >>> 2);
        addr(1, DATA >>> 2);
        cfg(1, TOR | R);
        run(U, DATA + 0x800, Asm.sd(6, 5, 0));
        t.assertPc(CODE + 4);
    }

    @Test
    void theSmallestNapotRegionIsEightBytes() {
        t.allowAllPmp();
        addr(0, napot(DATA + 8, 8));
        assertEquals((DATA + 8) >>> 2, t.csr(Csrs.PMPADDR0));
        cfg(0, NAPOT);
        run(U, DATA + 12, Asm.lw(7, 5, 0));
        t.assertMTrap(Cause.LOAD_ACCESS, DATA + 12, CODE);
        run(U, DATA + 16, Asm.ld(7, 5, 0));
        t.assertPc(CODE + 4);
        run(U, DATA + 4, Asm.lw(7, 5, 0));
        t.assertPc(CODE + 4);
    }

    @Test
    void na4CoversFourBytesAndPartialMatchesFail() {
        t.allowAllPmp();
        addr(0, (DATA + 8) >>> 2);
        cfg(0, NA4); // no permissions on DATA+8 .. DATA+11
        run(U, DATA + 8, Asm.lw(7, 5, 0));
        t.assertMTrap(Cause.LOAD_ACCESS, DATA + 8, CODE);
        run(U, DATA + 12, Asm.lw(7, 5, 0));
        t.assertPc(CODE + 4);
        run(U, DATA + 4, Asm.lw(7, 5, 0));
        t.assertPc(CODE + 4);
        run(U, DATA + 8, Asm.ld(7, 5, 0)); // the NA4 entry matches only half of it
        assertEquals(Cause.LOAD_ACCESS, t.csr(Csrs.MCAUSE));
        t.assertPc(TestHart.TRAP);
        run(U, DATA + 6, Asm.sw(6, 5, 0)); // straddles into the entry
        assertEquals(Cause.STORE_ACCESS, t.csr(Csrs.MCAUSE));
        t.assertPc(TestHart.TRAP);
    }

    @Test
    void napotRegion() {
        t.allowAllPmp();
        addr(0, napot(DATA, 0x1000));
        assertEquals(0x2000_41ffL, t.csr(Csrs.PMPADDR0));
        cfg(0, NAPOT | R);
        run(S, DATA + 0xff8, Asm.sd(6, 5, 0));
        t.assertMTrap(Cause.STORE_ACCESS, DATA + 0xff8, CODE);
        run(S, DATA + 0xff8, Asm.ld(7, 5, 0));
        t.assertPc(CODE + 4);
        run(S, DATA + 0x1000, Asm.sd(6, 5, 0));
        t.assertPc(CODE + 4);
        run(S, DATA - 8, Asm.sd(6, 5, 0));
        t.assertPc(CODE + 4);
    }

    @Test
    void executeNeedsX() {
        t.allowAllPmp();
        addr(0, napot(CODE, 0x1000));
        cfg(0, NAPOT | R | W);
        t.priv(U).step();
        t.assertMTrap(Cause.INSN_ACCESS, CODE, CODE);
    }

    @Test
    void theLowestNumberedMatchingEntryWins() {
        addr(0, napot(DATA, 0x1000));
        addr(1, napot(DATA, 0x10000));
        addr(2, napot(CODE, 0x1000));
        cfg(0, NAPOT | R);
        cfg(1, NAPOT | R | W);
        cfg(2, NAPOT | X);
        run(S, DATA, Asm.sd(6, 5, 0));
        t.assertMTrap(Cause.STORE_ACCESS, DATA, CODE);
        run(S, DATA + 0x1000, Asm.sd(6, 5, 0));
        t.assertPc(CODE + 4);
    }

    @Test
    void lockedEntriesApplyToM() {
        addr(0, napot(DATA, 0x1000));
        cfg(0, NAPOT | R);
        run(M, DATA, Asm.sd(6, 5, 0));
        t.assertPc(CODE + 4); // not locked: M ignores the entry
        cfg(0, NAPOT | R | L);
        run(M, DATA, Asm.sd(6, 5, 0));
        t.assertMTrap(Cause.STORE_ACCESS, DATA, CODE);
        run(M, DATA, Asm.ld(7, 5, 0));
        t.assertPc(CODE + 4);
    }

    @Test
    void lockedEntriesIgnoreWrites() {
        addr(0, napot(DATA, 0x1000));
        cfg(0, NAPOT | R | L);
        long cfgBefore = t.csr(Csrs.PMPCFG0);
        t.x(5, 0).exec(Asm.csrw(Csrs.PMPCFG0, 5), Asm.csrw(Csrs.PMPADDR0, 5));
        t.assertPc(CODE + 8);
        assertEquals(cfgBefore, t.csr(Csrs.PMPCFG0));
        assertEquals(napot(DATA, 0x1000), t.csr(Csrs.PMPADDR0));
    }

    @Test
    void aLockedTorEntryLocksThePreviousAddress() {
        addr(0, DATA >>> 2);
        addr(1, (DATA + 0x1000) >>> 2);
        cfg(1, TOR | R | L);
        addr(0, 0);
        assertEquals(DATA >>> 2, t.csr(Csrs.PMPADDR0));
        cfg(0, NAPOT | R); // entry 0's own cfg is not locked
        assertEquals(NAPOT | R, t.csr(Csrs.PMPCFG0) & 0xff);
    }

    @Test
    void theReservedWriteOnlyCombinationIsNotKept() {
        cfg(0, NAPOT | W);
        long c = t.csr(Csrs.PMPCFG0) & 0xff;
        assertEquals(true, (c & (R | W)) != W, "R=0 W=1 is reserved (WARL): cfg read back 0x" + Long.toHexString(c));
    }

    @Test
    void mprvChecksPmpWithThePrivilegeInMpp() {
        addr(0, napot(CODE, 0x1000));
        cfg(0, NAPOT | X);
        t.mpp(U).setMstatus(Csrs.MPRV);
        run(M, DATA, Asm.ld(7, 5, 0));
        t.assertMTrap(Cause.LOAD_ACCESS, DATA, CODE);
    }

    /** "If accessing pte violates a PMA or PMP check, raise an access-fault exception corresponding to the original access type." */
    @Test
    void pageTableWalksAreCheckedAsSAccesses() {
        t.allowAllPmp();
        PageTables pt = new PageTables(t, PageTables.SV39).identityCode(false);
        long leaf = pt.map(0x1000, DATA, 0, PageTables.V | PageTables.R | PageTables.W | PageTables.A | PageTables.D);
        pt.install();
        addr(0, napot(leaf & ~0xfffL, 0x1000));
        cfg(0, NAPOT); // the leaf table is out of bounds for S
        run(S, 0x1000, Asm.ld(7, 5, 0));
        t.assertMTrap(Cause.LOAD_ACCESS, 0x1000, CODE);
        run(S, 0x1000, Asm.sd(6, 5, 0));
        t.assertMTrap(Cause.STORE_ACCESS, 0x1000, CODE);
    }
}
