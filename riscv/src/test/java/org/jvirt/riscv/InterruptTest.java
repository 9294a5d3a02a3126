package org.jvirt.riscv;

import static org.jvirt.riscv.Cause.IRQ_M_EXT;
import static org.jvirt.riscv.Cause.IRQ_M_SOFT;
import static org.jvirt.riscv.Cause.IRQ_M_TIMER;
import static org.jvirt.riscv.Cause.IRQ_S_EXT;
import static org.jvirt.riscv.Cause.IRQ_S_SOFT;
import static org.jvirt.riscv.Cause.IRQ_S_TIMER;
import static org.jvirt.riscv.TestHart.CODE;
import static org.jvirt.riscv.TestHart.INTERRUPT;
import static org.jvirt.riscv.TestHart.M;
import static org.jvirt.riscv.TestHart.S;
import static org.jvirt.riscv.TestHart.STRAP;
import static org.jvirt.riscv.TestHart.TRAP;
import static org.jvirt.riscv.TestHart.U;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Interrupts: mip and mie, delegation, global enables, priority, vectoring (privileged 1.12, 3.1.7-3.1.9) and WFI (3.3.3). */
class InterruptTest {
    private final TestHart t = new TestHart();

    @BeforeEach
    void setUp() {
        t.allowAllPmp();
        t.put(CODE, Asm.nop(), Asm.nop(), Asm.nop(), Asm.nop());
    }

    @AfterEach
    void close() { t.close(); }

    private static long bit(int irq) { return 1L << irq; }

    @Test
    void aDeviceLineShowsInMipAndIsTakenWhenEnabled() {
        t.h.setIrq(IRQ_M_TIMER, true);
        assertEquals(bit(IRQ_M_TIMER), t.csr(Csrs.MIP));
        t.csr(Csrs.MIE_CSR, bit(IRQ_M_TIMER)).setMstatus(Csrs.MIE).interrupt();
        t.assertMTrap(INTERRUPT | IRQ_M_TIMER, 0, CODE);
        assertEquals(1, (t.mstatus() & Csrs.MPIE) >>> 7, "MPIE = old MIE");
        assertEquals(0, t.mstatus() & Csrs.MIE);
        t.h.setIrq(IRQ_M_TIMER, false);
        assertEquals(0, t.csr(Csrs.MIP));
    }

    @Test
    void theInterruptedInstructionIsNotExecutedAndMepcPointsAtIt() {
        t.x(5, 0).put(CODE, Asm.addi(5, 5, 1), Asm.addi(5, 5, 1));
        t.step();
        t.h.setIrq(IRQ_M_EXT, true);
        t.csr(Csrs.MIE_CSR, bit(IRQ_M_EXT)).setMstatus(Csrs.MIE).interrupt();
        t.assertMTrap(INTERRUPT | IRQ_M_EXT, 0, CODE + 4);
        assertEquals(1, t.x(5));
    }

    @Test
    void inMAnInterruptNeedsMie() {
        t.h.setIrq(IRQ_M_TIMER, true);
        t.csr(Csrs.MIE_CSR, bit(IRQ_M_TIMER)).clearMstatus(Csrs.MIE).step();
        t.assertPc(CODE + 4);
    }

    @Test
    void anInterruptNeedsItsBitInMie() {
        t.h.setIrq(IRQ_M_TIMER, true);
        t.csr(Csrs.MIE_CSR, bit(IRQ_M_SOFT)).setMstatus(Csrs.MIE).step();
        t.assertPc(CODE + 4);
    }

    @ParameterizedTest(name = "from privilege {0}")
    @ValueSource(ints = {U, S})
    void machineInterruptsAreTakenBelowMRegardlessOfMie(int from) {
        t.h.setIrq(IRQ_M_SOFT, true);
        t.csr(Csrs.MIE_CSR, bit(IRQ_M_SOFT)).clearMstatus(Csrs.MIE | Csrs.SIE).priv(from).interrupt();
        t.assertMTrap(INTERRUPT | IRQ_M_SOFT, 0, CODE);
        assertEquals(from, (t.mstatus() & Csrs.MPP) >>> Csrs.MPP_SHIFT);
    }

    @Test
    void delegatedInterruptsGoToSWhenSieIsSetInS() {
        t.csr(Csrs.MIDELEG, bit(IRQ_S_TIMER)).csr(Csrs.MIE_CSR, bit(IRQ_S_TIMER)).csr(Csrs.MIP, bit(IRQ_S_TIMER));
        t.setMstatus(Csrs.SIE).priv(S).interrupt();
        t.assertSTrap(INTERRUPT | IRQ_S_TIMER, 0, CODE);
        assertEquals(Csrs.SPP, t.mstatus() & Csrs.SPP);
        assertEquals(Csrs.SPIE, t.mstatus() & Csrs.SPIE);
        assertEquals(0, t.mstatus() & Csrs.SIE);
    }

    @Test
    void delegatedInterruptsWaitForSieInS() {
        t.csr(Csrs.MIDELEG, bit(IRQ_S_TIMER)).csr(Csrs.MIE_CSR, bit(IRQ_S_TIMER)).csr(Csrs.MIP, bit(IRQ_S_TIMER));
        t.clearMstatus(Csrs.SIE).priv(S).step();
        t.assertPc(CODE + 4);
    }

    @Test
    void delegatedInterruptsAreTakenInURegardlessOfSie() {
        t.csr(Csrs.MIDELEG, bit(IRQ_S_EXT)).csr(Csrs.MIE_CSR, bit(IRQ_S_EXT)).csr(Csrs.MIP, bit(IRQ_S_EXT));
        t.clearMstatus(Csrs.SIE).priv(U).interrupt();
        t.assertSTrap(INTERRUPT | IRQ_S_EXT, 0, CODE);
        assertEquals(0, t.mstatus() & Csrs.SPP);
    }

    @Test
    void delegatedInterruptsAreNeverTakenInM() {
        t.csr(Csrs.MIDELEG, bit(IRQ_S_SOFT)).csr(Csrs.MIE_CSR, bit(IRQ_S_SOFT)).csr(Csrs.MIP, bit(IRQ_S_SOFT));
        t.setMstatus(Csrs.SIE | Csrs.MIE).step();
        t.assertPc(CODE + 4);
        assertEquals(M, t.priv());
    }

    @Test
    void undelegatedSupervisorInterruptsGoToM() {
        t.csr(Csrs.MIDELEG, 0).csr(Csrs.MIE_CSR, bit(IRQ_S_SOFT)).csr(Csrs.MIP, bit(IRQ_S_SOFT));
        t.setMstatus(Csrs.MIE).interrupt();
        t.assertMTrap(INTERRUPT | IRQ_S_SOFT, 0, CODE);
    }

    @Test
    void sModeRaisesItsOwnSoftwareInterruptThroughSip() {
        t.csr(Csrs.MIDELEG, bit(IRQ_S_SOFT)).csr(Csrs.MIE_CSR, bit(IRQ_S_SOFT)).setMstatus(Csrs.SIE);
        t.priv(S).exec(Asm.csrrsi(0, Csrs.SIP, 2)).interrupt();
        t.assertSTrap(INTERRUPT | IRQ_S_SOFT, 0, CODE + 4);
    }

    private static final int[] PRIORITY = {IRQ_M_EXT, IRQ_M_SOFT, IRQ_M_TIMER, IRQ_S_EXT, IRQ_S_SOFT, IRQ_S_TIMER};

    /** MEI > MSI > MTI > SEI > SSI > STI (section 3.1.9): with sources i.. pending, source i wins. */
    @ParameterizedTest(name = "highest pending: rank {0}")
    @ValueSource(ints = {0, 1, 2, 3, 4, 5})
    void interruptPriority(int rank) {
        long soft = 0;
        for (int k = rank; k < PRIORITY.length; k++) {
            int irq = PRIORITY[k];
            if (irq == IRQ_S_SOFT || irq == IRQ_S_TIMER) soft |= bit(irq);
            else t.h.setIrq(irq, true);
        }
        t.csr(Csrs.MIP, soft).csr(Csrs.MIE_CSR, 0xaaa).priv(U).interrupt();
        t.assertMTrap(INTERRUPT | PRIORITY[rank], 0, CODE);
    }

    @Test
    void machineLevelInterruptsComeBeforeDelegatedOnes() {
        t.csr(Csrs.MIDELEG, bit(IRQ_S_EXT)).csr(Csrs.MIE_CSR, 0xaaa).csr(Csrs.MIP, bit(IRQ_S_EXT));
        t.h.setIrq(IRQ_M_TIMER, true);
        t.setMstatus(Csrs.SIE).priv(S).interrupt();
        t.assertMTrap(INTERRUPT | IRQ_M_TIMER, 0, CODE);
    }

    @Test
    void vectoredMtvecSendsInterruptsToBasePlusFourTimesCause() {
        t.csr(Csrs.MTVEC, TRAP | 1).csr(Csrs.MIE_CSR, bit(IRQ_M_TIMER)).setMstatus(Csrs.MIE);
        t.h.setIrq(IRQ_M_TIMER, true);
        t.interrupt();
        assertEquals(TRAP + 4 * IRQ_M_TIMER, t.pc());
        assertEquals(INTERRUPT | IRQ_M_TIMER, t.csr(Csrs.MCAUSE));
    }

    @Test
    void vectoredStvecSendsInterruptsToBasePlusFourTimesCause() {
        t.csr(Csrs.STVEC, STRAP | 1).csr(Csrs.MIDELEG, bit(IRQ_S_SOFT)).csr(Csrs.MIE_CSR, bit(IRQ_S_SOFT));
        t.csr(Csrs.MIP, bit(IRQ_S_SOFT)).priv(U).interrupt();
        assertEquals(STRAP + 4 * IRQ_S_SOFT, t.pc());
        assertEquals(INTERRUPT | IRQ_S_SOFT, t.csr(Csrs.SCAUSE));
    }

    @Test
    void directModeSendsInterruptsToTheBase() {
        t.csr(Csrs.MIE_CSR, bit(IRQ_M_EXT)).setMstatus(Csrs.MIE);
        t.h.setIrq(IRQ_M_EXT, true);
        t.interrupt();
        assertEquals(TRAP, t.pc());
    }

    @Test
    void wfiWaitsUntilAnInterruptIsPending() {
        t.put(CODE, Asm.wfi(), Asm.addi(5, 0, 42)).step();
        assertTrue(t.h.isWaiting());
        t.assertPc(CODE + 4);
        t.step(3);
        assertEquals(0, t.x(5), "nothing runs while waiting");
        t.csr(Csrs.MIE_CSR, bit(IRQ_M_TIMER));
        t.h.setIrq(IRQ_M_TIMER, true); // enabled in mie, but MIE = 0: WFI resumes without a trap
        t.step();
        assertFalse(t.h.isWaiting());
        assertEquals(42, t.x(5));
        t.assertPc(CODE + 8);
    }

    @Test
    void wfiDoesNotWaitWhenAnEnabledInterruptIsAlreadyPending() {
        t.csr(Csrs.MIE_CSR, bit(IRQ_M_TIMER)).clearMstatus(Csrs.MIE);
        t.h.setIrq(IRQ_M_TIMER, true);
        t.put(CODE, Asm.wfi(), Asm.addi(5, 0, 42)).step(2);
        assertFalse(t.h.isWaiting());
        assertEquals(42, t.x(5));
    }

    @Test
    void runTakesAPendingInterruptBeforeTheNextInstruction() {
        t.put(TestHart.TRAP, Asm.addi(6, 0, 7), Asm.jal(0, 0));
        t.csr(Csrs.MIE_CSR, bit(IRQ_M_EXT)).setMstatus(Csrs.MIE);
        t.h.setIrq(IRQ_M_EXT, true);
        t.x(5, 0).put(CODE, Asm.addi(5, 0, 1)).h.run(1);
        assertEquals(INTERRUPT | IRQ_M_EXT, t.csr(Csrs.MCAUSE));
        assertEquals(CODE, t.csr(Csrs.MEPC));
        assertEquals(0, t.x(5));
        assertEquals(7, t.x(6), "the handler's first instruction ran");
    }

    @Test
    void anInterruptEndsWfiAndMepcIsTheNextInstruction() {
        t.csr(Csrs.MIE_CSR, bit(IRQ_M_SOFT)).setMstatus(Csrs.MIE);
        t.put(CODE, Asm.wfi()).step();
        t.h.setIrq(IRQ_M_SOFT, true);
        t.interrupt();
        t.assertMTrap(INTERRUPT | IRQ_M_SOFT, 0, CODE + 4);
    }

    @Test
    void runStopsWhileWaitingInWfi() {
        t.put(CODE, Asm.nop(), Asm.wfi(), Asm.nop());
        long retired = t.h.run(1000);
        assertEquals(2, retired);
        assertTrue(t.h.isWaiting());
    }

    /**
     * "Only the software-writable SEIP bit participates in the read-modify-write sequence of a CSRRS or
     * CSRRC instruction" (section 3.1.9): setting SSIP while the external SEIP line is high must not
     * latch SEIP into the software bit.
     */
    @Test
    void csrrsOnMipDoesNotLatchTheExternalSeipLine() {
        t.h.setIrq(IRQ_S_EXT, true);
        t.exec(Asm.csrrsi(0, Csrs.MIP, 2));
        t.h.setIrq(IRQ_S_EXT, false);
        assertEquals(bit(IRQ_S_SOFT), t.csr(Csrs.MIP), "SEIP must fall with the line");
    }

    @Test
    void mcauseOfAnInterruptHasBit63Set() {
        t.csr(Csrs.MIE_CSR, bit(IRQ_M_SOFT)).setMstatus(Csrs.MIE);
        t.h.setIrq(IRQ_M_SOFT, true);
        t.interrupt();
        assertTrue(t.csr(Csrs.MCAUSE) < 0);
        assertEquals(IRQ_M_SOFT, t.csr(Csrs.MCAUSE) & 0xff);
    }
}
