package org.jvirt.kvm.boot;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jvirt.machine.GuestMemory;
import org.jvirt.machine.loader.ElfImage;
import org.jvirt.machine.loader.LoadException;

/**
 * Linux's x86 64-bit boot protocol (Documentation/arch/x86/boot.rst): the kernel, a bzImage or an
 * uncompressed vmlinux ELF, is entered in long mode at its 64-bit entry with RSI pointing at a zero
 * page that holds the setup header, the e820 map, and pointers to the command line and initrd.
 */
public final class LinuxBoot {
    private LinuxBoot() { }

    /** True when {@code image} has a bzImage setup header ("HdrS" at 0x202). */
    public static boolean isBzImage(byte[] image) {
        return image.length >= 0x264 && le(image).getInt(ZeroPage.HEADER) == ZeroPage.HDRS_MAGIC;
    }

    private static ByteBuffer le(byte[] a) { return ByteBuffer.wrap(a).order(ByteOrder.LITTLE_ENDIAN); }

    /** Loads a bzImage: the protected-mode part at 1 MiB (or its preferred address), and the zero page. */
    public static EntryState loadBzImage(GuestMemory ram, byte[] image, String name, String cmdline, byte[] initrd) throws LoadException {
        if (!isBzImage(image)) throw new LoadException(name + " is not a Linux bzImage (no HdrS setup header)");
        ByteBuffer h = le(image);
        int version = h.getShort(ZeroPage.VERSION) & 0xffff;
        int xloadflags = h.getShort(ZeroPage.XLOADFLAGS) & 0xffff;
        if (version < ZeroPage.MIN_VERSION || (xloadflags & ZeroPage.XLF_KERNEL_64) == 0)
            throw new LoadException(String.format("%s has boot protocol %d.%02d without a 64-bit entry point; jvirt needs a 64-bit x86 kernel (2.12 or later)",
                    name, version >> 8, version & 0xff));
        int setupSects = image[ZeroPage.SETUP_SECTS] & 0xff;
        if (setupSects == 0) setupSects = 4;
        long kernelOffset = (setupSects + 1L) * 512;
        if (kernelOffset >= image.length) throw new LoadException(name + " is truncated: its setup code fills the whole file");
        boolean relocatable = image[ZeroPage.RELOCATABLE_KERNEL] != 0;
        long pref = h.getLong(ZeroPage.PREF_ADDRESS);
        long initSize = h.getInt(ZeroPage.INIT_SIZE) & 0xffff_ffffL;
        long load = relocatable ? BootLayout.HIMEM : pref;
        int length = (int) (image.length - kernelOffset);
        // The decompressor runs at max(load, pref) and needs init_size bytes there.
        long needEnd = Math.max(load + length, Math.max(load, pref) + initSize);
        if (!ram.contains(load, needEnd - load))
            throw new LoadException(String.format("%s does not fit in guest memory: it needs RAM up to 0x%x but RAM ends at 0x%x (use --mem to give it more)",
                    name, needEnd, ram.end()));
        ram.load(load, image, (int) kernelOffset, length);

        byte[] zp = new byte[ZeroPage.SIZE];
        int hdrEnd = Math.min(0x202 + (image[ZeroPage.JUMP + 1] & 0xff), ZeroPage.SIZE);
        System.arraycopy(image, ZeroPage.HDR, zp, ZeroPage.HDR, hdrEnd - ZeroPage.HDR);
        long cmdlineMax = (h.getInt(ZeroPage.CMDLINE_SIZE) & 0xffff_ffffL);
        long initrdMax = (xloadflags & ZeroPage.XLF_CAN_BE_LOADED_ABOVE_4G) != 0 ? Long.MAX_VALUE : h.getInt(ZeroPage.INITRD_ADDR_MAX) & 0xffff_ffffL;
        fillZeroPage(ram, zp, name, cmdline, cmdlineMax, initrd, initrdMax, needEnd);
        return new EntryState.Long64(load + 0x200, BootLayout.ZERO_PAGE, BootLayout.PML4);
    }

    /** Loads an uncompressed vmlinux: its segments at their physical addresses, entered at e_entry. */
    public static EntryState loadVmlinux(GuestMemory ram, byte[] image, String name, String cmdline, byte[] initrd) throws LoadException {
        ElfImage elf = ElfImage.parse(image, ElfImage.EM_X86_64, name);
        if (elf.lowAddress() < BootLayout.HIMEM)
            throw new LoadException(name + " wants to load below 1 MiB (at 0x" + Long.toHexString(elf.lowAddress()) + "); a vmlinux loads at 16 MiB");
        elf.loadInto(ram, name);
        long entry = elf.entry();
        if (!ram.contains(entry, 1))
            throw new LoadException(name + ": entry point 0x" + Long.toHexString(entry) + " is not a physical address in RAM; is this a Linux vmlinux?");
        byte[] zp = new byte[ZeroPage.SIZE];
        ByteBuffer z = le(zp);
        z.putShort(ZeroPage.BOOT_FLAG, (short) ZeroPage.BOOT_FLAG_MAGIC);
        z.putInt(ZeroPage.HEADER, ZeroPage.HDRS_MAGIC);
        z.putShort(ZeroPage.VERSION, (short) ZeroPage.MIN_VERSION);
        z.putInt(ZeroPage.KERNEL_ALIGNMENT, 0x0100_0000);
        fillZeroPage(ram, zp, name, cmdline, 2047, initrd, 0x7fff_ffffL, elf.highAddress());
        return new EntryState.Long64(entry, BootLayout.ZERO_PAGE, BootLayout.PML4);
    }

    /** The loader-owned fields of the zero page, then the page, the command line, GDT and page tables into RAM. */
    static void fillZeroPage(GuestMemory ram, byte[] zp, String name, String cmdline, long cmdlineMax, byte[] initrd, long initrdMax,
                             long kernelEnd) throws LoadException {
        ByteBuffer z = le(zp);
        byte[] cmd = cmdline.getBytes(StandardCharsets.US_ASCII);
        if (cmd.length > cmdlineMax)
            throw new LoadException("the kernel command line is " + cmd.length + " bytes; " + name + " accepts at most " + cmdlineMax + ": shorten --append");
        zp[ZeroPage.TYPE_OF_LOADER] = (byte) ZeroPage.LOADER_UNDEFINED;
        zp[ZeroPage.LOADFLAGS] |= (byte) (ZeroPage.LOADED_HIGH | ZeroPage.CAN_USE_HEAP);
        z.putShort(ZeroPage.HEAP_END_PTR, (short) 0xfe00);
        z.putInt(ZeroPage.CMD_LINE_PTR, (int) BootLayout.CMDLINE);
        z.putInt(ZeroPage.EXT_CMD_LINE_PTR, 0);
        if (initrd != null) {
            long at = Initrd.place(ram, initrd.length, kernelEnd, initrdMax, name);
            ram.load(at, initrd, 0, initrd.length);
            z.putInt(ZeroPage.RAMDISK_IMAGE, (int) at);
            z.putInt(ZeroPage.RAMDISK_SIZE, initrd.length);
            z.putInt(ZeroPage.EXT_RAMDISK_IMAGE, (int) (at >>> 32));
            z.putInt(ZeroPage.EXT_RAMDISK_SIZE, 0);
        }
        List<BootLayout.MemoryRange> map = BootLayout.memoryMap(ram.size());
        zp[ZeroPage.E820_ENTRIES] = (byte) map.size();
        for (int i = 0; i < map.size(); i++) {
            int e = ZeroPage.E820_TABLE + i * ZeroPage.E820_ENTRY_SIZE;
            z.putLong(e, map.get(i).addr());
            z.putLong(e + 8, map.get(i).size());
            z.putInt(e + 16, map.get(i).type());
        }
        ram.load(BootLayout.ZERO_PAGE, zp, 0, zp.length);
        BootLayout.writeCmdline(ram, cmd);
        BootLayout.writeGdt(ram);
        BootLayout.writeIdentityPageTables(ram);
    }
}
