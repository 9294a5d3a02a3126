package org.jvirt.machine.loader;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jvirt.machine.GuestMemory;

/**
 * A little-endian ELF64 executable: its loadable segments, entry point and symbols.
 *
 * <p>Parsing is defensive: every offset and size read from the file is checked against the file's
 * length, and anything malformed becomes a {@link LoadException} with a one-line message.
 */
public final class ElfImage {
    public static final int EM_X86_64 = 62;
    public static final int EM_RISCV = 243;

    /** A PT_LOAD segment: {@code fileSize} bytes from the file, then zeros up to {@code memSize}. */
    public record Segment(long paddr, long vaddr, long fileOffset, long fileSize, long memSize) { }

    private final byte[] file;
    private final int machine;
    private final long entry;
    private final List<Segment> segments;
    private final Map<String, Long> symbols;

    private ElfImage(byte[] file, int machine, long entry, List<Segment> segments, Map<String, Long> symbols) {
        this.file = file;
        this.machine = machine;
        this.entry = entry;
        this.segments = segments;
        this.symbols = symbols;
    }

    public static boolean isElf(byte[] data) {
        return data.length >= 4 && data[0] == 0x7f && data[1] == 'E' && data[2] == 'L' && data[3] == 'F';
    }

    /** Parses {@code data} as an ELF64 executable for {@code expectedMachine} (an EM_* value). */
    public static ElfImage parse(byte[] data, int expectedMachine, String name) throws LoadException {
        if (!isElf(data)) throw new LoadException(name + " is not an ELF file");
        if (data.length < 64) throw new LoadException(name + " is a truncated ELF file");
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        if (data[4] != 2) throw new LoadException(name + " is a 32-bit ELF file; a 64-bit one is needed");
        if (data[5] != 1) throw new LoadException(name + " is a big-endian ELF file; a little-endian one is needed");
        int type = b.getShort(16) & 0xffff;
        int machine = b.getShort(18) & 0xffff;
        if (machine != expectedMachine)
            throw new LoadException(name + " is an ELF file for " + machineName(machine) + ", not " + machineName(expectedMachine));
        if (type != 2 && type != 3) throw new LoadException(name + " is not an executable ELF file (e_type " + type + ")");
        long entry = b.getLong(24);
        long phoff = b.getLong(32);
        long shoff = b.getLong(40);
        int phentsize = b.getShort(54) & 0xffff;
        int phnum = b.getShort(56) & 0xffff;
        int shentsize = b.getShort(58) & 0xffff;
        int shnum = b.getShort(60) & 0xffff;
        if (phnum == 0) throw new LoadException(name + " has no program headers");
        check(data, phoff, (long) phentsize * phnum, name, "program headers");
        if (phentsize < 56) throw new LoadException(name + " has malformed program headers");
        List<Segment> segs = new ArrayList<>();
        for (int i = 0; i < phnum; i++) {
            int p = (int) (phoff + (long) i * phentsize);
            if (b.getInt(p) != 1) continue; // PT_LOAD only
            long off = b.getLong(p + 8), vaddr = b.getLong(p + 16), paddr = b.getLong(p + 24);
            long filesz = b.getLong(p + 32), memsz = b.getLong(p + 40);
            check(data, off, filesz, name, "segment " + i);
            if (memsz < filesz) throw new LoadException(name + ": segment " + i + " is smaller in memory than in the file");
            if (memsz > 0) segs.add(new Segment(paddr, vaddr, off, filesz, memsz));
        }
        if (segs.isEmpty()) throw new LoadException(name + " has no loadable segments");
        Map<String, Long> syms = new HashMap<>();
        if (shoff != 0 && shnum != 0 && shentsize >= 64 && fits(data, shoff, (long) shentsize * shnum))
            readSymbols(b, data, shoff, shentsize, shnum, syms);
        return new ElfImage(data, machine, entry, List.copyOf(segs), Map.copyOf(syms));
    }

    private static void readSymbols(ByteBuffer b, byte[] data, long shoff, int shentsize, int shnum, Map<String, Long> out) {
        for (int i = 0; i < shnum; i++) {
            int s = (int) (shoff + (long) i * shentsize);
            if (b.getInt(s + 4) != 2) continue; // SHT_SYMTAB
            long off = b.getLong(s + 24), size = b.getLong(s + 32);
            int link = b.getInt(s + 40);
            long entsize = b.getLong(s + 56);
            if (link < 0 || link >= shnum || entsize < 24 || !fits(data, off, size)) continue;
            int str = (int) (shoff + (long) link * shentsize);
            long stroff = b.getLong(str + 24), strsize = b.getLong(str + 32);
            if (!fits(data, stroff, strsize)) continue;
            for (long e = off; e + entsize <= off + size; e += entsize) {
                long nameOff = b.getInt((int) e) & 0xffff_ffffL;
                if (nameOff >= strsize) continue;
                int start = (int) (stroff + nameOff), end = start;
                while (end < stroff + strsize && data[end] != 0) end++;
                String symName = new String(data, start, end - start, java.nio.charset.StandardCharsets.ISO_8859_1);
                if (!symName.isEmpty()) out.putIfAbsent(symName, b.getLong((int) e + 8));
            }
        }
    }

    private static boolean fits(byte[] data, long off, long len) {
        return off >= 0 && len >= 0 && off <= data.length && len <= data.length - off;
    }

    private static void check(byte[] data, long off, long len, String name, String what) throws LoadException {
        if (!fits(data, off, len)) throw new LoadException(name + " is truncated or malformed: its " + what + " lie outside the file");
    }

    static String machineName(int m) {
        return switch (m) {
            case EM_RISCV -> "RISC-V";
            case EM_X86_64 -> "x86-64";
            case 3 -> "x86";
            case 40 -> "ARM";
            case 183 -> "AArch64";
            default -> "machine type " + m;
        };
    }

    public int machine() { return machine; }
    public long entry() { return entry; }
    public List<Segment> segments() { return segments; }

    public Optional<Long> symbol(String name) { return Optional.ofNullable(symbols.get(name)); }

    /** Lowest and highest+1 physical address the image occupies. */
    public long lowAddress() { return segments.stream().mapToLong(Segment::paddr).min().orElseThrow(); }
    public long highAddress() { return segments.stream().mapToLong(s -> s.paddr() + s.memSize()).max().orElseThrow(); }

    /** Copies every segment to its physical address in {@code ram}, zero-filling the rest of memSize. */
    public void loadInto(GuestMemory ram, String name) throws LoadException {
        for (Segment s : segments) {
            if (!ram.contains(s.paddr(), s.memSize()))
                throw new LoadException(String.format("%s does not fit in guest memory: it needs 0x%x-0x%x but RAM is 0x%x-0x%x (use --mem to give it more)",
                        name, s.paddr(), s.paddr() + s.memSize(), ram.base(), ram.end()));
        }
        for (Segment s : segments) {
            ram.load(s.paddr(), file, (int) s.fileOffset(), (int) s.fileSize());
            if (s.memSize() > s.fileSize()) ram.zero(s.paddr() + s.fileSize(), s.memSize() - s.fileSize());
        }
    }
}
