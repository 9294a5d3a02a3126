package org.jvirt.virtio;

import static org.jvirt.virtio.BlockDevice.S_IOERR;
import static org.jvirt.virtio.BlockDevice.S_OK;
import static org.jvirt.virtio.BlockDevice.S_UNSUPP;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * VIRTIO_BLK_T_DISCARD and VIRTIO_BLK_T_WRITE_ZEROES (virtio 1.2, section 5.2.6) on a read-write
 * image. Discard punches a hole in the host file, so the blocks go back to the host; it is offered
 * only where the host file system can do that, because a discard that frees nothing would only cost
 * the guest requests. Write-zeroes is always offered: a hole where the guest allows unmapping, else a
 * zeroed range kept allocated, else plain writes of zeros, so that the sectors read back as zeros.
 *
 * <p>Every segment of a request is checked before any is carried out, so a request refused for a bad
 * segment has changed nothing (the spec would allow a part done, section 5.2.6.1, but a guest that
 * sent a bad segment is better off with its disk as it was). Only a host I/O error can stop a
 * request part way.
 */
final class DiscardWriteZeroes {
    static final int SEGMENT_BYTES = 16, FLAG_UNMAP = 1;
    /** Holes are cheap whatever their size, so discards may be large; 2 GiB keeps sector counts in an int. */
    static final int MAX_DISCARD_SECTORS = 1 << 22, MAX_DISCARD_SEG = 32;
    /** Zeros may have to be written out, so a request is bounded as a write is (64 MiB, see BlockDevice). */
    static final int MAX_WRITE_ZEROES_SECTORS = 1 << 17, MAX_WRITE_ZEROES_SEG = 1;
    private static final int SECTOR = 512, ZEROS = 1 << 20;

    /** One range of a request, as the guest sent it. */
    record Segment(long sector, long sectors, int flags) {
        boolean unmap() { return (flags & FLAG_UNMAP) != 0; }
    }

    private final FileChannel file;
    private final Fallocate host;
    private final long capacity;
    private boolean zeroRangeWorks = true;
    private ByteBuffer zeros;

    /** {@code host} may be null: then nothing is deallocated and zeros are written. */
    DiscardWriteZeroes(FileChannel file, Fallocate host, long capacity) {
        this.file = file;
        this.host = host;
        this.capacity = capacity;
    }

    boolean discardOffered() { return host != null && host.punchesHoles(); }

    /** write_zeroes_may_unmap: set exactly when a write-zeroes with unmap can free blocks. */
    boolean writeZeroesMayUnmap() { return discardOffered(); }

    int discard(DescriptorChain c) throws GuestError, IOException {
        if (!discardOffered()) return S_UNSUPP;
        List<Segment> segments = new ArrayList<>();
        int status = parse(c, false, segments);
        if (status != S_OK) return status;
        // A hole the host could not punch after all leaves the data as it was, which a discard allows.
        for (Segment s : segments) if (s.sectors() > 0) host.punchHole(s.sector() * SECTOR, s.sectors() * SECTOR);
        return S_OK;
    }

    int writeZeroes(DescriptorChain c) throws GuestError, IOException {
        List<Segment> segments = new ArrayList<>();
        int status = parse(c, true, segments);
        if (status != S_OK) return status;
        for (Segment s : segments) zero(s.sector() * SECTOR, s.sectors() * SECTOR, s.unmap());
        return S_OK;
    }

    private void zero(long offset, long len, boolean mayUnmap) throws IOException {
        if (len == 0) return;
        if (host != null && mayUnmap && host.punchHole(offset, len)) return;
        if (host != null && zeroRangeWorks) {
            if (host.zeroRange(offset, len)) return;
            zeroRangeWorks = false; // the file system will not learn it later: stop asking
        }
        if (zeros == null) zeros = ByteBuffer.allocate(ZEROS);
        for (long done = 0; done < len; ) {
            zeros.clear().limit((int) Math.min(ZEROS, len - done));
            done += file.write(zeros, offset + done);
        }
    }

    /**
     * Reads and checks the segments of a request into {@code out}; returns the status the request
     * gets if it is bad (section 5.2.6.2: UNSUPP for flags the command does not allow, IOERR for a
     * malformed request or a range the disk does not have), else S_OK.
     */
    private int parse(DescriptorChain c, boolean writeZeroes, List<Segment> out) throws GuestError {
        // The segments are data the device reads; a device-writable buffer besides the status byte
        // means the guest built the request the wrong way round.
        if (c.writableLength() != 1) return S_IOERR;
        long bytes = c.readableLength() - 16;
        int maxSegments = writeZeroes ? MAX_WRITE_ZEROES_SEG : MAX_DISCARD_SEG;
        if (bytes <= 0 || bytes % SEGMENT_BYTES != 0 || bytes / SEGMENT_BYTES > maxSegments) return S_IOERR;
        ByteBuffer data = ByteBuffer.wrap(c.read(16, (int) bytes)).order(ByteOrder.LITTLE_ENDIAN);
        long maxSectors = writeZeroes ? MAX_WRITE_ZEROES_SECTORS : MAX_DISCARD_SECTORS;
        for (int off = 0; off < bytes; off += SEGMENT_BYTES) {
            Segment s = new Segment(data.getLong(off), Integer.toUnsignedLong(data.getInt(off + 8)), data.getInt(off + 12));
            if ((s.flags() & ~FLAG_UNMAP) != 0) return S_UNSUPP;
            if (s.unmap() && !writeZeroes) return S_UNSUPP;
            // sector is unsigned to the guest: a negative long is a sector past any disk, and
            // comparing against capacity - sector cannot wrap the way sector + sectors would.
            if (s.sectors() > maxSectors || s.sector() < 0 || s.sector() > capacity || s.sectors() > capacity - s.sector())
                return S_IOERR;
            out.add(s);
        }
        return S_OK;
    }
}
