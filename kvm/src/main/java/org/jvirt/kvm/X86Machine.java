package org.jvirt.kvm;

import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jvirt.kvm.boot.BootLayout;
import org.jvirt.kvm.boot.EntryState;
import org.jvirt.kvm.boot.LinuxBoot;
import org.jvirt.kvm.boot.MpTable;
import org.jvirt.kvm.boot.Pvh;
import org.jvirt.kvm.devices.BootMarker;
import org.jvirt.kvm.devices.DebugExit;
import org.jvirt.kvm.devices.I8042;
import org.jvirt.machine.Bus;
import org.jvirt.machine.GuestMemory;
import org.jvirt.machine.IrqLine;
import org.jvirt.machine.devices.Uart16550;
import org.jvirt.machine.loader.ElfImage;
import org.jvirt.machine.loader.LoadException;
import org.jvirt.virtio.MmioTransport;
import org.jvirt.virtio.VirtioDevice;

/**
 * An x86-64 PC-like microVM on KVM. Memory map: RAM from 0 (at most 3 GiB, below the MMIO hole);
 * virtio-mmio slots at 0xd000_0000 (4 KiB apart, IRQs 5, 9, 10, 11); the in-kernel IOAPIC at
 * 0xfec0_0000 and local APICs at 0xfee0_0000; the VMX TSS and identity-map pages at 0xfffb_c000.
 * Ports: COM1 16550 at 0x3f8 (IRQ 4), i8042 reset at 0x60/0x64, isa-debug-exit at 0xf4, the boot
 * marker at 0x505; the PIT (0x40-0x43, 0x61) and PICs (0x20, 0xa0) are in the kernel.
 *
 * <p>Each vCPU has its own Java thread in {@link #run}, which loops on KVM_RUN and serves the exits
 * that reach user space: PIO and MMIO go to the devices, the rest end the run.
 */
public final class X86Machine implements AutoCloseable {
    public static final long MAX_RAM = 0xc000_0000L;
    public static final long VIRTIO_BASE = 0xd000_0000L;
    public static final int[] VIRTIO_IRQS = {5, 9, 10, 11};
    public static final int COM1 = 0x3f8, COM1_IRQ = 4;
    static final long TSS_ADDR = 0xfffb_d000L, IDENTITY_MAP_ADDR = 0xfffb_c000L;
    public static final int MAX_CPUS = 64;

    private final Kvm kvm;
    private final Vm vm;
    private final GuestMemory ram;
    private final Bus bus;
    private final PortBus ports = new PortBus();
    private final Uart16550 uart;
    private final BootMarker marker = new BootMarker();
    private final List<Vcpu> vcpus = new ArrayList<>();
    private final List<MmioTransport> virtio = new ArrayList<>();
    private final CompletableFuture<Outcome> outcome = new CompletableFuture<>();
    private final ExitStats stats;
    private volatile boolean stopping;
    private volatile long firstEntryNanos, endNanos;
    private boolean booted;
    private volatile boolean closed;

    /** Creates the VM; throws {@link KvmUnavailableException} when this host cannot run one. */
    public X86Machine(long ramSize, int cpus, OutputStream console) {
        if (ramSize <= BootLayout.HIMEM || ramSize > MAX_RAM || (ramSize & 0xfff) != 0)
            throw new IllegalArgumentException("x86 guest RAM must be a multiple of 4 KiB between 1 MiB and 3 GiB");
        if (cpus < 1 || cpus > MAX_CPUS) throw new IllegalArgumentException("vCPUs must be between 1 and " + MAX_CPUS);
        kvm = Kvm.open();
        Vm v = null;
        GuestMemory r = null;
        try {
            v = kvm.createVm();
            v.setIdentityMapAddress(IDENTITY_MAP_ADDR);
            v.setTssAddress(TSS_ADDR);
            v.createIrqchip();
            v.createPit();
            r = GuestMemory.allocate(0, ramSize);
            v.addMemory(0, r.segment());
        } catch (RuntimeException e) {
            if (r != null) r.close();
            if (v != null) v.close();
            kvm.close();
            throw e;
        }
        vm = v;
        ram = r;
        bus = new Bus(ram);
        stats = new ExitStats(cpus);
        uart = new Uart16550(console, irqLine(COM1_IRQ));
        ports.map(COM1, 8, uart);
        ports.map(DebugExit.PORT, DebugExit.SIZE, new DebugExit(status -> finish(new Outcome.Exited(status))));
        ports.map(I8042.PORT, I8042.SIZE, new I8042(() -> finish(new Outcome.Reset("i8042 reset"))));
        ports.map(BootMarker.PORT, 1, marker);
        try {
            CpuidTable cpuid = kvm.supportedCpuid();
            for (int i = 0; i < cpus; i++) {
                Vcpu vcpu = vm.createVcpu(i);
                vcpu.setCpuid(cpuid.forVcpu(i, cpus));
                vcpu.setMsrs(BOOT_MSRS);
                vcpus.add(vcpu);
            }
        } catch (RuntimeException e) {
            close(); // e.g. more vCPUs than this host's KVM allows: give back the fds and the RAM
            throw e;
        }
    }

    /** The MSRs a freshly booted PC has: SYSCALL/SYSENTER cleared, fast strings on, MTRRs enabled with write-back default. */
    private static final long[][] BOOT_MSRS = {
        {0x174, 0}, {0x175, 0}, {0x176, 0},                 // IA32_SYSENTER_CS/ESP/EIP
        {0xc000_0081L, 0}, {0xc000_0082L, 0}, {0xc000_0083L, 0}, {0xc000_0084L, 0}, {0xc000_0102L, 0}, // STAR, LSTAR, CSTAR, SFMASK, KERNEL_GS_BASE
        {0x10, 0},                                          // IA32_TSC
        {0x1a0, 1},                                         // IA32_MISC_ENABLE: fast strings
        {0x2ff, (1 << 11) | 6},                             // MTRRdefType: enabled, write-back
    };

    /** A level-triggered line into the irqchip at {@code gsi}; repeated levels cost no ioctl. */
    public IrqLine irqLine(int gsi) {
        return new IrqLine() {
            private boolean level;
            @Override
            public void set(boolean l) {
                synchronized (X86Machine.this) { // close() takes the same lock: no ioctl on a closed (or reused) fd
                    if (l == level || closed) return;
                    level = l;
                    vm.irqLine(gsi, l);
                }
            }
        };
    }

    public GuestMemory ram() { return ram; }
    public Bus bus() { return bus; }
    public PortBus ports() { return ports; }
    public Uart16550 uart() { return uart; }
    public Vm vm() { return vm; }
    public int cpus() { return vcpus.size(); }

    /** Attaches a virtio device in the next virtio-mmio slot ({@link #virtioCmdline} tells Linux where). */
    public void attach(VirtioDevice device) {
        int slot = virtio.size();
        if (slot >= VIRTIO_IRQS.length) throw new IllegalStateException("at most " + VIRTIO_IRQS.length + " virtio devices");
        MmioTransport t = new MmioTransport(device, ram, irqLine(VIRTIO_IRQS[slot]));
        long base = VIRTIO_BASE + 0x1000L * slot;
        bus.map(base, 0x1000, t);
        virtio.add(t);
    }

    /** The virtio_mmio.device=... parameters that tell Linux where the attached devices are. */
    public String virtioCmdline() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < virtio.size(); i++)
            b.append(i == 0 ? "" : " ").append("virtio_mmio.device=4K@0x").append(Long.toHexString(VIRTIO_BASE + 0x1000L * i)).append(':').append(VIRTIO_IRQS[i]);
        return b.toString();
    }

    /**
     * Loads a kernel: an ELF with a PVH note boots through PVH; a bzImage or another x86-64 ELF (a
     * vmlinux) through Linux's 64-bit protocol. Returns which protocol it used.
     */
    public String boot(byte[] image, String name, String cmdline, byte[] initrd) throws LoadException {
        return boot(image, name, cmdline, initrd, true);
    }

    /** As {@link #boot(byte[], String, String, byte[])}; with {@code preferPvh} false a vmlinux that has a PVH note still boots through the 64-bit protocol. */
    public String boot(byte[] image, String name, String cmdline, byte[] initrd, boolean preferPvh) throws LoadException {
        EntryState entry;
        String how;
        if (preferPvh && ElfImage.isElf(image) && Pvh.entryNote(image).isPresent()) {
            entry = Pvh.load(ram, image, name, cmdline, initrd);
            how = "PVH";
        } else if (ElfImage.isElf(image)) {
            entry = LinuxBoot.loadVmlinux(ram, image, name, cmdline, initrd);
            how = "Linux 64-bit boot protocol (vmlinux)";
        } else if (LinuxBoot.isBzImage(image)) {
            entry = LinuxBoot.loadBzImage(ram, image, name, cmdline, initrd);
            how = "Linux 64-bit boot protocol (bzImage)";
        } else {
            throw new LoadException(name + " is not an x86 kernel: neither an ELF file (PVH or vmlinux) nor a bzImage");
        }
        MpTable.write(ram, vcpus.size()); // how a guest without ACPI finds the APs and the IOAPIC
        enter(vcpus.get(0), entry);
        booted = true;
        return how;
    }

    /** Puts the bootstrap vCPU in the mode the protocol asks for. The others wait for INIT/SIPI in the irqchip. */
    private static void enter(Vcpu bsp, EntryState entry) {
        MemorySegment s = bsp.sregs();
        switch (entry) {
            case EntryState.Protected32 p -> {
                Sregs.setSegment(s, "cs", Sregs.Segment.code(0x08, false));
                for (String seg : new String[] {"ds", "es", "fs", "gs", "ss"}) Sregs.setSegment(s, seg, Sregs.Segment.data(0x18));
                Sregs.setTable(s, "gdt", BootLayout.GDT, BootLayout.GDT_LIMIT);
                Sregs.setLong(s, "cr0", 0x11);  // PE, ET
                Sregs.setLong(s, "cr4", 0);
                Sregs.setLong(s, "efer", 0);
                bsp.setSregs(s);
                bsp.setRegs(Regs.entry(p.rip(), p.rbx(), 0));
            }
            case EntryState.Long64 l -> {
                Sregs.setSegment(s, "cs", Sregs.Segment.code(0x10, true));
                for (String seg : new String[] {"ds", "es", "fs", "gs", "ss"}) Sregs.setSegment(s, seg, Sregs.Segment.data(0x18));
                Sregs.setTable(s, "gdt", BootLayout.GDT, BootLayout.GDT_LIMIT);
                Sregs.setTable(s, "idt", 0, 0);
                Sregs.setLong(s, "cr3", l.cr3());
                Sregs.setLong(s, "cr4", 0x20);          // PAE
                Sregs.setLong(s, "cr0", 0x8000_0011L);  // PG, ET, PE
                Sregs.setLong(s, "efer", 0x500);        // LME, LMA
                bsp.setSregs(s);
                bsp.setRegs(Regs.entry(l.rip(), 0, l.rsi()));
            }
        }
    }

    /**
     * Runs the vCPUs until the guest ends the run or {@code timeoutMillis} (0: none) passes. Each
     * vCPU runs on its own platform thread; this thread waits, then stops and joins them.
     */
    public Outcome run(long timeoutMillis) {
        if (!booted) throw new IllegalStateException("boot a kernel first");
        List<Thread> threads = new ArrayList<>();
        for (Vcpu v : vcpus) {
            Thread t = Thread.ofPlatform().name("vcpu-" + v.id()).daemon().unstarted(() -> vcpuLoop(v));
            threads.add(t);
        }
        threads.forEach(Thread::start);
        Thread watcher = Thread.ofPlatform().daemon().start(() -> {
            for (Thread t : threads) joinQuietly(t);
            finish(new Outcome.Halted());
        });
        Outcome result;
        try {
            result = timeoutMillis > 0 ? outcome.get(timeoutMillis, TimeUnit.MILLISECONDS) : outcome.get();
        } catch (TimeoutException e) {
            finish(new Outcome.Timeout());
            result = outcome.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finish(new Outcome.Timeout());
            result = outcome.join();
        } catch (java.util.concurrent.ExecutionException e) {
            result = new Outcome.Failed(String.valueOf(e.getCause()));
        }
        for (Thread t : threads) joinQuietly(t);
        joinQuietly(watcher);
        return result;
    }

    /** Ends the run (first caller wins): every vCPU is kicked out of KVM_RUN. */
    public void finish(Outcome o) {
        if (outcome.complete(o)) endNanos = System.nanoTime();
        stopping = true;
        for (Vcpu v : vcpus) v.kick();
    }

    /** Stops the machine from outside (Ctrl-A X) with {@code status}. */
    public void stop(int status) {
        finish(new Outcome.Exited(status));
    }

    private static void joinQuietly(Thread t) {
        while (true) {
            try {
                t.join();
                return;
            } catch (InterruptedException e) {
                // keep waiting: the vCPU has been kicked and will return promptly
            }
        }
    }

    private void vcpuLoop(Vcpu v) {
        try {
            v.bindToCurrentThread();
            ExitHandler handler = new ExitHandler(v.id(), v.runPage(), bus, ports, stats, this::finish,
                    () -> v.regs().describe() + "\n" + Sregs.describe(v.sregs()));
            if (v.id() == 0) firstEntryNanos = System.nanoTime();
            while (!stopping) {
                int reason = v.run();
                if (reason == Vcpu.KICKED) {
                    stats.count(v.id(), Vcpu.EXIT_INTR);
                    continue;
                }
                if (!handler.handle(reason)) return;
            }
        } catch (RuntimeException e) {
            finish(new Outcome.Failed("vCPU " + v.id() + ": " + e.getMessage()));
        } finally {
            v.unbindFromCurrentThread(); // no signal may target this thread once it is gone
        }
    }

    public ExitStats stats() { return stats; }

    /** System.nanoTime() when the bootstrap vCPU first entered the guest, or 0. */
    public long firstEntryNanos() { return firstEntryNanos; }

    /** System.nanoTime() when the run ended (the guest's exit, a reset, the timeout), or 0. */
    public long endNanos() { return endNanos; }

    /** System.nanoTime() of the guest's first write to the boot-marker port, or 0. */
    public long bootMarkerNanos() { return marker.firstWriteNanos(); }

    /** Device accesses (exits) by device name, ports and MMIO together. */
    public Map<String, Long> deviceAccesses() {
        Map<String, Long> m = new LinkedHashMap<>();
        List<PortBus.Range> rs = ports.ranges();
        for (int i = 0; i < rs.size(); i++) m.merge(rs.get(i).device().name() + String.format(" (port 0x%x)", rs.get(i).base()), ports.accessCount(i), Long::sum);
        m.put("unassigned ports", ports.unassignedCount());
        for (Bus.Region r : bus.regions()) m.put(r.device().name() + String.format(" (mmio 0x%x)", r.base()), bus.accessCount(r));
        m.put("unassigned mmio", stats.unassignedMmioCount());
        return m;
    }

    @Override
    public synchronized void close() {
        closed = true;
        vm.close();
        ram.close();
        kvm.close();
    }
}
