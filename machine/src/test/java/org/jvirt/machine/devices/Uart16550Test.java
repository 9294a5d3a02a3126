package org.jvirt.machine.devices;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

class Uart16550Test {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    boolean irq;
    final Uart16550 uart = new Uart16550(out, level -> irq = level);

    @Test
    void transmitsAndReportsAnEmptyTransmitter() {
        uart.write(0, 1, 'o');
        uart.write(0, 1, 'k');
        assertEquals("ok", out.toString());
        assertEquals(0x60, uart.read(5, 1) & 0x60, "THRE and TEMT: transmission completes at once");
        assertEquals(2, uart.transmitted());
    }

    @Test
    void receivedDataRaisesTheLineUntilRead() {
        uart.write(1, 1, 1); // IER: received data available
        assertFalse(irq);
        uart.receive("hi".getBytes(), 0, 2);
        assertTrue(irq);
        assertEquals(0x04, uart.read(2, 1) & 0x0f, "IIR: received data");
        assertEquals(1, uart.read(5, 1) & 1, "LSR.DR");
        assertEquals('h', uart.read(0, 1));
        assertEquals('i', uart.read(0, 1));
        assertFalse(irq);
        assertEquals(0, uart.read(5, 1) & 1);
        assertEquals(0x01, uart.read(2, 1) & 0x0f, "IIR: nothing pending");
    }

    @Test
    void thrEmptyInterruptIsOwedOnceAndClearedByReadingIir() {
        uart.write(1, 1, 2); // IER: THR empty
        assertTrue(irq, "enabling it with an empty THR raises it");
        assertEquals(0x02, uart.read(2, 1) & 0x0f);
        assertFalse(irq, "reading IIR that reports it clears it");
        uart.write(0, 1, 'x');
        assertTrue(irq, "the THR empties again after a write");
    }

    @Test
    void divisorLatchAndScratchAndLoopback() {
        uart.write(3, 1, 0x80); // DLAB
        uart.write(0, 1, 0x34);
        uart.write(1, 1, 0x12);
        assertEquals(0x34, uart.read(0, 1));
        assertEquals(0x12, uart.read(1, 1));
        uart.write(3, 1, 0x03);
        uart.write(7, 1, 0x5a);
        assertEquals(0x5a, uart.read(7, 1));
        uart.write(4, 1, 0x10); // loopback: what is sent comes back
        uart.write(0, 1, 'z');
        assertEquals('z', uart.read(0, 1));
        assertEquals("", out.toString());
    }

    @Test
    void hostileAccessesAreHarmless() {
        for (long off = 0; off < 16; off++) for (int size : new int[] {1, 2, 4, 8}) {
            uart.read(off, size);
            uart.write(off, size, -1L);
        }
        assertEquals(0, uart.read(100, 4));
    }

    @Test
    void aFloodFillsTheFifoAndNoMore() {
        byte[] flood = new byte[10_000];
        assertEquals(4096, uart.receive(flood, 0, flood.length));
        assertEquals(0, uart.receiveRoom());
        assertEquals(0, uart.receive(flood, 0, 1));
    }
}
