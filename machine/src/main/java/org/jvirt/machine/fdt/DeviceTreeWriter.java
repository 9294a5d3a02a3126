package org.jvirt.machine.fdt;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes a flattened device tree blob (Devicetree Specification 0.4, chapter 5): the structure the
 * firmware hands a kernel to describe the machine. Nodes are opened and closed in order, as the blob
 * lays them out; the writer checks nesting and property names and produces a version 17 blob.
 */
public final class DeviceTreeWriter {
    private static final int MAGIC = 0xd00dfeed, VERSION = 17, LAST_COMPATIBLE = 16;
    private static final int BEGIN_NODE = 1, END_NODE = 2, PROP = 3, END = 9;

    private final ByteArrayOutputStream struct = new ByteArrayOutputStream();
    private final ByteArrayOutputStream strings = new ByteArrayOutputStream();
    private final Map<String, Integer> stringOffsets = new LinkedHashMap<>();
    private final Deque<String> open = new ArrayDeque<>();
    private int bootCpu;

    /** Opens a node; the root is {@code ""}, others are {@code name} or {@code name@unit}. */
    public DeviceTreeWriter beginNode(String name) {
        if (open.isEmpty() != name.isEmpty()) throw new IllegalArgumentException("the root, and only the root, has an empty name");
        if (name.length() > 31 + 1 + 16 || name.contains("/")) throw new IllegalArgumentException("bad node name: " + name);
        word(BEGIN_NODE);
        bytes(name.getBytes(StandardCharsets.US_ASCII));
        struct.write(0);
        pad();
        open.push(name);
        return this;
    }

    public DeviceTreeWriter endNode() {
        if (open.isEmpty()) throw new IllegalStateException("no open node");
        open.pop();
        word(END_NODE);
        return this;
    }

    /** A property with no value (a flag such as {@code interrupt-controller}). */
    public DeviceTreeWriter property(String name) {
        return raw(name, new byte[0]);
    }

    /** A string property, or a string list when several are given. */
    public DeviceTreeWriter property(String name, String... values) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (String v : values) {
            b.writeBytes(v.getBytes(StandardCharsets.UTF_8));
            b.write(0);
        }
        return raw(name, b.toByteArray());
    }

    /** A property of 32-bit cells. */
    public DeviceTreeWriter cells(String name, int... cells) {
        ByteBuffer b = ByteBuffer.allocate(cells.length * 4);
        for (int c : cells) b.putInt(c);
        return raw(name, b.array());
    }

    /** A property of 64-bit values, each written as two cells (addresses and sizes with #*-cells = 2). */
    public DeviceTreeWriter longs(String name, long... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8);
        for (long v : values) b.putLong(v);
        return raw(name, b.array());
    }

    public DeviceTreeWriter raw(String name, byte[] value) {
        if (open.isEmpty()) throw new IllegalStateException("a property needs an open node");
        if (name.isEmpty() || name.length() > 31) throw new IllegalArgumentException("bad property name: " + name);
        word(PROP);
        word(value.length);
        word(stringOffset(name));
        bytes(value);
        pad();
        return this;
    }

    public DeviceTreeWriter bootCpu(int physicalId) {
        bootCpu = physicalId;
        return this;
    }

    /** The blob; every node must be closed. */
    public byte[] build() {
        if (!open.isEmpty()) throw new IllegalStateException("node '" + open.peek() + "' is not closed");
        byte[] st = struct.toByteArray();
        byte[] strs = strings.toByteArray();
        int header = 40, rsvmap = 16; // an empty memory reservation map is one (0, 0) entry
        int offRsv = header, offStruct = offRsv + rsvmap, offStrings = offStruct + st.length + 4;
        int total = offStrings + strs.length;
        ByteBuffer b = ByteBuffer.allocate(total);
        b.putInt(MAGIC).putInt(total).putInt(offStruct).putInt(offStrings).putInt(offRsv)
                .putInt(VERSION).putInt(LAST_COMPATIBLE).putInt(bootCpu).putInt(strs.length).putInt(st.length + 4);
        b.putLong(0).putLong(0);
        b.put(st).putInt(END);
        b.put(strs);
        return b.array();
    }

    private int stringOffset(String name) {
        return stringOffsets.computeIfAbsent(name, n -> {
            int off = strings.size();
            strings.writeBytes(n.getBytes(StandardCharsets.US_ASCII));
            strings.write(0);
            return off;
        });
    }

    private void word(int v) {
        struct.write(v >>> 24);
        struct.write(v >>> 16);
        struct.write(v >>> 8);
        struct.write(v);
    }

    private void bytes(byte[] b) {
        struct.writeBytes(b);
    }

    private void pad() {
        while (struct.size() % 4 != 0) struct.write(0);
    }
}
