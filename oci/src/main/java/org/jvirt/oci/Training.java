package org.jvirt.oci;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The build's training run for the JVM's AOT cache (oci/target/jvirt-oci.aot): it goes through the
 * code paths of create, start, state and delete without making a container, so that the runtime
 * executable starts with those classes already loaded and linked. (Built as root, its run and
 * create make a cgroup /jvirt/jvirt-training-PID and remove it when the stand-in helper fails.)
 */
public final class Training {
    private Training() {}

    public static void main(String[] args) throws IOException {
        Path tmp = Files.createTempDirectory("jvirt-oci-training");
        try {
            Path rootfs = Files.createDirectories(tmp.resolve("bundle/rootfs"));
            Map<String, Object> config = DefaultSpec.create("rootfs", List.of("/bin/true"));
            @SuppressWarnings("unchecked") Map<String, Object> linux = (Map<String, Object>) config.get("linux");
            linux.put("seccomp", Map.of("defaultAction", "SCMP_ACT_ALLOW", "syscalls",
                    List.of(Map.of("names", List.of("mkdir"), "action", "SCMP_ACT_ERRNO", "args",
                            List.of(Map.of("index", 1L, "value", 0L, "op", "SCMP_CMP_GT"))))));
            Files.writeString(tmp.resolve("bundle/config.json"), Json.write(config));
            Spec spec = Spec.load(tmp.resolve("bundle"));
            Bundle.records("training", spec, "create", new Containers.CreateOptions(tmp.resolve("bundle"), null, null, false, 0),
                    List.of(rootfs), tmp.resolve("fifo"));
            State st = new State("training", 1, State.startTime(1), tmp.toString(), rootfs.toString(), "now", "/jvirt/training",
                    List.of(), Map.of(), List.of(), "1.0.2");
            Files.createDirectories(tmp.resolve("root/training"));
            st.save(tmp.resolve("root"));
            PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
            String root = tmp.resolve("root").toString();
            OciMain.execute(quiet, quiet, "--root", root, "state", "training");
            OciMain.execute(quiet, quiet, "--root", root, "list", "--format", "json");
            OciMain.execute(quiet, quiet, "--root", root, "state", "missing");
            OciMain.execute(quiet, quiet, "--root", root, "--log", tmp.resolve("log").toString(), "--log-format", "json", "start", "missing");
            OciMain.execute(quiet, quiet, "features");
            // create and run up to the helper, with /bin/true standing in for it: the run fails
            // ("helper failed without a message") and cleans up, having loaded the whole path.
            System.setProperty("jvirt.nsexec", "/bin/true");
            String id = "jvirt-training-" + ProcessHandle.current().pid();
            OciMain.execute(quiet, quiet, "--root", root, "run", "--bundle", tmp.resolve("bundle").toString(), id);
            OciMain.execute(quiet, quiet, "--root", root, "create", "--bundle", tmp.resolve("bundle").toString(), "--pid-file", tmp.resolve("pid").toString(), id);
            OciMain.execute(quiet, quiet, "--root", root, "delete", "--force", "training");
            System.clearProperty("jvirt.nsexec");
            new ProcessBuilder("true").redirectError(ProcessBuilder.Redirect.INHERIT).start().waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            Containers.deleteTree(tmp);
        }
    }
}
