/*
 * The ceiling of a switch-dispatched interpreter on this JVM and machine: how many instructions per
 * second HotSpot's C2 reaches when the whole emulator is one loop over pre-decoded instructions, with
 * no memory accesses, no MMU, no traps, no instruction counting and no page checks. jvirt's
 * interpreter (Hart.step) does all of those; this says how much of the target is left to
 * them. Three forms: the semantics inside the loop, and in a method called once per instruction (as
 * Hart.step calls RvI.execute, which is too large for C2 to inline), each computing the next pc as
 * pc + d.len(); and the called form given the next pc as pc + 4, a constant, as Hart.step does since
 * 2026-11-29. The difference between the last two is the cost of a load on the critical path: the
 * next instruction's address waits for the current instruction's length to load, once per
 * instruction, where a constant lets the processor run ahead on its branch predictions.
 *
 * Run: java bench/InterpreterCeiling.java   (JDK 25; single-file source launch, nothing to build)
 */
public class InterpreterCeiling {
    /** A decoded instruction, as jvirt's Insn: operands pre-extracted. */
    record Insn(int op, int rd, int rs1, int rs2, long imm, int len) {
        Insn(int op, int rd, int rs1, int rs2, long imm) { this(op, rd, rs1, rs2, imm, 4); }
    }

    static final int ADDI = 1, ADD = 2, XOR = 3, BNE = 4, SLLI = 5, AND = 6, SUB = 7, SRLI = 8;

    static long inLoop(Insn[] code, long[] x, long n) {
        long pc = 0;
        for (long i = 0; i < n; i++) {
            Insn d = code[(int) (pc >>> 2)];
            switch (d.op()) {
                case ADDI -> { x[d.rd()] = x[d.rs1()] + d.imm(); pc += d.len(); }
                case ADD -> { x[d.rd()] = x[d.rs1()] + x[d.rs2()]; pc += d.len(); }
                case XOR -> { x[d.rd()] = x[d.rs1()] ^ x[d.rs2()]; pc += d.len(); }
                case SLLI -> { x[d.rd()] = x[d.rs1()] << d.imm(); pc += d.len(); }
                case SRLI -> { x[d.rd()] = x[d.rs1()] >>> d.imm(); pc += d.len(); }
                case AND -> { x[d.rd()] = x[d.rs1()] & x[d.rs2()]; pc += d.len(); }
                case SUB -> { x[d.rd()] = x[d.rs1()] - x[d.rs2()]; pc += d.len(); }
                case BNE -> pc = x[d.rs1()] != x[d.rs2()] ? pc + d.imm() : pc + d.len();
                default -> throw new IllegalStateException("op " + d.op());
            }
        }
        return pc;
    }

    static long called(Insn[] code, long[] x, long n) {
        long pc = 0;
        for (long i = 0; i < n; i++) pc = execute(x, code[(int) (pc >>> 2)], pc);
        return pc;
    }

    static long execute(long[] x, Insn d, long pc) {
        return switch (d.op()) {
            case ADDI -> { x[d.rd()] = x[d.rs1()] + d.imm(); yield pc + d.len(); }
            case ADD -> { x[d.rd()] = x[d.rs1()] + x[d.rs2()]; yield pc + d.len(); }
            case XOR -> { x[d.rd()] = x[d.rs1()] ^ x[d.rs2()]; yield pc + d.len(); }
            case SLLI -> { x[d.rd()] = x[d.rs1()] << d.imm(); yield pc + d.len(); }
            case SRLI -> { x[d.rd()] = x[d.rs1()] >>> d.imm(); yield pc + d.len(); }
            case AND -> { x[d.rd()] = x[d.rs1()] & x[d.rs2()]; yield pc + d.len(); }
            case SUB -> { x[d.rd()] = x[d.rs1()] - x[d.rs2()]; yield pc + d.len(); }
            case BNE -> x[d.rs1()] != x[d.rs2()] ? pc + d.imm() : pc + d.len();
            default -> throw new IllegalStateException("op " + d.op());
        };
    }

    static long calledConstantLength(Insn[] code, long[] x, long n) {
        long pc = 0;
        for (long i = 0; i < n; i++) pc = execute(x, code[(int) (pc >>> 2)], pc, pc + 4);
        return pc;
    }

    static long execute(long[] x, Insn d, long pc, long next) {
        return switch (d.op()) {
            case ADDI -> { x[d.rd()] = x[d.rs1()] + d.imm(); yield next; }
            case ADD -> { x[d.rd()] = x[d.rs1()] + x[d.rs2()]; yield next; }
            case XOR -> { x[d.rd()] = x[d.rs1()] ^ x[d.rs2()]; yield next; }
            case SLLI -> { x[d.rd()] = x[d.rs1()] << d.imm(); yield next; }
            case SRLI -> { x[d.rd()] = x[d.rs1()] >>> d.imm(); yield next; }
            case AND -> { x[d.rd()] = x[d.rs1()] & x[d.rs2()]; yield next; }
            case SUB -> { x[d.rd()] = x[d.rs1()] - x[d.rs2()]; yield next; }
            case BNE -> x[d.rs1()] != x[d.rs2()] ? pc + d.imm() : next;
            default -> throw new IllegalStateException("op " + d.op());
        };
    }

    public static void main(String[] args) {
        // An integer loop of 8 instructions (x5 counts up to x12), as in a CRC or hash kernel.
        Insn[] code = {
            new Insn(ADDI, 5, 5, 0, 1), new Insn(XOR, 6, 6, 5, 0), new Insn(SLLI, 7, 6, 0, 3),
            new Insn(ADD, 8, 8, 7, 0), new Insn(SRLI, 9, 8, 0, 2), new Insn(AND, 10, 9, 6, 0),
            new Insn(SUB, 11, 10, 5, 0), new Insn(BNE, 0, 5, 12, -28),
        };
        long n = 400_000_000L;
        for (String form : new String[] {"semantics in the loop", "a call per instruction", "a call, next pc constant"}) {
            double best = 0;
            for (int run = 0; run < 5; run++) {
                long[] x = new long[32];
                x[12] = Long.MAX_VALUE;
                long t0 = System.nanoTime();
                long pc = form.endsWith("constant") ? calledConstantLength(code, x, n)
                    : form.startsWith("a call") ? called(code, x, n) : inLoop(code, x, n);
                double mips = n / ((System.nanoTime() - t0) / 1e3);
                if (pc < 0) throw new AssertionError(); // keeps the result live
                best = Math.max(best, mips);
            }
            System.out.printf("%-26s %6.1f MIPS (best of 5 runs of %,d instructions)%n", form, best, n);
        }
    }
}
