package org.jvirt.riscv.board;

import java.util.function.IntConsumer;
import org.jvirt.machine.MmioDevice;

/**
 * SiFive's test device, the power-off and reboot register of QEMU's virt board (at 0x10_0000, reached
 * through the device tree's syscon-poweroff and syscon-reboot nodes): writing 0x5555 powers off,
 * 0x7777 resets, and 0x3333 | (code << 16) powers off reporting failure {@code code}.
 */
public final class TestDevice implements MmioDevice {
    public static final long BASE = 0x10_0000L, SIZE = 0x1000;
    public static final int PASS = 0x5555, RESET = 0x7777, FAIL = 0x3333;

    /** Told the exit status to report (0 for power-off, the code for a failure), or -1 for reset. */
    private final IntConsumer onWrite;

    public TestDevice(IntConsumer onWrite) {
        this.onWrite = onWrite;
    }

    @Override
    public String name() { return "syscon"; }

    @Override
    public long read(long offset, int size) { return 0; }

    @Override
    public void write(long offset, int size, long value) {
        if (offset != 0 || size < 2) return;
        int v = (int) value;
        switch (v & 0xffff) {
            case PASS -> onWrite.accept(0);
            case RESET -> onWrite.accept(-1);
            case FAIL -> onWrite.accept(Math.max(1, (v >>> 16) & 0xffff));
            default -> { }
        }
    }
}
