package org.jvirt.riscv;

import static java.lang.constant.ConstantDescs.*;
import static org.jvirt.riscv.RvI.*;
import static org.jvirt.riscv.RvM.*;

import java.lang.classfile.Attributes;
import java.lang.classfile.ClassFile;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.invoke.MethodHandles;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary translator: turns a straight run of RV64IM guest instructions into a JVM class.
 *
 * <p>The generated {@code run} method keeps the guest registers it touches in JVM locals, states each
 * instruction's semantics inline in bytecode (an {@code add} is an {@code ladd}), goes through the
 * TLB inline for loads and stores (a hit is a compare and a memory access; only a miss calls into
 * the {@link Mmu}), turns branches to instructions of the same region into JVM jumps (so a hot loop
 * is a JVM loop that HotSpot compiles as such, with a budget check on each backward jump), and writes
 * the registers back once, at the common exit. Traps do not throw through the translated code: the
 * MMU's slow path reports a fault in {@link Hart#dbtTrapped}, and the code leaves through an exit that
 * restores the exact state before the faulting instruction.
 *
 * <p>Atomics, floating point and bit manipulation ({@link Insn#callable}) stay inside a region as a
 * call to their semantics, with their registers passed through the hart's register file. CSR and
 * system instructions end a region; the interpreter runs them. Either way each one's semantics live
 * in one place only.
 */
final class Translator {
    /** Longest region, in instructions; also kept below HotSpot's limit on compilable methods. */
    static final int MAX_LENGTH = 64;
    /** HotSpot does not compile methods larger than this (-XX:HugeMethodLimit). */
    private static final int HUGE_METHOD = 7900;

    private static final ClassDesc CD_HART = Hart.class.describeConstable().orElseThrow();
    private static final ClassDesc CD_MMU = Mmu.class.describeConstable().orElseThrow();
    private static final ClassDesc CD_BLOCK = TranslatedBlock.class.describeConstable().orElseThrow();
    private static final ClassDesc CD_LONGS = CD_long.arrayType();
    private static final ClassDesc CD_MATH = ClassDesc.of("java.lang.Math");
    private static final ClassDesc CD_INSN = ClassDesc.of("org.jvirt.riscv.Insn");
    private static final ClassDesc CD_GENERATED = ClassDesc.of("org.jvirt.riscv.Translated");
    private static final MethodTypeDesc MTD_RUN = MethodTypeDesc.of(CD_BLOCK, CD_HART, CD_int, CD_int);
    private static final MethodTypeDesc MTD_CHAIN = MethodTypeDesc.of(CD_BLOCK, CD_HART, CD_BLOCK, CD_BLOCK, CD_long, CD_int, CD_int, CD_int);
    private static final MethodTypeDesc MTD_STOP = MethodTypeDesc.of(CD_BLOCK, CD_HART, CD_BLOCK, CD_long, CD_int, CD_int, CD_int);
    private static final MethodTypeDesc MTD_HOST_READ = MethodTypeDesc.of(CD_long, CD_long, CD_int);
    private static final MethodTypeDesc MTD_HOST_WRITE = MethodTypeDesc.of(CD_void, CD_long, CD_int, CD_long);
    private static final MethodTypeDesc MTD_EXEC = MethodTypeDesc.of(CD_int, CD_INSN, CD_long);
    private static final MethodTypeDesc MTD_INIT = MethodTypeDesc.of(CD_void, CD_long, CD_long, CD_long, CD_int, CD_int);

    // Local variable slots of the generated run(Hart h, int budget, int depth).
    private static final int THIS = 0, HART = 1, BUDGET = 2, DEPTH = 3;
    // The guest registers x1-x31 take slots 5-66 (see reg); the rest follow them, longs in two slots.
    private static final int TLB = 67,
            VA = 68, EXIT_PC = 70, EXIT_IDX = 72, IDX = 73, XARR = 74, TMP = 75, LEFT = 77, FIRST_GROUP_LOCAL = 78;

    private static int reg(int r) { return 5 + 2 * (r - 1); }

    private final MethodHandles.Lookup lookup = MethodHandles.lookup();
    /**
     * What every translation of this hart reads as constants: the TLB, handed over as class data
     * and kept in static final fields, which HotSpot folds. Constants let it drop the arrays' range
     * checks, which it must otherwise redo after every store, as a store to guest memory may alias
     * any field.
     */
    private final List<Object> classData;
    private static final int CD_TLB = 0;
    /** The types of {@link #classData}'s entries, in its order. */
    private static final List<ClassDesc> CLASS_DATA_TYPES = List.of(CD_LONGS);

    Translator(Mmu mmu) {
        classData = List.of(mmu.tlb);
    }

    private static final ClassDesc CD_LIST = ClassDesc.of("java.util.List");
    private static final ClassDesc CD_LOOKUP = ClassDesc.of("java.lang.invoke.MethodHandles$Lookup");
    private static final ClassDesc CD_HANDLES = ClassDesc.of("java.lang.invoke.MethodHandles");

    /** The static final field that holds class-data entry {@code index}. */
    private static String constantName(int index) { return "c" + index; }

    /**
     * Declares a static final field for each class-data entry and the class initializer that fills
     * them. (Fields, not {@code ldc} of dynamic constants: the class file stays at version 49, whose
     * verifier needs no stack maps, and building those was most of a translation's cost.)
     */
    private static void declareConstants(java.lang.classfile.ClassBuilder cb, List<ClassDesc> types) {
        for (int i = 0; i < types.size(); i++)
            cb.withField(constantName(i), types.get(i), ClassFile.ACC_STATIC | ClassFile.ACC_FINAL | ClassFile.ACC_PRIVATE);
        cb.withMethodBody(CLASS_INIT_NAME, MTD_void, ClassFile.ACC_STATIC, c -> {
            c.invokestatic(CD_HANDLES, "lookup", MethodTypeDesc.of(CD_LOOKUP)).ldc("_").ldc(CD_LIST)
                    .invokestatic(CD_HANDLES, "classData", MethodTypeDesc.of(CD_Object, CD_LOOKUP, CD_String, CD_Class))
                    .checkcast(CD_LIST).astore(0);
            for (int i = 0; i < types.size(); i++) {
                c.aload(0).loadConstant(i).invokeinterface(CD_LIST, "get", MethodTypeDesc.of(CD_Object, CD_int))
                        .checkcast(types.get(i)).putstatic(CD_GENERATED, constantName(i), types.get(i));
            }
            c.return_();
        });
    }

    /** One guest instruction of a region and where it is. */
    record Op(Insn d, long pc) { }

    /** What a translation cost, for the statistics. */
    long translated, bytecodeBytes, nanos;

    /**
     * Loads and stores one region may hold (-Djvirt.dbt.accesses). C2 inlines about 8 into one method
     * before its inlining budget (the method's bytecode plus ~760 bytes per access) runs out; each
     * access past that is a call that spills the guest registers held in machine registers. Ending
     * the region instead costs a transition, which is dearer in branchy code: with 16 the Linux shell
     * loop ran 10% faster than with 8, and bench.c and a 32-access structure copy no slower.
     */
    static final int MAX_ACCESSES = Math.max(1, Integer.getInteger("jvirt.dbt.accesses", 16));

    /** The instructions at {@code vpc} that one region can hold: none if the first is not translatable. */
    static List<Op> scan(Hart h, long vpc, long pageOffset, int max) {
        Insn[] code = h.codeCache.page(pageOffset);
        List<Op> ops = new ArrayList<>();
        long pc = vpc;
        int accesses = 0;
        long ahead = 0; // the furthest target in this page of a forward branch or jump seen so far
        while (ops.size() < max) {
            int slot = (int) (pc & 0xfff) >>> 1;
            Insn d = code[slot];
            if (d == Insn.UNDECODED) {
                int word = h.codeCache.word(pageOffset + (pc & 0xfff));
                // In the page's last parcel, a 32-bit instruction straddles pages: the interpreter's
                // business. A compressed one (a function's ret, often) is whole.
                if (slot == CodeCache.SLOTS - 1 && (word & 3) == 3) break;
                d = code[slot] = h.decoder.decode(word);
            }
            if (d.op == 0 && !d.callable) break;
            if (d.op >= LB && d.op <= SD && ++accesses > MAX_ACCESSES) break;
            ops.add(new Op(d, pc));
            boolean jump = d.op == JAL && d.rd == Hart.X_SINK;
            if ((Region.isBranch(d.op) || jump) && d.imm > 0 && ((pc + d.imm) & ~0xfffL) == (vpc & ~0xfffL))
                ahead = Math.max(ahead, pc + d.imm);
            // Past a jump, go on only to reach a target of a branch above: code jumped over (the path
            // around a call, the arms of an if) is in the region then, and a branch to it is a JVM jump.
            if ((d.op == JAL || d.op == JALR) && ahead <= pc) break;
            // A branch back to the start closes a loop: what follows runs once per loop, not per
            // iteration, and would only add to the registers the JIT must keep live in the loop.
            if (Region.isBranch(d.op) && pc + d.imm == vpc) break;
            pc += d.len;
            if ((pc & ~0xfffL) != (vpc & ~0xfffL)) break;
        }
        return ops;
    }

    /** Translates the region at {@code vpc}, whose page is at RAM offset {@code pageOffset}; null if none. */
    TranslatedBlock translate(Hart h, long vpc, long pageOffset, int max) {
        long t0 = System.nanoTime();
        TranslatedBlock b = build(scan(h, vpc, pageOffset, max), pageOffset, h.mmu.dataCtx);
        if (b != null) count(b, System.nanoTime() - t0);
        return b;
    }

    /** Adds a translation made by {@link #build} to the statistics (on the hart's thread). */
    void count(TranslatedBlock b, long nanos) {
        translated++;
        bytecodeBytes += b.bytecodeSize;
        this.nanos += nanos;
    }

    /**
     * The translation of the instructions {@link #scan} found, or of as many of the first of them as
     * the JIT will compile; null if there are none. Reads none of the hart's state, only its
     * arguments, so it may run on any thread, while the hart goes on.
     */
    TranslatedBlock build(List<Op> scanned, long pageOffset, long dataCtx) {
        for (int n = scanned.size(); n > 0; n /= 2) {
            List<Op> ops = scanned.subList(0, n);
            long vpc = ops.getFirst().pc;
            Region r = new Region(ops, classData.size(), dataCtx);
            byte[] bytes = ClassFile.of().build(CD_GENERATED, cb -> {
                cb.withVersion(ClassFile.JAVA_5_VERSION, 0);
                cb.withSuperclass(CD_BLOCK);
                cb.withFlags(ClassFile.ACC_FINAL | ClassFile.ACC_SUPER);
                cb.withMethodBody(INIT_NAME, MTD_INIT, 0, c -> c.aload(0).lload(1).lload(3).lload(5).iload(7).iload(8)
                        .invokespecial(CD_BLOCK, INIT_NAME, MTD_INIT).return_());
                cb.withMethodBody("run", MTD_RUN, ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL, r::emit);
                List<ClassDesc> types = new ArrayList<>(CLASS_DATA_TYPES);
                for (int k = 0; k < r.called.size(); k++) types.add(CD_INSN);
                declareConstants(cb, types);
            });
            if (codeLength(bytes) > HUGE_METHOD && n > 1) continue; // too big for the JIT: take fewer instructions
            try {
                List<Object> data = new ArrayList<>(classData);
                data.addAll(r.called); // the instructions it calls, as constants too
                Class<?> c = lookup.defineHiddenClassWithClassData(bytes, data, true).lookupClass();
                Op last = ops.getLast();
                long start = pageOffset + (vpc & 0xfff), end = pageOffset + (last.pc & 0xfff) + last.d.len;
                TranslatedBlock b = (TranslatedBlock) c.getDeclaredConstructor(long.class, long.class, long.class, int.class, int.class)
                        .newInstance(vpc, start, end, ops.size(), r.exits);
                b.bytecodeSize = bytes.length;
                b.dataCtx = dataCtx;
                return b;
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("defining a translation failed", e);
            }
        }
        return null;
    }

    private static int codeLength(byte[] classFile) {
        return ClassFile.of().parse(classFile).methods().stream()
                .filter(m -> m.methodName().equalsString("run"))
                .mapToInt(m -> m.findAttribute(Attributes.code()).orElseThrow().codeLength()).sum();
    }

    /** The code generation of one region. */
    private static final class Region {
        final List<Op> ops;
        final Label[] labels;
        final boolean[] isTarget;
        final boolean[] written = new boolean[32], used = new boolean[32];
        final List<Runnable> stubs = new ArrayList<>();
        /** The {@link Insn#callable} instructions the region calls, in class-data order after {@code firstCall}. */
        final List<Insn> called = new ArrayList<>();
        final int firstCall;
        /** The data context its TLB tags are compared with, a constant (see TranslatedBlock#dataCtx). */
        final long dataCtx;
        boolean memory;
        int exits;
        CodeBuilder c;
        Label common;
        /** Instructions retired since LEFT was last brought up to date. */
        int pend;
        /** For each instruction, the {@link AccessGroup} it belongs to, or -1. */
        final int[] group;
        final List<AccessGroup> groups = new ArrayList<>();

        Region(List<Op> ops, int firstCall, long dataCtx) {
            this.ops = ops;
            this.dataCtx = dataCtx;
            this.firstCall = firstCall;
            this.labels = new Label[ops.size()];
            this.isTarget = new boolean[ops.size()];
            for (Op o : ops) {
                Insn d = o.d;
                if (d.op >= LB && d.op <= SD) memory = true;
                if (writesRd(d)) { written[d.rd] = true; used[d.rd] = true; }
                used[d.rs1] = true;
                used[d.rs2] = true;
                if (isBranch(d.op) || d.op == JAL) {
                    int t = indexOf(o.pc + d.imm);
                    if (t >= 0) isTarget[t] = true;
                }
            }
            used[0] = false;
            group = groupAccesses();
        }

        /**
         * Loads (or stores) that use one base register, unchanged between them, with no jump target
         * between them, so that one TLB check covers them all when their bytes lie in one page:
         * {@code [rs1 + lo, rs1 + hi)}. A function's prologue stores a dozen registers relative to sp;
         * checked once, each store is the access alone. When the range is not in one page, or its page
         * misses, each access checks for itself as before.
         */
        record AccessGroup(int rs1, int first, long lo, long hi) { }

        /** Finds the groups (see {@link AccessGroup}) and returns each instruction's, or -1. */
        private int[] groupAccesses() {
            List<List<Integer>> candidates = new ArrayList<>();
            int[] open = new int[64]; // by base register and kind: the candidate being extended, or -1
            java.util.Arrays.fill(open, -1);
            for (int i = 0; i < ops.size(); i++) {
                Insn d = ops.get(i).d;
                // A way in, or a call into the hart. (Code after a jump is reached only through a target.)
                if (isTarget[i] || d.op == 0) java.util.Arrays.fill(open, -1);
                if (d.op >= LB && d.op <= SD && d.rs1 != 0) {
                    int key = 2 * d.rs1 + (d.op >= SB ? 1 : 0);
                    if (open[key] < 0) {
                        open[key] = candidates.size();
                        candidates.add(new ArrayList<>());
                    }
                    candidates.get(open[key]).add(i);
                }
                if (writesRd(d)) open[2 * d.rd] = open[2 * d.rd + 1] = -1;
            }
            int[] of = new int[ops.size()];
            java.util.Arrays.fill(of, -1);
            for (List<Integer> members : candidates) {
                long lo = Long.MAX_VALUE, hi = Long.MIN_VALUE;
                for (int m : members) {
                    Insn d = ops.get(m).d;
                    lo = Math.min(lo, d.imm);
                    hi = Math.max(hi, d.imm + size(d.op));
                }
                if (members.size() < 2 || hi - lo > 4096) continue; // one page at most
                for (int m : members) of[m] = groups.size();
                groups.add(new AccessGroup(ops.get(members.getFirst()).d.rs1, members.getFirst(), lo, hi));
            }
            return of;
        }

        /** Locals of group {@code g}: its host offset (a long) and whether its check passed (an int). */
        static int groupOffset(int g) { return FIRST_GROUP_LOCAL + 3 * g; }
        static int groupOk(int g) { return FIRST_GROUP_LOCAL + 3 * g + 2; }

        /**
         * At a group's first access: whether all its bytes lie in one page that hits in the TLB, and if
         * so the offset from guest virtual to host address for the whole group.
         */
        void groupCheck(int g, int row) {
            AccessGroup a = groups.get(g);
            Label miss = c.newLabel();
            c.iconst_0().istore(groupOk(g));
            tlbLookup(a.rs1, a.lo, a.hi - a.lo, row, miss);
            tlbEntry(row, 1).laload().lstore(groupOffset(g));
            c.iconst_1().istore(groupOk(g));
            c.labelBinding(miss);
        }

        /**
         * For an access of a group whose check passed: pushes its host address and size and returns the
         * label of the individually checked access, or null when the access is in no group.
         */
        Label groupAccess(int i, Insn d, int row) {
            int g = group[i];
            if (g < 0) return null;
            if (groups.get(g).first == i) groupCheck(g, row);
            Label checked = c.newLabel();
            c.iload(groupOk(g)).ifeq(checked);
            read(d.rs1);
            c.loadConstant(d.imm).ladd().lload(groupOffset(g)).ladd().loadConstant(size(d.op));
            return checked;
        }

        static boolean isBranch(int op) { return op >= BEQ && op <= BGEU; }

        /** Whether {@code d} writes an architectural register, x1-x31. */
        static boolean writesRd(Insn d) {
            boolean writes = !isBranch(d.op) && !(d.op >= SB && d.op <= SD) && d.op != FENCE && d.op != FENCE_I;
            return writes && d.rd != 0 && d.rd < 32;
        }

        int indexOf(long pc) {
            for (int i = 0; i < ops.size(); i++) if (ops.get(i).pc == pc) return i;
            return -1;
        }

        void emit(CodeBuilder cb) {
            c = cb;
            common = c.newLabel();
            for (int i = 0; i < labels.length; i++) labels[i] = c.newLabel();
            c.aload(HART).getfield(CD_HART, "x", CD_LONGS).astore(XARR);
            for (int r = 1; r < 32; r++) if (used[r]) c.aload(XARR).loadConstant(r).laload().lstore(reg(r));
            // LEFT counts down from the budget: what a run retired is BUDGET - LEFT.
            c.iload(BUDGET).istore(LEFT);
            // A group's locals are set at entry too: whatever path reaches one of its accesses, the
            // verifier finds them set, and a group whose check did not run is one that did not pass.
            for (int g = 0; g < groups.size(); g++) c.iconst_0().istore(groupOk(g)).lconst_0().lstore(groupOffset(g));
            if (memory) {
                c.getstatic(CD_GENERATED, constantName(CD_TLB), CD_LONGS).astore(TLB);
            }
            boolean fallsOff = true;
            for (int i = 0; i < ops.size(); i++) {
                if (isTarget[i]) flush();
                c.labelBinding(labels[i]);
                Op o = ops.get(i);
                pend++;
                fallsOff = instruction(i, o.d, o.pc);
            }
            if (fallsOff) {
                Op last = ops.getLast();
                exitTo(last.pc + last.d.len, exits++);
            }
            for (int i = 0; i < stubs.size(); i++) stubs.get(i).run(); // stubs may add stubs
            commonExit();
        }

        void flush() {
            if (pend != 0) c.iinc(LEFT, -pend);
            pend = 0;
        }

        void read(int r) {
            if (r == 0) c.lconst_0();
            else c.lload(reg(r));
        }

        /** Stores the long on the stack in rd, or drops it when rd is x0. */
        void write(int rd) {
            if (rd == 0 || rd >= 32) c.pop2();
            else c.lstore(reg(rd));
        }

        /** Leaves with pc = {@code target}, through link {@code exit}; counts the pending instructions. */
        void exitTo(long target, int exit) {
            int retired = pend;
            pend = 0;
            leave(retired, target, exit);
        }

        /** Adds {@code retired} to the count and leaves with pc = {@code pc} through link {@code exit} (-1: none). */
        void leave(int retired, long pc, int exit) {
            if (retired != 0) c.iinc(LEFT, -retired);
            c.loadConstant(pc).lstore(EXIT_PC).loadConstant(exit).istore(EXIT_IDX).goto_(common);
        }

        /** Emits instruction {@code i}; returns whether control may fall through to the next one. */
        boolean instruction(int i, Insn d, long pc) {
            long next = pc + d.len;
            switch (d.op) {
                case LUI -> { c.loadConstant(d.imm); write(d.rd); }
                case AUIPC -> { c.loadConstant(pc + d.imm); write(d.rd); }
                case JAL -> {
                    c.loadConstant(next); write(d.rd);
                    jump(pc + d.imm, i);
                    return false;
                }
                case JALR -> {
                    read(d.rs1); c.loadConstant(d.imm).ladd().loadConstant(~1L).land().lstore(EXIT_PC);
                    c.loadConstant(next); write(d.rd);
                    flush();
                    c.loadConstant(exits++).istore(EXIT_IDX).goto_(common);
                    return false;
                }
                case BEQ, BNE, BLT, BGE, BLTU, BGEU -> branch(i, d, pc);
                case LB, LH, LW, LD, LBU, LHU, LWU -> load(i, d, pc);
                case SB, SH, SW, SD -> store(i, d, pc, next);
                case ADDI -> { read(d.rs1); c.loadConstant(d.imm).ladd(); write(d.rd); }
                case SLTI -> { read(d.rs1); c.loadConstant(d.imm); compareToBit(false); write(d.rd); }
                case SLTIU -> { read(d.rs1); c.loadConstant(d.imm); compareToBit(true); write(d.rd); }
                case XORI -> { read(d.rs1); c.loadConstant(d.imm).lxor(); write(d.rd); }
                case ORI -> { read(d.rs1); c.loadConstant(d.imm).lor(); write(d.rd); }
                case ANDI -> { read(d.rs1); c.loadConstant(d.imm).land(); write(d.rd); }
                case SLLI -> { read(d.rs1); c.loadConstant((int) d.imm).lshl(); write(d.rd); }
                case SRLI -> { read(d.rs1); c.loadConstant((int) d.imm).lushr(); write(d.rd); }
                case SRAI -> { read(d.rs1); c.loadConstant((int) d.imm).lshr(); write(d.rd); }
                case ADD -> { read(d.rs1); read(d.rs2); c.ladd(); write(d.rd); }
                case SUB -> { read(d.rs1); read(d.rs2); c.lsub(); write(d.rd); }
                case SLL -> { read(d.rs1); read(d.rs2); c.l2i().lshl(); write(d.rd); }
                case SLT -> { read(d.rs1); read(d.rs2); compareToBit(false); write(d.rd); }
                case SLTU -> { read(d.rs1); read(d.rs2); compareToBit(true); write(d.rd); }
                case XOR -> { read(d.rs1); read(d.rs2); c.lxor(); write(d.rd); }
                case SRL -> { read(d.rs1); read(d.rs2); c.l2i().lushr(); write(d.rd); }
                case SRA -> { read(d.rs1); read(d.rs2); c.l2i().lshr(); write(d.rd); }
                case OR -> { read(d.rs1); read(d.rs2); c.lor(); write(d.rd); }
                case AND -> { read(d.rs1); read(d.rs2); c.land(); write(d.rd); }
                case ADDIW -> { read(d.rs1); c.l2i().loadConstant((int) d.imm).iadd().i2l(); write(d.rd); }
                case SLLIW -> { read(d.rs1); c.l2i().loadConstant((int) d.imm).ishl().i2l(); write(d.rd); }
                case SRLIW -> { read(d.rs1); c.l2i().loadConstant((int) d.imm).iushr().i2l(); write(d.rd); }
                case SRAIW -> { read(d.rs1); c.l2i().loadConstant((int) d.imm).ishr().i2l(); write(d.rd); }
                case ADDW -> { read(d.rs1); c.l2i(); read(d.rs2); c.l2i().iadd().i2l(); write(d.rd); }
                case SUBW -> { read(d.rs1); c.l2i(); read(d.rs2); c.l2i().isub().i2l(); write(d.rd); }
                case SLLW -> { read(d.rs1); c.l2i(); read(d.rs2); c.l2i().ishl().i2l(); write(d.rd); }
                case SRLW -> { read(d.rs1); c.l2i(); read(d.rs2); c.l2i().iushr().i2l(); write(d.rd); }
                case SRAW -> { read(d.rs1); c.l2i(); read(d.rs2); c.l2i().ishr().i2l(); write(d.rd); }
                // Stores to translated code end the region at once (see store), so fence.i has nothing left to do.
                case FENCE, FENCE_I -> { }
                case 0 -> call(d, pc, next);
                default -> multiply(d);
            }
            return true;
        }

        /**
         * A {@link Insn#callable} instruction: its registers go to the hart, its semantics are called
         * (a load, store or trap inside goes through the MMU as in the interpreter), and rd comes back.
         */
        void call(Insn d, long pc, long next) {
            int[] regs = {d.rs1, d.rs2, d.rd};
            for (int k = 0; k < regs.length; k++) {
                int r = regs[k];
                if (r == 0 || r >= 32 || (k > 0 && r == regs[0]) || (k > 1 && r == regs[1])) continue;
                c.aload(XARR).loadConstant(r).lload(reg(r)).lastore();
            }
            called.add(d);
            c.aload(HART).getstatic(CD_GENERATED, constantName(firstCall + called.size() - 1), CD_INSN).loadConstant(pc)
                    .invokevirtual(CD_HART, "dbtExec", MTD_EXEC).istore(IDX);
            // A trapping instruction leaves rd as it was, so reloading it is right on every path.
            if (d.rd != 0 && d.rd < 32) c.aload(XARR).loadConstant(d.rd).laload().lstore(reg(d.rd));
            Label out = c.newLabel();
            c.iload(IDX).ifne(out);
            Label trapped = trapExit(pc);
            int after = pend;
            stubs.add(() -> {
                c.labelBinding(out);
                c.iload(IDX).loadConstant(Hart.DBT_TRAPPED).if_icmpeq(trapped);
                leave(after, next, -1); // it wrote translated code, perhaps this region's
            });
        }

        /** a, b on the stack: pushes 1L if a < b (signed or unsigned), else 0L. */
        void compareToBit(boolean unsigned) {
            if (unsigned) {
                c.invokestatic(CD_Long, "compareUnsigned", MethodTypeDesc.of(CD_int, CD_long, CD_long));
            } else {
                c.lcmp();
            }
            // sign of the comparison: (cmp >>> 31) is 1 exactly when cmp < 0
            c.loadConstant(31).iushr().i2l();
        }

        void multiply(Insn d) {
            read(d.rs1);
            read(d.rs2);
            switch (d.op) {
                case MUL -> c.lmul();
                case MULH -> c.invokestatic(CD_MATH, "multiplyHigh", MethodTypeDesc.of(CD_long, CD_long, CD_long));
                case MULHU -> c.invokestatic(CD_MATH, "unsignedMultiplyHigh", MethodTypeDesc.of(CD_long, CD_long, CD_long));
                case MULHSU -> {
                    // multiplyHigh(a, b) + (b < 0 ? a : 0): unsigned b is b + 2^64 when negative
                    c.invokestatic(CD_MATH, "multiplyHigh", MethodTypeDesc.of(CD_long, CD_long, CD_long));
                    read(d.rs1);
                    read(d.rs2);
                    c.loadConstant(63).lshr().land().ladd();
                }
                case DIV, DIVU, REM, REMU -> divide(d.op, d.rs1);
                case MULW -> { c.l2i(); sinkIntFirst(); c.imul().i2l(); }
                case DIVW, DIVUW, REMW, REMUW -> divideWord(d.op);
                default -> throw new IllegalStateException("not translatable: " + d);
            }
            write(d.rd);
        }

        /** Stack a(long) b(int) after an l2i of b: converts a below it to int too. */
        void sinkIntFirst() {
            // stack: a(long) b(int) -> b(int) a(long) -> b a(int) -> a b
            c.dup_x2().pop().l2i().swap();
        }

        /** a, b (longs) on the stack; RISC-V division: by zero gives -1 or a, overflow wraps. */
        void divide(int op, int rs1) {
            Label zero = c.newLabel(), done = c.newLabel();
            c.dup2().lconst_0().lcmp().ifeq(zero);
            switch (op) {
                case DIV -> c.ldiv(); // Long.MIN_VALUE / -1 is MIN_VALUE on the JVM, as RISC-V wants
                case REM -> c.lrem();
                case DIVU -> c.invokestatic(CD_Long, "divideUnsigned", MethodTypeDesc.of(CD_long, CD_long, CD_long));
                default -> c.invokestatic(CD_Long, "remainderUnsigned", MethodTypeDesc.of(CD_long, CD_long, CD_long));
            }
            c.goto_(done);
            c.labelBinding(zero);
            c.pop2(); // b; a stays for the remainder
            if (op == DIV || op == DIVU) c.pop2().loadConstant(-1L);
            c.labelBinding(done);
        }

        void divideWord(int op) {
            c.l2i();
            sinkIntFirst();
            Label zero = c.newLabel(), done = c.newLabel();
            c.dup().ifeq(zero);
            switch (op) {
                case DIVW -> c.idiv();
                case REMW -> c.irem();
                case DIVUW -> c.invokestatic(CD_Integer, "divideUnsigned", MethodTypeDesc.of(CD_int, CD_int, CD_int));
                default -> c.invokestatic(CD_Integer, "remainderUnsigned", MethodTypeDesc.of(CD_int, CD_int, CD_int));
            }
            c.goto_(done);
            c.labelBinding(zero);
            c.pop();
            if (op == DIVW || op == DIVUW) c.pop().loadConstant(-1);
            c.labelBinding(done);
            c.i2l();
        }

        /** A direct jump from instruction {@code i} to {@code target}: a JVM jump if the region holds it. */
        void jump(long target, int i) {
            int t = indexOf(target);
            if (t < 0) {
                exitTo(target, exits++);
                return;
            }
            flush();
            if (t > i) {
                c.goto_(labels[t]);
                return;
            }
            // A backward jump is a loop: bound it by the budget so interrupts are seen in time. The budget
            // given is what is left minus the region's length, so one more pass cannot overrun it.
            // An int countdown: an lcmp of two longs would be computed into a register at every pass,
            // for the state of the trap behind the branch, before the compare itself. Written
            // LEFT > -1, not LEFT >= 0 (ifge), because C2 then compiles the loop as a counted loop:
            // no safepoint poll in each pass, and small loops unrolled (bench.c's steady state 1.04x
            // QEMU's against 0.94x, docs/benchmarks.md).
            c.iload(LEFT).iconst_m1().if_icmpgt(labels[t]);
            exitTo(target, exits++);
        }

        void branch(int i, Insn d, long pc) {
            read(d.rs1);
            read(d.rs2);
            boolean unsigned = d.op == BLTU || d.op == BGEU;
            if (unsigned) c.invokestatic(CD_Long, "compareUnsigned", MethodTypeDesc.of(CD_int, CD_long, CD_long));
            else c.lcmp();
            Label taken = c.newLabel();
            switch (d.op) {
                case BEQ -> c.ifeq(taken);
                case BNE -> c.ifne(taken);
                case BLT, BLTU -> c.iflt(taken);
                default -> c.ifge(taken);
            }
            int pendAtBranch = pend;
            long target = pc + d.imm;
            stubs.add(() -> {
                c.labelBinding(taken);
                pend = pendAtBranch;
                jump(target, i);
            });
        }

        /**
         * Computes rs1 + imm into VA and the TLB index into IDX, then jumps to {@code miss} unless the
         * {@code span} bytes from VA are in one page that hits.
         */
        void tlbLookup(int rs1, long imm, long span, int row, Label miss) {
            read(rs1);
            c.loadConstant(imm).ladd().lstore(VA);
            c.lload(VA).loadConstant(Mmu.SLOT_SHIFT).lushr().l2i().loadConstant(Mmu.SLOT_MASK).iand().istore(IDX); // Mmu.slot
            // The tag is compared with the page of the access's last byte: an access that crosses into the
            // next page misses, as it must (the entry is for the first page only), at no extra cost.
            tlbEntry(row, 0).laload();
            c.lload(VA);
            if (span > 1) c.loadConstant(span - 1).ladd();
            c.loadConstant(~0xfffL).land().loadConstant(dataCtx).lor();
            c.lcmp().ifne(miss);
        }

        static int size(int op) {
            return switch (op) {
                case LB, LBU, SB -> 1;
                case LH, LHU, SH -> 2;
                case LW, LWU, SW -> 4;
                default -> 8;
            };
        }

        /**
         * After a TLB hit: pushes the host address and the size of the access, for {@link Mmu#hostRead}
         * or {@link Mmu#hostWrite}.
         */
        void hostAccess(int size, int row) {
            c.lload(VA);
            tlbEntry(row, 1).laload().ladd().loadConstant(size);
        }

        /** Pushes the TLB and the index of the tag ({@code plus} 0) or offset (1) of row {@code row} of VA's entry. */
        CodeBuilder tlbEntry(int row, int plus) {
            c.aload(TLB).iload(IDX);
            return 2 * row + plus == 0 ? c : c.loadConstant(2 * row + plus).iadd();
        }

        /** The trap exit of the instruction being emitted: state as before it, pc at it, no link. */
        Label trapExit(long pc) {
            Label l = c.newLabel();
            int before = pend - 1;
            stubs.add(() -> {
                c.labelBinding(l);
                leave(before, pc, -1);
            });
            return l;
        }

        void load(int i, Insn d, long pc) {
            int size = size(d.op);
            Label slow = c.newLabel(), done = c.newLabel();
            Label checked = groupAccess(i, d, Mmu.READ);
            if (checked != null) {
                hostRead(d);
                c.goto_(done);
                c.labelBinding(checked);
            }
            tlbLookup(d.rs1, d.imm, size, Mmu.READ, slow);
            hostAccess(size, Mmu.READ);
            hostRead(d);
            c.goto_(done);
            c.labelBinding(slow);
            c.aload(HART).lload(VA).loadConstant(size).invokevirtual(CD_HART, "dbtLoad", MethodTypeDesc.of(CD_long, CD_long, CD_int)).lstore(TMP);
            c.aload(HART).getfield(CD_HART, "dbtTrapped", CD_boolean).ifne(trapExit(pc));
            c.lload(TMP);
            switch (d.op) { // the slow path's value is zero-extended
                case LB -> c.l2i().i2b().i2l();
                case LH -> c.l2i().i2s().i2l();
                case LW -> c.l2i().i2l();
                default -> { }
            }
            c.labelBinding(done);
            write(d.rd);
        }

        /** Host address and size on the stack: pushes the value loaded, extended as {@code d} says. */
        void hostRead(Insn d) {
            c.invokestatic(CD_MMU, "hostRead", MTD_HOST_READ);
            switch (d.op) { // sign-extended by hostRead
                case LBU -> c.loadConstant(0xffL).land();
                case LHU -> c.loadConstant(0xffffL).land();
                case LWU -> c.loadConstant(0xffff_ffffL).land();
                default -> { }
            }
        }

        void store(int i, Insn d, long pc, long next) {
            int size = size(d.op);
            Label slow = c.newLabel(), done = c.newLabel();
            Label checked = groupAccess(i, d, Mmu.WRITE);
            if (checked != null) {
                read(d.rs2);
                c.invokestatic(CD_MMU, "hostWrite", MTD_HOST_WRITE);
                c.goto_(done);
                c.labelBinding(checked);
            }
            tlbLookup(d.rs1, d.imm, size, Mmu.WRITE, slow);
            hostAccess(size, Mmu.WRITE);
            read(d.rs2);
            c.invokestatic(CD_MMU, "hostWrite", MTD_HOST_WRITE);
            c.goto_(done);
            c.labelBinding(slow);
            c.aload(HART).lload(VA).loadConstant(size);
            read(d.rs2);
            c.invokevirtual(CD_HART, "dbtStore", MethodTypeDesc.of(CD_int, CD_long, CD_int, CD_long));
            c.istore(IDX).iload(IDX).ifeq(done);
            c.iload(IDX).loadConstant(Hart.DBT_TRAPPED).if_icmpeq(trapExit(pc));
            // The store changed translated code, perhaps this very region: leave before running stale code.
            int after = pend;
            Label codeWritten = c.newLabel();
            c.goto_(codeWritten);
            stubs.add(() -> {
                c.labelBinding(codeWritten);
                leave(after, next, -1);
            });
            c.labelBinding(done);
        }

        void commonExit() {
            c.labelBinding(common);
            for (int r = 1; r < 32; r++) if (written[r]) c.aload(XARR).loadConstant(r).lload(reg(r)).lastore();
            // The hart's pc, exit and instret are written only where the chain stops (TranslatedBlock.stop).
            Label noLink = c.newLabel();
            c.iload(EXIT_IDX).iflt(noLink);
            // The checks and the call live in one shared method, so that their profile is shared too:
            // in each class, a branch first seen untaken would make the JIT recompile it later.
            c.aload(HART).aload(THIS).aload(THIS).getfield(CD_BLOCK, "links", CD_BLOCK.arrayType()).iload(EXIT_IDX).aaload()
                    .lload(EXIT_PC);
            pushLeft();
            c.iload(DEPTH).iload(EXIT_IDX).invokestatic(CD_BLOCK, "chain", MTD_CHAIN).areturn();
            c.labelBinding(noLink);
            c.aload(HART).aload(THIS).lload(EXIT_PC);
            pushLeft();
            c.iload(DEPTH).iconst_m1().invokestatic(CD_BLOCK, "stop", MTD_STOP).areturn();
        }

        /** Pushes what may still retire after this run: the budget plus the region's length, minus what it retired. */
        void pushLeft() {
            c.iload(LEFT).loadConstant(ops.size()).iadd();
        }
    }
}
