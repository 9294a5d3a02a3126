package org.jvirt.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.jvirt.kvm.KvmUnavailableException;
import org.jvirt.kvm.NativeException;
import org.jvirt.kvm.Outcome;
import org.jvirt.kvm.X86Machine;
import org.jvirt.machine.loader.LoadException;
import org.jvirt.virtio.BlockDevice;

/** {@code jvirt run --arch x86_64}: the KVM engine. RunCommand has checked the options both architectures share. */
final class X86Run {
    private X86Run() { }

    /** The command line an x86 Linux guest gets when --append is not given: COM1, reboot through the i8042. */
    static final String DEFAULT_APPEND = "console=ttyS0 reboot=k panic=-1";

    static int run(RunCommand c, long ramSize, long timeoutMs, PrintStream out, PrintStream err) {
        if (c.kernel == null) throw new Main.UserError("--arch x86_64 needs --kernel FILE: a PVH ELF kernel, a Linux bzImage or a vmlinux", Main.USAGE);
        if (c.bios != null || c.firmware != null || c.virtioConsole || c.dumpDtb != null || c.maxInstructions != null)
            throw new Main.UserError("--bios, --firmware, --virtio-console, --dump-dtb and --max-instructions are for --arch riscv64 only", Main.USAGE);
        if (ramSize > X86Machine.MAX_RAM || ramSize <= (2 << 20))
            throw new Main.UserError("--mem for x86_64 must be more than 2M and at most 3G (RAM ends below the MMIO hole)", Main.USAGE);
        if (c.cpus > X86Machine.MAX_CPUS) throw new Main.UserError("--cpus for x86_64 must be between 1 and " + X86Machine.MAX_CPUS, Main.USAGE);
        if (c.disks.size() > X86Machine.VIRTIO_IRQS.length) throw new Main.UserError("at most " + X86Machine.VIRTIO_IRQS.length + " --disk for x86_64", Main.USAGE);
        String append = c.append != null ? c.append : DEFAULT_APPEND;
        byte[] kernel = RunCommand.readFile(c.kernel);
        byte[] initrd = c.initrd == null ? null : RunCommand.readFile(c.initrd);
        PanicWatch console = new PanicWatch(out);
        long started = System.currentTimeMillis();
        try (TerminalConsole terminal = new TerminalConsole(c.parent.in, err)) {
            terminal.start();
            while (true) {
                long left = timeoutMs == 0 ? 0 : Math.max(1, timeoutMs - (System.currentTimeMillis() - started));
                Outcome outcome;
                List<BlockDevice> opened = new ArrayList<>();
                try (X86Machine m = new X86Machine(ramSize, c.cpus, console)) {
                    try {
                        for (String d : c.disks) {
                            BlockDevice dev = RunCommand.openDisk(d);
                            opened.add(dev);
                            m.attach(dev);
                        }
                        String cmdline = m.virtioCmdline().isEmpty() ? append : append + " " + m.virtioCmdline();
                        m.boot(kernel, c.kernel.toString(), cmdline, initrd);
                    } catch (LoadException e) {
                        throw new Main.UserError(e.getMessage());
                    }
                    terminal.connect(m.uart(), () -> { }, () -> m.stop(0));
                    console.onPanic(() -> m.stop(1));
                    outcome = m.run(left);
                    out.flush();
                    if (c.stats) X86Stats.print(m, err);
                } catch (KvmUnavailableException e) {
                    throw new Main.UserError(e.getMessage());
                } catch (NativeException e) {
                    throw new Main.UserError("KVM refused to set up the VM: " + e.getMessage());
                } finally {
                    for (BlockDevice d : opened) {
                        try {
                            d.close();
                        } catch (IOException e) {
                            err.println("jvirt: could not close a disk image cleanly: " + e.getMessage());
                        }
                    }
                }
                if (console.panicked()) {
                    err.println("jvirt: the guest kernel panicked (its last words are above)");
                    return 1;
                }
                switch (outcome) {
                    case Outcome.Exited e -> { return e.status(); }
                    case Outcome.Reset r -> {
                        if (c.noReboot) {
                            err.println("jvirt: the guest reset the machine (" + r.how() + ", --no-reboot)");
                            return 1;
                        }
                        err.println("jvirt: the guest rebooted (" + r.how() + ")");
                    }
                    case Outcome.Timeout t -> {
                        err.println("jvirt: stopped the guest after " + c.timeout + " (--timeout)");
                        return RunCommand.EXIT_TIMEOUT;
                    }
                    case Outcome.Halted h -> {
                        err.println("jvirt: every vCPU halted");
                        return 0;
                    }
                    case Outcome.Failed f -> {
                        err.println("jvirt: the guest cannot continue: " + f.report());
                        return 1;
                    }
                }
            }
        }
    }
}
