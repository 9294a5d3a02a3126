package org.jvirt.virtio;

/** A device type behind a virtio transport: what it offers and how it serves its queues. */
public interface VirtioDevice {
    /** Device feature bit: virtio 1.x (required of modern devices), section 6. */
    long F_VERSION_1 = 1L << 32;
    long F_INDIRECT_DESC = 1L << 28;
    long F_EVENT_IDX = 1L << 29;

    /** The device ID of section 5 (2: block, 3: console, 4: entropy). */
    int deviceId();

    /** Features offered, including the transport-level ones the device supports. */
    long features();

    int queueCount();

    /** Reads the device-specific configuration space; out-of-range reads return zero. */
    long readConfig(int offset, int size);

    default void writeConfig(int offset, int size, long value) { }

    /** Serves the requests available on queue {@code index}; returns whether an interrupt is due. */
    boolean process(int index, Virtqueue queue) throws GuestError;

    /** The driver reset the device. */
    default void reset() { }
}
