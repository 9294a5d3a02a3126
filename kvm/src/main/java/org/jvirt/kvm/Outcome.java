package org.jvirt.kvm;

/** How a run of the x86 machine ended. */
public sealed interface Outcome {
    /** The guest chose its exit status (isa-debug-exit, or 0 for a power-off system event). */
    record Exited(int status) implements Outcome { }

    /** The guest reset the machine: an i8042 reset, a triple fault, or a reset system event. */
    record Reset(String how) implements Outcome { }

    /** --timeout expired. */
    record Timeout() implements Outcome { }

    /** Every vCPU halted with nothing left to wake it (only possible without the in-kernel irqchip). */
    record Halted() implements Outcome { }

    /** The VM cannot continue: KVM could not emulate, entry failed, an exit nobody handles. The report names the vCPU and its registers. */
    record Failed(String report) implements Outcome { }
}
