package org.jvirt.kvm.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.jvirt.machine.PgWorkload;

/** The properties on KVM, and the workload itself against its Java statement ({@link PgWorkload}). */
class KvmPropertiesTest {
    @Test
    void theGeneratedCodeComputesWorkloadHWhenRunNatively() {
        for (long n : new long[] {1, 2, 1000, 100_000}) assertEquals(PgWorkload.checksum(n), X86Workload.runNatively(n), "n = " + n);
    }

    @Test
    void onKvmTheWorkloadEqualsNativeAndTheProbesAreContained() {
        org.jvirt.kvm.TestKernels.assumeKvm();
        KvmProperties.Report r = new KvmProperties().measure(2000);
        assertEquals(null, r.failure());
        assertTrue(r.equivalence().holds(), r.equivalence()::toString);
        assertEquals(PgWorkload.checksum(2000), r.equivalence().guest());
        assertEquals(X86Workload.instructions(2000) + 2, r.efficiency().instructions());
        assertTrue(r.efficiency().vmmExits() == 0, r.efficiency()::toString); // the loop touches no device
        assertTrue(r.efficiency().fraction() > 0.5 && r.efficiency().fraction() <= 1.0, r.efficiency()::toString);
        assertEquals(5, r.resources().size());
        for (KvmProperties.Probe p : r.resources()) assertTrue(p.contained(), p::toString);
    }
}
