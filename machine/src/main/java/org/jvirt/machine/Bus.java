package org.jvirt.machine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The guest physical address space: RAM plus device windows.
 *
 * <p>CPU engines reach RAM directly through {@link #ram()} on their fast path and come here only for
 * what is not RAM. The map is fixed once the machine is built, so lookups need no locking; the
 * access counts are atomic, because a hardware-assisted engine's vCPUs come here from their own threads.
 */
public final class Bus {
    /** One device window. */
    public record Region(long base, long size, MmioDevice device) {
        public boolean contains(long addr, int len) {
            long off = addr - base;
            return off >= 0 && off <= size - len;
        }
    }

    /** Told of every store that reaches a watched range of RAM through the bus. */
    @FunctionalInterface
    public interface WriteWatcher {
        void written(long addr, int len, long value);
    }

    private record Watch(long base, long size, WriteWatcher watcher) { }

    private final GuestMemory ram;
    private Region[] regions = new Region[0];
    private Watch[] watches = new Watch[0];
    private final AtomicLongArray accessCounts = new AtomicLongArray(64);

    public Bus(GuestMemory ram) {
        this.ram = ram;
    }

    public GuestMemory ram() { return ram; }

    /** Maps {@code device} at {@code [base, base+size)}; windows may not overlap RAM or each other. */
    public synchronized void map(long base, long size, MmioDevice device) {
        if (size <= 0) throw new IllegalArgumentException("empty window for " + device.name());
        if (base < ram.end() && ram.base() < base + size)
            throw new IllegalArgumentException(device.name() + " overlaps RAM");
        for (Region r : regions)
            if (base < r.base + r.size && r.base < base + size)
                throw new IllegalArgumentException(device.name() + " overlaps " + r.device.name());
        if (regions.length == accessCounts.length()) throw new IllegalStateException("too many device windows");
        List<Region> list = new ArrayList<>(List.of(regions));
        list.add(new Region(base, size, device));
        list.sort(Comparator.comparingLong(Region::base));
        regions = list.toArray(Region[]::new);
    }

    public List<Region> regions() { return List.of(regions); }

    /**
     * Watches stores to {@code [base, base+size)} of RAM. Engines must send stores to a watched page
     * through {@link #write} (see {@link #isWatchedPage}) instead of writing RAM directly; this is how
     * a device that lives in RAM, such as the HTIF mailbox, sees the guest's writes as they happen.
     */
    public synchronized void watchWrites(long base, long size, WriteWatcher watcher) {
        if (!ram.contains(base, size)) throw new IllegalArgumentException("watched range is not in RAM");
        Watch[] w = java.util.Arrays.copyOf(watches, watches.length + 1);
        w[watches.length] = new Watch(base, size, watcher);
        watches = w;
    }

    /** True when some byte of the 4 KiB page at {@code page} is watched. */
    public boolean isWatchedPage(long page) {
        for (Watch w : watches) if (page < w.base + w.size && w.base < page + 4096) return true;
        return false;
    }

    /** The device window holding {@code [addr, addr+len)}, or -1. */
    private int find(long addr, int len) {
        Region[] rs = regions;
        for (int i = 0; i < rs.length; i++) if (rs[i].contains(addr, len)) return i;
        return -1;
    }

    /**
     * Reads from RAM or a device. Returns false, leaving {@code out[0]} untouched, when nothing is
     * mapped there (the engine then raises its access fault).
     */
    public boolean read(long addr, int len, long[] out) {
        if (ram.contains(addr, len)) {
            out[0] = ram.read(addr, len);
            return true;
        }
        int i = find(addr, len);
        if (i < 0) return false;
        Region r = regions[i];
        accessCounts.incrementAndGet(i);
        out[0] = r.device.read(addr - r.base, len);
        return true;
    }

    /** Writes to RAM or a device; false when nothing is mapped there. */
    public boolean write(long addr, int len, long value) {
        if (ram.contains(addr, len)) {
            ram.write(addr, len, value);
            for (Watch w : watches)
                if (addr < w.base + w.size && w.base < addr + len) w.watcher.written(addr, len, value);
            return true;
        }
        int i = find(addr, len);
        if (i < 0) return false;
        Region r = regions[i];
        accessCounts.incrementAndGet(i);
        r.device.write(addr - r.base, len, value);
        return true;
    }

    /** MMIO accesses (exits, in a hardware-assisted engine) per device window, in map order. */
    public long accessCount(Region region) {
        for (int i = 0; i < regions.length; i++) if (regions[i] == region) return accessCounts.get(i);
        return 0;
    }
}
