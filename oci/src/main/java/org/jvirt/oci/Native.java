package org.jvirt.oci;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The few system calls Java lacks, through the FFM API: spawning the helper with a socket it
 * inherits (ProcessBuilder closes every descriptor above 2, including those --preserve-fds keeps),
 * waiting for it, and signals, fifos and non-blocking reads.
 */
final class Native {
    private Native() {}

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private static MethodHandle fn(String name, FunctionDescriptor d) {
        return LINKER.downcallHandle(LIBC.find(name).orElseThrow(), d, Linker.Option.captureCallState("errno"));
    }

    private static final MethodHandle SOCKETPAIR = fn("socketpair", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle POSIX_SPAWN = fn("posix_spawn", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle READ = fn("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle WRITE = fn("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle CLOSE = fn("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle WAITPID = fn("waitpid", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle KILL = fn("kill", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle MKFIFO = fn("mkfifo", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle OPEN = fn("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle GETEUID = fn("geteuid", FunctionDescriptor.of(JAVA_INT));

    static final int EINTR = 4, ESRCH = 3, EAGAIN = 11;
    static final int O_RDONLY = 0, O_NONBLOCK = 04000, O_CLOEXEC = 02000000;

    /** A failed call: the function and errno. */
    static final class Errno extends RuntimeException {
        final int errno;

        Errno(String call, int errno) {
            super(call + " failed: errno " + errno);
            this.errno = errno;
        }
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    /** A connected pair of stream sockets; neither is close-on-exec, so a spawned child inherits them. */
    static int[] socketpair() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CALL_STATE), fds = a.allocate(JAVA_INT, 2);
            int r = (int) SOCKETPAIR.invokeExact(st, 1 /* AF_UNIX */, 1 /* SOCK_STREAM */, 0, fds);
            if (r < 0) throw new Errno("socketpair", errno(st));
            return new int[] {fds.getAtIndex(JAVA_INT, 0), fds.getAtIndex(JAVA_INT, 1)};
        } catch (Errno e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Starts PATH with ARGV and ENV; the child inherits every descriptor without close-on-exec. */
    static int spawn(String path, List<String> argv, Map<String, String> env) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CALL_STATE), pid = a.allocate(JAVA_INT);
            MemorySegment args = strings(a, argv);
            MemorySegment envp = strings(a, env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
            int r = (int) POSIX_SPAWN.invokeExact(st, pid, a.allocateFrom(path), MemorySegment.NULL, MemorySegment.NULL, args, envp);
            if (r != 0) throw new Errno("posix_spawn " + path, r);
            return pid.get(JAVA_INT, 0);
        } catch (Errno e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static MemorySegment strings(Arena a, List<String> list) {
        MemorySegment arr = a.allocate(ADDRESS, list.size() + 1);
        for (int i = 0; i < list.size(); i++) arr.setAtIndex(ADDRESS, i, a.allocateFrom(list.get(i)));
        arr.setAtIndex(ADDRESS, list.size(), MemorySegment.NULL);
        return arr;
    }

    static void writeAll(int fd, byte[] data) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CALL_STATE), buf = a.allocate(data.length);
            MemorySegment.copy(data, 0, buf, JAVA_BYTE_LAYOUT, 0, data.length);
            long off = 0;
            while (off < data.length) {
                long w = (long) WRITE.invokeExact(st, fd, buf.asSlice(off), (long) data.length - off);
                if (w < 0 && errno(st) == EINTR) continue;
                if (w < 0) throw new Errno("write", errno(st));
                off += w;
            }
        } catch (Errno e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static final java.lang.foreign.ValueLayout.OfByte JAVA_BYTE_LAYOUT = java.lang.foreign.ValueLayout.JAVA_BYTE;

    /** Reads up to MAX bytes: an empty array at end of file, null when a non-blocking read would block. */
    static byte[] read(int fd, int max) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CALL_STATE), buf = a.allocate(max);
            while (true) {
                long r = (long) READ.invokeExact(st, fd, buf, (long) max);
                if (r < 0 && errno(st) == EINTR) continue;
                if (r < 0 && errno(st) == EAGAIN) return null;
                if (r < 0) throw new Errno("read", errno(st));
                return buf.asSlice(0, r).toArray(JAVA_BYTE_LAYOUT);
            }
        } catch (Errno e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Reads one line (without the newline) or what came before end of file. */
    static String readLine(int fd) {
        StringBuilder sb = new StringBuilder();
        while (true) {
            byte[] b = read(fd, 1);
            if (b == null || b.length == 0 || b[0] == '\n') return sb.toString();
            sb.append((char) (b[0] & 0xff));
        }
    }

    static void close(int fd) {
        try (Arena a = Arena.ofConfined()) {
            int ignored = (int) CLOSE.invokeExact(a.allocate(CALL_STATE), fd);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Waits for child PID; returns its exit status, or 128 + the signal that killed it. */
    static int waitpid(int pid) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CALL_STATE), status = a.allocate(JAVA_INT);
            while (true) {
                int r = (int) WAITPID.invokeExact(st, pid, status, 0);
                if (r < 0 && errno(st) == EINTR) continue;
                if (r < 0) throw new Errno("waitpid", errno(st));
                int s = status.get(JAVA_INT, 0);
                return (s & 0x7f) == 0 ? (s >> 8) & 0xff : 128 + (s & 0x7f);
            }
        } catch (Errno e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Sends SIG to PID; false when there is no such process. */
    static boolean kill(int pid, int sig) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CALL_STATE);
            int r = (int) KILL.invokeExact(st, pid, sig);
            if (r < 0 && errno(st) == ESRCH) return false;
            if (r < 0) throw new Errno("kill", errno(st));
            return true;
        } catch (Errno e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static void mkfifo(String path, int mode) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CALL_STATE);
            int r = (int) MKFIFO.invokeExact(st, a.allocateFrom(path), mode);
            if (r < 0) throw new Errno("mkfifo " + path, errno(st));
        } catch (Errno e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static int open(String path, int flags) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CALL_STATE);
            int r = (int) OPEN.invokeExact(st, a.allocateFrom(path), flags);
            if (r < 0) throw new Errno("open " + path, errno(st));
            return r;
        } catch (Errno e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static int geteuid() {
        try (Arena a = Arena.ofConfined()) {
            return (int) GETEUID.invokeExact(a.allocate(CALL_STATE));
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
