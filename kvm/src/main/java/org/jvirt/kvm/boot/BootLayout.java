package org.jvirt.kvm.boot;

import java.util.List;
import org.jvirt.machine.GuestMemory;

/**
 * Where the loaders put things in the guest's first megabyte, and the memory map they report. The
 * addresses follow the conventions of Firecracker and QEMU's microvm (zero page at 0x7000, command
 * line at 0x20000, kernel at 1 MiB), which keeps them clear of the EBDA and of the real-mode IVT.
 */
public final class BootLayout {
    private BootLayout() { }

    public static final long GDT = 0x500;
    public static final long START_INFO = 0x6000, MODLIST = 0x6080, MEMMAP = 0x6100;
    public static final long ZERO_PAGE = 0x7000;
    public static final long PML4 = 0x9000, PDPT = 0xa000, PD = 0xb000; // PD: four pages, 4 GiB of 2 MiB pages
    public static final long CMDLINE = 0x20000;
    public static final long EBDA = 0x9fc00, HIMEM = 0x10_0000;
    /** The PVH command line's limit (Linux's own limit comes from its setup header). */
    public static final int PVH_CMDLINE_MAX = 4096;

    /** One e820 / PVH memory map entry. */
    public record MemoryRange(long addr, long size, int type) {
        public static final int RAM = 1, RESERVED = 2;
    }

    /** Conventional memory below the EBDA, the BIOS area reserved, the rest of RAM from 1 MiB. */
    public static List<MemoryRange> memoryMap(long ramSize) {
        return List.of(new MemoryRange(0, EBDA, MemoryRange.RAM),
                new MemoryRange(EBDA, HIMEM - EBDA, MemoryRange.RESERVED),
                new MemoryRange(HIMEM, ramSize - HIMEM, MemoryRange.RAM));
    }

    /** A flat GDT at {@link #GDT}: 0x08 32-bit code, 0x10 64-bit code, 0x18 data (the 64-bit protocol's __BOOT_CS/__BOOT_DS). */
    public static void writeGdt(GuestMemory ram) {
        ram.writeLong(GDT, 0);
        ram.writeLong(GDT + 0x08, 0x00cf_9b00_0000_ffffL); // 32-bit code, 4 GiB
        ram.writeLong(GDT + 0x10, 0x00af_9b00_0000_ffffL); // 64-bit code
        ram.writeLong(GDT + 0x18, 0x00cf_9300_0000_ffffL); // data, 4 GiB
    }

    public static final int GDT_LIMIT = 0x1f;

    /** Identity page tables for the first 4 GiB (2 MiB pages): what the 64-bit entry expects to run on. */
    public static void writeIdentityPageTables(GuestMemory ram) {
        ram.zero(PML4, 0x7000);
        ram.writeLong(PML4, PDPT | 3);
        for (int i = 0; i < 4; i++) {
            ram.writeLong(PDPT + 8L * i, (PD + 0x1000L * i) | 3);
            for (int j = 0; j < 512; j++) ram.writeLong(PD + 0x1000L * i + 8L * j, ((i * 512L + j) << 21) | 0x83);
        }
    }

    /** Copies the NUL-terminated command line to {@link #CMDLINE}. */
    public static void writeCmdline(GuestMemory ram, byte[] cmdline) {
        ram.load(CMDLINE, cmdline, 0, cmdline.length);
        ram.writeByte(CMDLINE + cmdline.length, (byte) 0);
    }
}
