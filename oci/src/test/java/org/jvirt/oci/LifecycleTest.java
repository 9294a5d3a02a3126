package org.jvirt.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** create, start, state, kill, delete, exec, list and ps, as podman and conmon use them. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LifecycleTest {
    @Test
    void createStartStateKillDelete() throws Exception {
        try (Fixture f = new Fixture()) {
            f.write(f.config("echo started > /out/started; exec sleep 30"));
            Path pidFile = f.dir.resolve("pid");
            assertEquals(0, f.oci("create", "--bundle", f.bundle.toString(), "--pid-file", pidFile.toString(), "life"), f.lastErr);
            assertEquals("created", f.status("life"));
            int pid = f.pid("life");
            assertEquals(Integer.toString(pid), Files.readString(pidFile).trim());
            assertFalse(Files.exists(f.out.resolve("started")), "nothing of the user's runs before start");
            // between create and start only the small C helper waits: no JVM, well under 2 MiB
            long rssKb = Files.readAllLines(Path.of("/proc", Integer.toString(pid), "status")).stream()
                    .filter(l -> l.startsWith("VmRSS:")).map(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElseThrow();
            assertTrue(rssKb < 2048, "the waiting process uses " + rssKb + " KiB");
            // it runs from a sealed in-memory copy: nothing on the host to overwrite through /proc/PID/exe
            assertTrue(Files.readSymbolicLink(Path.of("/proc", Integer.toString(pid), "exe")).toString().contains("memfd:jvirt-nsexec"));
            assertTrue(Fixture.cgroupDirs("life").size() > 0, "the cgroup exists before start");
            assertTrue(Files.readString(Fixture.cgroupDirs("life").getFirst().resolve("cgroup.procs")).contains(Integer.toString(pid)),
                    "the waiting process is already in the container's cgroup");

            assertEquals(0, f.oci("start", "life"), f.lastErr);
            assertEquals("running", f.status("life"));
            waitFor(() -> Files.exists(f.out.resolve("started")));
            assertEquals(1, f.oci("start", "life"));
            assertTrue(f.lastErr.contains("running"), f.lastErr);

            assertEquals(1, f.oci("delete", "life"));
            assertTrue(f.lastErr.contains("running"), "a running container needs --force: " + f.lastErr);

            assertEquals(0, f.oci("list", "--format", "json"), f.lastErr);
            assertTrue(f.lastOut.contains("\"id\":\"life\""), f.lastOut);
            assertEquals(0, f.oci("ps", "--format", "json", "life"), f.lastErr);
            assertTrue(f.lastOut.contains(Integer.toString(pid)), f.lastOut);

            assertEquals(0, f.oci("kill", "life", "KILL"), f.lastErr);
            waitFor(() -> f.status("life").equals("stopped"));
            assertEquals(0, f.state("life").num("pid", -1));
            assertEquals(0, f.oci("delete", "life"), f.lastErr);
            assertEquals(1, f.oci("state", "life"));
            assertTrue(f.lastErr.contains("does not exist"), f.lastErr);
            assertEquals(List.of(), Fixture.cgroupDirs("life"));
            assertFalse(Files.exists(f.root.resolve("life")));
        }
    }

    @Test
    void deleteOfACreatedContainerKillsTheWaitingProcess() throws Exception {
        try (Fixture f = new Fixture()) {
            f.write(f.config("true"));
            assertEquals(0, f.oci("create", "--bundle", f.bundle.toString(), "waiting"), f.lastErr);
            int pid = f.pid("waiting");
            assertEquals(0, f.oci("delete", "waiting"), f.lastErr);
            waitFor(() -> State.startTime(pid) < 0);
            assertEquals(List.of(), Fixture.cgroupDirs("waiting"));
        }
    }

    @Test
    void execRunsInTheContainersNamespaces() throws Exception {
        try (Fixture f = new Fixture()) {
            Map<String, Object> c = f.config("exec sleep 30");
            c.put("hostname", "exec-host");
            f.write(c);
            assertEquals(0, f.oci("run", "--detach", "--bundle", f.bundle.toString(), "ex"), f.lastErr);
            assertEquals("running", f.status("ex"));
            assertEquals(7, f.oci("exec", "ex", "sh", "-c", "hostname > /out/host; echo $$ > /out/pid; exit 7"), f.lastErr);
            assertEquals("exec-host", f.read("host"));
            assertTrue(Integer.parseInt(f.read("pid")) < 100, "a pid of the container's namespace: " + f.read("pid"));
            assertEquals(0, f.oci("delete", "--force", "ex"), f.lastErr);
            assertEquals(List.of(), Fixture.cgroupDirs("ex"));
        }
    }

    @Test
    void runReturnsTheExitStatus() throws Exception {
        try (Fixture f = new Fixture()) {
            f.write(f.config("exit 42"));
            assertEquals(42, f.run("status"));
        }
    }

    @Test
    void theRuntimeExecutableStartsWithoutAJvm() throws Exception {
        try (Fixture f = new Fixture()) {
            f.write(f.config("echo started > /out/started; exec sleep 30"));
            assertEquals(0, f.oci("create", "--bundle", f.bundle.toString(), "fast"), f.lastErr);
            assertTrue(Files.exists(f.root.resolve("fast/start.fast")));
            java.nio.file.Path exe = java.nio.file.Path.of("bin/jvirt-runc").toAbsolutePath();
            Process p = new ProcessBuilder(exe.toString(), "--root", f.root.toString(), "start", "fast").inheritIO().start();
            assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(0, p.exitValue());
            assertEquals("running", f.status("fast"));
            waitFor(() -> Files.exists(f.out.resolve("started")));
            assertFalse(Files.exists(f.root.resolve("fast/start.fast")));
        }
    }

    @Test
    void killSendsAnySignal() throws Exception {
        try (Fixture f = new Fixture()) {
            f.write(f.config("trap 'echo got > /out/usr1; exit 0' USR1; while true; do sleep 0.1; done"));
            assertEquals(0, f.oci("run", "--detach", "--bundle", f.bundle.toString(), "sig"), f.lastErr);
            assertEquals(0, f.oci("kill", "sig", "SIGUSR1"), f.lastErr);
            waitFor(() -> Files.exists(f.out.resolve("usr1")));
            waitFor(() -> f.status("sig").equals("stopped"));
            assertEquals(1, f.oci("kill", "sig", "TERM"));
            assertTrue(f.lastErr.contains("not running"), f.lastErr);
            assertEquals(1, f.oci("kill", "sig", "NOSUCH"));
            assertTrue(f.lastErr.contains("unknown signal"), f.lastErr);
            assertEquals(0, f.oci("delete", "sig"), f.lastErr);
        }
    }

    @Test
    void pauseAndResumeFreezeTheContainer() throws Exception {
        try (Fixture f = new Fixture()) {
            // appends, so that the file's size only grows while the container runs
            f.write(f.config("while true; do echo x >> /out/count; sleep 0.01; done"));
            assertEquals(0, f.oci("run", "--detach", "--bundle", f.bundle.toString(), "frozen"), f.lastErr);
            waitFor(() -> Files.exists(f.out.resolve("count")));
            assertEquals(0, f.oci("pause", "frozen"), f.lastErr);
            assertEquals("paused", f.status("frozen"));
            long before = Files.size(f.out.resolve("count"));
            Thread.sleep(300);
            assertEquals(before, Files.size(f.out.resolve("count")), "nothing runs while paused");
            assertEquals(1, f.oci("pause", "frozen"));
            assertEquals(0, f.oci("resume", "frozen"), f.lastErr);
            assertEquals("running", f.status("frozen"));
            waitFor(() -> {
                try {
                    return Files.size(f.out.resolve("count")) > before;
                } catch (java.io.IOException e) {
                    return false;
                }
            });
            assertEquals(0, f.oci("pause", "frozen"), f.lastErr);
            assertEquals(0, f.oci("delete", "--force", "frozen"), "a paused container can be deleted: " + f.lastErr);
            assertEquals(List.of(), Fixture.cgroupDirs("frozen"));
        }
    }

    /** Polls COND for up to 5 s; passes as soon as it has held once (it is not asked again). */
    static void waitFor(java.util.function.BooleanSupplier cond) throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            if (cond.getAsBoolean()) return;
            Thread.sleep(10);
        }
        throw new AssertionError("timed out waiting");
    }
}
