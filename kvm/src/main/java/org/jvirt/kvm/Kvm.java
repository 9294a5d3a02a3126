package org.jvirt.kvm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The KVM subsystem, /dev/kvm: API version and capability checks, the CPUID the host supports, and
 * the factory for VMs. Opening it is where "can this host do hardware-assisted virtualization?" is
 * answered, so {@link #open} turns every failure into a {@link KvmUnavailableException} that says
 * what to do.
 */
public final class Kvm implements AutoCloseable {
    public static final String DEVICE = "/dev/kvm";
    /** The only stable KVM API version there has ever been. */
    public static final int API_VERSION = 12;
    // capabilities (KVM_CAP_*) this VMM relies on
    public static final int CAP_IRQCHIP = 0, CAP_USER_MEMORY = 3, CAP_SET_TSS_ADDR = 4, CAP_EXT_CPUID = 7,
            CAP_PIT2 = 33, CAP_IMMEDIATE_EXIT = 136;

    private final int fd;

    private Kvm(int fd) {
        this.fd = fd;
    }

    /** Opens /dev/kvm and checks the API version and the capabilities the VMM needs. */
    public static Kvm open() {
        return open(DEVICE);
    }

    /** {@link #open()} on another device node: tests use it to see the messages for a missing or forbidden one. */
    static Kvm open(String device) {
        int fd;
        try {
            fd = Native.open(device);
        } catch (NativeException e) {
            throw new KvmUnavailableException(switch (e.errno()) {
                case Native.ENOENT -> device + " does not exist: load the kvm module (modprobe kvm_intel or kvm_amd) and enable virtualization in the firmware, or run on a host that offers nested virtualization";
                case Native.EACCES, Native.EPERM -> device + " is not accessible to this user: join the kvm group (sudo usermod -aG kvm $USER, then log in again)";
                default -> "cannot open " + device + ": " + e.getMessage();
            });
        }
        Kvm kvm = new Kvm(fd);
        try {
            int version = Native.ioctl(fd, Ioctl.KVM_GET_API_VERSION, 0L);
            if (version != API_VERSION)
                throw new KvmUnavailableException(DEVICE + " speaks KVM API version " + version + ", this VMM needs " + API_VERSION);
            for (int cap : new int[] {CAP_IRQCHIP, CAP_USER_MEMORY, CAP_SET_TSS_ADDR, CAP_EXT_CPUID, CAP_PIT2, CAP_IMMEDIATE_EXIT})
                if (kvm.checkExtension(cap) <= 0)
                    throw new KvmUnavailableException("this host's KVM lacks capability " + cap + " (see KVM_CAP_* in linux/kvm.h), which the x86 machine needs");
            return kvm;
        } catch (RuntimeException e) {
            kvm.close();
            throw e;
        }
    }

    /** KVM_CHECK_EXTENSION: 0 when absent, otherwise 1 or a capability-specific value. */
    public int checkExtension(int cap) {
        return Native.ioctl(fd, Ioctl.KVM_CHECK_EXTENSION, (long) cap);
    }

    public int vcpuMmapSize() {
        return Native.ioctl(fd, Ioctl.KVM_GET_VCPU_MMAP_SIZE, 0L);
    }

    /** KVM_GET_SUPPORTED_CPUID, growing the buffer while the kernel says E2BIG. */
    public CpuidTable supportedCpuid() {
        for (int n = 64; n <= 4096; n *= 2) {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment buf = a.allocate(Structs.KVM_CPUID2.byteSize() + n * Structs.KVM_CPUID_ENTRY2.byteSize(), 8);
                buf.set(ValueLayout.JAVA_INT, 0, n);
                int rc = Native.ioctlRaw(fd, Ioctl.KVM_GET_SUPPORTED_CPUID.request, buf);
                if (rc == -Native.E2BIG) continue;
                if (rc < 0) throw new NativeException("KVM_GET_SUPPORTED_CPUID", -rc);
                return CpuidTable.read(buf);
            }
        }
        throw new IllegalStateException("KVM_GET_SUPPORTED_CPUID wants more than 4096 entries");
    }

    /** KVM_CREATE_VM. */
    public Vm createVm() {
        int vmfd = Native.ioctl(fd, Ioctl.KVM_CREATE_VM, 0L);
        return new Vm(this, vmfd);
    }

    @Override
    public void close() {
        Native.close(fd);
    }
}
