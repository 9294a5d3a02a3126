package org.jvirt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** `jvirt container run` and `jvirt oci` from the top-level command line. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ContainerCommandTest {
    @TempDir Path tmp;

    @Test
    void badInputIsOneLine() {
        Cli c = Cli.run("container", "run", "--rootfs", tmp.resolve("missing").toString(), "--", "true");
        assertEquals(1, c.status());
        assertTrue(c.err().startsWith("jvirt: --rootfs ") && c.err().contains("does not exist"), c.err());
        assertTrue(c.cleanErrors(), c.err());
        c = Cli.run("container", "run", "--rootfs", tmp.toString(), "--memory", "lots", "--", "true");
        assertEquals(Main.USAGE, c.status());
        assertTrue(c.err().contains("invalid size 'lots' for --memory"), c.err());
        c = Cli.run("container", "run", "--rootfs", tmp.toString(), "--net", "bridge", "--", "true");
        assertEquals(1, c.status());
        assertTrue(c.err().contains("--net must be none or host"), c.err());
    }

    @Test
    void ociIsRuncsCommandLine() {
        Cli c = Cli.run("oci", "--version");
        assertEquals(0, c.status());
        assertTrue(c.out().contains("spec: 1."), c.out());
        c = Cli.run("oci", "--root", tmp.toString(), "state", "ghost");
        assertEquals(1, c.status());
        assertEquals("jvirt: container ghost does not exist", c.err().strip());
        assertTrue(Cli.run("--help").out().contains("container"));
    }

    @Test
    void runsACommandInARootfs() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "containers need root");
        Path rootfs = Files.createDirectories(tmp.resolve("rootfs/bin"));
        Files.copy(Path.of(Files.exists(Path.of("/bin/busybox")) ? "/bin/busybox" : "/usr/bin/busybox"), rootfs.resolve("busybox"));
        Files.createSymbolicLink(rootfs.resolve("sh"), Path.of("busybox"));
        for (String d : List.of("proc", "sys", "dev", "out")) Files.createDirectories(tmp.resolve("rootfs").resolve(d));
        Path out = tmp.resolve("rootfs/out/result");
        Cli c = Cli.run("container", "run", "--rootfs", tmp.resolve("rootfs").toString(), "--root", tmp.resolve("state").toString(),
                "--memory", "64M", "--pids", "20", "--hostname", "boxed", "--",
                "/bin/sh", "-c", "echo $(/bin/busybox hostname) $$ > /out/result; exit 4");
        assertEquals(4, c.status(), c.err());
        assertEquals("boxed 1", Files.readString(out, StandardCharsets.UTF_8).strip());
        try (var s = Files.list(tmp.resolve("state"))) {
            assertEquals(0, s.count(), "the container's state is gone");
        }
    }
}
