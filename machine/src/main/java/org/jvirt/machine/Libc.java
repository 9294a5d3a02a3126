package org.jvirt.machine;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The C library through the FFM API (no JNI), for the system calls Java has no API for: mmap for
 * guest memory, ioctl for KVM, fallocate for disk images. A call that can fail captures errno at the
 * call ({@link #CAPTURE_ERRNO}), because the JVM may run code that clobbers errno before Java could
 * read it.
 */
public final class Libc {
    private Libc() { }

    public static final AddressLayout PTR = ValueLayout.ADDRESS;
    public static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    public static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;

    /** Makes a downcall take a first extra argument, a segment from {@link #errnoState}, that receives errno. */
    public static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final VarHandle ERRNO = Linker.Option.captureStateLayout()
            .varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final ThreadLocal<MemorySegment> STATE =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(Linker.Option.captureStateLayout()));

    /** Binds libc's function {@code name}; throws {@link UnsatisfiedLinkError} if libc has none. */
    public static MethodHandle bind(String name, FunctionDescriptor fd, Linker.Option... options) {
        return LINKER.downcallHandle(symbol(name), fd, options);
    }

    /** The address of libc's function {@code name}, where C wants a function pointer. */
    public static MemorySegment symbol(String name) {
        return LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
    }

    /** As {@link #bind}, or null where libc lacks the function or this JVM may not call native code. */
    public static MethodHandle bindOrNull(String name, FunctionDescriptor fd, Linker.Option... options) {
        try {
            return bind(name, fd, options);
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    /** This thread's segment for the errno a {@link #CAPTURE_ERRNO} call captures. */
    public static MemorySegment errnoState() {
        return STATE.get();
    }

    /** The errno captured in {@code state} by the last call given it. */
    public static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    private static final MethodHandle GETTID = bindOrNull("gettid", FunctionDescriptor.of(INT));
    private static final MethodHandle SETPRIORITY = bindOrNull("setpriority", FunctionDescriptor.of(INT, INT, INT, INT));

    /**
     * Gives the calling thread the scheduling niceness {@code nice} (Linux, where setpriority on a
     * thread id affects that thread alone); false where that cannot be done. Raising one's own
     * niceness needs no privilege.
     */
    public static boolean niceCurrentThread(int nice) {
        if (GETTID == null || SETPRIORITY == null) return false;
        try {
            int tid = (int) GETTID.invokeExact();
            return (int) SETPRIORITY.invokeExact(0 /* PRIO_PROCESS */, tid, nice) == 0;
        } catch (Throwable t) {
            return false;
        }
    }
}
