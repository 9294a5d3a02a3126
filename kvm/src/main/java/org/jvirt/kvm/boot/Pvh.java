package org.jvirt.kvm.boot;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalLong;
import org.jvirt.machine.GuestMemory;
import org.jvirt.machine.loader.ElfImage;
import org.jvirt.machine.loader.LoadException;

/**
 * The PVH boot ABI (Xen's docs/misc/pvh.pandoc, also what QEMU, Firecracker and cloud-hypervisor
 * use): an ELF kernel names a 32-bit entry point in a XEN_ELFNOTE_PHYS32_ENTRY note and is entered
 * in protected mode, paging off, with EBX pointing at an hvm_start_info that carries the command
 * line, the modules (the initrd) and, from version 1, the memory map.
 */
public final class Pvh {
    private Pvh() { }

    public static final int XEN_ELFNOTE_PHYS32_ENTRY = 18;
    public static final int START_INFO_MAGIC = 0x336ec578;
    // struct hvm_start_info
    public static final int SI_MAGIC = 0, SI_VERSION = 4, SI_FLAGS = 8, SI_NR_MODULES = 12, SI_MODLIST = 16, SI_CMDLINE = 24,
            SI_RSDP = 32, SI_MEMMAP = 40, SI_MEMMAP_ENTRIES = 48, SI_SIZE = 56;
    /** struct hvm_memmap_table_entry and struct hvm_modlist_entry sizes. */
    public static final int MEMMAP_ENTRY = 24, MODLIST_ENTRY = 32;

    /** The PVH entry point from the image's PT_NOTE segments, if it has one. Never throws on a malformed file. */
    public static OptionalLong entryNote(byte[] elf) {
        if (!ElfImage.isElf(elf) || elf.length < 64 || elf[4] != 2) return OptionalLong.empty();
        ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
        long phoff = b.getLong(32);
        int phentsize = b.getShort(54) & 0xffff, phnum = b.getShort(56) & 0xffff;
        if (phentsize < 56 || phoff < 0 || phoff > elf.length || (long) phentsize * phnum > elf.length - phoff) return OptionalLong.empty();
        for (int i = 0; i < phnum; i++) {
            int p = (int) (phoff + (long) i * phentsize);
            if (b.getInt(p) != 4) continue; // PT_NOTE
            long off = b.getLong(p + 8), size = b.getLong(p + 32);
            if (off < 0 || size < 0 || off > elf.length || size > elf.length - off) continue;
            long pos = off, end = off + size;
            while (pos + 12 <= end) {
                long namesz = b.getInt((int) pos) & 0xffff_ffffL, descsz = b.getInt((int) pos + 4) & 0xffff_ffffL;
                int type = b.getInt((int) pos + 8);
                long name = pos + 12, desc = name + align4(namesz), next = desc + align4(descsz);
                if (next > end || next <= pos) break;
                if (type == XEN_ELFNOTE_PHYS32_ENTRY && namesz == 4 && elf[(int) name] == 'X' && elf[(int) name + 1] == 'e'
                        && elf[(int) name + 2] == 'n' && descsz >= 4)
                    return OptionalLong.of(b.getInt((int) desc) & 0xffff_ffffL);
                pos = next;
            }
        }
        return OptionalLong.empty();
    }

    private static long align4(long n) { return (n + 3) & ~3L; }

    /**
     * Loads a PVH kernel: its segments, the command line, the initrd as module 0 (placed at the top
     * of RAM), the memory map and the start_info. Returns the 32-bit entry state.
     */
    public static EntryState load(GuestMemory ram, byte[] image, String name, String cmdline, byte[] initrd) throws LoadException {
        long entry = entryNote(image).orElseThrow(() -> new LoadException(name + " has no PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY)"));
        ElfImage elf = ElfImage.parse(image, ElfImage.EM_X86_64, name);
        if (elf.lowAddress() < BootLayout.HIMEM)
            throw new LoadException(name + " wants to load below 1 MiB (at 0x" + Long.toHexString(elf.lowAddress()) + "), where the boot structures live; link it at 1 MiB or above");
        elf.loadInto(ram, name);
        if (!ram.contains(entry, 1)) throw new LoadException(name + ": its PVH entry point 0x" + Long.toHexString(entry) + " is outside RAM");
        byte[] cmd = cmdline.getBytes(StandardCharsets.US_ASCII);
        if (cmd.length >= BootLayout.PVH_CMDLINE_MAX)
            throw new LoadException("the kernel command line is " + cmd.length + " bytes; PVH boots take at most " + (BootLayout.PVH_CMDLINE_MAX - 1) + ": shorten --append");
        BootLayout.writeCmdline(ram, cmd);
        BootLayout.writeGdt(ram);

        long si = BootLayout.START_INFO;
        ram.zero(si, 0x1000);
        ram.writeInt(si + SI_MAGIC, START_INFO_MAGIC);
        ram.writeInt(si + SI_VERSION, 1);
        ram.writeLong(si + SI_CMDLINE, BootLayout.CMDLINE);
        if (initrd != null) {
            long at = Initrd.place(ram, initrd.length, elf.highAddress(), 0xffff_ffffL, name);
            ram.load(at, initrd, 0, initrd.length);
            ram.writeLong(BootLayout.MODLIST, at);
            ram.writeLong(BootLayout.MODLIST + 8, initrd.length);
            ram.writeInt(si + SI_NR_MODULES, 1);
            ram.writeLong(si + SI_MODLIST, BootLayout.MODLIST);
        }
        List<BootLayout.MemoryRange> map = BootLayout.memoryMap(ram.size());
        for (int i = 0; i < map.size(); i++) {
            long e = BootLayout.MEMMAP + (long) i * MEMMAP_ENTRY;
            ram.writeLong(e, map.get(i).addr());
            ram.writeLong(e + 8, map.get(i).size());
            ram.writeInt(e + 16, map.get(i).type());
        }
        ram.writeLong(si + SI_MEMMAP, BootLayout.MEMMAP);
        ram.writeInt(si + SI_MEMMAP_ENTRIES, map.size());
        return new EntryState.Protected32(entry, si);
    }
}
