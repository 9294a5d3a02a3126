package org.jvirt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** jvirt run --arch x86_64: the KVM engine from the command line, and its errors. */
class X86RunTest {
    @TempDir Path dir;

    private static String kvmProblem() {
        try (org.jvirt.kvm.Kvm k = org.jvirt.kvm.Kvm.open()) {
            return null;
        } catch (org.jvirt.kvm.KvmUnavailableException e) {
            return e.getMessage();
        }
    }

    private static Path testKernel() throws Exception {
        Path d = Guests.root().resolve("guests/x86");
        Process p = new ProcessBuilder("make", "-s", "-C", d.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), "building guests/x86 failed (needs Debian's gcc):\n" + out);
        return d.resolve("build/testkernel.elf");
    }

    @Test
    void aTestKernelRunsAndItsDebugExitStatusComesThrough() throws Exception {
        String problem = kvmProblem();
        assumeTrue(problem == null, () -> "KVM is not usable here: " + problem);
        Cli r = Cli.run("run", "--arch", "x86_64", "--kernel", testKernel().toString(), "--append", "test=hello", "--stats");
        assertEquals(1, r.status(), r.err());
        assertTrue(r.out().contains("hello from an x86-64 PVH guest"), r.out());
        assertTrue(r.err().contains("engine: kvm") && r.err().contains("boot marker (port 0x505)") && r.err().contains("uart (port 0x3f8)"), r.err());
    }

    @Test
    void aDiskIsAnnouncedOnTheCommandLineAndWritten() throws Exception {
        String problem = kvmProblem();
        assumeTrue(problem == null, () -> "KVM is not usable here: " + problem);
        Path img = dir.resolve("d.img");
        Files.write(img, new byte[32 * 512]);
        Cli r = Cli.run("run", "--arch", "x86_64", "--engine", "kvm", "--kernel", testKernel().toString(), "--append", "test=virtio", "--disk", img.toString());
        assertEquals(1, r.status(), r.out() + r.err());
        assertEquals("written by the x86 guest", new String(Files.readAllBytes(img), 512, 24));
        Cli h = Cli.run("run", "--arch", "x86_64", "--kernel", testKernel().toString(), "--append", "test=hello", "--disk", img.toString());
        assertTrue(h.out().contains("virtio_mmio.device=4K@0xd0000000:5"), h.out());
    }

    @Test
    void resetsAndTimeoutsHaveTheirStatuses() throws Exception {
        String problem = kvmProblem();
        assumeTrue(problem == null, () -> "KVM is not usable here: " + problem);
        Cli r = Cli.run("run", "--arch", "x86_64", "--kernel", testKernel().toString(), "--append", "test=reset", "--no-reboot");
        assertEquals(1, r.status());
        assertTrue(r.err().contains("i8042 reset, --no-reboot"), r.err());
        Cli t = Cli.run("run", "--arch", "x86_64", "--kernel", testKernel().toString(), "--append", "test=spin", "--timeout", "500ms");
        assertEquals(RunCommand.EXIT_TIMEOUT, t.status());
        // without --no-reboot a reset boots the guest again, until the timeout
        Cli again = Cli.run("run", "--arch", "x86_64", "--kernel", testKernel().toString(), "--append", "test=reset", "--timeout", "3s");
        assertEquals(RunCommand.EXIT_TIMEOUT, again.status(), again.err());
        assertTrue(again.err().contains("the guest rebooted (i8042 reset)") && again.out().split("resetting through the i8042", -1).length > 2, again.out() + again.err());
    }

    @Test
    void badInputIsOneClearLine() throws Exception {
        Path text = dir.resolve("notes.txt");
        Files.writeString(text, "not a kernel");
        Cli[] runs = {
            Cli.run("run", "--arch", "x86_64", "--kernel", text.toString()),
            Cli.run("run", "--arch", "x86_64"),
            Cli.run("run", "--arch", "x86_64", "--kernel", text.toString(), "--mem", "8G"),
            Cli.run("run", "--arch", "arm", "--kernel", text.toString()),
            Cli.run("run", "--arch", "x86_64", "--engine", "tcg", "--kernel", text.toString()),
            Cli.run("run", "--arch", "x86_64", "--kernel", dir.resolve("missing").toString()),
        };
        for (Cli r : runs) {
            assertTrue(r.status() != 0, r.err());
            assertTrue(r.cleanErrors() && r.err().startsWith("jvirt: ") && r.err().strip().lines().count() == 1, r.err());
        }
        if (kvmProblem() == null) assertTrue(runs[0].err().contains("not an x86 kernel"), runs[0].err());
    }
}
