package org.jvirt.oci;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The part of an OCI runtime-spec 1.x config.json that jvirt acts on, checked field by field.
 * Unknown fields are ignored, as the spec requires; a known field of the wrong type is an error.
 */
public record Spec(String ociVersion, Process process, Path rootfs, boolean rootReadonly, String hostname,
        String domainname, List<Mount> mounts, Map<String, List<Hook>> hooks, Linux linux,
        Map<String, String> annotations) {

    public record User(long uid, long gid, List<Long> additionalGids) {}
    public record Rlimit(int resource, long soft, long hard) {}
    /** Capability sets as bit masks (bit n = capability number n); null when the config has none. */
    public record Caps(long bounding, long effective, long permitted, long inheritable, long ambient) {}
    public record Process(boolean terminal, User user, List<String> args, List<String> env, String cwd,
            Caps caps, List<Rlimit> rlimits, boolean noNewPrivileges, Long oomScoreAdj) {}
    public record Mount(String destination, String type, String source, List<String> options) {}
    public record Hook(String path, List<String> args, List<String> env, Long timeout) {
        /** A hook as config.json and the saved state write it. */
        static Hook of(Obj x) {
            return new Hook(x.required("path"), x.strings("args"), x.strings("env"), x.num("timeout"));
        }
    }
    public record Namespace(String type, String path) {}
    public record IdMap(long containerId, long hostId, long size) {}
    public record Device(String path, String type, long major, long minor, long fileMode, long uid, long gid) {}
    /** A linux.resources.devices rule: "c 1:3 rwm" allowed or denied; null major/minor mean any. */
    public record DeviceRule(boolean allow, String type, Long major, Long minor, String access) {
        String line() {
            return type + " " + (major == null || major < 0 ? "*" : major) + ":" + (minor == null || minor < 0 ? "*" : minor) + " " + access;
        }
    }
    public record Resources(Long memoryLimit, Long memoryReservation, Long memorySwap, Long cpuShares,
            Long cpuQuota, Long cpuPeriod, String cpus, String mems, Long pidsLimit, Long blkioWeight, List<DeviceRule> devices) {
        static final Resources NONE = new Resources(null, null, null, null, null, null, null, null, null, null, List.of());
    }
    public record Linux(List<Namespace> namespaces, List<IdMap> uidMappings, List<IdMap> gidMappings,
            List<Device> devices, String cgroupsPath, Resources resources, String rootfsPropagation,
            List<String> maskedPaths, List<String> readonlyPaths, Map<String, String> sysctl, Obj seccomp) {}

    static final List<String> HOOK_KINDS =
            List.of("prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop");

    /** Reads BUNDLE/config.json. */
    /** The state the runtime gives a hook on its stdin (runtime spec, "State"): status and pid as of now. */
    Map<String, Object> hookState(String id, String status, long pid, Path bundle) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("ociVersion", ociVersion);
        s.put("id", id);
        s.put("status", status);
        s.put("pid", pid);
        s.put("bundle", bundle.toAbsolutePath().normalize().toString());
        s.put("annotations", annotations);
        return s;
    }

    public static Spec load(Path bundle) {
        if (!Files.isDirectory(bundle)) throw new OciError("bundle " + bundle + " does not exist or is not a directory; pass --bundle DIR holding config.json");
        Path file = bundle.resolve("config.json");
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new OciError("no config.json in bundle " + bundle + "; create one (e.g. 'jvirt oci spec --bundle " + bundle + "')");
        } catch (IOException e) {
            throw new OciError("cannot read " + file + ": " + e.getMessage());
        }
        Spec s = parse(Json.parse(text, "config.json"), bundle);
        if (!Files.isDirectory(s.rootfs())) throw new OciError("root.path " + s.rootfs() + " does not exist or is not a directory; fix root.path in config.json");
        return s;
    }

    static Spec parse(Object json, Path bundle) {
        Obj o = Obj.root(json, "config.json");
        String version = o.required("ociVersion");
        if (!version.startsWith("1.")) throw o.error("ociVersion", "is " + version + "; jvirt supports runtime-spec 1.x");
        Obj root = o.obj("root");
        if (root == null) throw new OciError("config.json: root is missing; it names the container's root file system");
        Path rootfs = bundle.resolve(root.required("path")).toAbsolutePath().normalize();
        Obj p = o.obj("process");
        if (p == null) throw new OciError("config.json: process is missing; it says what to run");
        List<Mount> mounts = new ArrayList<>();
        for (Obj m : o.objs("mounts")) {
            String dest = m.required("destination");
            if (!dest.startsWith("/")) throw m.error("destination", dest + " must be an absolute path");
            mounts.add(new Mount(dest, m.str("type", ""), m.str("source", ""), m.strings("options")));
        }
        Map<String, List<Hook>> hooks = new LinkedHashMap<>(); // every kind, empty when not given
        Obj h = o.obj("hooks");
        for (String kind : HOOK_KINDS) {
            List<Hook> list = new ArrayList<>();
            if (h != null) for (Obj x : h.objs(kind)) list.add(Hook.of(x));
            hooks.put(kind, list);
        }
        Map<String, String> annotations = new LinkedHashMap<>();
        Obj an = o.obj("annotations");
        if (an != null) for (String k : an.map().keySet()) annotations.put(k, an.str(k, ""));
        return new Spec(version, process(p), rootfs, root.bool("readonly"), o.str("hostname", null),
                o.str("domainname", null), mounts, hooks, linux(o.obj("linux")), annotations);
    }

    static Process process(Obj p) {
        List<String> args = p.strings("args");
        if (args.isEmpty()) throw p.error("args", "is missing or empty; it is the command to run");
        String cwd = p.str("cwd", "/");
        if (!cwd.startsWith("/")) throw p.error("cwd", cwd + " must be an absolute path");
        Obj u = p.obj("user");
        User user = u == null ? new User(0, 0, List.of()) : new User(u.num("uid", 0), u.num("gid", 0), u.nums("additionalGids"));
        Obj c = p.obj("capabilities");
        Caps caps = c == null ? null : new Caps(Flags.caps(c, "bounding"), Flags.caps(c, "effective"),
                Flags.caps(c, "permitted"), Flags.caps(c, "inheritable"), Flags.caps(c, "ambient"));
        List<Rlimit> rlimits = new ArrayList<>();
        for (Obj r : p.objs("rlimits")) rlimits.add(new Rlimit(Flags.rlimit(r), r.num("soft", 0), r.num("hard", 0)));
        return new Process(p.bool("terminal"), user, args, p.strings("env"), cwd, caps, rlimits,
                p.bool("noNewPrivileges"), p.num("oomScoreAdj"));
    }

    private static Linux linux(Obj l) {
        if (l == null) return new Linux(List.of(), List.of(), List.of(), List.of(), null, Resources.NONE, null, List.of(), List.of(), Map.of(), null);
        List<Namespace> ns = new ArrayList<>();
        for (Obj n : l.objs("namespaces")) {
            String type = n.required("type");
            if (!Flags.NAMESPACES.containsKey(type))
                throw n.error("type", "is \"" + type + "\", not a namespace type; use one of " + String.join(", ", Flags.NAMESPACES.keySet()));
            ns.add(new Namespace(type, n.str("path", null)));
        }
        List<Device> devices = new ArrayList<>();
        for (Obj d : l.objs("devices")) {
            String type = d.required("type");
            if (!List.of("c", "b", "u", "p").contains(type)) throw d.error("type", "is \"" + type + "\"; use c, b, u or p");
            devices.add(new Device(d.required("path"), type, d.num("major", 0), d.num("minor", 0), d.num("fileMode", 0666),
                    d.num("uid", 0), d.num("gid", 0)));
        }
        Map<String, String> sysctl = new LinkedHashMap<>();
        Obj s = l.obj("sysctl");
        if (s != null) for (String k : s.map().keySet()) sysctl.put(k, s.str(k, ""));
        return new Linux(ns, idmaps(l, "uidMappings"), idmaps(l, "gidMappings"), devices, l.str("cgroupsPath", null),
                resources(l.obj("resources")), l.str("rootfsPropagation", null), l.strings("maskedPaths"),
                l.strings("readonlyPaths"), sysctl, l.obj("seccomp"));
    }

    private static List<IdMap> idmaps(Obj l, String name) {
        List<IdMap> out = new ArrayList<>();
        for (Obj m : l.objs(name)) out.add(new IdMap(m.num("containerID", 0), m.num("hostID", 0), m.num("size", 0)));
        return out;
    }

    static Resources resources(Obj r) {
        if (r == null) return Resources.NONE;
        Obj m = r.obj("memory"), c = r.obj("cpu"), p = r.obj("pids"), b = r.obj("blockIO");
        return new Resources(m == null ? null : m.num("limit"), m == null ? null : m.num("reservation"),
                m == null ? null : m.num("swap"), c == null ? null : c.num("shares"), c == null ? null : c.num("quota"),
                c == null ? null : c.num("period"), c == null ? null : c.str("cpus", null), c == null ? null : c.str("mems", null),
                p == null ? null : p.num("limit"), b == null ? null : b.num("weight"), deviceRules(r));
    }

    private static List<DeviceRule> deviceRules(Obj r) {
        List<DeviceRule> out = new ArrayList<>();
        for (Obj d : r.objs("devices")) {
            String type = d.str("type", "a"), access = d.str("access", "rwm");
            if (!List.of("a", "c", "b").contains(type)) throw d.error("type", "is \"" + type + "\"; use a, c or b");
            if (access.isEmpty() || !access.matches("[rwm]+")) throw d.error("access", "is \"" + access + "\"; use letters of rwm");
            out.add(new DeviceRule(d.bool("allow"), type, d.num("major"), d.num("minor"), access));
        }
        return out;
    }

    /** True when the config asks for a new namespace of TYPE (not one joined by path). */
    boolean newNamespace(String type) {
        return linux.namespaces().stream().anyMatch(n -> n.type().equals(type) && n.path() == null);
    }

    boolean hasNamespace(String type) {
        return linux.namespaces().stream().anyMatch(n -> n.type().equals(type));
    }
}
