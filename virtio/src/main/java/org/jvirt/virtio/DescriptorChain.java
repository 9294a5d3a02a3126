package org.jvirt.virtio;

import java.util.List;
import org.jvirt.machine.GuestMemory;

/**
 * One request from the guest: the buffers of a descriptor chain, each already checked to lie in
 * guest RAM. Readable buffers come first, then writable ones (virtio 1.2, section 2.7.4.2); devices
 * read and write through this object and never see a raw guest address.
 */
public final class DescriptorChain {
    /** A buffer of the chain: {@code len} bytes of guest RAM at {@code addr}. */
    public record Buffer(long addr, int len, boolean writable) { }

    private final GuestMemory ram;
    final int head;
    private final List<Buffer> readable, writable;

    DescriptorChain(GuestMemory ram, int head, List<Buffer> readable, List<Buffer> writable) {
        this.ram = ram;
        this.head = head;
        this.readable = readable;
        this.writable = writable;
    }

    public long readableLength() { return readable.stream().mapToLong(Buffer::len).sum(); }

    public long writableLength() { return writable.stream().mapToLong(Buffer::len).sum(); }

    /** Copies {@code len} bytes starting {@code offset} bytes into the readable buffers. */
    public byte[] read(long offset, int len) throws GuestError {
        if (offset < 0 || len < 0 || offset + len > readableLength()) throw new GuestError("request shorter than its header says");
        byte[] out = new byte[len];
        int done = 0;
        long skip = offset;
        for (Buffer b : readable) {
            if (done == len) break;
            if (skip >= b.len()) { skip -= b.len(); continue; }
            int n = (int) Math.min(b.len() - skip, len - done);
            ram.segment().asSlice(b.addr() - ram.base() + skip, n).asByteBuffer().get(out, done, n);
            done += n;
            skip = 0;
        }
        return out;
    }

    /** Copies {@code data} into the writable buffers from {@code offset} on; never beyond them. */
    public void write(long offset, byte[] data, int from, int len) throws GuestError {
        if (offset < 0 || len < 0 || offset + len > writableLength()) throw new GuestError("response larger than the guest's buffers");
        int done = 0;
        long skip = offset;
        for (Buffer b : writable) {
            if (done == len) break;
            if (skip >= b.len()) { skip -= b.len(); continue; }
            int n = (int) Math.min(b.len() - skip, len - done);
            ram.load(b.addr() + skip, data, from + done, n);
            done += n;
            skip = 0;
        }
    }

    List<Buffer> readableBuffers() { return readable; }

    List<Buffer> writableBuffers() { return writable; }
}
