package org.jvirt.virtio;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import org.jvirt.machine.Libc;

/**
 * Linux fallocate(2) on a disk image, through the FFM API: punching a hole frees the host's blocks
 * and zeroing a range needs no data written, neither of which FileChannel can do. FileChannel does
 * not expose its descriptor, so this opens the image a second time with open(2); both descriptors
 * name the same inode, so the page cache and the data they see are one.
 */
final class Fallocate implements AutoCloseable {
    private static final int O_RDWR = 2, O_CLOEXEC = 0x80000;
    private static final int KEEP_SIZE = 0x01, PUNCH_HOLE = 0x02, ZERO_RANGE = 0x10;
    private static final int EINTR = 4, ENOSYS = 38, EOPNOTSUPP = 95;

    /** The libc calls, or nulls where this JVM may not call native code or libc lacks them (no discard then). */
    private static final class Calls {
        static final MethodHandle OPEN = Libc.bindOrNull("open", FunctionDescriptor.of(Libc.INT, Libc.PTR, Libc.INT),
                Libc.CAPTURE_ERRNO, Linker.Option.firstVariadicArg(2));
        static final MethodHandle CLOSE = Libc.bindOrNull("close", FunctionDescriptor.of(Libc.INT, Libc.INT));
        static final MethodHandle FALLOCATE = Libc.bindOrNull("fallocate",
                FunctionDescriptor.of(Libc.INT, Libc.INT, Libc.INT, Libc.LONG, Libc.LONG), Libc.CAPTURE_ERRNO);
        static final boolean AVAILABLE = OPEN != null && CLOSE != null && FALLOCATE != null;
    }

    private final int fd;
    private final boolean punches;

    private Fallocate(int fd, boolean punches) {
        this.fd = fd;
        this.punches = punches;
    }

    /**
     * Opens {@code image} read-write for fallocate, or returns null when native calls are not
     * available or the open fails (the disk then works without them).
     */
    static Fallocate open(Path image, long size) {
        if (!Calls.AVAILABLE) return null;
        int fd;
        try (Arena a = Arena.ofConfined()) {
            fd = (int) Calls.OPEN.invokeExact(Libc.errnoState(), a.allocateFrom(image.toAbsolutePath().toString()),
                    O_RDWR | O_CLOEXEC);
        } catch (Throwable t) {
            return null;
        }
        if (fd < 0) return null;
        // Punching past the end of the file changes nothing (KEEP_SIZE) yet reaches the file system's
        // fallocate, so it says whether holes can be punched here before the guest is told discard works.
        return new Fallocate(fd, call(fd, PUNCH_HOLE | KEEP_SIZE, size, 4096) == 0);
    }

    /** Whether the host file system frees blocks on a punched hole (probed at open). */
    boolean punchesHoles() { return punches; }

    /**
     * Deallocates {@code len} bytes at {@code offset}; they read back as zeros. Returns false when the
     * host file system cannot punch holes; throws on an I/O error.
     */
    boolean punchHole(long offset, long len) throws IOException {
        return punches && check(call(fd, PUNCH_HOLE | KEEP_SIZE, offset, len), "punching a hole");
    }

    /** Makes {@code len} bytes at {@code offset} read as zeros, keeping them allocated; false where unsupported. */
    boolean zeroRange(long offset, long len) throws IOException {
        return check(call(fd, ZERO_RANGE | KEEP_SIZE, offset, len), "zeroing a range");
    }

    private static boolean check(int errno, String what) throws IOException {
        if (errno == 0) return true;
        if (errno == EOPNOTSUPP || errno == ENOSYS) return false;
        throw new IOException(what + " in the image failed: errno " + errno);
    }

    /** fallocate(2); returns 0 or the errno. */
    private static int call(int fd, int mode, long offset, long len) {
        try {
            MemorySegment state = Libc.errnoState();
            while (true) {
                int rc = (int) Calls.FALLOCATE.invokeExact(state, fd, mode, offset, len);
                if (rc == 0) return 0;
                int errno = Libc.errno(state);
                if (errno != EINTR) return errno;
            }
        } catch (Throwable t) {
            return ENOSYS;
        }
    }

    @Override
    public void close() {
        try {
            int rc = (int) Calls.CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            // a descriptor that cannot be closed leaks; nothing else to do
        }
    }
}
