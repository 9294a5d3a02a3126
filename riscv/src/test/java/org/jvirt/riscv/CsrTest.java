package org.jvirt.riscv;

import static org.jvirt.riscv.TestHart.CODE;
import static org.jvirt.riscv.TestHart.M;
import static org.jvirt.riscv.TestHart.S;
import static org.jvirt.riscv.TestHart.TRAP;
import static org.jvirt.riscv.TestHart.U;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Zicsr (unprivileged 20191213 chapter 9) and the CSRs of the privileged spec 1.12: access rules from
 * the CSR number (section 2.1), misa (3.1.1), mstatus and sstatus (3.1.6, 4.1.1), the counters and
 * their enables (3.1.10-3.1.12, 4.1.5), satp (4.1.11).
 */
class CsrTest {
    private static final long SSTATUS_BITS = 1L << 63 | 2L << 32 | 1L << 19 | 1L << 18 | 3L << 13 | 1L << 8 | 1L << 5 | 1L << 1;
    private final TestHart t = new TestHart();

    @BeforeEach
    void pmp() { t.allowAllPmp(); }

    @AfterEach
    void close() { t.close(); }

    private void assertIllegal(int word) {
        t.assertMTrap(Cause.ILLEGAL_INSN, word & 0xffff_ffffL, CODE);
    }

    @ParameterizedTest(name = "csr 0x{0}")
    @ValueSource(strings = {"300", "340", "305", "b00", "f14", "3a0", "3b0"})
    void machineCsrsAreIllegalFromS(String hex) {
        int csr = Integer.parseInt(hex, 16);
        t.priv(S).exec(Asm.csrr(5, csr));
        assertIllegal(Asm.csrr(5, csr));
        assertEquals(S, (t.mstatus() & Csrs.MPP) >>> Csrs.MPP_SHIFT);
    }

    @ParameterizedTest(name = "csr 0x{0}")
    @ValueSource(strings = {"100", "140", "180", "300", "341"})
    void supervisorAndMachineCsrsAreIllegalFromU(String hex) {
        int csr = Integer.parseInt(hex, 16);
        t.priv(U).exec(Asm.csrrw(5, csr, 6));
        assertIllegal(Asm.csrrw(5, csr, 6));
    }

    @Test
    void writingAReadOnlyCsrIsIllegal() {
        int[] writes = {Asm.csrw(Csrs.MHARTID, 5), Asm.csrrw(5, Csrs.CYCLE, 6), Asm.csrrwi(5, Csrs.TIME, 0),
            Asm.csrrs(5, Csrs.MHARTID, 6), Asm.csrrc(5, Csrs.MVENDORID, 6), Asm.csrrsi(5, Csrs.INSTRET, 1)};
        t.x(6, 0); // csrrs/csrrc with rs1 != x0 attempt the write even when the register holds zero
        for (int word : writes) {
            t.exec(word);
            assertIllegal(word);
        }
    }

    @Test
    void readingAReadOnlyCsrWithoutWritingIsFine() {
        TestHart t3 = new TestHart(3);
        try {
            t3.exec(Asm.csrrs(5, Csrs.MHARTID, 0), Asm.csrrc(6, Csrs.MVENDORID, 0), Asm.csrrsi(7, Csrs.MHARTID, 0),
                    Asm.csrrci(8, Csrs.CYCLE, 0), Asm.csrr(9, Csrs.MIMPID));
            t3.assertPc(CODE + 20);
            assertEquals(3, t3.x(5), "mhartid");
            assertEquals(3, t3.x(7));
        } finally {
            t3.close();
        }
    }

    @ParameterizedTest(name = "csr 0x{0}")
    @ValueSource(strings = {"7c0", "5c0", "600", "3a1", "3a3", "b01", "7b0", "fff"})
    void csrsThatDoNotExistAreIllegal(String hex) {
        int csr = Integer.parseInt(hex, 16);
        t.exec(Asm.csrr(5, csr));
        assertIllegal(Asm.csrr(5, csr));
    }

    @Test
    void misaIsRv64WithACDFIMSU() {
        long expected = 2L << 62;
        for (char c : "ACDFIMSU".toCharArray()) expected |= 1L << (c - 'A');
        assertEquals(0x8000_0000_0014_112dL, expected);
        t.exec(Asm.csrr(5, Csrs.MISA_CSR));
        assertEquals(expected, t.x(5));
    }

    @Test
    void csrInstructionsReturnTheOldValue() {
        t.csr(Csrs.MSCRATCH, 0xf0).x(5, 0x0f).x(6, 0x3c).x(7, -1L);
        t.exec(Asm.csrrs(10, Csrs.MSCRATCH, 5), Asm.csrrc(11, Csrs.MSCRATCH, 6), Asm.csrrw(12, Csrs.MSCRATCH, 7),
                Asm.csrrci(13, Csrs.MSCRATCH, 31), Asm.csrrsi(14, Csrs.MSCRATCH, 1), Asm.csrrwi(15, Csrs.MSCRATCH, 17),
                Asm.csrr(16, Csrs.MSCRATCH));
        assertEquals(0xf0, t.x(10));
        assertEquals(0xff, t.x(11));
        assertEquals(0xc3, t.x(12));
        assertEquals(-1L, t.x(13));
        assertEquals(-32L, t.x(14));
        assertEquals(-31L, t.x(15));
        assertEquals(17, t.x(16));
    }

    @Test
    void csrrwWithRdEqualToRs1Swaps() {
        t.csr(Csrs.SSCRATCH, 111).x(5, 222).exec(Asm.csrrw(5, Csrs.SSCRATCH, 5));
        assertEquals(111, t.x(5));
        assertEquals(222, t.csr(Csrs.SSCRATCH));
    }

    @Test
    void mstatusReportsXlen64ForSAndU() {
        assertEquals(2, t.mstatus() >>> 32 & 3, "UXL");
        assertEquals(2, t.mstatus() >>> 34 & 3, "SXL");
        assertEquals(2, t.csr(Csrs.SSTATUS) >>> 32 & 3, "sstatus.UXL");
    }

    @Test
    void sstatusIsARestrictedViewOfMstatus() {
        long all = Csrs.SIE | Csrs.MIE | Csrs.SPIE | Csrs.MPIE | Csrs.SPP | Csrs.MPP | Csrs.FS | Csrs.MPRV | Csrs.SUM | Csrs.MXR
                | Csrs.TVM | Csrs.TW | Csrs.TSR;
        t.csr(Csrs.MSTATUS, all);
        assertEquals(Long.toHexString(SSTATUS_BITS), Long.toHexString(t.csr(Csrs.SSTATUS)));
    }

    @Test
    void writingSstatusChangesOnlyTheSupervisorFieldsOfMstatus() {
        t.csr(Csrs.MSTATUS, 0);
        long before = t.mstatus();
        t.x(5, -1L).exec(Asm.csrw(Csrs.SSTATUS, 5));
        long changed = t.mstatus() ^ before;
        assertEquals(Long.toHexString(SSTATUS_BITS & ~(3L << 32)), Long.toHexString(changed));
        t.x(5, 0).exec(Asm.csrw(Csrs.SSTATUS, 5));
        assertEquals(before, t.mstatus());
    }

    @Test
    void sModeSetsSieThroughSstatus() {
        t.priv(S).exec(Asm.csrrsi(0, Csrs.SSTATUS, 2));
        assertEquals(Csrs.SIE, t.mstatus() & Csrs.SIE);
        assertEquals(S, t.priv());
    }

    @Test
    void sieAndSipShowOnlyDelegatedInterrupts() {
        t.csr(Csrs.MIE_CSR, 0xaaa).csr(Csrs.MIDELEG, 0);
        assertEquals(0, t.csr(Csrs.SIE_CSR));
        t.csr(Csrs.MIDELEG, 0x222);
        assertEquals(0x222, t.csr(Csrs.MIDELEG));
        assertEquals(0x222, t.csr(Csrs.SIE_CSR));
        t.csr(Csrs.MIE_CSR, 0).csr(Csrs.MIDELEG, 1L << 5).csr(Csrs.SIE_CSR, -1L);
        assertEquals(1L << 5, t.csr(Csrs.MIE_CSR), "sie writes reach only delegated bits of mie");
        t.csr(Csrs.MIDELEG, 1L << 1).csr(Csrs.SIP, 2);
        assertEquals(2, t.csr(Csrs.MIP) & 2, "sip.SSIP is writable when delegated");
    }

    @Test
    void mipSoftwareWritableBitsAreSsipStipSeip() {
        t.csr(Csrs.MIP, -1L);
        assertEquals(0x222, t.csr(Csrs.MIP));
        t.csr(Csrs.MIP, 0);
        assertEquals(0, t.csr(Csrs.MIP));
    }

    // ---- counters ------------------------------------------------------------------------------------

    @ParameterizedTest(name = "csr 0x{0} with enable bit {1}")
    @CsvSource({"c00, 0", "c01, 1", "c02, 2"})
    void countersFromSAndUObeyTheCounterEnables(String hex, int bit) {
        int csr = Integer.parseInt(hex, 16);
        int word = Asm.csrr(5, csr);
        t.csr(Csrs.MCOUNTEREN, 0).csr(Csrs.SCOUNTEREN, -1L).priv(S).exec(word);
        assertIllegal(word);
        t.csr(Csrs.MCOUNTEREN, 1L << bit).csr(Csrs.SCOUNTEREN, 0).priv(S).exec(word);
        t.assertPc(CODE + 4);
        t.priv(U).exec(word);
        assertIllegal(word);
        t.csr(Csrs.SCOUNTEREN, 1L << bit).priv(U).exec(word);
        t.assertPc(CODE + 4);
        t.csr(Csrs.MCOUNTEREN, ~(1L << bit)).csr(Csrs.SCOUNTEREN, -1L).priv(U).exec(word);
        assertIllegal(word);
        t.csr(Csrs.MCOUNTEREN, 0).priv(M).exec(word);
        t.assertPc(CODE + 4);
    }

    @Test
    void timeReadsTheClock() {
        t.ticks = 0x1_2345_6789L;
        t.exec(Asm.csrr(5, Csrs.TIME));
        assertEquals(0x1_2345_6789L, t.x(5));
    }

    @Test
    void minstretCountsRetiredInstructions() {
        t.exec(Asm.nop(), Asm.nop(), Asm.nop(), Asm.csrr(5, Csrs.MINSTRET), Asm.csrr(6, Csrs.INSTRET));
        assertEquals(3, t.x(5), "the reading instruction has not retired yet");
        assertEquals(4, t.x(6));
        assertEquals(5, t.h.instret());
    }

    /** Instructions that raise exceptions do not retire (privileged 1.12, section 3.3.1). */
    @Test
    void trappingInstructionsDoNotRetire() {
        t.exec(Asm.nop(), Asm.ecall());
        t.put(TRAP, Asm.csrr(5, Csrs.MINSTRET)).step();
        assertEquals(1, t.x(5));
    }

    /** "A value written to instret by one instruction will be the value read by the following instruction" (9.1). */
    @Test
    void aWriteToMinstretIsSeenByTheNextInstruction() {
        t.x(6, 100).exec(Asm.nop(), Asm.csrw(Csrs.MINSTRET, 6), Asm.csrr(7, Csrs.MINSTRET), Asm.csrr(8, Csrs.MINSTRET));
        assertEquals(100, t.x(7));
        assertEquals(101, t.x(8));
    }

    @Test
    void mcycleAndMinstretAreSeparateCounters() {
        t.x(6, 1_000_000).exec(Asm.nop(), Asm.csrw(Csrs.MCYCLE, 6), Asm.csrr(7, Csrs.MINSTRET), Asm.csrr(8, Csrs.MCYCLE));
        assertEquals(2, t.x(7), "writing mcycle must not change minstret");
        assertEquals(true, t.x(8) >= 1_000_000, "mcycle counts on from the value written");
    }

    @Test
    void writingMinstretDoesNotMoveMcycle() {
        t.x(6, 1_000_000).exec(Asm.nop(), Asm.csrr(7, Csrs.MCYCLE), Asm.csrw(Csrs.MINSTRET, 6), Asm.csrr(8, Csrs.MCYCLE));
        assertEquals(true, t.x(8) - t.x(7) < 1000, "mcycle went from " + t.x(7) + " to " + t.x(8));
        // Zicsr: "the write is done instead of the increment", so the next instruction reads 1,000,000
        // and its own retirement makes 1,000,001.
        assertEquals(1_000_001, t.h.instret());
    }

    // ---- satp (section 4.1.11) ---------------------------------------------------------------------

    @Test
    void satpAcceptsSv39AndSv48AndIgnoresUnsupportedModes() {
        long sv39 = 8L << 60 | 0x80123;
        t.x(5, sv39).exec(Asm.csrw(Csrs.SATP, 5));
        assertEquals(sv39, t.csr(Csrs.SATP));
        long sv48 = 9L << 60 | 0x80456;
        t.x(5, sv48).exec(Asm.csrw(Csrs.SATP, 5));
        assertEquals(sv48, t.csr(Csrs.SATP));
        t.x(5, 10L << 60 | 0x80789).exec(Asm.csrw(Csrs.SATP, 5)); // Sv57: not implemented
        assertEquals(sv48, t.csr(Csrs.SATP), "a write with an unsupported MODE has no effect");
        t.x(5, 1L << 60 | 0x80789).exec(Asm.csrw(Csrs.SATP, 5)); // reserved
        assertEquals(sv48, t.csr(Csrs.SATP));
    }
}
