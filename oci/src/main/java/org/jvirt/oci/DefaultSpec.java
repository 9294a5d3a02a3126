package org.jvirt.oci;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The config.json that `jvirt oci spec` writes and `jvirt container run` starts from: runc spec's
 * defaults (namespaces, mounts, the reduced capability set, masked and read-only paths,
 * no_new_privs), with plain stdio rather than a terminal.
 */
public final class DefaultSpec {
    private DefaultSpec() {}

    public static final List<String> CAPS = List.of("CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE");
    public static final List<String> MASKED = List.of("/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
            "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware",
            "/proc/scsi");
    public static final List<String> READONLY = List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");

    /** A config.json tree for ARGS in the bundle's "rootfs" (or ROOTFS) directory. */
    public static Map<String, Object> create(String rootfs, List<String> args) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("ociVersion", "1.0.2");
        Map<String, Object> caps = new LinkedHashMap<>();
        for (String set : List.of("bounding", "effective", "permitted", "ambient")) caps.put(set, CAPS);
        c.put("process", map("terminal", false, "user", map("uid", 0L, "gid", 0L), "args", args,
                "env", List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"),
                "cwd", "/", "capabilities", caps,
                "rlimits", List.of(map("type", "RLIMIT_NOFILE", "hard", 1024L, "soft", 1024L)),
                "noNewPrivileges", true));
        c.put("root", map("path", rootfs, "readonly", true));
        c.put("hostname", "jvirt");
        List<Object> mounts = new ArrayList<>();
        mounts.add(mount("/proc", "proc", "proc", List.of()));
        mounts.add(mount("/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k")));
        mounts.add(mount("/dev/pts", "devpts", "devpts", List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5")));
        mounts.add(mount("/dev/shm", "tmpfs", "shm", List.of("nosuid", "noexec", "nodev", "mode=1777", "size=65536k")));
        mounts.add(mount("/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev")));
        mounts.add(mount("/sys", "sysfs", "sysfs", List.of("nosuid", "noexec", "nodev", "ro")));
        c.put("mounts", mounts);
        List<Object> ns = new ArrayList<>();
        for (String t : List.of("pid", "network", "ipc", "uts", "mount", "cgroup")) ns.add(map("type", t));
        c.put("linux", map("resources", map("devices", List.of(map("allow", false, "access", "rwm"))),
                "namespaces", ns, "maskedPaths", MASKED, "readonlyPaths", READONLY));
        return c;
    }

    private static Map<String, Object> mount(String dest, String type, String source, List<String> options) {
        return map("destination", dest, "type", type, "source", source, "options", options);
    }

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }
}
