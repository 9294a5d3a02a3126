package org.jvirt.oci;

/** JVIRT_TRACE=1 prints milestones with milliseconds since the runtime's main started, for the benchmark. */
final class Trace {
    private Trace() {}

    private static final boolean ON = System.getenv("JVIRT_TRACE") != null;
    private static final long T0 = System.nanoTime();

    static void mark(String what) {
        if (ON) System.err.println("jvirt-trace " + (System.nanoTime() - T0) / 100_000 / 10.0 + " ms " + what);
    }
}
