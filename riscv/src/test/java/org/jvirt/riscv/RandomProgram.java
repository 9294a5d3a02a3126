package org.jvirt.riscv;

import static org.jvirt.riscv.Asm.*;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Random but valid RISC-V programs for differential testing of the engines.
 *
 * <p>A program is a body of random instructions run three times by an outer loop (so translated code
 * runs again after it was made, and links between translations are followed), then WFI with
 * interrupts off, which ends {@link Hart#run}. The body mixes what the translator handles (RV64IM
 * arithmetic, loads and stores around a page boundary, branches forward and loops backward, jumps)
 * with what it leaves to the interpreter (CSRs, atomics, floating point in every rounding mode,
 * environment calls, illegal instructions, accesses to unmapped addresses), so the hand-over between
 * the two is exercised as much as either. The M-mode trap handler counts the trap and skips the
 * instruction.
 *
 * <p>Registers: x8 and x9 point at data (x9 at a page boundary), x28 counts the outer loop, x29 counts
 * traps, x30 belongs to the trap handler and x31 to inner loops; the body writes only the others.
 */
final class RandomProgram {
    static final long DATA = TestHart.DATA, BOUNDARY = TestHart.DATA + 0x1000;
    private static final int[] WRITABLE = {1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27};
    private static final int[] RM = {0, 1, 2, 3, 4, 7};

    final int[] code;
    final long[] x = new long[32];
    final long[] f = new long[32];
    final int frm;

    private final SplittableRandom r;
    private final List<Integer> out = new ArrayList<>();

    RandomProgram(long seed, int length) {
        r = new SplittableRandom(seed);
        for (int i = 1; i < 32; i++) x[i] = value();
        for (int i = 0; i < 32; i++) f[i] = r.nextInt(4) == 0 ? Double.doubleToRawLongBits(special()) : Double.doubleToRawLongBits(r.nextDouble() * 1e6 - 5e5);
        frm = RM[r.nextInt(RM.length) % 5];
        x[8] = DATA;
        x[9] = BOUNDARY;
        x[29] = 0;
        emit(addi(28, 0, 3));
        int loop = out.size();
        body(length);
        emit(addi(28, 28, -1));
        emit(bne(28, 0, 4 * (loop - out.size())));
        emit(wfi());
        code = out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The trap handler at {@link TestHart#TRAP}: count, skip the instruction (all are 4 bytes), return. */
    static int[] handler() {
        return new int[] {addi(29, 29, 1), csrr(30, Csrs.MEPC), addi(30, 30, 4), csrw(Csrs.MEPC, 30), mret()};
    }

    private long value() {
        return switch (r.nextInt(6)) {
            case 0 -> r.nextInt(-4, 5);
            case 1 -> Long.MIN_VALUE + r.nextInt(3);
            case 2 -> Long.MAX_VALUE - r.nextInt(3);
            case 3 -> r.nextInt();
            case 4 -> 0xffff_ffffL & r.nextInt();
            default -> r.nextLong();
        };
    }

    private double special() {
        double[] s = {0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MIN_VALUE, 1e308, -1.5, 0.5};
        return s[r.nextInt(s.length)];
    }

    private void emit(int word) { out.add(word); }

    private int rd() { return WRITABLE[r.nextInt(WRITABLE.length)]; }
    private int rs() { return r.nextInt(32); }
    private int imm12() { return r.nextInt(8) == 0 ? r.nextInt(-2048, 2048) : r.nextInt(-16, 17); }

    private void body(int length) {
        int end = out.size() + length;
        while (out.size() < end) {
            int kind = r.nextInt(100);
            if (kind < 40) alu();
            else if (kind < 60) memory();
            else if (kind < 70) forwardBranch();
            else if (kind < 74) loop();
            else if (kind < 77) jump();
            else if (kind < 85) floatingPoint();
            else if (kind < 90) atomic();
            else if (kind < 94) csrAccess();
            else trap();
        }
    }

    private void alu() {
        int d = rd(), a = rs(), b = rs();
        emit(switch (r.nextInt(40)) {
            case 0 -> add(d, a, b);
            case 1 -> sub(d, a, b);
            case 2 -> sll(d, a, b);
            case 3 -> slt(d, a, b);
            case 4 -> sltu(d, a, b);
            case 5 -> xor(d, a, b);
            case 6 -> srl(d, a, b);
            case 7 -> sra(d, a, b);
            case 8 -> or(d, a, b);
            case 9 -> and(d, a, b);
            case 10 -> addi(d, a, imm12());
            case 11 -> slti(d, a, imm12());
            case 12 -> sltiu(d, a, imm12());
            case 13 -> xori(d, a, imm12());
            case 14 -> ori(d, a, imm12());
            case 15 -> andi(d, a, imm12());
            case 16 -> slli(d, a, r.nextInt(64));
            case 17 -> srli(d, a, r.nextInt(64));
            case 18 -> srai(d, a, r.nextInt(64));
            case 19 -> addiw(d, a, imm12());
            case 20 -> slliw(d, a, r.nextInt(32));
            case 21 -> srliw(d, a, r.nextInt(32));
            case 22 -> sraiw(d, a, r.nextInt(32));
            case 23 -> addw(d, a, b);
            case 24 -> subw(d, a, b);
            case 25 -> sllw(d, a, b);
            case 26 -> srlw(d, a, b);
            case 27 -> sraw(d, a, b);
            case 28 -> mul(d, a, b);
            case 29 -> mulh(d, a, b);
            case 30 -> mulhsu(d, a, b);
            case 31 -> mulhu(d, a, b);
            case 32 -> div(d, a, b);
            case 33 -> divu(d, a, b);
            case 34 -> rem(d, a, b);
            case 35 -> remu(d, a, b);
            case 36 -> r.nextBoolean() ? mulw(d, a, b) : divw(d, a, b);
            case 37 -> r.nextBoolean() ? divuw(d, a, b) : remw(d, a, b);
            case 38 -> r.nextBoolean() ? remuw(d, a, b) : lui(d, r.nextInt() & 0xffff_f000);
            default -> auipc(d, r.nextInt() & 0xffff_f000);
        });
    }

    private void memory() {
        // Mostly through the data pointers (x9 straddles a page boundary), sometimes through a random
        // register: a wild address, which faults.
        int base = r.nextInt(12) == 0 ? rs() : r.nextBoolean() ? 8 : 9;
        int off = base == 9 ? r.nextInt(-24, 24) : r.nextInt(0, 256);
        int d = rd(), v = rs();
        emit(switch (r.nextInt(11)) {
            case 0 -> lb(d, base, off);
            case 1 -> lh(d, base, off);
            case 2 -> lw(d, base, off);
            case 3 -> ld(d, base, off);
            case 4 -> lbu(d, base, off);
            case 5 -> lhu(d, base, off);
            case 6 -> lwu(d, base, off);
            case 7 -> sb(v, base, off);
            case 8 -> sh(v, base, off);
            case 9 -> sw(v, base, off);
            default -> sd(v, base, off);
        });
    }

    private void forwardBranch() {
        int skip = 1 + r.nextInt(4);
        int a = rs(), b = rs(), off = 4 * (skip + 1);
        emit(switch (r.nextInt(6)) {
            case 0 -> beq(a, b, off);
            case 1 -> bne(a, b, off);
            case 2 -> blt(a, b, off);
            case 3 -> bge(a, b, off);
            case 4 -> bltu(a, b, off);
            default -> bgeu(a, b, off);
        });
        for (int k = 0; k < skip; k++) alu();
    }

    /** A counted loop over a few instructions: a backward branch, as guest loops are. */
    private void loop() {
        emit(addi(31, 0, 1 + r.nextInt(20)));
        int top = out.size();
        int n = 1 + r.nextInt(6);
        for (int k = 0; k < n; k++) {
            if (r.nextInt(3) == 0) memory();
            else alu();
        }
        emit(addi(31, 31, -1));
        emit(bne(31, 0, 4 * (top - out.size())));
    }

    private void jump() {
        int skip = r.nextInt(3);
        if (r.nextBoolean()) {
            emit(jal(rd(), 4 * (skip + 1)));
        } else {
            int d = rd();
            emit(auipc(d, 0));
            emit(jalr(r.nextBoolean() ? 0 : rd(), d, 4 * (skip + 2)));
        }
        for (int k = 0; k < skip; k++) alu();
    }

    private void floatingPoint() {
        int d = r.nextInt(32), a = r.nextInt(32), b = r.nextInt(32);
        int rm = r.nextInt(10) == 0 ? 5 + r.nextInt(2) : RM[r.nextInt(RM.length)]; // 5 and 6 are reserved: illegal
        emit(switch (r.nextInt(7)) {
            case 0 -> faddD(d, a, b, rm);
            case 1 -> Asm.r(OP_FP, rm, 0b0000101, d, a, b);  // fsub.d
            case 2 -> Asm.r(OP_FP, rm, 0b0001001, d, a, b);  // fmul.d
            case 3 -> Asm.r(OP_FP, rm, 0b0001101, d, a, b);  // fdiv.d
            case 4 -> Asm.r(OP_FP, rm, 0b1100001, rd(), a, 2); // fcvt.l.d
            case 5 -> Asm.r(OP_FP, rm, 0b1101001, d, rs(), 2); // fcvt.d.l
            default -> r.nextBoolean() ? fld(d, 8, 8 * r.nextInt(16)) : fsd(a, 8, 8 * r.nextInt(16));
        });
    }

    private void atomic() {
        int funct5 = new int[] {0b00000, 0b00001, 0b01100, 0b01000, 0b00100, 0b10000, 0b11100}[r.nextInt(7)];
        emit(amo(funct5, r.nextBoolean() ? 3 : 2, rd(), 8, rs()));
    }

    private void csrAccess() {
        int csr = new int[] {Csrs.MSCRATCH, Csrs.FFLAGS, Csrs.FRM, Csrs.FCSR, Csrs.MCAUSE, 0xB02 /* minstret */, 0xC02 /* instret */}[r.nextInt(7)];
        if (csr == 0xC02 || r.nextBoolean()) emit(csrr(rd(), csr));
        else emit(csrrw(rd(), csr, rs()));
    }

    private void trap() {
        emit(switch (r.nextInt(3)) {
            case 0 -> ecall();
            case 1 -> 0xffff_ffff; // illegal, and 32 bits long like everything the handler skips
            default -> ebreak();
        });
    }
}
