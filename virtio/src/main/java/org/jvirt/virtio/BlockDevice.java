package org.jvirt.virtio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * virtio-blk (virtio 1.2, section 5.2) backed by a raw image file: reads, writes, flushes (a flushed
 * write is on the host's disk when the flush completes), GET_ID, discard and write-zeroes (see
 * {@link DiscardWriteZeroes}), and a read-only mode. Each request is answered with a status byte; a
 * bad request gets IOERR or UNSUPP, never a broken device.
 */
public final class BlockDevice implements VirtioDevice, AutoCloseable {
    static final int T_IN = 0, T_OUT = 1, T_FLUSH = 4, T_GET_ID = 8, T_DISCARD = 11, T_WRITE_ZEROES = 13;
    static final int S_OK = 0, S_IOERR = 1, S_UNSUPP = 2;
    static final long F_RO = 1L << 5, F_FLUSH = 1L << 9, F_BLK_SIZE = 1L << 6, F_SEG_MAX = 1L << 2;
    static final long F_DISCARD = 1L << 13, F_WRITE_ZEROES = 1L << 14;
    private static final int SECTOR = 512, ID_BYTES = 20, MAX_SEGMENTS = 126, CONFIG_BYTES = 60;

    private final FileChannel file;
    private final Fallocate host;
    private final DiscardWriteZeroes ranges;
    private final boolean readOnly;
    private final long sectors;
    private final int discardAlignment;
    private final byte[] serial;
    private long reads, writes, flushes, discards, writeZeroes;

    public BlockDevice(Path image, boolean readOnly) throws IOException {
        this(image, readOnly, true);
    }

    /** {@code fallocate}: false keeps the host file's blocks as they are (the tests' way to a host without holes). */
    BlockDevice(Path image, boolean readOnly, boolean fallocate) throws IOException {
        this.readOnly = readOnly;
        this.file = readOnly ? FileChannel.open(image, StandardOpenOption.READ)
                : FileChannel.open(image, StandardOpenOption.READ, StandardOpenOption.WRITE);
        this.sectors = file.size() / SECTOR;
        this.host = readOnly || !fallocate ? null : Fallocate.open(image, file.size());
        this.ranges = readOnly ? null : new DiscardWriteZeroes(file, host, sectors);
        // The guest splits its discards at this granularity: a hole smaller than a host block frees nothing.
        this.discardAlignment = (int) Math.clamp(blockSize(image) / SECTOR, 1, 2048);
        String name = image.getFileName().toString();
        this.serial = (name.length() > ID_BYTES ? name.substring(0, ID_BYTES) : name).getBytes(StandardCharsets.US_ASCII);
    }

    private static long blockSize(Path image) {
        try {
            return Files.getFileStore(image).getBlockSize();
        } catch (IOException | UnsupportedOperationException e) {
            return 4096;
        }
    }

    @Override public int deviceId() { return 2; }

    @Override
    public long features() {
        return F_VERSION_1 | F_INDIRECT_DESC | F_EVENT_IDX | F_FLUSH | F_BLK_SIZE | F_SEG_MAX | (readOnly ? F_RO : F_WRITE_ZEROES)
                | (ranges != null && ranges.discardOffered() ? F_DISCARD : 0);
    }

    @Override public int queueCount() { return 1; }

    public long reads() { return reads; }
    public long writes() { return writes; }
    public long flushes() { return flushes; }
    public long discards() { return discards; }
    public long writeZeroes() { return writeZeroes; }

    /**
     * Configuration (section 5.2.4): capacity in sectors, seg_max, blk_size, and the discard and
     * write-zeroes limits (offsets 36 to 56), which stay zero for a feature not offered.
     */
    @Override
    public long readConfig(int offset, int size) {
        ByteBuffer c = ByteBuffer.allocate(CONFIG_BYTES).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        c.putLong(0, sectors).putInt(12, MAX_SEGMENTS).putInt(20, SECTOR);
        if ((features() & F_DISCARD) != 0)
            c.putInt(36, DiscardWriteZeroes.MAX_DISCARD_SECTORS).putInt(40, DiscardWriteZeroes.MAX_DISCARD_SEG).putInt(44, discardAlignment);
        if ((features() & F_WRITE_ZEROES) != 0)
            c.putInt(48, DiscardWriteZeroes.MAX_WRITE_ZEROES_SECTORS).putInt(52, DiscardWriteZeroes.MAX_WRITE_ZEROES_SEG)
                    .put(56, (byte) (ranges.writeZeroesMayUnmap() ? 1 : 0));
        if (offset < 0 || size < 0 || offset > CONFIG_BYTES - size) return 0;
        long v = 0;
        for (int i = size - 1; i >= 0; i--) v = (v << 8) | (c.get(offset + i) & 0xff);
        return v;
    }

    @Override
    public boolean process(int index, Virtqueue queue) throws GuestError {
        boolean interrupt = false;
        DescriptorChain c;
        while ((c = queue.next()) != null) {
            int written = serve(c);
            interrupt |= queue.complete(c, written);
        }
        return interrupt;
    }

    /** Serves one request and writes its status byte; returns the bytes written for the used ring. */
    private int serve(DescriptorChain c) throws GuestError {
        if (c.readableLength() < 16 || c.writableLength() < 1) throw new GuestError("block request without header or status");
        ByteBuffer h = ByteBuffer.wrap(c.read(0, 16)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int type = h.getInt(0);
        long sector = h.getLong(8);
        long dataIn = c.writableLength() - 1; // bytes the device may write before the status byte
        long dataOut = c.readableLength() - 16;
        int status;
        int written = 0;
        try {
            switch (type) {
                case T_IN -> {
                    status = checkRange(sector, dataIn);
                    if (status == S_OK) {
                        byte[] buf = new byte[(int) dataIn];
                        readFully(buf, sector * SECTOR);
                        c.write(0, buf, 0, buf.length);
                        written = buf.length;
                        reads++;
                    }
                }
                case T_OUT -> {
                    status = readOnly ? S_IOERR : checkRange(sector, dataOut);
                    if (status == S_OK) {
                        file.write(ByteBuffer.wrap(c.read(16, (int) dataOut)), sector * SECTOR);
                        writes++;
                    }
                }
                case T_FLUSH -> {
                    if (!readOnly) file.force(false);
                    flushes++;
                    status = S_OK;
                }
                case T_DISCARD -> {
                    status = ranges == null ? S_UNSUPP : ranges.discard(c);
                    if (status == S_OK) discards++;
                }
                case T_WRITE_ZEROES -> {
                    status = ranges == null ? S_UNSUPP : ranges.writeZeroes(c);
                    if (status == S_OK) writeZeroes++;
                }
                case T_GET_ID -> {
                    byte[] id = new byte[(int) Math.min(ID_BYTES, dataIn)];
                    System.arraycopy(serial, 0, id, 0, Math.min(serial.length, id.length));
                    c.write(0, id, 0, id.length);
                    written = id.length;
                    status = S_OK;
                }
                default -> status = S_UNSUPP;
            }
        } catch (IOException e) {
            status = S_IOERR;
        }
        c.write(dataIn, new byte[] {(byte) status}, 0, 1);
        return written + 1;
    }

    private int checkRange(long sector, long bytes) {
        if (bytes % SECTOR != 0 || bytes > (64L << 20)) return S_IOERR;
        if (sector < 0 || sector > sectors || bytes / SECTOR > sectors - sector) return S_IOERR;
        return S_OK;
    }

    private void readFully(byte[] buf, long pos) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(buf);
        while (b.hasRemaining()) {
            int n = file.read(b, pos + b.position());
            if (n < 0) throw new IOException("image shorter than its capacity");
        }
    }

    @Override
    public void close() throws IOException {
        try {
            if (!readOnly) file.force(true);
            file.close();
        } finally {
            if (host != null) host.close();
        }
    }
}
