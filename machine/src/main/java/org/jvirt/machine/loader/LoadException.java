package org.jvirt.machine.loader;

/** A guest image that cannot be loaded; the message is one line meant for the user. */
public final class LoadException extends Exception {
    public LoadException(String message) {
        super(message);
    }
}
