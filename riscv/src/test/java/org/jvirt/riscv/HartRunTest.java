package org.jvirt.riscv;

import static org.jvirt.riscv.TestHart.CODE;
import static org.jvirt.riscv.TestHart.DATA;
import static org.jvirt.riscv.TestHart.INTERRUPT;
import static org.jvirt.riscv.TestHart.RAM;
import static org.jvirt.riscv.TestHart.SIZE;
import static org.jvirt.riscv.TestHart.TRAP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import org.jvirt.machine.Bus;
import org.jvirt.machine.Clock;
import org.jvirt.machine.GuestMemory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The hart driven through {@link Hart#run}, which executes in chunks from a per-page cache of decoded
 * instructions: the semantics must be the same as instruction-at-a-time execution. Covers when
 * interrupts are recognized (privileged 1.12, section 3.1.9), FENCE.I and self-modifying code
 * (unprivileged 20191213, chapter 3), instructions at the end of a page, and two harts on one RAM.
 */
class HartRunTest {
    /** jal x0, 0: a handler that spins, so that run() does not overwrite the trap state. */
    private static final int SPIN = Asm.jal(0, 0);
    private final TestHart t = new TestHart();

    @AfterEach
    void close() { t.close(); }

    @Test
    void aLongLoopRunsAcrossManyChunks() {
        t.put(CODE, Asm.addi(5, 0, 0), Asm.lui(6, 0x1000), Asm.addi(5, 5, 1), Asm.bne(5, 6, -4), Asm.ecall());
        t.put(TRAP, SPIN);
        long retired = t.h.run(2 + 2 * 0x1000 + 10);
        assertEquals(0x1000, t.x(5));
        assertEquals(Cause.ECALL_M, t.csr(Csrs.MCAUSE));
        assertEquals(CODE + 16, t.csr(Csrs.MEPC));
        assertEquals(2 + 2 * 0x1000 + 10, retired, "the ecall does not retire; the spinning handler does");
    }

    /** Interrupt conditions are evaluated immediately after a write to mstatus, mie or mip, and after xRET. */
    @Test
    void anInterruptEnabledByACsrWriteIsTakenBeforeTheNextInstruction() {
        t.put(CODE, Asm.csrrsi(0, Csrs.MSTATUS, 8), Asm.addi(5, 0, 1), Asm.addi(5, 0, 2)).put(TRAP, SPIN);
        t.csr(Csrs.MIE_CSR, 1L << Cause.IRQ_M_TIMER);
        t.h.setIrq(Cause.IRQ_M_TIMER, true);
        t.h.run(20);
        assertEquals(INTERRUPT | Cause.IRQ_M_TIMER, t.csr(Csrs.MCAUSE));
        assertEquals(CODE + 4, t.csr(Csrs.MEPC));
        assertEquals(0, t.x(5));
    }

    @Test
    void anInterruptEnabledByMieWriteIsTakenBeforeTheNextInstruction() {
        t.x(6, 1L << Cause.IRQ_S_SOFT).put(CODE, Asm.nop(), Asm.csrw(Csrs.MIE_CSR, 6), Asm.addi(5, 0, 1)).put(TRAP, SPIN);
        t.setMstatus(Csrs.MIE).csr(Csrs.MIP, 1L << Cause.IRQ_S_SOFT);
        t.h.run(20);
        assertEquals(INTERRUPT | Cause.IRQ_S_SOFT, t.csr(Csrs.MCAUSE));
        assertEquals(CODE + 8, t.csr(Csrs.MEPC));
        assertEquals(0, t.x(5));
    }

    @Test
    void anInterruptIsTakenRightAfterTheMretThatEnablesIt() {
        t.allowAllPmp().mpp(TestHart.S).setMstatus(Csrs.MPIE).csr(Csrs.MEPC, CODE + 0x40);
        t.put(CODE, Asm.mret()).put(CODE + 0x40, Asm.addi(5, 0, 1)).put(TRAP, SPIN);
        t.csr(Csrs.MIE_CSR, 1L << Cause.IRQ_M_SOFT);
        t.h.setIrq(Cause.IRQ_M_SOFT, true); // pending, but masked in M (MIE = 0) until mret
        t.h.run(20);
        assertEquals(INTERRUPT | Cause.IRQ_M_SOFT, t.csr(Csrs.MCAUSE));
        assertEquals(CODE + 0x40, t.csr(Csrs.MEPC));
        assertEquals(TestHart.S, (t.mstatus() & Csrs.MPP) >>> Csrs.MPP_SHIFT);
        assertEquals(0, t.x(5));
    }

    @Test
    void storesFollowedByFenceISeeTheNewInstruction() {
        int old = Asm.addi(7, 0, 1), replacement = Asm.addi(7, 0, 2);
        t.put(CODE, Asm.sw(6, 5, 12), Asm.fenceI(), Asm.nop(), old, Asm.ecall()).put(TRAP, SPIN);
        t.x(5, CODE).x(6, old);
        t.h.run(5); // first pass: the page's instructions are decoded and cached
        assertEquals(1, t.x(7));
        t.x(6, replacement).h.pc = CODE;
        t.h.run(4);
        assertEquals(2, t.x(7), "the store to the code page must reach the instruction stream after fence.i");
    }

    @Test
    void aPageWrittenBeforeItBecameCodeIsStillWatched() {
        long page = CODE + 0x1800;
        t.put(page, Asm.addi(7, 0, 1), Asm.jalr(0, 1, 0)).put(TRAP, SPIN);
        t.x(5, page).x(6, Asm.addi(7, 0, 1)).x(8, Asm.addi(7, 0, 2));
        t.put(CODE,
            Asm.sw(6, 5, 0),          // the store TLB learns the page while it is plain data
            Asm.jal(1, 0x17fc),       // the page is executed: it becomes a code page
            Asm.sw(8, 5, 0),          // and is stored to again
            Asm.fenceI(),
            Asm.jal(1, 0x17f0),
            Asm.ecall());
        t.h.run(10);
        assertEquals(2, t.x(7));
        assertEquals(Cause.ECALL_M, t.csr(Csrs.MCAUSE));
        assertEquals(CODE + 0x14, t.csr(Csrs.MEPC));
    }

    @Test
    void aCompressedInstructionInTheLastParcelOfAPage() {
        t.put16(CODE + 0xffe, Asm.cAddi(5, 3));
        t.put(CODE + 0x1000, Asm.addi(5, 5, 4), Asm.ecall()).put(TRAP, SPIN);
        t.x(5, 0).h.pc = CODE + 0xffe;
        t.h.run(2);
        assertEquals(7, t.x(5));
        t.assertPc(CODE + 0x1004);
    }

    @Test
    void aFourByteInstructionStraddlingTwoPages() {
        int addi = Asm.addi(5, 5, 9);
        t.put16(CODE + 0xffe, addi & 0xffff, addi >>> 16, Asm.nop() & 0xffff, Asm.nop() >>> 16);
        t.x(5, 1).h.pc = CODE + 0xffe;
        t.h.run(1);
        assertEquals(10, t.x(5));
        t.assertPc(CODE + 0x1002);
    }

    @Test
    void fetchingFromNothingIsAnInstructionAccessFault() {
        t.x(5, 0x1000).exec(Asm.jalr(0, 5, 0));
        t.step();
        t.assertMTrap(Cause.INSN_ACCESS, 0x1000, 0x1000);
    }

    @Test
    void loadsAndStoresToNothingAreAccessFaults() {
        t.x(5, 0x1000).exec(Asm.ld(7, 5, 8));
        t.assertMTrap(Cause.LOAD_ACCESS, 0x1008, CODE);
        t.x(5, 0x1000).exec(Asm.sw(7, 5, 8));
        t.assertMTrap(Cause.STORE_ACCESS, 0x1008, CODE);
        t.x(5, RAM + SIZE - 4).exec(Asm.ld(7, 5, 0)); // half in RAM, half beyond it
        assertEquals(Cause.LOAD_ACCESS, t.csr(Csrs.MCAUSE));
    }

    // ---- two harts on one RAM ------------------------------------------------------------------------

    private static final class TwoHarts implements AutoCloseable {
        final GuestMemory ram = GuestMemory.allocate(RAM, SIZE);
        final List<Hart> harts = Hart.forMachine(2, new Bus(ram), Decoder.rv64gc(), new Clock() {
            public long frequency() { return 1; }
            public long ticks() { return 0; }
        });

        void put(long addr, int... words) {
            for (int k = 0; k < words.length; k++) ram.writeInt(addr + 4L * k, words[k]);
        }

        @Override
        public void close() { ram.close(); }
    }

    @Test
    void aStoreByAnotherHartBreaksTheReservation() {
        try (TwoHarts m = new TwoHarts()) {
            Hart h0 = m.harts.get(0), h1 = m.harts.get(1);
            m.put(CODE, Asm.lrD(7, 5), Asm.scD(8, 5, 6));
            m.put(CODE + 0x100, Asm.sd(6, 5, 0));
            h0.x[5] = DATA; h0.x[6] = 1; h0.pc = CODE;
            h1.x[5] = DATA; h1.x[6] = 2; h1.pc = CODE + 0x100;
            h0.stepOne();
            h1.stepOne();
            h0.stepOne();
            assertNotEquals(0, h0.x[8], "sc.d must fail");
            assertEquals(2, m.ram.readLong(DATA));
        }
    }

    @Test
    void codeWrittenByAnotherHartIsSeenAfterFenceI() {
        try (TwoHarts m = new TwoHarts()) {
            Hart h0 = m.harts.get(0), h1 = m.harts.get(1);
            m.put(CODE, Asm.addi(7, 0, 1), Asm.jal(0, 0), Asm.fenceI(), Asm.jal(0, -12)); // hart 0's code
            m.put(CODE + 0x2000, Asm.sw(6, 5, 0), Asm.sw(8, 5, 0), Asm.jal(0, 0)); // hart 1 writes it twice
            h1.x[5] = CODE; h1.x[6] = Asm.addi(7, 0, 1); h1.x[8] = Asm.addi(7, 0, 3); h1.pc = CODE + 0x2000;
            h1.stepOne();                 // hart 1's store TLB now maps hart 0's page
            h0.pc = CODE;
            h0.run(2);                    // hart 0 executes (and caches) its page
            assertEquals(1, h0.x[7]);
            h1.stepOne();                 // hart 1 replaces the instruction
            h0.pc = CODE + 0x8;           // hart 0 fences and runs it again
            h0.run(3);
            assertEquals(3, h0.x[7]);
        }
    }
}
