package org.jvirt.kvm.boot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.jvirt.machine.GuestMemory;
import org.jvirt.machine.loader.LoadException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Linux's 64-bit boot protocol against Documentation/arch/x86/boot.rst and zero-page.rst, without KVM. */
class LinuxBootTest {
    private final GuestMemory ram = GuestMemory.allocate(0, 64 << 20);

    @AfterEach
    void free() { ram.close(); }

    /** A synthetic bzImage: one setup sector after the boot sector, then {@code payload} bytes of "kernel". */
    static byte[] bzImage(int version, int xloadflags, int payload, long initSize) {
        byte[] img = new byte[2 * 512 + payload];
        ByteBuffer b = ByteBuffer.wrap(img).order(ByteOrder.LITTLE_ENDIAN);
        img[0x1f1] = 1;                           // setup_sects
        b.putShort(0x1fe, (short) 0xaa55);
        img[0x200] = (byte) 0xeb;                 // jmp short: the header runs to 0x202 + img[0x201]
        img[0x201] = 0x66;
        b.putInt(0x202, 0x53726448);
        b.putShort(0x206, (short) version);
        b.putInt(0x22c, 0x7fffffff);              // initrd_addr_max
        b.putInt(0x230, 0x200000);                // kernel_alignment
        img[0x234] = 1;                           // relocatable
        b.putShort(0x236, (short) xloadflags);
        b.putInt(0x238, 2047);                    // cmdline_size
        b.putLong(0x258, 0x1000000);              // pref_address
        b.putInt(0x260, (int) initSize);
        for (int i = 0; i < payload; i++) img[1024 + i] = (byte) (i * 7);
        return img;
    }

    @Test
    void theDocumentedOffsets() {
        // boot.rst "The Real-Mode Kernel Header" and zero-page.rst, copied by hand
        assertEquals(0x1f1, ZeroPage.SETUP_SECTS);
        assertEquals(0x1fe, ZeroPage.BOOT_FLAG);
        assertEquals(0x202, ZeroPage.HEADER);
        assertEquals(0x206, ZeroPage.VERSION);
        assertEquals(0x210, ZeroPage.TYPE_OF_LOADER);
        assertEquals(0x211, ZeroPage.LOADFLAGS);
        assertEquals(0x218, ZeroPage.RAMDISK_IMAGE);
        assertEquals(0x21c, ZeroPage.RAMDISK_SIZE);
        assertEquals(0x224, ZeroPage.HEAP_END_PTR);
        assertEquals(0x228, ZeroPage.CMD_LINE_PTR);
        assertEquals(0x22c, ZeroPage.INITRD_ADDR_MAX);
        assertEquals(0x230, ZeroPage.KERNEL_ALIGNMENT);
        assertEquals(0x234, ZeroPage.RELOCATABLE_KERNEL);
        assertEquals(0x236, ZeroPage.XLOADFLAGS);
        assertEquals(0x238, ZeroPage.CMDLINE_SIZE);
        assertEquals(0x258, ZeroPage.PREF_ADDRESS);
        assertEquals(0x260, ZeroPage.INIT_SIZE);
        assertEquals(0x0c0, ZeroPage.EXT_RAMDISK_IMAGE);
        assertEquals(0x0c8, ZeroPage.EXT_CMD_LINE_PTR);
        assertEquals(0x1e8, ZeroPage.E820_ENTRIES);
        assertEquals(0x2d0, ZeroPage.E820_TABLE);
        assertEquals(20, ZeroPage.E820_ENTRY_SIZE);
        assertEquals(0x2d0 + 128 * 20, 0xcd0); // E820_MAX entries end where edd_mbr_sig_buffer begins (zero-page.rst)
    }

    @Test
    void aBzImageGetsItsZeroPageE820CommandLineAndInitrd() throws LoadException {
        byte[] img = bzImage(0x020f, ZeroPage.XLF_KERNEL_64 | ZeroPage.XLF_CAN_BE_LOADED_ABOVE_4G, 8192, 0x200000);
        byte[] initrd = "070701 an initramfs".getBytes(StandardCharsets.US_ASCII);
        EntryState e = LinuxBoot.loadBzImage(ram, img, "bzImage", "console=ttyS0 root=/dev/vda", initrd);
        assertEquals(new EntryState.Long64(0x100200, 0x7000, 0x9000), e);
        // the protected-mode kernel at 1 MiB
        byte[] loaded = new byte[8192];
        ram.segment().asSlice(0x100000, 8192).asByteBuffer().get(loaded);
        assertArrayEquals(java.util.Arrays.copyOfRange(img, 1024, 1024 + 8192), loaded);
        long zp = BootLayout.ZERO_PAGE;
        // the setup header is copied to the same offsets; the loader's fields are filled in
        assertEquals(0x53726448, ram.readInt(zp + 0x202));
        assertEquals(0x020f, ram.readShort(zp + 0x206));
        assertEquals((byte) 0xff, ram.readByte(zp + 0x210));
        assertEquals(0x81, ram.readByte(zp + 0x211) & 0x81);
        assertEquals(0x20000, ram.readInt(zp + 0x228));
        assertEquals("console=ttyS0 root=/dev/vda", cString(0x20000));
        // the initrd: page aligned, as high as RAM allows, and its bytes there
        long rd = ram.readInt(zp + 0x218) & 0xffffffffL;
        assertEquals(initrd.length, ram.readInt(zp + 0x21c));
        assertEquals(0, rd & 0xfff);
        assertTrue(rd + initrd.length <= ram.end() && rd + 4096 > ram.end() - initrd.length, "initrd at 0x" + Long.toHexString(rd));
        assertEquals('0', ram.readByte(rd));
        // e820: three entries, the last being RAM from 1 MiB to the end
        assertEquals(3, ram.readByte(zp + 0x1e8));
        long last = zp + 0x2d0 + 2 * 20;
        assertEquals(0x100000, ram.readLong(last));
        assertEquals(ram.size() - 0x100000, ram.readLong(last + 8));
        assertEquals(1, ram.readInt(last + 16));
        assertEquals(2, ram.readInt(zp + 0x2d0 + 20 + 16)); // EBDA to 1 MiB reserved
        // GDT (__BOOT_CS 0x10 is 64-bit code) and identity page tables
        assertEquals(0x00af9b000000ffffL, ram.readLong(0x500 + 0x10));
        assertEquals(0x00cf93000000ffffL, ram.readLong(0x500 + 0x18));
        assertEquals(0xa003, ram.readLong(0x9000));
        assertEquals(0xb003, ram.readLong(0xa000));
        assertEquals(0x200083, ram.readLong(0xb000 + 8));
        assertEquals((3L << 30) | 0x83, ram.readLong(0xe000));
    }

    private String cString(long addr) {
        StringBuilder b = new StringBuilder();
        for (byte c; (c = ram.readByte(addr)) != 0; addr++) b.append((char) c);
        return b.toString();
    }

    @Test
    void clearErrorsForKernelsThatCannotBoot() {
        byte[] old = bzImage(0x020a, 0, 4096, 0x10000);
        assertTrue(assertThrows(LoadException.class, () -> LinuxBoot.loadBzImage(ram, old, "old", "", null)).getMessage().contains("2.10 without a 64-bit entry"));
        byte[] huge = bzImage(0x020f, 1, 4096, 100L << 20);
        assertTrue(assertThrows(LoadException.class, () -> LinuxBoot.loadBzImage(ram, huge, "huge", "", null)).getMessage().contains("use --mem"));
        byte[] ok = bzImage(0x020f, 1, 4096, 0x10000);
        String longLine = "x".repeat(2048);
        assertTrue(assertThrows(LoadException.class, () -> LinuxBoot.loadBzImage(ram, ok, "k", longLine, null)).getMessage().contains("at most 2047"));
        byte[] bigInitrd = new byte[60 << 20];
        assertTrue(assertThrows(LoadException.class, () -> LinuxBoot.loadBzImage(ram, ok, "k", "", bigInitrd)).getMessage().contains("initrd"));
        assertTrue(!LinuxBoot.isBzImage(new byte[100]) && !LinuxBoot.isBzImage("text".repeat(300).getBytes()));
    }
}
