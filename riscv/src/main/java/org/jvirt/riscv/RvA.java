package org.jvirt.riscv;

import static org.jvirt.riscv.Format.R;

import java.util.function.LongBinaryOperator;

/**
 * The "A" extension (unprivileged spec, chapter 8). AMOs are atomic read-modify-writes on guest RAM,
 * correct when harts run on several host threads. LR records the reservation and the value it read;
 * SC succeeds when the reservation is the same address and memory still holds that value, a
 * compare-and-swap as QEMU does it (a store of the identical value by another hart goes unnoticed).
 * The aq and rl bits need nothing more: every access is sequentially consistent here.
 */
final class RvA {
    private RvA() { }

    private static long lr(Hart h, Insn d, long pc, int size) {
        long a = h.mmu.atomicAddress(h.x[d.rs1], size, true);
        long v = h.mmu.atomicLoad(a, size);
        h.reservation = a;
        h.reservationValue = v;
        h.x[d.rd] = v;
        return pc + d.len;
    }

    private static long sc(Hart h, Insn d, long pc, int size) {
        long a = h.mmu.atomicAddress(h.x[d.rs1], size, false);
        boolean ok = h.reservation == a && h.mmu.compareAndSet(a, size, h.reservationValue, h.x[d.rs2]);
        h.reservation = -1;
        h.x[d.rd] = ok ? 0 : 1;
        return pc + d.len;
    }

    private static long amo(Hart h, Insn d, long pc, int size, LongBinaryOperator op) {
        long a = h.mmu.atomicAddress(h.x[d.rs1], size, false);
        long src = h.x[d.rs2];
        long old;
        do {
            old = h.mmu.atomicLoad(a, size); // sign-extended for .w
        } while (!h.mmu.compareAndSet(a, size, old, op.applyAsLong(old, src)));
        h.x[d.rd] = old;
        return pc + d.len;
    }

    private static long w(long v) { return (int) v; }

    static final InsnSet SET = new InsnSet(true)
        .add("lr.w",      "00010 .. 00000 ..... 010 ..... 0101111", R, (h, d, pc) -> lr(h, d, pc, 4))
        .add("sc.w",      "00011 .. ..... ..... 010 ..... 0101111", R, (h, d, pc) -> sc(h, d, pc, 4))
        .add("amoswap.w", "00001 .. ..... ..... 010 ..... 0101111", R, (h, d, pc) -> amo(h, d, pc, 4, (a, b) -> b))
        .add("amoadd.w",  "00000 .. ..... ..... 010 ..... 0101111", R, (h, d, pc) -> amo(h, d, pc, 4, (a, b) -> a + b))
        .add("amoxor.w",  "00100 .. ..... ..... 010 ..... 0101111", R, (h, d, pc) -> amo(h, d, pc, 4, (a, b) -> a ^ b))
        .add("amoand.w",  "01100 .. ..... ..... 010 ..... 0101111", R, (h, d, pc) -> amo(h, d, pc, 4, (a, b) -> a & b))
        .add("amoor.w",   "01000 .. ..... ..... 010 ..... 0101111", R, (h, d, pc) -> amo(h, d, pc, 4, (a, b) -> a | b))
        .add("amomin.w",  "10000 .. ..... ..... 010 ..... 0101111", R, (h, d, pc) -> amo(h, d, pc, 4, (a, b) -> Math.min(w(a), w(b))))
        .add("amomax.w",  "10100 .. ..... ..... 010 ..... 0101111", R, (h, d, pc) -> amo(h, d, pc, 4, (a, b) -> Math.max(w(a), w(b))))
        .add("amominu.w", "11000 .. ..... ..... 010 ..... 0101111", R, (h, d, pc) -> amo(h, d, pc, 4, (a, b) -> Integer.compareUnsigned((int) a, (int) b) <= 0 ? a : b))
        .add("amomaxu.w", "11100 .. ..... ..... 010 ..... 0101111", R, (h, d, pc) -> amo(h, d, pc, 4, (a, b) -> Integer.compareUnsigned((int) a, (int) b) >= 0 ? a : b))
        .add("lr.d",      "00010 .. 00000 ..... 011 ..... 0101111", R, (h, d, pc) -> lr(h, d, pc, 8))
        .add("sc.d",      "00011 .. ..... ..... 011 ..... 0101111", R, (h, d, pc) -> sc(h, d, pc, 8))
        .add("amoswap.d", "00001 .. ..... ..... 011 ..... 0101111", R, (h, d, pc) -> amo(h, d, pc, 8, (a, b) -> b))
        .add("amoadd.d",  "00000 .. ..... ..... 011 ..... 0101111", R, (h, d, pc) -> amo(h, d, pc, 8, (a, b) -> a + b))
        .add("amoxor.d",  "00100 .. ..... ..... 011 ..... 0101111", R, (h, d, pc) -> amo(h, d, pc, 8, (a, b) -> a ^ b))
        .add("amoand.d",  "01100 .. ..... ..... 011 ..... 0101111", R, (h, d, pc) -> amo(h, d, pc, 8, (a, b) -> a & b))
        .add("amoor.d",   "01000 .. ..... ..... 011 ..... 0101111", R, (h, d, pc) -> amo(h, d, pc, 8, (a, b) -> a | b))
        .add("amomin.d",  "10000 .. ..... ..... 011 ..... 0101111", R, (h, d, pc) -> amo(h, d, pc, 8, Math::min))
        .add("amomax.d",  "10100 .. ..... ..... 011 ..... 0101111", R, (h, d, pc) -> amo(h, d, pc, 8, Math::max))
        .add("amominu.d", "11000 .. ..... ..... 011 ..... 0101111", R, (h, d, pc) -> amo(h, d, pc, 8, (a, b) -> Long.compareUnsigned(a, b) <= 0 ? a : b))
        .add("amomaxu.d", "11100 .. ..... ..... 011 ..... 0101111", R, (h, d, pc) -> amo(h, d, pc, 8, (a, b) -> Long.compareUnsigned(a, b) >= 0 ? a : b));
}
