package org.jvirt.machine;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Zeroed memory from the kernel with {@code mmap(MAP_ANONYMOUS)}: pages cost nothing until the guest
 * touches them, so a 1 GiB guest that uses 40 MiB keeps 40 MiB resident. {@link Arena#allocate} would
 * zero, and so touch, every byte at once.
 */
final class AnonymousMemory {
    private AnonymousMemory() { }

    private static final int PROT_READ = 1, PROT_WRITE = 2, MAP_PRIVATE = 2, MAP_ANONYMOUS = 0x20, MAP_NORESERVE = 0x4000;
    private static final MethodHandle MMAP, MUNMAP;

    static { // null where there is no native access or no mmap: callers then fall back to an Arena
        MethodHandle mmap = Libc.bindOrNull("mmap", FunctionDescriptor.of(Libc.PTR, Libc.PTR, Libc.LONG, Libc.INT, Libc.INT, Libc.INT, Libc.LONG));
        MethodHandle munmap = Libc.bindOrNull("munmap", FunctionDescriptor.of(Libc.INT, Libc.PTR, Libc.LONG));
        MMAP = mmap == null || munmap == null ? null : mmap;
        MUNMAP = munmap;
    }

    /** Maps {@code size} bytes, or returns null when mmap is not available or fails. */
    static MemorySegment map(long size) {
        if (MMAP == null) return null;
        try {
            MemorySegment p = (MemorySegment) MMAP.invokeExact(MemorySegment.NULL, size, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0L);
            if (p.address() == -1L || p.address() == 0) return null;
            return p.reinterpret(size);
        } catch (Throwable t) {
            return null;
        }
    }

    static void unmap(MemorySegment segment) {
        try {
            int rc = (int) MUNMAP.invokeExact(MemorySegment.ofAddress(segment.address()), segment.byteSize());
            if (rc != 0) throw new IllegalStateException("munmap failed");
        } catch (Throwable t) {
            throw new IllegalStateException("munmap failed", t);
        }
    }
}
