package org.jvirt.virtio;

import static org.junit.jupiter.api.Assertions.*;
import static org.jvirt.virtio.BlockDeviceTest.BUF;
import static org.jvirt.virtio.BlockDeviceTest.HDR;
import static org.jvirt.virtio.BlockDeviceTest.NEXT;
import static org.jvirt.virtio.BlockDeviceTest.STATUS;
import static org.jvirt.virtio.BlockDeviceTest.WRITE;
import static org.jvirt.virtio.BlockDeviceTest.header;
import static org.jvirt.virtio.BlockDeviceTest.request;
import static org.jvirt.virtio.BlockDeviceTest.status;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Discard and write-zeroes on virtio-blk: what the host file becomes, and what a hostile guest gets. */
class DiscardWriteZeroesTest {
    static final int SECTORS = 2048; // a 1 MiB image
    static final long SEGMENTS = TestDriver.DATA + 0x1000;

    @TempDir Path dir;

    /** An image of non-zero bytes, so that zeros read back can only come from the device. */
    Path image() throws IOException {
        Path p = dir.resolve("disk.img");
        byte[] b = new byte[SECTORS * 512];
        for (int i = 0; i < b.length; i++) b[i] = (byte) (0x80 | (i / 512) & 0x7f);
        Files.write(p, b);
        return p;
    }

    TestDriver driver(Path image, boolean ro, boolean fallocate, long features) {
        return new TestDriver(ram -> {
            try {
                return new BlockDevice(image, ro, fallocate);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).start(features);
    }

    static long deviceFeatures(TestDriver d) {
        d.reg(0x14, 0);
        long low = d.reg(0x10);
        d.reg(0x14, 1);
        return low | d.reg(0x10) << 32;
    }

    /** Sends a discard or write-zeroes request with {@code segments}, each {sector, sectors, flags}. */
    static void send(TestDriver d, int type, long[]... segments) {
        for (int i = 0; i < segments.length; i++) {
            d.ram.writeLong(SEGMENTS + 16L * i, segments[i][0]);
            d.ram.writeInt(SEGMENTS + 16L * i + 8, (int) segments[i][1]);
            d.ram.writeInt(SEGMENTS + 16L * i + 12, (int) segments[i][2]);
        }
        sendRaw(d, type, 16 * segments.length, false);
    }

    /** header, {@code len} bytes of segments (device-writable if {@code wrongWay}), status. */
    static void sendRaw(TestDriver d, int type, int len, boolean wrongWay) {
        header(d, type, 0);
        d.desc(0, HDR, 16, NEXT, 1);
        d.desc(1, SEGMENTS, len, NEXT | (wrongWay ? WRITE : 0), 2);
        d.desc(2, STATUS, 1, WRITE, 0);
        d.submit(0);
    }

    /** The host's blocks in use by the file, in 512-byte units, as stat(1) reports st_blocks. */
    static long allocated(Path p) throws Exception {
        Process proc = new ProcessBuilder("stat", "--format=%b", p.toString()).redirectErrorStream(true).start();
        String out = new String(proc.getInputStream().readAllBytes()).trim();
        assertEquals(0, proc.waitFor(), out);
        return Long.parseLong(out);
    }

    static void assertZeros(byte[] b, int from, int to, String what) {
        for (int i = from; i < to; i++) if (b[i] != 0) fail(what + ": byte " + i + " is " + b[i]);
    }

    static void assertUnchanged(byte[] before, byte[] after, int from, int to, String what) {
        assertArrayEquals(Arrays.copyOfRange(before, from, to), Arrays.copyOfRange(after, from, to), what);
    }

    @Test
    void featuresAndConfigurationFollowTheLayoutOfTheSpec() throws Exception {
        Path img = image();
        try (TestDriver d = driver(img, false, true, 0)) {
            long f = deviceFeatures(d);
            assertNotEquals(0, f & BlockDevice.F_WRITE_ZEROES, "a writable disk offers write-zeroes");
            boolean holes = (f & BlockDevice.F_DISCARD) != 0;
            assertEquals(holes ? DiscardWriteZeroes.MAX_DISCARD_SECTORS : 0, d.t.read(0x100 + 36, 4), "max_discard_sectors");
            assertEquals(holes ? DiscardWriteZeroes.MAX_DISCARD_SEG : 0, d.t.read(0x100 + 40, 4), "max_discard_seg");
            if (holes) assertEquals(Files.getFileStore(img).getBlockSize() / 512, d.t.read(0x100 + 44, 4), "discard_sector_alignment: a host block");
            assertEquals(DiscardWriteZeroes.MAX_WRITE_ZEROES_SECTORS, d.t.read(0x100 + 48, 4), "max_write_zeroes_sectors");
            assertEquals(DiscardWriteZeroes.MAX_WRITE_ZEROES_SEG, d.t.read(0x100 + 52, 4), "max_write_zeroes_seg");
            assertEquals(holes ? 1 : 0, d.t.read(0x100 + 56, 1), "write_zeroes_may_unmap");
            assertEquals(0, d.t.read(0x100 + 57, 2) | d.t.read(0x100 + 59, 1), "unused1");
            assertEquals(SECTORS, d.t.read(0x100, 8), "capacity is where it was");
        }
        try (TestDriver d = driver(img, false, false, 0)) {
            long f = deviceFeatures(d);
            assertEquals(BlockDevice.F_WRITE_ZEROES, f & (BlockDevice.F_DISCARD | BlockDevice.F_WRITE_ZEROES), "without holes: no discard");
            assertEquals(0, d.t.read(0x100 + 36, 4));
            assertEquals(0, d.t.read(0x100 + 56, 1), "write-zeroes cannot unmap");
        }
        try (TestDriver d = driver(img, true, true, BlockDevice.F_RO)) {
            assertEquals(0, deviceFeatures(d) & (BlockDevice.F_DISCARD | BlockDevice.F_WRITE_ZEROES), "read-only: neither");
            assertEquals(0, d.t.read(0x100 + 48, 4));
        }
    }

    @Test
    void discardPunchesHolesInTheHostFile() throws Exception {
        Path img = image();
        byte[] before = Files.readAllBytes(img);
        try (TestDriver d = driver(img, false, true, 0)) {
            Assumptions.assumeTrue((deviceFeatures(d) & BlockDevice.F_DISCARD) != 0, "the host file system cannot punch holes");
            d.reg(0x70, 0);
            d.start(BlockDevice.F_DISCARD);
            long used = allocated(img);
            // Two segments in one request, as Linux sends a discard of scattered ranges.
            send(d, BlockDevice.T_DISCARD, new long[] {256, 512, 0}, new long[] {1024, 256, 0});
            assertEquals(BlockDevice.S_OK, status(d));
            assertTrue(allocated(img) <= used - 768, "768 sectors go back to the host: " + used + " -> " + allocated(img));
            byte[] after = Files.readAllBytes(img);
            assertEquals(before.length, after.length, "the image keeps its size");
            assertZeros(after, 256 * 512, 768 * 512, "a hole reads as zeros");
            assertZeros(after, 1024 * 512, 1280 * 512, "the second segment");
            assertUnchanged(before, after, 0, 256 * 512, "before the first segment");
            assertUnchanged(before, after, 768 * 512, 1024 * 512, "between the segments");
            assertUnchanged(before, after, 1280 * 512, before.length, "after the second segment");

            // The guest can write into a hole again.
            d.ram.load(BUF, new byte[] {7, 7, 7}, 0, 3);
            request(d, BlockDevice.T_OUT, 300, 512, false);
            assertEquals(BlockDevice.S_OK, status(d));
            assertEquals(7, Files.readAllBytes(img)[300 * 512]);
        }
    }

    @Test
    void writeZeroesReadsBackZerosWhateverTheHostCanDo() throws Exception {
        record Case(String name, boolean fallocate, int flags, boolean frees) { }
        for (Case c : new Case[] {
                new Case("unmap allowed: a hole", true, DiscardWriteZeroes.FLAG_UNMAP, true),
                new Case("no unmap: zeroed, still allocated", true, 0, false),
                new Case("no fallocate: zeros written", false, DiscardWriteZeroes.FLAG_UNMAP, false)}) {
            Path img = image();
            byte[] before = Files.readAllBytes(img);
            try (TestDriver d = driver(img, false, c.fallocate(), BlockDevice.F_WRITE_ZEROES)) {
                boolean holes = (deviceFeatures(d) & BlockDevice.F_DISCARD) != 0;
                long used = allocated(img);
                send(d, BlockDevice.T_WRITE_ZEROES, new long[] {512, 1024, c.flags()});
                assertEquals(BlockDevice.S_OK, status(d), c.name());
                byte[] after = Files.readAllBytes(img);
                assertZeros(after, 512 * 512, 1536 * 512, c.name());
                assertUnchanged(before, after, 0, 512 * 512, c.name() + ": before");
                assertUnchanged(before, after, 1536 * 512, before.length, c.name() + ": after");
                if (c.frees() && holes) assertTrue(allocated(img) <= used - 1024, c.name() + ": " + used + " -> " + allocated(img));
                if (!c.frees()) assertTrue(allocated(img) >= used, c.name() + ": the blocks stay the guest's: " + used + " -> " + allocated(img));
                // And the guest itself reads zeros.
                d.ram.load(BUF, new byte[] {1, 1, 1, 1}, 0, 4);
                request(d, BlockDevice.T_IN, 1535, 512, true);
                assertEquals(BlockDevice.S_OK, status(d));
                assertEquals(0, d.ram.readInt(BUF), c.name());
                }
        }
    }

    @Test
    void badRequestsGetAnErrorStatusAndChangeNothing() throws Exception {
        final int D = BlockDevice.T_DISCARD, Z = BlockDevice.T_WRITE_ZEROES, IOERR = BlockDevice.S_IOERR, UNSUPP = BlockDevice.S_UNSUPP;
        final long UNMAP = DiscardWriteZeroes.FLAG_UNMAP;
        record Case(String name, int expected, java.util.function.Consumer<TestDriver> send) { }
        // A discard where no hole can be punched is refused whole (UNSUPP) before its segments are read.
        long[][] tooMany = new long[DiscardWriteZeroes.MAX_DISCARD_SEG + 1][];
        Arrays.fill(tooMany, new long[] {0, 1, 0});
        Case[] cases = {
            new Case("no segment", IOERR, d -> sendRaw(d, D, 0, false)),
            new Case("15 bytes of segment", IOERR, d -> sendRaw(d, D, 15, false)),
            new Case("17 bytes of segments", IOERR, d -> sendRaw(d, Z, 17, false)),
            new Case("segments in a device-writable buffer", IOERR, d -> {
                d.ram.writeInt(SEGMENTS + 8, 8);
                sendRaw(d, Z, 16, true);
            }),
            new Case("a writable buffer besides the status", IOERR, d -> {
                d.ram.writeInt(SEGMENTS + 8, 8);
                header(d, Z, 0);
                d.desc(0, HDR, 16, NEXT, 1);
                d.desc(1, SEGMENTS, 16, NEXT, 2);
                d.desc(2, BUF, 512, NEXT | WRITE, 3);
                d.desc(3, STATUS, 1, WRITE, 0);
                d.submit(0);
            }),
            new Case("more discard segments than max_discard_seg", IOERR, d -> send(d, D, tooMany)),
            new Case("more write-zeroes segments than max_write_zeroes_seg", IOERR, d -> send(d, Z, new long[] {0, 8, 0}, new long[] {8, 8, 0})),
            new Case("a sector past the end", IOERR, d -> send(d, Z, new long[] {SECTORS + 1, 0, 0})),
            new Case("a range past the end", IOERR, d -> send(d, Z, new long[] {SECTORS - 8, 9, 0})),
            new Case("sector + num_sectors wraps 64 bits", IOERR, d -> send(d, Z, new long[] {-4, 8, 0})),
            new Case("num_sectors = 2^32 - 1", IOERR, d -> send(d, Z, new long[] {8, 0xffff_ffffL, 0})),
            new Case("more than max_write_zeroes_sectors", IOERR,
                    d -> send(d, Z, new long[] {0, DiscardWriteZeroes.MAX_WRITE_ZEROES_SECTORS + 1L, 0})),
            new Case("a reserved flag", UNSUPP, d -> send(d, Z, new long[] {8, 8, 2})),
            new Case("the top flag bit", UNSUPP, d -> send(d, Z, new long[] {8, 8, UNMAP | 0x8000_0000L})),
            new Case("a good segment, then a bad one", IOERR, d -> send(d, D, new long[] {0, 64, 0}, new long[] {SECTORS, 1, 0})),
            new Case("a good segment, then a reserved flag", UNSUPP, d -> send(d, D, new long[] {0, 64, 0}, new long[] {64, 1, 4})),
        };
        Path img = image();
        byte[] before = Files.readAllBytes(img);
        try (TestDriver d = driver(img, false, true, BlockDevice.F_WRITE_ZEROES)) {
            boolean discard = (deviceFeatures(d) & BlockDevice.F_DISCARD) != 0;
            for (Case c : cases) {
                d.ram.zero(SEGMENTS, 16 * 64);
                c.send().accept(d);
                boolean isDiscard = d.ram.readInt(HDR) == D;
                assertEquals(isDiscard && !discard ? UNSUPP : c.expected(), status(d), c.name());
                assertFalse(d.needsReset(), c.name() + ": a bad request is not a broken device");
                assertArrayEquals(before, Files.readAllBytes(img), c.name() + ": the image is unchanged");
            }
            if (discard) {
                send(d, D, new long[] {8, 8, UNMAP});
                assertEquals(UNSUPP, status(d), "unmap is for write-zeroes only (5.2.6.2)");
                assertArrayEquals(before, Files.readAllBytes(img));
            }
            send(d, Z, new long[] {SECTORS, 0, 0});
            assertEquals(BlockDevice.S_OK, status(d), "an empty range at the end is a range the disk has");
            assertArrayEquals(before, Files.readAllBytes(img));
            int used = d.usedIdx();
            assertEquals(cases.length + (discard ? 2 : 1), used, "every request completed");
        }
    }

    @Test
    void disksThatCannotDoItSayUnsupported() throws Exception {
        Path img = image();
        byte[] before = Files.readAllBytes(img);
        try (TestDriver d = driver(img, true, true, BlockDevice.F_RO)) {
            send(d, BlockDevice.T_DISCARD, new long[] {0, 8, 0});
            assertEquals(BlockDevice.S_UNSUPP, status(d), "read-only: discard");
            send(d, BlockDevice.T_WRITE_ZEROES, new long[] {0, 8, 0});
            assertEquals(BlockDevice.S_UNSUPP, status(d), "read-only: write-zeroes");
        }
        try (TestDriver d = driver(img, false, false, 0)) {
            send(d, BlockDevice.T_DISCARD, new long[] {0, 8, 0});
            assertEquals(BlockDevice.S_UNSUPP, status(d), "discard is not offered where no hole can be punched");
        }
        assertArrayEquals(before, Files.readAllBytes(img));
    }
}
