package org.jvirt.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Boots guests/sbi/sbi-test.S as a kernel in S-mode and lets it check the SBI: under the built-in
 * firmware and under Debian's OpenSBI (fw_jump and fw_dynamic), with one hart and with two (HSM
 * start and stop, IPIs). OpenSBI also exercises the board from M-mode: PMP, the CLINT's timers and
 * software interrupts, the PLIC and the UART.
 */
class SbiBootTest {
    static final Path OPENSBI = Path.of("/usr/lib/riscv64-linux-gnu/opensbi/generic");

    @TestFactory
    List<DynamicTest> theSbiChecksPass() throws Exception {
        Path kernel = Guests.make("sbi").resolve("build/sbi-test.elf");
        assertTrue(Files.isDirectory(OPENSBI), "Debian's opensbi package is needed (.ci/run installs it)");
        List<DynamicTest> tests = new ArrayList<>();
        for (String fw : new String[] {null, "fw_jump.bin", "fw_dynamic.bin"}) {
            for (int cpus : new int[] {1, 2}) {
                String name = (fw == null ? "built-in SBI" : "OpenSBI " + fw) + ", " + cpus + " hart" + (cpus > 1 ? "s" : "");
                tests.add(DynamicTest.dynamicTest(name, () -> {
                    List<String> args = new ArrayList<>(List.of("run", "--kernel", kernel.toString(), "--cpus", "" + cpus, "--timeout", "60s"));
                    if (fw != null) args.addAll(List.of("--firmware", OPENSBI.resolve(fw).toString()));
                    Cli r = Cli.run(args.toArray(String[]::new));
                    assertEquals(0, r.status(), "the check that failed is the exit status; output:\n" + r.out() + r.err());
                    assertTrue(r.out().contains("sbi-test: console_write ok"), r.out());
                    if (fw != null) assertTrue(r.out().contains("OpenSBI"), r.out());
                }));
            }
        }
        return tests;
    }
}
