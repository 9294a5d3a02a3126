package org.jvirt.riscv.board;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.jvirt.machine.Bus;
import org.jvirt.machine.Clock;
import org.jvirt.machine.GuestMemory;
import org.jvirt.machine.IrqLine;
import org.jvirt.riscv.Cause;
import org.jvirt.riscv.Decoder;
import org.jvirt.riscv.Hart;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PlicTest {
    final GuestMemory ram = GuestMemory.allocate(0x8000_0000L, 1 << 16);
    final List<Hart> harts = Hart.forMachine(2, new Bus(ram), Decoder.rv64gc(), Clock.host(10_000_000));
    final Plic plic = new Plic(harts);

    @AfterEach
    void close() { ram.close(); }

    static final long ENABLE = 0x2000, CONTEXT = 0x20_0000;

    long mip(int hart) {
        // mip is readable in M-mode, where a fresh hart starts
        return harts.get(hart).csrs().mip();
    }

    @Test
    void claimCompleteFollowsTheLevelOfTheLine() {
        IrqLine uart = plic.line(10);
        plic.write(10 * 4, 4, 1);                 // priority 1
        plic.write(ENABLE + 0x80 * 1, 4, 1 << 10); // enabled for hart 0, S-mode
        assertEquals(0, plic.read(CONTEXT + 0x1000 + 4, 4), "nothing pending: claim reads 0");
        uart.set(true);
        assertEquals(1L << 10, plic.read(0x1000, 4), "pending bit");
        assertEquals(1L << Cause.IRQ_S_EXT, mip(0) & (1L << Cause.IRQ_S_EXT), "SEIP of hart 0");
        assertEquals(0, mip(0) & (1L << Cause.IRQ_M_EXT), "not enabled for M-mode");
        assertEquals(10, plic.read(CONTEXT + 0x1000 + 4, 4));
        assertEquals(0, mip(0) & (1L << Cause.IRQ_S_EXT), "claimed: no longer pending");
        assertEquals(0, plic.read(CONTEXT + 0x1000 + 4, 4), "in service: not claimable twice");
        plic.write(CONTEXT + 0x1000 + 4, 4, 10);   // complete while the line is still high
        assertEquals(10, plic.read(CONTEXT + 0x1000 + 4, 4), "pending again");
        uart.set(false);
        plic.write(CONTEXT + 0x1000 + 4, 4, 10);
        assertEquals(0, plic.read(CONTEXT + 0x1000 + 4, 4));
        assertEquals(0, mip(1), "hart 1 saw nothing");
    }

    @Test
    void priorityAndThresholdDecide() {
        plic.write(1 * 4, 4, 2);
        plic.write(2 * 4, 4, 5);
        plic.write(ENABLE, 4, 0b110);              // sources 1 and 2 for hart 0, M-mode
        plic.line(1).set(true);
        plic.line(2).set(true);
        plic.write(CONTEXT, 4, 5);                 // threshold 5: priority must exceed it
        assertEquals(0, mip(0) & (1L << Cause.IRQ_M_EXT));
        plic.write(CONTEXT, 4, 1);
        assertNotEquals(0, mip(0) & (1L << Cause.IRQ_M_EXT));
        assertEquals(2, plic.read(CONTEXT + 4, 4), "the higher priority first");
        assertEquals(1, plic.read(CONTEXT + 4, 4));
    }

    @Test
    void hostileAccessesAreHarmless() {
        for (long off : new long[] {0, 3, 0x1000, 0x1ffc, 0x2000 + 0x80 * 100, 0x20_0000 + 0x1000 * 50, 0x5f_fffc})
            for (int size : new int[] {1, 2, 4, 8}) {
                plic.read(off, size);
                plic.write(off, size, -1L);
            }
        assertThrows(IllegalArgumentException.class, () -> plic.line(0));
        assertThrows(IllegalArgumentException.class, () -> plic.line(Plic.SOURCES));
    }
}
