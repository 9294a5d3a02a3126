package org.jvirt.kvm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/** A CPUID table as KVM_GET_SUPPORTED_CPUID returns it and KVM_SET_CPUID2 takes it. */
public record CpuidTable(List<Entry> entries) {
    /** One kvm_cpuid_entry2. */
    public record Entry(int function, int index, int flags, int eax, int ebx, int ecx, int edx) {
        Entry withEbx(int v) { return new Entry(function, index, flags, eax, v, ecx, edx); }
        Entry withEcx(int v) { return new Entry(function, index, flags, eax, ebx, v, edx); }
        Entry withEdx(int v) { return new Entry(function, index, flags, eax, ebx, ecx, v); }
    }

    private static final long ENTRY = Structs.KVM_CPUID_ENTRY2.byteSize(), HEADER = Structs.KVM_CPUID2.byteSize();
    private static final long FUNCTION = Structs.offset(Structs.KVM_CPUID_ENTRY2, "function"),
            INDEX = Structs.offset(Structs.KVM_CPUID_ENTRY2, "index"), FLAGS = Structs.offset(Structs.KVM_CPUID_ENTRY2, "flags"),
            EAX = Structs.offset(Structs.KVM_CPUID_ENTRY2, "eax"), EBX = Structs.offset(Structs.KVM_CPUID_ENTRY2, "ebx"),
            ECX = Structs.offset(Structs.KVM_CPUID_ENTRY2, "ecx"), EDX = Structs.offset(Structs.KVM_CPUID_ENTRY2, "edx");

    static CpuidTable read(MemorySegment buf) {
        int n = buf.get(ValueLayout.JAVA_INT, 0);
        List<Entry> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            MemorySegment e = buf.asSlice(HEADER + i * ENTRY, ENTRY);
            list.add(new Entry(e.get(ValueLayout.JAVA_INT, FUNCTION), e.get(ValueLayout.JAVA_INT, INDEX), e.get(ValueLayout.JAVA_INT, FLAGS),
                    e.get(ValueLayout.JAVA_INT, EAX), e.get(ValueLayout.JAVA_INT, EBX), e.get(ValueLayout.JAVA_INT, ECX), e.get(ValueLayout.JAVA_INT, EDX)));
        }
        return new CpuidTable(List.copyOf(list));
    }

    MemorySegment write(Arena a) {
        MemorySegment buf = a.allocate(HEADER + entries.size() * ENTRY, 8);
        buf.set(ValueLayout.JAVA_INT, 0, entries.size());
        for (int i = 0; i < entries.size(); i++) {
            Entry x = entries.get(i);
            MemorySegment e = buf.asSlice(HEADER + i * ENTRY, ENTRY);
            e.set(ValueLayout.JAVA_INT, FUNCTION, x.function());
            e.set(ValueLayout.JAVA_INT, INDEX, x.index());
            e.set(ValueLayout.JAVA_INT, FLAGS, x.flags());
            e.set(ValueLayout.JAVA_INT, EAX, x.eax());
            e.set(ValueLayout.JAVA_INT, EBX, x.ebx());
            e.set(ValueLayout.JAVA_INT, ECX, x.ecx());
            e.set(ValueLayout.JAVA_INT, EDX, x.edx());
        }
        return buf;
    }

    /**
     * The table one vCPU sees: its APIC id in leaf 1 (EBX[31:24]) and in the x2APIC topology leaves
     * 0xB and 0x1F (EDX), the logical-processor count in leaf 1, and the hypervisor-present bit so
     * guests know they run virtualized.
     */
    public CpuidTable forVcpu(int apicId, int cpus) {
        List<Entry> out = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            Entry x = e;
            if (e.function() == 1) {
                int ebx = (e.ebx() & 0x0000_ffff) | (apicId << 24) | (Math.min(cpus, 255) << 16);
                x = e.withEbx(ebx).withEcx(e.ecx() | (1 << 31)).withEdx(e.edx() | (1 << 28)); // HTT: the count is valid
            } else if (e.function() == 0xb || e.function() == 0x1f) {
                x = e.withEdx(apicId);
            }
            out.add(x);
        }
        return new CpuidTable(List.copyOf(out));
    }

    /** The entry for {@code function}/{@code index}, if the table has one. */
    public java.util.Optional<Entry> find(int function, int index) {
        return entries.stream().filter(e -> e.function() == function && e.index() == index).findFirst();
    }
}
