package org.jvirt.riscv.board;

import java.util.List;
import org.jvirt.machine.Clock;
import org.jvirt.machine.MmioDevice;
import org.jvirt.riscv.Cause;
import org.jvirt.riscv.Hart;

/**
 * The core-local interruptor of SiFive's and QEMU's boards: per-hart msip (software interrupt) and
 * mtimecmp registers, and the shared mtime counter, which is the machine {@link Clock}.
 * Layout: msip at 0x0000 + 4*hart, mtimecmp at 0x4000 + 8*hart, mtime at 0xbff8; 64 KiB window.
 */
public final class Clint implements MmioDevice {
    public static final long BASE = 0x0200_0000L, SIZE = 0x1_0000L;
    /** The timebase: 10 MHz, as on QEMU's virt board. */
    public static final long FREQUENCY = 10_000_000L;

    private final List<Hart> harts;
    private final Clock clock;
    private final long[] mtimecmp;
    /** Supervisor timer deadlines that host firmware (the SBI) programs; STIP follows them. */
    private final long[] stimecmp;
    private final boolean[] msip;

    public Clint(List<Hart> harts, Clock clock) {
        this.harts = harts;
        this.clock = clock;
        this.mtimecmp = new long[harts.size()];
        this.msip = new boolean[harts.size()];
        this.stimecmp = new long[harts.size()];
        java.util.Arrays.fill(mtimecmp, -1L);
        java.util.Arrays.fill(stimecmp, -1L);
    }

    @Override
    public String name() { return "clint"; }

    @Override
    public synchronized long read(long offset, int size) {
        long v;
        int shift;
        if (offset < 0x4000) {
            int hart = (int) (offset / 4);
            v = hart < msip.length && msip[hart] ? 1 : 0;
            shift = (int) (offset & 3) * 8;
        } else if (offset >= 0xbff8) {
            v = clock.ticks();
            shift = (int) (offset - 0xbff8) * 8;
        } else {
            int hart = (int) ((offset - 0x4000) / 8);
            v = hart < mtimecmp.length ? mtimecmp[hart] : 0;
            shift = (int) ((offset - 0x4000) & 7) * 8;
        }
        v >>>= shift;
        return size == 8 ? v : v & ((1L << (8 * size)) - 1);
    }

    @Override
    public synchronized void write(long offset, int size, long value) {
        if (offset < 0x4000) {
            int hart = (int) (offset / 4);
            if (hart < msip.length && (offset & 3) == 0) {
                msip[hart] = (value & 1) != 0;
                harts.get(hart).setIrq(Cause.IRQ_M_SOFT, msip[hart]);
            }
        } else if (offset < 0xbff8) {
            int hart = (int) ((offset - 0x4000) / 8);
            if (hart >= mtimecmp.length) return;
            int shift = (int) ((offset - 0x4000) & 7) * 8;
            long mask = (size == 8 ? -1L : (1L << (8 * size)) - 1) << shift;
            mtimecmp[hart] = (mtimecmp[hart] & ~mask) | ((value << shift) & mask);
            update();
        }
        // mtime is read-only here: the guest's time follows the host's
    }

    /** Programs hart {@code hart}'s supervisor timer, for firmware's set_timer; STIP drops until it fires. */
    public synchronized void setSupervisorTimer(int hart, long when) {
        stimecmp[hart] = when;
        update();
    }

    /** Raises or lowers each hart's MTIP and STIP from mtime and the deadlines. */
    public synchronized void update() {
        long now = clock.ticks();
        for (int i = 0; i < mtimecmp.length; i++) {
            Hart h = harts.get(i);
            h.setIrq(Cause.IRQ_M_TIMER, Long.compareUnsigned(now, mtimecmp[i]) >= 0);
            h.setIrq(Cause.IRQ_S_TIMER, Long.compareUnsigned(now, stimecmp[i]) >= 0);
        }
    }

    /** Nanoseconds until the earliest timer fires, for a hart that waits in WFI; Long.MAX_VALUE if none is armed. */
    public synchronized long nanosToNextDeadline() {
        long now = clock.ticks(), best = Long.MAX_VALUE;
        for (int i = 0; i < 2 * mtimecmp.length; i++) {
            long cmp = i < mtimecmp.length ? mtimecmp[i] : stimecmp[i - mtimecmp.length];
            if (cmp == -1L) continue;
            long ticks = Long.compareUnsigned(cmp, now) <= 0 ? 0 : cmp - now;
            best = Math.min(best, ticks);
        }
        return best == Long.MAX_VALUE ? best : best * (1_000_000_000L / FREQUENCY);
    }
}
