package org.jvirt.kvm.pg;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.HexFormat;
import org.jvirt.kvm.Native;
import org.jvirt.machine.PgWorkload;

/**
 * The CPU workload of guests/x86/workload.h (xorshift64 and a 1024-entry table) as x86-64 machine
 * code written here, a System V function {@code uint64_t f(uint64_t n, uint32_t *table)}. The same
 * bytes run in a KVM guest and natively in this process, so equivalence compares one program, and
 * the instruction count is known from the code: {@link #PER_ITERATION} per iteration plus
 * {@link #OUTSIDE_LOOP}.
 */
public final class X86Workload {
    private X86Workload() { }

    /** Instructions in one iteration of the loop, and in the function outside it (3 before, ret after). */
    public static final int PER_ITERATION = 23, OUTSIDE_LOOP = 4;

    /** The function's code. */
    public static byte[] code() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        emit(b, "48ba");                                   // mov rdx, PgWorkload.SEED (x)
        for (int i = 0; i < 8; i++) b.write((int) (PgWorkload.SEED >>> (8 * i)));
        emit(b, "31c0 31c9");                              // xor eax, eax (sum); xor ecx, ecx (i)
        int loop = b.size();
        emit(b, "4989d0 49c1e00d 4c31c2");                 // x ^= x << 13
        emit(b, "4989d0 49c1e807 4c31c2");                 // x ^= x >> 7
        emit(b, "4989d0 49c1e011 4c31c2");                 // x ^= x << 17
        emit(b, "4189d1 4181e1ff030000");                  // r9d = slot = x & 1023
        emit(b, "4989d2 49c1ea20");                        // r10 = x >> 32
        emit(b, "4601148e");                               // table[slot] += (uint32_t) r10
        emit(b, "468d1ccd00000000 4529cb 4181e3ff030000"); // r11d = (slot * 7) & 1023
        emit(b, "468b1c9e");                               // r11d = table[r11]
        emit(b, "4931cb 4c01d8");                          // sum += r11 ^ i
        emit(b, "48ffc1 4839f9");                          // i++; cmp i, n
        int rel = loop - (b.size() + 2);
        b.write(0x75);                                     // jne loop
        b.write(rel);
        b.write(0xc3);                                     // ret
        return b.toByteArray();
    }

    private static void emit(ByteArrayOutputStream b, String hex) {
        b.writeBytes(HexFormat.of().parseHex(hex.replace(" ", "")));
    }

    /** Instructions the function retires for {@code n} iterations (n >= 1). */
    public static long instructions(long n) {
        return PER_ITERATION * n + OUTSIDE_LOOP;
    }

    /** Runs the same bytes natively in this process: mapped executable, called through the FFM linker. */
    public static long runNatively(long n) {
        byte[] code = code();
        MemorySegment text = Native.mmap(4096, Native.PROT_READ | Native.PROT_WRITE | PROT_EXEC, Native.MAP_PRIVATE | Native.MAP_ANONYMOUS, -1, 0,
                "the native copy of the workload");
        MemorySegment table = Native.mmap(4096, Native.PROT_READ | Native.PROT_WRITE, Native.MAP_PRIVATE | Native.MAP_ANONYMOUS, -1, 0, "its table");
        try {
            MemorySegment.copy(code, 0, text, ValueLayout.JAVA_BYTE, 0, code.length);
            MethodHandle f = Linker.nativeLinker().downcallHandle(text, FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS));
            return (long) f.invokeExact(n, table);
        } catch (Throwable t) {
            throw new IllegalStateException("running the workload natively: " + t, t);
        } finally {
            Native.munmap(table);
            Native.munmap(text);
        }
    }

    private static final int PROT_EXEC = 4;
}
