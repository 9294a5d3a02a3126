package org.jvirt.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Per-vCPU CPUID: APIC ids, the logical-processor count, the hypervisor bit; and the kvm_cpuid2 round trip. */
class CpuidTableTest {
    private final CpuidTable host = new CpuidTable(List.of(
            new CpuidTable.Entry(0, 0, 0, 0xd, 0x756e6547, 0x6c65746e, 0x49656e69),
            new CpuidTable.Entry(1, 0, 0, 0x906ea, 0x0010_0800, 0x7ffa_3203, 0x178b_fbff),
            new CpuidTable.Entry(0xb, 0, 1, 1, 1, 0x100, 0),
            new CpuidTable.Entry(0xb, 1, 1, 4, 4, 0x201, 0)));

    @Test
    void eachVcpuSeesItsOwnApicId() {
        CpuidTable t = host.forVcpu(3, 4);
        CpuidTable.Entry leaf1 = t.find(1, 0).orElseThrow();
        assertEquals(3, leaf1.ebx() >>> 24);
        assertEquals(4, (leaf1.ebx() >>> 16) & 0xff);
        assertEquals(0x0800, leaf1.ebx() & 0xffff);        // brand and CLFLUSH size kept
        assertEquals(1, leaf1.ecx() >>> 31);                // hypervisor present
        assertEquals(3, t.find(0xb, 0).orElseThrow().edx());
        assertEquals(3, t.find(0xb, 1).orElseThrow().edx());
        assertEquals(host.find(0, 0), t.find(0, 0));
    }

    @Test
    void theKernelStructureRoundTrips() {
        try (Arena a = Arena.ofConfined()) {
            assertEquals(host, CpuidTable.read(host.write(a)));
        }
    }
}
