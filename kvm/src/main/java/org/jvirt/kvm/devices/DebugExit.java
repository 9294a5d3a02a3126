package org.jvirt.kvm.devices;

import java.util.function.IntConsumer;
import org.jvirt.machine.MmioDevice;

/**
 * QEMU's isa-debug-exit at port 0xf4: a write of v ends the run with exit status (v << 1) | 1, so
 * test kernels report pass or fail through the VMM's exit status (the low bit set tells a guest's
 * status from the VMM's own 0). Reads return 0.
 */
public final class DebugExit implements MmioDevice {
    public static final int PORT = 0xf4, SIZE = 4;
    private final IntConsumer exit;

    public DebugExit(IntConsumer exit) {
        this.exit = exit;
    }

    @Override public String name() { return "isa-debug-exit"; }
    @Override public long read(long offset, int size) { return 0; }

    @Override
    public void write(long offset, int size, long value) {
        if (offset != 0) return;
        exit.accept((int) ((value << 1) | 1));
    }
}
