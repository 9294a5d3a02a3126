package org.jvirt.kvm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jvirt.machine.Bus;

/**
 * Serves one vCPU's exits from its kvm_run page: port and MMIO accesses go to the devices and the
 * vCPU re-enters; the exits that end a run become an {@link Outcome}. Accesses the guest aims at
 * nothing read as all ones and are otherwise ignored, so no address a guest picks can hurt the VMM.
 */
final class ExitHandler {
    private static final long IO_DIRECTION = Structs.offset(Structs.KVM_RUN, "exit.io.direction"),
            IO_SIZE = Structs.offset(Structs.KVM_RUN, "exit.io.size"), IO_PORT = Structs.offset(Structs.KVM_RUN, "exit.io.port"),
            IO_COUNT = Structs.offset(Structs.KVM_RUN, "exit.io.count"), IO_DATA_OFFSET = Structs.offset(Structs.KVM_RUN, "exit.io.data_offset"),
            MMIO_ADDR = Structs.offset(Structs.KVM_RUN, "exit.mmio.phys_addr"), MMIO_DATA = Structs.offset(Structs.KVM_RUN, "exit.mmio.data"),
            MMIO_LEN = Structs.offset(Structs.KVM_RUN, "exit.mmio.len"), MMIO_IS_WRITE = Structs.offset(Structs.KVM_RUN, "exit.mmio.is_write"),
            EVENT_TYPE = Structs.offset(Structs.KVM_RUN, "exit.system_event.type"),
            INTERNAL_SUBERROR = Structs.offset(Structs.KVM_RUN, "exit.internal.suberror"),
            INTERNAL_NDATA = Structs.offset(Structs.KVM_RUN, "exit.internal.ndata"),
            INTERNAL_DATA = Structs.offset(Structs.KVM_RUN, "exit.internal.data"),
            FAIL_REASON = Structs.offset(Structs.KVM_RUN, "exit.fail_entry.hardware_entry_failure_reason");
    private static final int SYSTEM_EVENT_SHUTDOWN = 1, SYSTEM_EVENT_RESET = 2, SYSTEM_EVENT_CRASH = 3;

    private final int vcpu;
    private final MemorySegment run;
    private final Supplier<String> registers;
    private final Bus bus;
    private final PortBus ports;
    private final ExitStats stats;
    private final Consumer<Outcome> finish;
    private final long[] word = new long[1];

    /**
     * Serves the exits of vCPU {@code vcpu} found in {@code run} (its kvm_run page); {@code registers}
     * describes the vCPU's state for reports of a run that ends in an error.
     */
    ExitHandler(int vcpu, MemorySegment run, Bus bus, PortBus ports, ExitStats stats, Consumer<Outcome> finish, Supplier<String> registers) {
        this.vcpu = vcpu;
        this.run = run;
        this.registers = registers;
        this.bus = bus;
        this.ports = ports;
        this.stats = stats;
        this.finish = finish;
    }

    /** Serves exit {@code reason}; false when the vCPU must stop running. */
    boolean handle(int reason) {
        stats.count(vcpu, reason);
        switch (reason) {
            case Vcpu.EXIT_IO -> io();
            case Vcpu.EXIT_MMIO -> mmio();
            case Vcpu.EXIT_HLT -> { return false; } // only without an in-kernel LAPIC: this vCPU is done
            case Vcpu.EXIT_SHUTDOWN -> finish.accept(new Outcome.Reset("triple fault on vCPU " + vcpu));
            case Vcpu.EXIT_SYSTEM_EVENT -> {
                int type = run.get(ValueLayout.JAVA_INT, EVENT_TYPE);
                finish.accept(switch (type) {
                    case SYSTEM_EVENT_SHUTDOWN -> new Outcome.Exited(0);
                    case SYSTEM_EVENT_RESET -> new Outcome.Reset("system reset event");
                    case SYSTEM_EVENT_CRASH -> new Outcome.Failed(report("the guest reported a crash (system event)"));
                    default -> new Outcome.Failed(report("unknown system event type " + type));
                });
            }
            case Vcpu.EXIT_INTERNAL_ERROR -> finish.accept(new Outcome.Failed(report(internalError())));
            case Vcpu.EXIT_FAIL_ENTRY -> finish.accept(new Outcome.Failed(report(String.format(
                    "KVM could not enter the guest (hardware entry failure reason 0x%x)", run.get(ValueLayout.JAVA_LONG, FAIL_REASON)))));
            default -> finish.accept(new Outcome.Failed(report("unexpected exit: " + ExitStats.reasonName(reason))));
        }
        return true;
    }

    private void io() {
        boolean out = run.get(ValueLayout.JAVA_BYTE, IO_DIRECTION) == 1;
        int size = run.get(ValueLayout.JAVA_BYTE, IO_SIZE);
        int port = run.get(ValueLayout.JAVA_SHORT, IO_PORT) & 0xffff;
        int count = run.get(ValueLayout.JAVA_INT, IO_COUNT);
        long data = run.get(ValueLayout.JAVA_LONG, IO_DATA_OFFSET);
        if ((size != 1 && size != 2 && size != 4) || count < 0 || data < 0 || data + (long) size * count > run.byteSize()) return;
        for (int i = 0; i < count; i++) {
            long at = data + (long) i * size;
            if (out) {
                long v = switch (size) {
                    case 1 -> run.get(ValueLayout.JAVA_BYTE, at) & 0xffL;
                    case 2 -> run.get(ValueLayout.JAVA_SHORT_UNALIGNED, at) & 0xffffL;
                    default -> run.get(ValueLayout.JAVA_INT_UNALIGNED, at) & 0xffff_ffffL;
                };
                ports.write(port, size, v);
            } else {
                long v = ports.read(port, size);
                switch (size) {
                    case 1 -> run.set(ValueLayout.JAVA_BYTE, at, (byte) v);
                    case 2 -> run.set(ValueLayout.JAVA_SHORT_UNALIGNED, at, (short) v);
                    default -> run.set(ValueLayout.JAVA_INT_UNALIGNED, at, (int) v);
                }
            }
        }
    }

    private void mmio() {
        long addr = run.get(ValueLayout.JAVA_LONG, MMIO_ADDR);
        int len = run.get(ValueLayout.JAVA_INT, MMIO_LEN);
        boolean write = run.get(ValueLayout.JAVA_BYTE, MMIO_IS_WRITE) != 0;
        if (len != 1 && len != 2 && len != 4 && len != 8) {
            stats.countUnassignedMmio();
            return;
        }
        if (write) {
            long v = run.get(ValueLayout.JAVA_LONG_UNALIGNED, MMIO_DATA);
            if (len < 8) v &= (1L << (len * 8)) - 1;
            if (!bus.write(addr, len, v)) stats.countUnassignedMmio();
        } else {
            long v;
            if (bus.read(addr, len, word)) v = word[0];
            else {
                stats.countUnassignedMmio();
                v = -1L;
            }
            run.set(ValueLayout.JAVA_LONG_UNALIGNED, MMIO_DATA, v);
        }
    }

    private String internalError() {
        int sub = run.get(ValueLayout.JAVA_INT, INTERNAL_SUBERROR);
        int n = Math.min(16, Math.max(0, run.get(ValueLayout.JAVA_INT, INTERNAL_NDATA)));
        String what = switch (sub) {
            case 1 -> "KVM could not emulate an instruction (KVM_INTERNAL_ERROR_EMULATION): this host's KVM cannot run this guest code";
            case 2 -> "an exception while delivering an exception (KVM_INTERNAL_ERROR_SIMUL_EX)";
            case 3 -> "an exit while delivering an event (KVM_INTERNAL_ERROR_DELIVERY_EV)";
            case 4 -> "an exit reason KVM does not handle (KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON)";
            default -> "internal error, suberror " + sub;
        };
        StringBuilder b = new StringBuilder(what);
        // KVM_INTERNAL_ERROR_EMULATION with flag 1 carries the instruction: flags, insn_size, insn_bytes[15]
        if (sub == 1 && n >= 3 && (run.get(ValueLayout.JAVA_LONG, INTERNAL_DATA) & 1) != 0) {
            int size = Math.min(15, run.get(ValueLayout.JAVA_BYTE, INTERNAL_DATA + 8) & 0xff);
            b.append("; instruction bytes:");
            for (int i = 0; i < size; i++) b.append(String.format(" %02x", run.get(ValueLayout.JAVA_BYTE, INTERNAL_DATA + 9 + i) & 0xff));
            return b.toString();
        }
        if (n > 0) {
            b.append("; data:");
            for (int i = 0; i < n; i++) b.append(String.format(" %x", run.get(ValueLayout.JAVA_LONG, INTERNAL_DATA + 8L * i)));
        }
        return b.toString();
    }

    /** The reason, then the vCPU's registers and control registers: a VM that stops is never silent. */
    private String report(String reason) {
        StringBuilder b = new StringBuilder("vCPU " + vcpu + ": " + reason);
        try {
            b.append('\n').append(registers.get());
        } catch (RuntimeException e) {
            b.append("\n(registers unavailable: ").append(e.getMessage()).append(')');
        }
        return b.toString();
    }
}
