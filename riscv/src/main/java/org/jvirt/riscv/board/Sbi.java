package org.jvirt.riscv.board;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jvirt.machine.GuestMemory;
import org.jvirt.riscv.Hart;

/**
 * The RISC-V Supervisor Binary Interface (SBI specification 2.0), implemented in Java: the
 * paravirtual contract between a guest kernel and this machine. An S-mode {@code ecall} is a
 * hypercall: the hart hands it here and continues after it, with no M-mode code involved.
 * Implemented: Base, TIME, IPI, RFENCE, HSM, SRST, DBCN and the legacy extensions 0x00-0x08.
 */
public final class Sbi implements Hart.Firmware {
    /** What the firmware needs from the machine it runs on. */
    public interface Platform {
        GuestMemory ram();
        List<Hart> harts();
        /** Program hart {@code hart}'s S-mode timer: STIP rises when time reaches {@code when}. */
        void setTimer(int hart, long when);
        /** The guest asked to power off (0) or to reboot (cold 1, warm 2). */
        void reset(int type, int reason);
        void consoleWrite(byte[] bytes);
        /** Up to {@code max} bytes typed on the console, or an empty array. */
        byte[] consoleRead(int max);
    }

    static final long SUCCESS = 0, ERR_FAILED = -1, ERR_NOT_SUPPORTED = -2, ERR_INVALID_PARAM = -3,
            ERR_INVALID_ADDRESS = -5, ERR_ALREADY_AVAILABLE = -6, ERR_ALREADY_STARTED = -7, ERR_ALREADY_STOPPED = -8;
    static final int EXT_BASE = 0x10, EXT_TIME = 0x54494D45, EXT_IPI = 0x735049, EXT_RFENCE = 0x52464E43,
            EXT_HSM = 0x48534D, EXT_SRST = 0x53525354, EXT_DBCN = 0x4442434E;
    /** HSM states. */
    public static final int STARTED = 0, STOPPED = 1, START_PENDING = 2, SUSPENDED = 4;
    private static final long SPEC_VERSION = 2L << 24;
    /** Implementation id: not one of the registered ids, so that no guest mistakes this for another. */
    static final long IMPL_ID = 0x4A56; // "JV"
    private static final int A0 = 10, A1 = 11, A2 = 12, A6 = 16, A7 = 17;

    private final Platform platform;
    private final int[] state;
    private final Map<String, Long> calls = new TreeMap<>();

    public Sbi(Platform platform) {
        this.platform = platform;
        this.state = new int[platform.harts().size()];
        java.util.Arrays.fill(state, STOPPED);
    }

    /** HSM state of each hart; the boot hart is marked started by the board. */
    public int state(int hart) { return state[hart]; }

    public void markStarted(int hart) { state[hart] = STARTED; }

    /** Calls served, by extension name. */
    public Map<String, Long> calls() { return Map.copyOf(calls); }

    @Override
    public void call(Hart h) {
        long[] x = h.x;
        int eid = (int) x[A7], fid = (int) x[A6];
        if (eid >= 0 && eid <= 0x0f) {
            count("legacy");
            x[A0] = legacy(h, eid, x[A0]);
            return;
        }
        long[] r = switch (eid) {
            case EXT_BASE -> { count("base"); yield base(fid, x[A0]); }
            case EXT_TIME -> { count("time"); yield fid == 0 ? timer(h, x[A0]) : err(ERR_NOT_SUPPORTED); }
            case EXT_IPI -> { count("ipi"); yield fid == 0 ? ipi(x[A0], x[A1]) : err(ERR_NOT_SUPPORTED); }
            case EXT_RFENCE -> { count("rfence"); yield rfence(fid, x[A0], x[A1]); }
            case EXT_HSM -> { count("hsm"); yield hsm(h, fid, x[A0], x[A1], x[A2]); }
            case EXT_SRST -> { count("srst"); yield reset(fid, x[A0], x[A1]); }
            case EXT_DBCN -> { count("dbcn"); yield console(fid, x[A0], x[A1], x[A2]); }
            default -> { count("unsupported"); yield err(ERR_NOT_SUPPORTED); }
        };
        x[A0] = r[0];
        x[A1] = r[1];
    }

    private void count(String ext) {
        calls.merge(ext, 1L, Long::sum);
    }

    private static long[] ok(long value) { return new long[] {SUCCESS, value}; }

    private static long[] err(long code) { return new long[] {code, 0}; }

    private long legacy(Hart h, int eid, long a0) {
        return switch (eid) {
            case 0x00 -> timer(h, a0)[0];
            case 0x01 -> { platform.consoleWrite(new byte[] {(byte) a0}); yield 0; }
            case 0x02 -> { byte[] b = platform.consoleRead(1); yield b.length == 0 ? -1 : b[0] & 0xff; }
            case 0x03 -> 0; // clear_ipi: S-mode clears SSIP itself through sip
            case 0x04 -> { // send_ipi(const unsigned long *hart_mask): a pointer in S-mode's address space
                Long mask = readVirtual(h, a0);
                yield mask == null ? ERR_INVALID_ADDRESS : ipi(mask, 0)[0];
            }
            case 0x05, 0x06, 0x07 -> { // remote fences with a pointer to the mask: fence everyone
                for (Hart t : platform.harts()) t.mmu().flush();
                yield 0;
            }
            case 0x08 -> { platform.reset(0, 0); yield 0; }
            default -> ERR_NOT_SUPPORTED;
        };
    }

    /** Reads a 64-bit value at S-mode virtual address {@code va}, or null where that faults. */
    private static Long readVirtual(Hart h, long va) {
        try {
            return h.mmu().load64(va);
        } catch (RuntimeException trap) {
            return null;
        }
    }

    private long[] base(int fid, long a0) {
        return switch (fid) {
            case 0 -> ok(SPEC_VERSION);
            case 1 -> ok(IMPL_ID);
            case 2 -> ok(1);
            case 3 -> ok(switch ((int) a0) {
                case EXT_BASE, EXT_TIME, EXT_IPI, EXT_RFENCE, EXT_HSM, EXT_SRST, EXT_DBCN, 0, 1, 2, 3, 4, 5, 6, 7, 8 -> 1;
                default -> 0;
            });
            case 4, 5, 6 -> ok(0); // mvendorid, marchid, mimpid
            default -> err(ERR_NOT_SUPPORTED);
        };
    }

    private long[] timer(Hart h, long when) {
        platform.setTimer(h.id, when);
        return ok(0);
    }

    /** The harts a (mask, base) pair names; base -1 means all harts. Null for an invalid pair. */
    private boolean[] targets(long mask, long base) {
        int n = platform.harts().size();
        boolean[] t = new boolean[n];
        if (base == -1) {
            java.util.Arrays.fill(t, true);
            return t;
        }
        for (int bit = 0; bit < 64; bit++) {
            if (((mask >>> bit) & 1) == 0) continue;
            long id = base + bit;
            if (id < 0 || id >= n) return null;
            t[(int) id] = true;
        }
        return t;
    }

    private long[] ipi(long mask, long base) {
        boolean[] t = targets(mask, base);
        if (t == null) return err(ERR_INVALID_PARAM);
        for (int i = 0; i < t.length; i++) if (t[i]) platform.harts().get(i).raiseSupervisorSoftwareInterrupt();
        return ok(0);
    }

    private long[] rfence(int fid, long mask, long base) {
        if (fid > 2) return err(ERR_NOT_SUPPORTED); // hypervisor fences: no H extension
        boolean[] t = targets(mask, base);
        if (t == null) return err(ERR_INVALID_PARAM);
        // fence.i needs nothing (stores drop decoded code at once); sfence.vma: flush the targets' TLBs
        for (int i = 0; i < t.length; i++) if (t[i] && fid != 0) platform.harts().get(i).mmu().flush();
        return ok(0);
    }

    private long[] hsm(Hart h, int fid, long a0, long a1, long a2) {
        int n = platform.harts().size();
        return switch (fid) {
            case 0 -> { // hart_start(hartid, start_addr, opaque)
                if (a0 < 0 || a0 >= n) yield err(ERR_INVALID_PARAM);
                if (state[(int) a0] != STOPPED) yield err(ERR_ALREADY_AVAILABLE);
                if (!platform.ram().contains(a1, 4)) yield err(ERR_INVALID_ADDRESS);
                Hart t = platform.harts().get((int) a0);
                t.bootSupervisor(this, a1, a2);
                state[(int) a0] = STARTED;
                yield ok(0);
            }
            case 1 -> { // hart_stop(): the hart leaves the run
                state[h.id] = STOPPED;
                h.requestStop();
                yield ok(0);
            }
            case 2 -> a0 >= 0 && a0 < n ? ok(state[(int) a0]) : err(ERR_INVALID_PARAM);
            case 3 -> { // hart_suspend: only the default retentive kind, which behaves like WFI
                if (a0 != 0) yield err(ERR_NOT_SUPPORTED);
                h.suspendUntilInterrupt();
                yield ok(0);
            }
            default -> err(ERR_NOT_SUPPORTED);
        };
    }

    private long[] reset(int fid, long type, long reason) {
        if (fid != 0) return err(ERR_NOT_SUPPORTED);
        if (type < 0 || type > 2) return err(ERR_INVALID_PARAM);
        platform.reset((int) type, (int) reason);
        return ok(0);
    }

    private long[] console(int fid, long a0, long a1, long a2) {
        GuestMemory ram = platform.ram();
        return switch (fid) {
            case 0, 1 -> { // write or read num_bytes at the physical address a2:a1 (DBCN takes physical addresses)
                long addr = a1; // on RV64 the high half, a2, must be zero
                if (a2 != 0 || a0 < 0 || !ram.contains(addr, a0)) yield err(ERR_INVALID_PARAM);
                if (fid == 0) {
                    byte[] b = new byte[(int) Math.min(a0, 1 << 16)];
                    ram.segment().asSlice(addr - ram.base(), b.length).asByteBuffer().get(b);
                    platform.consoleWrite(b);
                    yield ok(b.length);
                }
                byte[] in = platform.consoleRead((int) Math.min(a0, 1 << 16));
                ram.load(addr, in, 0, in.length);
                yield ok(in.length);
            }
            case 2 -> { platform.consoleWrite(new byte[] {(byte) a0}); yield ok(0); }
            default -> err(ERR_NOT_SUPPORTED);
        };
    }
}
