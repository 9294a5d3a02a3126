package org.jvirt.kvm.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The properties on KVM, and the workload itself against a reference written from workload.h. */
class KvmPropertiesTest {
    /** guests/x86/workload.h in Java. */
    static long reference(long n) {
        int[] table = new int[1024];
        long x = X86Workload.SEED, sum = 0;
        for (long i = 0; i < n; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            int slot = (int) x & 1023;
            table[slot] += (int) (x >>> 32);
            sum += (table[(slot * 7) & 1023] & 0xffff_ffffL) ^ i;
        }
        return sum;
    }

    @Test
    void theGeneratedCodeComputesWorkloadHWhenRunNatively() {
        for (long n : new long[] {1, 2, 1000, 100_000}) assertEquals(reference(n), X86Workload.runNatively(n), "n = " + n);
    }

    @Test
    void onKvmTheWorkloadEqualsNativeAndTheProbesAreContained() {
        org.jvirt.kvm.TestKernels.assumeKvm();
        KvmProperties.Report r = new KvmProperties().measure(2000);
        assertEquals(null, r.failure());
        assertTrue(r.equivalence().holds(), r.equivalence()::toString);
        assertEquals(reference(2000), r.equivalence().guest());
        assertEquals(X86Workload.instructions(2000) + 2, r.efficiency().instructions());
        assertTrue(r.efficiency().vmmExits() == 0, r.efficiency()::toString); // the loop touches no device
        assertTrue(r.efficiency().fraction() > 0.5 && r.efficiency().fraction() <= 1.0, r.efficiency()::toString);
        assertEquals(5, r.resources().size());
        for (KvmProperties.Probe p : r.resources()) assertTrue(p.contained(), p::toString);
    }
}
