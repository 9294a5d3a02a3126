package org.jvirt.kvm;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** A minimal cpio "newc" archive writer (the initramfs format), so the e2e test needs no cpio tool. */
final class Cpio {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private int ino = 1;

    Cpio dir(String name) { return entry(name, 0040755, new byte[0], 0, 0); }
    Cpio file(String name, int mode, byte[] data) { return entry(name, 0100000 | mode, data, 0, 0); }
    Cpio symlink(String name, String target) { return entry(name, 0120777, target.getBytes(StandardCharsets.US_ASCII), 0, 0); }
    Cpio charDevice(String name, int mode, int major, int minor) { return entry(name, 0020000 | mode, new byte[0], major, minor); }

    private Cpio entry(String name, int mode, byte[] data, int rmajor, int rminor) {
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        String h = String.format("070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x",
                ino++, mode, 0, 0, 1, 0, data.length, 0, 0, rmajor, rminor, n.length + 1, 0);
        out.writeBytes(h.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(n);
        out.write(0);
        pad();
        out.writeBytes(data);
        pad();
        return this;
    }

    private void pad() {
        while (out.size() % 4 != 0) out.write(0);
    }

    byte[] finish() {
        entry("TRAILER!!!", 0, new byte[0], 0, 0);
        return out.toByteArray();
    }
}
