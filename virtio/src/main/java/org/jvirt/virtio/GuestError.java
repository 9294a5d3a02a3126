package org.jvirt.virtio;

/** The guest broke the virtio contract (a wild address, a looping chain...): the device needs a reset. */
public final class GuestError extends Exception {
    public GuestError(String message) {
        super(message, null, false, false);
    }
}
