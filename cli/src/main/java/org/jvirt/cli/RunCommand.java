package org.jvirt.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jvirt.machine.loader.ElfImage;
import org.jvirt.machine.loader.LoadException;
import org.jvirt.riscv.board.Outcome;
import org.jvirt.riscv.board.RiscvMachine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code jvirt run}: build a machine, load the guest, run it, report how it ended. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs a guest. With no --kernel, runs the bundled bare-metal demo program.",
                "Exit status: the guest's own (HTIF exit), 124 after --timeout, 125 after --max-instructions, "
                        + "1 for a guest that cannot be loaded, 2 for a bad command line."})
final class RunCommand implements Callable<Integer> {
    static final int EXIT_TIMEOUT = 124, EXIT_INSTRUCTION_LIMIT = 125;
    private static final String DEMO = "demo.elf";

    @ParentCommand Main parent;

    @Option(names = "--kernel", paramLabel = "FILE", description = "The program to run: a RISC-V ELF executable.")
    Path kernel;

    @Option(names = "--bios", paramLabel = "none", description = "Firmware; 'none' runs the program directly in M-mode (bare metal).")
    String bios;

    @Option(names = "--mem", paramLabel = "SIZE", defaultValue = "128M", description = "Guest RAM, e.g. 256M or 1G (default ${DEFAULT-VALUE}).")
    String mem;

    @Option(names = "--cpus", paramLabel = "N", defaultValue = "1", description = "Harts, 1 to 8 (default ${DEFAULT-VALUE}).")
    int cpus;

    @Option(names = "--max-instructions", paramLabel = "N", description = "Stop the guest after N instructions (exit status 125).")
    Long maxInstructions;

    @Option(names = "--timeout", paramLabel = "DURATION", description = "Stop the guest after this much wall-clock time, e.g. 30s (exit status 124).")
    String timeout;

    @Option(names = "--stats", description = "Print instructions, MIPS, traps by cause and the TLB hit rate at exit.")
    boolean stats;

    @Override
    public Integer call() {
        PrintStream out = parent.out, err = parent.err;
        if (bios != null && !bios.equals("none"))
            throw new Main.UserError("--bios " + bios + " is not supported yet: use --bios none to run a bare-metal program", Main.USAGE);
        if (cpus < 1 || cpus > 8) throw new Main.UserError("--cpus must be between 1 and 8", Main.USAGE);
        if (maxInstructions != null && maxInstructions <= 0) throw new Main.UserError("--max-instructions must be positive", Main.USAGE);
        long ramSize = Sizes.bytes(mem, "--mem");
        if (ramSize % 4096 != 0 || ramSize < (1 << 20) || ramSize > (64L << 30))
            throw new Main.UserError("--mem must be a multiple of 4K between 1M and 64G", Main.USAGE);
        long timeoutMs = timeout == null ? 0 : Sizes.millis(timeout, "--timeout");

        String name;
        byte[] image;
        if (kernel == null) {
            name = "the bundled demo";
            image = bundledDemo();
            err.println("jvirt: no --kernel given: running the bundled bare-metal demo (RISC-V, M-mode, HTIF console); "
                    + "booting Linux comes with the virt board");
        } else {
            name = kernel.toString();
            image = readFile(kernel);
        }
        ElfImage elf;
        try {
            elf = ElfImage.parse(image, ElfImage.EM_RISCV, name);
        } catch (LoadException e) {
            throw new Main.UserError(e.getMessage());
        }
        try (RiscvMachine machine = new RiscvMachine(ramSize, cpus)) {
            try {
                machine.loadBareMetal(elf, name, out);
            } catch (LoadException e) {
                throw new Main.UserError(e.getMessage());
            }
            Outcome outcome = machine.run(maxInstructions == null ? 0 : maxInstructions, timeoutMs);
            out.flush();
            if (stats) Stats.print(machine, err);
            return switch (outcome) {
                case Outcome.Exited e -> e.status();
                case Outcome.InstructionLimit l -> {
                    err.println("jvirt: stopped the guest after " + l.instructions() + " instructions (--max-instructions)");
                    yield EXIT_INSTRUCTION_LIMIT;
                }
                case Outcome.Timeout t -> {
                    err.println("jvirt: stopped the guest after " + timeout + " (--timeout)");
                    yield EXIT_TIMEOUT;
                }
            };
        }
    }

    private static byte[] bundledDemo() {
        try (InputStream in = RunCommand.class.getResourceAsStream(DEMO)) {
            if (in == null) throw new Main.UserError("the bundled demo is missing from this build: rebuild with ./mvnw package");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new Main.UserError("cannot read the bundled demo: " + e.getMessage());
        }
    }

    static byte[] readFile(Path p) {
        try {
            if (Files.isDirectory(p)) throw new Main.UserError(p + " is a directory, not a program file");
            return Files.readAllBytes(p);
        } catch (NoSuchFileException e) {
            throw new Main.UserError(p + ": no such file");
        } catch (AccessDeniedException e) {
            throw new Main.UserError(p + ": permission denied");
        } catch (IOException e) {
            throw new Main.UserError(p + ": cannot read it (" + e.getMessage() + ")");
        } catch (OutOfMemoryError e) {
            throw new Main.UserError(p + " is too large to load");
        }
    }
}
