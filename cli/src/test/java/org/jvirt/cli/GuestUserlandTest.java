package org.jvirt.cli;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The equivalence property on a whole system, against another implementation: the bundled guest's
 * programs (hashing, compression, sorting, floating-point formatting, shell arithmetic) print under
 * each engine of jvirt exactly what they print under QEMU, on the same kernel and initramfs. The
 * commands are typed at the prompt, so under the translator their code is hot enough to be translated.
 */
class GuestUserlandTest {
    private static final String FIRMWARE = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin";
    /** Typed as one line; the markers are computed by the shell, so the echoed line does not hold them. */
    private static final String CHECKS = "echo BEGIN-$((1+1)); echo hello | sha256sum; seq 1 20000 | md5sum;"
            + " seq 1 3000 | sort -r | md5sum; seq 1 5000 | gzip -c | md5sum;"
            + " awk 'BEGIN { printf \"%.12f %.6e %d %.3f\\n\", atan2(1, 1) * 4, exp(10) / 3, 2 ^ 40, sqrt(2) }';"
            + " echo $((123456789 * 987654321)) $((-7 / 2)) $((-7 % 2)) $((1 << 62)); printf '%s\\n' a bb ccc | wc;"
            + " echo END-$((1+1))";

    private static ScriptedConsole script() {
        return new ScriptedConsole().then(LinuxBootTest.PROMPT, CHECKS).then("END-2", "poweroff -f");
    }

    /** What the checks printed, between the markers, with the console's line ends made plain. */
    private static String checked(String console) {
        int from = console.indexOf("\nBEGIN-2"), to = console.indexOf("\nEND-2");
        assertTrue(from >= 0 && to > from, "the checks did not run to their end:\n" + console);
        return console.substring(from, to).replace("\r", "");
    }

    @TestFactory
    List<DynamicTest> programsPrintWhatTheyPrintUnderQemu(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isRegularFile(Path.of(FIRMWARE)) && onPath("qemu-system-riscv64"),
                "QEMU and OpenSBI (Debian: qemu-system-misc, opensbi) are the reference");
        String reference = checked(underQemu(dir));
        assertTrue(reference.contains("5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"), reference);
        List<DynamicTest> tests = new ArrayList<>();
        for (String engine : new String[] {"dbt", "interp"}) {
            tests.add(DynamicTest.dynamicTest(engine, () -> {
                ScriptedConsole console = script();
                int status = LinuxBootTest.boot(console, "--engine", engine);
                assertEquals(0, status, console.output());
                assertEquals(reference, checked(console.output()));
            }));
        }
        return tests;
    }

    private static boolean onPath(String program) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":"))
            if (Files.isExecutable(Path.of(d, program))) return true;
        return false;
    }

    /** Boots the guest under QEMU (OpenSBI, -M virt), types the script, and returns the console. */
    private static String underQemu(Path dir) throws Exception {
        Path kernel = dir.resolve("Image");
        try (InputStream in = new GZIPInputStream(Files.newInputStream(LinuxBootTest.images().resolve("Image.gz")))) {
            Files.copy(in, kernel);
        }
        ScriptedConsole console = script();
        Process p = new ProcessBuilder("qemu-system-riscv64", "-M", "virt", "-m", "256M", "-nographic", "-bios", FIRMWARE,
                "-kernel", kernel.toString(), "-initrd", LinuxBootTest.images().resolve("initramfs.cpio.gz").toString(),
                "-append", "console=ttyS0").redirectErrorStream(true).start();
        Thread output = Thread.ofVirtual().start(() -> pump(p.getInputStream(), console.out()));
        Thread input = Thread.ofVirtual().start(() -> pump(console.in(), p.getOutputStream()));
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("QEMU did not power off:\n" + console.output());
        }
        output.join(5000);
        input.interrupt();
        return console.output();
    }

    private static void pump(InputStream from, OutputStream to) {
        byte[] buf = new byte[4096];
        try (from; to) {
            for (int n; (n = from.read(buf)) > 0; ) {
                to.write(buf, 0, n);
                to.flush();
            }
        } catch (java.io.IOException e) {
            // the process ended: nothing more to copy
        }
    }
}
