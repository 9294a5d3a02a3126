package org.jvirt.oci;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Assembles config.json's linux.seccomp into a classic BPF program for x86_64, so that the C helper
 * only has to load it. The program checks the architecture, then tries the rules in order: for each
 * syscall name, "load nr; if not equal skip the block; check the argument conditions; return the
 * action"; whatever matches nothing gets defaultAction.
 */
final class Seccomp {
    private Seccomp() {}

    private static final int AUDIT_ARCH_X86_64 = 0xc000003e, AUDIT_ARCH_I386 = 0x40000003;
    private static final int JA = 0x05, LD_W_ABS = 0x20, JEQ_K = 0x15, JGT_K = 0x25, JGE_K = 0x35, RET_K = 0x06, AND_K = 0x54;
    private static final int RET_KILL_PROCESS = 0x80000000, RET_KILL_THREAD = 0, RET_TRAP = 0x00030000,
            RET_ERRNO = 0x00050000, RET_TRACE = 0x7ff00000, RET_LOG = 0x7ffc0000, RET_ALLOW = 0x7fff0000;
    private static final int EPERM = 1;

    private record Insn(int code, int jt, int jf, int k) {}

    private static final Map<String, Map<String, Integer>> TABLES = new HashMap<>();

    /** Syscall name to number for "x86_64" or "i386", from the kernel headers the build used. */
    static synchronized Map<String, Integer> syscallTable(String arch) {
        Map<String, Integer> known = TABLES.get(arch);
        if (known != null) return known;
        Map<String, Integer> m = new HashMap<>();
        try (InputStream in = Seccomp.class.getResourceAsStream("syscalls-" + arch + ".txt")) {
            if (in == null) throw new OciError("the seccomp syscall table is missing from the build; rebuild jvirt");
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                String[] f = line.split(" ");
                if (f.length == 2) m.put(f[0], Integer.parseInt(f[1]));
            }
        } catch (IOException e) {
            throw new OciError("cannot read the seccomp syscall table: " + e.getMessage());
        }
        TABLES.put(arch, m);
        return m;
    }

    /** The filter as the bytes of a struct sock_filter array, in hex. */
    static String assemble(Obj s) {
        int dflt = action(s, "defaultAction", s.str("defaultAction", null), s.num("defaultErrnoRet"));
        for (String arch : s.strings("architectures")) {
            if (!List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32").contains(arch) && !arch.startsWith("SCMP_ARCH_"))
                throw s.error("architectures", "has \"" + arch + "\", not a seccomp architecture");
        }
        List<Insn> x64 = rules(s, syscallTable("x86_64"), dflt);
        List<Insn> prog = new ArrayList<>();
        prog.add(new Insn(LD_W_ABS, 0, 0, 4));
        if (s.strings("architectures").contains("SCMP_ARCH_X86")) {
            // 32-bit calls (int 0x80) have their own numbers: the same rules again, with i386's table
            List<Insn> i386 = rules(s, syscallTable("i386"), dflt);
            prog.add(new Insn(JEQ_K, 3, 0, AUDIT_ARCH_X86_64));
            prog.add(new Insn(JEQ_K, 0, 1, AUDIT_ARCH_I386));
            prog.add(new Insn(JA, 0, 0, x64.size() + 1)); // over the kill and the x86_64 rules (jt/jf reach 255 at most)
            prog.add(new Insn(RET_K, 0, 0, RET_KILL_PROCESS));
            prog.addAll(x64);
            prog.addAll(i386);
        } else {
            // other architectures' calls are killed
            prog.add(new Insn(JEQ_K, 1, 0, AUDIT_ARCH_X86_64));
            prog.add(new Insn(RET_K, 0, 0, RET_KILL_PROCESS));
            prog.addAll(x64);
        }
        if (prog.size() > 4096) throw s.error("syscalls", "makes a filter longer than the kernel's 4096 instructions");
        ByteBuffer b = ByteBuffer.allocate(prog.size() * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (Insn i : prog) b.putShort((short) i.code()).put((byte) i.jt()).put((byte) i.jf()).putInt(i.k());
        return HexFormat.of().formatHex(b.array());
    }

    /** The rules for one architecture's syscall numbers, ending with the default action. */
    private static List<Insn> rules(Obj s, Map<String, Integer> table, int dflt) {
        List<Insn> prog = new ArrayList<>();
        for (Obj rule : s.objs("syscalls")) {
            int act = action(rule, "action", rule.str("action", null), rule.num("errnoRet"));
            List<Obj> args = rule.objs("args");
            for (String name : rule.strings("names")) {
                Integer nr = table.get(name);
                if (nr == null) continue; // not a syscall of this architecture: nothing to filter, as libseccomp does
                List<Insn> block = new ArrayList<>();
                block.add(new Insn(LD_W_ABS, 0, 0, 0));
                block.add(null); // the "not this syscall" jump, patched below
                for (Obj a : args) argCheck(block, a);
                block.add(new Insn(RET_K, 0, 0, act));
                int end = block.size();
                for (int i = 1; i < end; i++) {
                    Insn in = block.get(i);
                    if (i == 1) block.set(1, new Insn(JEQ_K, 0, end - 2, nr));
                    else if (in.code() != RET_K && in.code() != LD_W_ABS && in.code() != AND_K) {
                        // -1 in jt/jf means "fail": jump to the end of the block
                        block.set(i, new Insn(in.code(), in.jt() < 0 ? end - i - 1 : in.jt(), in.jf() < 0 ? end - i - 1 : in.jf(), in.k()));
                    }
                }
                if (end > 250) throw rule.error("args", "has too many conditions for one BPF jump");
                prog.addAll(block);
            }
        }
        prog.add(new Insn(RET_K, 0, 0, dflt));
        return prog;
    }

    /**
     * One argument condition; jumps of -1 mean "condition false". The argument is 64 bits: the high
     * word decides unless it is equal, then the low word does.
     */
    private static void argCheck(List<Insn> b, Obj a) {
        long index = a.num("index", -1);
        if (index < 0 || index > 5) throw a.error("index", "must be 0 to 5");
        long value = a.num("value", 0), two = a.num("valueTwo", 0);
        int lo = 16 + 8 * (int) index, hi = lo + 4;
        String op = a.required("op");
        int vlo = (int) value, vhi = (int) (value >>> 32);
        switch (op) {
            case "SCMP_CMP_EQ", "SCMP_CMP_NE" -> {
                boolean eq = op.equals("SCMP_CMP_EQ");
                b.add(new Insn(LD_W_ABS, 0, 0, hi));
                // EQ: hi != v -> fail. NE: hi != v -> match (skip the low-word test).
                b.add(new Insn(JEQ_K, 0, eq ? -1 : 2, vhi));
                b.add(new Insn(LD_W_ABS, 0, 0, lo));
                b.add(eq ? new Insn(JEQ_K, 0, -1, vlo) : new Insn(JEQ_K, -1, 0, vlo));
            }
            case "SCMP_CMP_MASKED_EQ" -> {
                int mlo = (int) value, mhi = (int) (value >>> 32), tlo = (int) two, thi = (int) (two >>> 32);
                b.add(new Insn(LD_W_ABS, 0, 0, hi));
                b.add(new Insn(AND_K, 0, 0, mhi));
                b.add(new Insn(JEQ_K, 0, -1, thi));
                b.add(new Insn(LD_W_ABS, 0, 0, lo));
                b.add(new Insn(AND_K, 0, 0, mlo));
                b.add(new Insn(JEQ_K, 0, -1, tlo));
            }
            case "SCMP_CMP_GT", "SCMP_CMP_GE", "SCMP_CMP_LT", "SCMP_CMP_LE" -> {
                // hi > vhi: GT/GE true, LT/LE false; hi < vhi: the reverse; equal: compare the low words.
                boolean greater = op.equals("SCMP_CMP_GT") || op.equals("SCMP_CMP_GE");
                b.add(new Insn(LD_W_ABS, 0, 0, hi));
                b.add(new Insn(JGT_K, greater ? 3 : -1, 0, vhi)); // 3: over the next three to the match
                b.add(new Insn(JEQ_K, 0, greater ? -1 : 2, vhi));
                b.add(new Insn(LD_W_ABS, 0, 0, lo));
                switch (op) {
                    case "SCMP_CMP_GT" -> b.add(new Insn(JGT_K, 0, -1, vlo));
                    case "SCMP_CMP_GE" -> b.add(new Insn(JGE_K, 0, -1, vlo));
                    case "SCMP_CMP_LT" -> b.add(new Insn(JGE_K, -1, 0, vlo));
                    default -> b.add(new Insn(JGT_K, -1, 0, vlo));
                }
            }
            default -> throw a.error("op", "is \"" + op + "\"; use SCMP_CMP_EQ, NE, LT, LE, GT, GE or MASKED_EQ");
        }
    }

    private static int action(Obj o, String field, String name, Long errnoRet) {
        if (name == null) throw o.error(field, "is missing");
        int errno = errnoRet == null ? EPERM : (int) (long) errnoRet;
        return switch (name) {
            case "SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD" -> RET_KILL_THREAD;
            case "SCMP_ACT_KILL_PROCESS" -> RET_KILL_PROCESS;
            case "SCMP_ACT_TRAP" -> RET_TRAP;
            case "SCMP_ACT_ERRNO" -> RET_ERRNO | (errno & 0xffff);
            case "SCMP_ACT_TRACE" -> RET_TRACE | (errno & 0xffff);
            case "SCMP_ACT_LOG" -> RET_LOG;
            case "SCMP_ACT_ALLOW" -> RET_ALLOW;
            default -> throw o.error(field, "is \"" + name + "\", which jvirt does not support; use SCMP_ACT_ALLOW, ERRNO, KILL, KILL_PROCESS, TRAP, TRACE or LOG");
        };
    }
}
