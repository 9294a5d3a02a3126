package org.jvirt.oci;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What jvirt keeps about a container in ROOT/ID/state.json. The status is not stored: it follows
 * from the process (alive, and the same process: its start time matches) and from exec.fifo, which
 * exists from create until start.
 */
record State(String id, int pid, long startTime, String bundle, String rootfs, String created, String cgroupPath,
        List<String> cgroupDirs, Map<String, String> annotations, List<Spec.Hook> poststop, String ociVersion) {

    static final String FILE = "state.json", FIFO = "exec.fifo";

    /**
     * The state directory of container {@code id}. Every id becomes a path here, so here it is checked:
     * an id such as {@code ../x} must not reach outside {@code --root}.
     */
    static Path dir(Path root, String id) {
        checkId(id);
        return root.resolve(id);
    }

    private static void checkId(String id) {
        if (id == null || id.isEmpty()) throw new OciError("no container id given; pass one as the last argument");
        boolean ok = id.length() <= 1024 && Character.isLetterOrDigit(id.charAt(0));
        for (int i = 0; ok && i < id.length(); i++) {
            char c = id.charAt(i);
            ok = c < 128 && (Character.isLetterOrDigit(c) || "_+.-".indexOf(c) >= 0);
        }
        if (!ok)
            throw new OciError("invalid container id \"" + id + "\": use letters, digits and _ + . - only");
    }

    static boolean exists(Path root, String id) {
        return Files.exists(dir(root, id).resolve(FILE));
    }

    static State load(Path root, String id) {
        Path f = dir(root, id).resolve(FILE);
        if (!Files.exists(f)) throw new OciError("container " + id + " does not exist");
        Obj o;
        try {
            o = Obj.root(Json.parse(Files.readString(f), f.toString()), f.toString());
        } catch (IOException e) {
            throw new OciError("container " + id + " does not exist (" + e.getMessage() + ")");
        }
        Map<String, String> ann = new LinkedHashMap<>();
        Obj a = o.obj("annotations");
        if (a != null) for (String k : a.map().keySet()) ann.put(k, a.str(k, ""));
        List<Spec.Hook> hooks = new ArrayList<>();
        for (Obj h : o.objs("poststop")) hooks.add(Spec.Hook.of(h));
        return new State(o.required("id"), (int) o.num("pid", 0), o.num("startTime", 0), o.str("bundle", ""), o.str("rootfs", ""),
                o.str("created", ""), o.str("cgroupPath", ""), o.strings("cgroupDirs"), ann, hooks, o.str("ociVersion", "1.0.2"));
    }

    void save(Path root) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("pid", pid);
        m.put("startTime", startTime);
        m.put("bundle", bundle);
        m.put("rootfs", rootfs);
        m.put("created", created);
        m.put("cgroupPath", cgroupPath);
        m.put("cgroupDirs", cgroupDirs);
        m.put("annotations", annotations);
        List<Object> hooks = new ArrayList<>();
        for (Spec.Hook h : poststop) {
            Map<String, Object> hm = new LinkedHashMap<>();
            hm.put("path", h.path());
            hm.put("args", h.args());
            hm.put("env", h.env());
            if (h.timeout() != null) hm.put("timeout", h.timeout());
            hooks.add(hm);
        }
        m.put("poststop", hooks);
        m.put("ociVersion", ociVersion);
        Path d = dir(root, id), tmp = d.resolve(FILE + ".tmp");
        try {
            Files.writeString(tmp, Json.write(m));
            Files.move(tmp, d.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new OciError("cannot write the state of container " + id + " in " + d + ": " + e.getMessage());
        }
    }

    /** created, running, paused or stopped. */
    String status(Path root) {
        if (!alive()) return "stopped";
        if (Files.exists(dir(root, id).resolve(FIFO))) return "created";
        return Cgroups.frozen(cgroupDirs.stream().map(Path::of).toList()) ? "paused" : "running";
    }

    boolean alive() {
        return pid > 0 && startTime(pid) == startTime;
    }

    /** The start time of PID in clock ticks after boot (field 22 of /proc/PID/stat); -1 if it is gone or a zombie. */
    static long startTime(int pid) {
        try {
            String s = Files.readString(Path.of("/proc", Integer.toString(pid), "stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            if (f[0].equals("Z") || f[0].equals("X")) return -1;
            return Long.parseLong(f[19]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The OCI state, as `state` prints it (runc's fields, which podman reads). */
    Map<String, Object> oci(Path root) {
        String status = status(root);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ociVersion", ociVersion);
        m.put("id", id);
        m.put("pid", status.equals("stopped") ? 0 : pid);
        m.put("status", status);
        m.put("bundle", bundle);
        m.put("rootfs", rootfs);
        m.put("created", created);
        m.put("owner", "");
        if (!annotations.isEmpty()) m.put("annotations", annotations);
        return m;
    }
}
