package org.jvirt.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The test kernels of guests/x86 on the KVM engine: each test passes by writing 0 to isa-debug-exit (status 1). */
class TestKernelTest {
    private static final Outcome PASS = new Outcome.Exited(1);
    private static final long TIMEOUT = 60_000;

    private static void assertPassed(TestKernels.Run r, String... expected) {
        assertEquals(PASS, r.outcome(), () -> "exits " + r.machine().stats().byReason() + ", devices " + r.machine().deviceAccesses() + ", guest output:\n" + r.console());
        for (String e : expected) assertTrue(r.console().contains(e), () -> "no '" + e + "' in:\n" + r.console());
    }

    @Test
    void pvhBootPrintsOnTheSerialConsoleAndExitsThroughTheDebugPort() throws Exception {
        TestKernels.Run r = TestKernels.run("test=hello console=ttyS0", 1, TIMEOUT, null);
        assertPassed(r, "hello from an x86-64 PVH guest", "ok: start_info magic", "command line: test=hello console=ttyS0",
                " 0+9fc00(ram) 9fc00+60400(reserved) 100000+3f00000(ram)");
    }

    @Test
    void portIoExitsIncludingStringInstructions() throws Exception {
        assertPassed(TestKernels.run("test=pio", 1, 5000, null), "rep outsb reached the uart", "ok: insb from an unassigned port");
    }

    @Test
    void mmioExitsReachTheBusAndUnassignedAddressesReadAllOnes() throws Exception {
        TestKernels.Run r = TestKernels.run("test=mmio", 1, TIMEOUT, m -> m.attach(new org.jvirt.virtio.RngDevice()));
        assertPassed(r, "ok: virtio-mmio magic", "ok: unassigned MMIO reads as all ones", "ok: the in-kernel local APIC answers");
        assertTrue(r.machine().stats().unassignedMmioCount() >= 3);
    }

    @Test
    void cpuidComesFromKvmWithOurApicId() throws Exception {
        assertPassed(TestKernels.run("test=cpuid", 1, TIMEOUT, null), "ok: cpuid.1 reports a hypervisor", "ok: cpuid.1 apic id", "hypervisor: KVMKVMKVM");
    }

    @Test
    void interruptsFromThePitAndTheUartGoThroughTheIrqchip() throws Exception {
        assertPassed(TestKernels.run("test=irq", 1, TIMEOUT, null), "ok: 20 timer interrupts", "ok: a uart interrupt");
    }

    @Test
    void i8042ResetEndsTheRunAsAReset() throws Exception {
        TestKernels.Run r = TestKernels.run("test=reset", 1, TIMEOUT, null);
        assertTrue(r.outcome() instanceof Outcome.Reset, () -> r.outcome() + "\n" + r.console());
    }

    @Test
    void aTripleFaultIsAResetNotAHang() throws Exception {
        TestKernels.Run r = TestKernels.run("test=triple", 1, TIMEOUT, null);
        assertTrue(r.outcome() instanceof Outcome.Reset, () -> r.outcome() + "\n" + r.console());
    }

    @Test
    void aSpinningGuestStopsAtTheTimeout() throws Exception {
        TestKernels.Run r = TestKernels.run("test=spin", 2, 1500, null);
        assertEquals(new Outcome.Timeout(), r.outcome());
    }
}
