package org.jvirt.oci;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Turns a checked Spec into the helper's records: every decision made here, none left to C. */
final class Bundle {
    private Bundle() {}

    /** The devices every container gets (runc's defaults), bound from the host's /dev. */
    static final List<String> DEFAULT_DEVICES = List.of("/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty");

    static Helper records(String id, Spec spec, String mode, Containers.CreateOptions o, List<Path> cgDirs, Path fifo) {
        Helper h = new Helper();
        h.add("mode", mode);
        h.add("preserve", o.preserveFds());
        for (Path d : cgDirs) h.add("cgroup", d.resolve("cgroup.procs"));
        long clone = 0;
        for (Spec.Namespace n : spec.linux().namespaces()) {
            long flag = Flags.NAMESPACES.get(n.type());
            if (n.path() == null) clone |= flag;
            else h.add("setns", flag, n.path());
        }
        h.add("clone", clone);
        if (spec.newNamespace("user")) {
            if (spec.linux().uidMappings().isEmpty() || spec.linux().gidMappings().isEmpty())
                throw new OciError("config.json: a new user namespace needs linux.uidMappings and linux.gidMappings");
            h.add("uidmap", idmap(spec.linux().uidMappings()));
            h.add("gidmap", idmap(spec.linux().gidMappings()));
        }
        h.add("rootfs", spec.rootfs());
        if (spec.newNamespace("mount")) {
            h.add("newns");
            String prop = spec.linux().rootfsPropagation();
            if (prop != null && !prop.isEmpty()) {
                Long p = Flags.PROPAGATION.get(prop);
                if (p == null) throw new OciError("config.json: linux.rootfsPropagation is \"" + prop + "\"; use e.g. rprivate, rslave or rshared");
                h.add("rootprop", p | Flags.MS_REC);
            }
            Path bundle = o.bundle().toAbsolutePath().normalize();
            for (Spec.Mount m : spec.mounts()) {
                Flags.MountFlags f = Flags.mount(m);
                String src = m.source();
                if ((f.flags() & Flags.MS_BIND) != 0) {
                    // a relative bind source is relative to the bundle
                    if (!src.startsWith("/")) src = bundle.resolve(src).toString();
                    if (!Files.exists(Path.of(src))) throw new OciError("config.json: the source " + src + " of the bind mount on " + m.destination() + " does not exist");
                }
                if (m.type().equals("cgroup") && !Cgroups.unified()) {
                    // v1 has one mount per controller and no single "cgroup" file system to mount;
                    // the container gets an empty read-only directory instead of the host's tree.
                    h.add("mount", "tmpfs", "tmpfs", f.flags() | Flags.MS_RDONLY, f.propagation(), "mode=755", m.destination());
                    continue;
                }
                h.add("mount", src, m.type(), f.flags(), f.propagation(), f.data(), m.destination());
            }
            boolean userns = spec.hasNamespace("user");
            for (String d : DEFAULT_DEVICES) h.add("devbind", d);
            for (Spec.Device d : spec.linux().devices()) {
                if (DEFAULT_DEVICES.contains(d.path())) continue;
                // a user namespace may not mknod: bind the host's node of the same name instead
                if (userns) h.add("devbind", d.path());
                else h.add("mknod", d.path(), d.type(), d.major(), d.minor(), Long.toOctalString(d.fileMode()), d.uid(), d.gid());
            }
            h.add("symlink", "/proc/self/fd", "/dev/fd");
            h.add("symlink", "/proc/self/fd/0", "/dev/stdin");
            h.add("symlink", "/proc/self/fd/1", "/dev/stdout");
            h.add("symlink", "/proc/self/fd/2", "/dev/stderr");
            h.add("symlink", "pts/ptmx", "/dev/ptmx");
            if (Files.exists(Path.of("/proc/kcore"))) h.add("symlink", "/proc/kcore", "/dev/core");
            if (o.noPivot()) h.add("nopivot");
            for (String m : spec.linux().maskedPaths()) h.add("mask", m);
            for (String r : spec.linux().readonlyPaths()) h.add("rdonly", r);
            if (spec.rootReadonly()) h.add("readonlyroot");
        }
        if (spec.hostname() != null) h.add("hostname", spec.hostname());
        if (spec.domainname() != null) h.add("domainname", spec.domainname());
        for (var e : spec.linux().sysctl().entrySet()) {
            if (e.getKey().contains("..") || e.getKey().contains("/")) throw new OciError("config.json: linux.sysctl has an invalid name \"" + e.getKey() + "\"");
            h.add("sysctl", "/proc/sys/" + e.getKey().replace('.', '/'), e.getValue());
        }
        if (o.consoleSocket() != null && spec.process().terminal()) h.add("console", o.consoleSocket());
        // a foreground run with a terminal and no socket: the helper relays between our stdio and the pty
        else if (spec.process().terminal() && mode.equals("run")) h.add("ptyproxy");
        if (fifo != null) h.add("fifo", fifo);
        if (!spec.hooks().get("prestart").isEmpty() || !spec.hooks().get("createRuntime").isEmpty())
            h.add("runtimehooks");
        // createContainer and startContainer run in the container's namespaces: the helper runs them
        List<Spec.Hook> inside = new ArrayList<>(spec.hooks().get("createContainer"));
        inside.addAll(spec.hooks().get("startContainer"));
        if (!inside.isEmpty()) {
            // the helper puts in its pid as the host sees it
            h.add("state", Json.write(spec.hookState(id, "created", -1, o.bundle())));
            for (String kind : List.of("createContainer", "startContainer")) {
                for (Spec.Hook hook : spec.hooks().get(kind)) {
                    List<Object> a = new ArrayList<>(List.of(hook.path(), hook.args().size()));
                    a.addAll(hook.args());
                    a.addAll(hook.env());
                    h.add(kind.equals("createContainer") ? "createhook" : "starthook", a.toArray());
                }
            }
        }
        h.process(spec.process());
        if (spec.linux().seccomp() != null) h.add("seccomp", Seccomp.assemble(spec.linux().seccomp()));
        return h;
    }

    private static String idmap(List<Spec.IdMap> maps) {
        StringBuilder sb = new StringBuilder();
        for (Spec.IdMap m : maps) sb.append(m.containerId()).append(' ').append(m.hostId()).append(' ').append(m.size()).append('\n');
        return sb.toString();
    }

    /** The process exec runs: --process's JSON, or the container's own process with the given args and overrides. */
    static Spec.Process execProcess(Spec spec, Containers.ExecOptions o) {
        if (o.process() != null) {
            String text;
            try {
                text = Files.readString(o.process());
            } catch (IOException e) {
                throw new OciError("cannot read --process " + o.process() + ": " + e.getMessage());
            }
            return Spec.process(Obj.root(Json.parse(text, o.process().getFileName().toString()), o.process().getFileName().toString()));
        }
        if (o.args().isEmpty()) throw new OciError("exec needs a command: jvirt oci exec ID COMMAND [ARG...] or --process FILE");
        Spec.Process base = spec != null ? spec.process() : new Spec.Process(false, new Spec.User(0, 0, List.of()), List.of(), List.of(), "/", null, List.of(), false, null);
        List<String> env = new ArrayList<>(base.env());
        env.addAll(o.env());
        Spec.User user = base.user();
        if (o.user() != null) {
            String[] ug = o.user().split(":");
            try {
                user = new Spec.User(Long.parseLong(ug[0]), ug.length > 1 ? Long.parseLong(ug[1]) : 0, List.of());
            } catch (NumberFormatException e) {
                throw new OciError("--user " + o.user() + " must be UID[:GID] in numbers");
            }
        }
        return new Spec.Process(o.tty(), user, o.args(), env, o.cwd() != null ? o.cwd() : base.cwd(), base.caps(),
                base.rlimits(), base.noNewPrivileges(), null);
    }

    static Helper execRecords(State st, Spec spec, Spec.Process p, Containers.ExecOptions o, List<Path> cgDirs) {
        Helper h = new Helper();
        h.add("mode", "exec");
        if (o.detach()) h.add("detach");
        h.add("preserve", o.preserveFds());
        for (Path d : cgDirs) if (Files.exists(d)) h.add("cgroup", d.resolve("cgroup.procs"));
        // Every namespace of the container's first process that differs from ours; user first (the helper orders them).
        for (var e : Flags.PROC_NS.entrySet()) {
            Path theirs = Path.of("/proc", Integer.toString(st.pid()), "ns", e.getValue());
            Path ours = Path.of("/proc/self/ns", e.getValue());
            try {
                if (Files.readSymbolicLink(theirs).equals(Files.readSymbolicLink(ours))) continue;
            } catch (IOException ex) {
                throw new OciError("cannot read the namespaces of container " + st.id() + " (pid " + st.pid() + "): " + ex.getMessage());
            }
            h.add("setns", Flags.NAMESPACES.get(e.getKey()), theirs);
        }
        if (o.consoleSocket() != null && p.terminal()) h.add("console", o.consoleSocket());
        h.process(p);
        if (spec != null && spec.linux().seccomp() != null) h.add("seccomp", Seccomp.assemble(spec.linux().seccomp()));
        return h;
    }
}
