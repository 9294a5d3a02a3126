package org.jvirt.kvm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A vCPU's binary statistics (KVM_GET_STATS_FD, Linux 5.14+): the kernel's own counters, among them
 * every exit, including the many KVM handles without returning to user space (CPUID, external
 * interrupts, page faults of the shadow or nested page tables, instructions it emulates). The VMM's
 * exit loop sees only the rest, so efficiency is measured against these.
 */
public final class KvmStats implements AutoCloseable {
    private final int fd;
    private final Map<String, Long> offsets = new LinkedHashMap<>(); // one-value counters: name -> data offset

    private KvmStats(int fd) {
        this.fd = fd;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment h = a.allocate(24);
            Native.pread(fd, h, 0);
            int nameSize = h.get(ValueLayout.JAVA_INT, 4), count = h.get(ValueLayout.JAVA_INT, 8);
            long descOffset = h.get(ValueLayout.JAVA_INT, 16) & 0xffff_ffffL, dataOffset = h.get(ValueLayout.JAVA_INT, 20) & 0xffff_ffffL;
            long descSize = 16L + nameSize;
            MemorySegment d = a.allocate(descSize * count);
            Native.pread(fd, d, descOffset);
            for (int i = 0; i < count; i++) {
                long at = i * descSize;
                int size = d.get(ValueLayout.JAVA_SHORT, at + 6) & 0xffff;
                long offset = d.get(ValueLayout.JAVA_INT, at + 8) & 0xffff_ffffL;
                String name = d.asSlice(at + 16, nameSize).getString(0);
                if (size == 1) offsets.put(name, dataOffset + offset);
            }
        }
    }

    /** Opens the statistics of {@code vcpu}; empty where this kernel has no binary statistics. */
    public static java.util.Optional<KvmStats> open(Vcpu vcpu) {
        try {
            return java.util.Optional.of(new KvmStats(Native.ioctl(vcpu.fd(), Ioctl.KVM_GET_STATS_FD, 0L)));
        } catch (NativeException e) {
            return java.util.Optional.empty();
        }
    }

    /** The one-value counters now, by the kernel's names ("exits", "irq_exits", "halt_exits"...). */
    public Map<String, Long> read() {
        Map<String, Long> m = new LinkedHashMap<>();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment one = a.allocate(8);
            for (var e : offsets.entrySet()) {
                Native.pread(fd, one, e.getValue());
                m.put(e.getKey(), one.get(ValueLayout.JAVA_LONG, 0));
            }
        }
        return m;
    }

    @Override
    public void close() {
        Native.close(fd);
    }
}
