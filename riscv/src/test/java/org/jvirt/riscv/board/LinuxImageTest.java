package org.jvirt.riscv.board;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.jvirt.machine.loader.LoadException;
import org.jvirt.machine.loader.TestElf;
import org.junit.jupiter.api.Test;

/** Kernel images as Documentation/riscv/boot-image-header.rst and the ELF vmlinux describe them. */
class LinuxImageTest {
    @Test
    void aFlatImageIsLoadedAtItsTextOffset() throws Exception {
        ByteBuffer b = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, 0x0000006f);         // code0: a jump
        b.putLong(8, 0x40_0000);         // text_offset
        b.putLong(16, 8192);             // image_size, larger than the file (bss)
        b.putInt(56, 0x05435352);        // magic2 "RSC\x05"
        LinuxImage img = LinuxImage.parse(b.array(), "Image");
        assertEquals(0x40_0000, img.textOffset());
        assertEquals(8192, img.imageSize());
        assertEquals(0, img.entryOffset());
    }

    @Test
    void aVmlinuxInTheTopHalfIsFlattenedFromItsLowestAddress() throws Exception {
        long base = 0xffff_ffff_8000_0000L;
        byte[] elf = new TestElf().at(base).entry(base + 8).code(0x13, 0x13, 0x6f).memSize(0x3000).build();
        LinuxImage img = LinuxImage.parse(elf, "vmlinux");
        assertEquals(0x3000, img.imageSize());
        assertEquals(8, img.entryOffset());
        assertEquals(0x6f, img.flat()[8]);
    }

    @Test
    void anythingElseIsRefusedWithAReason() {
        LoadException e = assertThrows(LoadException.class, () -> LinuxImage.parse(new byte[100], "notes.txt"));
        assertTrue(e.getMessage().contains("neither an ELF file nor a RISC-V Linux Image"), e.getMessage());
        byte[] wild = new TestElf().at(0x1000).entry(0x10_0000_0000L).code(0).build();
        assertThrows(LoadException.class, () -> LinuxImage.parse(wild, "k"), "entry outside the segments");
    }
}
