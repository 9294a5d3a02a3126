package org.jvirt.riscv.board;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.jvirt.machine.loader.ElfImage;
import org.jvirt.machine.loader.LoadException;

/**
 * A RISC-V Linux kernel to load: the flat {@code Image} with the header of the kernel's
 * Documentation/riscv/boot-image-header.rst, or an ELF {@code vmlinux}, whose segments are placed at
 * the same offsets from the load address as from its lowest virtual address.
 */
record LinuxImage(byte[] flat, long textOffset, long imageSize, long entryOffset) {
    private static final int MAGIC2 = 0x05435352; // "RSC\x05", little-endian
    private static final long DEFAULT_TEXT_OFFSET = 0x20_0000;

    static LinuxImage parse(byte[] data, String name) throws LoadException {
        if (ElfImage.isElf(data)) return fromElf(ElfImage.parse(data, ElfImage.EM_RISCV, name), data);
        if (data.length < 64) throw new LoadException(name + " is too short to be a RISC-V Linux Image");
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        boolean magic = b.getInt(56) == MAGIC2 || (b.getLong(48) == 0x5643534952L); // "RISCV\0\0\0"
        if (!magic) throw new LoadException(name + " is neither an ELF file nor a RISC-V Linux Image (no RSC\\x05 magic in its header)");
        long textOffset = b.getLong(8), imageSize = b.getLong(16);
        if (textOffset < 0 || textOffset > (1L << 30) || (textOffset & 0xfff) != 0) textOffset = DEFAULT_TEXT_OFFSET;
        if (imageSize < data.length || imageSize > (1L << 32)) imageSize = data.length;
        return new LinuxImage(data, textOffset, imageSize, 0);
    }

    private static LinuxImage fromElf(ElfImage elf, byte[] data) throws LoadException {
        // Kernel addresses are in the top half of the address space: compare them unsigned.
        long low = -1L, high = 0;
        for (ElfImage.Segment s : elf.segments()) {
            if (Long.compareUnsigned(s.vaddr(), low) < 0) low = s.vaddr();
            if (Long.compareUnsigned(s.vaddr() + s.memSize(), high) > 0) high = s.vaddr() + s.memSize();
        }
        long span = high - low;
        if (Long.compareUnsigned(span, 1L << 30) > 0 || span <= 0)
            throw new LoadException("the kernel's segments span " + Long.toUnsignedString(span) + " bytes: not a kernel jvirt can load");
        byte[] flat = new byte[(int) span];
        for (ElfImage.Segment s : elf.segments())
            System.arraycopy(data, (int) s.fileOffset(), flat, (int) (s.vaddr() - low), (int) s.fileSize());
        long entry = elf.entry() - low;
        if (Long.compareUnsigned(entry, span) >= 0) throw new LoadException("the kernel's entry point lies outside its segments");
        return new LinuxImage(flat, DEFAULT_TEXT_OFFSET, span, entry);
    }
}
