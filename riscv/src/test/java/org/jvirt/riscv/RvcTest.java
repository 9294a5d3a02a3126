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
 * The "C" extension (unprivileged spec 20191213, chapter 16): every RV64C instruction expands to the
 * 32-bit instruction the manual names (both sides encoded by {@link Asm} from the manual's tables).
 */
class RvcTest {
    private final TestHart t = new TestHart();

    @AfterEach
    void close() { t.close(); }

    private static Arguments c(String name, int compressed, int expanded) {
        return Arguments.of(name, compressed, expanded);
    }

    static Stream<Arguments> expansions() {
        return Stream.of(
            // quadrant 0
            c("c.addi4spn x8, 4", Asm.cAddi4spn(8, 4), Asm.addi(8, 2, 4)),
            c("c.addi4spn x15, 1020", Asm.cAddi4spn(15, 1020), Asm.addi(15, 2, 1020)),
            c("c.addi4spn x9, 0x208", Asm.cAddi4spn(9, 0x208), Asm.addi(9, 2, 0x208)),
            c("c.fld f8, 0(x15)", Asm.cFld(8, 15, 0), Asm.fld(8, 15, 0)),
            c("c.fld f15, 248(x8)", Asm.cFld(15, 8, 248), Asm.fld(15, 8, 248)),
            c("c.lw x8, 4(x9)", Asm.cLw(8, 9, 4), Asm.lw(8, 9, 4)),
            c("c.lw x10, 124(x11)", Asm.cLw(10, 11, 124), Asm.lw(10, 11, 124)),
            c("c.lw x12, 64(x13)", Asm.cLw(12, 13, 64), Asm.lw(12, 13, 64)),
            c("c.ld x12, 248(x13)", Asm.cLd(12, 13, 248), Asm.ld(12, 13, 248)),
            c("c.ld x14, 136(x8)", Asm.cLd(14, 8, 136), Asm.ld(14, 8, 136)),
            c("c.fsd f9, 136(x10)", Asm.cFsd(9, 10, 136), Asm.fsd(9, 10, 136)),
            c("c.sw x14, 68(x15)", Asm.cSw(14, 15, 68), Asm.sw(14, 15, 68)),
            c("c.sd x8, 248(x8)", Asm.cSd(8, 8, 248), Asm.sd(8, 8, 248)),
            // quadrant 1
            c("c.nop", Asm.cNop(), Asm.addi(0, 0, 0)),
            c("c.addi x5, -32", Asm.cAddi(5, -32), Asm.addi(5, 5, -32)),
            c("c.addi x31, 31", Asm.cAddi(31, 31), Asm.addi(31, 31, 31)),
            c("c.addiw x5, -1", Asm.cAddiw(5, -1), Asm.addiw(5, 5, -1)),
            c("c.addiw x1, 0", Asm.cAddiw(1, 0), Asm.addiw(1, 1, 0)),
            c("c.li x10, -32", Asm.cLi(10, -32), Asm.addi(10, 0, -32)),
            c("c.li x31, 31", Asm.cLi(31, 31), Asm.addi(31, 0, 31)),
            c("c.addi16sp -512", Asm.cAddi16sp(-512), Asm.addi(2, 2, -512)),
            c("c.addi16sp 496", Asm.cAddi16sp(496), Asm.addi(2, 2, 496)),
            c("c.addi16sp 16", Asm.cAddi16sp(16), Asm.addi(2, 2, 16)),
            c("c.addi16sp 0x160", Asm.cAddi16sp(0x160), Asm.addi(2, 2, 0x160)),
            c("c.lui x5, 0x1f", Asm.cLui(5, 0x1f), Asm.lui(5, 0x1f000)),
            c("c.lui x5, 0x20 (negative)", Asm.cLui(5, 0x20), Asm.lui(5, 0xfffe_0000)),
            c("c.lui x5, 0x3f", Asm.cLui(5, 0x3f), Asm.lui(5, 0xffff_f000)),
            c("c.lui x31, 1", Asm.cLui(31, 1), Asm.lui(31, 0x1000)),
            c("c.srli x8, 63", Asm.cSrli(8, 63), Asm.srli(8, 8, 63)),
            c("c.srli x9, 1", Asm.cSrli(9, 1), Asm.srli(9, 9, 1)),
            c("c.srai x9, 32", Asm.cSrai(9, 32), Asm.srai(9, 9, 32)),
            c("c.srai x15, 5", Asm.cSrai(15, 5), Asm.srai(15, 15, 5)),
            c("c.andi x10, -1", Asm.cAndi(10, -1), Asm.andi(10, 10, -1)),
            c("c.andi x10, -32", Asm.cAndi(10, -32), Asm.andi(10, 10, -32)),
            c("c.andi x11, 21", Asm.cAndi(11, 21), Asm.andi(11, 11, 21)),
            c("c.sub x8, x15", Asm.cSub(8, 15), Asm.sub(8, 8, 15)),
            c("c.xor x9, x10", Asm.cXor(9, 10), Asm.xor(9, 9, 10)),
            c("c.or x11, x12", Asm.cOr(11, 12), Asm.or(11, 11, 12)),
            c("c.and x13, x14", Asm.cAnd(13, 14), Asm.and(13, 13, 14)),
            c("c.subw x15, x8", Asm.cSubw(15, 8), Asm.subw(15, 15, 8)),
            c("c.addw x8, x9", Asm.cAddw(8, 9), Asm.addw(8, 8, 9)),
            c("c.j -2048", Asm.cJ(-2048), Asm.jal(0, -2048)),
            c("c.j 2046", Asm.cJ(2046), Asm.jal(0, 2046)),
            c("c.j 0x2aa", Asm.cJ(0x2aa), Asm.jal(0, 0x2aa)),
            c("c.j 0x554", Asm.cJ(0x554), Asm.jal(0, 0x554)),
            c("c.j -2", Asm.cJ(-2), Asm.jal(0, -2)),
            c("c.beqz x8, -256", Asm.cBeqz(8, -256), Asm.beq(8, 0, -256)),
            c("c.beqz x9, 0xaa", Asm.cBeqz(9, 0xaa), Asm.beq(9, 0, 0xaa)),
            c("c.bnez x15, 254", Asm.cBnez(15, 254), Asm.bne(15, 0, 254)),
            c("c.bnez x10, -2", Asm.cBnez(10, -2), Asm.bne(10, 0, -2)),
            // quadrant 2
            c("c.slli x31, 63", Asm.cSlli(31, 63), Asm.slli(31, 31, 63)),
            c("c.slli x1, 1", Asm.cSlli(1, 1), Asm.slli(1, 1, 1)),
            c("c.fldsp f1, 504", Asm.cFldsp(1, 504), Asm.fld(1, 2, 504)),
            c("c.fldsp f31, 8", Asm.cFldsp(31, 8), Asm.fld(31, 2, 8)),
            c("c.lwsp x1, 252", Asm.cLwsp(1, 252), Asm.lw(1, 2, 252)),
            c("c.lwsp x31, 4", Asm.cLwsp(31, 4), Asm.lw(31, 2, 4)),
            c("c.lwsp x5, 0xa8", Asm.cLwsp(5, 0xa8), Asm.lw(5, 2, 0xa8)),
            c("c.ldsp x31, 504", Asm.cLdsp(31, 504), Asm.ld(31, 2, 504)),
            c("c.ldsp x1, 0x148", Asm.cLdsp(1, 0x148), Asm.ld(1, 2, 0x148)),
            c("c.jr x1", Asm.cJr(1), Asm.jalr(0, 1, 0)),
            c("c.mv x5, x6", Asm.cMv(5, 6), Asm.add(5, 0, 6)),
            c("c.ebreak", Asm.cEbreak(), Asm.ebreak()),
            c("c.jalr x5", Asm.cJalr(5), Asm.jalr(1, 5, 0)),
            c("c.add x5, x6", Asm.cAdd(5, 6), Asm.add(5, 5, 6)),
            c("c.fsdsp f31, 504", Asm.cFsdsp(31, 504), Asm.fsd(31, 2, 504)),
            c("c.fsdsp f3, 0x148", Asm.cFsdsp(3, 0x148), Asm.fsd(3, 2, 0x148)),
            c("c.swsp x31, 252", Asm.cSwsp(31, 252), Asm.sw(31, 2, 252)),
            c("c.swsp x1, 0x54", Asm.cSwsp(1, 0x54), Asm.sw(1, 2, 0x54)),
            c("c.sdsp x1, 504", Asm.cSdsp(1, 504), Asm.sd(1, 2, 504)),
            c("c.sdsp x7, 0xa8", Asm.cSdsp(7, 0xa8), Asm.sd(7, 2, 0xa8)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("expansions")
    void expandsToItsThirtyTwoBitEquivalent(String name, int compressed, int expanded) {
        assertEquals(Integer.toHexString(expanded), Integer.toHexString(Rvc.expand(compressed)));
        Decoder decoder = Decoder.rv64gc();
        Insn c = decoder.decode(compressed), full = decoder.decode(expanded);
        assertEquals(full.name, c.name);
        assertEquals(2, c.len);
        assertEquals(full.imm, c.imm);
    }

    static Stream<Arguments> reserved() {
        return Stream.of(
            Arguments.of("c.addi4spn with nzuimm 0", Asm.cAddi4spn(9, 0)),
            Arguments.of("c.lwsp with rd x0", Asm.cLwsp(0, 4)),
            Arguments.of("c.ldsp with rd x0", Asm.cLdsp(0, 8)),
            Arguments.of("c.jr with rs1 x0", Asm.cJr(0)),
            Arguments.of("c.addiw with rd x0", Asm.cAddiw(0, 1)),
            Arguments.of("c.lui with nzimm 0", Asm.cLui(5, 0)),
            Arguments.of("c.addi16sp with nzimm 0", Asm.cAddi16sp(0)),
            Arguments.of("quadrant 0 funct3 100", 0b100 << 13),
            Arguments.of("CA funct6 100111 funct2 10", 0b100111 << 10 | 0b10 << 5 | 1),
            Arguments.of("CA funct6 100111 funct2 11", 0b100111 << 10 | 0b11 << 5 | 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("reserved")
    void reservedEncodingsAreIllegal(String name, int parcel) {
        assertEquals(0, Rvc.expand(parcel));
        assertEquals("illegal", Decoder.rv64gc().decode(parcel).name);
        t.put16(CODE, parcel, 0x0001);
        t.step();
        t.assertMTrap(Cause.ILLEGAL_INSN, parcel, CODE);
    }

    /** HINTs (table 16.3) are legal and change no architectural state. */
    @Test
    void hintsExecuteAsNoOperations() {
        t.x(5, 77);
        t.exec16(Asm.cLi(0, 5), Asm.cAddi(0, 3), Asm.cMv(0, 5), Asm.cSlli(0, 1), Asm.cLui(0, 1), Asm.cAddi(5, 0));
        t.assertPc(CODE + 12);
        assertEquals(0, t.x(0));
        assertEquals(77, t.x(5));
    }

    @Test
    void cJalrLinksTheAddressOfTheNextTwoByteInstruction() {
        t.x(5, CODE + 0x101); // jalr clears bit 0 of the target
        t.exec16(Asm.cJalr(5));
        assertEquals(CODE + 2, t.x(1));
        t.assertPc(CODE + 0x100);
    }

    @Test
    void cJAndBranchesAreRelativeToTheirOwnAddress() {
        t.put16(CODE + 0x10, Asm.cJ(-4));
        t.h.pc = CODE + 0x10;
        t.step();
        t.assertPc(CODE + 0xc);
        t.x(8, 0).put16(CODE + 0x20, Asm.cBeqz(8, -0x20), Asm.cBnez(8, 0x40));
        t.h.pc = CODE + 0x20;
        t.step();
        t.assertPc(CODE);
        t.h.pc = CODE + 0x22;
        t.step();
        t.assertPc(CODE + 0x24); // not taken: the next parcel
    }

    @Test
    void mixesCompressedAndFullInstructionsAtTwoByteAlignment() {
        t.put16(CODE, Asm.cLi(5, 7));
        t.put16(CODE + 2, Asm.addi(6, 5, 100) & 0xffff, Asm.addi(6, 5, 100) >>> 16);
        t.put16(CODE + 6, Asm.cAdd(6, 5));
        t.h.pc = CODE;
        t.step(3);
        assertEquals(114, t.x(6));
        t.assertPc(CODE + 8);
    }

    @Test
    void stackPointerRelativeLoadsAndStores() {
        t.x(2, DATA).x(7, 0xfedc_ba98_8765_4321L);
        t.exec16(Asm.cSdsp(7, 0xa8), Asm.cLwsp(5, 0xa8), Asm.cLdsp(6, 0xa8), Asm.cAddi16sp(-16), Asm.cAddi4spn(8, 16));
        assertEquals(0xfedc_ba98_8765_4321L, t.mem64(DATA + 0xa8));
        assertEquals(0xffff_ffff_8765_4321L, t.x(5)); // lw sign-extends
        assertEquals(0xfedc_ba98_8765_4321L, t.x(6));
        assertEquals(DATA - 16, t.x(2));
        assertEquals(DATA, t.x(8));
    }

    @Test
    void wordArithmeticSignExtends() {
        t.x(8, 0x7fff_ffffL).x(9, 1).x(10, 0x1_0000_0000L);
        t.exec16(Asm.cAddw(8, 9), Asm.cSubw(10, 9), Asm.cAddiw(11, -1));
        assertEquals(0xffff_ffff_8000_0000L, t.x(8));
        assertEquals(-1L, t.x(10));
        assertEquals(-1L, t.x(11));
    }

    @Test
    void cEbreakRaisesABreakpointAtItsOwnAddress() {
        t.exec16(Asm.cEbreak());
        assertEquals(Cause.BREAKPOINT, t.csr(Csrs.MCAUSE));
        assertEquals(CODE, t.csr(Csrs.MEPC));
        t.assertPc(TestHart.TRAP);
    }
}
