package org.jvirt.kvm.pg;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.jvirt.kvm.Kvm;
import org.jvirt.kvm.KvmUnavailableException;

/** Skips a test, with the reason, where /dev/kvm cannot be used. */
final class KvmAssume {
    private KvmAssume() { }

    private static String problem;

    static synchronized void kvm() {
        if (problem == null) {
            try (Kvm k = Kvm.open()) {
                problem = "";
            } catch (KvmUnavailableException e) {
                problem = e.getMessage();
            }
        }
        assumeTrue(problem.isEmpty(), () -> "KVM is not usable here: " + problem);
    }
}
