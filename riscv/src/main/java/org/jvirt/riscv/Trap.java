package org.jvirt.riscv;

/**
 * Unwinds the interpreter from the middle of an instruction to the trap entry.
 *
 * <p>One stackless, preallocated instance: the cause and value travel in the hart's fields, so raising
 * a guest trap allocates nothing and records no Java stack, which makes it cheap enough for page faults.
 */
final class Trap extends RuntimeException {
    static final Trap INSTANCE = new Trap();

    private Trap() {
        super(null, null, false, false);
    }
}
