package org.jvirt.cli;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Drives a guest's console like a person: each step waits until the guest has printed some text,
 * then types a line. The guest's output is the {@link #out()} stream; its keyboard is {@link #in()}.
 */
final class ScriptedConsole {
    private record Step(String await, String type) { }

    private final StringBuilder seen = new StringBuilder();
    private final Deque<Step> steps = new ArrayDeque<>();
    private int searchFrom;
    private byte[] pending = new byte[0];
    private int pendingPos;

    /** After {@code await} appears (after what earlier steps awaited), type {@code line} and a newline. */
    ScriptedConsole then(String await, String line) {
        steps.add(new Step(await, line + "\n"));
        return this;
    }

    synchronized String output() { return seen.toString(); }

    PrintStream out() {
        return new PrintStream(new OutputStream() {
            private final ByteArrayOutputStream line = new ByteArrayOutputStream();

            @Override
            public void write(int b) {
                synchronized (ScriptedConsole.this) {
                    seen.append((char) (b & 0xff));
                    ScriptedConsole.this.notifyAll();
                }
            }
        }, true);
    }

    InputStream in() {
        return new InputStream() {
            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                synchronized (ScriptedConsole.this) {
                    while (pendingPos >= pending.length) {
                        Step s = steps.peek();
                        if (s == null) return -1; // the script is over: end of input
                        int at = seen.indexOf(s.await(), searchFrom);
                        if (at >= 0) {
                            steps.poll();
                            searchFrom = at + s.await().length();
                            pending = s.type().getBytes(StandardCharsets.UTF_8);
                            pendingPos = 0;
                            break;
                        }
                        try {
                            ScriptedConsole.this.wait(1000);
                        } catch (InterruptedException e) {
                            return -1;
                        }
                    }
                    int n = Math.min(len, pending.length - pendingPos);
                    System.arraycopy(pending, pendingPos, b, off, n);
                    pendingPos += n;
                    return n;
                }
            }
        };
    }
}
