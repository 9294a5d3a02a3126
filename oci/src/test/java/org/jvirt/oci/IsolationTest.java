package org.jvirt.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What a container sees: its own pid 1, hostname, network, mounts and IPC; masked and read-only paths. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class IsolationTest {
    @Test
    void ownPidHostnameNetworkMountsAndIpc() throws Exception {
        // a System V shared memory segment on the host, which the container must not see
        Process mk = new ProcessBuilder("ipcmk", "-M", "4096").redirectErrorStream(true).start();
        String made = new String(mk.getInputStream().readAllBytes()).trim();
        assertTrue(mk.waitFor(10, TimeUnit.SECONDS) && mk.exitValue() == 0, made);
        String shmid = made.replaceAll("\\D+", " ").trim().split(" ")[0];
        try (Fixture f = new Fixture()) {
            Map<String, Object> c = f.config("echo $$ > /out/pid; hostname > /out/hostname; ls /sys/class/net > /out/net;"
                    + " cut -d' ' -f2 /proc/mounts > /out/mounts; cat /proc/sysvipc/shm > /out/ipc");
            c.put("hostname", "jvirt-test");
            f.write(c);
            assertEquals(0, f.run("iso"), f.lastErr);
            assertEquals("1", f.read("pid"));
            assertEquals("jvirt-test", f.read("hostname"));
            assertEquals("lo", f.read("net"));
            for (String m : f.read("mounts").split("\n")) {
                assertTrue(m.equals("/") || m.startsWith("/proc") || m.startsWith("/dev") || m.startsWith("/sys") || m.equals("/out"),
                        "a host mount is visible in the container: " + m);
            }
            assertEquals(1, f.read("ipc").lines().count(), "only the header, no shm segment (the host has " + shmid + "):\n" + f.read("ipc"));
            assertFalse(Files.exists(f.root.resolve("iso")), "run leaves no state behind");
            assertEquals(List.of(), Fixture.cgroupDirs("iso"), "run leaves no cgroup behind");
        } finally {
            new ProcessBuilder("ipcrm", "-m", shmid).start().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void maskedAndReadOnlyPaths() throws Exception {
        try (Fixture f = new Fixture()) {
            f.write(f.config("wc -c < /proc/timer_list > /out/masked; ls /proc/acpi | wc -l > /out/acpi;"
                    + " (echo 1 > /proc/sys/vm/drop_caches) 2>/dev/null; echo $? > /out/sysrc;"
                    + " touch /rootfile 2>/dev/null; echo $? > /out/rootrc; touch /out/ok"));
            assertEquals(0, f.run("masked"), f.lastErr);
            assertEquals("0", f.read("masked"), "/proc/timer_list is masked with /dev/null");
            assertEquals("0", f.read("acpi"), "/proc/acpi is masked with an empty tmpfs");
            assertTrue(!f.read("sysrc").equals("0"), "/proc/sys is read-only");
            assertTrue(!f.read("rootrc").equals("0"), "root.readonly makes / read-only");
            assertTrue(Files.exists(f.out.resolve("ok")), "a read-write bind mount stays writable");
        }
    }

    @Test
    void noPivotFallsBackToChroot() throws Exception {
        try (Fixture f = new Fixture()) {
            f.write(f.config("echo $$ > /out/pid; ls / > /out/root"));
            assertEquals(0, f.oci("run", "--no-pivot", "--bundle", f.bundle.toString(), "nopivot"), f.lastErr);
            assertEquals("1", f.read("pid"));
            assertTrue(f.read("root").contains("bin"), f.read("root"));
        }
    }

    @Test
    void userNamespaceMapsRootToAnUnprivilegedHostUser() throws Exception {
        try (Fixture f = new Fixture()) {
            Map<String, Object> c = f.config("cat /proc/self/uid_map > /out/uidmap; id -u > /out/uid");
            Map<String, Object> linux = Fixture.obj(c, "linux");
            @SuppressWarnings("unchecked") List<Object> ns = new java.util.ArrayList<>((List<Object>) linux.get("namespaces"));
            ns.add(Map.of("type", "user"));
            linux.put("namespaces", ns);
            linux.put("uidMappings", List.of(Map.of("containerID", 0L, "hostID", 100000L, "size", 65536L)));
            linux.put("gidMappings", List.of(Map.of("containerID", 0L, "hostID", 100000L, "size", 65536L)));
            f.write(c);
            assertEquals(0, f.run("userns"), f.lastErr);
            assertEquals("0", f.read("uid"));
            assertEquals(List.of("0", "100000", "65536"), List.of(f.read("uidmap").trim().split("\\s+")));
        }
    }

    @Test
    void joinsANamespaceByPath() throws Exception {
        try (Fixture f = new Fixture()) {
            f.write(f.config("exec sleep 30"));
            assertEquals(0, f.oci("create", "--bundle", f.bundle.toString(), "netowner"), f.lastErr);
            int pid = f.pid("netowner");
            Path theirs = Path.of("/proc", Integer.toString(pid), "ns", "net");
            Map<String, Object> c = f.config("readlink /proc/self/ns/net > /out/net");
            Map<String, Object> linux = Fixture.obj(c, "linux");
            linux.put("namespaces", List.of(Map.of("type", "pid"), Map.of("type", "mount"), Map.of("type", "ipc"),
                    Map.of("type", "uts"), Map.of("type", "network", "path", theirs.toString())));
            f.write(c);
            assertEquals(0, f.run("joiner"), f.lastErr);
            assertEquals(Files.readSymbolicLink(theirs).toString(), f.read("net"));
        }
    }
}
