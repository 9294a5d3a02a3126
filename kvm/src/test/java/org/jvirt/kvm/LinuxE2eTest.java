package org.jvirt.kvm;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Linux on the KVM engine, end to end: a kernel built by guests/x86-linux/build.sh (bzImage and
 * vmlinux) and Debian's linux-image-cloud-amd64, each with a busybox initramfs whose init prints a
 * line and resets. Each test first asks whether this host's KVM can boot Linux at all (the
 * linuxprobe test kernel runs int3, cmpxchg16b, xsave/xrstor, which some nested or paravirtual KVMs
 * cannot emulate) and skips with the reason when it cannot, or when the kernel is not installed.
 */
class LinuxE2eTest {
    private static String cannotBootLinux;

    @BeforeAll
    static void probe() throws Exception {
        TestKernels.assumeKvm();
        TestKernels.Run r = TestKernels.run("test=linuxprobe", 1, 30_000, null);
        if (r.outcome() instanceof Outcome.Failed f) cannotBootLinux = f.report().lines().findFirst().orElse("");
        else if (!r.outcome().equals(new Outcome.Exited(1))) cannotBootLinux = "the probe ended with " + r.outcome() + ": " + r.console();
    }

    private static void assumeLinuxCanBoot() {
        assumeTrue(cannotBootLinux == null, () -> "this host's KVM cannot boot Linux: " + cannotBootLinux);
    }

    private static Path linuxDir() { return TestKernels.root().resolve("guests/x86-linux"); }

    /** The initramfs: build.sh's, or one made here from Debian's busybox-static. */
    private static byte[] initramfs() throws Exception {
        Path built = linuxDir().resolve("out/initramfs.cpio.gz");
        if (Files.exists(built)) return Files.readAllBytes(built);
        Path busybox = Path.of("/bin/busybox");
        assumeTrue(Files.isRegularFile(busybox), "no /bin/busybox for the initramfs: install Debian's busybox-static");
        Cpio c = new Cpio().dir("bin").dir("dev").dir("proc").dir("sys").dir("tmp")
                .file("bin/busybox", 0755, Files.readAllBytes(busybox))
                .file("init", 0755, Files.readAllBytes(linuxDir().resolve("init")))
                .charDevice("dev/console", 0600, 5, 1);
        for (String applet : new String[] {"sh", "mount", "dd", "echo", "grep", "reboot", "cat", "ls"}) c.symlink("bin/" + applet, "busybox");
        return c.finish();
    }

    private static void boots(Path kernel, int cpus) throws Exception {
        assumeLinuxCanBoot();
        assumeTrue(Files.isRegularFile(kernel), () -> "no kernel at " + kernel + " (build it with guests/x86-linux/build.sh, or install linux-image-cloud-amd64)");
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        try (X86Machine m = new X86Machine(256 << 20, cpus, console)) {
            m.boot(Files.readAllBytes(kernel), kernel.toString(), "console=ttyS0 reboot=k panic=-1 rdinit=/init", initramfs());
            Outcome o = m.run(120_000);
            String out = console.toString();
            assertTrue(out.contains("jvirt-x86-linux: init reached"), () -> o + "\n" + out);
            assertTrue(o instanceof Outcome.Reset, () -> o + "\n" + out);
            assertTrue(m.bootMarkerNanos() != 0, "init wrote the boot marker");
        }
    }

    @Test
    void ourBzImageBootsToInit() throws Exception {
        boots(linuxDir().resolve("out/bzImage"), 2);
    }

    @Test
    void ourVmlinuxBootsToInit() throws Exception {
        boots(linuxDir().resolve("out/vmlinux"), 1);
    }

    @Test
    void debiansCloudKernelBootsToInit() throws Exception {
        Optional<Path> cloud;
        try (Stream<Path> s = Files.list(Path.of("/boot"))) {
            cloud = s.filter(p -> p.getFileName().toString().matches("vmlinuz-.*-cloud-amd64")).sorted().findFirst();
        } catch (java.io.IOException e) {
            cloud = Optional.empty();
        }
        boots(cloud.orElse(Path.of("/boot/vmlinuz-cloud-amd64")), 1);
    }

    /**
     * Runs on any KVM host where build.sh's kernel exists, Linux-capable or not: the kernel's first
     * log lines show it read our e820 map, command line, initrd and MP table, through both the
     * 64-bit protocol and PVH. Where Linux cannot boot, the run ends at the instruction the host
     * cannot emulate, reported with the registers.
     */
    @Test
    void linuxReadsOurBootStructuresThroughBothProtocols() throws Exception {
        Path vmlinux = linuxDir().resolve("out/vmlinux");
        assumeTrue(Files.isRegularFile(vmlinux), () -> "no kernel at " + vmlinux + " (build it with guests/x86-linux/build.sh)");
        for (boolean pvh : new boolean[] {false, true}) {
            ByteArrayOutputStream console = new ByteArrayOutputStream();
            try (X86Machine m = new X86Machine(256 << 20, 2, console)) {
                String how = m.boot(Files.readAllBytes(vmlinux), "vmlinux", "console=ttyS0 earlyprintk=serial,ttyS0 reboot=k panic=-1", initramfs(), pvh);
                Outcome o = m.run(120_000);
                String out = console.toString();
                for (String line : new String[] {"BIOS-e820: [mem 0x0000000000100000-0x000000000fffffff] usable",
                        "Command line: console=ttyS0 earlyprintk=serial,ttyS0", "found SMP MP-table at [mem 0x000f0000-0x000f000f]",
                        "Processors: 2", "RAMDISK: [mem "})
                    assertTrue(out.contains(line), () -> how + ": no '" + line + "' in\n" + out + "\n" + o);
                if (cannotBootLinux != null) assertTrue(o instanceof Outcome.Failed || o instanceof Outcome.Reset, () -> how + ": " + o);
            }
        }
    }
}
