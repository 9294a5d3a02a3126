package org.jvirt.machine;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Guest physical RAM: one contiguous region of host memory seen by the guest at {@code base}.
 *
 * <p>The backing store is a {@link MemorySegment}, so the same type serves the emulator (memory from an
 * {@link Arena}) and a hardware-assisted engine (memory mapped with mmap and registered with the kernel).
 * All accessors take guest physical addresses and are little-endian, the byte order of every guest
 * architecture jvirt runs. Callers check {@link #contains} first; an access outside the region throws
 * {@link IndexOutOfBoundsException}, which is a VMM bug, never a guest-triggerable condition.
 */
public final class GuestMemory implements AutoCloseable {
    public static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final long base;
    private final long size;
    private final MemorySegment segment;
    private final Arena arena;
    private final boolean mapped;

    /** Told of writes made through this class's methods: by devices, loaders and firmware, not CPU fast paths. */
    @FunctionalInterface
    public interface WriteListener {
        void written(long addr, long len);
    }

    private volatile WriteListener[] listeners = new WriteListener[0];

    private GuestMemory(long base, MemorySegment segment, Arena arena, boolean mapped) {
        if (base < 0 || (base & 0xfff) != 0) throw new IllegalArgumentException("RAM base must be page aligned: 0x" + Long.toHexString(base));
        this.base = base;
        this.size = segment.byteSize();
        this.segment = segment;
        this.arena = arena;
        this.mapped = mapped;
    }

    /**
     * Allocates {@code size} bytes of zeroed RAM at guest physical address {@code base}: an anonymous
     * mapping where the platform has one (pages become resident only when touched), else an arena.
     */
    public static GuestMemory allocate(long base, long size) {
        if (size <= 0 || (size & 0xfff) != 0) throw new IllegalArgumentException("RAM size must be a positive multiple of 4 KiB");
        MemorySegment mapped = AnonymousMemory.map(size);
        if (mapped != null) return new GuestMemory(base, mapped, null, true);
        Arena arena = Arena.ofShared();
        return new GuestMemory(base, arena.allocate(size, 4096), arena, false);
    }

    /** Wraps memory that something else owns (for example an mmap registered with KVM). */
    public static GuestMemory wrap(long base, MemorySegment segment) {
        return new GuestMemory(base, segment, null, false);
    }

    /**
     * Registers a listener for writes made through this object (device DMA, loaders). An engine that
     * caches decoded or translated guest code uses it to drop what such a write replaced.
     */
    public synchronized void addWriteListener(WriteListener l) {
        WriteListener[] a = java.util.Arrays.copyOf(listeners, listeners.length + 1);
        a[listeners.length] = l;
        listeners = a;
    }

    private void written(long addr, long len) {
        for (WriteListener l : listeners) l.written(addr, len);
    }

    public long base() { return base; }
    public long size() { return size; }
    public long end() { return base + size; }
    public MemorySegment segment() { return segment; }

    /** True when {@code [addr, addr+len)} lies entirely in this RAM. */
    public boolean contains(long addr, long len) {
        long off = addr - base;
        return off >= 0 && len >= 0 && off <= size - len;
    }

    public byte readByte(long addr) { return segment.get(ValueLayout.JAVA_BYTE, addr - base); }
    public short readShort(long addr) { return segment.get(SHORT, addr - base); }
    public int readInt(long addr) { return segment.get(INT, addr - base); }
    public long readLong(long addr) { return segment.get(LONG, addr - base); }
    public void writeByte(long addr, byte v) { segment.set(ValueLayout.JAVA_BYTE, addr - base, v); written(addr, 1); }
    public void writeShort(long addr, short v) { segment.set(SHORT, addr - base, v); written(addr, 2); }
    public void writeInt(long addr, int v) { segment.set(INT, addr - base, v); written(addr, 4); }
    public void writeLong(long addr, long v) { segment.set(LONG, addr - base, v); written(addr, 8); }

    /** Reads {@code size} (1, 2, 4 or 8) bytes, zero-extended. */
    public long read(long addr, int size) {
        return switch (size) {
            case 1 -> readByte(addr) & 0xffL;
            case 2 -> readShort(addr) & 0xffffL;
            case 4 -> readInt(addr) & 0xffff_ffffL;
            case 8 -> readLong(addr);
            default -> throw new IllegalArgumentException("access size " + size);
        };
    }

    /** Writes the low {@code size} (1, 2, 4 or 8) bytes of {@code value}. */
    public void write(long addr, int size, long value) {
        switch (size) {
            case 1 -> writeByte(addr, (byte) value);
            case 2 -> writeShort(addr, (short) value);
            case 4 -> writeInt(addr, (int) value);
            case 8 -> writeLong(addr, value);
            default -> throw new IllegalArgumentException("access size " + size);
        }
    }

    /** Copies host bytes into guest RAM. */
    public void load(long addr, byte[] data, int offset, int length) {
        if (!contains(addr, length)) throw new IndexOutOfBoundsException("0x" + Long.toHexString(addr) + "+" + length + " is outside RAM");
        MemorySegment.copy(data, offset, segment, ValueLayout.JAVA_BYTE, addr - base, length);
        written(addr, length);
    }

    /** Zeroes {@code length} bytes of guest RAM. */
    public void zero(long addr, long length) {
        if (!contains(addr, length)) throw new IndexOutOfBoundsException("0x" + Long.toHexString(addr) + "+" + length + " is outside RAM");
        segment.asSlice(addr - base, length).fill((byte) 0);
        written(addr, length);
    }

    @Override
    public void close() {
        if (arena != null) arena.close();
        if (mapped) AnonymousMemory.unmap(segment);
    }
}
