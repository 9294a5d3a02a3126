package org.jvirt.riscv;

import static org.jvirt.riscv.TestHart.CODE;
import static org.jvirt.riscv.TestHart.DATA;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The "A" extension (unprivileged spec 20191213, chapter 8). x5 holds the address, x6 the source. */
class AtomicTest {
    private static final long GUARD = 0x5a5a_5a5a_5a5a_5a5aL;
    private final TestHart t = new TestHart();

    @AfterEach
    void close() { t.close(); }

    @Test
    void lrThenScSucceedsAndStores() {
        t.ram.writeLong(DATA, 42);
        t.x(5, DATA).x(6, 0x1234_5678_9abc_def0L);
        t.exec(Asm.lrD(7, 5), Asm.scD(8, 5, 6));
        assertEquals(42, t.x(7));
        assertEquals(0, t.x(8), "sc.d writes 0 on success");
        assertEquals(0x1234_5678_9abc_def0L, t.mem64(DATA));
    }

    @Test
    void lrWSignExtendsAndScWStoresFourBytes() {
        t.ram.writeLong(DATA, GUARD);
        t.ram.writeInt(DATA, 0x8000_0000);
        t.x(5, DATA).x(6, 0x7777_7777_1122_3344L);
        t.exec(Asm.lrW(7, 5), Asm.scW(8, 5, 6));
        assertEquals(0xffff_ffff_8000_0000L, t.x(7));
        assertEquals(0, t.x(8));
        assertEquals(0x5a5a_5a5a_1122_3344L, t.mem64(DATA));
    }

    @Test
    void scWithoutLrFailsAndDoesNotStore() {
        t.ram.writeLong(DATA, 42);
        t.x(5, DATA).x(6, 7).exec(Asm.scD(8, 5, 6));
        assertNotEquals(0, t.x(8), "sc without a reservation must fail");
        assertEquals(42, t.mem64(DATA));
        t.exec(Asm.scW(8, 5, 6));
        assertNotEquals(0, t.x(8));
        assertEquals(42, t.mem64(DATA));
    }

    @Test
    void aSecondScFailsBecauseTheFirstConsumedTheReservation() {
        t.x(5, DATA).x(6, 1).x(9, 2);
        t.exec(Asm.lrD(7, 5), Asm.scD(8, 5, 6), Asm.scD(10, 5, 9));
        assertEquals(0, t.x(8));
        assertNotEquals(0, t.x(10));
        assertEquals(1, t.mem64(DATA));
    }

    @Test
    void scToAnAddressOutsideTheReservationFails() {
        t.x(5, DATA).x(11, DATA + 64).x(6, 9);
        t.exec(Asm.lrD(7, 5), Asm.scD(8, 11, 6));
        assertNotEquals(0, t.x(8));
        assertEquals(0, t.mem64(DATA + 64));
    }

    /** A store by another agent to the reservation set between LR and SC makes the SC fail (section 8.2). */
    @Test
    void scFailsWhenAnotherAgentWroteTheReservedWord() {
        t.ram.writeLong(DATA, 1);
        t.x(5, DATA).x(6, 3);
        t.exec(Asm.lrD(7, 5));
        t.ram.writeLong(DATA, 2); // another hart or a device
        t.execAt(CODE + 4, Asm.scD(8, 5, 6));
        assertNotEquals(0, t.x(8));
        assertEquals(2, t.mem64(DATA));
    }

    private static Arguments amo(String name, int funct5, int width, long memory, long src, long expectedRd, long expectedMemory) {
        return Arguments.of(name, Asm.amo(funct5, width, 7, 5, 6), width, memory, src, expectedRd, expectedMemory);
    }

    static Stream<Arguments> amos() {
        int w = Asm.W, d = Asm.D;
        return Stream.of(
            amo("amoswap.w", Asm.AMOSWAP, w, 0x8000_0000L, 0x1_2345_6789L, 0xffff_ffff_8000_0000L, 0x2345_6789L),
            amo("amoadd.w wraps in 32 bits", Asm.AMOADD, w, 0x7fff_ffffL, 0xff_0000_0001L, 0x7fff_ffffL, 0x8000_0000L),
            amo("amoadd.w carry out dropped", Asm.AMOADD, w, 0xffff_ffffL, 1, -1, 0),
            amo("amoxor.w", Asm.AMOXOR, w, 0xf0f0_f0f0L, 0xffff_ffffL, 0xffff_ffff_f0f0_f0f0L, 0x0f0f_0f0fL),
            amo("amoand.w", Asm.AMOAND, w, 0xff00_ff00L, 0x0ff0_0ff0L, 0xffff_ffff_ff00_ff00L, 0x0f00_0f00L),
            amo("amoor.w", Asm.AMOOR, w, 0x0000_00f0L, 0x8000_000fL, 0xf0, 0x8000_00ffL),
            amo("amomin.w signed", Asm.AMOMIN, w, 0xffff_ffffL, 1, -1, 0xffff_ffffL),
            amo("amomin.w uses low word of rs2", Asm.AMOMIN, w, 5, 0x1_0000_0000L, 5, 0),
            amo("amomax.w signed", Asm.AMOMAX, w, 0xffff_ffffL, 1, -1, 1),
            amo("amomax.w ignores upper bits of rs2", Asm.AMOMAX, w, 0xffff_ffffL, 0x7fff_ffff_8000_0000L, -1, 0xffff_ffffL),
            amo("amominu.w unsigned", Asm.AMOMINU, w, 0xffff_ffffL, 1, -1, 1),
            amo("amominu.w uses low word of rs2", Asm.AMOMINU, w, 5, 0xffff_ffff_0000_0003L, 5, 3),
            amo("amomaxu.w unsigned", Asm.AMOMAXU, w, 0xffff_ffffL, 1, -1, 0xffff_ffffL),
            amo("amomaxu.w uses low word of rs2", Asm.AMOMAXU, w, 5, 0xffff_ffff_0000_0003L, 5, 5),
            amo("amoswap.d", Asm.AMOSWAP, d, 0x8000_0000L, -1, 0x8000_0000L, -1),
            amo("amoadd.d wraps", Asm.AMOADD, d, Long.MAX_VALUE, 1, Long.MAX_VALUE, Long.MIN_VALUE),
            amo("amoxor.d", Asm.AMOXOR, d, -1, 0x0f0f_0f0f_0f0f_0f0fL, -1, 0xf0f0_f0f0_f0f0_f0f0L),
            amo("amoand.d", Asm.AMOAND, d, 0xff00_ff00_ff00_ff00L, 0x0ff0_0ff0_0ff0_0ff0L, 0xff00_ff00_ff00_ff00L, 0x0f00_0f00_0f00_0f00L),
            amo("amoor.d", Asm.AMOOR, d, 1L << 40, 1, 1L << 40, (1L << 40) | 1),
            amo("amomin.d signed", Asm.AMOMIN, d, -1, 1, -1, -1),
            amo("amomax.d signed", Asm.AMOMAX, d, -1, 1, -1, 1),
            amo("amominu.d unsigned", Asm.AMOMINU, d, -1, 1, -1, 1),
            amo("amomaxu.d unsigned", Asm.AMOMAXU, d, -1, 1, -1, -1),
            amo("amomin.d 64-bit compare", Asm.AMOMIN, d, 0x1_0000_0000L, 0xffff_ffffL, 0x1_0000_0000L, 0xffff_ffffL));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("amos")
    void amoReturnsTheOldValueAndStoresTheResult(String name, int word, int width, long memory, long src, long expectedRd, long expectedMemory) {
        t.ram.writeLong(DATA, GUARD);
        t.ram.writeLong(DATA + 8, GUARD);
        if (width == Asm.W) t.ram.writeInt(DATA, (int) memory);
        else t.ram.writeLong(DATA, memory);
        t.x(5, DATA).x(6, src).exec(word);
        t.assertPc(CODE + 4);
        assertEquals(Long.toHexString(expectedRd), Long.toHexString(t.x(7)), "rd");
        if (width == Asm.W) {
            assertEquals(Long.toHexString(expectedMemory & 0xffff_ffffL), Long.toHexString(t.mem32(DATA)), "memory");
            assertEquals(0x5a5a_5a5aL, t.mem32(DATA + 4), "the next word is untouched");
        } else {
            assertEquals(Long.toHexString(expectedMemory), Long.toHexString(t.mem64(DATA)), "memory");
        }
        assertEquals(GUARD, t.mem64(DATA + 8));
    }

    @Test
    void amoWithRdX0StillUpdatesMemory() {
        t.ram.writeLong(DATA, 40);
        t.x(5, DATA).x(6, 2).exec(Asm.amoaddD(0, 5, 6));
        assertEquals(42, t.mem64(DATA));
        assertEquals(0, t.x(0));
    }

    @Test
    void amoWithRdEqualToRs2UsesTheOldSourceValue() {
        t.ram.writeLong(DATA, 40);
        t.x(5, DATA).x(6, 2).exec(Asm.amoaddD(6, 5, 6));
        assertEquals(42, t.mem64(DATA));
        assertEquals(40, t.x(6));
    }

    @Test
    void acquireAndReleaseBitsDoNotChangeTheResult() {
        t.ram.writeLong(DATA, 1);
        t.x(5, DATA).x(6, 2).exec(Asm.amo(Asm.AMOADD, Asm.D, true, true, 7, 5, 6), Asm.amo(Asm.AMOSWAP, Asm.W, true, false, 8, 5, 0));
        assertEquals(1, t.x(7));
        assertEquals(3, t.x(8));
        assertEquals(0, t.mem64(DATA));
    }

    static Stream<Arguments> misalignedAmos() {
        return Stream.of(
            Arguments.of("amoadd.w +2", Asm.amoaddW(7, 5, 6), 2L),
            Arguments.of("amoadd.d +4", Asm.amoaddD(7, 5, 6), 4L),
            Arguments.of("amoswap.d +1", Asm.amo(Asm.AMOSWAP, Asm.D, 7, 5, 6), 1L),
            Arguments.of("amomaxu.w +3", Asm.amo(Asm.AMOMAXU, Asm.W, 7, 5, 6), 3L),
            Arguments.of("sc.w +2", Asm.scW(7, 5, 6), 2L),
            Arguments.of("sc.d +4", Asm.scD(7, 5, 6), 4L));
    }

    /** Misaligned AMOs and SCs raise store/AMO address misaligned (cause 6), tval = the address. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("misalignedAmos")
    void misalignedAmoOrScTrapsWithCause6(String name, int word, long offset) {
        t.ram.writeLong(DATA, GUARD);
        t.ram.writeLong(DATA + 8, GUARD);
        t.x(5, DATA + offset).x(6, 0).x(7, 1234).exec(word);
        t.assertMTrap(Cause.STORE_MISALIGNED, DATA + offset, CODE);
        assertEquals(1234, t.x(7), "rd unchanged");
        assertEquals(GUARD, t.mem64(DATA));
        assertEquals(GUARD, t.mem64(DATA + 8));
    }

    /** Misaligned LRs raise load address misaligned (cause 4). */
    @Test
    void misalignedLrTrapsWithCause4() {
        t.x(5, DATA + 1).x(7, 1234).exec(Asm.lrW(7, 5));
        t.assertMTrap(Cause.LOAD_MISALIGNED, DATA + 1, CODE);
        assertEquals(1234, t.x(7));
        t.x(5, DATA + 4).exec(Asm.lrD(7, 5));
        t.assertMTrap(Cause.LOAD_MISALIGNED, DATA + 4, CODE);
    }

    @Test
    void amoOutsideMemoryIsAStoreAccessFault() {
        t.x(5, 0x1000).x(6, 1).exec(Asm.amoaddD(7, 5, 6));
        t.assertMTrap(Cause.STORE_ACCESS, 0x1000, CODE);
        t.x(5, 0x1000).exec(Asm.lrD(7, 5));
        t.assertMTrap(Cause.LOAD_ACCESS, 0x1000, CODE);
    }
}
