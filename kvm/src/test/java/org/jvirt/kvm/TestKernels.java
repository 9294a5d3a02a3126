package org.jvirt.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/** Builds guests/x86 with Debian's gcc and runs its test kernel on a fresh KVM machine. */
public final class TestKernels {
    private TestKernels() { }

    /** A finished run: how it ended and what the guest printed. */
    record Run(Outcome outcome, String console, X86Machine machine) { }

    private static Path built;
    private static String kvmProblem;

    static Path root() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("mvnw"))) p = p.getParent();
        if (p == null) throw new IllegalStateException("cannot find the repository root");
        return p;
    }

    /** Runs make in guests/x86 once; fails clearly without the toolchain. */
    public static synchronized Path build() throws IOException, InterruptedException {
        if (built != null) return built;
        Path d = root().resolve("guests/x86");
        Process p = new ProcessBuilder("make", "-s", "-C", d.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), "building guests/x86 failed (it needs Debian's gcc and make; .ci/run installs them):\n" + out);
        built = d.resolve("build");
        return built;
    }

    /** Skips the calling test, with the reason, where /dev/kvm cannot be used. */
    public static synchronized void assumeKvm() {
        if (kvmProblem == null) {
            try (Kvm k = Kvm.open()) {
                kvmProblem = "";
            } catch (KvmUnavailableException e) {
                kvmProblem = e.getMessage();
            }
        }
        assumeTrue(kvmProblem.isEmpty(), () -> "KVM is not usable here: " + kvmProblem);
    }

    static Run run(String cmdline, int cpus, long timeoutMs, Consumer<X86Machine> setup) throws Exception {
        assumeKvm();
        byte[] kernel = Files.readAllBytes(build().resolve("testkernel.elf"));
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        try (X86Machine m = new X86Machine(64 << 20, cpus, console)) {
            if (setup != null) setup.accept(m);
            m.boot(kernel, "testkernel.elf", cmdline, null);
            Outcome o = m.run(timeoutMs);
            return new Run(o, console.toString(java.nio.charset.StandardCharsets.ISO_8859_1), m);
        }
    }
}
