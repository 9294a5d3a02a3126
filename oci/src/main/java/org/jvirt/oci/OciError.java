package org.jvirt.oci;

/** A problem with the input or the host that the user can act on: reported as one line, no stack trace. */
public final class OciError extends RuntimeException {
    public OciError(String message) {
        super(message, null, false, false);
    }
}
