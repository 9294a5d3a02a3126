package org.jvirt.kvm;

/**
 * A system call failed. The message names the call (for ioctls, the request, e.g. KVM_RUN) and the
 * errno with its meaning, so a report from a user points straight at the failing step.
 */
public class NativeException extends RuntimeException {
    private final int errno;

    public NativeException(String call, int errno) {
        super(call + " failed: " + Native.errnoName(errno) + " (" + Native.strerror(errno) + ")");
        this.errno = errno;
    }

    public int errno() { return errno; }
}
