package org.jvirt.riscv.board;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;
import org.jvirt.machine.Bus;
import org.jvirt.machine.Clock;
import org.jvirt.machine.GuestMemory;
import org.jvirt.machine.devices.Uart16550;
import org.jvirt.machine.loader.ElfImage;
import org.jvirt.machine.loader.LoadException;
import org.jvirt.riscv.Decoder;
import org.jvirt.riscv.Hart;
import org.jvirt.machine.MmioDevice;
import org.jvirt.virtio.MmioTransport;
import org.jvirt.virtio.VirtioDevice;

/**
 * A RISC-V machine with the memory map of QEMU's virt board: RAM at 0x8000_0000, the SiFive test
 * device (power-off, reboot) at 0x10_0000, a CLINT at 0x200_0000, a PLIC at 0xc00_0000, an ns16550a
 * UART at 0x1000_0000 (PLIC source 10), and virtio-mmio slots from 0x1000_1000 (sources 1-8).
 *
 * <p>It boots either a bare-metal ELF in M-mode (with the HTIF mailbox riscv-tests use) or a Linux
 * kernel in S-mode under the SBI implemented in Java ({@link Sbi}), or under M-mode firmware such as
 * OpenSBI. The harts are interleaved on the calling thread in slices; between slices the machine
 * updates timers and checks the run's limits. When every hart waits in WFI the thread parks until
 * the next timer deadline or until a device raises an interrupt: an idle guest costs no host CPU.
 */
public final class RiscvMachine implements AutoCloseable {
    public static final long RAM_BASE = 0x8000_0000L;
    public static final long UART_BASE = 0x1000_0000L;
    public static final int UART_IRQ = 10;
    public static final long VIRTIO_BASE = 0x1000_1000L;
    public static final int VIRTIO_SLOTS = 8, VIRTIO_FIRST_IRQ = 1;
    private static final long SLICE = 1L << 16;
    private static final int FW_DYNAMIC_MAGIC = 0x4942534f; // "OSBI"

    private final GuestMemory ram;
    private final Bus bus;
    private final List<Hart> harts;
    private final Clint clint;
    private final Plic plic;
    private final Uart16550 uart;
    private final VirtioSlot[] slots = new VirtioSlot[VIRTIO_SLOTS];
    private final Clock clock = Clock.host(Clint.FREQUENCY);
    private final OutputStream console;
    private Htif htif;
    private Sbi sbi;
    private volatile Integer exitStatus;
    private volatile boolean resetRequested;
    private volatile Thread runner;
    private long wallNanos;

    public RiscvMachine(long ramSize, int cpus, OutputStream console) {
        this.console = console;
        this.ram = GuestMemory.allocate(RAM_BASE, ramSize);
        this.bus = new Bus(ram);
        this.harts = Hart.forMachine(cpus, bus, Decoder.rv64gc(), clock);
        this.clint = new Clint(harts, clock);
        this.plic = new Plic(harts);
        this.uart = new Uart16550(console, plic.line(UART_IRQ));
        bus.map(TestDevice.BASE, TestDevice.SIZE, new TestDevice(this::guestReset));
        bus.map(Clint.BASE, Clint.SIZE, clint);
        bus.map(Plic.BASE, Plic.SIZE, plic);
        bus.map(UART_BASE, 0x100, uart);
        for (int i = 0; i < VIRTIO_SLOTS; i++) {
            slots[i] = new VirtioSlot();
            bus.map(VIRTIO_BASE + 0x1000L * i, 0x1000, slots[i]);
        }
        // Entropy for the guest from the host's SecureRandom, in the last slot so disks keep vda, vdb...
        slots[VIRTIO_SLOTS - 1].device = new MmioTransport(new org.jvirt.virtio.RngDevice(), ram, plic.line(VIRTIO_FIRST_IRQ + VIRTIO_SLOTS - 1));
    }

    /**
     * A virtio-mmio slot: empty, it shows the magic value and version 2 with device id 0, which drivers
     * skip (virtio spec 1.2, section 4.2.2), so the device tree can list every slot.
     */
    private static final class VirtioSlot implements MmioDevice {
        MmioDevice device;

        public String name() { return device == null ? "virtio-empty" : device.name(); }

        public long read(long offset, int size) {
            if (device != null) return device.read(offset, size);
            return offset == 0 ? 0x74726976L : offset == 4 ? 2 : 0;
        }

        public void write(long offset, int size, long value) {
            if (device != null) device.write(offset, size, value);
        }
    }

    /** Plugs {@code device} into the first free virtio-mmio slot, before the guest boots. */
    public MmioTransport attach(VirtioDevice device) {
        for (int i = 0; i < VIRTIO_SLOTS; i++) {
            if (slots[i].device == null) {
                MmioTransport t = new MmioTransport(device, ram, plic.line(VIRTIO_FIRST_IRQ + i));
                slots[i].device = t;
                return t;
            }
        }
        throw new IllegalStateException("all " + VIRTIO_SLOTS + " virtio slots are taken");
    }


    public Bus bus() { return bus; }
    public GuestMemory ram() { return ram; }
    public List<Hart> harts() { return harts; }
    public Uart16550 uart() { return uart; }
    public long wallNanos() { return wallNanos; }

    /** SBI calls by extension, when the built-in firmware runs the guest. */
    public Map<String, Long> sbiCalls() { return sbi == null ? Map.of() : sbi.calls(); }

    /** MMIO accesses by device: what each would cost as an exit under a hardware-assisted engine. */
    public Map<String, Long> mmioAccesses() {
        Map<String, Long> m = new TreeMap<>();
        for (Bus.Region r : bus.regions()) m.merge(r.device().name(), bus.accessCount(r), Long::sum);
        return m;
    }

    /**
     * Adds a virtio console that prints on this machine's console, and returns where typed keys go
     * to reach it. (In a kernel that also has the SBI console driver, that one is hvc0 and this hvc1.)
     */
    public org.jvirt.machine.devices.ConsoleInput attachVirtioConsole() {
        org.jvirt.virtio.ConsoleDevice dev = new org.jvirt.virtio.ConsoleDevice(console);
        MmioTransport t = attach(dev);
        return (data, off, len) -> {
            int n = dev.receive(data, off, len);
            t.kick(0); // deliver into the buffers the guest posted, now
            return n;
        };
    }

    /** Wakes the machine's thread if it is idle, after a device outside it raised an interrupt. */
    public void wakeUp() {
        Thread t = runner;
        if (t != null) LockSupport.unpark(t);
        for (Hart h : harts) h.requestStop();
    }

    // ---- booting -------------------------------------------------------------------------------------

    /** Loads a bare-metal ELF and points every hart at its entry, in M-mode; wires HTIF if it has tohost. */
    public void loadBareMetal(ElfImage elf, String name) throws LoadException {
        elf.loadInto(ram, name);
        for (Hart h : harts) h.pc = elf.entry();
        var tohost = elf.symbol("tohost");
        if (tohost.isPresent()) {
            if (!ram.contains(tohost.get(), 8)) throw new LoadException(name + ": its tohost symbol is outside guest memory");
            long fromhost = elf.symbol("fromhost").filter(a -> ram.contains(a, 8)).orElse(0L);
            htif = new Htif(bus, tohost.get(), fromhost, console, () -> {
                exitStatus = htif.exitStatus();
                stopHarts();
            });
        }
    }

    /**
     * Loads a Linux kernel (Image or vmlinux), an optional initrd and the device tree, and starts the
     * boot hart: in S-mode under the built-in SBI when {@code firmware} is null, else every hart in
     * M-mode at the firmware, which is loaded at the start of RAM (OpenSBI's fw_jump or fw_dynamic).
     */
    public void bootLinux(byte[] kernel, String kernelName, byte[] initrd, String cmdline, byte[] firmware) throws LoadException {
        LinuxImage image = LinuxImage.parse(kernel, kernelName);
        long kernelBase = RAM_BASE + image.textOffset();
        long kernelEnd = kernelBase + image.imageSize();
        long dtbAddr = (ram.end() - (64 << 10)) & ~0xfffL; // 64 KiB at the top of RAM
        long initrdStart = 0, initrdEnd = 0;
        if (initrd != null) {
            initrdStart = (dtbAddr - initrd.length) & ~0xfffL;
            initrdEnd = initrdStart + initrd.length;
        }
        long lowestAbove = initrd != null ? initrdStart : dtbAddr;
        if (kernelEnd + (2 << 20) > lowestAbove)
            throw new LoadException(String.format("the kernel%s does not fit in %d MiB of guest memory: give --mem more",
                    initrd != null ? " and initrd" : "", ram.size() >> 20));
        if (firmware != null && firmware.length > image.textOffset())
            throw new LoadException("the firmware (" + firmware.length + " bytes) overlaps the kernel at 0x" + Long.toHexString(kernelBase));
        ram.load(kernelBase, image.flat(), 0, image.flat().length);
        if (initrd != null) ram.load(initrdStart, initrd, 0, initrd.length);
        byte[] dtb = VirtDeviceTree.build(new VirtDeviceTree.Layout(harts.size(), RAM_BASE, ram.size(), cmdline,
                initrdStart, initrdEnd, VIRTIO_SLOTS, VIRTIO_BASE, VIRTIO_FIRST_IRQ, VirtDeviceTree.rngSeed()));
        if (dtb.length > (64 << 10)) throw new LoadException("the device tree is too large");
        ram.load(dtbAddr, dtb, 0, dtb.length);
        long entry = kernelBase + image.entryOffset();
        if (firmware == null) {
            sbi = new Sbi(platform());
            harts.get(0).bootSupervisor(sbi, entry, dtbAddr);
            sbi.markStarted(0);
        } else {
            ram.load(RAM_BASE, firmware, 0, firmware.length);
            // fw_dynamic reads where to go next from a struct in a2; fw_jump ignores it.
            long info = dtbAddr - 64;
            ByteBuffer b = ByteBuffer.allocate(48).order(ByteOrder.LITTLE_ENDIAN);
            b.putLong(FW_DYNAMIC_MAGIC).putLong(2).putLong(entry).putLong(1).putLong(0).putLong(-1);
            ram.load(info, b.array(), 0, 48);
            for (Hart h : harts) {
                h.pc = RAM_BASE;
                h.x[10] = h.id;
                h.x[11] = dtbAddr;
                h.x[12] = info;
            }
        }
    }

    /** The device tree the machine would give a kernel, for --dump-dtb. */
    public byte[] deviceTree(String cmdline) {
        return VirtDeviceTree.build(new VirtDeviceTree.Layout(harts.size(), RAM_BASE, ram.size(), cmdline, 0, 0,
                VIRTIO_SLOTS, VIRTIO_BASE, VIRTIO_FIRST_IRQ, VirtDeviceTree.rngSeed()));
    }

    private Sbi.Platform platform() {
        return new Sbi.Platform() {
            public GuestMemory ram() { return ram; }
            public List<Hart> harts() { return harts; }
            public void setTimer(int hart, long when) { clint.setSupervisorTimer(hart, when); }
            public void reset(int type, int reason) { guestReset(type == 0 ? (reason == 0 ? 0 : 1) : -1); }
            public void consoleWrite(byte[] bytes) {
                try {
                    console.write(bytes);
                    console.flush();
                } catch (IOException e) {
                    // the console went away: output is dropped
                }
            }
            public byte[] consoleRead(int max) { return new byte[0]; }
        };
    }

    /** Ends the run from the host side (the user quit), with {@code status} as the outcome. */
    public void stop(int status) {
        guestReset(status);
        wakeUp();
    }

    /** The guest powered off (status >= 0) or asked for a reset (-1). */
    private void guestReset(int status) {
        if (status < 0) resetRequested = true;
        else exitStatus = status;
        stopHarts();
    }

    private void stopHarts() {
        for (Hart h : harts) h.requestStop();
    }

    // ---- running -------------------------------------------------------------------------------------

    /** Total instructions retired by all harts. */
    public long instructions() {
        return harts.stream().mapToLong(Hart::instret).sum();
    }

    private boolean runs(Hart h) {
        return sbi == null || sbi.state(h.id) != Sbi.STOPPED;
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
        // Harts interleave on this thread: with several, shorter slices let a hart waiting on another's
        // lock see it released sooner.
        long slice = harts.size() == 1 ? SLICE : SLICE / 8;
        try {
            while (true) {
                boolean allIdle = true;
                for (Hart h : harts) {
                    if (!runs(h)) continue;
                    long left = limit - instructions();
                    if (left <= 0) return new Outcome.InstructionLimit(instructions());
                    clint.update();
                    h.run(Math.min(slice, left));
                    if (exitStatus != null) return new Outcome.Exited(exitStatus);
                    if (h.divergence() != null) return new Outcome.Diverged("hart " + h.id + ": " + h.divergence());
                    if (resetRequested) return new Outcome.Reset();
                    if (!h.isWaiting()) allIdle = false;
                }
                long now = System.nanoTime();
                if (now >= deadline) return new Outcome.Timeout(timeoutMillis);
                if (allIdle) idle(deadline - now);
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
        // Harts reach RAM by host address (Mmu.ALL), unchecked: freeing it under a running hart would
        // be a use after free, not an exception.
        if (runner != null) throw new IllegalStateException("the machine is still running");
        ram.close();
    }
}
