package org.jvirt.riscv.board;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.jvirt.machine.Bus;
import org.jvirt.machine.Clock;
import org.jvirt.machine.GuestMemory;
import org.jvirt.riscv.Cause;
import org.jvirt.riscv.Decoder;
import org.jvirt.riscv.Hart;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The CLINT's registers and the interrupt lines they drive, with a clock the test moves. */
class ClintTest {
    long now;
    final Clock clock = new Clock() {
        public long frequency() { return Clint.FREQUENCY; }
        public long ticks() { return now; }
    };
    final GuestMemory ram = GuestMemory.allocate(0x8000_0000L, 1 << 16);
    final List<Hart> harts = Hart.forMachine(2, new Bus(ram), Decoder.rv64gc(), clock);
    final Clint clint = new Clint(harts, clock);

    @AfterEach
    void close() { ram.close(); }

    boolean pending(int hart, int irq) { return (harts.get(hart).csrs().mip() >>> irq & 1) != 0; }

    @Test
    void mtimeIsTheClockAndReadsInHalves() {
        now = 0x1_2345_6789L;
        assertEquals(now, clint.read(0xbff8, 8));
        assertEquals(0x2345_6789L, clint.read(0xbff8, 4));
        assertEquals(0x1L, clint.read(0xbffc, 4));
    }

    @Test
    void timerInterruptFollowsMtimecmp() {
        now = 100;
        clint.write(0x4000 + 8, 8, 150); // hart 1
        assertFalse(pending(1, Cause.IRQ_M_TIMER));
        now = 150;
        clint.update();
        assertTrue(pending(1, Cause.IRQ_M_TIMER), "MTIP when mtime >= mtimecmp");
        assertFalse(pending(0, Cause.IRQ_M_TIMER), "hart 0's mtimecmp is still the reset value");
        clint.write(0x4000 + 8, 4, 0xffff_ffffL);    // low half first, as 32-bit code writes it
        clint.write(0x4000 + 12, 4, 0);
        assertFalse(pending(1, Cause.IRQ_M_TIMER), "a later deadline lowers MTIP");
        assertEquals(0xffff_ffffL, clint.read(0x4000 + 8, 8));
        assertEquals(1_000_000_000L / Clint.FREQUENCY * (0xffff_ffffL - 150), clint.nanosToNextDeadline());
    }

    @Test
    void msipRaisesTheSoftwareInterrupt() {
        clint.write(4, 4, 1);
        assertTrue(pending(1, Cause.IRQ_M_SOFT));
        assertEquals(1, clint.read(4, 4));
        clint.write(4, 4, 0);
        assertFalse(pending(1, Cause.IRQ_M_SOFT));
    }

    @Test
    void supervisorDeadlinesDriveStip() {
        now = 10;
        clint.setSupervisorTimer(0, 20);
        assertFalse(pending(0, Cause.IRQ_S_TIMER));
        now = 25;
        clint.update();
        assertTrue(pending(0, Cause.IRQ_S_TIMER));
        clint.setSupervisorTimer(0, -1L);
        assertFalse(pending(0, Cause.IRQ_S_TIMER));
    }

    @Test
    void writesToMissingHartsAndOddOffsetsAreIgnored() {
        for (long off : new long[] {8, 0x3ffc, 0x4000 + 8 * 5, 0xbff8, 0xfff8})
            for (int size : new int[] {1, 2, 4, 8}) {
                clint.write(off, size, -1L);
                clint.read(off, size);
            }
        assertEquals(0, clint.read(8, 4), "no hart 2");
    }
}
