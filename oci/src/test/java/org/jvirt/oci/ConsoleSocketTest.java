package org.jvirt.oci;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * --console-socket as conmon uses it: the runtime connects to a unix socket and sends the pty
 * master over it (SCM_RIGHTS); what the container writes to its terminal comes out of the master.
 * Java's sockets cannot receive descriptors, so this test receives it through the FFM API.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ConsoleSocketTest {
    private static final Linker L = Linker.nativeLinker();

    private static MethodHandle fn(String name, FunctionDescriptor d) {
        return L.downcallHandle(L.defaultLookup().find(name).orElseThrow(), d);
    }

    private static final MethodHandle SOCKET = fn("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle BIND = fn("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle LISTEN = fn("listen", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle ACCEPT = fn("accept", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle RECVMSG = fn("recvmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle READ = fn("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle CLOSE = fn("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    /** Listens on PATH; the future completes with the descriptor received on the first connection. */
    private static CompletableFuture<Integer> receiveFd(String path) throws Throwable {
        int sock = (int) SOCKET.invokeExact(1 /* AF_UNIX */, 1 /* SOCK_STREAM */, 0);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment addr = a.allocate(110);
            addr.set(java.lang.foreign.ValueLayout.JAVA_SHORT, 0, (short) 1);
            addr.asSlice(2).setString(0, path);
            assertEquals(0, (int) BIND.invokeExact(sock, addr, 110));
        }
        assertEquals(0, (int) LISTEN.invokeExact(sock, 1));
        return CompletableFuture.supplyAsync(() -> {
            try (Arena a = Arena.ofConfined()) {
                int conn = (int) ACCEPT.invokeExact(sock, MemorySegment.NULL, MemorySegment.NULL);
                MemorySegment buf = a.allocate(256), iov = a.allocate(16), control = a.allocate(64), msg = a.allocate(56);
                iov.set(ADDRESS, 0, buf);
                iov.set(JAVA_LONG, 8, 256);
                msg.set(ADDRESS, 16, iov);           // msg_iov
                msg.set(JAVA_LONG, 24, 1);           // msg_iovlen
                msg.set(ADDRESS, 32, control);       // msg_control
                msg.set(JAVA_LONG, 40, 64);          // msg_controllen
                long n = (long) RECVMSG.invokeExact(conn, msg, 0);
                int closed = (int) CLOSE.invokeExact(conn);
                closed += (int) CLOSE.invokeExact(sock);
                if (n < 0 || control.get(JAVA_INT, 12) != 1 /* SCM_RIGHTS */) throw new AssertionError("no descriptor received");
                return control.get(JAVA_INT, 16);   // CMSG_DATA after the 16-byte cmsghdr
            } catch (Throwable t) {
                throw new RuntimeException(t);
            }
        });
    }

    /** Reads what comes out of the pty master until TEXT appears or the terminal closes. */
    private static String readUntil(int master, String text) throws Throwable {
        StringBuilder sb = new StringBuilder();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(4096);
            while (!sb.toString().contains(text)) {
                long n = (long) READ.invokeExact(master, buf, 4096L);
                if (n <= 0) break; // EIO once the last slave is closed
                sb.append(new String(buf.asSlice(0, n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8));
            }
        }
        return sb.toString();
    }

    @Test
    void thePtyMasterArrivesOnTheSocket() throws Throwable {
        try (Fixture f = new Fixture()) {
            Map<String, Object> c = f.config("tty; echo through-the-pty");
            Fixture.obj(c, "process").put("terminal", true);
            f.write(c);
            String sock = f.dir.resolve("console.sock").toString();
            CompletableFuture<Integer> master = receiveFd(sock);
            assertEquals(0, f.oci("create", "--bundle", f.bundle.toString(), "--console-socket", sock, "tty"), f.lastErr);
            int fd = master.get(10, TimeUnit.SECONDS);
            assertEquals(0, f.oci("start", "tty"), f.lastErr);
            String out = readUntil(fd, "through-the-pty");
            int ignored = (int) CLOSE.invokeExact(fd);
            assertTrue(out.contains("/dev/pts/0") && out.contains("through-the-pty\r\n"), out);
        }
    }

    @Test
    void aForegroundRunWithoutASocketRelaysItsOwnPty() throws Exception {
        try (Fixture f = new Fixture()) {
            Map<String, Object> c = f.config("tty; read line; echo got-$line; exit 6");
            Fixture.obj(c, "process").put("terminal", true);
            f.write(c);
            Process p = new ProcessBuilder(java.nio.file.Path.of("bin/jvirt-runc").toAbsolutePath().toString(),
                    "--root", f.root.toString(), "run", "--bundle", f.bundle.toString(), "relay").redirectErrorStream(true).start();
            try (var in = p.getOutputStream()) {
                in.write("typed\n".getBytes(StandardCharsets.UTF_8));
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(6, p.exitValue(), out);
            assertTrue(out.contains("/dev/pts/0") && out.contains("got-typed"), out);
        }
    }

    @Test
    void aTerminalWithoutASocketIsAnError() throws Exception {
        try (Fixture f = new Fixture()) {
            Map<String, Object> c = f.config("true");
            Fixture.obj(c, "process").put("terminal", true);
            f.write(c);
            assertEquals(1, f.oci("create", "--bundle", f.bundle.toString(), "notty"));
            assertTrue(f.lastErr.contains("--console-socket"), f.lastErr);
        }
    }
}
