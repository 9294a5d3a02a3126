package org.jvirt.kvm.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The x86 verdicts the architecture guarantees, checked on this host's KVM: what the SDM says must
 * fault at CPL 3, and what must not. Verdicts the manuals leave to the host (what KVM emulates) are
 * reported by the command, not pinned here.
 */
class X86ClassifierTest {
    private static X86Classifier.Report report;

    @BeforeAll
    static void classify() {
        org.jvirt.kvm.TestKernels.assumeKvm();
        report = new X86Classifier().classify();
    }

    private static X86Classifier.Row row(String name) {
        return report.rows().stream().filter(r -> r.instruction().equals(name)).findFirst().orElseThrow(() -> new AssertionError("no probe " + name));
    }

    @Test
    void privilegedInstructionsGeneralProtectionFaultAtCpl3AndCompleteAtCpl0() {
        for (String name : new String[] {"hlt", "cli", "sti", "in al, 0x80", "out 0x80, al", "mov rax, cr0", "mov cr0, rax (TS=1)",
                "mov rax, cr3", "mov cr3, rax (same)", "mov rax, dr7", "lgdt [rbx] (world B's)", "lidt [rbx] (world B's)", "wbinvd",
                "invlpg [rbx]", "rdmsr (EFER)", "clts"}) {
            X86Classifier.Verdict v = row(name).plain();
            assertEquals(13, v.cpl3().vector(), () -> name + " at CPL 3: " + v.cpl3());
            assertTrue(v.cpl0().completed(), () -> name + " at CPL 0: " + v.cpl0());
            assertTrue(v.privileged(), name);
        }
    }

    @Test
    void loadsOfControlStateAtCpl0AreSeenAsControlSensitive() {
        assertTrue(row("lgdt [rbx] (world B's)").plain().controlSensitive());
        assertTrue(row("lidt [rbx] (world B's)").plain().controlSensitive());
        assertTrue(row("mov cr0, rax (TS=1)").plain().controlSensitive());
        assertTrue(row("cli").plain().controlSensitive());
    }

    @Test
    void withoutUmipTheDescriptorTableStoresRunAtCpl3AndRevealControlState() {
        for (String name : new String[] {"sgdt [rbx]", "sidt [rbx]", "sldt eax", "str eax", "smsw rax"}) {
            X86Classifier.Verdict v = row(name).plain();
            assertTrue(v.cpl3().completed(), () -> name + " at CPL 3: " + v.cpl3());
            assertTrue(v.behaviourSensitive() && v.userSensitive() && !v.privileged(), () -> name + ": " + v);
        }
        assertTrue(report.theorem1Violations(false).contains("sgdt [rbx]"));
        assertTrue(report.theorem3Violations(false).contains("smsw rax"));
    }

    @Test
    void umipMakesThemGeneralProtectionFaultAtCpl3() {
        assumeTrue(report.umipOffered(), "this host's KVM does not offer UMIP");
        assertEquals(null, report.umipProblem());
        for (String name : new String[] {"sgdt [rbx]", "sidt [rbx]", "sldt eax", "str eax", "smsw rax"}) {
            X86Classifier.Verdict v = row(name).umip();
            assertNotNull(v);
            assertEquals(13, v.cpl3().vector(), () -> name + " at CPL 3 with UMIP: " + v.cpl3());
            assertTrue(v.cpl0().completed() && v.privileged(), name);
        }
        assertFalse(report.theorem1Violations(true).contains("sgdt [rbx]"));
    }

    @Test
    void popfSilentlyIgnoresIfAtCpl3AndIsTheClassicViolation() {
        X86Classifier.Verdict v = row("popfq (IF=0)").plain();
        assertTrue(v.cpl0().completed() && v.cpl3().completed());
        assertTrue(v.sensitive() && !v.privileged(), v::toString);
        assertTrue(report.theorem1Violations(true).contains("popfq (IF=0)"), "UMIP does not cover POPF");
    }

    @Test
    void legacySegmentPushesAreInvalidInLongMode() {
        assertEquals(6, row("push cs").plain().cpl0().vector());
        assertEquals(6, row("push cs").plain().cpl3().vector());
    }

    @Test
    void anOrdinaryInstructionIsInnocuous() {
        X86Classifier.Verdict v = row("add rax, rcx").plain();
        assertTrue(v.cpl0().completed() && v.cpl3().completed());
        assertFalse(v.sensitive() || v.privileged(), v::toString);
    }

    @Test
    void theWholeClassificationIsQuick() {
        assertTrue(report.millis() < 20_000, report.millis() + " ms");
    }

    @Test
    void aProbeThatNeverEndsIsReportedAsAHang() {
        try (ProbeVm vm = new ProbeVm(false, 100)) {
            long t = System.nanoTime();
            ProbeVm.Result r = vm.run(new byte[] {(byte) 0xeb, (byte) 0xfe}, new ProbeVm.Setup(new long[6], null, new long[0]), 0, ProbeVm.World.A);
            assertTrue(r instanceof ProbeVm.Result.Hang, r::toString);
            assertTrue((System.nanoTime() - t) / 1_000_000 < 5_000);
            // and the VM is still usable afterwards
            r = vm.run(new byte[] {(byte) 0x90}, new ProbeVm.Setup(new long[6], null, new long[0]), 3, ProbeVm.World.A);
            assertTrue(r instanceof ProbeVm.Result.Completed, r::toString);
        }
    }

    @Test
    void theJsonHasEveryRowAndBothTheorems() {
        String j = X86Report.json(report);
        assertTrue(j.startsWith("{\"arch\":\"x86_64\""));
        for (X86Classifier.Row r : report.rows()) assertTrue(j.contains(X86Report.q(r.instruction())), r.instruction());
        assertTrue(j.contains("\"theorem1\":{\"plain\":false"));
        String t = X86Report.table(report);
        assertTrue(t.contains("Theorem 1, without UMIP: does not hold"), t);
    }
}
