package org.jvirt.kvm;

import java.lang.foreign.MemoryLayout;

/**
 * The KVM ioctl requests this VMM issues, encoded as {@code <asm-generic/ioctl.h>} does: direction,
 * the argument's size (taken from the layout in {@link Structs}, so the two cannot disagree), the
 * type 0xAE and the number. KvmLayoutTest checks each value against the kernel headers.
 */
public enum Ioctl {
    KVM_GET_API_VERSION(0, 0x00, 0),
    KVM_CREATE_VM(0, 0x01, 0),
    KVM_CHECK_EXTENSION(0, 0x03, 0),
    KVM_GET_VCPU_MMAP_SIZE(0, 0x04, 0),
    KVM_GET_SUPPORTED_CPUID(3, 0x05, Structs.KVM_CPUID2),
    KVM_CREATE_VCPU(0, 0x41, 0),
    KVM_SET_USER_MEMORY_REGION(1, 0x46, Structs.KVM_USERSPACE_MEMORY_REGION),
    KVM_SET_TSS_ADDR(0, 0x47, 0),
    KVM_SET_IDENTITY_MAP_ADDR(1, 0x48, 8),
    KVM_CREATE_IRQCHIP(0, 0x60, 0),
    KVM_IRQ_LINE(1, 0x61, Structs.KVM_IRQ_LEVEL),
    KVM_CREATE_PIT2(1, 0x77, Structs.KVM_PIT_CONFIG),
    KVM_RUN(0, 0x80, 0),
    KVM_GET_REGS(2, 0x81, Structs.KVM_REGS),
    KVM_SET_REGS(1, 0x82, Structs.KVM_REGS),
    KVM_GET_SREGS(2, 0x83, Structs.KVM_SREGS),
    KVM_SET_SREGS(1, 0x84, Structs.KVM_SREGS),
    KVM_SET_MSRS(1, 0x89, Structs.KVM_MSRS),
    KVM_SET_CPUID2(1, 0x90, Structs.KVM_CPUID2),
    KVM_GET_STATS_FD(0, 0xce, 0);

    private static final int KVMIO = 0xAE;
    /** The request number passed to ioctl(2). */
    public final long request;

    Ioctl(int dir, int nr, long size) {
        this.request = ((long) dir << 30) | (size << 16) | (KVMIO << 8) | nr;
    }

    Ioctl(int dir, int nr, MemoryLayout arg) {
        this(dir, nr, arg.byteSize());
    }
}
