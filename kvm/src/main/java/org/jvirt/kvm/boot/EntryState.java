package org.jvirt.kvm.boot;

/** How the bootstrap vCPU starts: the mode, where, and what the boot protocol passes in registers. */
public sealed interface EntryState {
    /** PVH: 32-bit protected mode, paging off, flat segments (CS 0x08, data 0x18), EBX = start_info. */
    record Protected32(long rip, long rbx) implements EntryState { }

    /** Linux's 64-bit boot protocol: long mode on identity page tables at {@code cr3}, CS 0x10, DS 0x18, RSI = boot_params. */
    record Long64(long rip, long rsi, long cr3) implements EntryState { }
}
