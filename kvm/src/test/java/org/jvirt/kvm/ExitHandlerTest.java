package org.jvirt.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import org.jvirt.machine.Bus;
import org.jvirt.machine.GuestMemory;
import org.jvirt.machine.MmioDevice;
import org.junit.jupiter.api.Test;

/** Exit dispatch from a kvm_run page written by hand: runs on any host, KVM or not. */
class ExitHandlerTest {
    private final Arena arena = Arena.ofAuto();
    private final MemorySegment run = arena.allocate(8192, 4096);
    private final GuestMemory ram = GuestMemory.allocate(0, 1 << 20);
    private final Bus bus = new Bus(ram);
    private final PortBus ports = new PortBus();
    private final List<String> log = new ArrayList<>();
    private final List<Outcome> outcomes = new ArrayList<>();
    private final ExitStats stats = new ExitStats(1);
    private final ExitHandler handler = new ExitHandler(0, run, bus, ports, stats, outcomes::add, () -> "rip 1234");

    private static long off(String path) { return Structs.offset(Structs.KVM_RUN, path); }

    private MmioDevice recorder(String name) {
        return new MmioDevice() {
            public String name() { return name; }
            public long read(long o, int size) { log.add(name + " read " + o + "/" + size); return 0x5a; }
            public void write(long o, int size, long v) { log.add(name + " write " + o + "/" + size + "=" + Long.toHexString(v)); }
        };
    }

    private void io(boolean out, int size, int port, int count) {
        run.set(ValueLayout.JAVA_BYTE, off("exit.io.direction"), (byte) (out ? 1 : 0));
        run.set(ValueLayout.JAVA_BYTE, off("exit.io.size"), (byte) size);
        run.set(ValueLayout.JAVA_SHORT, off("exit.io.port"), (short) port);
        run.set(ValueLayout.JAVA_INT, off("exit.io.count"), count);
        run.set(ValueLayout.JAVA_LONG, off("exit.io.data_offset"), 4096);
    }

    @Test
    void stringPortOutputReachesTheDeviceItemByItem() {
        ports.map(0x3f8, 8, recorder("uart"));
        io(true, 1, 0x3f8, 3);
        run.asSlice(4096, 3).copyFrom(MemorySegment.ofArray("abc".getBytes()));
        assertTrue(handler.handle(Vcpu.EXIT_IO));
        assertEquals(List.of("uart write 0/1=61", "uart write 0/1=62", "uart write 0/1=63"), log);
        io(false, 2, 0x3f9, 1);
        handler.handle(Vcpu.EXIT_IO);
        assertEquals(0x5a, run.get(ValueLayout.JAVA_SHORT_UNALIGNED, 4096));
        io(false, 4, 0x1234, 1);
        handler.handle(Vcpu.EXIT_IO);
        assertEquals(-1, run.get(ValueLayout.JAVA_INT_UNALIGNED, 4096));
        assertEquals(1, ports.unassignedCount());
    }

    @Test
    void aBogusIoExitIsIgnored() {
        io(true, 3, 0x3f8, 1);                     // no such access size
        handler.handle(Vcpu.EXIT_IO);
        io(true, 4, 0x3f8, 1 << 30);               // data beyond the page
        handler.handle(Vcpu.EXIT_IO);
        assertTrue(log.isEmpty() && outcomes.isEmpty());
    }

    @Test
    void mmioGoesToTheBusAndUnassignedReadsAreAllOnes() {
        bus.map(0xd000_0000L, 0x1000, recorder("virtio"));
        run.set(ValueLayout.JAVA_LONG, off("exit.mmio.phys_addr"), 0xd000_0010L);
        run.set(ValueLayout.JAVA_INT, off("exit.mmio.len"), 4);
        run.set(ValueLayout.JAVA_BYTE, off("exit.mmio.is_write"), (byte) 1);
        run.set(ValueLayout.JAVA_LONG, off("exit.mmio.data"), 0xffff_ffff_1234_5678L);
        handler.handle(Vcpu.EXIT_MMIO);
        assertEquals(List.of("virtio write 16/4=12345678"), log);
        run.set(ValueLayout.JAVA_LONG, off("exit.mmio.phys_addr"), 0xe000_0000L);
        run.set(ValueLayout.JAVA_BYTE, off("exit.mmio.is_write"), (byte) 0);
        run.set(ValueLayout.JAVA_INT, off("exit.mmio.len"), 8);
        handler.handle(Vcpu.EXIT_MMIO);
        assertEquals(-1L, run.get(ValueLayout.JAVA_LONG, off("exit.mmio.data")));
        assertEquals(1, stats.unassignedMmioCount());
    }

    @Test
    void exitsThatEndTheRunBecomeOutcomesWithAReport() {
        run.set(ValueLayout.JAVA_INT, off("exit.system_event.type"), 1);
        handler.handle(Vcpu.EXIT_SYSTEM_EVENT);
        run.set(ValueLayout.JAVA_INT, off("exit.system_event.type"), 2);
        handler.handle(Vcpu.EXIT_SYSTEM_EVENT);
        handler.handle(Vcpu.EXIT_SHUTDOWN);
        run.set(ValueLayout.JAVA_INT, off("exit.internal.suberror"), 1);
        run.set(ValueLayout.JAVA_INT, off("exit.internal.ndata"), 4);
        run.set(ValueLayout.JAVA_LONG, off("exit.internal.data"), 1);           // flags: instruction bytes valid
        run.set(ValueLayout.JAVA_BYTE, off("exit.internal.data") + 8, (byte) 2); // insn_size
        run.set(ValueLayout.JAVA_BYTE, off("exit.internal.data") + 9, (byte) 0x0f);
        run.set(ValueLayout.JAVA_BYTE, off("exit.internal.data") + 10, (byte) 0x0b);
        handler.handle(Vcpu.EXIT_INTERNAL_ERROR);
        handler.handle(99);
        assertEquals(new Outcome.Exited(0), outcomes.get(0));
        assertEquals(new Outcome.Reset("system reset event"), outcomes.get(1));
        assertEquals(new Outcome.Reset("triple fault on vCPU 0"), outcomes.get(2));
        String report = ((Outcome.Failed) outcomes.get(3)).report();
        assertTrue(report.contains("could not emulate") && report.contains("instruction bytes: 0f 0b") && report.contains("rip 1234"), report);
        assertTrue(((Outcome.Failed) outcomes.get(4)).report().contains("unexpected exit: reason 99"));
        assertFalse(handler.handle(Vcpu.EXIT_HLT));
    }
}
