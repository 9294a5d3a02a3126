package org.jvirt.riscv;

import static org.jvirt.riscv.PageTables.A;
import static org.jvirt.riscv.PageTables.D;
import static org.jvirt.riscv.PageTables.R;
import static org.jvirt.riscv.PageTables.SV39;
import static org.jvirt.riscv.PageTables.SV48;
import static org.jvirt.riscv.PageTables.U;
import static org.jvirt.riscv.PageTables.V;
import static org.jvirt.riscv.PageTables.W;
import static org.jvirt.riscv.PageTables.X;
import static org.jvirt.riscv.TestHart.CODE;
import static org.jvirt.riscv.TestHart.DATA;
import static org.jvirt.riscv.TestHart.M;
import static org.jvirt.riscv.TestHart.RAM;
import static org.jvirt.riscv.TestHart.S;
import static org.jvirt.riscv.TestHart.STRAP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Sv39 and Sv48 translation (privileged spec 1.12, sections 4.3.1-4.3.2 and 4.4): leaves at every level,
 * the permission checks, A/D updates, faults and their tval, SUM, MXR, MPRV and SFENCE.VMA. Tables
 * are built in RAM by {@link PageTables}; code runs in S-mode from an identity-mapped page.
 */
class MmuTest {
    private static final long RWAD = R | W | A | D | V;
    private static final long VA = 0x1000;
    private final TestHart t = new TestHart();

    @BeforeEach
    void pmp() { t.allowAllPmp(); }

    @AfterEach
    void close() { t.close(); }

    private PageTables sv39() {
        PageTables pt = new PageTables(t, SV39).identityCode(false);
        pt.install();
        return pt;
    }

    private PageTables sv48() {
        PageTables pt = new PageTables(t, SV48).identityCode(false);
        pt.install();
        return pt;
    }

    /** Runs {@code ld x7, 0(x5)} with x5 = va in S-mode. */
    private TestHart loadS(long va) {
        return t.x(5, va).x(7, 0xdead).priv(S).exec(Asm.ld(7, 5, 0));
    }

    /** Runs {@code sd x6, 0(x5)} with x5 = va in S-mode. */
    private TestHart storeS(long va, long value) {
        return t.x(5, va).x(6, value).priv(S).exec(Asm.sd(6, 5, 0));
    }

    @Test
    void sv39FourKilobytePage() {
        sv39().map(VA, DATA, 0, RWAD);
        t.ram.writeLong(DATA + 8, 0x1122_3344_5566_7788L);
        loadS(VA + 8).assertPc(CODE + 4);
        assertEquals(0x1122_3344_5566_7788L, t.x(7));
        storeS(VA + 0x10, 42).assertPc(CODE + 4);
        assertEquals(42, t.mem64(DATA + 0x10));
    }

    @ParameterizedTest(name = "level {0}")
    @ValueSource(ints = {1, 2})
    void sv39Superpages(int level) {
        long va = 1L << (12 + 9 * level); // VPN[level] = 1, lower VPNs 0: 2 MiB or 1 GiB aligned
        sv39().map(va, RAM, level, RWAD);   // RAM's base is 1 GiB aligned
        t.ram.writeLong(DATA + 0x18, 77);
        loadS(va + (DATA - RAM) + 0x18).assertPc(CODE + 4);
        assertEquals(77, t.x(7));
    }

    @ParameterizedTest(name = "level {0}")
    @ValueSource(ints = {0, 1, 2})
    void sv48LeavesAtEveryLevelBelowTheRoot(int level) {
        long va = 1L << 39 | (level == 0 ? 0x3000 : 0); // VPN[3] = 1
        sv48().map(va, level == 0 ? DATA : RAM, level, RWAD);
        t.ram.writeLong(DATA + 0x20, 99);
        loadS(va + (level == 0 ? 0 : DATA - RAM) + 0x20).assertPc(CODE + 4);
        assertEquals(99, t.x(7));
    }

    @Test
    void sv48MisalignedTerapageFaults() {
        long va = 2L << 39;
        sv48().map(va, RAM, 3, RWAD);
        loadS(va);
        t.assertMTrap(Cause.LOAD_PAGE_FAULT, va, CODE);
    }

    @ParameterizedTest(name = "level {0}")
    @ValueSource(ints = {1, 2})
    void misalignedSuperpageIsAPageFault(int level) {
        long va = 1L << (12 + 9 * level);
        sv39().map(va, RAM + 0x1000, level, RWAD); // PPN[0] != 0
        loadS(va + 8);
        t.assertMTrap(Cause.LOAD_PAGE_FAULT, va + 8, CODE);
        storeS(va + 8, 1);
        t.assertMTrap(Cause.STORE_PAGE_FAULT, va + 8, CODE);
    }

    @Test
    void hardwareSetsAOnAccessAndDOnStore() {
        PageTables pt = sv39();
        long pte = pt.map(VA, DATA, 0, V | R | W);
        loadS(VA).assertPc(CODE + 4);
        assertEquals(A, t.mem64(pte) & (A | D), "a load sets A only");
        storeS(VA, 5).assertPc(CODE + 4);
        assertEquals(A | D, t.mem64(pte) & (A | D));
        long pte2 = pt.map(VA + 0x1000, DATA + 0x1000, 0, V | R | W);
        storeS(VA + 0x1000, 5).assertPc(CODE + 4);
        assertEquals(A | D, t.mem64(pte2) & (A | D), "a store sets both");
    }

    @Test
    void fetchSetsA() {
        PageTables pt = new PageTables(t, SV39);
        long pte = pt.map(CODE, CODE, 0, V | R | X);
        pt.install();
        t.priv(S).exec(Asm.nop());
        t.assertPc(CODE + 4);
        assertEquals(A, t.mem64(pte) & (A | D));
    }

    @Test
    void unmappedAddressesFaultWithTheVirtualAddressInMtval() {
        sv39();
        loadS(0x5008);
        t.assertMTrap(Cause.LOAD_PAGE_FAULT, 0x5008, CODE);
        storeS(0x6010, 1);
        t.assertMTrap(Cause.STORE_PAGE_FAULT, 0x6010, CODE);
        t.x(5, 0x7ff0).priv(S).exec(Asm.amoaddD(7, 5, 6));
        t.assertMTrap(Cause.STORE_PAGE_FAULT, 0x7ff0, CODE);
        t.x(5, 0x7ff0).priv(S).exec(Asm.lrD(7, 5));
        t.assertMTrap(Cause.LOAD_PAGE_FAULT, 0x7ff0, CODE);
        t.priv(S).h.pc = 0x9000;
        t.step();
        t.assertMTrap(Cause.INSN_PAGE_FAULT, 0x9000, 0x9000);
    }

    @Test
    void delegatedPageFaultsReportStval() {
        sv39();
        t.csr(Csrs.MEDELEG, 1L << Cause.LOAD_PAGE_FAULT);
        loadS(0x5008);
        t.assertSTrap(Cause.LOAD_PAGE_FAULT, 0x5008, CODE);
        assertEquals(STRAP, t.pc());
    }

    @Test
    void permissionsAreChecked() {
        PageTables pt = sv39();
        pt.map(0x10000, DATA, 0, V | R | A | D);            // read-only
        pt.map(0x11000, DATA, 0, V | X | A);                // execute-only
        pt.map(0x12000, CODE, 0, V | R | W | A | D);        // not executable
        storeS(0x10000, 1);
        t.assertMTrap(Cause.STORE_PAGE_FAULT, 0x10000, CODE);
        loadS(0x11000);
        t.assertMTrap(Cause.LOAD_PAGE_FAULT, 0x11000, CODE);
        t.priv(S).h.pc = 0x12000;
        t.step();
        t.assertMTrap(Cause.INSN_PAGE_FAULT, 0x12000, 0x12000);
    }

    @Test
    void writableWithoutReadableIsReservedAndFaults() {
        sv39().map(VA, DATA, 0, V | W | A | D);
        loadS(VA);
        t.assertMTrap(Cause.LOAD_PAGE_FAULT, VA, CODE);
        storeS(VA, 1);
        t.assertMTrap(Cause.STORE_PAGE_FAULT, VA, CODE);
        assertEquals(0, t.mem64(DATA));
    }

    @Test
    void reservedPteBitsFault() {
        sv39().map(VA, DATA, 0, RWAD | 1L << 54);
        loadS(VA);
        t.assertMTrap(Cause.LOAD_PAGE_FAULT, VA, CODE);
    }

    @Test
    void aPointerAtLevelZeroFaults() {
        sv39().map(VA, DATA, 0, V); // R = W = X = 0 in a leaf-level PTE
        loadS(VA);
        t.assertMTrap(Cause.LOAD_PAGE_FAULT, VA, CODE);
    }

    /**
     * Atomics go through the TLB like loads and stores (kernels take every lock with them). Until an
     * sfence.vma the spec allows either the old or the new translation of a changed PTE; the old one
     * showing is how this test sees that the TLB served them, without a page walk each.
     */
    @Test
    void atomicsUseTheTlbUntilSfenceVma() {
        PageTables pt = sv39();
        pt.map(VA, DATA, 0, RWAD);
        t.x(5, VA).x(6, 1).priv(S).exec(Asm.amoaddD(7, 5, 6), Asm.lrD(8, 5));
        pt.map(VA, DATA + 0x1000, 0, RWAD); // no sfence.vma yet
        t.priv(S).exec(Asm.amoaddD(7, 5, 6), Asm.lrD(8, 5), Asm.scD(9, 5, 6));
        assertEquals(0, t.x(9), "the sc after the lr succeeds");
        assertEquals(1, t.mem64(DATA), "the second amoadd and the sc went to the page the TLB held");
        assertEquals(0, t.mem64(DATA + 0x1000));
        t.priv(S).exec(Asm.sfenceVma(0, 0), Asm.amoaddD(7, 5, 6));
        assertEquals(1, t.mem64(DATA + 0x1000), "after sfence.vma the new mapping applies");
    }

    /** Section 4.3.1: in a non-leaf PTE, D, A and U are reserved; 4.3.2 step 3: a reserved bit set is a page fault. */
    @ParameterizedTest(name = "pointer PTE with bit {0}")
    @ValueSource(ints = {4, 6, 7})
    void reservedBitsOfAPointerPteFault(int bit) {
        PageTables pt = sv39();
        pt.map(VA, DATA, 0, RWAD);
        long pointer = pt.slot(VA, 1);
        t.ram.writeLong(pointer, t.mem64(pointer) | 1L << bit);
        loadS(VA);
        t.assertMTrap(Cause.LOAD_PAGE_FAULT, VA, CODE);
    }

    @Test
    void sv39RequiresBits63To39ToEqualBit38() {
        PageTables pt = sv39();
        pt.map(0x3f_c000_0000L, RAM, 2, RWAD);          // VPN[2] = 0xff
        pt.map(0xffff_ffff_c000_0000L, RAM, 2, RWAD);   // VPN[2] = 0x1ff, the canonical top of the space
        t.ram.writeLong(DATA, 5);
        loadS(0x3f_c000_0000L + (DATA - RAM)).assertPc(CODE + 4);
        loadS(0xffff_ffff_c000_0000L + (DATA - RAM)).assertPc(CODE + 4);
        assertEquals(5, t.x(7));
        long bad = 0xffff_ffbf_c000_0000L + (DATA - RAM); // VPN[2] = 0xff but bits 63:39 set: not canonical
        loadS(bad);
        t.assertMTrap(Cause.LOAD_PAGE_FAULT, bad, CODE);
        storeS(0x40_0000_0000L, 1);                   // bit 38 set, bits 63:39 clear
        t.assertMTrap(Cause.STORE_PAGE_FAULT, 0x40_0000_0000L, CODE);
    }

    @Test
    void sv48RequiresBits63To48ToEqualBit47() {
        PageTables pt = sv48();
        pt.map(0xffff_8000_0000_0000L, RAM, 2, RWAD); // VPN[3] = 0x100
        t.ram.writeLong(DATA, 6);
        loadS(0xffff_8000_0000_0000L + (DATA - RAM)).assertPc(CODE + 4);
        assertEquals(6, t.x(7));
        long bad = 0x0000_8000_0000_0000L + (DATA - RAM);
        loadS(bad);
        t.assertMTrap(Cause.LOAD_PAGE_FAULT, bad, CODE);
    }

    @Test
    void userPagesFromSNeedSum() {
        sv39().map(VA, DATA, 0, RWAD | U);
        t.ram.writeLong(DATA, 8);
        loadS(VA);
        t.assertMTrap(Cause.LOAD_PAGE_FAULT, VA, CODE);
        storeS(VA, 1);
        t.assertMTrap(Cause.STORE_PAGE_FAULT, VA, CODE);
        t.setMstatus(Csrs.SUM);
        loadS(VA).assertPc(CODE + 4);
        assertEquals(8, t.x(7));
        storeS(VA, 9).assertPc(CODE + 4);
        assertEquals(9, t.mem64(DATA));
    }

    @Test
    void sNeverExecutesUserPagesEvenWithSum() {
        PageTables pt = sv39();
        pt.map(0x20000, CODE + 0x100, 0, V | R | X | A | U);
        t.put(CODE + 0x100, Asm.nop()).setMstatus(Csrs.SUM).priv(S).h.pc = 0x20000;
        t.step();
        t.assertMTrap(Cause.INSN_PAGE_FAULT, 0x20000, 0x20000);
    }

    @Test
    void uModeReachesOnlyUserPages() {
        PageTables pt = new PageTables(t, SV39).identityCode(true);
        pt.map(VA, DATA, 0, RWAD);
        pt.map(VA + 0x1000, DATA, 0, RWAD | U);
        pt.install();
        t.ram.writeLong(DATA, 10);
        t.x(5, VA).priv(TestHart.U).exec(Asm.ld(7, 5, 0));
        t.assertMTrap(Cause.LOAD_PAGE_FAULT, VA, CODE);
        t.x(5, VA + 0x1000).priv(TestHart.U).exec(Asm.ld(7, 5, 0));
        t.assertPc(CODE + 4);
        assertEquals(10, t.x(7));
    }

    @Test
    void mxrMakesExecuteOnlyPagesReadable() {
        sv39().map(VA, DATA, 0, V | X | A);
        t.ram.writeLong(DATA, 11);
        loadS(VA);
        t.assertMTrap(Cause.LOAD_PAGE_FAULT, VA, CODE);
        t.setMstatus(Csrs.MXR);
        loadS(VA).assertPc(CODE + 4);
        assertEquals(11, t.x(7));
        storeS(VA, 1);
        t.assertMTrap(Cause.STORE_PAGE_FAULT, VA, CODE);
    }

    @Test
    void mprvTranslatesLoadsAndStoresButNotFetches() {
        PageTables pt = new PageTables(t, SV39);
        pt.map(VA, DATA, 0, RWAD);
        pt.map(CODE, CODE + 0x2000, 0, V | R | X | A); // if fetches were translated, they would run this page
        pt.install();
        t.put(CODE + 0x2000, Asm.addi(8, 0, 2), Asm.addi(8, 0, 2));
        t.ram.writeLong(DATA, 12);
        t.mpp(S).setMstatus(Csrs.MPRV).x(5, VA).x(6, 13);
        t.exec(Asm.ld(7, 5, 0), Asm.sd(6, 5, 8), Asm.addi(8, 0, 1));
        t.assertPc(CODE + 12);
        assertEquals(M, t.priv());
        assertEquals(12, t.x(7));
        assertEquals(13, t.mem64(DATA + 8));
        assertEquals(1, t.x(8), "the fetch used the physical address");
    }

    /**
     * A translation holds the data context it was made under as a constant in its TLB compares: made
     * while M-mode loads were physical, it must not serve them once MPRV makes them S-mode's, or the
     * M-mode TLB entry of the same address would hit and the load would skip the page tables. The
     * same code gets a translation of its own under the new context.
     */
    @Test
    void aTranslationMadeWithoutMprvDoesNotServeLoadsUnderIt() {
        t.engine(Engine.DBT);
        t.ram.writeLong(DATA, 3);
        t.ram.writeLong(DATA + 0x1000, 5);
        PageTables pt = new PageTables(t, SV39);
        pt.map(DATA, DATA + 0x1000, 0, RWAD);
        pt.install(); // M-mode's own loads stay physical: they fill M-mode TLB entries
        t.put(CODE, Asm.ld(7, 5, 0), Asm.add(9, 9, 7), Asm.addi(8, 8, -1), Asm.bne(8, 0, -12));
        t.x(5, DATA).x(8, 100).x(9, 0);
        assertEquals(400, t.h.run(400));
        assertEquals(300, t.x(9));
        assertTrue(t.h.dbtStats().translatedInstructions() > 200, "the loop should have run translated");
        t.mpp(S).setMstatus(Csrs.MPRV).x(8, 100).x(9, 0); // a change of context, not of the TLB
        t.h.pc = CODE;
        long translated = t.h.dbtStats().translatedInstructions();
        assertEquals(400, t.h.run(400));
        assertEquals(500, t.x(9), "the loads must go through the page tables");
        assertTrue(t.h.dbtStats().translatedInstructions() - translated > 200,
                "the loop should have a translation of its own under the new context");
    }

    @Test
    void mprvUsesMppForTheUserBitAndMForBare() {
        sv39().map(VA, DATA, 0, RWAD); // a supervisor page
        t.mpp(TestHart.U).setMstatus(Csrs.MPRV).x(5, VA).exec(Asm.ld(7, 5, 0));
        t.assertMTrap(Cause.LOAD_PAGE_FAULT, VA, CODE);
        t.ram.writeLong(DATA, 14);
        t.mpp(M).setMstatus(Csrs.MPRV).x(5, DATA).exec(Asm.ld(7, 5, 0));
        t.assertPc(CODE + 4);
        assertEquals(14, t.x(7));
    }

    @Test
    void sfenceVmaMakesAChangedPteVisible() {
        long pte = sv39().map(VA, DATA, 0, RWAD);
        t.ram.writeLong(DATA, 1);
        t.ram.writeLong(DATA + 0x1000, 2);
        loadS(VA);
        assertEquals(1, t.x(7));
        t.ram.writeLong(pte, PageTables.pte(DATA + 0x1000, RWAD));
        t.x(5, VA).priv(S).exec(Asm.sfenceVma(0, 0), Asm.ld(7, 5, 0));
        assertEquals(2, t.x(7));
        t.ram.writeLong(pte, PageTables.pte(DATA, RWAD));
        t.x(5, VA).priv(S).exec(Asm.sfenceVma(5, 0), Asm.ld(7, 5, 0)); // flush this address only
        assertEquals(1, t.x(7));
        t.ram.writeLong(pte, 0);
        t.x(5, VA).priv(S).exec(Asm.sfenceVma(0, 0), Asm.ld(7, 5, 0));
        t.assertMTrap(Cause.LOAD_PAGE_FAULT, VA, CODE + 4);
    }

    /** The fault is for the portion of the instruction on the second page (section 3.1.16). */
    @Test
    void aFetchFaultOnTheSecondHalfOfAnInstructionReportsThatHalf() {
        PageTables pt = sv39();
        pt.map(0x30000, CODE + 0x3000, 0, V | R | X | A);
        t.put16(CODE + 0x3ffe, Asm.addi(5, 5, 1) & 0xffff);
        t.priv(S).h.pc = 0x30ffe;
        t.step();
        t.assertMTrap(Cause.INSN_PAGE_FAULT, 0x31000, 0x30ffe);
    }

    @Test
    void aMisalignedLoadFaultingOnItsSecondPageReportsAnAddressInThatPage() {
        sv39().map(VA, DATA, 0, RWAD);
        loadS(VA + 0xffc);
        assertEquals(Cause.LOAD_PAGE_FAULT, t.csr(Csrs.MCAUSE));
        long tval = t.csr(Csrs.MTVAL);
        assertTrue(tval >= VA + 0x1000 && tval < VA + 0x1004, "mtval 0x" + Long.toHexString(tval));
    }
}
