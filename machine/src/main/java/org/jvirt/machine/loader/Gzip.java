package org.jvirt.machine.loader;

import java.io.ByteArrayOutputStream;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Inflates gzip images (RFC 1952) on the host, for the loaders: a kernel Image.gz, which the RISC-V
 * boot protocol wants uncompressed, and an initramfs, which Linux takes compressed or not.
 *
 * <p>Inflating an initramfs here rather than in the guest is worth it under emulation: the guest's
 * inflate is byte-at-a-time code that runs tens of millions of emulated instructions, where the host's
 * zlib takes milliseconds. It is done only when the result is what the guest would have produced
 * itself: the whole file must be gzip members, optionally followed by zero padding (which the
 * kernel's unpacker skips too). Anything else after the members, such as an uncompressed cpio
 * appended to a compressed one, leaves the file as it is, for the guest to unpack.
 */
public final class Gzip {
    private static final int FTEXT = 1, FHCRC = 2, FEXTRA = 4, FNAME = 8, FCOMMENT = 16;

    private Gzip() { }

    /** True if {@code data} starts with the gzip magic number. */
    public static boolean isGzip(byte[] data) {
        return isGzipAt(data, 0);
    }

    private static boolean isGzipAt(byte[] d, int p) {
        return d.length - p >= 2 && (d[p] & 0xff) == 0x1f && (d[p + 1] & 0xff) == 0x8b;
    }

    /**
     * The inflated contents of {@code data} if it is one or more gzip members and nothing but zero
     * bytes after them; else {@code data} itself.
     *
     * @param limit the most bytes the result may have (the guest's RAM, say)
     * @throws LoadException when a member is corrupt, or inflates to more than {@code limit} bytes
     */
    public static byte[] inflateWhole(byte[] data, long limit, String name) throws LoadException {
        if (!isGzip(data)) return data;
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(32, data.length * 3));
        int pos = 0;
        while (pos < data.length) {
            if (!isGzipAt(data, pos)) {
                for (int k = pos; k < data.length; k++) if (data[k] != 0) return data; // not ours to unpack
                break;
            }
            pos = member(data, pos, out, limit, name);
        }
        return out.toByteArray();
    }

    /** Inflates the member at {@code pos} into {@code out}; returns the offset just past it. */
    private static int member(byte[] d, int pos, ByteArrayOutputStream out, long limit, String name) throws LoadException {
        if (d.length - pos < 18) throw corrupt(name, "a gzip member is cut short");
        if (d[pos + 2] != 8) throw corrupt(name, "gzip compression method " + d[pos + 2] + " is not deflate");
        int flags = d[pos + 3] & 0xff;
        if ((flags & ~(FTEXT | FHCRC | FEXTRA | FNAME | FCOMMENT)) != 0) throw corrupt(name, "reserved gzip flags are set");
        int p = pos + 10;
        if ((flags & FEXTRA) != 0) p += 2 + (d[p] & 0xff | (d[p + 1] & 0xff) << 8);
        if ((flags & FNAME) != 0) p = skipString(d, p, name);
        if ((flags & FCOMMENT) != 0) p = skipString(d, p, name);
        if ((flags & FHCRC) != 0) p += 2;
        if (p >= d.length) throw corrupt(name, "a gzip header is cut short");

        Inflater inflater = new Inflater(true);
        CRC32 crc = new CRC32();
        long size = 0;
        try {
            inflater.setInput(d, p, d.length - p);
            byte[] buf = new byte[1 << 16];
            while (!inflater.finished()) {
                int n = inflater.inflate(buf);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) throw corrupt(name, "the compressed data is cut short");
                size += n;
                if (out.size() + (long) n > limit) throw new LoadException(name + " inflates to more than " + (limit >> 20) + " MiB, more than the guest's RAM can hold: give the guest more memory (--mem)");
                crc.update(buf, 0, n);
                out.write(buf, 0, n);
            }
            p = d.length - inflater.getRemaining();
        } catch (DataFormatException e) {
            throw corrupt(name, "the compressed data is corrupt (" + e.getMessage() + ")");
        } finally {
            inflater.end();
        }
        if (d.length - p < 8) throw corrupt(name, "the gzip trailer is missing");
        if ((int) crc.getValue() != le32(d, p)) throw corrupt(name, "the CRC-32 does not match the data");
        if ((int) size != le32(d, p + 4)) throw corrupt(name, "the length in the gzip trailer does not match the data");
        return p + 8;
    }

    private static int skipString(byte[] d, int p, String name) throws LoadException {
        while (p < d.length && d[p] != 0) p++;
        if (p >= d.length) throw corrupt(name, "a gzip header is cut short");
        return p + 1;
    }

    private static int le32(byte[] d, int p) {
        return d[p] & 0xff | (d[p + 1] & 0xff) << 8 | (d[p + 2] & 0xff) << 16 | (d[p + 3] & 0xff) << 24;
    }

    private static LoadException corrupt(String name, String what) {
        return new LoadException(name + " looks gzip-compressed but cannot be inflated: " + what);
    }
}
