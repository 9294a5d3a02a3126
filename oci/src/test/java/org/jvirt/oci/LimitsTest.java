package org.jvirt.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** cgroup limits: memory, pids, cpu. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LimitsTest {
    @Test
    void aMemoryHogIsKilledAtItsLimit() throws Exception {
        try (Fixture f = new Fixture()) {
            // dd's 64 MiB buffer does not fit in 32 MiB: the kernel's OOM killer ends dd (SIGKILL, 137)
            Map<String, Object> c = f.config("dd if=/dev/zero of=/dev/null bs=64M count=1 2>/dev/null; echo $? > /out/rc;"
                    + " dd if=/dev/zero of=/dev/null bs=8M count=1 2>/dev/null; echo $? > /out/small");
            Fixture.obj(c, "linux").put("resources", Map.of("memory", Map.of("limit", 32L << 20, "swap", 32L << 20),
                    "cpu", Map.of("shares", 512L, "quota", 50000L, "period", 100000L)));
            f.write(c);
            assertEquals(0, f.run("hog"), f.lastErr);
            assertEquals("137", f.read("rc"), "the hog is killed");
            assertEquals("0", f.read("small"), "what fits the limit runs");
            assertEquals(List.of(), Fixture.cgroupDirs("hog"));
        }
    }

    @Test
    void aForkBombStopsAtThePidsLimit() throws Exception {
        try (Fixture f = new Fixture()) {
            Map<String, Object> c = f.config("sh -c 'bomb() { bomb | bomb & }; bomb' 2>/dev/null; exec sleep 30");
            Fixture.obj(c, "linux").put("resources", Map.of("pids", Map.of("limit", 32L)));
            f.write(c);
            assertEquals(0, f.oci("run", "--detach", "--bundle", f.bundle.toString(), "bomb"), f.lastErr);
            Path pids = Cgroups.dirs("/jvirt/bomb").stream().filter(d -> d.toString().contains("/pids/")).findFirst().orElseThrow();
            // wait (up to 10 s on a loaded machine) until the bomb has hit the limit, then look
            for (int i = 0; i < 1000 && !Files.readString(pids.resolve("pids.events")).matches("(?s)max [1-9].*"); i++) Thread.sleep(10);
            assertTrue(Files.readString(pids.resolve("pids.events")).matches("(?s)max [1-9].*"), "the limit was hit");
            Thread.sleep(200);
            long current = Long.parseLong(Files.readString(pids.resolve("pids.current")).trim());
            assertTrue(current <= 32, "pids.current " + current);
            // the host still forks
            Process p = new ProcessBuilder("true").start();
            assertTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0);
            assertEquals(0, f.oci("delete", "--force", "bomb"), f.lastErr);
            assertEquals(List.of(), Fixture.cgroupDirs("bomb"));
        }
    }
}
