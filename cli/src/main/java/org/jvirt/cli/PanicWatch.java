package org.jvirt.cli;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Passes the guest's console through and notices Linux's last words after a panic, so that a
 * panicked guest ends the run with a reason instead of hanging the terminal.
 */
final class PanicWatch extends FilterOutputStream {
    private static final byte[] END_OF_PANIC = "---[ end Kernel panic".getBytes(StandardCharsets.US_ASCII);

    private int matched;
    private volatile boolean panicked;
    private volatile Runnable onPanic = () -> { };

    PanicWatch(OutputStream out) {
        super(out);
    }

    void onPanic(Runnable r) { onPanic = r; }

    boolean panicked() { return panicked; }

    @Override
    public void write(int b) throws IOException {
        out.write(b);
        matched = b == END_OF_PANIC[matched] ? matched + 1 : (b == END_OF_PANIC[0] ? 1 : 0);
        if (matched == END_OF_PANIC.length) {
            matched = 0;
            panicked = true;
            onPanic.run();
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        for (int i = off; i < off + len; i++) write(b[i]);
    }
}
