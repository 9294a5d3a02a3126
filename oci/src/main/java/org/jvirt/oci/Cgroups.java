package org.jvirt.oci;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The container's cgroup: made and limited by the JVM before the helper starts, which writes its
 * own pid into every cgroup.procs so that the container's first process is inside before it runs
 * anything of the user's. Works on cgroup v1 (one hierarchy per controller) and v2 (unified).
 */
final class Cgroups {
    private Cgroups() {}

    static final Path ROOT = Path.of("/sys/fs/cgroup");

    /** v2 when /sys/fs/cgroup is itself the unified hierarchy (it then has cgroup.controllers). */
    static boolean unified() {
        return Files.exists(ROOT.resolve("cgroup.controllers"));
    }

    /**
     * The cgroup path for config.json's cgroupsPath. The systemd form "slice:prefix:name" (what
     * podman passes with --systemd-cgroup) maps onto the same cgroupfs path systemd would use,
     * slice/prefix-name.scope; jvirt writes the files itself rather than asking systemd for a scope.
     */
    static String path(String cgroupsPath, String id, boolean systemd) {
        if (cgroupsPath == null || cgroupsPath.isEmpty()) {
            return systemd ? "/system.slice/jvirt-" + id + ".scope" : "/jvirt/" + id;
        }
        String[] parts = cgroupsPath.split(":", -1);
        if (parts.length == 3 && !cgroupsPath.startsWith("/")) {
            String slice = parts[0].isEmpty() ? "system.slice" : parts[0];
            StringBuilder p = new StringBuilder();
            // systemd nests "a-b-c.slice" as a.slice/a-b.slice/a-b-c.slice
            String[] dash = slice.replaceFirst("\\.slice$", "").split("-");
            String acc = "";
            for (String d : dash) {
                acc = acc.isEmpty() ? d : acc + "-" + d;
                p.append('/').append(acc).append(".slice");
            }
            return p + "/" + parts[1] + "-" + parts[2] + ".scope";
        }
        if (cgroupsPath.contains("..")) throw new OciError("linux.cgroupsPath " + cgroupsPath + " must not contain '..'");
        return cgroupsPath.startsWith("/") ? cgroupsPath : "/" + cgroupsPath;
    }

    /** The directories of the container's cgroup, one per v1 hierarchy or the single v2 one. */
    static List<Path> dirs(String path) {
        String rel = path.substring(1);
        List<Path> out = new ArrayList<>();
        if (unified()) {
            out.add(ROOT.resolve(rel));
            return out;
        }
        try (var s = Files.list(ROOT)) {
            for (Path h : s.sorted().toList()) {
                // the hierarchies, not the symlinks (cpu -> cpu,cpuacct) and not the controller-less v2 mount
                if (Files.isSymbolicLink(h) || !Files.isDirectory(h) || h.getFileName().toString().equals("unified")) continue;
                if (!Files.exists(h.resolve("cgroup.procs"))) continue;
                out.add(h.resolve(rel));
            }
        } catch (IOException e) {
            throw new OciError("cannot list the cgroup hierarchies in " + ROOT + ": " + e.getMessage());
        }
        if (out.isEmpty()) throw new OciError("no cgroup hierarchy is mounted under " + ROOT + "; mount cgroups (v1 or v2) first");
        return out;
    }

    /** Makes the cgroup and applies the limits; on failure removes what it made. */
    static List<Path> create(String path, Spec.Resources r) {
        List<Path> dirs = dirs(path);
        List<Path> made = new ArrayList<>();
        try {
            for (Path d : dirs) mkdirs(d, made);
            for (Path d : dirs) apply(d, r);
        } catch (RuntimeException e) {
            remove(made.reversed());
            throw e;
        }
        return dirs;
    }

    /** update: new limits for a running container's existing cgroup. */
    static void update(List<Path> dirs, Spec.Resources r) {
        for (Path d : dirs) if (Files.isDirectory(d)) apply(d, r);
    }

    private static void mkdirs(Path d, List<Path> made) {
        if (Files.isDirectory(d)) return;
        mkdirs(d.getParent(), made);
        try {
            Files.createDirectory(d);
            made.add(d);
            // a new v1 cpuset has no cpus or mems, and a task cannot join it until it has: inherit them
            if (Files.exists(d.resolve("cpuset.cpus")) && !unified()) {
                for (String f : List.of("cpuset.cpus", "cpuset.mems")) {
                    if (read(d.resolve(f)).isBlank()) write(d.resolve(f), read(d.getParent().resolve(f)).trim());
                }
            }
        } catch (IOException e) {
            throw new OciError("cannot make cgroup " + d + ": " + e.getMessage());
        }
    }

    private static void apply(Path d, Spec.Resources r) {
        String hierarchy = d.subpath(ROOT.getNameCount(), ROOT.getNameCount() + 1).toString();
        if (unified()) {
            enableControllers(d);
            if (r.memoryLimit() != null) write(d.resolve("memory.max"), limit(r.memoryLimit()));
            if (r.memorySwap() != null && r.memoryLimit() != null && r.memorySwap() > 0)
                optional(d.resolve("memory.swap.max"), Long.toString(Math.max(0, r.memorySwap() - r.memoryLimit())));
            if (r.memoryReservation() != null) write(d.resolve("memory.low"), limit(r.memoryReservation()));
            if (r.cpuShares() != null && r.cpuShares() > 0)
                write(d.resolve("cpu.weight"), Long.toString(1 + ((Math.max(2, r.cpuShares()) - 2) * 9999) / 262142));
            if (r.cpuQuota() != null || r.cpuPeriod() != null)
                write(d.resolve("cpu.max"), (r.cpuQuota() == null || r.cpuQuota() <= 0 ? "max" : r.cpuQuota()) + " " + (r.cpuPeriod() == null ? 100000 : r.cpuPeriod()));
            if (r.pidsLimit() != null) write(d.resolve("pids.max"), limit(r.pidsLimit()));
            if (r.cpus() != null && !r.cpus().isEmpty()) write(d.resolve("cpuset.cpus"), r.cpus());
            if (r.mems() != null && !r.mems().isEmpty()) write(d.resolve("cpuset.mems"), r.mems());
            if (r.blkioWeight() != null) optional(d.resolve("io.weight"), r.blkioWeight().toString());
            return;
        }
        switch (hierarchy) {
            case "memory" -> {
                // memsw counts memory plus swap (the kernel has it only with swap accounting on) and
                // may never be below the memory limit: raising both means memsw first, lowering memory first
                Path mem = d.resolve("memory.limit_in_bytes"), memsw = d.resolve("memory.memsw.limit_in_bytes");
                boolean swapFirst = r.memorySwap() != null && Files.exists(memsw)
                        && (r.memorySwap() < 0 || r.memorySwap() > Long.parseLong(read(memsw).trim()));
                if (swapFirst) optional(memsw, Long.toString(r.memorySwap()));
                if (r.memoryLimit() != null) write(mem, Long.toString(r.memoryLimit()));
                if (r.memorySwap() != null && !swapFirst) optional(memsw, Long.toString(r.memorySwap()));
                if (r.memoryReservation() != null) write(d.resolve("memory.soft_limit_in_bytes"), Long.toString(r.memoryReservation()));
            }
            case "cpu", "cpu,cpuacct" -> {
                if (r.cpuShares() != null && r.cpuShares() > 0) write(d.resolve("cpu.shares"), r.cpuShares().toString());
                if (r.cpuPeriod() != null) write(d.resolve("cpu.cfs_period_us"), r.cpuPeriod().toString());
                if (r.cpuQuota() != null) write(d.resolve("cpu.cfs_quota_us"), r.cpuQuota().toString());
            }
            case "pids" -> { if (r.pidsLimit() != null) write(d.resolve("pids.max"), limit(r.pidsLimit())); }
            case "cpuset" -> {
                if (r.cpus() != null && !r.cpus().isEmpty()) write(d.resolve("cpuset.cpus"), r.cpus());
                if (r.mems() != null && !r.mems().isEmpty()) write(d.resolve("cpuset.mems"), r.mems());
            }
            case "devices" -> devices(d, r.devices());
            case "blkio" -> {
                // only with a proportional I/O scheduler (BFQ) does the kernel offer a weight
                if (r.blkioWeight() != null) optional(d.resolve("blkio.weight"), r.blkioWeight().toString());
                if (r.blkioWeight() != null) optional(d.resolve("blkio.bfq.weight"), r.blkioWeight().toString());
            }
            default -> {}
        }
    }

    /**
     * The v1 devices controller: the config's rules in order (runc spec starts with "deny all"),
     * then what every container needs, as runc allows it: the default devices, ptys, tun, and mknod
     * of any node (opening one still needs an allow rule). v2 needs an eBPF program instead, which
     * jvirt does not load: there the rules are not enforced (see docs/architecture.md).
     */
    private static void devices(Path d, List<Spec.DeviceRule> rules) {
        if (rules.isEmpty()) return;
        for (Spec.DeviceRule rule : rules) write(d.resolve(rule.allow() ? "devices.allow" : "devices.deny"), rule.line());
        for (String always : List.of("c *:* m", "b *:* m", "c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm", "c 1:8 rwm", "c 1:9 rwm",
                "c 5:0 rwm", "c 5:1 rwm", "c 5:2 rwm", "c 136:* rwm", "c 10:200 rwm")) {
            write(d.resolve("devices.allow"), always);
        }
    }

    /** pause and resume: the freezer (v1 freezer.state, v2 cgroup.freeze); returns once it has taken effect. */
    static void freeze(List<Path> dirs, boolean frozen) {
        for (Path d : dirs) {
            Path v1 = d.resolve("freezer.state"), v2 = d.resolve("cgroup.freeze");
            if (Files.exists(v1)) {
                write(v1, frozen ? "FROZEN" : "THAWED");
                for (int i = 0; i < 500 && !read(v1).trim().equals(frozen ? "FROZEN" : "THAWED"); i++) sleep(2);
                return;
            }
            if (Files.exists(v2) && unified()) {
                write(v2, frozen ? "1" : "0");
                for (int i = 0; i < 500 && !read(d.resolve("cgroup.events")).contains("frozen " + (frozen ? 1 : 0)); i++) sleep(2);
                return;
            }
        }
        throw new OciError("no freezer cgroup for this container; the kernel's freezer controller is needed to pause");
    }

    static boolean frozen(List<Path> dirs) {
        for (Path d : dirs) {
            Path v1 = d.resolve("freezer.state"), v2 = d.resolve("cgroup.events");
            try {
                if (Files.exists(v1)) return !Files.readString(v1).trim().equals("THAWED");
                if (Files.exists(d.resolve("cgroup.freeze")) && unified()) return Files.readString(v2).contains("frozen 1");
            } catch (IOException gone) {
                return false;
            }
        }
        return false;
    }

    private static String limit(long v) {
        return v <= 0 ? "max" : Long.toString(v);
    }

    /** v2 only: a controller works in a cgroup when every ancestor delegates it in cgroup.subtree_control. */
    private static void enableControllers(Path d) {
        List<Path> chain = new ArrayList<>();
        for (Path p = d.getParent(); p != null && p.startsWith(ROOT); p = p.getParent()) chain.addFirst(p);
        for (Path p : chain) {
            String available = read(p.resolve("cgroup.controllers")).trim();
            for (String c : available.split("\\s+")) {
                if (List.of("memory", "pids", "cpu", "cpuset", "io").contains(c)) optional(p.resolve("cgroup.subtree_control"), "+" + c);
            }
        }
    }

    /** The pids now in the cgroup (from the first hierarchy that lists them). */
    static List<Integer> pids(List<Path> dirs) {
        for (Path d : dirs) {
            Path procs = d.resolve("cgroup.procs");
            if (!Files.exists(procs)) continue;
            return read(procs).lines().filter(l -> !l.isBlank()).map(Integer::parseInt).toList();
        }
        return List.of();
    }

    /** Removes the cgroup directories, waiting briefly for exiting processes to leave them. */
    static void remove(List<Path> dirs) {
        for (Path d : dirs) {
            for (int i = 0; Files.exists(d); i++) {
                try {
                    Files.delete(d);
                } catch (IOException e) {
                    if (i > 200) throw new OciError("cannot remove cgroup " + d + " (processes still in it?): " + e.getMessage());
                    sleep(10);
                }
            }
        }
    }

    /** Removes an empty parent jvirt made by default (/jvirt), keeping it while other containers use it. */
    static void removeEmptyParents(List<Path> dirs, String path) {
        if (!path.startsWith("/jvirt/")) return;
        for (Path d : dirs) {
            try {
                Files.deleteIfExists(d.getParent());
            } catch (IOException busy) {
                // still holds other containers
            }
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new OciError("cannot read " + p + ": " + e.getMessage());
        }
    }

    static void write(Path p, String v) {
        try {
            Files.writeString(p, v);
        } catch (IOException e) {
            throw new OciError("cannot set " + p + " to " + v + ": " + e.getMessage());
        }
    }

    private static void optional(Path p, String v) {
        if (!Files.exists(p)) return;
        try {
            Files.writeString(p, v);
        } catch (IOException e) {
            // the kernel refused an optional setting: the container still runs, without it
        }
    }
}
