package org.jvirt.kvm.pg;

import java.util.ArrayList;
import java.util.List;
import org.jvirt.kvm.pg.X86Classifier.Cell;
import org.jvirt.kvm.pg.X86Classifier.Report;
import org.jvirt.kvm.pg.X86Classifier.Row;
import org.jvirt.kvm.pg.X86Classifier.Verdict;

/** {@link X86Classifier.Report} as a table for people and as JSON. Everything printed was measured in the run. */
public final class X86Report {
    private X86Report() { }

    private static final String FORMAT = "%-26s %-18s %-16s %-11s| %-18s %-16s %-11s%n";

    public static String table(Report r) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("x86-64 on this host's KVM: %d probes, each at CPL 0 and CPL 3 in two worlds of control state, "
                + "with CR4.UMIP clear and set (%d ms).%n", r.rows().size(), r.millis()));
        sb.append("KVM_GET_SUPPORTED_CPUID offers UMIP: ").append(r.umipOffered() ? "yes" : "no")
                .append(r.umipProblem() == null ? "; the UMIP VM ran with CR4.UMIP set." : "; " + r.umipProblem() + ".").append("\n\n");
        sb.append(String.format(FORMAT, "instruction", "CPL 0", "CPL 3", "c b u priv", "CPL 0, UMIP", "CPL 3, UMIP", "c b u priv"));
        for (Row row : r.rows()) {
            Verdict p = row.plain(), u = row.umip();
            sb.append(String.format(FORMAT, row.instruction(), cell(p.cpl0()), cell(p.cpl3()), flags(p),
                    u == null ? "not run" : cell(u.cpl0()), u == null ? "" : cell(u.cpl3()), u == null ? "" : flags(u)));
        }
        sb.append("\n(-: completed; [..]: exits the VMM served on the way; c: control-sensitive, b: behaviour-sensitive, "
                + "u: user-sensitive, priv: traps at CPL 3 and not at CPL 0)\n\n");
        theorems(sb, r, false);
        if (r.umipProblem() == null) theorems(sb, r, true);
        List<String> changed = new ArrayList<>();
        for (Row row : r.rows())
            if (row.umip() != null && !row.umip().cpl3().text().equals(row.plain().cpl3().text()))
                changed.add(row.instruction() + " (" + row.plain().cpl3().text() + " -> " + row.umip().cpl3().text() + ")");
        if (r.umipProblem() == null)
            sb.append("What CR4.UMIP changed at CPL 3: ").append(changed.isEmpty() ? "nothing" : String.join(", ", changed)).append("\n\n");
        published(sb, r);
        sb.append("\nWhy each sensitive, unprivileged instruction is (without UMIP):\n");
        for (Row row : r.rows())
            if (row.plain().sensitive() && !row.plain().privileged()) sb.append("  ").append(row.instruction()).append(": ").append(row.plain().why()).append('\n');
        return sb.toString();
    }

    private static void theorems(StringBuilder sb, Report r, boolean umip) {
        String setting = umip ? "with CR4.UMIP" : "without UMIP";
        List<String> t1 = r.theorem1Violations(umip), t3 = r.theorem3Violations(umip);
        sb.append("Theorem 1, ").append(setting).append(": ").append(t1.isEmpty() ? "holds: every sensitive instruction probed is privileged."
                : "does not hold. Sensitive and not privileged: " + String.join(", ", t1) + ".").append('\n');
        sb.append("Theorem 3, ").append(setting).append(": ").append(t3.isEmpty()
                ? "holds for the probed instructions: none is user-sensitive without trapping, so a hybrid monitor that interprets the guest's CPL 0 code suffices."
                : "does not hold. User-sensitive and not privileged: " + String.join(", ", t3) + ".").append("\n\n");
    }

    /** Where this host agrees and disagrees with the published list of sensitive, unprivileged Pentium instructions. */
    private static void published(StringBuilder sb, Report r) {
        List<String> agree = new ArrayList<>(), disagree = new ArrayList<>(), extra = new ArrayList<>();
        for (Row row : r.rows()) {
            Verdict v = row.plain();
            boolean violation = v.sensitive() && !v.privileged();
            if (row.published() && violation) agree.add(row.instruction());
            else if (row.published()) disagree.add(row.instruction() + ": " + explain(v));
            else if (violation) extra.add(row.instruction());
        }
        sb.append("Against Robin and Irvine's list (2000) of sensitive, unprivileged instructions, without UMIP:\n");
        sb.append("  agrees (sensitive and unprivileged here too): ").append(agree.isEmpty() ? "none" : String.join(", ", agree)).append('\n');
        sb.append("  disagrees:\n");
        for (String d : disagree) sb.append("    ").append(d).append('\n');
        if (!extra.isEmpty()) sb.append("  sensitive and unprivileged here, not in the list: ").append(String.join(", ", extra)).append('\n');
    }

    private static String explain(Verdict v) {
        if (v.privileged()) return "privileged here (CPL 3: " + v.cpl3().text() + ")";
        if (!v.cpl0().completed() && !v.cpl3().completed()) return "completes at neither CPL (CPL 0: " + v.cpl0().text() + ", CPL 3: " + v.cpl3().text() + ")";
        if (!v.cpl0().completed()) return "CPL 0: " + v.cpl0().text() + ", so its CPL dependence cannot be measured; CPL 3: " + v.cpl3().text()
                + " and the same in both worlds";
        return "completes at both CPLs with the same result in both worlds and at both CPLs, for these operands";
    }

    private static String cell(Cell c) {
        String s = c.text();
        if (!c.exits().isEmpty()) s += " [" + c.exits().getFirst() + (c.exits().size() > 1 ? " +" + (c.exits().size() - 1) : "") + "]";
        return s;
    }

    private static String flags(Verdict v) {
        return (v.controlSensitive() ? "c " : "  ") + (v.behaviourSensitive() ? "b " : "  ") + (v.userSensitive() ? "u " : "  ")
                + (v.privileged() ? "yes" : "");
    }

    public static String json(Report r) {
        StringBuilder sb = new StringBuilder("{\"arch\":\"x86_64\",\"engine\":\"kvm\",\"millis\":").append(r.millis())
                .append(",\"umipOffered\":").append(r.umipOffered()).append(",\"umipProblem\":").append(q(r.umipProblem())).append(",\"rows\":[");
        for (int i = 0; i < r.rows().size(); i++) {
            Row row = r.rows().get(i);
            if (i > 0) sb.append(',');
            sb.append("{\"instruction\":").append(q(row.instruction())).append(",\"published\":").append(row.published())
                    .append(",\"plain\":").append(verdict(row.plain())).append(",\"umip\":").append(row.umip() == null ? "null" : verdict(row.umip())).append('}');
        }
        sb.append("],\"theorem1\":{\"plain\":").append(r.theorem1Violations(false).isEmpty());
        sb.append(",\"umip\":").append(r.umipProblem() == null ? String.valueOf(r.theorem1Violations(true).isEmpty()) : "null");
        sb.append("},\"theorem3\":{\"plain\":").append(r.theorem3Violations(false).isEmpty());
        sb.append(",\"umip\":").append(r.umipProblem() == null ? String.valueOf(r.theorem3Violations(true).isEmpty()) : "null").append("}}");
        return sb.toString();
    }

    private static String verdict(Verdict v) {
        return "{\"cpl0\":" + cellJson(v.cpl0()) + ",\"cpl3\":" + cellJson(v.cpl3()) + ",\"controlSensitive\":" + v.controlSensitive()
                + ",\"behaviourSensitive\":" + v.behaviourSensitive() + ",\"userSensitive\":" + v.userSensitive()
                + ",\"privileged\":" + v.privileged() + ",\"why\":" + q(v.why()) + "}";
    }

    private static String cellJson(Cell c) {
        StringBuilder e = new StringBuilder("[");
        for (int i = 0; i < c.exits().size(); i++) e.append(i > 0 ? "," : "").append(q(c.exits().get(i)));
        return "{\"result\":" + q(c.text()) + ",\"vector\":" + c.vector() + ",\"exits\":" + e + "],\"observed\":" + q(c.observed()) + "}";
    }

    /** A JSON string, or null. */
    public static String q(String s) {
        if (s == null) return "null";
        StringBuilder b = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            if (ch == '"' || ch == '\\') b.append('\\').append(ch);
            else if (ch < 0x20) b.append(String.format("\\u%04x", (int) ch));
            else b.append(ch);
        }
        return b.append('"').toString();
    }
}
