package org.jvirt.kvm.devices;

import org.jvirt.machine.MmioDevice;

/**
 * The boot-marker port, 0x505: the first write of any value records the time, so --stats and the
 * benchmarks can report "process start to guest init" without parsing console output. A Linux init
 * marks itself with {@code dd if=/dev/zero of=/dev/port bs=1 count=1 seek=1285}; test kernels with outb.
 */
public final class BootMarker implements MmioDevice {
    public static final int PORT = 0x505;
    private volatile long firstWriteNanos;

    @Override public String name() { return "boot-marker"; }
    @Override public long read(long offset, int size) { return 0; }

    @Override
    public void write(long offset, int size, long value) {
        if (firstWriteNanos == 0) firstWriteNanos = System.nanoTime();
    }

    /** System.nanoTime() of the first write, or 0 when the guest never wrote. */
    public long firstWriteNanos() { return firstWriteNanos; }
}
