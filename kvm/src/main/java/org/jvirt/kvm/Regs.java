package org.jvirt.kvm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** struct kvm_regs as a value. */
public record Regs(long rax, long rbx, long rcx, long rdx, long rsi, long rdi, long rsp, long rbp,
                   long r8, long r9, long r10, long r11, long r12, long r13, long r14, long r15, long rip, long rflags) {
    private static final String[] NAMES = {"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rsp", "rbp",
            "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "rip", "rflags"};
    private static final long[] OFFSETS = java.util.Arrays.stream(NAMES).mapToLong(n -> Structs.offset(Structs.KVM_REGS, n)).toArray();

    /** Registers for entry at {@code rip} with rbx and rsi as given and reserved rflags bit 1 set. */
    public static Regs entry(long rip, long rbx, long rsi) {
        return new Regs(0, rbx, 0, 0, rsi, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, rip, 2);
    }

    private long[] values() {
        return new long[] {rax, rbx, rcx, rdx, rsi, rdi, rsp, rbp, r8, r9, r10, r11, r12, r13, r14, r15, rip, rflags};
    }

    static Regs read(MemorySegment s) {
        long[] v = new long[NAMES.length];
        for (int i = 0; i < v.length; i++) v[i] = s.get(ValueLayout.JAVA_LONG, OFFSETS[i]);
        return new Regs(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13], v[14], v[15], v[16], v[17]);
    }

    void write(MemorySegment s) {
        long[] v = values();
        for (int i = 0; i < v.length; i++) s.set(ValueLayout.JAVA_LONG, OFFSETS[i], v[i]);
    }

    /** The registers as "rax=... rbx=..." lines, for reports of a guest that stopped. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        long[] v = values();
        for (int i = 0; i < v.length; i++) {
            b.append(String.format("%-6s %016x", NAMES[i], v[i])).append(i % 4 == 3 ? "\n" : "  ");
        }
        return b.toString().stripTrailing();
    }
}
