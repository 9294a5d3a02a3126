package org.jvirt.riscv;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jvirt.machine.Bus;
import org.jvirt.machine.Clock;
import org.jvirt.machine.GuestMemory;

/**
 * Popek and Goldberg's classification, measured on this hart rather than stated: every instruction
 * the decoder knows, and every CSR in a read and a write form, is executed once from a controlled
 * state in U, S and M mode, on a fresh hart each time.
 *
 * <ul>
 *   <li><b>Traps</b>: the exception it raised in each mode, if any.
 *   <li><b>Control-sensitive</b>: where it does not trap, it changed control state: the privilege,
 *       or a supervisor or machine CSR (those govern translation, interrupts, traps and protection;
 *       the scratch registers and counters are left out, as they govern nothing).
 *   <li><b>Behaviour-sensitive</b>: its result differs between the modes where it does not trap, or
 *       it reads control state (a supervisor or machine CSR) that a guest should see virtualized.
 *   <li><b>Privileged</b>: it traps in U-mode and not in M-mode, the mode a monitor runs in.
 * </ul>
 *
 * Theorem 1 (a trap-and-emulate monitor exists) holds when every sensitive instruction is privileged
 * in this sense: a guest kernel deprivileged to U-mode then traps on each of them. The same runs are
 * repeated with mstatus.TVM, TW and TSR set, which make satp, sfence.vma, wfi and sret trap in S-mode
 * too, so a monitor can also run a guest kernel in S-mode.
 */
public final class PopekGoldberg {
    private static final long RAM = 0x8000_0000L, CODE = RAM, DATA = RAM + 0x8000, TRAP = RAM + 0x4000;
    private static final int[] MODES = {Hart.U, Hart.S, Hart.M};
    private static final String[] MODE_NAMES = {"U", "S", "", "M"};

    /** One row: an instruction (or CSR access), what each mode did, and the verdicts. */
    public record Row(String instruction, String[] trapIn, String trapInSWithTvmTwTsr, boolean controlSensitive,
                      boolean behaviourSensitive, boolean privileged) {
        public boolean sensitive() { return controlSensitive || behaviourSensitive; }
    }

    /** The result of the whole classification. */
    public record Report(List<Row> rows) {
        /** Sensitive instructions that do not trap in U-mode: what breaks Theorem 1 (none, on RISC-V). */
        public List<Row> sensitiveNotPrivileged() {
            return rows.stream().filter(r -> r.sensitive() && !r.privileged()).toList();
        }
    }

    private record Outcome(String trap, long rd, long nextPc, Map<String, Long> control, int priv) { }

    private final Decoder decoder = Decoder.rv64gc();

    /** Classifies every instruction definition and every implemented CSR. */
    public Report classify() {
        List<Row> rows = new ArrayList<>();
        for (InsnSet.Def d : decoder.definitions()) {
            if (d.name().startsWith("csr")) continue; // by CSR, below
            rows.add(row(d.name(), sample(d)));
        }
        for (int csr : implementedCsrs()) {
            String name = String.format("0x%03x", csr);
            rows.add(row("csrrs " + name + " (read)", csrrs(5, csr, 0)));
            // Written three ways (x7, x8, x9 below), as one value may be ignored where another is taken (WARL).
            rows.add(row("csrrw " + name + " (write)", csrrw(5, csr, 7), csrrw(5, csr, 8), csrrw(5, csr, 9)));
        }
        return new Report(rows);
    }

    /** The row of an instruction tried as {@code words} (one, or several operand values): sensitive if any is. */
    private Row row(String name, int... words) {
        Row first = row(name, words[0]);
        boolean control = first.controlSensitive(), behaviour = first.behaviourSensitive();
        for (int i = 1; i < words.length; i++) {
            Row r = row(name, words[i]);
            control |= r.controlSensitive();
            behaviour |= r.behaviourSensitive();
        }
        return new Row(name, first.trapIn(), first.trapInSWithTvmTwTsr(), control, behaviour, first.privileged());
    }

    private Row row(String name, int word) {
        Outcome[] o = new Outcome[4];
        String[] traps = new String[3];
        for (int k = 0; k < 3; k++) {
            o[MODES[k]] = run(word, MODES[k], 0);
            traps[k] = o[MODES[k]].trap;
        }
        String strict = run(word, Hart.S, Csrs.TVM | Csrs.TW | Csrs.TSR).trap;
        boolean control = false, behaviour = false;
        Outcome base = null;
        for (int m : MODES) {
            Outcome r = o[m];
            if (r.trap != null) continue;
            Outcome before = nop(m); // the same state after an instruction that does nothing
            if (r.priv != m || !r.control.equals(before.control)) control = true;
            if (base != null && (base.rd != r.rd || base.nextPc != r.nextPc)) behaviour = true;
            if (base == null) base = r;
        }
        if (readsControlState(word) && base != null) behaviour = true; // (one that traps everywhere reads nothing)
        boolean privileged = o[Hart.U].trap != null && o[Hart.M].trap == null;
        return new Row(name, traps, strict, control, behaviour, privileged);
    }

    private static final int NOP = 0x13;
    /** What a nop leaves in each mode: every run starts from the same state, so one run per mode serves. */
    private final Outcome[] nops = new Outcome[4];

    private Outcome nop(int mode) {
        if (nops[mode] == null) nops[mode] = run(NOP, mode, 0);
        return nops[mode];
    }

    /** A CSR read of a supervisor or machine CSR reveals control state. */
    private static boolean readsControlState(int word) {
        if ((word & 0x7f) != 0x73 || ((word >>> 12) & 3) == 0) return false;
        int csr = word >>> 20;
        return isControlCsr(csr);
    }

    private static boolean isControlCsr(int csr) {
        int level = (csr >>> 8) & 3;
        boolean counter = (csr & 0xf00) == 0xb00 || (csr & 0xf00) == 0xc00 || (csr & 0xf00) == 0x700;
        boolean scratch = csr == 0x140 || csr == 0x340;
        return level != 0 && !counter && !scratch && csr != Csrs.MHARTID;
    }

    /** Runs {@code word} once in {@code mode} with the given mstatus trap bits, on a fresh hart. */
    private Outcome run(int word, int mode, long mstatusBits) {
        try (GuestMemory ram = GuestMemory.allocate(RAM, 1 << 16)) {
            Clock clock = new Clock() {
                public long frequency() { return 10_000_000; }
                public long ticks() { return 1000; }
            };
            Hart h = new Hart(0, new Bus(ram), decoder, clock);
            h.useEngine(Engine.INTERP);
            ram.writeInt(CODE, word);
            Insn probe = decoder.decode(NOP);
            h.csrs.write(Csrs.MTVEC, TRAP, probe);
            h.csrs.write(Csrs.STVEC, TRAP, probe);
            h.csrs.write(Csrs.MSTATUS, (1L << 13) | mstatusBits, probe); // FPU on: FP instructions are not the question
            h.csrs.write(Csrs.MEPC, CODE + 0x100, probe);
            h.csrs.write(Csrs.SEPC, CODE + 0x100, probe);
            h.csrs.pmp.writeAddr(0, -1L);
            h.csrs.pmp.writeCfg(0, 0x1f); // all memory open to S and U, as firmware leaves it
            for (int r = 1; r < 32; r++) h.x[r] = DATA + 8L * r;
            h.x[7] = 0x5a5a_0000_0000_0a0aL; // what write forms write: flips WARL bits where it can,
            h.x[8] = -1L;                     // sets every bit,
            h.x[9] = (8L << 60) | (RAM >>> 12); // or is a valid Sv39 satp
            h.setPrivilege(mode);
            h.pc = CODE;
            long traps = h.trapsTaken;
            h.stepOne();
            String trap = h.trapsTaken == traps ? null : Cause.name(h.csrs.mcause);
            return new Outcome(trap, h.x[5], h.pc, control(h), h.priv);
        }
    }

    private Map<String, Long> control(Hart h) {
        Map<String, Long> m = new LinkedHashMap<>();
        int priv = h.priv;
        h.priv = Hart.M;
        Insn probe = decoder.decode(NOP);
        for (int csr : implementedCsrs()) {
            if (!isControlCsr(csr)) continue;
            try {
                long v = h.csrs.read(csr, probe);
                // FS and SD record that FP registers were written (for context switches): bookkeeping that
                // every FP instruction does, not a change of the machine's configuration.
                if (csr == Csrs.MSTATUS || csr == 0x100) v &= ~(Csrs.FS | Long.MIN_VALUE);
                m.put(String.format("0x%03x", csr), v);
            } catch (Trap t) {
                // not readable: nothing to compare
            }
        }
        h.priv = priv;
        m.put("translation (TLB flushes)", h.mapEpoch);
        m.put("waiting for an interrupt", h.isWaiting() ? 1L : 0L);
        return m;
    }

    private List<Integer> csrs;

    /** The CSR numbers that M-mode can read. */
    private List<Integer> implementedCsrs() {
        if (csrs != null) return csrs;
        List<Integer> list = new ArrayList<>();
        try (GuestMemory ram = GuestMemory.allocate(RAM, 1 << 16)) {
            Hart h = new Hart(0, new Bus(ram), decoder, Clock.host(10_000_000));
            Insn probe = decoder.decode(NOP);
            for (int csr = 0; csr < 4096; csr++) {
                try {
                    h.csrs.read(csr, probe);
                    list.add(csr);
                } catch (Trap t) {
                    // not implemented
                }
            }
        }
        return csrs = List.copyOf(list);
    }

    /** An encoding of {@code d} with rd = x5, rs1 = x6, rs2 = x7 and the other operand bits zero. */
    private static int sample(InsnSet.Def d) {
        int operands = (5 << 7) | (6 << 15) | (7 << 20);
        int w = d.match() | (operands & ~d.mask());
        return d.matches(w) ? w : d.match();
    }

    private static int csrrs(int rd, int csr, int rs1) { return (csr << 20) | (rs1 << 15) | (2 << 12) | (rd << 7) | 0x73; }
    private static int csrrw(int rd, int csr, int rs1) { return (csr << 20) | (rs1 << 15) | (1 << 12) | (rd << 7) | 0x73; }

    /** The report as a table for people. */
    public static String table(Report r) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-28s %-22s %-22s %-22s %-22s %-4s %-4s %-4s%n", "instruction", "trap in U", "trap in S",
                "trap in M", "S, TVM+TW+TSR", "ctl", "beh", "priv"));
        for (Row row : r.rows()) {
            if (!row.sensitive() && row.trapIn()[0] == null && row.trapIn()[1] == null) continue; // innocuous: counted below
            sb.append(String.format("%-28s %-22s %-22s %-22s %-22s %-4s %-4s %-4s%n", row.instruction(), dash(row.trapIn()[0]),
                    dash(row.trapIn()[1]), dash(row.trapIn()[2]), dash(row.trapInSWithTvmTwTsr()), yes(row.controlSensitive()),
                    yes(row.behaviourSensitive()), yes(row.privileged())));
        }
        long innocuous = r.rows().stream().filter(x -> !x.sensitive() && x.trapIn()[0] == null && x.trapIn()[1] == null).count();
        long sensitive = r.rows().stream().filter(Row::sensitive).count();
        sb.append(String.format("%n%d instructions and CSR accesses classified: %d sensitive, %d innocuous and unprivileged (not listed).%n",
                r.rows().size(), sensitive, innocuous));
        List<Row> bad = r.sensitiveNotPrivileged();
        sb.append(bad.isEmpty()
                ? "Theorem 1: holds. Every sensitive instruction traps in U-mode and runs in M-mode, so a guest kernel run in U-mode\n"
                  + "can be virtualized by trap-and-emulate. Theorem 3 (hybrid monitor) holds a fortiori. Theorem 2 (recursive\n"
                  + "virtualization) needs Theorem 1 and no timing dependences: the counters (cycle, time, instret) are readable in\n"
                  + "U-mode only where mcounteren/scounteren allow, so a monitor can make them trap as well.\n"
                : "Theorem 1: does not hold. Sensitive but unprivileged: " + bad.stream().map(Row::instruction).toList() + "\n");
        return sb.toString();
    }

    /** The report as JSON, one object per row. */
    public static String json(Report r) {
        StringBuilder sb = new StringBuilder("{\"arch\":\"riscv64\",\"rows\":[");
        for (int i = 0; i < r.rows().size(); i++) {
            Row row = r.rows().get(i);
            if (i > 0) sb.append(',');
            sb.append(String.format("{\"instruction\":\"%s\",\"trapU\":%s,\"trapS\":%s,\"trapM\":%s,\"trapSStrict\":%s,"
                            + "\"controlSensitive\":%b,\"behaviourSensitive\":%b,\"privileged\":%b}",
                    row.instruction(), q(row.trapIn()[0]), q(row.trapIn()[1]), q(row.trapIn()[2]), q(row.trapInSWithTvmTwTsr()),
                    row.controlSensitive(), row.behaviourSensitive(), row.privileged()));
        }
        sb.append("],\"theorem1\":").append(r.sensitiveNotPrivileged().isEmpty()).append('}');
        return sb.toString();
    }

    private static String q(String s) { return s == null ? "null" : "\"" + s + "\""; }
    private static String dash(String s) { return s == null ? "-" : s; }
    private static String yes(boolean b) { return b ? "yes" : ""; }
}
