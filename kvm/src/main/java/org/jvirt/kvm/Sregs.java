package org.jvirt.kvm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Edits a struct kvm_sregs in place: segment descriptors and the 64-bit fields (cr0, cr3, efer...). */
public final class Sregs {
    private Sregs() { }

    /** A segment's descriptor cache, in kvm_segment's terms. */
    public record Segment(long base, int limit, int selector, int type, boolean present, int dpl, boolean db,
                          boolean s, boolean l, boolean g) {
        /** A flat 4 GiB code segment: 64-bit when {@code long64}, else 32-bit. */
        public static Segment code(int selector, boolean long64) {
            return new Segment(0, 0xffff_ffff, selector, 0xb, true, 0, !long64, true, long64, true);
        }

        /** A flat 4 GiB read/write data segment. */
        public static Segment data(int selector) {
            return new Segment(0, 0xffff_ffff, selector, 0x3, true, 0, true, true, false, true);
        }
    }

    public static void setSegment(MemorySegment sregs, String name, Segment v) {
        long o = Structs.offset(Structs.KVM_SREGS, name);
        sregs.set(ValueLayout.JAVA_LONG, o + Structs.offset(Structs.KVM_SEGMENT, "base"), v.base());
        sregs.set(ValueLayout.JAVA_INT, o + Structs.offset(Structs.KVM_SEGMENT, "limit"), v.limit());
        sregs.set(ValueLayout.JAVA_SHORT, o + Structs.offset(Structs.KVM_SEGMENT, "selector"), (short) v.selector());
        sregs.set(ValueLayout.JAVA_BYTE, o + Structs.offset(Structs.KVM_SEGMENT, "type"), (byte) v.type());
        sregs.set(ValueLayout.JAVA_BYTE, o + Structs.offset(Structs.KVM_SEGMENT, "present"), (byte) (v.present() ? 1 : 0));
        sregs.set(ValueLayout.JAVA_BYTE, o + Structs.offset(Structs.KVM_SEGMENT, "dpl"), (byte) v.dpl());
        sregs.set(ValueLayout.JAVA_BYTE, o + Structs.offset(Structs.KVM_SEGMENT, "db"), (byte) (v.db() ? 1 : 0));
        sregs.set(ValueLayout.JAVA_BYTE, o + Structs.offset(Structs.KVM_SEGMENT, "s"), (byte) (v.s() ? 1 : 0));
        sregs.set(ValueLayout.JAVA_BYTE, o + Structs.offset(Structs.KVM_SEGMENT, "l"), (byte) (v.l() ? 1 : 0));
        sregs.set(ValueLayout.JAVA_BYTE, o + Structs.offset(Structs.KVM_SEGMENT, "g"), (byte) (v.g() ? 1 : 0));
        sregs.set(ValueLayout.JAVA_BYTE, o + Structs.offset(Structs.KVM_SEGMENT, "unusable"), (byte) 0);
    }

    public static void setLong(MemorySegment sregs, String field, long v) {
        sregs.set(ValueLayout.JAVA_LONG, Structs.offset(Structs.KVM_SREGS, field), v);
    }

    public static long getLong(MemorySegment sregs, String field) {
        return sregs.get(ValueLayout.JAVA_LONG, Structs.offset(Structs.KVM_SREGS, field));
    }

    /** GDTR or IDTR. */
    public static void setTable(MemorySegment sregs, String name, long base, int limit) {
        long o = Structs.offset(Structs.KVM_SREGS, name);
        sregs.set(ValueLayout.JAVA_LONG, o, base);
        sregs.set(ValueLayout.JAVA_SHORT, o + 8, (short) limit);
    }

    /** The control registers and EFER on one line, for error reports. */
    public static String describe(MemorySegment sregs) {
        return String.format("cr0 %016x  cr2 %016x  cr3 %016x  cr4 %016x  efer %016x  cs.sel %04x",
                getLong(sregs, "cr0"), getLong(sregs, "cr2"), getLong(sregs, "cr3"), getLong(sregs, "cr4"), getLong(sregs, "efer"),
                sregs.get(ValueLayout.JAVA_SHORT, Structs.offset(Structs.KVM_SREGS, "cs.selector")));
    }
}
