package org.jvirt.riscv.board;

/** How a run of the machine ended. */
public sealed interface Outcome {
    /** The guest asked to stop with this status (HTIF exit, or a power-off later). */
    record Exited(int status) implements Outcome { }

    /** The run reached {@code --max-instructions}. */
    record InstructionLimit(long instructions) implements Outcome { }

    /** The guest asked for a reset (reboot). */
    record Reset() implements Outcome { }

    /** Under {@code --engine lockstep}: the translator and the interpreter disagreed, as the report says. */
    record Diverged(String report) implements Outcome { }

    /** The run reached the wall-clock {@code --timeout}. */
    record Timeout(long millis) implements Outcome { }
}
