package org.jvirt.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import org.jvirt.kvm.X86Machine;

/** --stats for the KVM engine: exits by reason and device, and boot milestones from process start. */
final class X86Stats {
    private X86Stats() { }

    static void print(X86Machine m, PrintStream err) {
        err.println("jvirt: statistics (engine: kvm)");
        err.printf("  VM exits              %,d%n", m.stats().total());
        m.stats().byReason().forEach((k, v) -> err.printf("    %-34s %,d%n", k, v));
        err.println("  exits by device");
        m.deviceAccesses().forEach((k, v) -> { if (v != 0) err.printf("    %-34s %,d%n", k, v); });
        long age = processAgeNanos();
        long startNanos = age < 0 ? 0 : System.nanoTime() - age;
        err.printf("  process start to first guest instruction  %s%n", since(startNanos, m.firstEntryNanos()));
        err.printf("  process start to boot marker (port 0x505) %s%n", since(startNanos, m.bootMarkerNanos()));
        err.printf("  process start to end of run               %s%n", since(startNanos, m.endNanos()));
        if (m.bootMarkerNanos() != 0 && m.endNanos() != 0)
            err.printf("  boot marker to end of run                 %.3f s%n", (m.endNanos() - m.bootMarkerNanos()) / 1e9);
    }

    /** Milliseconds from the JVM process's start to a System.nanoTime() reading. */
    private static String since(long startNanos, long nanos) {
        if (nanos == 0) return "never";
        if (startNanos == 0) return "unknown (no process start time)";
        return String.format("%.0f ms", (nanos - startNanos) / 1e6);
    }

    /**
     * How long ago this process started. Linux gives the start in clock ticks since boot
     * (/proc/self/stat, field 22) and the uptime in hundredths (/proc/uptime): both count from boot,
     * so their difference is good to 10 ms, where ProcessHandle's wall-clock start can be a second off.
     */
    static long processAgeNanos() {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long startTicks = Long.parseLong(f[19]); // field 22 overall; fields after the command start at 3
            double uptime = Double.parseDouble(java.nio.file.Files.readString(java.nio.file.Path.of("/proc/uptime")).split(" ")[0]);
            return (long) (uptime * 1e9) - startTicks * 10_000_000L; // USER_HZ is 100 on Linux
        } catch (java.io.IOException | RuntimeException e) {
            Instant start = ProcessHandle.current().info().startInstant().orElse(null);
            return start == null ? -1 : Duration.between(start, Instant.now()).toNanos();
        }
    }
}
