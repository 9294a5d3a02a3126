package org.jvirt.riscv.board;

import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.jvirt.machine.Bus;
import org.jvirt.machine.Clock;
import org.jvirt.machine.GuestMemory;
import org.jvirt.machine.loader.ElfImage;
import org.jvirt.machine.loader.LoadException;
import org.jvirt.riscv.Decoder;
import org.jvirt.riscv.Hart;

/**
 * A RISC-V machine for bare-metal programs: RAM at 0x8000_0000, a CLINT, and the HTIF mailbox of the
 * loaded program, the machine that Spike and QEMU's {@code -M spike} offer to riscv-tests.
 *
 * <p>The harts are interleaved on the calling thread in slices; between slices the machine updates
 * timers and checks the run's limits. A hart waiting in WFI costs no host CPU: the thread parks until
 * the next timer deadline or until a device raises an interrupt.
 */
public final class RiscvMachine implements AutoCloseable {
    public static final long RAM_BASE = 0x8000_0000L;
    private static final long SLICE = 1L << 16;

    private final GuestMemory ram;
    private final Bus bus;
    private final List<Hart> harts = new ArrayList<>();
    private final Clint clint;
    private final Clock clock = Clock.host(Clint.FREQUENCY);
    private Htif htif;
    private volatile Thread runner;
    private long wallNanos;

    public RiscvMachine(long ramSize, int cpus) {
        this.ram = GuestMemory.allocate(RAM_BASE, ramSize);
        this.bus = new Bus(ram);
        Decoder decoder = Decoder.rv64gc();
        harts.addAll(Hart.forMachine(cpus, bus, decoder, clock));
        this.clint = new Clint(harts, clock);
        bus.map(Clint.BASE, Clint.SIZE, clint);
    }

    public Bus bus() { return bus; }
    public GuestMemory ram() { return ram; }
    public List<Hart> harts() { return harts; }
    public long wallNanos() { return wallNanos; }

    /** Loads a bare-metal ELF and points every hart at its entry, in M-mode; wires HTIF if it has tohost. */
    public void loadBareMetal(ElfImage elf, String name, OutputStream console) throws LoadException {
        elf.loadInto(ram, name);
        for (Hart h : harts) h.pc = elf.entry();
        var tohost = elf.symbol("tohost");
        if (tohost.isPresent()) {
            if (!ram.contains(tohost.get(), 8)) throw new LoadException(name + ": its tohost symbol is outside guest memory");
            long fromhost = elf.symbol("fromhost").filter(a -> ram.contains(a, 8)).orElse(0L);
            htif = new Htif(bus, tohost.get(), fromhost, console, this::stopHarts);
        }
    }

    private void stopHarts() {
        for (Hart h : harts) h.requestStop();
    }

    /** Total instructions retired by all harts. */
    public long instructions() {
        return harts.stream().mapToLong(Hart::instret).sum();
    }

    /**
     * Runs until the guest exits, {@code maxInstructions} have retired (0: no limit), or
     * {@code timeoutMillis} of wall-clock time have passed (0: no limit).
     */
    public Outcome run(long maxInstructions, long timeoutMillis) {
        runner = Thread.currentThread();
        long start = System.nanoTime();
        long deadline = timeoutMillis > 0 ? start + timeoutMillis * 1_000_000L : Long.MAX_VALUE;
        long limit = maxInstructions > 0 ? maxInstructions : Long.MAX_VALUE;
        try {
            while (true) {
                boolean allWaiting = true;
                for (Hart h : harts) {
                    long left = limit - instructions();
                    if (left <= 0) return new Outcome.InstructionLimit(instructions());
                    clint.update();
                    h.run(Math.min(SLICE, left));
                    if (htif != null && htif.exitStatus() != null) return new Outcome.Exited(htif.exitStatus());
                    if (!h.isWaiting()) allWaiting = false;
                }
                long now = System.nanoTime();
                if (now >= deadline) return new Outcome.Timeout(timeoutMillis);
                if (allWaiting) idle(deadline - now);
            }
        } finally {
            wallNanos = System.nanoTime() - start;
            runner = null;
        }
    }

    /** Every hart waits for an interrupt: sleep until the next timer deadline (bounded), not spin. */
    private void idle(long maxNanos) {
        long nanos = Math.min(Math.min(clint.nanosToNextDeadline(), maxNanos), 100_000_000L);
        if (nanos > 0) LockSupport.parkNanos(this, nanos);
    }

    @Override
    public void close() {
        ram.close();
    }
}
