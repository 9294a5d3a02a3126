package org.jvirt.kvm;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import org.jvirt.machine.MmioDevice;

/**
 * The x86 I/O port space (64 Ki byte-wide ports) for the devices this VMM emulates in user space.
 * Devices are the machine module's {@link MmioDevice}s, addressed by offset from their first port,
 * so the same 16550 model serves an MMIO board and COM1. An unassigned port reads as all ones and
 * ignores writes, as an ISA bus with nothing on it does. The map is fixed before any vCPU runs.
 */
public final class PortBus {
    /** A device's range of ports. */
    public record Range(int base, int size, MmioDevice device) { }

    private Range[] ranges = new Range[0];
    private final AtomicLongArray counts = new AtomicLongArray(33); // per range; the last counts unassigned ports

    public synchronized void map(int base, int size, MmioDevice device) {
        if (base < 0 || size <= 0 || base + size > 0x10000) throw new IllegalArgumentException("bad port range for " + device.name());
        for (Range r : ranges)
            if (base < r.base + r.size && r.base < base + size) throw new IllegalArgumentException(device.name() + " overlaps " + r.device.name());
        if (ranges.length == counts.length() - 1) throw new IllegalStateException("too many port ranges");
        List<Range> list = new ArrayList<>(List.of(ranges));
        list.add(new Range(base, size, device));
        list.sort(Comparator.comparingInt(Range::base));
        ranges = list.toArray(Range[]::new);
    }

    private int find(int port) {
        Range[] rs = ranges;
        for (int i = 0; i < rs.length; i++) if (port >= rs[i].base && port < rs[i].base + rs[i].size) return i;
        return -1;
    }

    /** An IN of {@code size} (1, 2 or 4) bytes from {@code port}. */
    public long read(int port, int size) {
        int i = find(port);
        if (i < 0) {
            counts.incrementAndGet(counts.length() - 1);
            return size == 4 ? 0xffff_ffffL : (1L << (size * 8)) - 1;
        }
        counts.incrementAndGet(i);
        Range r = ranges[i];
        return r.device.read(port - r.base, size);
    }

    /** An OUT of the low {@code size} bytes of {@code value} to {@code port}. */
    public void write(int port, int size, long value) {
        int i = find(port);
        if (i < 0) {
            counts.incrementAndGet(counts.length() - 1);
            return;
        }
        counts.incrementAndGet(i);
        Range r = ranges[i];
        r.device.write(port - r.base, size, value);
    }

    public List<Range> ranges() { return List.of(ranges); }

    /** Accesses (each one a VM exit) per range, in {@link #ranges} order. */
    public long accessCount(int rangeIndex) { return counts.get(rangeIndex); }

    /** Accesses to ports no device claims. */
    public long unassignedCount() { return counts.get(counts.length() - 1); }
}
