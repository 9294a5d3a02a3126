package org.jvirt.machine.loader;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes minimal ELF64 executables for tests: one PT_LOAD segment and a symbol table, laid out as the
 * ELF specification describes, so loaders can be tested without a cross toolchain.
 */
public final class TestElf {
    private int machine = ElfImage.EM_RISCV;
    private long address = 0x8000_0000L;
    private long entry = 0x8000_0000L;
    private byte[] content = new byte[0];
    private long memSize = -1;
    private final Map<String, Long> symbols = new LinkedHashMap<>();

    public TestElf machine(int m) { machine = m; return this; }
    public TestElf at(long addr) { address = addr; entry = addr; return this; }
    public TestElf entry(long e) { entry = e; return this; }
    public TestElf memSize(long m) { memSize = m; return this; }
    public TestElf symbol(String name, long value) { symbols.put(name, value); return this; }

    public TestElf code(int... words) {
        ByteBuffer b = ByteBuffer.allocate(words.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int w : words) b.putInt(w);
        content = b.array();
        return this;
    }

    public TestElf bytes(byte[] data) { content = data.clone(); return this; }

    public byte[] build() {
        byte[] strtab = strtab();
        int symCount = symbols.size() + 1;
        int codeOff = 0x1000;
        int symOff = align(codeOff + content.length, 8);
        int strOff = symOff + symCount * 24;
        int shOff = align(strOff + strtab.length, 8);
        ByteBuffer b = ByteBuffer.allocate(shOff + 3 * 64).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0});
        b.position(16);
        b.putShort((short) 2).putShort((short) machine).putInt(1).putLong(entry).putLong(64).putLong(shOff);
        b.putInt(0).putShort((short) 64).putShort((short) 56).putShort((short) 1).putShort((short) 64).putShort((short) 3).putShort((short) 0);
        // program header: PT_LOAD, RWX
        b.position(64);
        b.putInt(1).putInt(7).putLong(codeOff).putLong(address).putLong(address)
                .putLong(content.length).putLong(memSize < 0 ? content.length : memSize).putLong(0x1000);
        b.position(codeOff);
        b.put(content);
        b.position(symOff + 24); // symbol 0 is the null symbol
        int name = 1;
        for (Map.Entry<String, Long> e : symbols.entrySet()) {
            b.putInt(name).put((byte) 0x11).put((byte) 0).putShort((short) 1).putLong(e.getValue()).putLong(8);
            name += e.getKey().getBytes(StandardCharsets.US_ASCII).length + 1;
        }
        b.position(strOff);
        b.put(strtab);
        b.position(shOff + 64); // section 0 is null; 1 = .symtab, 2 = .strtab
        b.putInt(0).putInt(2).putLong(0).putLong(0).putLong(symOff).putLong(symCount * 24L).putInt(2).putInt(1).putLong(8).putLong(24);
        b.putInt(0).putInt(3).putLong(0).putLong(0).putLong(strOff).putLong(strtab.length).putInt(0).putInt(0).putLong(1).putLong(0);
        return b.array();
    }

    private byte[] strtab() {
        StringBuilder s = new StringBuilder("\0");
        for (String n : symbols.keySet()) s.append(n).append('\0');
        return s.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static int align(int v, int a) { return (v + a - 1) & -a; }
}
