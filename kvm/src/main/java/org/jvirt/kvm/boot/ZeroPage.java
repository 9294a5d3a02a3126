package org.jvirt.kvm.boot;

/**
 * Offsets in struct boot_params (the "zero page") and its setup header, as Documentation/arch/x86/
 * zero-page.rst and boot.rst give them. The setup header sits at the same offset (0x1f1) in a
 * bzImage's first sector and in boot_params, which is why the loader copies it across unchanged.
 */
public final class ZeroPage {
    private ZeroPage() { }

    public static final int SIZE = 4096;
    public static final int EXT_RAMDISK_IMAGE = 0x0c0, EXT_RAMDISK_SIZE = 0x0c4, EXT_CMD_LINE_PTR = 0x0c8;
    public static final int E820_ENTRIES = 0x1e8;
    public static final int HDR = 0x1f1;
    public static final int SETUP_SECTS = 0x1f1, BOOT_FLAG = 0x1fe, JUMP = 0x200, HEADER = 0x202, VERSION = 0x206,
            TYPE_OF_LOADER = 0x210, LOADFLAGS = 0x211, CODE32_START = 0x214, RAMDISK_IMAGE = 0x218, RAMDISK_SIZE = 0x21c,
            HEAP_END_PTR = 0x224, CMD_LINE_PTR = 0x228, INITRD_ADDR_MAX = 0x22c, KERNEL_ALIGNMENT = 0x230,
            RELOCATABLE_KERNEL = 0x234, XLOADFLAGS = 0x236, CMDLINE_SIZE = 0x238, PREF_ADDRESS = 0x258, INIT_SIZE = 0x260;
    public static final int E820_TABLE = 0x2d0, E820_ENTRY_SIZE = 20, E820_MAX = 128;

    public static final int HDRS_MAGIC = 0x5372_6448; // "HdrS"
    public static final int BOOT_FLAG_MAGIC = 0xaa55;
    public static final int LOADED_HIGH = 0x01, CAN_USE_HEAP = 0x80;
    public static final int XLF_KERNEL_64 = 0x01, XLF_CAN_BE_LOADED_ABOVE_4G = 0x02;
    /** type_of_loader 0xff: "undefined", the value for a loader with no assigned id. */
    public static final int LOADER_UNDEFINED = 0xff;
    /** The oldest setup-header version with a 64-bit entry (xloadflags, 2.12). */
    public static final int MIN_VERSION = 0x020c;
}
