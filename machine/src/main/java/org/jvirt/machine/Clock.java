package org.jvirt.machine;

/**
 * The machine's notion of time: a counter running at a fixed frequency, the guest's timebase.
 *
 * <p>The emulator may derive it from the host clock or from retired instructions (for deterministic
 * runs); devices only see ticks and the frequency.
 */
public interface Clock {
    /** Ticks per second. */
    long frequency();

    /** The current count. */
    long ticks();

    /** A clock that follows the host's monotonic time at {@code frequency} Hz, starting at zero. */
    static Clock host(long frequency) {
        long start = System.nanoTime();
        return new Clock() {
            public long frequency() { return frequency; }
            public long ticks() {
                long ns = System.nanoTime() - start;
                // Split so that ns * frequency cannot overflow however long the machine runs.
                return ns / 1_000_000_000L * frequency + ns % 1_000_000_000L * frequency / 1_000_000_000L;
            }
        };
    }
}
