package org.jvirt.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import org.jvirt.machine.devices.ConsoleInput;

/**
 * Connects the host's standard input to the guest's console device (the UART, or a virtio console). On a terminal it switches to raw mode (so
 * every key reaches the guest) and takes QEMU's escape keys: Ctrl-A X quits, Ctrl-A H lists the keys,
 * Ctrl-A Ctrl-A sends a Ctrl-A. When standard input is not a terminal, bytes pass through unchanged,
 * for scripting.
 */
final class TerminalConsole implements AutoCloseable {
    private static final int CTRL_A = 1;

    private final InputStream in;
    private final PrintStream err;
    private volatile ConsoleInput target;
    private volatile Runnable wake, quit;
    private final boolean terminal;
    private String savedMode;
    private Thread reader;

    TerminalConsole(InputStream in, PrintStream err) {
        this.in = in;
        this.err = err;
        this.terminal = System.console() != null && System.console().isTerminal();
    }

    /** Sends input to this console device from now on (a reboot builds a new machine). */
    void connect(ConsoleInput target, Runnable wake, Runnable quit) {
        this.target = target;
        this.wake = wake;
        this.quit = quit;
    }

    boolean isTerminal() { return terminal; }

    void start() {
        if (terminal) savedMode = stty("-g");
        if (savedMode != null) stty("raw", "-echo");
        reader = Thread.ofPlatform().daemon().name("jvirt-console").start(this::pump);
    }

    private void pump() {
        byte[] buf = new byte[256];
        boolean escape = false;
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                for (int i = 0; i < n; i++) {
                    int b = buf[i] & 0xff;
                    if (terminal && escape) {
                        escape = false;
                        if (b == 'x' || b == 'X') { quit.run(); return; }
                        if (b == 'h' || b == 'H') { help(); continue; }
                        if (b != CTRL_A) continue;
                    } else if (terminal && b == CTRL_A) {
                        escape = true;
                        continue;
                    }
                    feed((byte) b);
                }
            }
        } catch (IOException | InterruptedException e) {
            // standard input closed or the machine stopped: nothing more to send
        }
    }

    private void feed(byte b) throws InterruptedException {
        ConsoleInput t;
        while ((t = target) == null || t.receive(new byte[] {b}, 0, 1) == 0) Thread.sleep(1); // the guest reads slower than we type
        wake.run();
    }

    private void help() {
        err.print("\r\njvirt console keys:\r\n  Ctrl-A X    quit\r\n  Ctrl-A H    this help\r\n  Ctrl-A Ctrl-A  send Ctrl-A\r\n");
        err.flush();
    }

    private static String stty(String... args) {
        try {
            String[] cmd = new String[args.length + 1];
            cmd[0] = "stty";
            System.arraycopy(args, 0, cmd, 1, args.length);
            Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            return p.waitFor() == 0 ? out : null;
        } catch (IOException | InterruptedException e) {
            return null;
        }
    }

    @Override
    public void close() {
        if (savedMode != null) stty(savedMode);
        savedMode = null;
    }
}
