package org.jvirt.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jvirt.virtio.BlockDevice;
import org.jvirt.machine.loader.ElfImage;
import org.jvirt.machine.loader.Gzip;
import org.jvirt.machine.loader.LoadException;
import org.jvirt.riscv.board.Outcome;
import org.jvirt.riscv.board.RiscvMachine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code jvirt run}: build a machine, load the guest, run it, report how it ended. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs a guest. With no --kernel, boots the bundled Linux guest; with --bios none and no --kernel, the bare-metal demo.",
                "--arch x86_64 runs an x86-64 kernel (PVH ELF, bzImage or vmlinux) on KVM; on x86_64 a write of v to port 0xf4 exits with (v << 1) | 1.",
                "The guest console is the terminal: Ctrl-A X quits, Ctrl-A H lists the keys.",
                "Exit status: the guest's own (HTIF exit), 124 after --timeout, 125 after --max-instructions, "
                        + "1 for a guest that cannot be loaded, 2 for a bad command line."})
final class RunCommand implements Callable<Integer> {
    static final int EXIT_TIMEOUT = 124, EXIT_INSTRUCTION_LIMIT = 125;
    /** Exit status when --engine lockstep finds the engines disagree. */
    static final int EXIT_DIVERGED = 3;
    private static final String DEMO = "demo.elf";

    @ParentCommand Main parent;

    @Option(names = "--arch", paramLabel = "ARCH", defaultValue = "riscv64", description = "The guest architecture: riscv64 (emulated, the default) or x86_64 (hardware-assisted, on KVM).")
    String arch;

    @Option(names = "--engine", paramLabel = "ENGINE", description = "How the guest runs. riscv64: dbt (hot code translated to JVM bytecode; the default), interp (interpreted), or lockstep (dbt, each translated run checked against the interpreter). x86_64: kvm.")
    String engine;

    @Option(names = "--dbt-threshold", paramLabel = "N", description = "Under dbt and lockstep: jumps to an address before the code there is translated (default: 50000, 5000 in user mode, and S- and U-mode code only once the guest has booted; or -Djvirt.dbt.threshold and -Djvirt.dbt.userThreshold). Given, it applies from the start.")
    Integer dbtThreshold;

    @Option(names = "--kernel", paramLabel = "FILE", description = "A RISC-V Linux kernel (Image or vmlinux), or with --bios none a bare-metal ELF.")
    Path kernel;

    @Option(names = "--bios", paramLabel = "none", description = "'none' runs --kernel as a bare-metal ELF in M-mode (HTIF console and exit); without it, --kernel is a Linux kernel.")
    String bios;

    @Option(names = "--mem", paramLabel = "SIZE", defaultValue = "256M", description = "Guest RAM, e.g. 256M or 1G (default ${DEFAULT-VALUE}).")
    String mem;

    @Option(names = "--cpus", paramLabel = "N", defaultValue = "1", description = "Harts, 1 to 8 (default ${DEFAULT-VALUE}).")
    int cpus;

    @Option(names = "--max-instructions", paramLabel = "N", description = "Stop the guest after N instructions (exit status 125).")
    Long maxInstructions;

    @Option(names = "--timeout", paramLabel = "DURATION", description = "Stop the guest after this much wall-clock time, e.g. 30s (exit status 124).")
    String timeout;

    @Option(names = "--stats", description = "Print instructions, MIPS, traps by cause and the TLB hit rate at exit.")
    boolean stats;

    @Option(names = "--initrd", paramLabel = "FILE", description = "An initial RAM disk for the kernel.")
    Path initrd;

    @Option(names = "--append", paramLabel = "CMDLINE", description = "The kernel command line (default: console=ttyS0; for x86_64 '" + X86Run.DEFAULT_APPEND + "').")
    String append;

    @Option(names = "--firmware", paramLabel = "FILE", description = "M-mode firmware to boot the kernel through (e.g. OpenSBI's fw_jump.bin) instead of the built-in SBI.")
    Path firmware;

    @Option(names = "--disk", paramLabel = "FILE[,ro]", description = "A raw disk image as a virtio-blk device (repeatable; ',ro' for read-only). The first is /dev/vda.")
    List<String> disks = new ArrayList<>();

    @Option(names = "--virtio-console", description = "Type into a virtio console instead of the UART; the bundled kernel calls it hvc1 (--append \"console=hvc1\").")
    boolean virtioConsole;

    @Option(names = "--no-reboot", description = "End the run when the guest resets, instead of booting it again (exit status 1).")
    boolean noReboot;

    @Option(names = "--dump-dtb", paramLabel = "FILE", description = "Write the machine's device tree blob to FILE and exit.")
    Path dumpDtb;

    @Override
    public Integer call() {
        PrintStream out = parent.out, err = parent.err;
        if (bios != null && !bios.equals("none"))
            throw new Main.UserError("--bios takes only 'none' (a bare-metal program); give M-mode firmware with --firmware FILE", Main.USAGE);
        if ("none".equals(bios) && (firmware != null || initrd != null))
            throw new Main.UserError("--bios none runs a bare-metal program: it takes no --firmware or --initrd", Main.USAGE);
        if (!arch.equals("riscv64") && !arch.equals("x86_64"))
            throw new Main.UserError("--arch takes riscv64 or x86_64, not '" + arch + "'", Main.USAGE);
        boolean x86 = arch.equals("x86_64");
        if (x86 && engine != null && !engine.equals("kvm"))
            throw new Main.UserError("--engine " + engine + " is not available for x86_64: use kvm", Main.USAGE);
        if (!x86 && "kvm".equals(engine))
            throw new Main.UserError("--engine kvm runs x86_64 guests: add --arch x86_64, or use dbt, interp or lockstep for riscv64", Main.USAGE);
        long ramSize = Sizes.bytes(mem, "--mem");
        long timeoutMs = timeout == null ? 0 : Sizes.millis(timeout, "--timeout");
        if (x86) {
            if (cpus < 1) throw new Main.UserError("--cpus must be at least 1", Main.USAGE);
            if (ramSize % 4096 != 0) throw new Main.UserError("--mem must be a multiple of 4K", Main.USAGE);
            return X86Run.run(this, ramSize, timeoutMs, out, err);
        }
        if (append == null) append = "console=ttyS0";
        if (cpus < 1 || cpus > 8) throw new Main.UserError("--cpus must be between 1 and 8", Main.USAGE);
        if (disks.size() > RiscvMachine.VIRTIO_SLOTS) throw new Main.UserError("at most " + RiscvMachine.VIRTIO_SLOTS + " --disk", Main.USAGE);
        if (maxInstructions != null && maxInstructions <= 0) throw new Main.UserError("--max-instructions must be positive", Main.USAGE);
        if (ramSize % 4096 != 0 || ramSize < (1 << 20) || ramSize > (64L << 30))
            throw new Main.UserError("--mem must be a multiple of 4K between 1M and 64G", Main.USAGE);
        org.jvirt.riscv.Engine chosenEngine;
        try {
            chosenEngine = engine == null ? org.jvirt.riscv.Engine.DEFAULT : org.jvirt.riscv.Engine.of(engine);
        } catch (IllegalArgumentException e) {
            throw new Main.UserError("--engine: " + e.getMessage(), Main.USAGE);
        }
        if (dbtThreshold != null && dbtThreshold < 1) throw new Main.UserError("--dbt-threshold must be at least 1", Main.USAGE);

        if (dumpDtb != null) {
            try (RiscvMachine machine = new RiscvMachine(ramSize, cpus, out)) {
                java.nio.file.Files.write(dumpDtb, machine.deviceTree(append));
                return 0;
            } catch (IOException e) {
                throw new Main.UserError("cannot write " + dumpDtb + ": " + e.getMessage());
            }
        }
        if (kernel == null && bios == null) {
            Path images = bundledImages();
            if (images == null) {
                err.println("jvirt: the bundled Linux guest is not here (guests/linux/images): running the bare-metal demo instead");
                bios = "none";
            } else {
                kernel = images.resolve("Image.gz");
                initrd = images.resolve("initramfs.cpio.gz");
                err.println("jvirt: booting the bundled guest, Linux 6.1 (riscv64) with a busybox shell, " + (ramSize >> 20)
                        + " MiB, " + cpus + " hart" + (cpus > 1 ? "s" : "") + "; Ctrl-A X quits, Ctrl-A H lists the keys");
            }
        }
        boolean bareMetal = "none".equals(bios);
        byte[] kernelImage = bareMetal ? null : inflateIfGzip(readFile(kernel), kernel, ramSize);
        if (kernelImage != null && Gzip.isGzip(kernelImage))
            throw new Main.UserError(kernel + " is gzip-compressed but has other data after the compressed kernel: give the Image, or Image.gz as gzip made it");
        // Linux takes a gzip initramfs as it is, but its inflate costs tens of millions of emulated
        // instructions (about a tenth of the bundled guest's boot); the host's zlib takes milliseconds.
        byte[] initrdImage = bareMetal || initrd == null ? null : inflateIfGzip(readFile(initrd), initrd, ramSize);
        byte[] firmwareImage = bareMetal || firmware == null ? null : readFile(firmware);
        PanicWatch console = new PanicWatch(out);
        long started = System.currentTimeMillis();
        try (TerminalConsole terminal = new TerminalConsole(parent.in, err)) {
            if (!bareMetal) terminal.start();
            while (true) {
                long left = timeoutMs == 0 ? 0 : Math.max(1, timeoutMs - (System.currentTimeMillis() - started));
                Outcome outcome;
                try (RiscvMachine machine = new RiscvMachine(ramSize, cpus, console)) {
                    for (var h : machine.harts()) {
                        h.useEngine(chosenEngine);
                        if (dbtThreshold != null) h.setTranslationThreshold(dbtThreshold);
                    }
                    List<BlockDevice> opened = new ArrayList<>();
                    org.jvirt.machine.devices.ConsoleInput input = virtioConsole ? machine.attachVirtioConsole() : machine.uart();
                    try {
                        for (String disk : disks) {
                            BlockDevice dev = openDisk(disk);
                            opened.add(dev);
                            machine.attach(dev);
                        }
                        if (bareMetal) loadBareMetal(machine, err);
                        else machine.bootLinux(kernelImage, kernel.toString(), initrdImage, append, firmwareImage);
                    } catch (LoadException e) {
                        throw new Main.UserError(e.getMessage());
                    }
                    terminal.connect(input, machine::wakeUp, () -> machine.stop(0));
                    console.onPanic(() -> machine.stop(1));
                    outcome = machine.run(maxInstructions == null ? 0 : maxInstructions, left);
                    out.flush();
                    for (BlockDevice d : opened) {
                        try {
                            d.close();
                        } catch (IOException e) {
                            err.println("jvirt: could not close a disk image cleanly: " + e.getMessage());
                        }
                    }
                    if (stats) Stats.print(machine, err);
                }
                if (outcome instanceof Outcome.Reset && !noReboot && !bareMetal) {
                    err.println("jvirt: the guest rebooted");
                    continue;
                }
                if (console.panicked()) {
                    err.println("jvirt: the guest kernel panicked (its last words are above)");
                    return 1;
                }
                return switch (outcome) {
                    case Outcome.Exited e -> e.status();
                    case Outcome.InstructionLimit l -> {
                        err.println("jvirt: stopped the guest after " + l.instructions() + " instructions (--max-instructions)");
                        yield EXIT_INSTRUCTION_LIMIT;
                    }
                    case Outcome.Reset r -> {
                        err.println("jvirt: the guest asked for a reset" + (noReboot ? " (--no-reboot)" : ""));
                        yield 1;
                    }
                    case Outcome.Diverged d -> {
                        err.println("jvirt: lockstep: " + d.report());
                        yield EXIT_DIVERGED;
                    }
                    case Outcome.Timeout t -> {
                        err.println("jvirt: stopped the guest after " + timeout + " (--timeout)");
                        yield EXIT_TIMEOUT;
                    }
                };
            }
        }
    }

    private void loadBareMetal(RiscvMachine machine, PrintStream err) throws LoadException {
        String name;
        byte[] image;
        if (kernel == null) {
            name = "the bundled demo";
            image = bundledDemo();
            err.println("jvirt: running the bundled bare-metal demo (RISC-V, M-mode, HTIF console)");
        } else {
            name = kernel.toString();
            image = readFile(kernel);
        }
        machine.loadBareMetal(ElfImage.parse(image, ElfImage.EM_RISCV, name), name);
    }

    static BlockDevice openDisk(String spec) {
        boolean ro = spec.endsWith(",ro");
        Path p = Path.of(ro ? spec.substring(0, spec.length() - 3) : spec);
        if (!java.nio.file.Files.isRegularFile(p)) throw new Main.UserError(p + ": no such disk image (--disk takes a raw image file)");
        try {
            return new BlockDevice(p, ro);
        } catch (IOException e) {
            throw new Main.UserError(p + ": cannot open the disk image" + (ro ? "" : " for writing (add ,ro for read-only)") + ": " + e.getMessage());
        }
    }

    /** Where the bundled guest's images are: the repository the launcher runs from (jvirt.home). */
    private static Path bundledImages() {
        String home = System.getProperty("jvirt.home");
        if (home == null) return null;
        Path images = Path.of(home, "guests", "linux", "images");
        return java.nio.file.Files.isRegularFile(images.resolve("Image.gz")) ? images : null;
    }

    private static byte[] bundledDemo() {
        try (InputStream in = RunCommand.class.getResourceAsStream(DEMO)) {
            if (in == null) throw new Main.UserError("the bundled demo is missing from this build: rebuild with ./mvnw package");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new Main.UserError("cannot read the bundled demo: " + e.getMessage());
        }
    }

    /** A gzip image (Image.gz, initramfs.cpio.gz) inflated, as {@link Gzip#inflateWhole} says; else the data as it is. */
    private static byte[] inflateIfGzip(byte[] data, Path p, long ramSize) {
        try {
            return Gzip.inflateWhole(data, ramSize, p.toString());
        } catch (LoadException e) {
            throw new Main.UserError(e.getMessage());
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
