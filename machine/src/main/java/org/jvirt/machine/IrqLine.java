package org.jvirt.machine;

/** A level-triggered interrupt line from a device to an interrupt controller. */
@FunctionalInterface
public interface IrqLine {
    void set(boolean level);
}
