package org.jvirt.oci;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A scratch bundle for the runtime tests: a root file system made at test time from the host's
 * static busybox, a state root of its own, and an /out directory bound into the container for
 * results (the container's stdout is the test JVM's, so tests read files instead).
 */
final class Fixture implements AutoCloseable {
    final Path dir, bundle, rootfs, root, out;
    String lastErr = "", lastOut = "";

    Fixture() throws IOException {
        assumeTrue("root".equals(System.getProperty("user.name")), "the runtime tests need root (namespaces, cgroups, mounts)");
        Path busybox = busybox();
        // 0755: a container's root in a user namespace is an unprivileged host user, who must reach the rootfs
        dir = Files.createTempDirectory("jvirt-oci-test",
                java.nio.file.attribute.PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x")));
        bundle = Files.createDirectories(dir.resolve("bundle"));
        rootfs = Files.createDirectories(bundle.resolve("rootfs"));
        root = dir.resolve("state");
        out = Files.createDirectories(dir.resolve("out"));
        out.toFile().setWritable(true, false);
        Path bin = Files.createDirectories(rootfs.resolve("bin"));
        Files.copy(busybox, bin.resolve("busybox"));
        Process p = new ProcessBuilder(busybox.toString(), "--list").start();
        for (String applet : new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
            if (!applet.isBlank() && !applet.equals("busybox")) Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
        }
        for (String d : List.of("proc", "sys", "dev", "tmp", "etc", "out")) Files.createDirectories(rootfs.resolve(d));
        Files.writeString(rootfs.resolve("etc/passwd"), "root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n");
    }

    /** The host's static busybox (Debian's busybox-static package). */
    static Path busybox() {
        for (String c : List.of("/bin/busybox", "/usr/bin/busybox")) if (Files.isExecutable(Path.of(c))) return Path.of(c);
        throw new IllegalStateException("busybox is not installed: apt-get install busybox-static (listed in .ci/packages)");
    }

    /** runc spec's defaults running CMD through sh -c, with /out bound read-write. */
    Map<String, Object> config(String script) {
        Map<String, Object> c = DefaultSpec.create("rootfs", List.of("sh", "-c", script));
        mounts(c).add(Map.of("destination", "/out", "type", "bind", "source", out.toString(), "options", List.of("rbind", "rw")));
        return c;
    }

    @SuppressWarnings("unchecked")
    static List<Object> mounts(Map<String, Object> c) {
        List<Object> m = new ArrayList<>((List<Object>) c.get("mounts"));
        c.put("mounts", m);
        return m;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> obj(Map<String, Object> c, String name) {
        return (Map<String, Object>) c.get(name);
    }

    void write(Map<String, Object> config) throws IOException {
        Files.writeString(bundle.resolve("config.json"), Json.write(config));
    }

    /** Runs `jvirt oci --root ROOT ARGS...` in this JVM; returns the exit status. */
    int oci(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>(List.of("--root", root.toString()));
        all.addAll(List.of(args));
        int status = OciMain.execute(new PrintStream(o, true), new PrintStream(e, true), all.toArray(String[]::new));
        lastOut = o.toString(StandardCharsets.UTF_8);
        lastErr = e.toString(StandardCharsets.UTF_8);
        return status;
    }

    /** `run` of the bundle as ID; returns the container's exit status. */
    int run(String id) {
        return oci("run", "--bundle", bundle.toString(), id);
    }

    /** The OCI state of ID as parsed JSON. */
    Obj state(String id) {
        if (oci("state", id) != 0) throw new AssertionError("state " + id + ": " + lastErr);
        return Obj.root(Json.parse(lastOut, "state"), "state");
    }

    int pid(String id) {
        return (int) state(id).num("pid", 0);
    }

    String status(String id) {
        return state(id).str("status", "");
    }

    String read(String name) throws IOException {
        Path f = out.resolve(name);
        return Files.exists(f) ? Files.readString(f).trim() : "(no " + name + ")";
    }

    /** The container's cgroup directories that exist now (should be none once it is deleted). */
    static List<Path> cgroupDirs(String id) {
        List<Path> found = new ArrayList<>();
        for (Path d : Cgroups.dirs("/jvirt/" + id)) if (Files.exists(d)) found.add(d);
        return found;
    }

    @Override
    public void close() throws IOException {
        if (Files.isDirectory(root)) {
            try (var s = Files.list(root)) {
                for (Path c : s.toList()) oci("delete", "--force", c.getFileName().toString());
            }
        }
        Containers.deleteTree(dir);
    }
}
