package org.jvirt.kvm.boot;

import org.jvirt.machine.GuestMemory;
import org.jvirt.machine.loader.LoadException;

/** Where an initrd goes: as high as the kernel allows, page aligned, above the kernel's end. */
final class Initrd {
    private Initrd() { }

    static long place(GuestMemory ram, long size, long kernelEnd, long maxAddr, String kernel) throws LoadException {
        long top = maxAddr >= ram.end() - 1 ? ram.end() : maxAddr + 1; // maxAddr may be Long.MAX_VALUE: no overflow
        long at = (top - size) & ~0xfffL;
        if (size > top || at < kernelEnd)
            throw new LoadException(String.format("the initrd (%d MiB) does not fit in guest memory above %s (which ends at 0x%x): give --mem more",
                    (size + (1 << 20) - 1) >> 20, kernel, kernelEnd));
        return at;
    }
}
