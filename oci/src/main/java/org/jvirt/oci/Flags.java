package org.jvirt.oci;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Linux numbers for the names config.json uses: namespaces, mount options, capabilities, rlimits, signals. */
final class Flags {
    private Flags() {}

    /** Namespace type to clone flag, in the order runc lists them. */
    static final Map<String, Long> NAMESPACES = new LinkedHashMap<>();
    static {
        NAMESPACES.put("pid", 0x20000000L);
        NAMESPACES.put("network", 0x40000000L);
        NAMESPACES.put("mount", 0x00020000L);
        NAMESPACES.put("ipc", 0x08000000L);
        NAMESPACES.put("uts", 0x04000000L);
        NAMESPACES.put("user", 0x10000000L);
        NAMESPACES.put("cgroup", 0x02000000L);
    }

    /** The names of /proc/PID/ns entries for each namespace type. */
    static final Map<String, String> PROC_NS = Map.of("pid", "pid", "network", "net", "mount", "mnt", "ipc", "ipc",
            "uts", "uts", "user", "user", "cgroup", "cgroup");

    static final long MS_RDONLY = 1, MS_NOSUID = 2, MS_NODEV = 4, MS_NOEXEC = 8, MS_SYNCHRONOUS = 16,
            MS_REMOUNT = 32, MS_MANDLOCK = 64, MS_DIRSYNC = 128, MS_NOATIME = 1024, MS_NODIRATIME = 2048,
            MS_BIND = 4096, MS_REC = 16384, MS_UNBINDABLE = 1 << 17, MS_PRIVATE = 1 << 18, MS_SLAVE = 1 << 19,
            MS_SHARED = 1 << 20, MS_RELATIME = 1 << 21, MS_STRICTATIME = 1 << 24;

    /** Mount option to {flags to set, flags to clear}. */
    private static final Map<String, long[]> MOUNT_OPTIONS = Map.ofEntries(
            Map.entry("ro", new long[] {MS_RDONLY, 0}), Map.entry("rw", new long[] {0, MS_RDONLY}),
            Map.entry("nosuid", new long[] {MS_NOSUID, 0}), Map.entry("suid", new long[] {0, MS_NOSUID}),
            Map.entry("nodev", new long[] {MS_NODEV, 0}), Map.entry("dev", new long[] {0, MS_NODEV}),
            Map.entry("noexec", new long[] {MS_NOEXEC, 0}), Map.entry("exec", new long[] {0, MS_NOEXEC}),
            Map.entry("sync", new long[] {MS_SYNCHRONOUS, 0}), Map.entry("async", new long[] {0, MS_SYNCHRONOUS}),
            Map.entry("dirsync", new long[] {MS_DIRSYNC, 0}), Map.entry("remount", new long[] {MS_REMOUNT, 0}),
            Map.entry("mand", new long[] {MS_MANDLOCK, 0}), Map.entry("nomand", new long[] {0, MS_MANDLOCK}),
            Map.entry("atime", new long[] {0, MS_NOATIME}), Map.entry("noatime", new long[] {MS_NOATIME, 0}),
            Map.entry("diratime", new long[] {0, MS_NODIRATIME}), Map.entry("nodiratime", new long[] {MS_NODIRATIME, 0}),
            Map.entry("relatime", new long[] {MS_RELATIME, 0}), Map.entry("norelatime", new long[] {0, MS_RELATIME}),
            Map.entry("strictatime", new long[] {MS_STRICTATIME, 0}), Map.entry("nostrictatime", new long[] {0, MS_STRICTATIME}),
            Map.entry("bind", new long[] {MS_BIND, 0}), Map.entry("rbind", new long[] {MS_BIND | MS_REC, 0}));

    static final Map<String, Long> PROPAGATION = Map.of("private", MS_PRIVATE, "rprivate", MS_PRIVATE | MS_REC,
            "shared", MS_SHARED, "rshared", MS_SHARED | MS_REC, "slave", MS_SLAVE, "rslave", MS_SLAVE | MS_REC,
            "unbindable", MS_UNBINDABLE, "runbindable", MS_UNBINDABLE | MS_REC);

    /** A mount's options split into mount flags, propagation flags and the file-system data string. */
    record MountFlags(long flags, long propagation, String data) {}

    static MountFlags mount(Spec.Mount m) {
        long flags = m.type().equals("bind") ? MS_BIND : 0, prop = 0;
        StringBuilder data = new StringBuilder();
        for (String o : m.options()) {
            long[] f = MOUNT_OPTIONS.get(o);
            if (f != null) {
                flags = (flags | f[0]) & ~f[1];
            } else if (PROPAGATION.containsKey(o)) {
                prop |= PROPAGATION.get(o);
            } else if (!o.equals("tmpcopyup") && !o.equals("defaults")) {
                if (!data.isEmpty()) data.append(',');
                data.append(o);
            }
        }
        return new MountFlags(flags, prop, data.toString());
    }

    static final List<String> CAPS = List.of("CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL",
            "SETGID", "SETUID", "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN",
            "NET_RAW", "IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT",
            "SYS_ADMIN", "SYS_BOOT", "SYS_NICE", "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD", "LEASE",
            "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM",
            "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF", "CHECKPOINT_RESTORE");

    /**
     * A capability set as a bit mask; names this kernel does not know are skipped, as runc does.
     * (Plain string work here and in other per-operation paths: a cold JVM pays for every regex.)
     */
    static long caps(Obj c, String set) {
        long mask = 0;
        for (String name : c.strings(set)) {
            String n = name.toUpperCase();
            int i = CAPS.indexOf(n.startsWith("CAP_") ? n.substring(4) : n);
            if (i >= 0) mask |= 1L << i;
        }
        return mask;
    }

    static final List<String> RLIMITS = List.of("CPU", "FSIZE", "DATA", "STACK", "CORE", "RSS", "NPROC", "NOFILE",
            "MEMLOCK", "AS", "LOCKS", "SIGPENDING", "MSGQUEUE", "NICE", "RTPRIO", "RTTIME");

    static int rlimit(Obj r) {
        String type = r.required("type");
        int i = RLIMITS.indexOf(type.startsWith("RLIMIT_") ? type.substring(7) : type);
        if (i < 0) throw r.error("type", "is \"" + type + "\", not an rlimit; use e.g. RLIMIT_NOFILE");
        return i;
    }

    static final List<String> SIGNALS = List.of("", "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL",
            "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU",
            "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS");

    /** "9", "KILL", "SIGKILL" or "SIGRTMIN+3" to a signal number. */
    static int signal(String s) {
        String n = s.toUpperCase().replaceFirst("^SIG", "");
        if (n.matches("\\d+")) {
            int v = Integer.parseInt(n);
            if (v >= 1 && v <= 64) return v;
        } else if (n.startsWith("RTMIN")) {
            int v = 34 + (n.length() > 5 ? Integer.parseInt(n.substring(5).replace("+", "")) : 0);
            if (v <= 64) return v;
        } else {
            if (n.equals("IOT")) return 6;
            if (n.equals("POLL")) return 29;
            int i = SIGNALS.indexOf(n);
            if (i > 0) return i;
        }
        throw new OciError("unknown signal \"" + s + "\"; use a name like TERM or KILL, or a number from 1 to 64");
    }
}
