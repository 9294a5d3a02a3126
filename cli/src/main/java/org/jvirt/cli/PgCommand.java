package org.jvirt.cli;

import java.util.concurrent.Callable;
import org.jvirt.kvm.KvmUnavailableException;
import org.jvirt.kvm.pg.X86Classifier;
import org.jvirt.kvm.pg.X86Report;
import org.jvirt.riscv.PopekGoldberg;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code jvirt pg}: Popek and Goldberg's requirements, measured on jvirt's own engines. */
@Command(name = "pg", description = "Popek and Goldberg's virtualization requirements, measured.",
        subcommands = {PgCommand.Classify.class, PgCommand.Properties.class})
final class PgCommand {
    @ParentCommand
    Main parent;

    /** Whether {@code --format} asks for JSON rather than a table; anything else is a user error. */
    static boolean json(String format) {
        if (!format.equals("table") && !format.equals("json"))
            throw new Main.UserError("--format takes table or json, not '" + format + "'", Main.USAGE);
        return format.equals("json");
    }

    @Command(name = "classify", description = "Run every instruction and CSR access in each privilege mode and classify it: "
            + "privileged, control-sensitive, behaviour-sensitive; then the verdict of Theorems 1 and 3.")
    static final class Classify implements Callable<Integer> {
        @ParentCommand
        PgCommand pg;

        @Option(names = "--arch", paramLabel = "ARCH", defaultValue = "riscv64", description = "riscv64 (the emulated hart; the default) or x86_64 (probe guests on KVM, CPL 0 and 3, CR4.UMIP clear and set).")
        String arch;

        @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table", description = "table (the default) or json.")
        String format;

        @Override
        public Integer call() {
            boolean json = json(format);
            if (arch.equals("x86_64")) {
                X86Classifier.Report report;
                try {
                    report = new X86Classifier().classify();
                } catch (KvmUnavailableException e) {
                    throw new Main.UserError("pg classify --arch x86_64 runs probe guests on KVM: " + e.getMessage());
                }
                pg.parent.out.print(json ? X86Report.json(report) + "\n" : X86Report.table(report));
                return 0;
            }
            if (!arch.equals("riscv64"))
                throw new Main.UserError("--arch takes riscv64 or x86_64, not '" + arch + "'", Main.USAGE);
            PopekGoldberg.Report report = new PopekGoldberg().classify();
            pg.parent.out.print(json ? PopekGoldberg.json(report) + "\n" : PopekGoldberg.table(report));
            return 0;
        }
    }

    @Command(name = "properties", description = "Measure efficiency, equivalence and resource control on every engine this host has "
            + "(interp and dbt; kvm where /dev/kvm opens), on one workload with a known instruction count.")
    static final class Properties implements Callable<Integer> {
        @ParentCommand
        PgCommand pg;

        @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table", description = "table (the default) or json.")
        String format;

        @Option(names = "--iterations", paramLabel = "N", defaultValue = "200000",
                description = "Iterations of the workload (default ${DEFAULT-VALUE}; KVM on a host without hardware virtualization runs it slowly).")
        long iterations;

        @Override
        public Integer call() {
            boolean json = json(format);
            if (iterations < 1 || iterations > 1_000_000_000L)
                throw new Main.UserError("--iterations must be between 1 and 1000000000", Main.USAGE);
            PgProperties.Measured m = PgProperties.measure(iterations);
            pg.parent.out.print(json ? PgProperties.json(m) + "\n" : PgProperties.table(m));
            return 0;
        }
    }
}
