package org.jvirt.riscv.board;

import java.util.List;
import org.jvirt.machine.IrqLine;
import org.jvirt.machine.MmioDevice;
import org.jvirt.riscv.Cause;
import org.jvirt.riscv.Hart;

/**
 * The platform-level interrupt controller of SiFive's and QEMU's boards (RISC-V PLIC specification
 * 1.0): level-triggered sources with priorities, per-context enables, thresholds and claim/complete.
 * Context 2h is hart h's M-mode (drives MEIP), context 2h+1 its S-mode (drives SEIP), as on QEMU's
 * virt board. Register map: priority at 4*source, pending bits at 0x1000, enables at 0x2000 +
 * 0x80*context, threshold and claim/complete at 0x20_0000 + 0x1000*context.
 */
public final class Plic implements MmioDevice {
    public static final long BASE = 0x0c00_0000L, SIZE = 0x60_0000L;
    /** Sources 1..SOURCES-1; source 0 does not exist. */
    public static final int SOURCES = 96;
    private static final int WORDS = SOURCES / 32;

    private final List<Hart> harts;
    private final int contexts;
    private final int[] priority = new int[SOURCES];
    private final boolean[] level = new boolean[SOURCES];
    private final boolean[] pending = new boolean[SOURCES];
    private final boolean[] inService = new boolean[SOURCES];
    private final int[][] enable;
    private final int[] threshold;

    public Plic(List<Hart> harts) {
        this.harts = harts;
        this.contexts = 2 * harts.size();
        this.enable = new int[contexts][WORDS];
        this.threshold = new int[contexts];
    }

    @Override
    public String name() { return "plic"; }

    /** The interrupt line of source {@code n}, for a device to drive. */
    public IrqLine line(int n) {
        if (n <= 0 || n >= SOURCES) throw new IllegalArgumentException("PLIC source " + n);
        return lvl -> setLevel(n, lvl);
    }

    private synchronized void setLevel(int n, boolean lvl) {
        level[n] = lvl;
        if (lvl && !inService[n]) pending[n] = true;
        update();
    }

    @Override
    public synchronized long read(long offset, int size) {
        if (size != 4 || (offset & 3) != 0) return 0;
        if (offset < 0x1000) {
            int src = (int) (offset / 4);
            return src < SOURCES ? priority[src] : 0;
        }
        if (offset < 0x2000) {
            int w = (int) ((offset - 0x1000) / 4);
            if (w >= WORDS) return 0;
            int bits = 0;
            for (int i = 0; i < 32; i++) if (pending[w * 32 + i]) bits |= 1 << i;
            return bits & 0xffff_ffffL;
        }
        if (offset < 0x20_0000) {
            int ctx = (int) ((offset - 0x2000) / 0x80), w = (int) ((offset - 0x2000) % 0x80 / 4);
            return ctx < contexts && w < WORDS ? enable[ctx][w] & 0xffff_ffffL : 0;
        }
        int ctx = (int) ((offset - 0x20_0000) / 0x1000);
        if (ctx >= contexts) return 0;
        return switch ((int) ((offset - 0x20_0000) % 0x1000)) {
            case 0 -> threshold[ctx];
            case 4 -> claim(ctx);
            default -> 0;
        };
    }

    @Override
    public synchronized void write(long offset, int size, long value) {
        if (size != 4 || (offset & 3) != 0) return;
        int v = (int) value;
        if (offset < 0x1000) {
            int src = (int) (offset / 4);
            if (src > 0 && src < SOURCES) priority[src] = v & 7;
        } else if (offset >= 0x2000 && offset < 0x20_0000) {
            int ctx = (int) ((offset - 0x2000) / 0x80), w = (int) ((offset - 0x2000) % 0x80 / 4);
            if (ctx < contexts && w < WORDS) enable[ctx][w] = w == 0 ? v & ~1 : v; // source 0 cannot be enabled
        } else if (offset >= 0x20_0000) {
            int ctx = (int) ((offset - 0x20_0000) / 0x1000);
            if (ctx >= contexts) return;
            switch ((int) ((offset - 0x20_0000) % 0x1000)) {
                case 0 -> threshold[ctx] = v & 7;
                case 4 -> complete(ctx, v);
                default -> { }
            }
        }
        update();
    }

    private boolean enabled(int ctx, int src) {
        return ((enable[ctx][src / 32] >>> (src % 32)) & 1) != 0;
    }

    /** The highest-priority pending source enabled for the context above its threshold (ties: lowest id). */
    private int best(int ctx) {
        int best = 0, bestPrio = threshold[ctx];
        for (int s = 1; s < SOURCES; s++) {
            if (pending[s] && priority[s] > bestPrio && enabled(ctx, s)) {
                best = s;
                bestPrio = priority[s];
            }
        }
        return best;
    }

    private int claim(int ctx) {
        int s = best(ctx);
        if (s != 0) {
            pending[s] = false;
            inService[s] = true;
            update();
        }
        return s;
    }

    private void complete(int ctx, int src) {
        if (src <= 0 || src >= SOURCES || !enabled(ctx, src) || !inService[src]) return;
        inService[src] = false;
        if (level[src]) pending[src] = true; // the device still asserts its line
    }

    private void update() {
        for (int ctx = 0; ctx < contexts; ctx++) {
            Hart h = harts.get(ctx / 2);
            h.setIrq(ctx % 2 == 0 ? Cause.IRQ_M_EXT : Cause.IRQ_S_EXT, best(ctx) != 0);
        }
    }
}
