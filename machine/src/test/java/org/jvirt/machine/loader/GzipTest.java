package org.jvirt.machine.loader;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class GzipTest {
    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(b)) {
            z.write(data);
        }
        return b.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) b.writeBytes(p);
        return b.toByteArray();
    }

    private static byte[] sample(int n, long seed) {
        byte[] d = new byte[n];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) d[i] = (byte) (r.nextInt(4) == 0 ? r.nextInt() : 'a' + i % 7);
        return d;
    }

    @Test
    void inflatesOneMemberAndConcatenatedMembersWithZeroPadding() throws Exception {
        byte[] a = sample(300_000, 1), b = sample(5_000, 2);
        assertArrayEquals(a, Gzip.inflateWhole(gzip(a), 1 << 20, "x"));
        byte[] padded = concat(gzip(a), gzip(b), new byte[512]);
        assertArrayEquals(concat(a, b), Gzip.inflateWhole(padded, 1 << 20, "x"));
    }

    @Test
    void leavesAloneWhatIsNotGzipOrHasOtherDataAfterTheMembers() throws Exception {
        byte[] plain = sample(1000, 3);
        assertSame(plain, Gzip.inflateWhole(plain, 1 << 20, "x"));
        // A compressed cpio followed by an uncompressed one: only the guest's unpacker handles both.
        byte[] mixed = concat(gzip(sample(1000, 4)), "070701".getBytes(), new byte[10]);
        assertSame(mixed, Gzip.inflateWhole(mixed, 1 << 20, "x"));
    }

    @Test
    void corruptOrTruncatedDataIsAOneLineError() throws Exception {
        byte[] good = gzip(sample(100_000, 5));
        byte[] truncated = Arrays.copyOf(good, good.length / 2);
        var e = assertThrows(LoadException.class, () -> Gzip.inflateWhole(truncated, 1 << 20, "initrd.gz"));
        assertTrue(e.getMessage().startsWith("initrd.gz looks gzip-compressed but cannot be inflated"), e.getMessage());
        byte[] badCrc = good.clone();
        badCrc[badCrc.length - 6] ^= 1;
        assertTrue(assertThrows(LoadException.class, () -> Gzip.inflateWhole(badCrc, 1 << 20, "x")).getMessage().contains("CRC-32"));
        byte[] badData = good.clone();
        for (int i = 20; i < 60; i++) badData[i] = (byte) 0xff;
        assertThrows(LoadException.class, () -> Gzip.inflateWhole(badData, 1 << 20, "x"));
        byte[] header = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
        assertThrows(LoadException.class, () -> Gzip.inflateWhole(header, 1 << 20, "x"));
    }

    @Test
    void aBombLargerThanTheLimitIsRefusedWithoutInflatingIt() throws Exception {
        byte[] bomb = gzip(new byte[8 << 20]); // 8 MiB of zeros in about 8 KiB
        var e = assertThrows(LoadException.class, () -> Gzip.inflateWhole(bomb, 1 << 20, "big.gz"));
        assertTrue(e.getMessage().contains("--mem"), e.getMessage());
    }
}
