package org.jvirt.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The jvirt command line: a thin layer that parses options and wires the engines together. */
@Command(name = "jvirt", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "A virtualization platform on the JVM.",
        subcommands = {RunCommand.class, ContainerCommand.class, OciCommand.class, PgCommand.class, CommandLine.HelpCommand.class})
public final class Main {
    /** Exit status for a command line that cannot be understood. */
    public static final int USAGE = 2;
    /** Exit status for an input the user must fix: a missing file, an ELF for another machine... */
    public static final int INPUT_ERROR = 1;
    /** Exit status for a failure of jvirt itself (EX_SOFTWARE). */
    public static final int INTERNAL_ERROR = 70;

    /** The guest console and the diagnostics stream; raw bytes, so guest output passes unchanged. */
    PrintStream out = System.out, err = System.err;
    /** What the user types to the guest console. */
    InputStream in = System.in;

    public static void main(String[] args) {
        System.exit(execute(System.in, System.out, System.err, args));
    }

    /** Runs the command line with the given streams and returns the process exit status. */
    public static int execute(PrintStream out, PrintStream err, String... args) {
        return execute(InputStream.nullInputStream(), out, err, args);
    }

    /** Runs the command line with the given console input and output streams; returns the exit status. */
    public static int execute(InputStream in, PrintStream out, PrintStream err, String... args) {
        // runc's command line (global options before the command, -b, --log-format=json...) is not
        // picocli's: `jvirt oci` goes straight to the runtime's own parser.
        if (args.length > 0 && args[0].equals("oci")) {
            return org.jvirt.oci.OciMain.execute(out, err, java.util.Arrays.copyOfRange(args, 1, args.length));
        }
        Main main = new Main();
        main.in = in;
        main.out = out;
        main.err = err;
        CommandLine cl = new CommandLine(main);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setParameterExceptionHandler((ex, a) -> {
            String sub = ex.getCommandLine().getCommandName();
            err.println("jvirt: " + ex.getMessage() + " (see 'jvirt " + (sub.equals("jvirt") ? "" : sub + " ") + "--help')");
            return USAGE;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            if (ex instanceof UserError u) {
                err.println("jvirt: " + u.getMessage());
                return u.status();
            }
            // A bug in jvirt, not in the input: one line, and the trace only when asked for.
            err.println("jvirt: internal error: " + ex + " (a bug: please report it; JVIRT_DEBUG=1 prints the stack trace)");
            if (System.getenv("JVIRT_DEBUG") != null) ex.printStackTrace(err);
            return INTERNAL_ERROR;
        });
        int status = cl.execute(args);
        out.flush();
        err.flush();
        return status;
    }

    /** A problem the user can fix, reported as one line with no stack trace. */
    public static final class UserError extends RuntimeException {
        private final int status;

        public UserError(String message) {
            this(message, INPUT_ERROR);
        }

        public UserError(String message, int status) {
            super(message, null, false, false);
            this.status = status;
        }

        public int status() { return status; }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"jvirt " + (v == null ? "development build" : v) + " on Java " + Runtime.version()};
        }
    }
}
