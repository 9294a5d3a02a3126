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
        assertPassed(TestKernels.run("test=pio", 1, 5000, null), "rep outsb reached the uart", "ok: insb from an unassigned port", "ok: rep insb from an unassigned port");
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

    @Test
    void severalVcpusStartThroughInitSipiSipi() throws Exception {
        assertPassed(TestKernels.run("test=smp cpus=4", 4, TIMEOUT, null), "ok: the MP table lists cpus= processors", "cpu 1 up", "cpu 2 up", "cpu 3 up", "smp: 4 cpus up");
    }

    @Test
    void aVirtioBlockDriverReadsAndWritesTheHostImage(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path image = dir.resolve("disk.img");
        byte[] data = new byte[64 * 512];
        byte[] hello = "sector zero, from the host".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(hello, 0, data, 0, hello.length);
        java.nio.file.Files.write(image, data);
        org.jvirt.virtio.BlockDevice disk = new org.jvirt.virtio.BlockDevice(image, false);
        TestKernels.Run r;
        try (disk) {
            r = TestKernels.run("test=virtio", 1, TIMEOUT, m -> m.attach(disk));
        }
        assertPassed(r, "disk: 64 sectors", "sector 0 says: sector zero, from the host", "ok: write sector 1", "ok: each request completed with an interrupt");
        byte[] after = java.nio.file.Files.readAllBytes(image);
        String written = new String(after, 512, 40, java.nio.charset.StandardCharsets.US_ASCII);
        assertEquals("written by the x86 guest over virtio-blk", written);
        assertEquals(0x55, after[512 + 0x55] & 0xff);
    }

    @Test
    void aGuestFloodingWildPortsAndAddressesIsStoppedOnTime() throws Exception {
        TestKernels.Run r = TestKernels.run("test=flood", 2, 1500, null);
        assertEquals(new Outcome.Timeout(), r.outcome(), r.console());
        assertTrue(r.machine().stats().unassignedMmioCount() > 100 && r.machine().ports().unassignedCount() > 100);
    }
}
