package org.jvirt.kvm;

import static org.jvirt.machine.Libc.INT;
import static org.jvirt.machine.Libc.LONG;
import static org.jvirt.machine.Libc.PTR;
import static org.jvirt.machine.Libc.bind;
import static org.jvirt.machine.Libc.errno;
import static org.jvirt.machine.Libc.errnoState;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import org.jvirt.machine.Libc;

/**
 * The few libc calls a KVM hypervisor needs, bound through {@link Libc}: open, close, ioctl, mmap,
 * munmap, and the thread signalling used to kick a vCPU out of KVM_RUN. Every call that can fail
 * captures errno at the call.
 */
public final class Native {
    private Native() { }

    public static final int O_RDWR = 2, O_CLOEXEC = 0x80000;
    public static final int PROT_READ = 1, PROT_WRITE = 2, MAP_SHARED = 1, MAP_PRIVATE = 2, MAP_ANONYMOUS = 0x20;
    public static final int EINTR = 4, EAGAIN = 11, E2BIG = 7, EACCES = 13, ENOENT = 2, EPERM = 1;
    /** The signal that kicks a vCPU thread out of KVM_RUN: a real-time signal that neither glibc nor HotSpot uses. */
    public static final int SIG_KICK = 40;

    private static final Linker.Option ERRNO = Libc.CAPTURE_ERRNO;

    // Binding a downcall spins classes for its shape (about 10-20 ms each at start-up), so ioctl has
    // one shape (an integer argument travels as an address, which the x86-64 ABI passes alike) and
    // the calls a run may never make are bound on first use, in holder classes.
    private static final MethodHandle OPEN = bind("open", FunctionDescriptor.of(INT, PTR, INT), ERRNO, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle CLOSE = bind("close", FunctionDescriptor.of(INT, INT));
    private static final MethodHandle IOCTL = bind("ioctl", FunctionDescriptor.of(INT, INT, LONG, PTR), ERRNO, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle MMAP = bind("mmap", FunctionDescriptor.of(PTR, PTR, LONG, INT, INT, INT, LONG), ERRNO);
    private static final MethodHandle PTHREAD_SELF = bind("pthread_self", FunctionDescriptor.of(LONG));
    private static final MethodHandle SIGACTION = bind("sigaction", FunctionDescriptor.of(INT, INT, PTR, PTR), ERRNO);

    private static final class Munmap { static final MethodHandle H = bind("munmap", FunctionDescriptor.of(INT, PTR, LONG), ERRNO); }
    private static final class Pread { static final MethodHandle H = bind("pread", FunctionDescriptor.of(LONG, INT, PTR, LONG, LONG), ERRNO); }
    private static final class Strerror { static final MethodHandle H = bind("strerror", FunctionDescriptor.of(PTR, INT)); }
    private static final class PthreadKill { static final MethodHandle H = bind("pthread_kill", FunctionDescriptor.of(INT, LONG, INT)); }

    /** Opens {@code path} read-write, close-on-exec; throws with the errno (ENOENT, EACCES...) on failure. */
    public static int open(String path) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = errnoState();
            int fd = (int) OPEN.invokeExact(state, a.allocateFrom(path), O_RDWR | O_CLOEXEC);
            if (fd < 0) throw new NativeException("open " + path, errno(state));
            return fd;
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    public static void close(int fd) {
        try {
            int rc = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** ioctl with a pointer argument; returns the result, or throws naming the request on -1. */
    public static int ioctl(int fd, Ioctl req, MemorySegment arg) {
        int rc = ioctlRaw(fd, req.request, arg);
        if (rc < 0) throw new NativeException(req.name(), -rc);
        return rc;
    }

    /** ioctl with an integer argument. */
    public static int ioctl(int fd, Ioctl req, long arg) {
        return ioctl(fd, req, MemorySegment.ofAddress(arg));
    }

    /** ioctl with a pointer argument that returns {@code -errno} instead of throwing: for KVM_RUN's EINTR and EAGAIN. */
    public static int ioctlRaw(int fd, long request, MemorySegment arg) {
        try {
            MemorySegment state = errnoState();
            int rc = (int) IOCTL.invokeExact(state, fd, request, arg);
            return rc < 0 ? -errno(state) : rc;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Maps {@code size} bytes of {@code fd} (or anonymous memory with fd -1 and MAP_ANONYMOUS). */
    public static MemorySegment mmap(long size, int prot, int flags, int fd, long offset, String what) {
        try {
            MemorySegment state = errnoState();
            MemorySegment p = (MemorySegment) MMAP.invokeExact(state, MemorySegment.NULL, size, prot, flags, fd, offset);
            if (p.address() == -1L) throw new NativeException("mmap of " + what, errno(state));
            return p.reinterpret(size);
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    public static void munmap(MemorySegment segment) {
        try {
            MemorySegment state = errnoState();
            int rc = (int) Munmap.H.invokeExact(state, MemorySegment.ofAddress(segment.address()), segment.byteSize());
            if (rc != 0) throw new NativeException("munmap", errno(state));
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** pread(2) of up to {@code buf.byteSize()} bytes at {@code offset}; returns the count read. */
    public static long pread(int fd, MemorySegment buf, long offset) {
        try {
            MemorySegment state = errnoState();
            long n = (long) Pread.H.invokeExact(state, fd, buf, buf.byteSize(), offset);
            if (n < 0) throw new NativeException("pread", errno(state));
            return n;
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    public static String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) Strerror.H.invokeExact(errno);
            return s.reinterpret(256).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    /** The symbolic name of the errnos KVM users meet, for messages a reader can search for. */
    public static String errnoName(int errno) {
        return switch (errno) {
            case 1 -> "EPERM"; case 2 -> "ENOENT"; case 4 -> "EINTR"; case 6 -> "ENXIO"; case 7 -> "E2BIG";
            case 9 -> "EBADF"; case 11 -> "EAGAIN"; case 12 -> "ENOMEM"; case 13 -> "EACCES"; case 14 -> "EFAULT";
            case 16 -> "EBUSY"; case 17 -> "EEXIST"; case 19 -> "ENODEV"; case 22 -> "EINVAL"; case 24 -> "EMFILE";
            case 25 -> "ENOTTY"; case 28 -> "ENOSPC"; case 95 -> "EOPNOTSUPP";
            default -> "errno " + errno;
        };
    }

    public static long pthreadSelf() {
        try {
            return (long) PTHREAD_SELF.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Sends {@link #SIG_KICK} to a thread: a vCPU in KVM_RUN returns with EINTR. */
    public static void kick(long pthread) {
        try {
            int rc = (int) PthreadKill.H.invokeExact(pthread, SIG_KICK);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static volatile boolean kickInstalled;

    /**
     * Installs a handler for {@link #SIG_KICK} once per process. The signal must be caught, not ignored
     * (an ignored signal never becomes pending, so KVM_RUN would not return), and the handler must not
     * run Java code in signal context: it is libc's {@code abs}, which takes an int and touches nothing.
     * No SA_RESTART, so the interrupted ioctl returns EINTR.
     */
    public static synchronized void installKickHandler() {
        if (kickInstalled) return;
        // struct sigaction on x86-64 glibc: handler @0, sa_mask (128 bytes) @8, sa_flags @136, sa_restorer @144
        try (Arena a = Arena.ofConfined()) {
            MemorySegment act = a.allocate(152, 8);
            act.set(PTR, 0, Libc.symbol("abs"));
            MemorySegment state = errnoState();
            int rc = (int) SIGACTION.invokeExact(state, SIG_KICK, act, MemorySegment.NULL);
            if (rc != 0) throw new NativeException("sigaction", errno(state));
            kickInstalled = true;
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
