package org.jvirt.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** seccomp, hooks, descriptors and the runtime's executable as seen from inside. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SecurityTest {
    @Test
    void aBlockedSyscallReturnsTheConfiguredErrno() throws Exception {
        try (Fixture f = new Fixture()) {
            Map<String, Object> c = f.config("mkdir /out/d 2> /out/err; echo $? > /out/rc; touch /out/f;"
                    + " chmod 777 /out/f 2>/dev/null; echo $? > /out/chmod777; chmod 644 /out/f; echo $? > /out/chmod644");
            Fixture.obj(c, "linux").put("seccomp", Map.of("defaultAction", "SCMP_ACT_ALLOW", "architectures", List.of("SCMP_ARCH_X86_64"),
                    "syscalls", List.of(
                            Map.of("names", List.of("mkdir", "mkdirat"), "action", "SCMP_ACT_ERRNO", "errnoRet", 95L),
                            // only mode 0777 is refused: an argument condition
                            Map.of("names", List.of("fchmodat", "fchmodat2"), "action", "SCMP_ACT_ERRNO",
                                    "args", List.of(Map.of("index", 2L, "value", 0777L, "op", "SCMP_CMP_EQ"))),
                            Map.of("names", List.of("chmod"), "action", "SCMP_ACT_ERRNO",
                                    "args", List.of(Map.of("index", 1L, "value", 0777L, "op", "SCMP_CMP_EQ"))))));
            f.write(c);
            assertEquals(0, f.run("seccomp"), f.lastErr);
            assertTrue(!f.read("rc").equals("0"), "mkdir fails");
            assertTrue(f.read("err").toLowerCase().contains("not supported"), "with errno 95: " + f.read("err"));
            assertTrue(!f.read("chmod777").equals("0"), "chmod 777 is refused");
            assertEquals("0", f.read("chmod644"), "chmod 644 is allowed");
        }
    }

    @Test
    void hooksGetTheStateOnStdin() throws Exception {
        try (Fixture f = new Fixture()) {
            Map<String, Object> c = f.config("true");
            Map<String, Object> hooks = new java.util.LinkedHashMap<>();
            for (String kind : List.of("prestart", "createRuntime", "createContainer", "poststart", "poststop")) {
                hooks.put(kind, List.of(Map.of("path", "/bin/sh", "args", List.of("sh", "-c", "cat > " + f.out.resolve(kind + ".json")))));
            }
            // startContainer runs inside the container: its path and /out are the container's
            hooks.put("startContainer", List.of(Map.of("path", "/bin/sh", "args", List.of("sh", "-c", "cat > /out/startContainer.json")),
                    Map.of("path", "/bin/sh", "args", List.of("sh", "-c", "hostname > /out/hook-hostname"))));
            // createContainer runs in the container's namespaces before pivot_root: host paths, the container's host name
            hooks.put("createContainer", List.of(Map.of("path", "/bin/sh", "args", List.of("sh", "-c",
                    "cat > " + f.out.resolve("createContainer.json") + "; hostname > " + f.out.resolve("cc-hostname")))));
            // createRuntime runs before pivot_root: the container process's root is still the host's
            hooks.put("createRuntime", List.of(Map.of("path", "/bin/sh", "args", List.of("sh", "-c",
                    "cat > " + f.out.resolve("createRuntime.json") + "; pid=$(sed 's/.*\"pid\":\\([0-9]*\\).*/\\1/' "
                    + f.out.resolve("createRuntime.json") + "); test -e /proc/$pid/root" + f.dir + " && echo before-pivot > " + f.out.resolve("when")))));
            c.put("hooks", hooks);
            c.put("hostname", "hooked-box");
            f.write(c);
            assertEquals(0, f.run("hooked"), f.lastErr);
            assertEquals("hooked-box", f.read("hook-hostname"), "startContainer runs in the container's namespaces");
            assertEquals("hooked-box", f.read("cc-hostname"), "createContainer runs in the container's namespaces");
            assertEquals("before-pivot", f.read("when"), "createRuntime runs before pivot_root");
            for (String kind : List.of("prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop")) {
                String s = f.read(kind + ".json");
                assertTrue(s.contains("\"id\":\"hooked\"") && s.contains("\"bundle\":"), kind + ": " + s);
            }
        }
    }

    @Test
    void aFailingPrestartHookFailsCreateAndLeavesNothing() throws Exception {
        try (Fixture f = new Fixture()) {
            Map<String, Object> c = f.config("true");
            c.put("hooks", Map.of("prestart", List.of(Map.of("path", "/bin/false"))));
            f.write(c);
            assertEquals(1, f.oci("create", "--bundle", f.bundle.toString(), "badhook"));
            assertTrue(f.lastErr.contains("prestart hook /bin/false failed"), f.lastErr);
            assertTrue(!Files.exists(f.root.resolve("badhook")));
            assertEquals(List.of(), Fixture.cgroupDirs("badhook"));
        }
    }

    @Test
    void noHostDescriptorsAndNoRuntimeExecutableInside() throws Exception {
        try (Fixture f = new Fixture()) {
            f.write(f.config("ls /proc/self/fd > /out/fds; readlink /proc/1/exe > /out/exe;"
                    + " grep -E '^(CapEff|CapBnd|NoNewPrivs)' /proc/self/status > /out/status"));
            assertEquals(0, f.run("fds"), f.lastErr);
            // 0-2, and 3 is ls's own directory
            assertEquals(List.of("0", "1", "2", "3"), List.of(f.read("fds").split("\\s+")));
            assertEquals("/bin/busybox", f.read("exe"));
            // runc spec's defaults: AUDIT_WRITE, KILL and NET_BIND_SERVICE only, and no_new_privs
            assertEquals(List.of("CapEff:", "0000000020000420", "CapBnd:", "0000000020000420", "NoNewPrivs:", "1"),
                    List.of(f.read("status").split("\\s+")));
            // --preserve-fds 2: the runtime's descriptors 3 and 4 are passed on, and no others
            assertEquals(0, f.oci("run", "--preserve-fds", "2", "--bundle", f.bundle.toString(), "fds2"), f.lastErr);
            assertEquals(List.of("0", "1", "2", "3", "4", "5"), List.of(f.read("fds").split("\\s+")));
        }
    }

    @Test
    void symlinksInTheRootfsCannotLeadMountsOut() throws Exception {
        try (Fixture f = new Fixture()) {
            java.nio.file.Path host = Files.createDirectories(f.dir.resolve("host-target"));
            Files.createSymbolicLink(f.rootfs.resolve("abs"), host);                      // absolute: resolved inside the root
            Files.createSymbolicLink(f.rootfs.resolve("up"), java.nio.file.Path.of("../../../.."));  // climbs no higher than the root
            Map<String, Object> c = f.config("ls -d " + host + "/sub /sub2 > /out/inside 2>&1");
            List<Object> mounts = Fixture.mounts(c);
            mounts.add(Map.of("destination", "/abs/sub", "type", "tmpfs", "source", "tmpfs", "options", List.of()));
            mounts.add(Map.of("destination", "/up/sub2", "type", "tmpfs", "source", "tmpfs", "options", List.of()));
            f.write(c);
            assertEquals(0, f.run("links"), f.lastErr);
            assertTrue(!Files.exists(host.resolve("sub")), "a mount followed a symlink onto the host");
            assertTrue(!Files.exists(f.dir.resolve("sub2")) && !Files.exists(f.bundle.resolve("sub2")), "a mount climbed out with ..");
            assertTrue(f.read("inside").contains(host + "/sub") && f.read("inside").contains("/sub2"), f.read("inside"));
        }
    }

    @Test
    void theDevicesCgroupRefusesNodesTheConfigDoesNotAllow() throws Exception {
        try (Fixture f = new Fixture()) {
            // even with CAP_MKNOD, a node made inside cannot be opened unless a rule allows it
            Map<String, Object> c = f.config("mknod /dev/fuse-made c 10 229 && echo made > /out/made;"
                    + " cat /dev/fuse-made 2> /out/err; echo x > /dev/null && echo null-ok > /out/null");
            @SuppressWarnings("unchecked") Map<String, Object> caps = (Map<String, Object>) Fixture.obj(c, "process").get("capabilities");
            for (String set : List.of("bounding", "effective", "permitted")) caps.put(set, List.of("CAP_MKNOD", "CAP_KILL"));
            f.write(c);
            assertEquals(0, f.run("devices"), f.lastErr);
            assertEquals("made", f.read("made"));
            assertTrue(f.read("err").contains("Operation not permitted"), f.read("err"));
            assertEquals("null-ok", f.read("null"));
        }
    }

    /**
     * 32-bit system calls: a program that makes getpid through int 0x80 (i386's number 20, built
     * with gcc at test time) gets the configured errno when the profile lists SCMP_ARCH_X86, and is
     * killed when it does not.
     */
    @Test
    void thirtyTwoBitSystemCallsAreFilteredOrKilled() throws Exception {
        try (Fixture f = new Fixture()) {
            java.nio.file.Path src = f.dir.resolve("i386.c");
            Files.writeString(src, "int main(void) { long r; __asm__ volatile(\"int $0x80\" : \"=a\"(r) : \"a\"(20L) : \"memory\");"
                    + " return r < 0 ? (int)-r : 0; }\n");
            Process gcc = new ProcessBuilder("gcc", "-static", "-O1", "-o", f.rootfs.resolve("bin/i386getpid").toString(), src.toString())
                    .inheritIO().start();
            assertTrue(gcc.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) && gcc.exitValue() == 0, "gcc");
            for (boolean listed : List.of(true, false)) {
                Map<String, Object> c = f.config("exec 2>/dev/null; i386getpid; echo $? > /out/rc" + listed);
                Fixture.obj(c, "linux").put("seccomp", Map.of("defaultAction", "SCMP_ACT_ALLOW",
                        "architectures", listed ? List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86") : List.of("SCMP_ARCH_X86_64"),
                        "syscalls", List.of(Map.of("names", List.of("getpid"), "action", "SCMP_ACT_ERRNO", "errnoRet", 95L))));
                f.write(c);
                assertEquals(0, f.run("i386" + listed), f.lastErr);
            }
            assertEquals("95", f.read("rctrue"), "the i386 rule applies");
            assertEquals("159", f.read("rcfalse"), "killed by SIGSYS (128 + 31) without SCMP_ARCH_X86");
        }
    }
}
