package org.jvirt.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The JVM's side of the decisions, without a container: config checking, flags, signals, cgroup paths, BPF. */
class ParsingTest {
    private static Spec parse(Map<String, Object> c) {
        return Spec.parse(Json.parse(Json.write(c), "config.json"), Path.of("/bundle"));
    }

    @Test
    void theDefaultSpecParsesWithRuncsDefaults() {
        Spec s = parse(DefaultSpec.create("rootfs", List.of("sh")));
        assertEquals(Path.of("/bundle/rootfs"), s.rootfs());
        assertTrue(s.process().noNewPrivileges());
        assertEquals((1L << 5) | (1L << 10) | (1L << 29), s.process().caps().bounding(), "KILL, NET_BIND_SERVICE, AUDIT_WRITE");
        assertTrue(s.linux().maskedPaths().contains("/proc/kcore"));
        assertTrue(s.newNamespace("pid") && s.newNamespace("network") && !s.hasNamespace("user"));
    }

    @Test
    void wrongTypesNameTheField() {
        Map<String, Object> c = DefaultSpec.create("rootfs", List.of("sh"));
        Fixture.obj(c, "process").put("args", "sh");
        OciError e = assertThrows(OciError.class, () -> parse(c));
        assertEquals("config.json: process.args must be an array of strings, not a string", e.getMessage());
        Map<String, Object> d = DefaultSpec.create("rootfs", List.of("sh"));
        Fixture.obj(d, "process").put("rlimits", List.of(Map.of("type", "RLIMIT_BOGUS", "soft", 1L, "hard", 1L)));
        assertTrue(assertThrows(OciError.class, () -> parse(d)).getMessage().contains("process.rlimits[0].type"));
        assertTrue(assertThrows(OciError.class, () -> Json.parse("{\"a\": }", "config.json")).getMessage().startsWith("config.json is not valid JSON"));
    }

    @Test
    void mountOptionsSplitIntoFlagsPropagationAndData() {
        Flags.MountFlags f = Flags.mount(new Spec.Mount("/x", "tmpfs", "tmpfs", List.of("nosuid", "ro", "rprivate", "mode=755", "size=1m")));
        assertEquals(Flags.MS_NOSUID | Flags.MS_RDONLY, f.flags());
        assertEquals(Flags.MS_PRIVATE | Flags.MS_REC, f.propagation());
        assertEquals("mode=755,size=1m", f.data());
        assertEquals(Flags.MS_BIND | Flags.MS_REC, Flags.mount(new Spec.Mount("/x", "none", "/y", List.of("rbind"))).flags());
    }

    @Test
    void signals() {
        assertEquals(9, Flags.signal("KILL"));
        assertEquals(15, Flags.signal("SIGTERM"));
        assertEquals(10, Flags.signal("10"));
        assertEquals(36, Flags.signal("SIGRTMIN+2"));
        assertThrows(OciError.class, () -> Flags.signal("0"));
    }

    @Test
    void systemdCgroupPathsMapOntoCgroupfs() {
        assertEquals("/machine.slice/libpod-abc.scope", Cgroups.path("machine.slice:libpod:abc", "abc", true));
        assertEquals("/user.slice/user-1000.slice/x-y.scope", Cgroups.path("user-1000.slice:x:y", "y", true));
        assertEquals("/jvirt/id", Cgroups.path(null, "id", false));
        assertEquals("/a/b", Cgroups.path("a/b", "id", false));
        assertThrows(OciError.class, () -> Cgroups.path("/a/../../b", "id", false));
    }

    @Test
    void seccompAssemblesToBpf() {
        Obj s = Obj.root(Json.parse("""
                {"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 38, "syscalls": [
                  {"names": ["read", "write", "no_such_syscall"], "action": "SCMP_ACT_ALLOW"},
                  {"names": ["personality"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_EQ"}]}]}
                """, "seccomp"), "seccomp");
        String hex = Seccomp.assemble(s);
        // arch check (3) + read (3) + write (3) + personality (2 + 4 + 1) + default (1) instructions of 8 bytes
        assertEquals(17 * 8 * 2, hex.length());
        assertTrue(hex.endsWith("0600000026000500"), "the last instruction returns ERRNO(38): " + hex.substring(hex.length() - 16));
        // with SCMP_ARCH_X86 the rules come again for i386's numbers (write is 1 on x86_64, 4 on i386)
        Obj both = Obj.root(Json.parse("""
                {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
                 "syscalls": [{"names": ["write"], "action": "SCMP_ACT_ERRNO"}]}
                """, "seccomp"), "seccomp");
        String two = Seccomp.assemble(both);
        // ld arch, 2 arch checks, ja, kill; per architecture: ld nr, jeq, ret, default
        assertEquals((5 + 4 + 4) * 8 * 2, two.length());
        assertTrue(two.contains("1500000101000000") && two.contains("1500000104000000"), "jeq 1 and jeq 4: " + two);
        Obj bad = Obj.root(Json.parse("{\"defaultAction\": \"SCMP_ACT_NOTIFY\"}", "seccomp"), "seccomp");
        assertThrows(OciError.class, () -> Seccomp.assemble(bad));
    }
}
