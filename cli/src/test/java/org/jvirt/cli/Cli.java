package org.jvirt.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs the CLI in-process and captures what it prints. */
record Cli(int status, String out, String err) {
    static Cli run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = Main.execute(new PrintStream(out, true), new PrintStream(err, true), args);
        return new Cli(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** True when stderr holds no Java stack trace or exception name: user errors are one plain line. */
    boolean cleanErrors() {
        return !err.contains("\tat ") && !err.contains("Exception");
    }
}
