package org.jvirt.riscv;

import static org.jvirt.riscv.TestHart.CODE;
import static org.jvirt.riscv.TestHart.DATA;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * RV64I (unprivileged spec 20191213, chapters 2 and 5), M (chapter 7, table 7.1 for division), Zba, Zbb,
 * Zbs (bitmanip 1.0.0) and Zicond: each case runs {@code op x7, x5, x6} (or {@code op x7, x5, imm}) with
 * x5 = a and x6 = b. The expected values are worked out from the manuals' definitions.
 */
class IntegerTest {
    private static final long MIN = Long.MIN_VALUE, MAX = Long.MAX_VALUE;
    private static final int RD = 7, A = 5, B = 6;
    private final TestHart t = new TestHart();

    @AfterEach
    void close() { t.close(); }

    private static Arguments op(String label, int word, long a, long b, long expected) {
        return Arguments.of(label, word, a, b, expected);
    }

    static Stream<Arguments> rv64i() {
        return Stream.of(
            op("add wraps", Asm.add(RD, A, B), MAX, 1, MIN),
            op("add -1+1", Asm.add(RD, A, B), -1, 1, 0),
            op("sub wraps", Asm.sub(RD, A, B), MIN, 1, MAX),
            op("sub 0-1", Asm.sub(RD, A, B), 0, 1, -1),
            op("addi -2048", Asm.addi(RD, A, -2048), 0, 0, -2048),
            op("addi 2047 wraps", Asm.addi(RD, A, 2047), MAX, 0, MIN + 2046),
            op("slt -1<1", Asm.slt(RD, A, B), -1, 1, 1),
            op("slt 1<-1", Asm.slt(RD, A, B), 1, -1, 0),
            op("slt equal", Asm.slt(RD, A, B), MIN, MIN, 0),
            op("sltu 1<-1", Asm.sltu(RD, A, B), 1, -1, 1),
            op("sltu -1<1", Asm.sltu(RD, A, B), -1, 1, 0),
            op("slti -1<0", Asm.slti(RD, A, 0), -1, 0, 1),
            op("slti 0<-1", Asm.slti(RD, A, -1), 0, 0, 0),
            op("sltiu imm -1 is 2^64-1", Asm.sltiu(RD, A, -1), 5, 0, 1),
            op("sltiu seqz of 0", Asm.sltiu(RD, A, 1), 0, 0, 1),
            op("sltiu seqz of 5", Asm.sltiu(RD, A, 1), 5, 0, 0),
            op("xor", Asm.xor(RD, A, B), 0xff00ff00L, 0x0ff00ff0L, 0xf0f0f0f0L),
            op("or", Asm.or(RD, A, B), 0xf0L, 0x0fL, 0xffL),
            op("and", Asm.and(RD, A, B), 0xf0f0L, 0xff00L, 0xf000L),
            op("xori -1 is not", Asm.xori(RD, A, -1), 0x1234L, 0, ~0x1234L),
            op("ori sign-extends", Asm.ori(RD, A, -2048), 1, 0, 0xffff_ffff_ffff_f801L),
            op("andi sign-extends", Asm.andi(RD, A, -16), 0x1234_5678_9abc_defFL, 0, 0x1234_5678_9abc_def0L),
            op("sll by 0", Asm.sll(RD, A, B), 0x1234, 0, 0x1234),
            op("sll by 31", Asm.sll(RD, A, B), 1, 31, 0x8000_0000L),
            op("sll by 32", Asm.sll(RD, A, B), 1, 32, 0x1_0000_0000L),
            op("sll by 63", Asm.sll(RD, A, B), 1, 63, MIN),
            op("sll uses low 6 bits: 64", Asm.sll(RD, A, B), 3, 64, 3),
            op("sll uses low 6 bits: -1", Asm.sll(RD, A, B), 1, -1, MIN),
            op("srl by 63", Asm.srl(RD, A, B), -1, 63, 1),
            op("srl uses low 6 bits: 65", Asm.srl(RD, A, B), 4, 65, 2),
            op("sra by 63", Asm.sra(RD, A, B), MIN, 63, -1),
            op("sra by 0", Asm.sra(RD, A, B), MIN, 0, MIN),
            op("sra uses low 6 bits: 0x101", Asm.sra(RD, A, B), -16, 0x101, -8),
            op("slli 0", Asm.slli(RD, A, 0), -5, 0, -5),
            op("slli 31", Asm.slli(RD, A, 31), 3, 0, 0x1_8000_0000L),
            op("slli 32", Asm.slli(RD, A, 32), 0xffff_ffffL, 0, 0xffff_ffff_0000_0000L),
            op("slli 63", Asm.slli(RD, A, 63), 3, 0, MIN),
            op("srli 63", Asm.srli(RD, A, 63), MIN, 0, 1),
            op("srli 32", Asm.srli(RD, A, 32), -1, 0, 0xffff_ffffL),
            op("srai 63", Asm.srai(RD, A, 63), MIN, 0, -1),
            op("srai 32", Asm.srai(RD, A, 32), 0x8000_0000_0000_0000L, 0, 0xffff_ffff_8000_0000L),
            op("addiw overflow sign-extends", Asm.addiw(RD, A, 1), 0x7fff_ffffL, 0, 0xffff_ffff_8000_0000L),
            op("addiw ignores upper bits", Asm.addiw(RD, A, 0), 0x1234_5678_0000_0001L, 0, 1),
            op("addiw 0 is sext.w", Asm.addiw(RD, A, 0), 0xffff_ffffL, 0, -1),
            op("slliw 31", Asm.slliw(RD, A, 31), 1, 0, 0xffff_ffff_8000_0000L),
            op("slliw 0 sign-extends", Asm.slliw(RD, A, 0), 0xabcd_0000_8000_0000L, 0, 0xffff_ffff_8000_0000L),
            op("srliw 0 sign-extends", Asm.srliw(RD, A, 0), 0x8000_0000L, 0, 0xffff_ffff_8000_0000L),
            op("srliw 31", Asm.srliw(RD, A, 31), 0xffff_ffff_8000_0000L, 0, 1),
            op("srliw 1 zero-fills bit 31", Asm.srliw(RD, A, 1), 0x8000_0000L, 0, 0x4000_0000L),
            op("sraiw 31", Asm.sraiw(RD, A, 31), 0x8000_0000L, 0, -1),
            op("sraiw 4 uses bit 31 not 63", Asm.sraiw(RD, A, 4), 0x0000_0000_8000_0000L, 0, 0xffff_ffff_f800_0000L),
            op("addw overflow", Asm.addw(RD, A, B), 0x7fff_ffffL, 1, 0xffff_ffff_8000_0000L),
            op("addw ignores upper bits", Asm.addw(RD, A, B), 0x1111_1111_0000_0001L, 0x2222_2222_0000_0002L, 3),
            op("subw 0-1", Asm.subw(RD, A, B), 0, 1, -1),
            op("subw MIN32-1", Asm.subw(RD, A, B), 0x8000_0000L, 1, 0x7fff_ffffL),
            op("sllw by 32 uses 0", Asm.sllw(RD, A, B), 0x1_8000_0000L, 32, 0xffff_ffff_8000_0000L),
            op("sllw by 33 uses 1", Asm.sllw(RD, A, B), 1, 33, 2),
            op("sllw by 31", Asm.sllw(RD, A, B), 1, 31, 0xffff_ffff_8000_0000L),
            op("srlw by 0 sign-extends", Asm.srlw(RD, A, B), 0x8000_0000L, 0, 0xffff_ffff_8000_0000L),
            op("srlw by 33 uses 1", Asm.srlw(RD, A, B), 0x8000_0000L, 33, 0x4000_0000L),
            op("sraw by 63 uses 31", Asm.sraw(RD, A, B), 0x8000_0000L, 63, -1),
            op("sraw by 1", Asm.sraw(RD, A, B), 0x8000_0000L, 1, 0xffff_ffff_c000_0000L));
    }

    static Stream<Arguments> rv64m() {
        long x = 0xf234_5678_9abc_def0L, y = 0xffed_cba9_8765_4321L;
        return Stream.of(
            op("mul wraps", Asm.mul(RD, A, B), MIN, -1, MIN),
            op("mul", Asm.mul(RD, A, B), 0x1_0000_0001L, 0x1_0000_0001L, 0x2_0000_0001L),
            op("mulh -1*-1", Asm.mulh(RD, A, B), -1, -1, 0),
            op("mulh MIN*MIN", Asm.mulh(RD, A, B), MIN, MIN, 0x4000_0000_0000_0000L),
            op("mulh -1*1", Asm.mulh(RD, A, B), -1, 1, -1),
            op("mulh mixed", Asm.mulh(RD, A, B), x, y, 0x0000_fb23_f2df_60efL),
            op("mulhsu -1 * 2^64-1", Asm.mulhsu(RD, A, B), -1, -1, -1),
            op("mulhsu 2 * 2^64-1", Asm.mulhsu(RD, A, B), 2, -1, 1),
            op("mulhsu MIN * 2^64-1", Asm.mulhsu(RD, A, B), MIN, -1, MIN),
            op("mulhsu mixed", Asm.mulhsu(RD, A, B), x, y, 0xf235_519c_8d9c_3fdfL),
            op("mulhu (2^64-1)^2", Asm.mulhu(RD, A, B), -1, -1, -2),
            op("mulhu mixed", Asm.mulhu(RD, A, B), x, y, 0xf223_1d46_1501_8300L),
            op("mulw sign-extends", Asm.mulw(RD, A, B), 0x7fff_ffffL, 2, -2),
            op("mulw ignores upper bits", Asm.mulw(RD, A, B), 0x5_0000_0003L, 0x7_0000_0005L, 15),
            op("div rounds to zero", Asm.div(RD, A, B), 7, -2, -3),
            op("div negative dividend", Asm.div(RD, A, B), -7, 2, -3),
            op("div by zero", Asm.div(RD, A, B), 42, 0, -1),
            op("div MIN/-1", Asm.div(RD, A, B), MIN, -1, MIN),
            op("divu by zero", Asm.divu(RD, A, B), 42, 0, -1),
            op("divu unsigned", Asm.divu(RD, A, B), -1, 2, MAX),
            op("divu MIN/-1", Asm.divu(RD, A, B), MIN, -1, 0),
            op("rem sign of dividend", Asm.rem(RD, A, B), -7, 2, -1),
            op("rem positive dividend", Asm.rem(RD, A, B), 7, -2, 1),
            op("rem by zero", Asm.rem(RD, A, B), -42, 0, -42),
            op("rem MIN/-1", Asm.rem(RD, A, B), MIN, -1, 0),
            op("remu by zero", Asm.remu(RD, A, B), -42, 0, -42),
            op("remu unsigned", Asm.remu(RD, A, B), -1, 10, 5),
            op("remu MIN/-1", Asm.remu(RD, A, B), MIN, -1, MIN),
            op("divw MIN32/-1", Asm.divw(RD, A, B), 0x8000_0000L, -1, 0xffff_ffff_8000_0000L),
            op("divw by zero", Asm.divw(RD, A, B), 42, 0x1_0000_0000L, -1),
            op("divw ignores upper bits", Asm.divw(RD, A, B), 0x7_ffff_fff9L, 0x9_0000_0002L, -3),
            op("divuw by zero", Asm.divuw(RD, A, B), 42, 0, -1),
            op("divuw result sign-extends", Asm.divuw(RD, A, B), 0xffff_ffffL, 1, -1),
            op("divuw unsigned", Asm.divuw(RD, A, B), 0xffff_fffeL, 2, 0x7fff_ffffL),
            op("divuw MIN32/-1", Asm.divuw(RD, A, B), 0x8000_0000L, 0xffff_ffffL, 0),
            op("remw MIN32/-1", Asm.remw(RD, A, B), 0x8000_0000L, -1, 0),
            op("remw by zero is sext(a)", Asm.remw(RD, A, B), 0x1_8000_0000L, 0, 0xffff_ffff_8000_0000L),
            op("remw sign of dividend", Asm.remw(RD, A, B), 0xffff_fff9L, 2, -1),
            op("remuw by zero is sext(a)", Asm.remuw(RD, A, B), 0x1_8000_0001L, 0, 0xffff_ffff_8000_0001L),
            op("remuw unsigned", Asm.remuw(RD, A, B), 0x8000_0001L, 2, 1),
            op("remuw MIN32/-1", Asm.remuw(RD, A, B), 0x8000_0000L, 0xffff_ffffL, 0xffff_ffff_8000_0000L));
    }

    static Stream<Arguments> bitmanip() {
        return Stream.of(
            op("add.uw", Asm.addUw(RD, A, B), 0xffff_ffff_8000_0000L, 1, 0x8000_0001L),
            op("sh1add", Asm.sh1add(RD, A, B), MIN + 3, 10, 16),
            op("sh2add", Asm.sh2add(RD, A, B), 3, 10, 22),
            op("sh3add", Asm.sh3add(RD, A, B), -1, 8, 0),
            op("sh1add.uw", Asm.sh1addUw(RD, A, B), 0xffff_ffff_8000_0000L, 1, 0x1_0000_0001L),
            op("sh2add.uw", Asm.sh2addUw(RD, A, B), 0x1234_5678_0000_0001L, 0, 4),
            op("sh3add.uw", Asm.sh3addUw(RD, A, B), 0xffff_ffff_ffff_ffffL, 8, 0x8_0000_0000L),
            op("slli.uw", Asm.slliUw(RD, A, 4), 0xffff_ffff_8000_0001L, 0, 0x8_0000_0010L),
            op("slli.uw 40", Asm.slliUw(RD, A, 40), 0xffff_ffff_ffff_ffffL, 0, 0xffff_ff00_0000_0000L),
            op("andn", Asm.andn(RD, A, B), 0xffL, 0x0fL, 0xf0L),
            op("orn", Asm.orn(RD, A, B), 0, -2, 1),
            op("xnor", Asm.xnor(RD, A, B), 0xf0L, 0xffL, ~0x0fL),
            op("clz 0", Asm.clz(RD, A), 0, 0, 64),
            op("clz 1", Asm.clz(RD, A), 1, 0, 63),
            op("clz MIN", Asm.clz(RD, A), MIN, 0, 0),
            op("clzw 0 in low word", Asm.clzw(RD, A), 0xffff_ffff_0000_0000L, 0, 32),
            op("clzw 1", Asm.clzw(RD, A), 1, 0, 31),
            op("ctz 0", Asm.ctz(RD, A), 0, 0, 64),
            op("ctz MIN", Asm.ctz(RD, A), MIN, 0, 63),
            op("ctzw 0 in low word", Asm.ctzw(RD, A), 0x1_0000_0000L, 0, 32),
            op("ctzw", Asm.ctzw(RD, A), 0x8000_0000L, 0, 31),
            op("cpop -1", Asm.cpop(RD, A), -1, 0, 64),
            op("cpopw -1", Asm.cpopw(RD, A), -1, 0, 32),
            op("max signed", Asm.max(RD, A, B), -1, 1, 1),
            op("maxu", Asm.maxu(RD, A, B), -1, 1, -1),
            op("min signed", Asm.min(RD, A, B), -1, 1, -1),
            op("minu", Asm.minu(RD, A, B), -1, 1, 1),
            op("sext.b", Asm.sextB(RD, A), 0x1234_5680L, 0, -128),
            op("sext.h", Asm.sextH(RD, A), 0x1234_8000L, 0, -32768),
            op("zext.h", Asm.zextH(RD, A), 0xffff_ffff_ffff_8000L, 0, 0x8000),
            op("rol 1", Asm.rol(RD, A, B), MIN, 1, 1),
            op("rol uses low 6 bits", Asm.rol(RD, A, B), 1, 65, 2),
            op("ror 1", Asm.ror(RD, A, B), 1, 1, MIN),
            op("rori 63", Asm.rori(RD, A, 63), 1, 0, 2),
            op("rolw sign-extends", Asm.rolw(RD, A, B), 0x4000_0000L, 1, 0xffff_ffff_8000_0000L),
            op("rolw uses low 5 bits", Asm.rolw(RD, A, B), 0x8000_0000L, 33, 1),
            op("rorw", Asm.rorw(RD, A, B), 1, 1, 0xffff_ffff_8000_0000L),
            op("roriw 31", Asm.roriw(RD, A, 31), 0xffff_ffff_0000_0001L, 0, 2),
            op("orc.b", Asm.orcB(RD, A), 0x0100_0000_00ff_0001L, 0, 0xff00_0000_00ff_00ffL),
            op("rev8", Asm.rev8(RD, A), 0x0102_0304_0506_0708L, 0, 0x0807_0605_0403_0201L),
            op("bclr 63", Asm.bclr(RD, A, B), -1, 63, MAX),
            op("bclr uses low 6 bits", Asm.bclr(RD, A, B), -1, 64, -2),
            op("bclri 0", Asm.bclri(RD, A, 0), -1, 0, -2),
            op("bext 63", Asm.bext(RD, A, B), MIN, 63, 1),
            op("bext uses low 6 bits", Asm.bext(RD, A, B), MIN, 127, 1),
            op("bexti", Asm.bexti(RD, A, 4), 0x10, 0, 1),
            op("binv", Asm.binv(RD, A, B), 0, 32, 0x1_0000_0000L),
            op("binvi", Asm.binvi(RD, A, 0), 1, 0, 0),
            op("bset uses low 6 bits", Asm.bset(RD, A, B), 0, 0x7f, MIN),
            op("bseti 63", Asm.bseti(RD, A, 63), 0, 0, MIN),
            op("czero.eqz with 0", Asm.czeroEqz(RD, A, B), 42, 0, 0),
            op("czero.eqz with nonzero", Asm.czeroEqz(RD, A, B), 42, MIN, 42),
            op("czero.nez with 0", Asm.czeroNez(RD, A, B), 42, 0, 42),
            op("czero.nez with nonzero", Asm.czeroNez(RD, A, B), 42, 5, 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({"rv64i", "rv64m", "bitmanip"})
    void computes(String label, int word, long a, long b, long expected) {
        t.x(A, a).x(B, b).exec(word);
        t.assertPc(CODE + 4);
        assertEquals(Long.toHexString(expected), Long.toHexString(t.x(RD)));
        assertEquals(a, t.x(A), "rs1 unchanged");
        assertEquals(b, t.x(B), "rs2 unchanged");
    }

    @Test
    void destinationMayBeASource() {
        t.x(5, 21).exec(Asm.add(5, 5, 5));
        assertEquals(42, t.x(5));
        t.x(5, 10).x(6, 3).exec(Asm.sub(6, 5, 6));
        assertEquals(7, t.x(6));
        t.x(5, 7).exec(Asm.divw(5, 5, 5));
        assertEquals(1, t.x(5));
        t.x(5, MIN).exec(Asm.mulhu(5, 5, 5));
        assertEquals(0x4000_0000_0000_0000L, t.x(5));
        t.x(5, 0x1234).exec(Asm.rev8(5, 5));
        assertEquals(0x3412_0000_0000_0000L, t.x(5));
    }

    @Test
    void writesToX0AreIgnored() {
        t.x(5, DATA);
        t.ram.writeLong(DATA, 99);
        t.exec(Asm.addi(0, 0, 5), Asm.lui(0, 0x12345000), Asm.ld(0, 5, 0), Asm.jal(0, 4), Asm.mul(0, 5, 5),
                Asm.addi(7, 0, 0), Asm.csrr(0, Csrs.MSCRATCH));
        assertEquals(0, t.x(0));
        assertEquals(0, t.x(7));
        t.assertPc(CODE + 28);
    }

    @Test
    void luiAndAuipcSignExtendTheirImmediate() {
        t.exec(Asm.lui(5, 0x8000_0000), Asm.lui(6, 0x7fff_f000), Asm.auipc(7, 0x8000_0000), Asm.auipc(8, 0));
        assertEquals(0xffff_ffff_8000_0000L, t.x(5));
        assertEquals(0x7fff_f000L, t.x(6));
        assertEquals(CODE + 8 + 0xffff_ffff_8000_0000L, t.x(7)); // 0x8000_0008 - 2^31 = 8
        assertEquals(CODE + 12, t.x(8));
    }

    @Test
    void jalLinksAndJumpsRelativeToItself() {
        t.execAt(CODE + 0x100, Asm.jal(1, -0x100));
        assertEquals(CODE + 0x104, t.x(1));
        t.assertPc(CODE);
        t.execAt(CODE, Asm.jal(5, 0x7fe));
        assertEquals(CODE + 4, t.x(5));
        t.assertPc(CODE + 0x7fe);
    }

    @Test
    void jalrClearsBitZeroOfTheTargetAndReadsRs1BeforeLinking() {
        t.x(5, CODE + 0x21).exec(Asm.jalr(1, 5, -1)); // 0x20 after the sum, bit 0 already clear
        t.assertPc(CODE + 0x20);
        t.x(5, CODE + 0x40).exec(Asm.jalr(1, 5, 1)); // 0x41 -> 0x40
        t.assertPc(CODE + 0x40);
        assertEquals(CODE + 4, t.x(1));
        t.x(5, CODE + 0x80).exec(Asm.jalr(5, 5, 0)); // rd = rs1: the target uses the old value
        t.assertPc(CODE + 0x80);
        assertEquals(CODE + 4, t.x(5));
    }

    static Stream<Arguments> branches() {
        return Stream.of(
            Arguments.of("beq equal", Asm.beq(A, B, -0x100), 5L, 5L, true),
            Arguments.of("beq different", Asm.beq(A, B, -0x100), 5L, 6L, false),
            Arguments.of("bne different", Asm.bne(A, B, -0x100), 5L, 6L, true),
            Arguments.of("bne equal", Asm.bne(A, B, -0x100), -1L, -1L, false),
            Arguments.of("blt -1<1", Asm.blt(A, B, -0x100), -1L, 1L, true),
            Arguments.of("blt 1<-1", Asm.blt(A, B, -0x100), 1L, -1L, false),
            Arguments.of("blt equal", Asm.blt(A, B, -0x100), 3L, 3L, false),
            Arguments.of("bge equal", Asm.bge(A, B, -0x100), 3L, 3L, true),
            Arguments.of("bge 1>=-1", Asm.bge(A, B, -0x100), 1L, -1L, true),
            Arguments.of("bge -1>=1", Asm.bge(A, B, -0x100), -1L, 1L, false),
            Arguments.of("bltu 1<-1", Asm.bltu(A, B, -0x100), 1L, -1L, true),
            Arguments.of("bltu -1<1", Asm.bltu(A, B, -0x100), -1L, 1L, false),
            Arguments.of("bgeu -1>=1", Asm.bgeu(A, B, -0x100), -1L, 1L, true),
            Arguments.of("bgeu 1>=-1", Asm.bgeu(A, B, -0x100), 1L, -1L, false),
            Arguments.of("bgeu equal", Asm.bgeu(A, B, -0x100), MIN, MIN, true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("branches")
    void branchesTakenAndNotTaken(String label, int word, long a, long b, boolean taken) {
        t.x(A, a).x(B, b).execAt(CODE + 0x100, word);
        t.assertPc(taken ? CODE : CODE + 0x104);
    }

    @Test
    void loadsSignAndZeroExtend() {
        t.ram.writeLong(DATA, 0x8081_8283_8485_8687L);
        t.x(5, DATA);
        t.exec(Asm.lb(10, 5, 0), Asm.lbu(11, 5, 0), Asm.lh(12, 5, 0), Asm.lhu(13, 5, 0), Asm.lw(14, 5, 0),
                Asm.lwu(15, 5, 0), Asm.ld(16, 5, 0), Asm.lb(17, 5, 7));
        assertEquals(0xffff_ffff_ffff_ff87L, t.x(10));
        assertEquals(0x87L, t.x(11));
        assertEquals(0xffff_ffff_ffff_8687L, t.x(12));
        assertEquals(0x8687L, t.x(13));
        assertEquals(0xffff_ffff_8485_8687L, t.x(14));
        assertEquals(0x8485_8687L, t.x(15));
        assertEquals(0x8081_8283_8485_8687L, t.x(16));
        assertEquals(0xffff_ffff_ffff_ff80L, t.x(17));
        t.ram.writeLong(DATA + 8, 0x7f7e_7d7c_7b7a_7978L);
        t.x(5, DATA + 9).exec(Asm.lb(10, 5, -1), Asm.lh(11, 5, -1), Asm.lw(12, 5, -1));
        assertEquals(0x78L, t.x(10));
        assertEquals(0x7978L, t.x(11));
        assertEquals(0x7b7a_7978L, t.x(12));
    }

    @Test
    void storesWriteOnlyTheirBytes() {
        t.ram.writeLong(DATA, -1L);
        t.ram.writeLong(DATA + 8, -1L);
        t.x(5, DATA).x(6, 0x1122_3344_5566_7788L);
        t.exec(Asm.sb(6, 5, 0), Asm.sh(6, 5, 2), Asm.sw(6, 5, 4));
        assertEquals(0x5566_7788_7788_ff88L, t.mem64(DATA));
        t.exec(Asm.sd(6, 5, 8));
        assertEquals(0x1122_3344_5566_7788L, t.mem64(DATA + 8));
        t.x(5, DATA + 0x20).exec(Asm.sd(6, 5, -0x10));
        assertEquals(0x1122_3344_5566_7788L, t.mem64(DATA + 0x10));
    }

    /** Misaligned accesses: this hart performs them (the manual allows it, section 2.6). */
    @Test
    void misalignedLoadsAndStoresAccessTheRightBytes() {
        for (int k = 0; k < 16; k++) t.ram.writeByte(DATA + k, (byte) (0x10 + k));
        t.x(5, DATA);
        t.exec(Asm.ld(10, 5, 3), Asm.lw(11, 5, 1), Asm.lh(12, 5, 5), Asm.lwu(13, 5, 7), Asm.lhu(14, 5, 15 - 1));
        assertEquals(0x1a19_1817_1615_1413L, t.x(10));
        assertEquals(0x1413_1211L, t.x(11));
        assertEquals(0x1615L, t.x(12));
        assertEquals(0x1a19_1817L, t.x(13));
        assertEquals(0x1f1eL, t.x(14));
        t.x(6, 0xa1a2_a3a4_a5a6_a7a8L).exec(Asm.sd(6, 5, 5), Asm.sh(6, 5, 1), Asm.sw(6, 5, 13));
        assertEquals(0xa6a7_a814_13a7_a810L, t.mem64(DATA));
        assertEquals(0xa6a7_a8a1_a2a3_a4a5L, t.mem64(DATA + 8));
        assertEquals(0xa5, t.mem8(DATA + 16));
        assertEquals(0x00, t.mem8(DATA + 17));
    }

    @Test
    void misalignedAccessesAcrossAPageBoundary() {
        long edge = DATA + 0x1000;
        for (int k = -8; k < 8; k++) t.ram.writeByte(edge + k, (byte) (0x40 + k));
        t.x(5, edge - 3).exec(Asm.ld(10, 5, 0), Asm.lw(11, 5, 1));
        assertEquals(0x4443_4241_403f_3e3dL, t.x(10));
        assertEquals(0x4140_3f3eL, t.x(11));
        t.x(6, 0x0102_0304_0506_0708L).exec(Asm.sd(6, 5, 0));
        assertEquals(0x08, t.mem8(edge - 3));
        assertEquals(0x06, t.mem8(edge - 1));
        assertEquals(0x05, t.mem8(edge));
        assertEquals(0x01, t.mem8(edge + 4));
        assertEquals(0x45, t.mem8(edge + 5));
    }
}
