package org.jvirt.riscv;

import static org.jvirt.riscv.Csrs.MIE;
import static org.jvirt.riscv.Csrs.MPIE;
import static org.jvirt.riscv.Csrs.MPP;
import static org.jvirt.riscv.Csrs.MPRV;
import static org.jvirt.riscv.Csrs.SIE;
import static org.jvirt.riscv.Csrs.SPIE;
import static org.jvirt.riscv.Csrs.SPP;
import static org.jvirt.riscv.TestHart.CODE;
import static org.jvirt.riscv.TestHart.M;
import static org.jvirt.riscv.TestHart.S;
import static org.jvirt.riscv.TestHart.STRAP;
import static org.jvirt.riscv.TestHart.TRAP;
import static org.jvirt.riscv.TestHart.U;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Traps, trap return and delegation (privileged spec 1.12, sections 3.1.6.1, 3.1.8, 3.3.1, 3.3.2), and
 * the virtualization-support bits TVM, TW and TSR (section 3.1.6.5).
 */
class PrivilegeTest {
    private final TestHart t = new TestHart();

    @BeforeEach
    void pmp() { t.allowAllPmp(); } // S and U fetch from RAM through PMP entry 15

    @AfterEach
    void close() { t.close(); }

    private long field(long mask) { return (t.mstatus() & mask) / Long.lowestOneBit(mask); }

    @ParameterizedTest(name = "ecall from privilege {0} raises cause {1}")
    @CsvSource({"0, 8", "1, 9", "3, 11"})
    void ecallCauseDependsOnThePrivilegeItCameFrom(int from, int cause) {
        t.priv(from).exec(Asm.ecall());
        t.assertMTrap(cause, 0, CODE);
        assertEquals(from, field(MPP), "MPP holds the previous privilege");
    }

    @Test
    void ebreakRaisesABreakpoint() {
        t.exec(Asm.nop(), Asm.ebreak());
        assertEquals(Cause.BREAKPOINT, t.csr(Csrs.MCAUSE));
        assertEquals(CODE + 4, t.csr(Csrs.MEPC));
        t.assertPc(TRAP);
    }

    @Test
    void aTrapIntoMSavesMieInMpieAndClearsMie() {
        t.setMstatus(MIE).exec(Asm.ecall());
        assertEquals(1, field(MPIE));
        assertEquals(0, field(MIE));
        assertEquals(M, field(MPP));
        t.exec(Asm.ecall());
        assertEquals(0, field(MPIE), "MIE was 0 at the second trap");
    }

    @Test
    void mretRestoresPrivilegeAndInterruptEnableAndClearsMprv() {
        t.mpp(S).setMstatus(MPIE | MPRV).clearMstatus(MIE).csr(Csrs.MEPC, CODE + 0x40);
        t.exec(Asm.mret());
        assertEquals(S, t.priv());
        t.assertPc(CODE + 0x40);
        assertEquals(1, field(MIE), "MIE = MPIE");
        assertEquals(1, field(MPIE), "MPIE = 1");
        assertEquals(U, field(MPP), "MPP = U, the least-privileged mode");
        assertEquals(0, field(MPRV), "MPRV cleared when returning below M");
    }

    @Test
    void mretToMKeepsMprvAndCopiesAClearMpie() {
        t.mpp(M).setMstatus(MIE | MPRV).clearMstatus(MPIE).csr(Csrs.MEPC, CODE + 0x40);
        t.exec(Asm.mret());
        assertEquals(M, t.priv());
        assertEquals(0, field(MIE));
        assertEquals(1, field(MPIE));
        assertEquals(1, field(MPRV), "returning to M leaves MPRV alone");
        assertEquals(U, field(MPP));
    }

    @Test
    void mretToU() {
        t.mpp(U).csr(Csrs.MEPC, CODE + 0x80).exec(Asm.mret());
        assertEquals(U, t.priv());
        t.assertPc(CODE + 0x80);
    }

    @Test
    void sretRestoresSppAndSieAndClearsMprv() {
        t.setMstatus(SPP | SPIE | MPRV).clearMstatus(SIE).csr(Csrs.SEPC, CODE + 0x40);
        t.priv(S).exec(Asm.sret());
        assertEquals(S, t.priv());
        t.assertPc(CODE + 0x40);
        assertEquals(1, field(SIE), "SIE = SPIE");
        assertEquals(1, field(SPIE), "SPIE = 1");
        assertEquals(0, field(SPP), "SPP = U");
        assertEquals(0, field(MPRV), "MPRV cleared when returning below M");
        t.clearMstatus(SPIE).csr(Csrs.SEPC, CODE + 0x80).exec(Asm.sret());
        assertEquals(U, t.priv(), "SPP was U");
        assertEquals(0, field(SIE));
        t.assertPc(CODE + 0x80);
    }

    @Test
    void sretIsAllowedInM() {
        t.setMstatus(SPP).csr(Csrs.SEPC, CODE + 0x40).exec(Asm.sret());
        assertEquals(S, t.priv());
        t.assertPc(CODE + 0x40);
    }

    @Test
    void mretBelowMAndSretInUAreIllegal() {
        t.priv(S).exec(Asm.mret());
        t.assertMTrap(Cause.ILLEGAL_INSN, Asm.mret() & 0xffff_ffffL, CODE);
        t.priv(U).exec(Asm.sret());
        t.assertMTrap(Cause.ILLEGAL_INSN, Asm.sret() & 0xffff_ffffL, CODE);
        t.priv(U).exec(Asm.mret());
        t.assertMTrap(Cause.ILLEGAL_INSN, Asm.mret() & 0xffff_ffffL, CODE);
    }

    @Test
    void delegatedExceptionsFromUGoToS() {
        t.csr(Csrs.MEDELEG, 1L << Cause.ECALL_U | 1L << Cause.ILLEGAL_INSN).setMstatus(SIE).csr(Csrs.MCAUSE, 0);
        t.priv(U).exec(Asm.ecall());
        t.assertSTrap(Cause.ECALL_U, 0, CODE);
        assertEquals(0, t.csr(Csrs.MCAUSE), "M-mode trap state untouched");
        assertEquals(0, field(SPP), "SPP = U");
        assertEquals(1, field(SPIE), "SPIE = old SIE");
        assertEquals(0, field(SIE));
        t.priv(U).exec(0xffff_ffff);
        t.assertSTrap(Cause.ILLEGAL_INSN, 0xffff_ffffL, CODE);
    }

    @Test
    void delegatedExceptionsFromSGoToS() {
        t.csr(Csrs.MEDELEG, 1L << Cause.ECALL_S).priv(S).exec(Asm.nop(), Asm.ecall());
        t.assertSTrap(Cause.ECALL_S, 0, CODE + 4);
        assertEquals(1, field(SPP), "SPP = S");
    }

    @Test
    void undelegatedExceptionsFromSGoToM() {
        t.csr(Csrs.MEDELEG, 1L << Cause.ECALL_U).priv(S).exec(Asm.ecall());
        t.assertMTrap(Cause.ECALL_S, 0, CODE);
        assertEquals(S, field(MPP));
    }

    @Test
    void trapsFromMAreNeverDelegated() {
        t.csr(Csrs.MEDELEG, -1L).exec(Asm.ecall());
        t.assertMTrap(Cause.ECALL_M, 0, CODE);
        t.exec(0);
        t.assertMTrap(Cause.ILLEGAL_INSN, 0, CODE);
        t.exec(Asm.ebreak());
        assertEquals(Cause.BREAKPOINT, t.csr(Csrs.MCAUSE));
        assertEquals(M, t.priv());
    }

    @Test
    void medelegBit11IsReadOnlyZero() {
        t.csr(Csrs.MEDELEG, -1L);
        assertEquals(0, t.csr(Csrs.MEDELEG) >>> 11 & 1);
        assertEquals(1, t.csr(Csrs.MEDELEG) >>> Cause.ECALL_U & 1);
    }

    @Test
    void exceptionsGoToTheBaseEvenInVectoredMode() {
        t.csr(Csrs.MTVEC, TRAP | 1).exec(Asm.ecall());
        assertEquals(TRAP, t.pc());
        t.csr(Csrs.MEDELEG, 1L << Cause.ECALL_U).csr(Csrs.STVEC, STRAP | 1).priv(U).exec(Asm.ecall());
        assertEquals(STRAP, t.pc());
    }

    @Test
    void tvecKeepsItsModeAndBase() {
        t.csr(Csrs.MTVEC, TRAP | 1);
        assertEquals(TRAP | 1, t.csr(Csrs.MTVEC));
        t.csr(Csrs.STVEC, STRAP);
        assertEquals(STRAP, t.csr(Csrs.STVEC));
    }

    @Test
    void epcRegistersHoldEvenAddresses() {
        t.csr(Csrs.MEPC, CODE + 3).csr(Csrs.SEPC, CODE + 5);
        assertEquals(CODE + 2, t.csr(Csrs.MEPC));
        assertEquals(CODE + 4, t.csr(Csrs.SEPC));
    }

    // ---- TVM, TW, TSR (section 3.1.6.5) --------------------------------------------------------------

    @Test
    void tvmMakesSatpAndSfenceVmaIllegalInS() {
        t.setMstatus(Csrs.TVM).priv(S).exec(Asm.csrr(5, Csrs.SATP));
        t.assertMTrap(Cause.ILLEGAL_INSN, Asm.csrr(5, Csrs.SATP), CODE);
        t.priv(S).exec(Asm.csrw(Csrs.SATP, 0));
        t.assertMTrap(Cause.ILLEGAL_INSN, Asm.csrw(Csrs.SATP, 0), CODE);
        t.priv(S).exec(Asm.sfenceVma(0, 0));
        t.assertMTrap(Cause.ILLEGAL_INSN, Asm.sfenceVma(0, 0), CODE);
    }

    @Test
    void withoutTvmSatpAndSfenceVmaWorkInS() {
        t.priv(S).exec(Asm.csrr(5, Csrs.SATP), Asm.sfenceVma(0, 0), Asm.sfenceVma(5, 6));
        t.assertPc(CODE + 12);
        assertEquals(S, t.priv());
    }

    @Test
    void tvmDoesNotAffectM() {
        t.setMstatus(Csrs.TVM).exec(Asm.csrr(5, Csrs.SATP), Asm.sfenceVma(0, 0));
        t.assertPc(CODE + 8);
    }

    @Test
    void sfenceVmaIsIllegalInU() {
        t.priv(U).exec(Asm.sfenceVma(0, 0));
        t.assertMTrap(Cause.ILLEGAL_INSN, Asm.sfenceVma(0, 0), CODE);
    }

    @Test
    void twMakesWfiIllegalInS() {
        t.setMstatus(Csrs.TW).priv(S).exec(Asm.wfi());
        t.assertMTrap(Cause.ILLEGAL_INSN, Asm.wfi(), CODE);
    }

    @Test
    void wfiInSWithoutTwDoesNotTrap() {
        t.priv(S).exec(Asm.wfi());
        assertEquals(S, t.priv());
        assertEquals(CODE + 4, t.pc());
    }

    @Test
    void twDoesNotAffectM() {
        t.setMstatus(Csrs.TW).exec(Asm.wfi());
        assertEquals(M, t.priv());
        assertEquals(CODE + 4, t.pc());
    }

    /** With S-mode implemented, WFI in U-mode is illegal (section 3.1.6.5). */
    @Test
    void wfiInUIsIllegal() {
        t.priv(U).exec(Asm.wfi());
        t.assertMTrap(Cause.ILLEGAL_INSN, Asm.wfi(), CODE);
    }

    @Test
    void tsrMakesSretIllegalInSButNotInM() {
        t.setMstatus(Csrs.TSR).priv(S).exec(Asm.sret());
        t.assertMTrap(Cause.ILLEGAL_INSN, Asm.sret(), CODE);
        t.setMstatus(SPP).csr(Csrs.SEPC, CODE + 0x40).exec(Asm.sret());
        assertEquals(S, t.priv());
        t.assertPc(CODE + 0x40);
    }
}
