package org.jvirt.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * End to end: podman (through conmon) drives bin/jvirt-runc as its OCI runtime, on an image
 * imported from the test's busybox root file system, with storage of its own in a temporary
 * directory so that the host's podman images and containers are not touched.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PodmanTest {
    private static final String IMAGE = "localhost/jvirt-test-busybox";
    private Fixture fixture;
    private Path storage;

    record Result(int status, String out) {}

    @BeforeAll
    void importImage() throws Exception {
        fixture = new Fixture();
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/podman")), "podman is not installed (apt-get install podman; listed in .ci/packages)");
        storage = fixture.dir.resolve("podman");
        Path tar = fixture.dir.resolve("rootfs.tar");
        Process t = new ProcessBuilder("tar", "-C", fixture.rootfs.toString(), "-cf", tar.toString(), ".").inheritIO().start();
        assertTrue(t.waitFor(60, TimeUnit.SECONDS) && t.exitValue() == 0, "tar of the rootfs");
        Result r = podman(null, "import", tar.toString(), IMAGE);
        assertEquals(0, r.status(), r.out());
    }

    @AfterAll
    void cleanUp() throws Exception {
        if (storage != null) {
            podman(null, "rm", "--all", "--force", "--time", "0");
            podman(null, "rmi", "--all", "--force");
        }
        if (fixture != null) fixture.close();
    }

    /** The runtime executable, found from this module's build directory. */
    private static Path runtime() {
        Path bin = Path.of("bin", "jvirt-runc").toAbsolutePath();
        if (!Files.isExecutable(bin)) bin = Path.of("oci", "bin", "jvirt-runc").toAbsolutePath();
        return bin;
    }

    /** podman with its own storage, cgroupfs, no network and file/process limits this host allows. */
    private Result podman(String stdin, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("podman", "--root", storage.resolve("storage").toString(),
                "--runroot", storage.resolve("run").toString(), "--storage-driver", "vfs", "--cgroup-manager", "cgroupfs",
                "--events-backend", "none", "--runtime", runtime().toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("podman " + String.join(" ", args) + " did not finish in 90 s");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    private static final String[] LIMITS = {"--network", "none", "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024"};

    private Result run(String stdin, String... args) throws IOException, InterruptedException {
        List<String> a = new ArrayList<>(List.of("run", "--rm"));
        a.addAll(List.of(LIMITS));
        a.addAll(List.of(args));
        return podman(stdin, a.toArray(String[]::new));
    }

    @Test
    void runsACommand() throws Exception {
        Result r = run(null, "--hostname", "podbox", IMAGE, "sh", "-c", "echo hello $(hostname) pid $$; exit 3");
        assertEquals(3, r.status(), r.out());
        assertTrue(r.out().contains("hello podbox pid 1"), r.out());
    }

    @Test
    void anotherUserAndReadOnlyRoot() throws Exception {
        Result r = run(null, "--user", "1000:1000", "--read-only", IMAGE, "sh", "-c", "id -u; touch /x 2>/dev/null || echo read-only");
        assertEquals(0, r.status(), r.out());
        assertTrue(r.out().contains("1000") && r.out().contains("read-only"), r.out());
    }

    @Test
    void memoryLimit() throws Exception {
        Result r = run(null, "--memory", "32m", IMAGE, "sh", "-c", "dd if=/dev/zero of=/dev/null bs=64M count=1 2>/dev/null; echo rc=$?");
        assertTrue(r.out().contains("rc=137"), "the hog is killed at 32 MiB: " + r.out());
    }

    @Test
    void interactiveTerminal() throws Exception {
        // -it: conmon hands jvirt a --console-socket, and the shell's terminal is the container's pty
        Result r = run("tty\necho typed-in\nexit 5\n", "-i", "-t", IMAGE, "sh");
        assertEquals(5, r.status(), r.out());
        assertTrue(r.out().contains("/dev/pts/0") && r.out().contains("typed-in"), r.out());
    }

    @Test
    void detachedExecStopRm() throws Exception {
        List<String> a = new ArrayList<>(List.of("run", "-d", "--name", "jvirt-e2e"));
        a.addAll(List.of(LIMITS));
        a.addAll(List.of(IMAGE, "sh", "-c", "trap 'exit 0' TERM; while true; do sleep 0.2; done"));
        Result r = podman(null, a.toArray(String[]::new));
        assertEquals(0, r.status(), r.out());
        String id = r.out().strip().lines().reduce((x, y) -> y).orElseThrow();
        r = podman(null, "exec", "jvirt-e2e", "sh", "-c", "echo exec-$(hostname)-$$");
        assertEquals(0, r.status(), r.out());
        assertTrue(r.out().contains("exec-"), r.out());
        r = podman("tty\nexit 4\n", "exec", "-i", "-t", "jvirt-e2e", "sh");
        assertEquals(4, r.status(), r.out());
        assertTrue(r.out().contains("/dev/pts/"), "exec -it gets a pty of the container's: " + r.out());
        r = podman(null, "stop", "-t", "5", "jvirt-e2e");
        assertEquals(0, r.status(), r.out());
        r = podman(null, "inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", "jvirt-e2e");
        assertEquals("exited 0", r.out().strip(), r.out());
        r = podman(null, "rm", "jvirt-e2e");
        assertEquals(0, r.status(), r.out());
        try (var s = Files.walk(Path.of("/sys/fs/cgroup/memory"), 3)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().contains(id)), "the container's cgroup is gone");
        }
    }
}
