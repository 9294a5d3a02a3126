package org.jvirt.kvm;

import static java.lang.foreign.MemoryLayout.paddingLayout;
import static java.lang.foreign.MemoryLayout.sequenceLayout;
import static java.lang.foreign.MemoryLayout.structLayout;
import static java.lang.foreign.MemoryLayout.unionLayout;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.util.Arrays;

/**
 * The KVM structures of {@code <linux/kvm.h>} (x86-64), each described once as a MemoryLayout.
 * Field names are the kernel's, so {@link #offset} reads like C's offsetof; KvmLayoutTest compiles
 * a C program against the installed kernel headers and checks every size and offset named here.
 */
public final class Structs {
    private Structs() { }

    private static MemoryLayout u8(String n) { return JAVA_BYTE.withName(n); }
    private static MemoryLayout u16(String n) { return JAVA_SHORT.withName(n); }
    private static MemoryLayout u32(String n) { return JAVA_INT.withName(n); }
    private static MemoryLayout u64(String n) { return JAVA_LONG.withName(n); }

    private static MemoryLayout[] u64s(String... names) {
        return Arrays.stream(names).map(Structs::u64).toArray(MemoryLayout[]::new);
    }

    /** struct kvm_regs: the general-purpose registers, rip and rflags. */
    public static final GroupLayout KVM_REGS = structLayout(u64s("rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rsp", "rbp",
            "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "rip", "rflags")).withName("kvm_regs");

    /** struct kvm_segment: a segment register with its hidden descriptor cache. */
    public static final GroupLayout KVM_SEGMENT = structLayout(u64("base"), u32("limit"), u16("selector"), u8("type"),
            u8("present"), u8("dpl"), u8("db"), u8("s"), u8("l"), u8("g"), u8("avl"), u8("unusable"), u8("padding"))
            .withName("kvm_segment");

    /** struct kvm_dtable: GDTR or IDTR. */
    public static final GroupLayout KVM_DTABLE = structLayout(u64("base"), u16("limit"), sequenceLayout(3, JAVA_SHORT).withName("padding"))
            .withName("kvm_dtable");

    /** struct kvm_sregs: segments, descriptor tables, control registers, EFER, APIC base. */
    public static final GroupLayout KVM_SREGS = structLayout(
            KVM_SEGMENT.withName("cs"), KVM_SEGMENT.withName("ds"), KVM_SEGMENT.withName("es"), KVM_SEGMENT.withName("fs"),
            KVM_SEGMENT.withName("gs"), KVM_SEGMENT.withName("ss"), KVM_SEGMENT.withName("tr"), KVM_SEGMENT.withName("ldt"),
            KVM_DTABLE.withName("gdt"), KVM_DTABLE.withName("idt"),
            u64("cr0"), u64("cr2"), u64("cr3"), u64("cr4"), u64("cr8"), u64("efer"), u64("apic_base"),
            sequenceLayout(4, JAVA_LONG).withName("interrupt_bitmap")).withName("kvm_sregs");

    /** struct kvm_userspace_memory_region: one memory slot. */
    public static final GroupLayout KVM_USERSPACE_MEMORY_REGION = structLayout(u32("slot"), u32("flags"),
            u64("guest_phys_addr"), u64("memory_size"), u64("userspace_addr")).withName("kvm_userspace_memory_region");

    /** struct kvm_cpuid_entry2: one CPUID leaf/subleaf. */
    public static final GroupLayout KVM_CPUID_ENTRY2 = structLayout(u32("function"), u32("index"), u32("flags"),
            u32("eax"), u32("ebx"), u32("ecx"), u32("edx"), sequenceLayout(3, JAVA_INT).withName("padding"))
            .withName("kvm_cpuid_entry2");

    /** struct kvm_cpuid2's header; the entries follow it. */
    public static final GroupLayout KVM_CPUID2 = structLayout(u32("nent"), u32("padding")).withName("kvm_cpuid2");

    /** struct kvm_msr_entry. */
    public static final GroupLayout KVM_MSR_ENTRY = structLayout(u32("index"), u32("reserved"), u64("data")).withName("kvm_msr_entry");

    /** struct kvm_msrs's header; the entries follow it. */
    public static final GroupLayout KVM_MSRS = structLayout(u32("nmsrs"), u32("pad")).withName("kvm_msrs");

    /** struct kvm_irq_level: a GSI and the level to drive it to. */
    public static final GroupLayout KVM_IRQ_LEVEL = structLayout(u32("irq"), u32("level")).withName("kvm_irq_level");

    /** struct kvm_pit_config. */
    public static final GroupLayout KVM_PIT_CONFIG = structLayout(u32("flags"), sequenceLayout(15, JAVA_INT).withName("pad"))
            .withName("kvm_pit_config");

    /** struct kvm_irqfd: an eventfd whose signal injects a GSI edge. */
    public static final GroupLayout KVM_IRQFD = structLayout(u32("fd"), u32("gsi"), u32("flags"), u32("resamplefd"),
            sequenceLayout(16, JAVA_BYTE).withName("pad")).withName("kvm_irqfd");

    /** struct kvm_mp_state. */
    public static final GroupLayout KVM_MP_STATE = structLayout(u32("mp_state")).withName("kvm_mp_state");

    /** The io member of kvm_run's exit union. */
    public static final GroupLayout RUN_IO = structLayout(u8("direction"), u8("size"), u16("port"), u32("count"), u64("data_offset"))
            .withName("io");
    /** The mmio member. */
    public static final GroupLayout RUN_MMIO = structLayout(u64("phys_addr"), sequenceLayout(8, JAVA_BYTE).withName("data"),
            u32("len"), u8("is_write"), paddingLayout(3)).withName("mmio");
    /** The system_event member (type, ndata, data[16]). */
    public static final GroupLayout RUN_SYSTEM_EVENT = structLayout(u32("type"), u32("ndata"),
            sequenceLayout(16, JAVA_LONG).withName("data")).withName("system_event");
    /** The internal member (KVM_EXIT_INTERNAL_ERROR). */
    public static final GroupLayout RUN_INTERNAL = structLayout(u32("suberror"), u32("ndata"),
            sequenceLayout(16, JAVA_LONG).withName("data")).withName("internal");
    /** The fail_entry member (KVM_EXIT_FAIL_ENTRY). */
    public static final GroupLayout RUN_FAIL_ENTRY = structLayout(u64("hardware_entry_failure_reason"), u32("cpu"), paddingLayout(4))
            .withName("fail_entry");

    /**
     * struct kvm_run, the page shared with the kernel: the fixed header, the 256-byte exit union (the
     * members this VMM reads), and the register-sync fields. The kernel's mapping is larger
     * (KVM_GET_VCPU_MMAP_SIZE); the rest is the PIO data area and the coalesced-MMIO ring.
     */
    public static final GroupLayout KVM_RUN = structLayout(
            u8("request_interrupt_window"), u8("immediate_exit"), sequenceLayout(6, JAVA_BYTE).withName("padding1"),
            u32("exit_reason"), u8("ready_for_interrupt_injection"), u8("if_flag"), u16("flags"),
            u64("cr8"), u64("apic_base"),
            unionLayout(RUN_IO, RUN_MMIO, RUN_SYSTEM_EVENT, RUN_INTERNAL, RUN_FAIL_ENTRY, sequenceLayout(256, JAVA_BYTE).withName("padding"))
                    .withName("exit"),
            u64("kvm_valid_regs"), u64("kvm_dirty_regs"),
            sequenceLayout(2048, JAVA_BYTE).withName("s")).withName("kvm_run");

    /** offsetof(layout, a.b.c) for a dotted path of field names. */
    public static long offset(GroupLayout layout, String path) {
        PathElement[] elems = Arrays.stream(path.split("\\.")).map(PathElement::groupElement).toArray(PathElement[]::new);
        return layout.byteOffset(elems);
    }
}
