package org.jvirt.kvm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One virtual CPU: its fd, its kvm_run page (mapped once; exits are read from it without copies),
 * and typed access to its registers. {@link #run} is called only from the vCPU's own thread;
 * {@link #kick} from any thread makes a running KVM_RUN return.
 */
public final class Vcpu implements AutoCloseable {
    // exit reasons (KVM_EXIT_*)
    public static final int EXIT_UNKNOWN = 0, EXIT_EXCEPTION = 1, EXIT_IO = 2, EXIT_HYPERCALL = 3, EXIT_DEBUG = 4, EXIT_HLT = 5,
            EXIT_MMIO = 6, EXIT_IRQ_WINDOW_OPEN = 7, EXIT_SHUTDOWN = 8, EXIT_FAIL_ENTRY = 9, EXIT_INTR = 10,
            EXIT_INTERNAL_ERROR = 17, EXIT_SYSTEM_EVENT = 24;
    /** What run() returns when a kick interrupted KVM_RUN (EINTR) rather than a guest exit. */
    public static final int KICKED = -1;

    static final long EXIT_REASON = Structs.offset(Structs.KVM_RUN, "exit_reason");
    private static final long IMMEDIATE_EXIT = Structs.offset(Structs.KVM_RUN, "immediate_exit");

    private final int id;
    private final int fd;
    private final MemorySegment run;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment regs = arena.allocate(Structs.KVM_REGS);
    private final MemorySegment sregs = arena.allocate(Structs.KVM_SREGS);
    private long thread; // pthread_t of the thread in run(), 0 when none; guarded by this

    Vcpu(int id, int fd, int mmapSize) {
        this.id = id;
        this.fd = fd;
        this.run = Native.mmap(mmapSize, Native.PROT_READ | Native.PROT_WRITE, Native.MAP_SHARED, fd, 0, "kvm_run of vCPU " + id);
    }

    public int id() { return id; }

    int fd() { return fd; }

    /** The shared kvm_run page. */
    public MemorySegment runPage() { return run; }

    public int exitReason() { return run.get(ValueLayout.JAVA_INT, EXIT_REASON); }

    /** Marks this thread as the vCPU's, so {@link #kick} can reach it. */
    public synchronized void bindToCurrentThread() {
        Native.installKickHandler();
        thread = Native.pthreadSelf();
    }

    /** Called by the vCPU's thread before it ends: a pthread_t of an exited thread must not be signalled. */
    public synchronized void unbindFromCurrentThread() {
        thread = 0;
    }

    /**
     * KVM_RUN until the next exit. Returns the exit reason, or {@link #KICKED} when a signal or
     * immediate_exit made it return early (EINTR), or when the kernel asked to be retried (EAGAIN);
     * a kick is consumed by the return that reports it, so the next run() enters the guest.
     */
    public int run() {
        int rc = Native.ioctlRaw(fd, Ioctl.KVM_RUN.request, MemorySegment.NULL);
        if (rc == -Native.EINTR || rc == -Native.EAGAIN) {
            run.set(ValueLayout.JAVA_BYTE, IMMEDIATE_EXIT, (byte) 0);
            return KICKED;
        }
        if (rc < 0) throw new NativeException("KVM_RUN on vCPU " + id, -rc);
        return exitReason();
    }

    /**
     * Makes run() return soon: immediate_exit covers a vCPU about to enter, the signal one already in
     * the guest. Safe from any thread and idempotent.
     */
    public synchronized void kick() {
        run.set(ValueLayout.JAVA_BYTE, IMMEDIATE_EXIT, (byte) 1);
        if (thread != 0) Native.kick(thread);
    }

    public Regs regs() {
        Native.ioctl(fd, Ioctl.KVM_GET_REGS, regs);
        return Regs.read(regs);
    }

    public void setRegs(Regs r) {
        r.write(regs);
        Native.ioctl(fd, Ioctl.KVM_SET_REGS, regs);
    }

    /** KVM_GET_SREGS into the returned segment, which callers edit and hand back to {@link #setSregs}. */
    public MemorySegment sregs() {
        Native.ioctl(fd, Ioctl.KVM_GET_SREGS, sregs);
        return sregs;
    }

    public void setSregs(MemorySegment s) {
        Native.ioctl(fd, Ioctl.KVM_SET_SREGS, s);
    }

    public void setCpuid(CpuidTable table) {
        try (Arena a = Arena.ofConfined()) {
            Native.ioctl(fd, Ioctl.KVM_SET_CPUID2, table.write(a));
        }
    }

    /** KVM_SET_MSRS with {index, value} pairs; fails unless the kernel took every one. */
    public void setMsrs(long[][] msrs) {
        try (Arena a = Arena.ofConfined()) {
            long entry = Structs.KVM_MSR_ENTRY.byteSize(), header = Structs.KVM_MSRS.byteSize();
            MemorySegment buf = a.allocate(header + msrs.length * entry, 8);
            buf.set(ValueLayout.JAVA_INT, 0, msrs.length);
            for (int i = 0; i < msrs.length; i++) {
                buf.set(ValueLayout.JAVA_INT, header + i * entry, (int) msrs[i][0]);
                buf.set(ValueLayout.JAVA_LONG, header + i * entry + 8, msrs[i][1]);
            }
            int n = Native.ioctl(fd, Ioctl.KVM_SET_MSRS, buf);
            if (n != msrs.length)
                throw new IllegalStateException("KVM_SET_MSRS took " + n + " of " + msrs.length + " MSRs (MSR 0x" + Long.toHexString(msrs[n][0]) + " refused)");
        }
    }

    @Override
    public void close() {
        Native.munmap(run);
        Native.close(fd);
        arena.close();
    }
}
