package org.jvirt.kvm.pg;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import org.jvirt.kvm.CpuidTable;
import org.jvirt.kvm.Kvm;
import org.jvirt.kvm.Regs;
import org.jvirt.kvm.Sregs;
import org.jvirt.kvm.Structs;
import org.jvirt.kvm.Vcpu;
import org.jvirt.kvm.Vm;
import org.jvirt.machine.GuestMemory;

/**
 * A minimal 64-bit guest for probing single instructions on KVM, with no firmware and no real-mode
 * code: long mode, the GDT, IDT, TSS and page tables are built here and entered through
 * KVM_SET_SREGS. Each probe runs from a fresh register and segment state set by the VMM, at CPL 0
 * or 3, and ends in one of two MMIO writes that exit to this class: the probe's own "done" marker
 * after the instruction, or the exception stub of the vector it raised. A watchdog kicks a probe
 * that does neither, so a hang is a result, never a hung tool.
 *
 * <p>Guest-physical layout (2 MiB of RAM at 0, identity-mapped, every page user-accessible):
 * 0x1000 PML4, 0x2000 PDPT, 0x3000 PD; 0x4000 GDT (world A) and 0x4800 its copy (world B), 0x4c00
 * an LDT; 0x5000 IDT (A), 0xa000 its copy (B); 0x6000 and 0x6800 TSSs; 0x7000 the 256 exception
 * stubs; 0x8000 probe data; 0x10000 probe code; stacks below 0x20000 (RSP0) and 0x30000. Virtual
 * 2-4 MiB is not mapped (a #PF); 4-6 MiB maps guest-physical 4-6 MiB, where there is no RAM, so
 * accesses there exit to the VMM as MMIO: the markers live there.
 */
public final class ProbeVm implements AutoCloseable {
    static final long RAM_SIZE = 2 << 20;
    static final long PML4 = 0x1000, PDPT = 0x2000, PD = 0x3000, GDT_A = 0x4000, GDT_B = 0x4800, LDT = 0x4c00,
            IDT_A = 0x5000, IDT_B = 0xa000, TSS_A = 0x6000, TSS_B = 0x6800, STUBS = 0x7000, DATA = 0x8000, CODE = 0x10000,
            RSP0 = 0x20000, STACK = 0x30000;
    /** Outside RAM: writes here exit to the VMM. */
    static final long MMIO = 0x40_0000, DONE = MMIO, EXCEPTION = MMIO + 0x100;
    /** Mapped by no page table entry. */
    static final long UNMAPPED = 0x20_0000;
    static final int GDT_LIMIT = 0x57;
    static final int KCODE = 0x08, KDATA = 0x10, UDATA = 0x1b, UCODE = 0x23, TR_A = 0x28, TR_B = 0x38, LDT_SEL = 0x48;
    static final long CR0 = 0x8005_0033L, CR0_TS = 8, CR4_PAE = 0x20, CR4_UMIP = 0x800, EFER = 0x500;
    private static final long IF = 0x200;

    /** Which control state the VMM gives the guest: B differs from A in every register a guest cannot see without asking. */
    public enum World { A, B }

    /** What a probe did: completed (reaching its marker), raised an exception, hung, or stopped the VM otherwise. */
    public sealed interface Result {
        /** Exits the VMM served on the way (port I/O, HLT, MMIO outside the markers), in order. */
        List<String> exits();

        /** {@code dataChange} and {@code stackChange}: the bits it changed at [rbx] and in the 64 bytes below the initial stack (XOR). */
        record Completed(Regs regs, Control control, byte[] dataChange, byte[] stackChange, List<String> exits) implements Result { }

        record Faulted(int vector, long errorCode, long rip, int cs, List<String> exits) implements Result { }

        record Hang(long millis, List<String> exits) implements Result { }

        record Stopped(String why, List<String> exits) implements Result { }
    }

    /** The control state a probe might change: compared before and after. */
    public record Control(long cr0, long cr3, long cr4, long efer, long gdtBase, int gdtLimit, long idtBase, int idtLimit,
                          int ldtr, int tr, int cs, int ss, long flagsIfIopl) { }

    /** What the VMM sets before a probe runs. */
    public record Setup(long[] gprs, byte[] data, long[] stack) {
        static final int RAX = 0, RBX = 1, RCX = 2, RDX = 3, RSI = 4, RDI = 5;
    }

    private final Kvm kvm;
    private final Vm vm;
    private final Vcpu vcpu;
    private final GuestMemory ram;
    private final boolean umip;
    private final long watchdogMillis;
    private final Thread watchdog;
    private volatile long deadline = Long.MAX_VALUE;
    private volatile boolean fired, closing;
    private final boolean kvmOffersUmip;

    /**
     * Creates the VM. With {@code umip} the guest runs with CR4.UMIP set; KVM_SET_SREGS refuses that
     * where this host's KVM does not offer UMIP, and the exception says so.
     */
    public ProbeVm(boolean umip, long watchdogMillis) {
        this.umip = umip;
        this.watchdogMillis = watchdogMillis;
        kvm = Kvm.open();
        Vm v = null;
        GuestMemory r = null;
        try {
            v = kvm.createVm();
            r = GuestMemory.allocate(0, RAM_SIZE);
            v.addMemory(0, r.segment());
            vcpu = v.createVcpu(0);
            CpuidTable cpuid = kvm.supportedCpuid();
            kvmOffersUmip = cpuid.find(7, 0).map(e -> (e.ecx() & 4) != 0).orElse(false);
            vcpu.setCpuid(cpuid.forVcpu(0, 1));
        } catch (RuntimeException e) {
            if (v != null) v.close();
            if (r != null) r.close();
            kvm.close();
            throw e;
        }
        vm = v;
        ram = r;
        buildTables();
        vcpu.bindToCurrentThread();
        watchdog = Thread.ofPlatform().daemon().name("probe-watchdog").start(this::watch);
    }

    /** Whether KVM_GET_SUPPORTED_CPUID lists UMIP (leaf 7, ECX bit 2). */
    public boolean kvmOffersUmip() { return kvmOffersUmip; }

    public boolean umip() { return umip; }

    public Vcpu vcpu() { return vcpu; }

    public GuestMemory ram() { return ram; }

    private void watch() {
        while (!closing) {
            long now = System.nanoTime();
            if (now >= deadline) {
                fired = true;
                deadline = Long.MAX_VALUE;
                vcpu.kick();
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    // ---- the guest's tables --------------------------------------------------------------------------

    private void buildTables() {
        ram.writeLong(PML4, PDPT | 7);
        ram.writeLong(PDPT, PD | 7);
        ram.writeLong(PD, 0x87);                 // 0-2 MiB: RAM, present, writable, user, 2 MiB page
        ram.writeLong(PD + 16, MMIO | 0x87);     // 4-6 MiB: no RAM behind it; 2-4 MiB: not present
        long[] gdt = {0, 0x00af_9a00_0000_ffffL, 0x00cf_9200_0000_ffffL, 0x00cf_f200_0000_ffffL, 0x00af_fa00_0000_ffffL};
        for (long base : new long[] {GDT_A, GDT_B}) {
            for (int i = 0; i < gdt.length; i++) ram.writeLong(base + 8L * i, gdt[i]);
            systemDescriptor(base + TR_A, TSS_A, 0x67, 9);
            systemDescriptor(base + TR_B, TSS_B, 0x67, 9);
            systemDescriptor(base + LDT_SEL, LDT, 0xf, 2);
        }
        for (long tss : new long[] {TSS_A, TSS_B}) {
            ram.writeLong(tss + 4, RSP0);
            ram.writeShort(tss + 0x66, (short) 0x68); // the I/O bitmap starts past the limit: there is none
        }
        for (int v = 0; v < 256; v++) {
            long stub = STUBS + 16L * v;
            // mov dword [EXCEPTION], v ; jmp $
            byte[] code = {(byte) 0xc7, 0x04, 0x25, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xeb, (byte) 0xfe};
            putInt(code, 3, (int) EXCEPTION);
            putInt(code, 7, v);
            ram.load(stub, code, 0, code.length);
            for (long idt : new long[] {IDT_A, IDT_B}) {
                long g = idt + 16L * v;
                // interrupt gate, present, DPL 0: INT n from CPL 3 is a #GP, as in most kernels but the system-call vector
                ram.writeLong(g, (stub & 0xffff) | ((long) KCODE << 16) | (0x8eL << 40) | ((stub >>> 16 & 0xffff) << 48));
                ram.writeLong(g + 8, stub >>> 32);
            }
        }
    }

    private void systemDescriptor(long at, long base, int limit, int type) {
        long lo = (limit & 0xffff) | ((base & 0xff_ffff) << 16) | ((long) (0x80 | type) << 40) | ((base >>> 24 & 0xff) << 56);
        ram.writeLong(at, lo);
        ram.writeLong(at + 8, base >>> 32);
    }

    static void putInt(byte[] b, int at, int v) {
        for (int i = 0; i < 4; i++) b[at + i] = (byte) (v >>> (8 * i));
    }

    // ---- running one probe ---------------------------------------------------------------------------

    /** The code every probe ends with: mov byte [DONE], 0 ; jmp $. */
    static byte[] doneMarker() {
        byte[] m = {(byte) 0xc6, 0x04, 0x25, 0, 0, 0, 0, 0, (byte) 0xeb, (byte) 0xfe};
        putInt(m, 3, (int) DONE);
        return m;
    }

    /** The initial RFLAGS of a probe in {@code world}: interrupts enabled in A, disabled in B; IOPL 0. */
    static long initialFlags(World world) {
        return world == World.A ? 0x202 : 0x002;
    }

    /** Runs {@code code} (followed by the done marker) at {@code cpl} in {@code world}, under the VM's watchdog. */
    public Result run(byte[] code, Setup setup, int cpl, World world) {
        return run(code, setup, cpl, world, watchdogMillis);
    }

    /** As {@link #run(byte[], Setup, int, World)}, with {@code millis} before the probe counts as a hang. */
    public Result run(byte[] code, Setup setup, int cpl, World world, long millis) {
        byte[] marker = doneMarker();
        ram.zero(CODE, 0x1000);
        ram.load(CODE, code, 0, code.length);
        ram.load(CODE + code.length, marker, 0, marker.length);
        ram.zero(DATA, 0x1000);
        if (setup.data() != null) ram.load(DATA, setup.data(), 0, setup.data().length);
        ram.zero(STACK - 0x1000, 0x1000);
        long rsp = STACK - 8L * setup.stack().length;
        for (int i = 0; i < setup.stack().length; i++) ram.writeLong(rsp + 8L * i, setup.stack()[i]);
        byte[] data0 = bytes(DATA), stack0 = bytes(STACK - 64);
        long[] g = setup.gprs();
        vcpu.setSregs(sregs(cpl, world));
        vcpu.setRegs(new Regs(g[0], g[1], g[2], g[3], g[4], g[5], rsp, 0, 0, 0, 0, 0, 0, 0, 0, 0, CODE, initialFlags(world)));
        List<String> exits = new ArrayList<>();
        MemorySegment page = vcpu.runPage();
        fired = false;
        deadline = System.nanoTime() + millis * 1_000_000L;
        try {
            while (true) {
                int reason = vcpu.run();
                switch (reason) {
                    case Vcpu.KICKED -> {
                        if (fired) return new Result.Hang(millis, exits);
                    }
                    case Vcpu.EXIT_MMIO -> {
                        long addr = page.get(ValueLayout.JAVA_LONG, MMIO_ADDR);
                        boolean write = page.get(ValueLayout.JAVA_BYTE, MMIO_IS_WRITE) != 0;
                        if (write && addr == DONE) return completed(data0, stack0, exits);
                        if (write && addr == EXCEPTION) return faulted(page.get(ValueLayout.JAVA_INT, MMIO_DATA), exits);
                        exits.add(String.format("mmio %s 0x%x", write ? "write" : "read", addr));
                        if (!write) page.set(ValueLayout.JAVA_LONG_UNALIGNED, MMIO_DATA, -1L); // nothing there: all ones
                    }
                    case Vcpu.EXIT_IO -> {
                        boolean out = page.get(ValueLayout.JAVA_BYTE, IO_DIRECTION) == 1;
                        int port = page.get(ValueLayout.JAVA_SHORT, IO_PORT) & 0xffff;
                        exits.add(String.format("io %s 0x%x", out ? "out" : "in", port));
                        if (!out) {
                            int size = page.get(ValueLayout.JAVA_BYTE, IO_SIZE);
                            long at = page.get(ValueLayout.JAVA_LONG, IO_DATA_OFFSET);
                            for (int i = 0; i < size; i++) page.set(ValueLayout.JAVA_BYTE, at + i, (byte) -1);
                        }
                    }
                    case Vcpu.EXIT_HLT -> exits.add("hlt");
                    case Vcpu.EXIT_SHUTDOWN -> { return new Result.Stopped("triple fault (shutdown)", exits); }
                    case Vcpu.EXIT_INTERNAL_ERROR -> {
                        int sub = page.get(ValueLayout.JAVA_INT, INTERNAL_SUBERROR);
                        return new Result.Stopped(sub == 1 ? "KVM cannot emulate" : "KVM internal error " + sub, exits);
                    }
                    case Vcpu.EXIT_FAIL_ENTRY -> { return new Result.Stopped("KVM could not enter the guest", exits); }
                    default -> { return new Result.Stopped("exit " + org.jvirt.kvm.ExitStats.reasonName(reason), exits); }
                }
            }
        } finally {
            deadline = Long.MAX_VALUE; // a kick that still lands makes the next probe's run() return once, harmlessly
        }
    }

    private static final long MMIO_ADDR = Structs.offset(Structs.KVM_RUN, "exit.mmio.phys_addr"),
            MMIO_DATA = Structs.offset(Structs.KVM_RUN, "exit.mmio.data"),
            MMIO_IS_WRITE = Structs.offset(Structs.KVM_RUN, "exit.mmio.is_write"),
            IO_DIRECTION = Structs.offset(Structs.KVM_RUN, "exit.io.direction"), IO_SIZE = Structs.offset(Structs.KVM_RUN, "exit.io.size"),
            IO_PORT = Structs.offset(Structs.KVM_RUN, "exit.io.port"), IO_DATA_OFFSET = Structs.offset(Structs.KVM_RUN, "exit.io.data_offset"),
            INTERNAL_SUBERROR = Structs.offset(Structs.KVM_RUN, "exit.internal.suberror");

    private byte[] bytes(long at) {
        byte[] b = new byte[64];
        MemorySegment.copy(ram.segment(), ValueLayout.JAVA_BYTE, at, b, 0, 64);
        return b;
    }

    private Result completed(byte[] data0, byte[] stack0, List<String> exits) {
        Regs r = vcpu.regs();
        byte[] data = bytes(DATA), stack = bytes(STACK - 64);
        for (int i = 0; i < 64; i++) {
            data[i] ^= data0[i];
            stack[i] ^= stack0[i];
        }
        return new Result.Completed(r, control(r), data, stack, exits);
    }

    private Result faulted(int vector, List<String> exits) {
        Regs r = vcpu.regs();
        boolean hasError = vector == 8 || (vector >= 10 && vector <= 14) || vector == 17 || vector == 21 || vector == 29 || vector == 30;
        long sp = r.rsp();
        if (sp < 16 || sp + 24 > RAM_SIZE) return new Result.Stopped("exception " + vector + " with a stack outside RAM", exits);
        long err = hasError ? ram.readLong(sp) : -1;
        if (hasError) sp += 8;
        return new Result.Faulted(vector, err, ram.readLong(sp), (int) ram.readLong(sp + 8), exits);
    }

    /** The control state now. */
    public Control control(Regs r) {
        MemorySegment s = vcpu.sregs();
        return new Control(Sregs.getLong(s, "cr0"), Sregs.getLong(s, "cr3"), Sregs.getLong(s, "cr4"), Sregs.getLong(s, "efer"),
                s.get(ValueLayout.JAVA_LONG, Structs.offset(Structs.KVM_SREGS, "gdt.base")),
                s.get(ValueLayout.JAVA_SHORT, Structs.offset(Structs.KVM_SREGS, "gdt.limit")) & 0xffff,
                s.get(ValueLayout.JAVA_LONG, Structs.offset(Structs.KVM_SREGS, "idt.base")),
                s.get(ValueLayout.JAVA_SHORT, Structs.offset(Structs.KVM_SREGS, "idt.limit")) & 0xffff,
                selector(s, "ldt"), selector(s, "tr"), selector(s, "cs"), selector(s, "ss"), r.rflags() & (IF | 0x3000));
    }

    private static int selector(MemorySegment s, String seg) {
        return s.get(ValueLayout.JAVA_SHORT, Structs.offset(Structs.KVM_SREGS, seg + ".selector")) & 0xffff;
    }

    /** The control state the VMM sets for a probe at {@code cpl} in {@code world}, as it reads back before any instruction. */
    public Control expectedControl(int cpl, World world) {
        vcpu.setSregs(sregs(cpl, world));
        return control(new Regs(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, CODE, initialFlags(world)));
    }

    private MemorySegment sregs(int cpl, World world) {
        MemorySegment s = vcpu.sregs();
        boolean user = cpl == 3;
        Sregs.setSegment(s, "cs", new Sregs.Segment(0, 0xffff_ffff, user ? UCODE : KCODE, 0xb, true, cpl, false, true, true, true));
        Sregs.Segment data = new Sregs.Segment(0, 0xffff_ffff, user ? UDATA : KDATA, 0x3, true, cpl, true, true, false, true);
        for (String seg : new String[] {"ds", "es", "ss"}) Sregs.setSegment(s, seg, data);
        Sregs.Segment none = new Sregs.Segment(0, 0, 0, 0x3, false, 0, false, true, false, false);
        Sregs.setSegment(s, "fs", none);
        Sregs.setSegment(s, "gs", none);
        boolean b = world == World.B;
        Sregs.setSegment(s, "tr", new Sregs.Segment(b ? TSS_B : TSS_A, 0x67, b ? TR_B : TR_A, 0xb, true, 0, false, false, false, false));
        Sregs.setSegment(s, "ldt", b ? new Sregs.Segment(LDT, 0xf, LDT_SEL, 2, true, 0, false, false, false, false)
                : new Sregs.Segment(0, 0, 0, 2, false, 0, false, false, false, false));
        Sregs.setTable(s, "gdt", b ? GDT_B : GDT_A, GDT_LIMIT);
        Sregs.setTable(s, "idt", b ? IDT_B : IDT_A, 0xfff);
        Sregs.setLong(s, "cr0", CR0 | (b ? CR0_TS : 0));
        Sregs.setLong(s, "cr2", 0);
        Sregs.setLong(s, "cr3", PML4);
        Sregs.setLong(s, "cr4", CR4_PAE | (umip ? CR4_UMIP : 0));
        Sregs.setLong(s, "efer", EFER);
        return s;
    }

    @Override
    public void close() {
        closing = true;
        watchdog.interrupt();
        try {
            watchdog.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        vcpu.unbindFromCurrentThread();
        vm.close();
        ram.close();
        kvm.close();
    }
}
