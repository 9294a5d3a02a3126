package org.jvirt.riscv.board;

import java.io.IOException;
import java.io.OutputStream;
import org.jvirt.machine.Bus;
import org.jvirt.machine.GuestMemory;

/**
 * The host-target interface of Spike and riscv-tests: a mailbox of two words in guest RAM, named by
 * the ELF symbols {@code tohost} and {@code fromhost}. The guest stores a command to tohost; an odd
 * value with device 0 ends the run with exit status {@code value >> 1}; device 1 command 1 prints the
 * low byte on the console; device 0 with an even value points at a syscall block (write and exit are
 * served, as riscv-tests' benchmarks use them). The host answers in fromhost.
 */
public final class Htif {
    private static final int SYS_WRITE = 64, SYS_EXIT = 93;

    private final GuestMemory ram;
    private final long tohost, fromhost;
    private final OutputStream console;
    private final Runnable onExit;
    private volatile Integer exitStatus;

    /**
     * Watches {@code tohost} on {@code bus}; {@code onExit} is called (on the guest's thread) when the
     * guest asks to end the run.
     */
    public Htif(Bus bus, long tohost, long fromhost, OutputStream console, Runnable onExit) {
        this.ram = bus.ram();
        this.tohost = tohost;
        this.fromhost = fromhost;
        this.console = console;
        this.onExit = onExit;
        bus.watchWrites(tohost, 8, (addr, len, value) -> poll());
    }

    /** The exit status the guest asked for, or null while it runs. */
    public Integer exitStatus() { return exitStatus; }

    /** Serves a command if tohost holds one; called when the guest writes tohost. */
    public void poll() {
        long v = ram.readLong(tohost);
        if (v == 0) return;
        int device = (int) (v >>> 56), command = (int) ((v >>> 48) & 0xff);
        long payload = v & 0xffff_ffff_ffffL;
        if (device == 0 && command == 0) {
            if ((payload & 1) != 0) {
                exit((int) (payload >>> 1));
                return;
            }
            syscall(payload);
        } else if (device == 1 && command == 1) {
            write(new byte[] {(byte) payload});
        }
        ram.writeLong(tohost, 0);
        if (fromhost != 0) ram.writeLong(fromhost, (v & 0xffff_0000_0000_0000L) | 1);
    }

    private void syscall(long block) {
        if (!ram.contains(block, 32)) return; // a wild pointer: ignore the request
        long num = ram.readLong(block), a0 = ram.readLong(block + 8), a1 = ram.readLong(block + 16), a2 = ram.readLong(block + 24);
        long result = -38; // ENOSYS
        if (num == SYS_WRITE && (a0 == 1 || a0 == 2) && a2 >= 0 && ram.contains(a1, a2) && a2 <= 1 << 20) {
            byte[] buf = new byte[(int) a2];
            ram.segment().asSlice(a1 - ram.base(), a2).asByteBuffer().get(buf);
            write(buf);
            result = a2;
        } else if (num == SYS_EXIT) {
            exit((int) a0);
            return;
        }
        ram.writeLong(block, result);
    }

    private void exit(int status) {
        exitStatus = status;
        onExit.run();
    }

    private void write(byte[] b) {
        try {
            console.write(b);
            console.flush();
        } catch (IOException e) {
            // the console went away; the guest keeps running, as with a disconnected serial line
        }
    }
}
