package org.jvirt.kvm.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** The MP table against the MultiProcessor Specification 1.4 (chapter 4): signatures, lengths, checksums, entries. */
class MpTableTest {
    private static int sum(byte[] a, int off, int len) {
        int s = 0;
        for (int i = off; i < off + len; i++) s += a[i];
        return s & 0xff;
    }

    @Test
    void theFloatingPointerAndTableAreWellFormed() {
        for (int cpus : new int[] {1, 4, 64}) {
            byte[] a = MpTable.build(cpus);
            ByteBuffer b = ByteBuffer.wrap(a).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals("_MP_", new String(a, 0, 4));
            assertEquals(MpTable.ADDRESS + 16, b.getInt(4));
            assertEquals(1, a[8]);
            assertEquals(4, a[9]);
            assertEquals(0, sum(a, 0, 16), "floating pointer checksum");
            assertEquals("PCMP", new String(a, 16, 4));
            int length = b.getShort(16 + 4) & 0xffff;
            assertEquals(a.length - 16, length);
            assertEquals(0, sum(a, 16, length), "table checksum");
            int entries = b.getShort(16 + 34);
            assertEquals(0xfee00000, b.getInt(16 + 36));
            // walk the entries by their type's size: processors first, BSP flagged
            int p = 16 + 44, processors = 0, irqs = 0;
            for (int i = 0; i < entries; i++) {
                int type = a[p];
                if (type == 0) {
                    assertEquals(processors, a[p + 1]);
                    assertEquals(processors == 0 ? 3 : 1, a[p + 3]);
                    processors++;
                }
                if (type == 2) assertEquals(0xfec00000, b.getInt(p + 4));
                if (type == 3) irqs++;
                p += type == 0 ? 20 : 8;
            }
            assertEquals(a.length, p);
            assertEquals(cpus, processors);
            assertEquals(16, irqs);
        }
    }
}
