package org.jvirt.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Boots the bundled Linux guest (guests/linux/images) to its shell, runs commands through the
 * console as a person would, and powers off: with the built-in SBI and one hart, with four harts,
 * and through Debian's OpenSBI.
 */
class LinuxBootTest {
    static Path images() { return Guests.root().resolve("guests/linux/images"); }

    static final String PROMPT = "jvirt:/# ";

    @TestFactory
    List<DynamicTest> theGuestBootsToAShellAndPowersOff() {
        List<DynamicTest> tests = new ArrayList<>();
        String[][] configs = {{"built-in SBI, 1 hart", "1", null}, {"built-in SBI, 4 harts", "4", null},
                {"OpenSBI fw_jump, 1 hart", "1", "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin"}};
        for (String[] c : configs) {
            tests.add(DynamicTest.dynamicTest(c[0], () -> {
                ScriptedConsole console = new ScriptedConsole()
                        .then(PROMPT, "uname -m")
                        .then(PROMPT, "grep -c processor /proc/cpuinfo; grep -m1 isa /proc/cpuinfo")
                        .then(PROMPT, "poweroff -f");
                List<String> args = new ArrayList<>(List.of("run", "--kernel", images().resolve("Image.gz").toString(),
                        "--initrd", images().resolve("initramfs.cpio.gz").toString(), "--mem", "256M",
                        "--cpus", c[1], "--timeout", "240s"));
                if (c[2] != null) args.addAll(List.of("--firmware", c[2]));
                java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
                int status = Main.execute(console.in(), console.out(), new java.io.PrintStream(err, true), args.toArray(String[]::new));
                String out = console.output();
                assertEquals(0, status, "exit status; console:\n" + out + "\nstderr:\n" + err);
                assertTrue(out.contains("jvirt-guest: init reached"), out);
                assertTrue(out.contains("\nriscv64"), out);
                assertTrue(out.contains("\n" + c[1] + "\r\n") || out.contains("\n" + c[1] + "\n"), "processors: " + out);
                assertTrue(out.contains("rv64imafdc"), out);
            }));
        }
        return tests;
    }
}
