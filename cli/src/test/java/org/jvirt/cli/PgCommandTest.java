package org.jvirt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/** {@code jvirt pg}: both classifications and the properties, from the command line. */
class PgCommandTest {
    private static boolean kvm() {
        try (org.jvirt.kvm.Kvm k = org.jvirt.kvm.Kvm.open()) {
            return true;
        } catch (org.jvirt.kvm.KvmUnavailableException e) {
            return false;
        }
    }

    @Test
    void x86ClassificationPrintsTheTableAndTheVerdicts() {
        assumeTrue(kvm(), "KVM is not usable here");
        Cli c = Cli.run("pg", "classify", "--arch", "x86_64");
        assertEquals(0, c.status(), c.err());
        assertTrue(c.out().contains("sgdt [rbx]") && c.out().contains("Theorem 1, without UMIP:") && c.out().contains("Robin and Irvine"), c.out());
        Cli j = Cli.run("pg", "classify", "--arch", "x86_64", "--format", "json");
        assertEquals(0, j.status(), j.err());
        assertTrue(j.out().startsWith("{\"arch\":\"x86_64\"") && j.out().contains("\"theorem3\""), j.out());
    }

    @Test
    void propertiesCoverEveryEngineThisHostHas() {
        Cli c = Cli.run("pg", "properties", "--iterations", "3000", "--format", "json");
        assertEquals(0, c.status(), c.err());
        assertTrue(c.out().contains("\"engine\":\"interp\"") && c.out().contains("\"engine\":\"dbt\"") && c.out().contains("\"engine\":\"kvm\""), c.out());
        assertTrue(c.out().contains("\"interpDbt\":true"), c.out());
        assertTrue(!c.out().contains("\"contained\":false"), c.out());
        if (kvm()) assertTrue(c.out().contains("\"kvmNative\":true"), c.out());
        Cli t = Cli.run("pg", "properties", "--iterations", "3000");
        assertEquals(0, t.status(), t.err());
        assertTrue(t.out().contains("Efficiency") && t.out().contains("Equivalence") && t.out().contains("Resource control"), t.out());
    }

    @Test
    void badOptionsAreOneLineAndStatusTwo() {
        for (String[] args : new String[][] {{"pg", "properties", "--format", "xml"}, {"pg", "properties", "--iterations", "0"},
                {"pg", "classify", "--arch", "arm64"}}) {
            Cli c = Cli.run(args);
            assertEquals(Main.USAGE, c.status(), String.join(" ", args));
            assertTrue(c.cleanErrors() && c.err().strip().lines().count() == 1, c.err());
        }
    }
}
