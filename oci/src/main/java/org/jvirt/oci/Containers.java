package org.jvirt.oci;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The container life cycle (create, start, state, kill, delete, run, exec) on top of the state
 * directory, the cgroups and the C helper. Errors are OciErrors with one actionable line, and a
 * failed create leaves no state directory, cgroup or process behind.
 */
public final class Containers {
    private final Path root;
    private final boolean systemdCgroup;
    private final Consumer<String> warn;

    public Containers(Path root, boolean systemdCgroup, Consumer<String> warn) {
        this.root = root;
        this.systemdCgroup = systemdCgroup;
        this.warn = warn;
    }

    /** Options of create and run, as runc names them. */
    public record CreateOptions(Path bundle, Path pidFile, String consoleSocket, boolean noPivot, int preserveFds) {}

    /** create: everything up to the user's process, which then waits on exec.fifo for start. */
    public void create(String id, CreateOptions o) {
        setup(id, o, "create");
    }

    /** run: create and start in one go; returns the process's exit status after deleting the container. */
    public int run(String id, CreateOptions o, boolean detach) {
        if (detach) {
            create(id, o);
            start(id);
            return 0;
        }
        Process helper = setup(id, o, "run");
        try {
            return Helper.waitFor(helper);
        } finally {
            Trace.mark("container exited");
            delete(id, true);
            Trace.mark("deleted");
        }
    }

    /** create or run up to the user's process; for run, returns the helper that passes on its exit status. */
    private Process setup(String id, CreateOptions o, String mode) {
        Trace.mark("setup " + mode);
        if (State.exists(root, id)) throw new OciError("container with id " + id + " already exists; pick another id or delete it first");
        Spec spec = Spec.load(o.bundle().toAbsolutePath().normalize());
        if (!spec.newNamespace("mount") && !spec.hasNamespace("mount"))
            throw new OciError("config.json: linux.namespaces has no mount namespace; jvirt needs one to build the container's root");
        if (spec.hostname() != null && !spec.newNamespace("uts"))
            throw new OciError("config.json: hostname is set but there is no new uts namespace; add {\"type\": \"uts\"} to linux.namespaces");
        if (spec.process().terminal() && o.consoleSocket() == null && !mode.equals("run"))
            throw new OciError("process.terminal is true but no --console-socket was given; pass one, or set terminal to false"
                    + " (a foreground run without one uses this terminal)");
        Path dir = State.dir(root, id);
        try {
            // 0711: nobody else may list containers or reach a container's exec fifo
            var owner = java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
            if (!Files.isDirectory(root)) Files.createDirectories(root, owner);
            Files.createDirectory(dir, owner);
        } catch (FileAlreadyExistsException e) {
            throw new OciError("container with id " + id + " already exists; pick another id or delete it first");
        } catch (IOException e) {
            throw new OciError("cannot make the state directory " + dir + ": " + e.getMessage() + "; check --root");
        }
        Trace.mark("config checked");
        String cgPath = Cgroups.path(spec.linux().cgroupsPath(), id, systemdCgroup);
        List<Path> cgDirs = List.of();
        int pid = 0;
        Process helper = null;
        try {
            boolean create = mode.equals("create");
            cgDirs = Cgroups.create(cgPath, spec.linux().resources());
            Trace.mark("cgroups made");
            Helper h = Bundle.records(id, spec, mode, o, cgDirs, create ? dir.resolve(State.FIFO) : null);
            Trace.mark("records built");
            Process started = h.start();
            Trace.mark("helper started");
            pid = Helper.awaitPid(started, p -> {
                // the spec's moment for these: namespaces and mounts made, before pivot_root
                Map<String, Object> s = spec.hookState(id, "creating", p, o.bundle());
                Hooks.run("prestart", spec.hooks().get("prestart"), s);
                Hooks.run("createRuntime", spec.hooks().get("createRuntime"), s);
            });
            Trace.mark("container process ready");
            if (create) Helper.waitFor(started); // it exits once the container process is ready
            else helper = started; // it stays, to pass on the exit status
            State st = new State(id, pid, State.startTime(pid), o.bundle().toAbsolutePath().normalize().toString(),
                    spec.rootfs().toString(), Instant.now().toString(), cgPath, cgDirs.stream().map(Path::toString).toList(),
                    spec.annotations(), spec.hooks().get("poststop"), spec.ociVersion());
            st.save(root);
            if (o.pidFile() != null) writePidFile(o.pidFile(), pid);
            if (create && spec.hooks().get("poststart").isEmpty()) {
                // start has nothing for a JVM to do: bin/jvirt-runc lets the C helper open the fifo
                try {
                    Files.writeString(dir.resolve("start.fast"), pid + " " + st.startTime());
                } catch (IOException e) {
                    throw new OciError("cannot write in the state directory " + dir + ": " + e.getMessage());
                }
            }
            if (!create) Hooks.run("poststart", spec.hooks().get("poststart"), st.oci(root));
            Trace.mark("state saved");
            return helper;
        } catch (RuntimeException e) {
            if (pid > 0) Signals.kill(pid, 9);
            if (helper != null) Helper.waitFor(helper);
            killAll(cgDirs);
            try {
                Cgroups.remove(cgDirs);
                Cgroups.removeEmptyParents(cgDirs, cgPath);
            } catch (OciError again) {
                warn.accept(again.getMessage());
            }
            deleteTree(dir);
            throw e;
        }
    }

    private static void writePidFile(Path file, int pid) {
        try {
            Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
            Files.writeString(tmp, Integer.toString(pid));
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new OciError("cannot write --pid-file " + file + ": " + e.getMessage());
        }
    }

    /** start: opens exec.fifo, which lets the waiting process exec the user's program. */
    public void start(String id) {
        Trace.mark("start");
        State st = State.load(root, id);
        String status = st.status(root);
        Trace.mark("state loaded");
        if (!status.equals("created")) throw new OciError("cannot start container " + id + ": it is " + status + ", not created");
        Path fifo = State.dir(root, id).resolve(State.FIFO);
        // The waiting process is blocked opening the fifo for writing; our open lets it write one
        // byte and exec. Should it die meanwhile, a watchdog opens the write end to unblock us.
        Thread watchdog = Thread.ofPlatform().daemon().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                Cgroups.sleep(200);
                if (!Thread.currentThread().isInterrupted() && !st.alive()) {
                    try (var unblock = new java.io.FileOutputStream(fifo.toFile())) {
                        return;
                    } catch (IOException e) {
                        return;
                    }
                }
            }
        });
        int b;
        try (var in = new java.io.FileInputStream(fifo.toFile())) {
            b = in.read();
        } catch (IOException e) {
            throw new OciError("cannot open " + fifo + " to start container " + id + ": " + e.getMessage());
        }
        watchdog.interrupt();
        if (b < 0) throw new OciError("container " + id + " exited before it could start");
        Trace.mark("fifo read");
        try {
            Files.deleteIfExists(State.dir(root, id).resolve("start.fast"));
            Files.deleteIfExists(fifo);
        } catch (IOException e) {
            throw new OciError("cannot remove " + fifo + ": " + e.getMessage());
        }
        Spec spec = bundleSpec(st);
        if (spec != null) Hooks.run("poststart", spec.hooks().get("poststart"), st.oci(root));
        Trace.mark("poststart hooks run");
    }

    /** The bundle's config again (for hooks and exec); null when the bundle has gone. */
    private Spec bundleSpec(State st) {
        try {
            return Spec.load(Path.of(st.bundle()));
        } catch (OciError e) {
            return null;
        }
    }

    public Map<String, Object> state(String id) {
        return State.load(root, id).oci(root);
    }

    public void kill(String id, int signal, boolean all) {
        State st = State.load(root, id);
        if (!st.alive()) throw new OciError("container " + id + " is not running");
        if (all) {
            for (int p : Cgroups.pids(dirs(st))) Signals.kill(p, signal);
        } else {
            Signals.kill(st.pid(), signal);
        }
    }

    /** delete: removes a stopped (or, with force, any) container: its processes, cgroup and state. */
    public void delete(String id, boolean force) {
        Trace.mark("delete");
        Path dir = State.dir(root, id);
        if (!State.exists(root, id) && Files.isDirectory(dir) && !Files.exists(dir.resolve(State.FIFO))) {
            // a create that was killed before it wrote its state: nothing runs, only the directory is left
            deleteTree(dir);
            return;
        }
        State st = State.load(root, id);
        String status = st.status(root);
        if (status.equals("running") && !force)
            throw new OciError("cannot delete container " + id + " that is running; stop it first or use --force");
        if (status.equals("paused")) Cgroups.freeze(dirs(st), false); // frozen processes cannot die
        if (st.alive()) {
            Signals.kill(st.pid(), 9);
            for (int i = 0; i < 500 && st.alive(); i++) Cgroups.sleep(2);
        }
        List<Path> dirs = dirs(st);
        Trace.mark("state loaded");
        killAll(dirs);
        Cgroups.remove(dirs);
        Cgroups.removeEmptyParents(dirs, st.cgroupPath());
        Trace.mark("cgroup removed");
        try {
            Hooks.run("poststop", st.poststop(), st.oci(root));
        } catch (OciError e) {
            warn.accept(e.getMessage());
        }
        deleteTree(State.dir(root, id));
        Trace.mark("state removed");
    }

    private static List<Path> dirs(State st) {
        return st.cgroupDirs().stream().map(Path::of).toList();
    }

    /** SIGKILL for whatever is left in the cgroup, until it is empty (a fork bomb keeps forking for a while). */
    private static void killAll(List<Path> dirs) {
        for (int round = 0; round < 100; round++) {
            List<Integer> pids = Cgroups.pids(dirs);
            if (pids.isEmpty()) return;
            for (int p : pids) Signals.kill(p, 9);
            Cgroups.sleep(2);
        }
    }

    /** update: new resource limits (a LinuxResources object) for a created, running or paused container. */
    public void update(String id, Spec.Resources r) {
        State st = State.load(root, id);
        if (st.status(root).equals("stopped")) throw new OciError("cannot update container " + id + ": it is stopped");
        Cgroups.update(dirs(st), r);
    }

    /** pause and resume: freeze and thaw every process of the container. */
    public void pause(String id, boolean pause) {
        State st = State.load(root, id);
        String status = st.status(root);
        if (!status.equals(pause ? "running" : "paused"))
            throw new OciError("cannot " + (pause ? "pause" : "resume") + " container " + id + ": it is " + status);
        Cgroups.freeze(dirs(st), pause);
    }

    public List<Map<String, Object>> list() {
        List<Map<String, Object>> out = new ArrayList<>();
        if (!Files.isDirectory(root)) return out;
        try (Stream<Path> s = Files.list(root)) {
            for (Path d : s.sorted().toList()) {
                if (!Files.exists(d.resolve(State.FILE))) continue;
                try {
                    out.add(State.load(root, d.getFileName().toString()).oci(root));
                } catch (OciError e) {
                    warn.accept(e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new OciError("cannot list " + root + ": " + e.getMessage());
        }
        return out;
    }

    public List<Integer> ps(String id) {
        return Cgroups.pids(dirs(State.load(root, id)));
    }

    /** Options of exec, as runc names them; PROCESS is --process's JSON, or null to use ARGS. */
    public record ExecOptions(Path process, List<String> args, boolean detach, Path pidFile, String consoleSocket,
            boolean tty, String cwd, List<String> env, String user, int preserveFds) {}

    /** exec: a new process in a running container's namespaces and cgroup; returns its exit status unless detached. */
    public int exec(String id, ExecOptions o) {
        State st = State.load(root, id);
        if (!st.alive()) throw new OciError("container " + id + " is not running; start it before exec");
        Spec spec = bundleSpec(st);
        Spec.Process p = Bundle.execProcess(spec, o);
        if (p.terminal() && o.consoleSocket() == null)
            throw new OciError("a terminal was asked for but no --console-socket was given; pass one, or drop --tty");
        Helper h = Bundle.execRecords(st, spec, p, o, dirs(st));
        Process started = h.start();
        int pid = Helper.awaitPid(started);
        if (o.pidFile() != null) writePidFile(o.pidFile(), pid);
        return Helper.waitFor(started);
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new OciError("cannot remove " + dir + ": " + e.getMessage());
        }
    }
}
