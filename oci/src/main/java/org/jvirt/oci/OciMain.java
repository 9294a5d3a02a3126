package org.jvirt.oci;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * `jvirt oci`: runc's command line, which podman, conmon and containerd drive. Parsed by hand rather
 * than with picocli: this runs once per container operation, and start-up time is the benchmark.
 */
public final class OciMain {
    public static final String VERSION = "0.1.0";
    static final String SPEC_VERSION = "1.2.0";

    private final PrintStream out, err;
    private Path logFile;
    private boolean jsonLog;

    private OciMain(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        int status = execute(System.out, System.err, args);
        System.out.flush();
        System.exit(status);
    }

    /** Runs one command; returns the exit status. Never throws for bad input. */
    public static int execute(PrintStream out, PrintStream err, String... args) {
        return new OciMain(out, err).run(List.of(args));
    }

    /** Options that take a value, per command ("" is the global level); everything else is a flag. */
    private static final Map<String, Set<String>> VALUED = Map.of(
            "", Set.of("root", "log", "log-format", "criu", "rootless", "log-level"),
            "create", Set.of("bundle", "b", "pid-file", "console-socket", "preserve-fds", "pidfd-socket"),
            "run", Set.of("bundle", "b", "pid-file", "console-socket", "preserve-fds", "pidfd-socket"),
            "exec", Set.of("process", "p", "pid-file", "console-socket", "cwd", "env", "e", "user", "u", "preserve-fds",
                    "process-label", "apparmor", "cap", "c", "cgroup", "pidfd-socket"),
            "list", Set.of("format", "f"), "ps", Set.of("format", "f"), "spec", Set.of("bundle", "b"),
            "update", Set.of("resources", "r", "memory", "memory-swap", "memory-reservation", "cpu-shares", "cpu-quota",
                    "cpu-period", "cpuset-cpus", "cpuset-mems", "pids-limit", "blkio-weight"));
    private static final Map<String, Set<String>> FLAGS = Map.of(
            "", Set.of("debug", "systemd-cgroup", "help", "h", "version", "v"),
            "create", Set.of("no-pivot", "no-new-keyring"),
            "run", Set.of("no-pivot", "no-new-keyring", "detach", "d", "keep", "no-subreaper"),
            "exec", Set.of("detach", "d", "tty", "t", "no-new-privs", "ignore-paused"),
            "kill", Set.of("all", "a"), "delete", Set.of("force", "f"), "list", Set.of("quiet", "q"),
            "spec", Set.of("rootless"));

    /** Parsed options: name to values (flags get "true"), and the positional arguments. */
    private record Parsed(Map<String, List<String>> opts, List<String> args) {
        String get(String... names) {
            for (String n : names) if (opts.containsKey(n)) return opts.get(n).getLast();
            return null;
        }

        List<String> all(String... names) {
            List<String> l = new ArrayList<>();
            for (String n : names) l.addAll(opts.getOrDefault(n, List.of()));
            return l;
        }

        boolean has(String... names) {
            for (String n : names) if (opts.containsKey(n)) return true;
            return false;
        }
    }

    /** Parses options until the first positional argument; the rest are positional (runc's rule). */
    private static Parsed parse(String cmd, List<String> in, int from, int[] stop) {
        Map<String, List<String>> opts = new HashMap<>();
        Set<String> valued = VALUED.getOrDefault(cmd, Set.of()), flags = FLAGS.getOrDefault(cmd, Set.of());
        int i = from;
        while (i < in.size()) {
            String a = in.get(i);
            if (a.equals("--")) { i++; break; }
            if (!a.startsWith("-") || a.equals("-")) break;
            if (cmd.isEmpty() && !a.startsWith("-")) break;
            String name = a.substring(a.startsWith("--") ? 2 : 1), value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) { value = name.substring(eq + 1); name = name.substring(0, eq); }
            String where = cmd.isEmpty() ? "jvirt oci" : "'jvirt oci " + cmd + "'";
            if (valued.contains(name)) {
                if (value == null) {
                    if (i + 1 >= in.size()) throw new OciError("option --" + name + " of " + where + " needs a value");
                    value = in.get(++i);
                }
            } else if (flags.contains(name)) {
                if (value != null && !value.equals("true") && !value.equals("false"))
                    throw new OciError("option --" + name + " of " + where + " is a flag; it takes no value");
                if ("false".equals(value)) { i++; continue; }
                value = "true";
            } else {
                throw new OciError("unknown option " + a + " for " + where + "; see 'jvirt oci --help'");
            }
            opts.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            i++;
        }
        stop[0] = i;
        return new Parsed(opts, List.copyOf(in.subList(i, in.size())));
    }

    private int run(List<String> argv) {
        Trace.mark("main");
        try {
            int[] stop = new int[1];
            Parsed g = parse("", argv, 0, stop);
            logFile = g.get("log") == null ? null : Path.of(g.get("log"));
            String fmt = g.get("log-format");
            if (fmt != null && !fmt.equals("text") && !fmt.equals("json")) throw new OciError("--log-format must be text or json, not " + fmt);
            jsonLog = "json".equals(fmt);
            if (g.has("version", "v")) {
                out.println("jvirt-runc version " + VERSION + "\nspec: " + SPEC_VERSION);
                return 0;
            }
            if (g.has("help", "h") || g.args().isEmpty()) {
                out.print(USAGE);
                return g.args().isEmpty() && !g.has("help", "h") ? 2 : 0;
            }
            String cmd = g.args().getFirst();
            Path root = Path.of(g.get("root") == null ? "/run/jvirt" : g.get("root"));
            Containers c = new Containers(root, g.has("systemd-cgroup"), this::warn);
            Parsed p = parse(cmd, argv, stop[0] + 1, stop);
            int status = command(cmd, p, c);
            Trace.mark("done");
            return status;
        } catch (OciError e) {
            error(e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            error("internal error: " + e + " (a bug: please report it; JVIRT_DEBUG=1 prints the stack trace)");
            if (System.getenv("JVIRT_DEBUG") != null) e.printStackTrace(err);
            return 70;
        }
    }

    private int command(String cmd, Parsed p, Containers c) {
        switch (cmd) {
            case "create", "run" -> {
                String id = only(cmd, p, 1).getFirst();
                var o = new Containers.CreateOptions(Path.of(p.get("bundle", "b") == null ? "." : p.get("bundle", "b")),
                        p.get("pid-file") == null ? null : Path.of(p.get("pid-file")), p.get("console-socket"),
                        p.has("no-pivot"), intOpt(p, "preserve-fds"));
                if (cmd.equals("create")) {
                    c.create(id, o);
                    return 0;
                }
                return c.run(id, o, p.has("detach", "d"));
            }
            case "start" -> c.start(only(cmd, p, 1).getFirst());
            case "state" -> out.println(Json.write(c.state(only(cmd, p, 1).getFirst())));
            case "kill" -> {
                if (p.args().isEmpty() || p.args().size() > 2) throw new OciError("usage: jvirt oci kill [--all] ID [SIGNAL]");
                c.kill(p.args().get(0), Flags.signal(p.args().size() > 1 ? p.args().get(1) : "TERM"), p.has("all", "a"));
            }
            case "delete" -> {
                if (p.args().isEmpty()) throw new OciError("usage: jvirt oci delete [--force] ID...");
                for (String id : p.args()) c.delete(id, p.has("force", "f"));
            }
            case "list" -> list(c.list(), p);
            case "ps" -> {
                List<Integer> pids = c.ps(only(cmd, p, 1).getFirst());
                if ("json".equals(p.get("format", "f"))) out.println(Json.write(pids.stream().map(Long::valueOf).toList()));
                else {
                    out.println("PID CMD");
                    for (int pid : pids) out.println(pid + " " + cmdline(pid));
                }
            }
            case "exec" -> {
                if (p.args().isEmpty()) throw new OciError("usage: jvirt oci exec [options] ID [COMMAND ARG...]");
                String id = p.args().getFirst();
                var o = new Containers.ExecOptions(p.get("process", "p") == null ? null : Path.of(p.get("process", "p")),
                        p.args().subList(1, p.args().size()), p.has("detach", "d"),
                        p.get("pid-file") == null ? null : Path.of(p.get("pid-file")), p.get("console-socket"),
                        p.has("tty", "t"), p.get("cwd"), p.all("env", "e"), p.get("user", "u"), intOpt(p, "preserve-fds"));
                return c.exec(id, o);
            }
            case "features" -> out.println(Json.write(features()));
            case "spec" -> {
                Path bundle = Path.of(p.get("bundle", "b") == null ? "." : p.get("bundle", "b"));
                Path f = bundle.resolve("config.json");
                if (Files.exists(f)) throw new OciError(f + " already exists; remove it first");
                try {
                    Files.writeString(f, Json.write(DefaultSpec.create("rootfs", List.of("sh"))));
                } catch (IOException e) {
                    throw new OciError("cannot write " + f + ": " + e.getMessage());
                }
            }
            case "pause", "resume" -> c.pause(only(cmd, p, 1).getFirst(), cmd.equals("pause"));
            case "update" -> c.update(only(cmd, p, 1).getFirst(), updateResources(p));
            case "checkpoint", "restore", "events" ->
                    throw new OciError("'" + cmd + "' is not supported by jvirt's runtime yet");
            default -> throw new OciError("unknown command '" + cmd + "'; see 'jvirt oci --help'");
        }
        return 0;
    }

    /** update's limits: --resources FILE (or - for stdin), a LinuxResources JSON object, or runc's flags. */
    private static Spec.Resources updateResources(Parsed p) {
        String file = p.get("resources", "r");
        if (file != null) {
            String text;
            try {
                text = file.equals("-") ? new String(System.in.readAllBytes()) : Files.readString(Path.of(file));
            } catch (IOException e) {
                throw new OciError("cannot read --resources " + file + ": " + e.getMessage());
            }
            return Spec.resources(Obj.root(Json.parse(text, "--resources"), "--resources"));
        }
        return new Spec.Resources(bytes(p, "memory"), bytes(p, "memory-reservation"), bytes(p, "memory-swap"), number(p, "cpu-shares"),
                number(p, "cpu-quota"), number(p, "cpu-period"), p.get("cpuset-cpus"), p.get("cpuset-mems"), number(p, "pids-limit"),
                number(p, "blkio-weight"), List.of());
    }

    private static Long number(Parsed p, String name) {
        String v = p.get(name);
        if (v == null) return null;
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new OciError("--" + name + " must be a number, not " + v);
        }
    }

    /** A size as runc takes it: a number of bytes with an optional k, m, g or t (binary), or -1 for no limit. */
    private static Long bytes(Parsed p, String name) {
        String v = p.get(name);
        if (v == null) return null;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)(-?\\d+)\\s*([kmgt]?)i?b?").matcher(v.trim());
        if (!m.matches()) throw new OciError("--" + name + " must be a size like 512m or 1g, not " + v);
        long n = Long.parseLong(m.group(1));
        int shift = switch (m.group(2).toLowerCase()) { case "k" -> 10; case "m" -> 20; case "g" -> 30; case "t" -> 40; default -> 0; };
        return n < 0 ? n : n << shift;
    }

    private static List<String> only(String cmd, Parsed p, int n) {
        if (p.args().size() != n) throw new OciError("'" + cmd + "' needs exactly one container id" + (p.args().isEmpty() ? "" : ", not " + p.args()));
        return p.args();
    }

    private static int intOpt(Parsed p, String name) {
        String v = p.get(name);
        if (v == null) return 0;
        try {
            int n = Integer.parseInt(v);
            if (n < 0) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw new OciError("--" + name + " must be a whole number, not " + v);
        }
    }

    private void list(List<Map<String, Object>> all, Parsed p) {
        if (p.has("quiet", "q")) {
            for (var m : all) out.println(m.get("id"));
        } else if ("json".equals(p.get("format", "f"))) {
            out.println(Json.write(all));
        } else {
            out.printf("%-20s %-8s %-10s %-40s %s%n", "ID", "PID", "STATUS", "BUNDLE", "CREATED");
            for (var m : all) out.printf("%-20s %-8s %-10s %-40s %s%n", m.get("id"), m.get("pid"), m.get("status"), m.get("bundle"), m.get("created"));
        }
    }

    private static String cmdline(int pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline"))).replace('\0', ' ').trim();
        } catch (IOException e) {
            return "?";
        }
    }

    private static Map<String, Object> features() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("ociVersionMin", "1.0.0");
        f.put("ociVersionMax", SPEC_VERSION);
        f.put("hooks", Spec.HOOK_KINDS);
        f.put("mountOptions", List.of("ro", "rw", "nosuid", "suid", "nodev", "dev", "noexec", "exec", "bind", "rbind",
                "private", "rprivate", "shared", "rshared", "slave", "rslave", "unbindable", "runbindable"));
        Map<String, Object> linux = new LinkedHashMap<>();
        linux.put("namespaces", List.copyOf(Flags.NAMESPACES.keySet()));
        linux.put("capabilities", Flags.CAPS.stream().map(c -> "CAP_" + c).toList());
        linux.put("cgroup", Map.of("v1", true, "v2", true, "systemd", false));
        linux.put("seccomp", Map.of("enabled", true, "actions", List.of("SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL",
                "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP", "SCMP_ACT_TRACE", "SCMP_ACT_LOG"),
                "archs", List.of("SCMP_ARCH_X86_64")));
        f.put("linux", linux);
        return f;
    }

    private void warn(String msg) {
        log("warning", msg);
        err.println("jvirt: warning: " + msg);
    }

    /** An error goes to stderr and, with --log, to the log file, where conmon looks for it. */
    private void error(String msg) {
        log("error", msg);
        err.println("jvirt: " + msg);
    }

    private void log(String level, String msg) {
        if (logFile == null) return;
        String time = Instant.now().toString();
        String line = jsonLog
                ? Json.write(Map.of("level", level, "msg", msg, "time", time))
                : "time=\"" + time + "\" level=" + level + " msg=\"" + msg.replace("\"", "\\\"") + "\"";
        try {
            Files.writeString(logFile, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException ignored) {
            // the error still reaches stderr
        }
    }

    private static final String USAGE = """
            Usage: jvirt oci [--root DIR] [--log FILE] [--log-format text|json] [--systemd-cgroup] COMMAND ...
            An OCI runtime with runc's command line.
              create --bundle DIR [--pid-file F] [--console-socket S] [--no-pivot] [--preserve-fds N] ID
              start ID            state ID            kill [--all] ID [SIGNAL]
              delete [--force] ID run [create's options] [--detach] ID
              pause ID            resume ID
              update [--resources FILE|-] [--memory SIZE] [--memory-swap SIZE] [--cpu-shares N] [--cpu-quota N]
                     [--cpu-period N] [--cpuset-cpus LIST] [--cpuset-mems LIST] [--pids-limit N] [--blkio-weight N] ID
              list [--format table|json] [-q]         ps [--format json] ID
              exec [--process F | COMMAND...] [--detach] [--tty] [--pid-file F] [--console-socket S] ID
              features            spec [--bundle DIR] --version
            --root defaults to /run/jvirt. --systemd-cgroup accepts systemd's slice:prefix:name cgroup paths and
            maps them onto cgroupfs (slice/prefix-name.scope) without asking systemd for a scope.
            """;
}
