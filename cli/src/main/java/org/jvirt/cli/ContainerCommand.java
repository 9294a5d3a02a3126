package org.jvirt.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.jvirt.oci.OciError;
import org.jvirt.oci.QuickRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `jvirt container run`: a container from a root file system directory, without writing a bundle by hand. */
@Command(name = "container", mixinStandardHelpOptions = true, description = "Run Linux containers (namespaces and cgroups).",
        subcommands = {ContainerCommand.Run.class})
final class ContainerCommand {
    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Run COMMAND in a container whose root is --rootfs, in the foreground with this terminal's stdio; exits with its status.")
    static final class Run implements Callable<Integer> {
        @Option(names = "--rootfs", required = true, paramLabel = "DIR", description = "The container's root file system (e.g. an unpacked image).")
        Path rootfs;

        @Option(names = "--memory", paramLabel = "SIZE", description = "Memory limit, e.g. 256M (the cgroup kills the process that exceeds it).")
        String memory;

        @Option(names = "--pids", paramLabel = "N", description = "Most processes at once (stops fork bombs).")
        Long pids;

        @Option(names = "--hostname", paramLabel = "NAME", defaultValue = "jvirt", description = "Host name inside (default ${DEFAULT-VALUE}).")
        String hostname;

        @Option(names = "--net", paramLabel = "none|host", defaultValue = "none", description = "none: a network namespace with only loopback (default); host: the host's network.")
        String net;

        @Option(names = {"-t", "--tty"}, description = "Give the command a terminal (a pty of the container's own, relayed to this one).")
        boolean tty;

        @Option(names = "--root", paramLabel = "DIR", defaultValue = "/run/jvirt", description = "State directory (default ${DEFAULT-VALUE}).")
        Path root;

        @Parameters(paramLabel = "COMMAND", arity = "1..*", description = "The command and its arguments, after --.")
        List<String> command;

        @Override
        public Integer call() {
            if (pids != null && pids <= 0) throw new Main.UserError("--pids must be a positive number, not " + pids, Main.USAGE);
            Long mem = memory == null ? null : Sizes.bytes(memory, "--memory");
            try {
                return QuickRun.run(new QuickRun.Options(rootfs, mem, pids, hostname, net, tty, command), root);
            } catch (OciError e) {
                throw new Main.UserError(e.getMessage());
            }
        }
    }
}
