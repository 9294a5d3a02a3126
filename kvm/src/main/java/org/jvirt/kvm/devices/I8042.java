package org.jvirt.kvm.devices;

import org.jvirt.machine.MmioDevice;

/**
 * Just enough of the i8042 keyboard controller (ports 0x60 and 0x64) for its reset line: command
 * 0xfe pulses the CPU reset, which is how Linux (reboot=k) and many small kernels reboot a PC. There
 * is no keyboard: the status register says the buffers are empty.
 */
public final class I8042 implements MmioDevice {
    public static final int PORT = 0x60, SIZE = 5;
    private static final int COMMAND = 4, CMD_RESET = 0xfe;
    private final Runnable reset;

    public I8042(Runnable reset) {
        this.reset = reset;
    }

    @Override public String name() { return "i8042"; }
    @Override public long read(long offset, int size) { return 0; }

    @Override
    public void write(long offset, int size, long value) {
        if (offset == COMMAND && (value & 0xff) == CMD_RESET) reset.run();
    }
}
