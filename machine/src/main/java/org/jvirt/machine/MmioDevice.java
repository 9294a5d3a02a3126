package org.jvirt.machine;

/**
 * A device's register window on the bus. Offsets are relative to where the bus mapped it.
 *
 * <p>The guest is hostile: a device must accept any offset and size inside its window without throwing,
 * reading undefined registers as zero and ignoring writes to them, as real hardware does.
 */
public interface MmioDevice {
    /** A short name for statistics and error messages, e.g. "uart". */
    String name();

    /** Reads {@code size} (1, 2, 4 or 8) bytes at {@code offset}, zero-extended. */
    long read(long offset, int size);

    /** Writes the low {@code size} bytes of {@code value} at {@code offset}. */
    void write(long offset, int size, long value);
}
