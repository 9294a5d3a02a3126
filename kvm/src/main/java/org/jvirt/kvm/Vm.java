package org.jvirt.kvm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * One KVM virtual machine (the fd KVM_CREATE_VM returns): memory slots, the TSS and identity-map
 * pages Intel's VMX needs below 4 GiB, the in-kernel interrupt controllers (PIC, IOAPIC, local APICs)
 * and PIT, interrupt lines, and vCPUs. ioctls on a VM fd are thread-safe in the kernel, so devices
 * on any thread may raise interrupts.
 */
public final class Vm implements AutoCloseable {
    private final Kvm kvm;
    private final int fd;
    private final List<Vcpu> vcpus = new ArrayList<>();
    private int nextSlot;

    Vm(Kvm kvm, int fd) {
        this.kvm = kvm;
        this.fd = fd;
    }

    public Kvm kvm() { return kvm; }

    /** KVM_SET_USER_MEMORY_REGION: guest-physical {@code [gpa, gpa+size)} is backed by {@code host}. */
    public void addMemory(long gpa, MemorySegment host) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment r = a.allocate(Structs.KVM_USERSPACE_MEMORY_REGION);
            r.set(ValueLayout.JAVA_INT, Structs.offset(Structs.KVM_USERSPACE_MEMORY_REGION, "slot"), nextSlot++);
            r.set(ValueLayout.JAVA_INT, Structs.offset(Structs.KVM_USERSPACE_MEMORY_REGION, "flags"), 0);
            r.set(ValueLayout.JAVA_LONG, Structs.offset(Structs.KVM_USERSPACE_MEMORY_REGION, "guest_phys_addr"), gpa);
            r.set(ValueLayout.JAVA_LONG, Structs.offset(Structs.KVM_USERSPACE_MEMORY_REGION, "memory_size"), host.byteSize());
            r.set(ValueLayout.JAVA_LONG, Structs.offset(Structs.KVM_USERSPACE_MEMORY_REGION, "userspace_addr"), host.address());
            Native.ioctl(fd, Ioctl.KVM_SET_USER_MEMORY_REGION, r);
        }
    }

    /** KVM_SET_TSS_ADDR: three pages of guest-physical space, outside RAM, for VMX's real-mode emulation. */
    public void setTssAddress(long gpa) {
        Native.ioctl(fd, Ioctl.KVM_SET_TSS_ADDR, gpa);
    }

    /** KVM_SET_IDENTITY_MAP_ADDR: one page, outside RAM, for VMX's unpaged-mode identity table. */
    public void setIdentityMapAddress(long gpa) {
        try (Arena a = Arena.ofConfined()) {
            Native.ioctl(fd, Ioctl.KVM_SET_IDENTITY_MAP_ADDR, a.allocateFrom(ValueLayout.JAVA_LONG, gpa));
        }
    }

    /** KVM_CREATE_IRQCHIP: the in-kernel 8259 pair, IOAPIC and local APICs, with GSIs 0-23 routed to them. */
    public void createIrqchip() {
        Native.ioctl(fd, Ioctl.KVM_CREATE_IRQCHIP, 0L);
    }

    /** KVM_CREATE_PIT2: the in-kernel 8254 at ports 0x40-0x43 (and the speaker port 0x61), on GSI 0. */
    public void createPit() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cfg = a.allocate(Structs.KVM_PIT_CONFIG); // flags 0: no speaker dummy, KVM emulates the port
            Native.ioctl(fd, Ioctl.KVM_CREATE_PIT2, cfg);
        }
    }

    /** KVM_IRQ_LINE: drives GSI {@code gsi} to {@code level} through the irqchip's routing. */
    public void irqLine(int gsi, boolean level) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment l = a.allocate(Structs.KVM_IRQ_LEVEL);
            l.set(ValueLayout.JAVA_INT, 0, gsi);
            l.set(ValueLayout.JAVA_INT, 4, level ? 1 : 0);
            Native.ioctl(fd, Ioctl.KVM_IRQ_LINE, l);
        }
    }

    /** KVM_CREATE_VCPU with {@code id} (the vCPU's initial APIC id); id 0 is the bootstrap processor. */
    public Vcpu createVcpu(int id) {
        int vfd = Native.ioctl(fd, Ioctl.KVM_CREATE_VCPU, (long) id);
        Vcpu v = new Vcpu(id, vfd, kvm.vcpuMmapSize());
        vcpus.add(v);
        return v;
    }

    @Override
    public void close() {
        for (Vcpu v : vcpus) v.close();
        Native.close(fd);
    }
}
