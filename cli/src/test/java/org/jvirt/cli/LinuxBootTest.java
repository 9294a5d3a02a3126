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
                        .then(PROMPT, "cat /sys/class/misc/hw_random/rng_current; head -c 8 /dev/hwrng | wc -c")
                        // dd times its copy with clock_gettime, which the vDSO answers with rdtime in U-mode.
                        .then(PROMPT, "dd if=/dev/zero of=/dev/null bs=512 count=4")
                        .then(PROMPT, "poweroff -f");
                List<String> args = new ArrayList<>(List.of("run", "--kernel", images().resolve("Image.gz").toString(),
                        "--initrd", images().resolve("initramfs.cpio.gz").toString(), "--mem", "256M",
                        "--cpus", c[1], "--timeout", "240s", "--stats"));
                if (c[2] != null) args.addAll(List.of("--firmware", c[2]));
                java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
                int status = Main.execute(console.in(), console.out(), new java.io.PrintStream(err, true), args.toArray(String[]::new));
                String out = console.output();
                assertEquals(0, status, "exit status; console:\n" + out + "\nstderr:\n" + err);
                assertTrue(out.contains("jvirt-guest: init reached"), out);
                assertTrue(out.contains("\nriscv64"), out);
                assertTrue(out.contains("\n" + c[1] + "\r\n") || out.contains("\n" + c[1] + "\n"), "processors: " + out);
                assertTrue(out.contains("rv64imafdc"), out);
                assertTrue(out.contains("virtio_rng.0"), "virtio-rng is the guest's hardware RNG: " + out);
                assertTrue(out.contains("\n8\r\n"), "8 random bytes read: " + out);
                assertTrue(out.contains("2048 bytes") && !out.contains("Illegal instruction"), "user mode reads the time: " + out);
                // Under the translator the boot is interpreted, and translation begins when the guest
                // waits at its prompt.
                if (org.jvirt.riscv.Engine.DEFAULT == org.jvirt.riscv.Engine.DBT)
                    assertTrue(err.toString().contains("boot gate             opened after"), err.toString());
            }));
        }
        return tests;
    }

    static int boot(ScriptedConsole console, String... extra) {
        List<String> args = new ArrayList<>(List.of("run", "--kernel", images().resolve("Image.gz").toString(),
                "--initrd", images().resolve("initramfs.cpio.gz").toString(), "--timeout", "240s"));
        args.addAll(List.of(extra));
        return Main.execute(console.in(), console.out(), new java.io.PrintStream(java.io.OutputStream.nullOutputStream()), args.toArray(String[]::new));
    }

    static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
        return out;
    }

    /**
     * The equivalence property on a whole kernel: every translated run of the boot, and of a shell
     * loop hot enough to be translated, is checked against the interpreter (the threshold is lowered
     * so that much of the boot is translated).
     */
    @org.junit.jupiter.api.Test
    void theTranslatorAgreesWithTheInterpreterThroughABootInLockstep() {
        ScriptedConsole console = new ScriptedConsole()
                .then(PROMPT, "i=0; while [ $i -lt 300 ]; do i=$((i+1)); done; echo counted $i")
                .then(PROMPT, "poweroff -f");
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        List<String> args = new ArrayList<>(List.of("run", "--kernel", images().resolve("Image.gz").toString(),
                "--initrd", images().resolve("initramfs.cpio.gz").toString(), "--timeout", "240s",
                "--engine", "lockstep", "--dbt-threshold", "2000", "--stats"));
        int status = Main.execute(console.in(), console.out(), new java.io.PrintStream(err, true), args.toArray(String[]::new));
        assertEquals(0, status, "exit status (3 is a divergence); stderr:\n" + err);
        assertTrue(console.output().contains("counted 300"), console.output());
        String stats = err.toString();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("lockstep +([0-9,]+) translated runs checked").matcher(stats);
        assertTrue(m.find(), stats);
        assertTrue(Long.parseLong(m.group(1).replace(",", "")) > 10_000, "few translated runs were checked: " + stats);
    }

    @org.junit.jupiter.api.Test
    void aFileWrittenToTheVirtioDiskIsOnTheHostAndSurvivesAReboot(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path disk = dir.resolve("disk.img");
        run("mke2fs", "-q", "-t", "ext2", disk.toString(), "8M");
        ScriptedConsole first = new ScriptedConsole()
                .then(PROMPT, "echo written-by-the-guest > /mnt/note.txt; sync")
                .then(PROMPT, "poweroff -f");
        assertEquals(0, boot(first, "--disk", disk.toString()), first.output());
        assertTrue(first.output().contains("/dev/vda mounted on /mnt"), first.output());
        assertEquals("written-by-the-guest\n", run("debugfs", "-R", "cat /note.txt", disk.toString()).lines()
                .filter(l -> !l.startsWith("debugfs")).reduce("", (a, b) -> a + b + "\n"));

        ScriptedConsole second = new ScriptedConsole()
                .then(PROMPT, "cat /mnt/note.txt")
                .then(PROMPT, "poweroff -f");
        assertEquals(0, boot(second, "--disk", disk.toString()), second.output());
        assertTrue(second.output().contains("cat /mnt/note.txt\r\nwritten-by-the-guest"), second.output());
    }

    @org.junit.jupiter.api.Test
    void panicsResetsAndRebootsEndTheRunAsTheyShould() {
        // A panic (init exits) ends the run with status 1 and the reason.
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        ScriptedConsole panic = new ScriptedConsole();
        int status = Main.execute(panic.in(), panic.out(), new java.io.PrintStream(err, true), "run",
                "--kernel", images().resolve("Image.gz").toString(), "--initrd", images().resolve("initramfs.cpio.gz").toString(),
                "--append", "console=ttyS0 rdinit=/bin/false", "--timeout", "240s");
        assertEquals(1, status, panic.output());
        assertTrue(panic.output().contains("Kernel panic"), panic.output());
        assertTrue(err.toString().contains("the guest kernel panicked"), err.toString());

        // A reset with --no-reboot ends the run with status 1; without it the guest boots again.
        ScriptedConsole reset = new ScriptedConsole().then(PROMPT, "reboot -f");
        assertEquals(1, boot(reset, "--no-reboot"), reset.output());
        ScriptedConsole reboot = new ScriptedConsole().then(PROMPT, "reboot -f").then(PROMPT, "poweroff -f");
        assertEquals(0, boot(reboot), reboot.output());
        assertEquals(2, reboot.output().split("jvirt-guest: init reached", -1).length - 1, "booted twice: " + reboot.output());
    }

    @org.junit.jupiter.api.Test
    void theShellCanRunOnTheVirtioConsole() {
        // The bundled kernel also has the SBI console driver, which is hvc0; the virtio console is hvc1.
        ScriptedConsole c = new ScriptedConsole()
                .then(PROMPT, "echo typed-on-$((40+2)); cat /sys/class/tty/console/active")
                .then(PROMPT, "poweroff -f");
        assertEquals(0, boot(c, "--virtio-console", "--append", "console=hvc1"), c.output());
        assertTrue(c.output().contains("typed-on-42"), "input reached the shell: " + c.output());
        assertTrue(c.output().contains("hvc1"), c.output());
    }

    /**
     * Linux's own driver negotiates discard and write-zeroes from the configuration space, and a
     * busybox blkdiscard in the guest gives the blocks back to the host. The disk is raw (no file
     * system), so init's mount fails and nothing else touches it.
     */
    @org.junit.jupiter.api.Test
    void blkdiscardInTheGuestPunchesAHoleInTheImage(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path disk = dir.resolve("raw.img");
        byte[] data = new byte[8 << 20];
        java.util.Arrays.fill(data, (byte) 0x5a);
        java.nio.file.Files.write(disk, data);
        long before = Long.parseLong(run("stat", "--format=%b", disk.toString()).trim());
        ScriptedConsole c = new ScriptedConsole()
                .then(PROMPT, "cat /sys/block/vda/queue/discard_max_bytes /sys/block/vda/queue/write_zeroes_max_bytes")
                .then(PROMPT, "blkdiscard -o 1048576 -l 4194304 /dev/vda && echo discard-$((6*7))")
                .then(PROMPT, "poweroff -f");
        assertEquals(0, boot(c, "--disk", disk.toString()), c.output());
        String out = c.output();
        assertTrue(out.contains("\n2147483648\r\n67108864\r\n"), "the guest read the limits from the configuration: " + out);
        assertTrue(out.contains("discard-42"), "blkdiscard succeeded: " + out);
        long after = Long.parseLong(run("stat", "--format=%b", disk.toString()).trim());
        assertTrue(after <= before - 8192, "4 MiB went back to the host: " + before + " -> " + after + " sectors");
        byte[] image = java.nio.file.Files.readAllBytes(disk);
        assertEquals(data.length, image.length, "the image keeps its size");
        for (int i = 0; i < image.length; i++) {
            boolean discarded = i >= 1 << 20 && i < 5 << 20;
            if (image[i] != (discarded ? 0 : 0x5a)) fail("byte " + i + " is " + image[i]);
        }
    }

    @org.junit.jupiter.api.Test
    void aReadOnlyDiskRefusesWrites(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path disk = dir.resolve("ro.img");
        run("mke2fs", "-q", "-t", "ext2", disk.toString(), "8M");
        byte[] before = java.nio.file.Files.readAllBytes(disk);
        ScriptedConsole c = new ScriptedConsole()
                .then(PROMPT, "echo x > /mnt/x; sync; cat /sys/block/vda/ro")
                .then(PROMPT, "poweroff -f");
        assertEquals(0, boot(c, "--disk", disk + ",ro"), c.output());
        assertTrue(c.output().contains("\n1\r\n") || c.output().contains("Read-only"), c.output());
        assertArrayEquals(before, java.nio.file.Files.readAllBytes(disk), "the image is unchanged");
    }
}
