package org.jvirt.virtio;

import java.security.SecureRandom;

/** virtio-rng (virtio 1.2, section 5.4): fills every writable buffer it is given with random bytes. */
public final class RngDevice implements VirtioDevice {
    private static final int MAX_REQUEST = 64 << 10;
    private final SecureRandom random = new SecureRandom();

    @Override public int deviceId() { return 4; }
    @Override public long features() { return F_VERSION_1 | F_INDIRECT_DESC | F_EVENT_IDX; }
    @Override public int queueCount() { return 1; }
    @Override public long readConfig(int offset, int size) { return 0; }

    @Override
    public boolean process(int index, Virtqueue queue) throws GuestError {
        boolean interrupt = false;
        DescriptorChain c;
        while ((c = queue.next()) != null) {
            byte[] b = new byte[(int) Math.min(c.writableLength(), MAX_REQUEST)];
            random.nextBytes(b);
            c.write(0, b, 0, b.length);
            interrupt |= queue.complete(c, b.length);
        }
        return interrupt;
    }
}
