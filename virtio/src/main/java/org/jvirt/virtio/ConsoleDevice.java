package org.jvirt.virtio;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;

/**
 * virtio-console (virtio 1.2, section 5.3) with one port and no multiport: queue 0 receives what the
 * host types (the guest posts empty buffers there), queue 1 transmits what the guest prints. Host
 * input waits in a bounded buffer until the guest has buffers for it.
 */
public final class ConsoleDevice implements VirtioDevice {
    private static final int RX = 0, TX = 1, INPUT_LIMIT = 64 << 10;

    private final OutputStream out;
    private final ArrayDeque<Byte> input = new ArrayDeque<>();
    private Virtqueue rxQueue;
    private Runnable interrupt = () -> { };

    public ConsoleDevice(OutputStream out) {
        this.out = out;
    }

    @Override public int deviceId() { return 3; }
    @Override public long features() { return F_VERSION_1 | F_INDIRECT_DESC | F_EVENT_IDX; }
    @Override public int queueCount() { return 2; }

    /** Configuration: cols and rows (unused without VIRTIO_CONSOLE_F_SIZE), then max_nr_ports. */
    @Override public long readConfig(int offset, int size) { return 0; }

    @Override
    public synchronized void reset() {
        rxQueue = null;
    }

    /** Bytes typed on the host; returns how many fitted. Delivered at the guest's next notify or at once. */
    public synchronized int receive(byte[] data, int off, int len) {
        int n = Math.min(len, INPUT_LIMIT - input.size());
        for (int i = 0; i < n; i++) input.add(data[off + i]);
        return n;
    }

    @Override
    public synchronized boolean process(int index, Virtqueue queue) throws GuestError {
        if (index == TX) {
            boolean irq = false;
            DescriptorChain c;
            while ((c = queue.next()) != null) {
                byte[] b = c.read(0, (int) Math.min(c.readableLength(), INPUT_LIMIT));
                try {
                    out.write(b);
                    out.flush();
                } catch (IOException e) {
                    // the host side of the console is gone: output is dropped
                }
                irq |= queue.complete(c, 0);
            }
            return irq;
        }
        rxQueue = queue;
        return deliver();
    }

    /** Moves typed bytes into the guest's posted receive buffers. */
    private boolean deliver() throws GuestError {
        if (rxQueue == null || input.isEmpty()) return false;
        boolean irq = false;
        DescriptorChain c;
        while (!input.isEmpty() && (c = rxQueue.next()) != null) {
            int n = (int) Math.min(c.writableLength(), input.size());
            byte[] b = new byte[n];
            for (int i = 0; i < n; i++) b[i] = input.poll();
            c.write(0, b, 0, n);
            irq |= rxQueue.complete(c, n);
        }
        return irq;
    }
}
