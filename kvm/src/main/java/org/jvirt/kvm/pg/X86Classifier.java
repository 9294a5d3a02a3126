package org.jvirt.kvm.pg;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jvirt.kvm.NativeException;
import org.jvirt.kvm.Regs;
import org.jvirt.kvm.pg.ProbeVm.Result;
import org.jvirt.kvm.pg.ProbeVm.World;

/**
 * Popek and Goldberg's classification of x86-64 instructions, measured on this host's KVM. Every
 * probe of {@link X86Probes} runs four times per VM: at CPL 0 and CPL 3, each in two worlds that
 * differ only in control state the guest cannot see without asking (GDTR, IDTR, LDTR, TR, CR0.TS,
 * RFLAGS.IF). One VM runs with CR4.UMIP clear and one with it set.
 *
 * <ul>
 *   <li><b>Privileged</b>: raises an exception at CPL 3 and completes at CPL 0.
 *   <li><b>Control-sensitive</b>: where it completed, the control state afterwards differs from
 *       what the VMM set (CR0, CR3, CR4, EFER, GDTR, IDTR, LDTR, TR, CS, SS, RFLAGS.IF and IOPL).
 *   <li><b>Behaviour-sensitive</b>: its result (registers, flags, the memory it may write) differs
 *       between the two worlds at the same CPL, so it reveals control state; or between CPL 0 and
 *       CPL 3 in the same world, so it depends on the mode.
 *   <li><b>User-sensitive</b> (Theorem 3): sensitive as run at CPL 3: the worlds differ there, or
 *       it changed control state there.
 * </ul>
 */
public final class X86Classifier {
    /** How long a probe may run before it is reported as a hang. */
    public static final long WATCHDOG_MILLIS = 250;

    /** One probe's outcome at one CPL, for people: "-" for completed, else the exception or what stopped it. */
    public record Cell(String text, Integer vector, List<String> exits, String observed) {
        public boolean completed() { return text.equals("-"); }
    }

    /** A probe's verdicts under one CR4.UMIP setting. */
    public record Verdict(Cell cpl0, Cell cpl3, boolean controlSensitive, boolean behaviourSensitive, boolean userSensitive,
                          boolean privileged, String why) {
        public boolean sensitive() { return controlSensitive || behaviourSensitive; }
    }

    /** One instruction: its verdicts without and with UMIP (null where UMIP could not be set). */
    public record Row(String instruction, boolean published, Verdict plain, Verdict umip) { }

    /** The whole classification. */
    public record Report(List<Row> rows, boolean umipOffered, String umipProblem, long millis) {
        public List<String> theorem1Violations(boolean withUmip) {
            return rows.stream().filter(r -> pick(r, withUmip) != null && pick(r, withUmip).sensitive() && !pick(r, withUmip).privileged())
                    .map(Row::instruction).toList();
        }

        public List<String> theorem3Violations(boolean withUmip) {
            return rows.stream().filter(r -> pick(r, withUmip) != null && pick(r, withUmip).userSensitive() && !pick(r, withUmip).privileged())
                    .map(Row::instruction).toList();
        }

        static Verdict pick(Row r, boolean withUmip) { return withUmip ? r.umip() : r.plain(); }
    }

    /** Runs every probe with CR4.UMIP clear, then set; throws KvmUnavailableException where /dev/kvm cannot be used. */
    public Report classify() {
        long start = System.nanoTime();
        List<X86Probes.Probe> probes = X86Probes.all();
        List<Verdict> plain = runAll(probes, false);
        List<Verdict> umip;
        String umipProblem = null;
        boolean offered;
        try (ProbeVm vm = new ProbeVm(true, WATCHDOG_MILLIS)) {
            offered = vm.kvmOffersUmip();
            List<Verdict> v = null;
            try {
                ProbeVm.Control c = vm.expectedControl(0, World.A);
                if ((c.cr4() & ProbeVm.CR4_UMIP) == 0) umipProblem = "KVM accepted CR4.UMIP but reads it back clear";
                else v = runAll(vm, probes);
            } catch (NativeException e) {
                umipProblem = "KVM_SET_SREGS refused CR4.UMIP (" + e.getMessage() + ")";
            }
            umip = v;
        }
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < probes.size(); i++)
            rows.add(new Row(probes.get(i).name(), probes.get(i).published(), plain.get(i), umip == null ? null : umip.get(i)));
        return new Report(List.copyOf(rows), offered, umipProblem, (System.nanoTime() - start) / 1_000_000);
    }

    private List<Verdict> runAll(List<X86Probes.Probe> probes, boolean umip) {
        try (ProbeVm vm = new ProbeVm(umip, WATCHDOG_MILLIS)) {
            return runAll(vm, probes);
        }
    }

    private static List<Verdict> runAll(ProbeVm vm, List<X86Probes.Probe> probes) {
        ProbeVm.Control[][] before = new ProbeVm.Control[4][2];
        for (int cpl : new int[] {0, 3})
            for (World w : World.values()) before[cpl][w.ordinal()] = vm.expectedControl(cpl, w);
        List<Verdict> out = new ArrayList<>();
        for (X86Probes.Probe p : probes) {
            Result[][] r = new Result[4][2];
            for (int cpl : new int[] {0, 3})
                for (World w : World.values()) r[cpl][w.ordinal()] = vm.run(p.code(), p.setup().apply(cpl), cpl, w);
            out.add(verdict(p, r, before));
        }
        return out;
    }

    private static Verdict verdict(X86Probes.Probe p, Result[][] r, ProbeVm.Control[][] before) {
        List<String> why = new ArrayList<>();
        boolean control = false, behaviour = false, user = false;
        for (int cpl : new int[] {0, 3}) {
            for (World w : World.values()) {
                if (r[cpl][w.ordinal()] instanceof Result.Completed c && !c.control().equals(before[cpl][w.ordinal()])) {
                    control = true;
                    if (cpl == 3) user = true;
                    why.add("changes control state at CPL " + cpl + " in world " + w + ": " + diff(before[cpl][w.ordinal()], c.control()));
                }
            }
            if (r[cpl][0] instanceof Result.Completed a && r[cpl][1] instanceof Result.Completed b) {
                String d = differs(p, a, b, true);
                if (d != null) {
                    behaviour = true;
                    if (cpl == 3) user = true;
                    why.add("reveals control state at CPL " + cpl + " (worlds A and B: " + d + ")");
                }
            }
        }
        if (r[0][0] instanceof Result.Completed k && r[3][0] instanceof Result.Completed u) {
            String d = differs(p, k, u, false);
            if (d != null) {
                behaviour = true;
                why.add("depends on the CPL (CPL 0 and CPL 3: " + d + ")");
            }
        }
        boolean privileged = r[3][0] instanceof Result.Faulted && r[0][0] instanceof Result.Completed;
        return new Verdict(cell(p, r[0][0]), cell(p, r[3][0]), control, behaviour, user, privileged, String.join("; ", why));
    }

    private static final String[] GPR = {"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rsp", "rbp"};

    /**
     * What differs between two completed runs, or null. Across worlds RFLAGS.IF is left out, as it is
     * part of what the VMM set differently (PUSHF shows it through the bytes it pushed).
     */
    private static String differs(X86Probes.Probe p, Result.Completed a, Result.Completed b, boolean acrossWorlds) {
        long[] x = gprs(a.regs()), y = gprs(b.regs());
        for (int i = 0; i < x.length; i++) {
            final int reg = i;
            if (Arrays.stream(p.volatileRegs()).anyMatch(v -> v == reg)) continue;
            if (x[i] != y[i]) return String.format("%s 0x%x vs 0x%x", GPR[i], x[i], y[i]);
        }
        long mask = acrossWorlds ? ~0x200L : -1L, fa = a.regs().rflags() & mask, fb = b.regs().rflags() & mask;
        if (fa != fb) return String.format("rflags 0x%x vs 0x%x", fa, fb);
        if (a.regs().rip() != b.regs().rip()) return String.format("rip 0x%x vs 0x%x", a.regs().rip(), b.regs().rip());
        if (!Arrays.equals(a.dataChange(), b.dataChange())) return "what it stored at [rbx]: " + changed(a.dataChange()) + " vs " + changed(b.dataChange());
        if (!Arrays.equals(a.stackChange(), b.stackChange())) return "what it pushed: " + changed(a.stackChange()) + " vs " + changed(b.stackChange());
        return null;
    }

    /** The changed bytes as little-endian hex, from the first to the last changed one. */
    static String changed(byte[] delta) {
        int lo = 0, hi = delta.length - 1;
        while (lo < delta.length && delta[lo] == 0) lo++;
        while (hi >= 0 && delta[hi] == 0) hi--;
        if (lo > hi) return "nothing";
        StringBuilder b = new StringBuilder();
        for (int i = lo; i <= hi; i++) b.append(String.format("%02x", delta[i] & 0xff));
        return b.toString();
    }

    private static long[] gprs(Regs r) {
        return new long[] {r.rax(), r.rbx(), r.rcx(), r.rdx(), r.rsi(), r.rdi(), r.rsp(), r.rbp()};
    }

    private static String diff(ProbeVm.Control a, ProbeVm.Control b) {
        List<String> d = new ArrayList<>();
        if (a.cr0() != b.cr0()) d.add(String.format("cr0 0x%x -> 0x%x", a.cr0(), b.cr0()));
        if (a.cr3() != b.cr3()) d.add(String.format("cr3 0x%x -> 0x%x", a.cr3(), b.cr3()));
        if (a.cr4() != b.cr4()) d.add(String.format("cr4 0x%x -> 0x%x", a.cr4(), b.cr4()));
        if (a.efer() != b.efer()) d.add(String.format("efer 0x%x -> 0x%x", a.efer(), b.efer()));
        if (a.gdtBase() != b.gdtBase() || a.gdtLimit() != b.gdtLimit()) d.add(String.format("gdtr 0x%x -> 0x%x", a.gdtBase(), b.gdtBase()));
        if (a.idtBase() != b.idtBase() || a.idtLimit() != b.idtLimit()) d.add(String.format("idtr 0x%x -> 0x%x", a.idtBase(), b.idtBase()));
        if (a.ldtr() != b.ldtr()) d.add(String.format("ldtr 0x%x -> 0x%x", a.ldtr(), b.ldtr()));
        if (a.tr() != b.tr()) d.add(String.format("tr 0x%x -> 0x%x", a.tr(), b.tr()));
        if (a.cs() != b.cs()) d.add(String.format("cs 0x%x -> 0x%x", a.cs(), b.cs()));
        if (a.ss() != b.ss()) d.add(String.format("ss 0x%x -> 0x%x", a.ss(), b.ss()));
        if (a.flagsIfIopl() != b.flagsIfIopl()) d.add(String.format("rflags.IF/IOPL 0x%x -> 0x%x", a.flagsIfIopl(), b.flagsIfIopl()));
        return String.join(", ", d);
    }

    private static Cell cell(X86Probes.Probe p, Result r) {
        return switch (r) {
            case Result.Completed c -> new Cell("-", null, c.exits(), String.format("rax=0x%x rflags=0x%x [rbx]^=%s stack^=%s",
                    c.regs().rax(), c.regs().rflags(), changed(c.dataChange()), changed(c.stackChange())));
            case Result.Faulted f -> {
                String s = vectorName(f.vector()) + (f.errorCode() >= 0 ? "(" + Long.toHexString(f.errorCode()) + ")" : "");
                // an exception not at the probe's instruction (e.g. in code a far transfer reached) is marked
                if (f.rip() < ProbeVm.CODE || f.rip() >= ProbeVm.CODE + p.code().length) s += String.format(" at 0x%x", f.rip());
                yield new Cell(s, f.vector(), f.exits(), null);
            }
            case Result.Hang h -> new Cell("hang (" + h.millis() + " ms)", null, h.exits(), null);
            case Result.Stopped s -> new Cell(s.why(), null, s.exits(), null);
        };
    }

    static String vectorName(int v) {
        return switch (v) {
            case 0 -> "#DE"; case 1 -> "#DB"; case 3 -> "#BP"; case 4 -> "#OF"; case 5 -> "#BR"; case 6 -> "#UD"; case 7 -> "#NM";
            case 8 -> "#DF"; case 10 -> "#TS"; case 11 -> "#NP"; case 12 -> "#SS"; case 13 -> "#GP"; case 14 -> "#PF";
            case 16 -> "#MF"; case 17 -> "#AC"; case 18 -> "#MC"; case 19 -> "#XM"; case 21 -> "#CP";
            default -> "vector " + v;
        };
    }
}
