package org.jvirt.oci;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Talks to the C helper (src/main/c/nsexec.c): turns decisions into its flat records, starts it with
 * one end of a socket pair, and reads back the container process's pid or the helper's error.
 */
final class Helper {
    /** The records, in the order the helper carries them out. */
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Helper add(String key, Object... args) {
        token(key);
        token(Integer.toString(args.length));
        for (Object a : args) token(String.valueOf(a));
        return this;
    }

    private void token(String s) {
        if (s.indexOf(0) >= 0) throw new OciError("a configuration value contains a NUL character: " + s.replace("\0", "\\0"));
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
        out.write(0);
    }

    /** The settings of the process itself, shared by create/run and exec. */
    Helper process(Spec.Process p) {
        for (Spec.Rlimit r : p.rlimits()) add("rlimit", r.resource(), Long.toUnsignedString(r.soft()), Long.toUnsignedString(r.hard()));
        if (p.oomScoreAdj() != null) add("oom", p.oomScoreAdj());
        add("cwd", p.cwd());
        add("args", p.args().toArray());
        add("env", p.env().toArray());
        List<Object> user = new ArrayList<>(List.of(p.user().uid(), p.user().gid()));
        user.addAll(p.user().additionalGids());
        add("user", user.toArray());
        Spec.Caps c = p.caps();
        if (c != null) add("caps", Long.toHexString(c.bounding()), Long.toHexString(c.effective()), Long.toHexString(c.permitted()),
                Long.toHexString(c.inheritable()), Long.toHexString(c.ambient()));
        if (p.noNewPrivileges()) add("nnp");
        return this;
    }


    /** What runs when the helper stops before pivot_root for the prestart and createRuntime hooks. */
    interface RuntimeHooks {
        void run(int pid);
    }

    /**
     * Starts the helper with pipes as stdin (the records) and stdout (the answer). The container's
     * stdin, stdout and preserved descriptors are the JVM's own: the helper takes them with
     * pidfd_getfd, since ProcessBuilder closes all but three. (Spawning through FFM would keep them,
     * but creating its downcall handles costs more start-up time than the whole of ProcessBuilder.)
     * The container's pid comes back on the helper's stdout.
     */
    Process start() {
        Path exe = executable();
        Process p;
        try {
            p = new ProcessBuilder(exe.toString(), Long.toString(ProcessHandle.current().pid()))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            throw new OciError("cannot start the container helper " + exe + ": " + e.getMessage());
        }
        byte[] body = out.toByteArray();
        // stdin stays open: with prestart/createRuntime hooks the helper waits on it for "continue"
        try {
            OutputStream in = p.getOutputStream();
            in.write((body.length + "\n").getBytes(StandardCharsets.US_ASCII));
            in.write(body);
            in.flush();
        } catch (IOException e) {
            // the helper died early; its answer (or its exit status) says why
        }
        return p;
    }

    /** The helper's answer: the container process's pid, or its error as an OciError (the helper then reaped). */
    static int awaitPid(Process s) {
        return awaitPid(s, null);
    }

    /**
     * The same, running HOOKS when the helper reports "hooks PID": the container's namespaces and
     * mounts exist and pivot_root is next. A hook's failure makes the helper kill the process.
     */
    static int awaitPid(Process s, RuntimeHooks hooks) {
        String line = line(s);
        if (line.startsWith("hooks ") && hooks != null) {
            String word = "continue\n";
            try {
                hooks.run(Integer.parseInt(line.substring(6).trim()));
            } catch (RuntimeException e) {
                word = "abort\n";
                answer(s, word);
                waitFor(s);
                throw e;
            }
            answer(s, word);
            line = line(s);
        }
        closeQuietly(s);
        if (line.startsWith("pid ")) return Integer.parseInt(line.substring(4).trim());
        int status = waitFor(s);
        if (line.startsWith("error ")) throw new OciError(line.substring(6));
        throw new OciError("the container helper failed without a message (status " + status + ")");
    }

    private static String line(Process s) {
        try {
            return new String(readLine(s.getInputStream()), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static void answer(Process s, String word) {
        try {
            s.getOutputStream().write(word.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
        } catch (IOException gone) {
            // the helper has died; its exit says why
        }
    }

    private static void closeQuietly(Process s) {
        try {
            s.getOutputStream().close();
        } catch (IOException gone) {
            // nothing to close
        }
    }

    private static byte[] readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c; (c = in.read()) >= 0 && c != '\n'; ) b.write(c);
        return b.toByteArray();
    }

    /** Waits for the helper; its exit status is the container process's in run and exec. */
    static int waitFor(Process p) {
        while (true) {
            try {
                return p.waitFor();
            } catch (InterruptedException e) {
                // keep waiting: the container's exit status is the answer
            }
        }
    }

    /** The helper binary: -Djvirt.nsexec, else next to this module's classes or jar (oci/target/nsexec). */
    static Path executable() {
        String prop = System.getProperty("jvirt.nsexec");
        if (prop != null) return Path.of(prop);
        List<Path> tried = new ArrayList<>();
        try {
            Path code = Path.of(Helper.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            tried.add(code.resolveSibling("nsexec"));
        } catch (URISyntaxException | SecurityException | NullPointerException ignored) {
            // no code source: fall through to jvirt.home
        }
        String home = System.getProperty("jvirt.home");
        if (home != null) tried.add(Path.of(home, "oci", "target", "nsexec"));
        for (Path p : tried) if (Files.isExecutable(p)) return p;
        throw new OciError("the container helper nsexec is not built (looked in " + tried + "); build with ./mvnw -pl oci package");
    }
}
