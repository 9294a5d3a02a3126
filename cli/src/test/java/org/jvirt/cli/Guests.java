package org.jvirt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds the guest programs kept under guests/ with Debian's cross toolchain, for the tests. */
final class Guests {
    private Guests() { }

    /** The repository's root: the nearest directory up from here that holds mvnw. */
    static Path root() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("mvnw"))) p = p.getParent();
        if (p == null) throw new IllegalStateException("cannot find the repository root (no mvnw above " + Path.of("").toAbsolutePath() + ")");
        return p;
    }

    /** Runs make in guests/{@code dir} and returns that directory; fails clearly without the toolchain. */
    static Path make(String dir) throws IOException, InterruptedException {
        Path d = root().resolve("guests").resolve(dir);
        Process p = new ProcessBuilder("make", "-s", "-C", d.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), "building guests/" + dir + " failed (it needs Debian's gcc-riscv64-unknown-elf; .ci/run installs it):\n" + out);
        return d;
    }
}
