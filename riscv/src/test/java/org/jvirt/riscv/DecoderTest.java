package org.jvirt.riscv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The decoder against the encoding tables of the manuals (unprivileged 20191213 chapter 24, bitmanip 1.0.0). */
class DecoderTest {
    private final Decoder decoder = Decoder.rv64gc();
    private final TestHart t = new TestHart();

    @AfterEach
    void close() { t.close(); }

    @Test
    void everyDefinitionsMatchWordDecodesToThatDefinition() {
        List<String> wrong = new ArrayList<>();
        for (InsnSet.Def d : decoder.definitions()) {
            assertEquals(0, d.match() & ~d.mask(), d.name() + ": match has bits outside its mask");
            Insn insn = decoder.decode(d.match());
            if (!insn.name.equals(d.name()) || insn.len != 4) wrong.add(d.name() + " decodes as " + insn.name);
        }
        assertEquals(List.of(), wrong);
    }

    @Test
    void noTwoDefinitionsOverlap() {
        List<InsnSet.Def> defs = decoder.definitions();
        List<String> overlaps = new ArrayList<>();
        for (int i = 0; i < defs.size(); i++) {
            for (int k = i + 1; k < defs.size(); k++) {
                InsnSet.Def a = defs.get(i), b = defs.get(k);
                // Some word satisfies both exactly when they agree on every bit both of them fix.
                if (((a.match() ^ b.match()) & a.mask() & b.mask()) == 0) overlaps.add(a.name() + " / " + b.name());
            }
        }
        assertEquals(List.of(), overlaps);
    }

    @Test
    void definitionNamesAreUnique() {
        Set<String> seen = new HashSet<>();
        for (InsnSet.Def d : decoder.definitions()) assertTrue(seen.add(d.name()), "defined twice: " + d.name());
    }

    /** Every instruction of RV64GC (chapter 24's listings), Zba, Zbb, Zbs and Zicond is defined. */
    @Test
    void definesEveryInstructionOfRv64gcZbaZbbZbsZicond() {
        String expected = """
            lui auipc jal jalr beq bne blt bge bltu bgeu lb lh lw ld lbu lhu lwu sb sh sw sd addi slti sltiu xori ori andi
            slli srli srai add sub sll slt sltu xor srl sra or and addiw slliw srliw sraiw addw subw sllw srlw sraw
            fence fence.i ecall ebreak csrrw csrrs csrrc csrrwi csrrsi csrrci sret mret wfi sfence.vma
            mul mulh mulhsu mulhu div divu rem remu mulw divw divuw remw remuw
            lr.w sc.w amoswap.w amoadd.w amoxor.w amoand.w amoor.w amomin.w amomax.w amominu.w amomaxu.w
            lr.d sc.d amoswap.d amoadd.d amoxor.d amoand.d amoor.d amomin.d amomax.d amominu.d amomaxu.d
            flw fsw fmadd.s fmsub.s fnmsub.s fnmadd.s fadd.s fsub.s fmul.s fdiv.s fsqrt.s fsgnj.s fsgnjn.s fsgnjx.s
            fmin.s fmax.s fcvt.w.s fcvt.wu.s fmv.x.w feq.s flt.s fle.s fclass.s fcvt.s.w fcvt.s.wu fmv.w.x
            fcvt.l.s fcvt.lu.s fcvt.s.l fcvt.s.lu
            fld fsd fmadd.d fmsub.d fnmsub.d fnmadd.d fadd.d fsub.d fmul.d fdiv.d fsqrt.d fsgnj.d fsgnjn.d fsgnjx.d
            fmin.d fmax.d fcvt.s.d fcvt.d.s feq.d flt.d fle.d fclass.d fcvt.w.d fcvt.wu.d fcvt.d.w fcvt.d.wu
            fcvt.l.d fcvt.lu.d fmv.x.d fcvt.d.l fcvt.d.lu fmv.d.x
            add.uw sh1add sh2add sh3add sh1add.uw sh2add.uw sh3add.uw slli.uw
            andn orn xnor clz clzw ctz ctzw cpop cpopw max maxu min minu sext.b sext.h zext.h
            rol rolw ror rori roriw rorw orc.b rev8
            bclr bclri bext bexti binv binvi bset bseti czero.eqz czero.nez""";
        Set<String> want = new TreeSet<>(List.of(expected.trim().split("\\s+")));
        Set<String> have = new TreeSet<>();
        for (InsnSet.Def d : decoder.definitions()) have.add(d.name());
        Set<String> missing = new TreeSet<>(want);
        missing.removeAll(have);
        Set<String> extra = new TreeSet<>(have);
        extra.removeAll(want);
        assertEquals(Set.of(), missing, "missing");
        assertEquals(Set.of(), extra, "not in the manuals' listings");
    }

    static Stream<Arguments> encodings() {
        return Stream.of(
            Arguments.of("lui", Asm.lui(1, 0x12345000)), Arguments.of("auipc", Asm.auipc(1, 0)),
            Arguments.of("jal", Asm.jal(1, 8)), Arguments.of("jalr", Asm.jalr(1, 2, 4)),
            Arguments.of("bgeu", Asm.bgeu(1, 2, -8)), Arguments.of("lwu", Asm.lwu(1, 2, 3)), Arguments.of("sd", Asm.sd(1, 2, -3)),
            Arguments.of("srai", Asm.srai(1, 2, 63)), Arguments.of("srli", Asm.srli(1, 2, 32)), Arguments.of("sra", Asm.sra(1, 2, 3)),
            Arguments.of("sraiw", Asm.sraiw(1, 2, 31)), Arguments.of("subw", Asm.subw(1, 2, 3)),
            Arguments.of("fence", Asm.fence(0xf, 0xf)), Arguments.of("fence.i", Asm.fenceI()),
            Arguments.of("mulhsu", Asm.mulhsu(1, 2, 3)), Arguments.of("remuw", Asm.remuw(1, 2, 3)),
            Arguments.of("lr.d", Asm.lrD(1, 2)), Arguments.of("sc.w", Asm.scW(1, 2, 3)),
            Arguments.of("amomaxu.d", Asm.amo(Asm.AMOMAXU, Asm.D, true, true, 1, 2, 3)),
            Arguments.of("ecall", Asm.ecall()), Arguments.of("ebreak", Asm.ebreak()), Arguments.of("mret", Asm.mret()),
            Arguments.of("sret", Asm.sret()), Arguments.of("wfi", Asm.wfi()), Arguments.of("sfence.vma", Asm.sfenceVma(1, 2)),
            Arguments.of("csrrci", Asm.csrrci(1, Csrs.MSTATUS, 8)),
            Arguments.of("add.uw", Asm.addUw(1, 2, 3)), Arguments.of("sh3add.uw", Asm.sh3addUw(1, 2, 3)),
            Arguments.of("slli.uw", Asm.slliUw(1, 2, 40)), Arguments.of("zext.h", Asm.zextH(1, 2)),
            Arguments.of("orc.b", Asm.orcB(1, 2)), Arguments.of("rev8", Asm.rev8(1, 2)), Arguments.of("rori", Asm.rori(1, 2, 33)),
            Arguments.of("roriw", Asm.roriw(1, 2, 31)), Arguments.of("bexti", Asm.bexti(1, 2, 63)),
            Arguments.of("bseti", Asm.bseti(1, 2, 0)), Arguments.of("binvi", Asm.binvi(1, 2, 7)), Arguments.of("bclri", Asm.bclri(1, 2, 7)),
            Arguments.of("sext.b", Asm.sextB(1, 2)), Arguments.of("cpopw", Asm.cpopw(1, 2)),
            Arguments.of("czero.nez", Asm.czeroNez(1, 2, 3)),
            Arguments.of("flw", Asm.flw(1, 2, 4)), Arguments.of("fsd", Asm.fsd(1, 2, 8)), Arguments.of("fmv.x.w", Asm.fmvXW(1, 2)),
            Arguments.of("fmv.d.x", Asm.fmvDX(1, 2)), Arguments.of("fsgnjn.s", Asm.fsgnjnS(1, 2, 3)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("encodings")
    void decodesTheManualsEncodings(String name, int word) {
        Insn insn = decoder.decode(word);
        assertEquals(name, insn.name);
        assertEquals(4, insn.len);
        assertEquals(word, insn.raw);
    }

    @Test
    void extractsOperandFieldsAndSignExtendedImmediates() {
        Insn i = decoder.decode(Asm.addi(5, 6, -2048));
        assertEquals(5, i.rd);
        assertEquals(6, i.rs1);
        assertEquals(-2048, i.imm);
        Insn s = decoder.decode(Asm.sd(7, 8, -1));
        assertEquals(8, s.rs1);
        assertEquals(7, s.rs2);
        assertEquals(-1, s.imm);
        assertEquals(-4096, decoder.decode(Asm.beq(1, 2, -4096)).imm);
        assertEquals(4094, decoder.decode(Asm.bne(1, 2, 4094)).imm);
        assertEquals(-(1 << 20), decoder.decode(Asm.jal(1, -(1 << 20))).imm);
        assertEquals((1 << 20) - 2, decoder.decode(Asm.jal(1, (1 << 20) - 2)).imm);
        assertEquals(0xffff_ffff_8000_0000L, decoder.decode(Asm.lui(1, 0x8000_0000)).imm);
    }

    @Test
    void theAllZeroWordIsIllegal() {
        assertEquals("illegal", decoder.decode(0).name);
        t.exec(0);
        t.assertMTrap(Cause.ILLEGAL_INSN, 0, TestHart.CODE);
    }

    @Test
    void theAllOnesWordIsIllegal() {
        assertEquals("illegal", decoder.decode(0xffff_ffff).name);
        t.exec(0xffff_ffff);
        t.assertMTrap(Cause.ILLEGAL_INSN, 0xffff_ffffL, TestHart.CODE);
    }

    static Stream<Arguments> illegal32() {
        return Stream.of(
            Arguments.of("opcode 1111111 (>=80-bit prefix)", 0x0000_007f),
            Arguments.of("opcode 0011111 (48-bit prefix)", 0x0000_001f),
            Arguments.of("slliw with shamt[5] set", Asm.r(Asm.OP_IMM_32, 1, 0b0000001, 5, 6, 1)),
            Arguments.of("slli with funct6 000001", Asm.slli(5, 6, 1) | 1 << 26),
            Arguments.of("OP funct7 0000010", Asm.r(Asm.OP, 0, 0b0000010, 5, 6, 7)),
            Arguments.of("LOAD funct3 111", Asm.i(Asm.LOAD, 7, 5, 6, 0)),
            Arguments.of("STORE funct3 100", Asm.s(Asm.STORE, 4, 5, 6, 0)),
            Arguments.of("BRANCH funct3 010", Asm.b(Asm.BRANCH, 2, 5, 6, 8)),
            Arguments.of("jalr funct3 001", Asm.i(Asm.JALR, 1, 5, 6, 0)),
            Arguments.of("SYSTEM funct3 100", Asm.i(Asm.SYSTEM, 4, 5, 6, 0)),
            Arguments.of("mret with rd != 0", Asm.mret() | 1 << 7),
            Arguments.of("wfi with rs1 != 0", Asm.wfi() | 1 << 15),
            Arguments.of("SYSTEM funct3 000 imm 0x7ff", Asm.ecall() | 0x7ff << 20),
            Arguments.of("lr.w with rs2 != 0", Asm.lrW(5, 6) | 7 << 20),
            Arguments.of("AMO width 000", Asm.amo(Asm.AMOADD, 0, 5, 6, 7)),
            Arguments.of("AMO funct5 00110", Asm.amo(0b00110, Asm.W, 5, 6, 7)),
            Arguments.of("OP-FP funct7 1111111", Asm.r(Asm.OP_FP, 0, 0x7f, 5, 6, 7)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("illegal32")
    void reservedEncodingsTrapWithTheInstructionAsMtval(String what, int word) {
        t.setMstatus(Csrs.FS); // FP on: the FP case must be illegal for its encoding, not for FS
        t.exec(word);
        t.assertMTrap(Cause.ILLEGAL_INSN, word & 0xffff_ffffL, TestHart.CODE);
    }

    static Stream<Arguments> illegal16() {
        return Stream.of(
            Arguments.of("all zero", 0x0000),
            Arguments.of("quadrant 0 funct3 100", 0x8000),
            Arguments.of("c.jr x0", 0x8002),
            Arguments.of("c.subw-group funct2 10", 0x9c01 | 0b10 << 5),
            Arguments.of("c.addi4spn nzuimm 0, rd' x9", 0x0004));
    }

    /** mtval holds only the 16 bits of a compressed instruction, not the parcel that follows it. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("illegal16")
    void reservedCompressedEncodingsTrapWith16BitMtval(String what, int parcel) {
        t.put16(TestHart.CODE, parcel, 0xffff);
        t.step();
        t.assertMTrap(Cause.ILLEGAL_INSN, parcel, TestHart.CODE);
        assertEquals(2, decoder.decode(0xffff_0000 | parcel).len);
    }

    @Test
    void decodedCompressedInstructionsKeepTheir16BitWordAndLength() {
        Insn c = decoder.decode(0xffff_0000 | Asm.cAddi(5, 1));
        assertEquals(2, c.len);
        assertEquals(Asm.cAddi(5, 1), c.raw);
        assertEquals("addi", c.name);
    }
}
