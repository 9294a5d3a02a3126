package org.jvirt.virtio;

import org.jvirt.machine.GuestMemory;
import org.jvirt.machine.IrqLine;
import org.jvirt.machine.MmioDevice;

/**
 * The virtio-mmio transport, version 2 (virtio 1.2, section 4.2): the register window through which
 * a driver negotiates features, sets up queues and notifies the device. Requests are served
 * synchronously on the notifying vCPU's thread. A driver that breaks the contract sets
 * DEVICE_NEEDS_RESET and gets a configuration-change interrupt; nothing it writes throws.
 */
public final class MmioTransport implements MmioDevice {
    static final int MAGIC = 0x74726976, VERSION = 2, VENDOR = 0x4a56_4952; // "JVIR"
    static final int ACKNOWLEDGE = 1, DRIVER = 2, DRIVER_OK = 4, FEATURES_OK = 8, NEEDS_RESET = 64, FAILED = 128;
    static final int INT_USED = 1, INT_CONFIG = 2;

    private final VirtioDevice device;
    private final IrqLine irq;
    private final Virtqueue[] queues;
    private int status, deviceFeaturesSel, driverFeaturesSel, queueSel, interruptStatus;
    private long driverFeatures;

    public MmioTransport(VirtioDevice device, GuestMemory ram, IrqLine irq) {
        this.device = device;
        this.irq = irq;
        this.queues = new Virtqueue[device.queueCount()];
        for (int i = 0; i < queues.length; i++) queues[i] = new Virtqueue(ram);
    }

    @Override
    public String name() { return "virtio-" + switch (device.deviceId()) { case 2 -> "blk"; case 3 -> "console"; case 4 -> "rng"; default -> "dev"; }; }

    private Virtqueue queue() { return queueSel >= 0 && queueSel < queues.length ? queues[queueSel] : null; }

    @Override
    public synchronized long read(long offset, int size) {
        if (offset >= 0x100) return device.readConfig((int) (offset - 0x100), size);
        if (size != 4) return 0;
        Virtqueue q = queue();
        return switch ((int) offset) {
            case 0x000 -> MAGIC;
            case 0x004 -> VERSION;
            case 0x008 -> device.deviceId();
            case 0x00c -> VENDOR;
            case 0x010 -> deviceFeaturesSel == 0 ? device.features() & 0xffff_ffffL : deviceFeaturesSel == 1 ? device.features() >>> 32 : 0;
            case 0x034 -> q == null ? 0 : Virtqueue.MAX_SIZE;
            case 0x044 -> q != null && q.ready ? 1 : 0;
            case 0x060 -> interruptStatus;
            case 0x070 -> status;
            case 0x0fc -> 0; // config generation: the configuration never changes under the driver
            default -> 0;
        } & 0xffff_ffffL;
    }

    @Override
    public synchronized void write(long offset, int size, long value) {
        if (offset >= 0x100) {
            device.writeConfig((int) (offset - 0x100), size, value);
            return;
        }
        if (size != 4) return;
        int v = (int) value;
        Virtqueue q = queue();
        switch ((int) offset) {
            case 0x014 -> deviceFeaturesSel = v;
            case 0x020 -> {
                if (driverFeaturesSel == 0) driverFeatures = (driverFeatures & ~0xffff_ffffL) | (v & 0xffff_ffffL);
                else if (driverFeaturesSel == 1) driverFeatures = (driverFeatures & 0xffff_ffffL) | ((long) v << 32);
            }
            case 0x024 -> driverFeaturesSel = v;
            case 0x030 -> queueSel = v;
            case 0x038 -> { if (q != null && !q.ready) q.size = v; }
            case 0x044 -> { if (q != null) setReady(q, v == 1); }
            case 0x050 -> notify(v);
            case 0x064 -> {
                interruptStatus &= ~v;
                irq.set(interruptStatus != 0);
            }
            case 0x070 -> setStatus(v);
            case 0x080 -> { if (q != null && !q.ready) q.desc = low(q.desc, v); }
            case 0x084 -> { if (q != null && !q.ready) q.desc = high(q.desc, v); }
            case 0x090 -> { if (q != null && !q.ready) q.avail = low(q.avail, v); }
            case 0x094 -> { if (q != null && !q.ready) q.avail = high(q.avail, v); }
            case 0x0a0 -> { if (q != null && !q.ready) q.used = low(q.used, v); }
            case 0x0a4 -> { if (q != null && !q.ready) q.used = high(q.used, v); }
            default -> { }
        }
    }

    private static long low(long old, int v) { return (old & ~0xffff_ffffL) | (v & 0xffff_ffffL); }

    private static long high(long old, int v) { return (old & 0xffff_ffffL) | ((long) v << 32); }

    private void setStatus(int v) {
        if (v == 0) { // reset
            status = 0;
            driverFeatures = 0;
            interruptStatus = 0;
            irq.set(false);
            for (Virtqueue q : queues) q.reset();
            device.reset();
            return;
        }
        if ((v & FEATURES_OK) != 0 && (status & FEATURES_OK) == 0) {
            // A modern device needs VERSION_1 and accepts only features it offered.
            if ((driverFeatures & VirtioDevice.F_VERSION_1) == 0 || (driverFeatures & ~device.features()) != 0) v &= ~FEATURES_OK;
            for (Virtqueue q : queues) q.eventIdx = (driverFeatures & VirtioDevice.F_EVENT_IDX) != 0;
        }
        status = v | (status & NEEDS_RESET);
    }

    private void setReady(Virtqueue q, boolean ready) {
        if (!ready) {
            q.ready = false;
            return;
        }
        try {
            q.validate();
            q.ready = true;
        } catch (GuestError e) {
            needsReset();
        }
    }

    /**
     * Lets the device serve queue {@code index} now, for work that comes from the host side (console
     * input) rather than from a guest notification.
     */
    public synchronized void kick(int index) {
        notify(index);
    }

    private void notify(int index) {
        if (index < 0 || index >= queues.length || (status & DRIVER_OK) == 0 || (status & NEEDS_RESET) != 0) return;
        try {
            if (device.process(index, queues[index])) {
                interruptStatus |= INT_USED;
                irq.set(true);
            }
        } catch (GuestError e) {
            needsReset();
        }
    }

    /** Section 2.1.2: the device stops using its queues until the driver resets it, and says so. */
    private void needsReset() {
        status |= NEEDS_RESET;
        for (Virtqueue q : queues) q.ready = false;
        interruptStatus |= INT_CONFIG;
        irq.set(true);
    }
}
