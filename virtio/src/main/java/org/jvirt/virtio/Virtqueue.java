package org.jvirt.virtio;

import java.util.ArrayList;
import java.util.List;
import org.jvirt.machine.GuestMemory;

/**
 * A split virtqueue (virtio 1.2, section 2.7), read defensively: every index is bounded by the queue
 * size, every address checked against guest RAM, every chain walk bounded, so a hostile driver can
 * make the device give up (a {@link GuestError}) but never loop, throw or write out of bounds.
 */
public final class Virtqueue {
    public static final int MAX_SIZE = 256;
    static final int DESC_NEXT = 1, DESC_WRITE = 2, DESC_INDIRECT = 4;
    private static final int AVAIL_NO_INTERRUPT = 1;
    /** The largest request the devices accept, in bytes: a bound on what a chain may describe. */
    private static final long MAX_CHAIN_BYTES = 64L << 20;

    private final GuestMemory ram;
    int size = MAX_SIZE;
    boolean ready;
    long desc, avail, used;
    boolean eventIdx;
    private int lastAvail;

    Virtqueue(GuestMemory ram) {
        this.ram = ram;
    }

    void reset() {
        size = MAX_SIZE;
        ready = false;
        desc = avail = used = 0;
        lastAvail = 0;
    }

    /** Checks the rings the driver configured, when it sets QueueReady. */
    void validate() throws GuestError {
        if (size < 1 || size > MAX_SIZE || (size & (size - 1)) != 0) throw new GuestError("queue size " + size + " is not a power of two up to " + MAX_SIZE);
        if ((desc & 15) != 0 || (avail & 1) != 0 || (used & 3) != 0) throw new GuestError("misaligned ring");
        if (!ram.contains(desc, 16L * size) || !ram.contains(avail, 6 + 2L * size) || !ram.contains(used, 6 + 8L * size))
            throw new GuestError("ring outside guest memory");
    }

    /** The next request the driver made available, or null when there is none. */
    public DescriptorChain next() throws GuestError {
        if (!ready) return null;
        int availIdx = ram.readShort(avail + 2) & 0xffff;
        if (availIdx == lastAvail) return null;
        if (((availIdx - lastAvail) & 0xffff) > size) throw new GuestError("available index ran ahead of the queue");
        int head = ram.readShort(avail + 4 + 2L * (lastAvail % size)) & 0xffff;
        lastAvail = (lastAvail + 1) & 0xffff;
        if (eventIdx) ram.writeShort(used + 4 + 8L * size, (short) lastAvail); // avail_event
        return walk(head);
    }

    private DescriptorChain walk(int head) throws GuestError {
        List<DescriptorChain.Buffer> readable = new ArrayList<>(), writable = new ArrayList<>();
        long table = desc;
        int tableSize = size, index = head, seen = 0;
        boolean indirect = false;
        long bytes = 0;
        while (true) {
            if (index >= tableSize) throw new GuestError("descriptor index " + index + " out of range");
            if (++seen > tableSize) throw new GuestError("descriptor chain loops");
            long d = table + 16L * index;
            long addr = ram.readLong(d);
            int len = ram.readInt(d + 8);
            int flags = ram.readShort(d + 12) & 0xffff;
            int next = ram.readShort(d + 14) & 0xffff;
            if ((flags & DESC_INDIRECT) != 0) {
                if (indirect || (flags & DESC_NEXT) != 0 || !readable.isEmpty() || !writable.isEmpty())
                    throw new GuestError("misplaced indirect descriptor");
                if (len <= 0 || len % 16 != 0 || !ram.contains(addr, len)) throw new GuestError("bad indirect table");
                indirect = true;
                table = addr;
                tableSize = len / 16;
                index = 0;
                seen = 0;
                continue;
            }
            long ulen = len & 0xffff_ffffL;
            bytes += ulen;
            if (!ram.contains(addr, ulen) || bytes > MAX_CHAIN_BYTES) throw new GuestError("buffer outside guest memory");
            boolean w = (flags & DESC_WRITE) != 0;
            if (!w && !writable.isEmpty()) throw new GuestError("readable buffer after a writable one");
            (w ? writable : readable).add(new DescriptorChain.Buffer(addr, (int) ulen, w));
            if ((flags & DESC_NEXT) == 0) break;
            index = next;
        }
        return new DescriptorChain(ram, head, List.copyOf(readable), List.copyOf(writable));
    }

    /** Returns a finished request to the driver, with {@code written} bytes written; true if it wants an interrupt. */
    public boolean complete(DescriptorChain chain, int written) {
        int idx = ram.readShort(used + 2) & 0xffff;
        long e = used + 4 + 8L * (idx % size);
        ram.writeInt(e, chain.head);
        ram.writeInt(e + 4, written);
        int next = (idx + 1) & 0xffff;
        ram.writeShort(used + 2, (short) next);
        if (eventIdx) { // section 2.7.10: interrupt when used_event lies in (old, new]
            int usedEvent = ram.readShort(avail + 4 + 2L * size) & 0xffff;
            return ((next - usedEvent - 1) & 0xffff) < ((next - idx) & 0xffff);
        }
        return (ram.readShort(avail) & AVAIL_NO_INTERRUPT) == 0;
    }
}
