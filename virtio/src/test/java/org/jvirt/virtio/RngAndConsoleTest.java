package org.jvirt.virtio;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

class RngAndConsoleTest {
    static final int WRITE = Virtqueue.DESC_WRITE;

    @Test
    void rngFillsTheBufferItIsGivenAndNoMore() {
        try (TestDriver d = new TestDriver(ram -> new RngDevice()).start(0)) {
            assertEquals(4, d.reg(8));
            d.ram.writeLong(TestDriver.DATA + 64, 0x1122334455667788L);
            d.desc(0, TestDriver.DATA, 64, WRITE, 0);
            d.submit(0);
            assertEquals(64, d.usedLen(0));
            assertNotEquals(0, d.ram.readLong(TestDriver.DATA) | d.ram.readLong(TestDriver.DATA + 8), "random bytes written");
            assertEquals(0x1122334455667788L, d.ram.readLong(TestDriver.DATA + 64), "nothing past the buffer");
            assertTrue(d.irq);
        }
    }

    @Test
    void consoleTransmitsAndReceives() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ConsoleDevice[] dev = new ConsoleDevice[1];
        try (TestDriver d = new TestDriver(ram -> dev[0] = new ConsoleDevice(out))) {
            d.start(0);
            assertEquals(3, d.reg(8));
            // queue 1: transmit "hi"
            d.reg(0x30, 1);
            d.reg(0x38, TestDriver.QSIZE);
            long desc1 = TestDriver.BASE + 0x5000, avail1 = TestDriver.BASE + 0x6000, used1 = TestDriver.BASE + 0x7000;
            d.reg(0x80, desc1);
            d.reg(0x90, avail1);
            d.reg(0xa0, used1);
            d.reg(0x44, 1);
            d.ram.load(TestDriver.DATA, "hi".getBytes(), 0, 2);
            d.descAt(desc1, 0, TestDriver.DATA, 2, 0, 0);
            d.ram.writeShort(avail1 + 4, (short) 0);
            d.ram.writeShort(avail1 + 2, (short) 1);
            d.reg(0x50, 1);
            assertEquals("hi", out.toString());
            // queue 0: the guest posts a receive buffer; typed bytes land in it
            dev[0].receive("ls\n".getBytes(), 0, 3);
            d.desc(0, TestDriver.DATA + 0x100, 16, WRITE, 0);
            d.submit(0);
            assertEquals(3, d.usedLen(0));
            assertEquals('l', d.ram.readByte(TestDriver.DATA + 0x100));
            assertFalse(d.needsReset());
            // the guest posts a buffer first; the host types later and kicks the queue
            d.desc(1, TestDriver.DATA + 0x200, 16, WRITE, 0);
            d.submit(1);
            assertEquals(1, d.usedIdx(), "nothing to deliver yet");
            d.reg(0x64, 1);
            dev[0].receive("pwd\n".getBytes(), 0, 4);
            d.t.kick(0);
            assertEquals(2, d.usedIdx(), "delivered on the kick");
            assertEquals('p', d.ram.readByte(TestDriver.DATA + 0x200));
            assertTrue(d.irq, "and the guest is interrupted");
        }
    }
}
