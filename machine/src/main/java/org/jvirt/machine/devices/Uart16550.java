package org.jvirt.machine.devices;

import java.io.IOException;
import java.io.OutputStream;
import org.jvirt.machine.IrqLine;
import org.jvirt.machine.MmioDevice;

/**
 * An 8250/16550A UART, the console of QEMU's virt board (MMIO at 0x1000_0000) and of PCs (COM1 at
 * port 0x3f8): the registers Linux's 8250 driver uses, with a receive FIFO fed by the host and
 * transmission that completes at once. Registers are one byte apart; wider accesses use the low byte.
 */
public final class Uart16550 implements MmioDevice, ConsoleInput {
    private static final int RX_CAPACITY = 4096;
    // Interrupt enable bits, and interrupt identification values (lowest bit set: none pending)
    private static final int IER_RDA = 1, IER_THRE = 2;
    private static final int IIR_NONE = 0x01, IIR_THRE = 0x02, IIR_RDA = 0x04, IIR_FIFO = 0xc0;
    private static final int LCR_DLAB = 0x80, MCR_LOOP = 0x10;
    private static final int LSR_DR = 0x01, LSR_THRE = 0x20, LSR_TEMT = 0x40;

    private final OutputStream out;
    private final IrqLine irq;
    private final byte[] rx = new byte[RX_CAPACITY];
    private int rxHead, rxCount;
    private int ier, lcr, mcr, scr, dll = 12, dlm, fcr;
    private boolean thrPending; // a THR-empty interrupt is owed, until IIR reports it or THR is written
    private long transmitted;

    public Uart16550(OutputStream out, IrqLine irq) {
        this.out = out;
        this.irq = irq;
    }

    @Override
    public String name() { return "uart"; }

    /** Bytes the host typed, for the guest to read; bytes beyond the FIFO's room are dropped, as on a line. */
    @Override
    public synchronized int receive(byte[] data, int off, int len) {
        int n = Math.min(len, RX_CAPACITY - rxCount);
        for (int i = 0; i < n; i++) rx[(rxHead + rxCount + i) % RX_CAPACITY] = data[off + i];
        rxCount += n;
        updateIrq();
        return n;
    }

    /** Room left in the receive FIFO, so a host reader can wait instead of dropping input. */
    public synchronized int receiveRoom() { return RX_CAPACITY - rxCount; }

    public synchronized long transmitted() { return transmitted; }

    @Override
    public synchronized long read(long offset, int size) {
        int v = switch ((int) offset) {
            case 0 -> (lcr & LCR_DLAB) != 0 ? dll : pop();
            case 1 -> (lcr & LCR_DLAB) != 0 ? dlm : ier;
            case 2 -> identify(true);
            case 3 -> lcr;
            case 4 -> mcr;
            case 5 -> (rxCount > 0 ? LSR_DR : 0) | LSR_THRE | LSR_TEMT;
            case 6 -> (mcr & MCR_LOOP) != 0 ? (mcr & 0x0f) << 4 : 0xb0; // DCD, DSR, CTS asserted
            case 7 -> scr;
            default -> 0;
        };
        return v & 0xff;
    }

    @Override
    public synchronized void write(long offset, int size, long value) {
        int v = (int) (value & 0xff);
        switch ((int) offset) {
            case 0 -> {
                if ((lcr & LCR_DLAB) != 0) { dll = v; return; }
                transmit(v);
            }
            case 1 -> {
                if ((lcr & LCR_DLAB) != 0) { dlm = v; return; }
                if ((v & IER_THRE) != 0 && (ier & IER_THRE) == 0) thrPending = true; // THR is always empty
                ier = v & 0x0f;
            }
            case 2 -> {
                fcr = v & 0xc9;
                if ((v & 0x02) != 0) { rxHead = 0; rxCount = 0; } // clear the receive FIFO
            }
            case 3 -> lcr = v;
            case 4 -> mcr = v & 0x1f;
            case 7 -> scr = v;
            default -> { }
        }
        updateIrq();
    }

    private void transmit(int b) {
        thrPending = true;
        transmitted++;
        if ((mcr & MCR_LOOP) != 0) {
            receive(new byte[] {(byte) b}, 0, 1);
            return;
        }
        try {
            out.write(b);
            if (b == '\n' || rxCount == 0) out.flush();
        } catch (IOException e) {
            // the host side of the console is gone: the guest's output is dropped, as on a cut line
        }
    }

    private int pop() {
        if (rxCount == 0) return 0;
        int b = rx[rxHead] & 0xff;
        rxHead = (rxHead + 1) % RX_CAPACITY;
        rxCount--;
        updateIrq();
        return b;
    }

    /** IIR: received data outranks THR empty; reading a THR-empty report clears it. */
    private int identify(boolean reading) {
        int fifo = (fcr & 1) != 0 ? IIR_FIFO : 0;
        if ((ier & IER_RDA) != 0 && rxCount > 0) return IIR_RDA | fifo;
        if ((ier & IER_THRE) != 0 && thrPending) {
            if (reading) {
                thrPending = false;
                updateIrq();
            }
            return IIR_THRE | fifo;
        }
        return IIR_NONE | fifo;
    }

    private void updateIrq() {
        irq.set((identify(false) & IIR_NONE) == 0);
    }
}
