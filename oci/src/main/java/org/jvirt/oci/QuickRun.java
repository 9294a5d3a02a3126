package org.jvirt.oci;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * `jvirt container run`: a bundle made on the fly around an existing root file system, run in the
 * foreground with the caller's stdio, then deleted with its cgroup and state.
 */
public final class QuickRun {
    private QuickRun() {}

    /** What the user asked for; null memory or pids means no limit. */
    public record Options(Path rootfs, Long memory, Long pids, String hostname, String net, boolean tty, List<String> command) {}

    public static int run(Options o, Path stateRoot) {
        Path rootfs = o.rootfs().toAbsolutePath().normalize();
        if (!Files.isDirectory(rootfs)) throw new OciError("--rootfs " + o.rootfs() + " does not exist or is not a directory; give a root file system directory");
        if (o.command().isEmpty()) throw new OciError("no command given; put it after --, e.g. jvirt container run --rootfs DIR -- /bin/sh");
        if (!o.net().equals("none") && !o.net().equals("host")) throw new OciError("--net must be none or host, not " + o.net());
        Map<String, Object> c = DefaultSpec.create(rootfs.toString(), o.command());
        @SuppressWarnings("unchecked") Map<String, Object> root = (Map<String, Object>) c.get("root");
        root.put("readonly", false);
        c.put("hostname", o.hostname());
        @SuppressWarnings("unchecked") Map<String, Object> process = (Map<String, Object>) c.get("process");
        process.put("terminal", o.tty());
        @SuppressWarnings("unchecked") Map<String, Object> linux = (Map<String, Object>) c.get("linux");
        @SuppressWarnings("unchecked") List<Object> ns = new ArrayList<>((List<Object>) linux.get("namespaces"));
        if (o.net().equals("host")) ns.removeIf(n -> ((Map<?, ?>) n).get("type").equals("network"));
        linux.put("namespaces", ns);
        @SuppressWarnings("unchecked") Map<String, Object> res = new java.util.LinkedHashMap<>((Map<String, Object>) linux.get("resources"));
        if (o.memory() != null) res.put("memory", Map.of("limit", o.memory(), "swap", o.memory()));
        if (o.pids() != null) res.put("pids", Map.of("limit", o.pids()));
        linux.put("resources", res);
        String id = "jvirt-" + UUID.randomUUID().toString().substring(0, 8);
        Path bundle;
        try {
            bundle = Files.createTempDirectory("jvirt-bundle-");
            Files.writeString(bundle.resolve("config.json"), Json.write(c));
        } catch (IOException e) {
            throw new OciError("cannot write a bundle in the temporary directory: " + e.getMessage());
        }
        Containers cs = new Containers(stateRoot, false, msg -> System.err.println("jvirt: warning: " + msg));
        // Ctrl-C reaches the container's processes too (same terminal); if it ends the JVM first, clean up.
        Thread cleanup = new Thread(() -> {
            try {
                if (State.exists(stateRoot, id)) cs.delete(id, true);
            } catch (OciError ignored) {
                // already gone
            }
            Containers.deleteTree(bundle);
        });
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            return cs.run(id, new Containers.CreateOptions(bundle, null, null, false, 0), false);
        } finally {
            Containers.deleteTree(bundle);
        }
    }
}
