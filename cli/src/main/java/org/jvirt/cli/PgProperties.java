package org.jvirt.cli;

import java.util.ArrayList;
import java.util.List;
import org.jvirt.kvm.KvmUnavailableException;
import org.jvirt.kvm.pg.KvmProperties;
import org.jvirt.kvm.pg.X86Report;
import org.jvirt.riscv.Engine;
import org.jvirt.riscv.PgProperties.EngineRun;

/**
 * {@code jvirt pg properties}: efficiency, equivalence and resource control measured on every engine
 * this host has, on one workload. The engines' own figures are reused: the translator's
 * translated-instruction count is the one {@code --stats} prints, the traps are the hart's counters.
 */
final class PgProperties {
    private PgProperties() { }

    /** Everything measured: the RISC-V engines always, KVM when /dev/kvm opens (else why not). */
    record Measured(long iterations, List<EngineRun> riscv, List<org.jvirt.riscv.PgProperties.Probe> riscvProbes,
                    KvmProperties.Report kvm, String kvmUnavailable) {
        boolean riscvEquivalent() { return org.jvirt.riscv.PgProperties.equivalent(riscv.get(0), riscv.get(1)); }
    }

    static Measured measure(long iterations) {
        org.jvirt.riscv.PgProperties p = new org.jvirt.riscv.PgProperties();
        List<EngineRun> runs = new ArrayList<>();
        List<org.jvirt.riscv.PgProperties.Probe> probes = new ArrayList<>();
        for (Engine e : new Engine[] {Engine.INTERP, Engine.DBT}) {
            runs.add(p.run(e, iterations));
            probes.addAll(p.resources(e));
        }
        KvmProperties.Report kvm = null;
        String why = null;
        try {
            kvm = new KvmProperties().measure(iterations);
        } catch (KvmUnavailableException e) {
            why = e.getMessage();
        }
        return new Measured(iterations, runs, probes, kvm, why);
    }

    static String table(Measured m) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("One workload on every engine: workload.h's loop (xorshift64, a 1024-entry table), %,d iterations,%n"
                + "as RV64 code (%d instructions per iteration) and x86-64 code (%d per iteration).%n%n", m.iterations(),
                org.jvirt.riscv.PgProperties.PER_ITERATION, org.jvirt.kvm.pg.X86Workload.PER_ITERATION));
        sb.append("Efficiency: the fraction of guest instructions run without the monitor's intervention\n");
        sb.append(String.format("  %-7s %15s %15s %15s %9s  %s%n", "engine", "known count", "retired", "without monitor", "fraction", "time"));
        for (EngineRun r : m.riscv())
            sb.append(String.format("  %-7s %,15d %,15d %,15d %8.2f%%  %d ms%n", r.engine(), org.jvirt.riscv.PgProperties.instructions(m.iterations()),
                    r.instructions(), r.translated(), 100 * r.efficiency(), r.millis()));
        KvmProperties.Report k = m.kvm();
        if (k != null && k.efficiency() != null) {
            KvmProperties.Efficiency e = k.efficiency();
            long exits = e.allExits() >= 0 ? e.allExits() : e.vmmExits();
            sb.append(String.format("  %-7s %,15d %15s %,15d %8.4f%%  %d ms%n", "kvm", e.instructions(), "(known)",
                    e.instructions() - exits, 100 * e.fraction(), e.millis()));
            sb.append(String.format("          exits that reached the VMM: %d%s; all exits (KVM's own counter): %s%n", e.vmmExits(),
                    e.exitKinds().isEmpty() ? "" : " " + e.exitKinds(), e.allExits() >= 0 ? String.format("%,d %s", e.allExits(), e.kernelCounters())
                            : "not available (no KVM_GET_STATS_FD)"));
        } else {
            sb.append("  kvm     not measured: ").append(k == null ? m.kvmUnavailable() : k.failure()).append('\n');
        }
        sb.append("  (interp: every instruction is the monitor's work; dbt: instructions run in translated code, the figure --stats prints;\n"
                + "   kvm: 1 - all exits (KVM's counter) / instructions, counted from the code)\n\n");
        sb.append("Equivalence\n");
        EngineRun a = m.riscv().get(0), b = m.riscv().get(1);
        sb.append(String.format("  interp and dbt: console %s / %s, final state %s / %s: %s%n", a.console().strip(), b.console().strip(),
                a.stateHash(), b.stateHash(), m.riscvEquivalent() ? "identical" : "DIFFERENT"));
        if (k != null && k.equivalence() != null) {
            KvmProperties.Equivalence q = k.equivalence();
            sb.append(String.format("  kvm and native (the same bytes called in this process): %x / %x: %s%n", q.guest(), q.nativeResult(),
                    q.holds() ? "identical" : "DIFFERENT"));
            sb.append(String.format("  riscv64 and x86-64 checksums: %s / %x: %s%n", a.console().strip(), q.guest(),
                    Long.parseUnsignedLong(a.console().strip(), 16) == q.guest() ? "identical" : "DIFFERENT"));
        }
        sb.append("\nResource control\n");
        for (org.jvirt.riscv.PgProperties.Probe p : m.riscvProbes())
            sb.append(String.format("  %-7s %s%n          -> %s [%s]%n", p.engine(), p.attempt(), p.outcome(), p.contained() ? "contained" : "NOT CONTAINED"));
        if (k != null)
            for (KvmProperties.Probe p : k.resources())
                sb.append(String.format("  %-7s %s%n          -> %s [%s]%n", "kvm", p.attempt(), p.outcome(), p.contained() ? "contained" : "NOT CONTAINED"));
        return sb.toString();
    }

    static String json(Measured m) {
        StringBuilder sb = new StringBuilder("{\"iterations\":").append(m.iterations()).append(",\"engines\":[");
        for (EngineRun r : m.riscv())
            sb.append(String.format("{\"engine\":\"%s\",\"arch\":\"riscv64\",\"knownInstructions\":%d,\"retired\":%d,\"withoutMonitor\":%d,"
                            + "\"efficiency\":%.6f,\"millis\":%d,\"console\":%s,\"stateHash\":\"%s\"},", r.engine(),
                    org.jvirt.riscv.PgProperties.instructions(m.iterations()), r.instructions(), r.translated(), r.efficiency(), r.millis(),
                    X86Report.q(r.console()), r.stateHash()));
        KvmProperties.Report k = m.kvm();
        if (k != null && k.efficiency() != null) {
            KvmProperties.Efficiency e = k.efficiency();
            sb.append(String.format("{\"engine\":\"kvm\",\"arch\":\"x86_64\",\"knownInstructions\":%d,\"vmmExits\":%d,\"allExits\":%d,"
                    + "\"efficiency\":%.6f,\"millis\":%d}", e.instructions(), e.vmmExits(), e.allExits(), e.fraction(), e.millis()));
        } else {
            sb.append("{\"engine\":\"kvm\",\"arch\":\"x86_64\",\"unavailable\":").append(X86Report.q(k == null ? m.kvmUnavailable() : k.failure())).append('}');
        }
        sb.append("],\"equivalence\":{\"interpDbt\":").append(m.riscvEquivalent());
        sb.append(",\"kvmNative\":").append(k != null && k.equivalence() != null ? String.valueOf(k.equivalence().holds()) : "null").append("},\"resources\":[");
        List<String> rows = new ArrayList<>();
        for (org.jvirt.riscv.PgProperties.Probe p : m.riscvProbes())
            rows.add(String.format("{\"engine\":\"%s\",\"attempt\":%s,\"outcome\":%s,\"contained\":%b}", p.engine(), X86Report.q(p.attempt()),
                    X86Report.q(p.outcome()), p.contained()));
        if (k != null)
            for (KvmProperties.Probe p : k.resources())
                rows.add(String.format("{\"engine\":\"kvm\",\"attempt\":%s,\"outcome\":%s,\"contained\":%b}", X86Report.q(p.attempt()),
                        X86Report.q(p.outcome()), p.contained()));
        sb.append(String.join(",", rows)).append("]}");
        return sb.toString();
    }
}
