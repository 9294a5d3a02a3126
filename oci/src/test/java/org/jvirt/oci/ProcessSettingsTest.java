package org.jvirt.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The process's settings from config.json: user and groups, rlimits, oom_score_adj, sysctls, cwd, env; CPU and cpuset limits. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ProcessSettingsTest {
    @Test
    void userGroupsRlimitsOomSysctlCwdEnv() throws Exception {
        try (Fixture f = new Fixture()) {
            Map<String, Object> c = f.config("id -u > /out/uid; id -g > /out/gid; id -G > /out/groups; ulimit -n > /out/nofile;"
                    + " cat /proc/self/oom_score_adj > /out/oom; cat /proc/sys/net/ipv4/ip_forward > /out/fwd; pwd > /out/cwd; echo $GREETING > /out/env");
            Map<String, Object> p = Fixture.obj(c, "process");
            p.put("user", Map.of("uid", 1000L, "gid", 1000L, "additionalGids", List.of(10L, 20L)));
            p.put("rlimits", List.of(Map.of("type", "RLIMIT_NOFILE", "soft", 321L, "hard", 456L)));
            p.put("oomScoreAdj", 500L);
            p.put("cwd", "/tmp");
            p.put("env", List.of("PATH=/bin", "GREETING=hello"));
            Fixture.obj(c, "linux").put("sysctl", Map.of("net.ipv4.ip_forward", "1"));
            f.write(c);
            assertEquals(0, f.run("settings"), f.lastErr);
            assertEquals("1000", f.read("uid"));
            assertEquals("1000", f.read("gid"));
            assertEquals(List.of("1000", "10", "20"), List.of(f.read("groups").split(" ")));
            assertEquals("321", f.read("nofile"));
            assertEquals("500", f.read("oom"));
            assertEquals("1", f.read("fwd"), "a sysctl of the container's own network namespace");
            assertEquals("/tmp", f.read("cwd"));
            assertEquals("hello", f.read("env"));
            // the same user through create and start: the waiting process opens the fifo as uid 1000
            f.write(c);
            assertEquals(0, f.oci("create", "--bundle", f.bundle.toString(), "user2"), f.lastErr);
            java.nio.file.Files.delete(f.out.resolve("uid"));
            assertEquals(0, f.oci("start", "user2"), f.lastErr);
            LifecycleTest.waitFor(() -> Files.exists(f.out.resolve("uid")));
            assertEquals(0, f.oci("delete", "--force", "user2"), f.lastErr);
        }
    }

    @Test
    void cpuAndCpusetLimitsAreInTheCgroup() throws Exception {
        try (Fixture f = new Fixture()) {
            Map<String, Object> c = f.config("exec sleep 30");
            Fixture.obj(c, "linux").put("resources", Map.of("cpu", Map.of("shares", 256L, "quota", 25000L, "period", 100000L, "cpus", "0"),
                    "memory", Map.of("limit", 64L << 20)));
            f.write(c);
            assertEquals(0, f.oci("run", "--detach", "--bundle", f.bundle.toString(), "cpu"), f.lastErr);
            List<Path> dirs = Fixture.cgroupDirs("cpu");
            String all = "";
            for (Path d : dirs) {
                for (String file : List.of("cpu.shares", "cpu.cfs_quota_us", "cpu.cfs_period_us", "cpuset.cpus", "memory.limit_in_bytes", "cpu.max", "cpuset.cpus.effective", "memory.max")) {
                    if (Files.exists(d.resolve(file))) all += file + "=" + Files.readString(d.resolve(file)).trim() + " ";
                }
            }
            if (Cgroups.unified()) {
                assertEquals(true, all.contains("cpu.max=25000 100000") && all.contains("memory.max=67108864"), all);
            } else {
                for (String expect : List.of("cpu.shares=256", "cpu.cfs_quota_us=25000", "cpu.cfs_period_us=100000", "cpuset.cpus=0", "memory.limit_in_bytes=67108864")) {
                    assertEquals(true, all.contains(expect), expect + " in " + all);
                }
            }
            if (!Cgroups.unified()) {
                Path mem = dirs.stream().filter(d -> d.toString().contains("/memory/")).findFirst().orElseThrow();
                Path pids = dirs.stream().filter(d -> d.toString().contains("/pids/")).findFirst().orElseThrow();
                assertEquals(0, f.oci("update", "--memory", "128m", "--memory-swap", "128m", "--pids-limit", "10", "cpu"), f.lastErr);
                assertEquals("134217728", Files.readString(mem.resolve("memory.limit_in_bytes")).trim());
                assertEquals("10", Files.readString(pids.resolve("pids.max")).trim());
                Path res = f.dir.resolve("resources.json");
                Files.writeString(res, "{\"memory\": {\"limit\": 33554432}, \"pids\": {\"limit\": -1}}");
                assertEquals(0, f.oci("update", "--resources", res.toString(), "cpu"), f.lastErr);
                assertEquals("33554432", Files.readString(mem.resolve("memory.limit_in_bytes")).trim());
                assertEquals("max", Files.readString(pids.resolve("pids.max")).trim());
                assertEquals(1, f.oci("update", "--memory", "lots", "cpu"));
                assertTrue(f.lastErr.contains("must be a size"), f.lastErr);
            }
            assertEquals(0, f.oci("delete", "--force", "cpu"), f.lastErr);
        }
    }
}
