package org.jvirt.kvm.boot;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.jvirt.machine.GuestMemory;

/**
 * An Intel MultiProcessor Specification 1.4 table: how a guest without ACPI (a microVM's Linux)
 * learns how many CPUs there are, their APIC ids, and where the IOAPIC is and how ISA IRQs reach it.
 * The floating pointer goes at 0xf0000, in the BIOS area Linux scans and the e820 map reserves.
 */
public final class MpTable {
    private MpTable() { }

    public static final long ADDRESS = 0xf_0000;
    public static final int LAPIC_BASE = 0xfee0_0000, IOAPIC_BASE = 0xfec0_0000;
    private static final int PROCESSOR = 0, BUS = 1, IOAPIC = 2, IO_INTERRUPT = 3, LOCAL_INTERRUPT = 4;
    private static final int INT = 0, NMI = 1, EXTINT = 3;
    private static final int ISA_IRQS = 16;

    /** Builds the table for {@code cpus} CPUs with APIC ids 0..cpus-1 (0 the BSP) and writes it to RAM. */
    public static void write(GuestMemory ram, int cpus) {
        byte[] t = build(cpus);
        ram.load(ADDRESS, t, 0, t.length);
    }

    /** The floating pointer followed by the configuration table, as they sit at {@link #ADDRESS}. */
    static byte[] build(int cpus) {
        int ioapicId = cpus; // after the local APIC ids
        int entries = cpus + 1 + 1 + ISA_IRQS + 2;
        int tableLength = 44 + 20 * cpus + 8 + 8 + 8 * ISA_IRQS + 8 * 2;
        ByteBuffer b = ByteBuffer.allocate(16 + tableLength).order(ByteOrder.LITTLE_ENDIAN);
        // floating pointer structure
        b.put("_MP_".getBytes(StandardCharsets.US_ASCII)).putInt((int) ADDRESS + 16).put((byte) 1).put((byte) 4).put((byte) 0);
        b.put(new byte[5]); // feature bytes: 0, a configuration table is present
        // configuration table header
        int h = 16;
        b.put("PCMP".getBytes(StandardCharsets.US_ASCII)).putShort((short) tableLength).put((byte) 4).put((byte) 0);
        b.put("JVIRT   ".getBytes(StandardCharsets.US_ASCII)).put("MICROVM     ".getBytes(StandardCharsets.US_ASCII));
        b.putInt(0).putShort((short) 0).putShort((short) entries).putInt(LAPIC_BASE).putShort((short) 0).put((byte) 0).put((byte) 0);
        for (int i = 0; i < cpus; i++) {
            b.put((byte) PROCESSOR).put((byte) i).put((byte) 0x14).put((byte) (i == 0 ? 3 : 1)); // enabled; BSP
            b.putInt(0x600).putInt(0x201).putLong(0);                                            // family 6; FPU, APIC
        }
        b.put((byte) BUS).put((byte) 0).put("ISA   ".getBytes(StandardCharsets.US_ASCII));
        b.put((byte) IOAPIC).put((byte) ioapicId).put((byte) 0x11).put((byte) 1).putInt(IOAPIC_BASE);
        for (int irq = 0; irq < ISA_IRQS; irq++) // ISA IRQ n on IOAPIC pin n: KVM's default GSI routing
            b.put((byte) IO_INTERRUPT).put((byte) INT).putShort((short) 0).put((byte) 0).put((byte) irq).put((byte) ioapicId).put((byte) irq);
        b.put((byte) LOCAL_INTERRUPT).put((byte) EXTINT).putShort((short) 0).put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 0);
        b.put((byte) LOCAL_INTERRUPT).put((byte) NMI).putShort((short) 0).put((byte) 0).put((byte) 0).put((byte) 0xff).put((byte) 1);
        byte[] a = b.array();
        a[h + 7] = checksum(a, h, tableLength);
        a[10] = checksum(a, 0, 16);
        return a;
    }

    /** The byte that makes {@code a[off..off+len)} sum to zero (the byte's own slot must hold 0). */
    private static byte checksum(byte[] a, int off, int len) {
        int sum = 0;
        for (int i = off; i < off + len; i++) sum += a[i];
        return (byte) -sum;
    }
}
