package org.jvirt.kvm;

/** This host cannot run KVM guests; the message says why and what to do about it. */
public final class KvmUnavailableException extends RuntimeException {
    public KvmUnavailableException(String message) {
        super(message, null, false, false);
    }
}
