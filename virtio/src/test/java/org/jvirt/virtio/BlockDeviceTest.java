package org.jvirt.virtio;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlockDeviceTest {
    static final int NEXT = Virtqueue.DESC_NEXT, WRITE = Virtqueue.DESC_WRITE, INDIRECT = Virtqueue.DESC_INDIRECT;
    static final long HDR = TestDriver.DATA, BUF = TestDriver.DATA + 0x100, STATUS = TestDriver.DATA + 0x80;

    @TempDir Path dir;

    Path image(int sectors) throws IOException {
        Path p = dir.resolve("disk.img");
        byte[] b = new byte[sectors * 512];
        for (int i = 0; i < b.length; i++) b[i] = (byte) (i / 512);
        Files.write(p, b);
        return p;
    }

    TestDriver driver(Path image, boolean ro) {
        return new TestDriver(ram -> {
            try {
                return new BlockDevice(image, ro);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    static void header(TestDriver d, int type, long sector) {
        d.ram.writeInt(HDR, type);
        d.ram.writeInt(HDR + 4, 0);
        d.ram.writeLong(HDR + 8, sector);
        d.ram.writeByte(STATUS, (byte) 0xff);
    }

    /** header, one data buffer, status: the three-descriptor request Linux sends. */
    static void request(TestDriver d, int type, long sector, int len, boolean deviceWrites) {
        header(d, type, sector);
        d.desc(0, HDR, 16, NEXT, 1);
        d.desc(1, BUF, len, NEXT | (deviceWrites ? WRITE : 0), 2);
        d.desc(2, STATUS, 1, WRITE, 0);
        d.submit(0);
    }

    static int status(TestDriver d) { return d.ram.readByte(STATUS) & 0xff; }

    @Test
    void capacityWriteFlushAndReadBack() throws Exception {
        Path img = image(64);
        try (TestDriver d = driver(img, false).start(BlockDevice.F_FLUSH)) {
            assertEquals(2, d.reg(8), "device id: block");
            assertEquals(64, d.t.read(0x100, 8), "capacity in sectors");
            byte[] data = new byte[1024];
            Arrays.fill(data, (byte) 0x5a);
            d.ram.load(BUF, data, 0, data.length);
            request(d, BlockDevice.T_OUT, 3, 1024, false);
            assertEquals(0, status(d));
            assertTrue(d.irq, "used-buffer interrupt");
            d.reg(0x64, 1);
            assertFalse(d.irq);
            header(d, BlockDevice.T_FLUSH, 0);
            d.desc(0, HDR, 16, NEXT, 1);
            d.desc(1, STATUS, 1, WRITE, 0);
            d.submit(0);
            assertEquals(0, status(d));
            byte[] onDisk = Files.readAllBytes(img);
            assertEquals(0x5a, onDisk[3 * 512] & 0xff, "flushed data is in the host file");
            assertEquals(0x5a, onDisk[5 * 512 - 1] & 0xff);
            assertEquals(5, onDisk[5 * 512], "the next sector is untouched");
            d.ram.zero(BUF, 1024);
            request(d, BlockDevice.T_IN, 4, 512, true);
            assertEquals(0, status(d));
            assertEquals(0x5a, d.ram.readByte(BUF) & 0xff);
            assertEquals(3, d.usedIdx());
            assertEquals(513, d.usedLen(2), "bytes written: data and status");
        }
    }

    @Test
    void readOnlyDisksRefuseWritesAndOutOfRangeRequestsFail() throws Exception {
        Path img = image(8);
        try (TestDriver d = driver(img, true).start(BlockDevice.F_RO)) {
            request(d, BlockDevice.T_OUT, 0, 512, false);
            assertEquals(BlockDevice.S_IOERR, status(d));
            request(d, BlockDevice.T_IN, 8, 512, true);
            assertEquals(BlockDevice.S_IOERR, status(d), "sector 8 is past the end");
            request(d, BlockDevice.T_IN, 7, 1000, true);
            assertEquals(BlockDevice.S_IOERR, status(d), "not a whole number of sectors");
            request(d, 77, 0, 512, true);
            assertEquals(BlockDevice.S_UNSUPP, status(d));
            assertFalse(d.needsReset());
        }
        assertEquals(1, Files.readAllBytes(img)[512], "nothing written");
    }

    @Test
    void getIdAndIndirectDescriptors() throws Exception {
        try (TestDriver d = driver(image(8), false).start(VirtioDevice.F_INDIRECT_DESC)) {
            long table = TestDriver.DATA + 0x4000;
            header(d, BlockDevice.T_GET_ID, 0);
            d.descAt(table, 0, HDR, 16, NEXT, 1);
            d.descAt(table, 1, BUF, 20, NEXT | WRITE, 2);
            d.descAt(table, 2, STATUS, 1, WRITE, 0);
            d.desc(0, table, 48, INDIRECT, 0);
            d.submit(0);
            assertEquals(0, status(d));
            byte[] id = new byte[8];
            d.ram.segment().asSlice(BUF - TestDriver.BASE, 8).asByteBuffer().get(id);
            assertEquals("disk.img", new String(id));
        }
    }

    @Test
    void eventIndexSuppressesInterrupts() throws Exception {
        try (TestDriver d = driver(image(8), false).start(VirtioDevice.F_EVENT_IDX)) {
            d.ram.writeShort(TestDriver.AVAIL + 4 + 2L * TestDriver.QSIZE, (short) 5); // used_event: interrupt after entry 5
            request(d, BlockDevice.T_IN, 0, 512, true);
            assertFalse(d.irq, "used_event says not yet");
            assertEquals(1, d.ram.readShort(TestDriver.USED + 4 + 8L * TestDriver.QSIZE), "avail_event published");
        }
    }

    @Test
    void hostileChainsPutTheDeviceIntoNeedsReset() throws Exception {
        record Case(String name, java.util.function.Consumer<TestDriver> setup) { }
        Case[] cases = {
            new Case("loop", d -> { header(d, 0, 0); d.desc(0, HDR, 16, NEXT, 1); d.desc(1, BUF, 512, NEXT | WRITE, 0); }),
            new Case("outside RAM", d -> { header(d, 0, 0); d.desc(0, HDR, 16, NEXT, 1); d.desc(1, 0x1_0000_0000L, 512, WRITE, 0); }),
            new Case("wraps the address space", d -> { d.desc(0, -16L, 32, 0, 0); }),
            new Case("next out of range", d -> { header(d, 0, 0); d.desc(0, HDR, 16, NEXT, 99); }),
            new Case("readable after writable", d -> { header(d, 0, 0); d.desc(0, STATUS, 1, NEXT | WRITE, 1); d.desc(1, HDR, 16, 0, 0); }),
            new Case("nested indirect", d -> {
                long t = TestDriver.DATA + 0x4000;
                d.descAt(t, 0, t, 16, INDIRECT, 0);
                d.desc(0, t, 16, INDIRECT, 0);
            }),
            new Case("no status byte", d -> { header(d, 0, 0); d.desc(0, HDR, 16, 0, 0); }),
        };
        for (Case c : cases) {
            try (TestDriver d = driver(image(8), false).start(VirtioDevice.F_INDIRECT_DESC)) {
                byte[] before = new byte[0x10000];
                d.ram.segment().asSlice(0x20000, before.length).asByteBuffer().get(before);
                c.setup().accept(d);
                d.submit(0);
                assertTrue(d.needsReset(), c.name());
                assertTrue(d.irq, c.name() + ": configuration-change interrupt");
                byte[] after = new byte[0x10000];
                d.ram.segment().asSlice(0x20000, after.length).asByteBuffer().get(after);
                assertArrayEquals(before, after, c.name() + ": memory beyond the buffers untouched");
                d.reg(0x70, 0);
                assertFalse(d.needsReset(), "a reset clears it");
            }
        }
    }

    @Test
    void registersTakeAnythingWithoutThrowing() throws Exception {
        try (TestDriver d = driver(image(8), false)) {
            for (long off = 0; off < 0x200; off += 2)
                for (int size : new int[] {1, 2, 4, 8}) {
                    d.t.read(off, size);
                    d.t.write(off, size, -1L);
                }
            d.reg(0x38, 3); // not a power of two
            d.reg(0x44, 1);
            assertTrue(d.needsReset());
        }
    }

    @Test
    void featuresMustIncludeVersion1() throws Exception {
        try (TestDriver d = driver(image(8), false)) {
            d.reg(0x70, MmioTransport.ACKNOWLEDGE | MmioTransport.DRIVER);
            d.reg(0x24, 0);
            d.reg(0x20, 0);
            d.reg(0x24, 1);
            d.reg(0x20, 0); // no VERSION_1
            d.reg(0x70, MmioTransport.ACKNOWLEDGE | MmioTransport.DRIVER | MmioTransport.FEATURES_OK);
            assertEquals(0, d.reg(0x70) & MmioTransport.FEATURES_OK);
        }
        ByteBuffer.allocate(1).order(ByteOrder.LITTLE_ENDIAN);
    }
}
