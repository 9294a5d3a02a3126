package org.jvirt.machine.devices;

/** Where the keys typed on the host console go: a UART's receive FIFO, a virtio console. */
@FunctionalInterface
public interface ConsoleInput {
    /** Offers {@code len} bytes; returns how many the device took (0 when it is full: try again later). */
    int receive(byte[] data, int off, int len);
}
