package org.jvirt.virtio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.jvirt.machine.GuestMemory;

/** A minimal virtio-mmio driver, doing what Linux's virtio_mmio and virtio_ring do, for the tests. */
final class TestDriver implements AutoCloseable {
    static final long BASE = 0x8000_0000L, DESC = BASE + 0x1000, AVAIL = BASE + 0x2000, USED = BASE + 0x3000;
    static final long DATA = BASE + 0x10000;
    static final int QSIZE = 8;

    final GuestMemory ram = GuestMemory.allocate(BASE, 1 << 20);
    final MmioTransport t;
    boolean irq;
    int availIdx;

    TestDriver(java.util.function.Function<GuestMemory, VirtioDevice> device) {
        this.t = new MmioTransport(device.apply(ram), ram, level -> irq = level);
    }

    long reg(int off) { return t.read(off, 4); }

    void reg(int off, long v) { t.write(off, 4, v); }

    /** Device initialisation, section 3.1.1, accepting {@code features} (VERSION_1 added). */
    TestDriver start(long features) {
        assertEquals(MmioTransport.MAGIC, reg(0));
        assertEquals(2, reg(4));
        reg(0x70, 0);
        reg(0x70, MmioTransport.ACKNOWLEDGE);
        reg(0x70, MmioTransport.ACKNOWLEDGE | MmioTransport.DRIVER);
        long f = features | VirtioDevice.F_VERSION_1;
        reg(0x24, 0);
        reg(0x20, f & 0xffff_ffffL);
        reg(0x24, 1);
        reg(0x20, f >>> 32);
        reg(0x70, MmioTransport.ACKNOWLEDGE | MmioTransport.DRIVER | MmioTransport.FEATURES_OK);
        assertEquals(MmioTransport.FEATURES_OK, reg(0x70) & MmioTransport.FEATURES_OK, "features accepted");
        reg(0x30, 0);
        reg(0x38, QSIZE);
        reg(0x80, DESC);
        reg(0x84, 0);
        reg(0x90, AVAIL);
        reg(0x94, 0);
        reg(0xa0, USED);
        reg(0xa4, 0);
        reg(0x44, 1);
        reg(0x70, MmioTransport.ACKNOWLEDGE | MmioTransport.DRIVER | MmioTransport.FEATURES_OK | MmioTransport.DRIVER_OK);
        return this;
    }

    void desc(int i, long addr, int len, int flags, int next) { descAt(DESC, i, addr, len, flags, next); }

    void descAt(long table, int i, long addr, int len, int flags, int next) {
        long d = table + 16L * i;
        ram.writeLong(d, addr);
        ram.writeInt(d + 8, len);
        ram.writeShort(d + 12, (short) flags);
        ram.writeShort(d + 14, (short) next);
    }

    /** Makes chain {@code head} available and notifies queue 0. */
    void submit(int head) {
        ram.writeShort(AVAIL + 4 + 2L * (availIdx % QSIZE), (short) head);
        availIdx++;
        ram.writeShort(AVAIL + 2, (short) availIdx);
        reg(0x50, 0);
    }

    int usedIdx() { return ram.readShort(USED + 2) & 0xffff; }

    int usedLen(int i) { return ram.readInt(USED + 4 + 8L * i + 4); }

    boolean needsReset() { return (reg(0x70) & MmioTransport.NEEDS_RESET) != 0; }

    @Override
    public void close() { ram.close(); }
}
