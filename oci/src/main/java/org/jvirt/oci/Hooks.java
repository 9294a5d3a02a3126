package org.jvirt.oci;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * OCI hooks, run by the JVM on the host with the container's state JSON on stdin. A failing
 * prestart, createRuntime or createContainer hook fails create; poststart and poststop failures
 * are only logged, as the spec says.
 */
final class Hooks {
    private Hooks() {}

    /** Hooks without a timeout still get one, so that a stuck hook cannot hang the runtime forever. */
    static final long DEFAULT_TIMEOUT_SECONDS = 120;

    static void run(String kind, List<Spec.Hook> hooks, Map<String, Object> state) {
        byte[] stdin = Json.write(state).getBytes(StandardCharsets.UTF_8);
        for (Spec.Hook h : hooks) {
            // ProcessBuilder cannot set argv[0] apart from the path, so args[0] is dropped in favour of path.
            List<String> cmd = new ArrayList<>();
            cmd.add(h.path());
            if (h.args().size() > 1) cmd.addAll(h.args().subList(1, h.args().size()));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            if (!h.env().isEmpty()) {
                pb.environment().clear();
                for (String e : h.env()) {
                    int eq = e.indexOf('=');
                    if (eq > 0) pb.environment().put(e.substring(0, eq), e.substring(eq + 1));
                }
            }
            try {
                Process p = pb.start();
                try (OutputStream in = p.getOutputStream()) {
                    in.write(stdin);
                } catch (IOException closedEarly) {
                    // a hook need not read its stdin
                }
                long timeout = h.timeout() != null && h.timeout() > 0 ? h.timeout() : DEFAULT_TIMEOUT_SECONDS;
                if (!p.waitFor(timeout, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new OciError(kind + " hook " + h.path() + " did not finish within " + timeout + " s");
                }
                String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                if (p.exitValue() != 0) {
                    throw new OciError(kind + " hook " + h.path() + " failed with status " + p.exitValue()
                            + (output.isEmpty() ? "" : ": " + output.lines().findFirst().orElse("")));
                }
            } catch (IOException e) {
                throw new OciError(kind + " hook " + h.path() + " cannot run: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new OciError(kind + " hook " + h.path() + " interrupted");
            }
        }
    }
}
