package org.jvirt.riscv.fpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Checks SoftFloat against vectors recorded from real RISC-V F/D instructions executed under QEMU
 * (see {@code src/test/fpu-vectors/README.md} for how they were made). One dynamic test per
 * instruction, each checking every vector's result bits and its fflags exactly.
 */
final class ReferenceVectorTest {
    private static final String RESOURCE = "/fpu/vectors.txt.gz";
    private static final int SIGN32 = 0x8000_0000;
    private static final long SIGN64 = Long.MIN_VALUE;

    /** One recorded execution: operands, expected result and flags, and the line for messages. */
    private record Vector(int rm, long a, long b, long c, long result, int flags, String line) { }

    /** Computes one instruction with SoftFloat, the way the hart calls it. */
    @FunctionalInterface
    private interface Op {
        long apply(Vector v, Flags f);
    }

    private static final Map<String, Op> OPS = new LinkedHashMap<>();

    private static void op(String name, Op op) {
        OPS.put(name, op);
    }

    private static int s(long bits) {
        return (int) bits;
    }

    private static long u(int bits) {
        return bits & 0xffff_ffffL;
    }

    static {
        op("fadd.s", (v, f) -> u(SoftFloat.add32(s(v.a), s(v.b), v.rm, f)));
        op("fsub.s", (v, f) -> u(SoftFloat.sub32(s(v.a), s(v.b), v.rm, f)));
        op("fmul.s", (v, f) -> u(SoftFloat.mul32(s(v.a), s(v.b), v.rm, f)));
        op("fdiv.s", (v, f) -> u(SoftFloat.div32(s(v.a), s(v.b), v.rm, f)));
        op("fsqrt.s", (v, f) -> u(SoftFloat.sqrt32(s(v.a), v.rm, f)));
        // The negated forms exactly as the class comment tells the hart to derive them.
        op("fmadd.s", (v, f) -> u(SoftFloat.fma32(s(v.a), s(v.b), s(v.c), v.rm, f)));
        op("fmsub.s", (v, f) -> u(SoftFloat.fma32(s(v.a), s(v.b), s(v.c) ^ SIGN32, v.rm, f)));
        op("fnmsub.s", (v, f) -> u(SoftFloat.fma32(s(v.a) ^ SIGN32, s(v.b), s(v.c), v.rm, f)));
        op("fnmadd.s", (v, f) -> u(SoftFloat.fma32(s(v.a) ^ SIGN32, s(v.b), s(v.c) ^ SIGN32, v.rm, f)));
        op("fmin.s", (v, f) -> u(SoftFloat.min32(s(v.a), s(v.b), f)));
        op("fmax.s", (v, f) -> u(SoftFloat.max32(s(v.a), s(v.b), f)));
        op("feq.s", (v, f) -> SoftFloat.eq32(s(v.a), s(v.b), f) ? 1 : 0);
        op("flt.s", (v, f) -> SoftFloat.lt32(s(v.a), s(v.b), f) ? 1 : 0);
        op("fle.s", (v, f) -> SoftFloat.le32(s(v.a), s(v.b), f) ? 1 : 0);
        op("fclass.s", (v, f) -> SoftFloat.classify32(s(v.a)));
        op("fcvt.w.s", (v, f) -> SoftFloat.f32ToI32(s(v.a), v.rm, f));
        op("fcvt.wu.s", (v, f) -> SoftFloat.f32ToU32(s(v.a), v.rm, f));
        op("fcvt.l.s", (v, f) -> SoftFloat.f32ToI64(s(v.a), v.rm, f));
        op("fcvt.lu.s", (v, f) -> SoftFloat.f32ToU64(s(v.a), v.rm, f));
        op("fcvt.s.w", (v, f) -> u(SoftFloat.i32ToF32(s(v.a), v.rm, f)));
        op("fcvt.s.wu", (v, f) -> u(SoftFloat.u32ToF32(s(v.a), v.rm, f)));
        op("fcvt.s.l", (v, f) -> u(SoftFloat.i64ToF32(v.a, v.rm, f)));
        op("fcvt.s.lu", (v, f) -> u(SoftFloat.u64ToF32(v.a, v.rm, f)));
        op("fcvt.d.s", (v, f) -> SoftFloat.f32ToF64(s(v.a), f));

        op("fadd.d", (v, f) -> SoftFloat.add64(v.a, v.b, v.rm, f));
        op("fsub.d", (v, f) -> SoftFloat.sub64(v.a, v.b, v.rm, f));
        op("fmul.d", (v, f) -> SoftFloat.mul64(v.a, v.b, v.rm, f));
        op("fdiv.d", (v, f) -> SoftFloat.div64(v.a, v.b, v.rm, f));
        op("fsqrt.d", (v, f) -> SoftFloat.sqrt64(v.a, v.rm, f));
        op("fmadd.d", (v, f) -> SoftFloat.fma64(v.a, v.b, v.c, v.rm, f));
        op("fmsub.d", (v, f) -> SoftFloat.fma64(v.a, v.b, v.c ^ SIGN64, v.rm, f));
        op("fnmsub.d", (v, f) -> SoftFloat.fma64(v.a ^ SIGN64, v.b, v.c, v.rm, f));
        op("fnmadd.d", (v, f) -> SoftFloat.fma64(v.a ^ SIGN64, v.b, v.c ^ SIGN64, v.rm, f));
        op("fmin.d", (v, f) -> SoftFloat.min64(v.a, v.b, f));
        op("fmax.d", (v, f) -> SoftFloat.max64(v.a, v.b, f));
        op("feq.d", (v, f) -> SoftFloat.eq64(v.a, v.b, f) ? 1 : 0);
        op("flt.d", (v, f) -> SoftFloat.lt64(v.a, v.b, f) ? 1 : 0);
        op("fle.d", (v, f) -> SoftFloat.le64(v.a, v.b, f) ? 1 : 0);
        op("fclass.d", (v, f) -> SoftFloat.classify64(v.a));
        op("fcvt.w.d", (v, f) -> SoftFloat.f64ToI32(v.a, v.rm, f));
        op("fcvt.wu.d", (v, f) -> SoftFloat.f64ToU32(v.a, v.rm, f));
        op("fcvt.l.d", (v, f) -> SoftFloat.f64ToI64(v.a, v.rm, f));
        op("fcvt.lu.d", (v, f) -> SoftFloat.f64ToU64(v.a, v.rm, f));
        op("fcvt.d.w", (v, f) -> SoftFloat.i32ToF64(s(v.a), v.rm, f));
        op("fcvt.d.wu", (v, f) -> SoftFloat.u32ToF64(s(v.a), v.rm, f));
        op("fcvt.d.l", (v, f) -> SoftFloat.i64ToF64(v.a, v.rm, f));
        op("fcvt.d.lu", (v, f) -> SoftFloat.u64ToF64(v.a, v.rm, f));
        op("fcvt.s.d", (v, f) -> u(SoftFloat.f64ToF32(v.a, v.rm, f)));
    }

    private static Map<String, List<Vector>> load() throws IOException {
        Map<String, List<Vector>> byOp = new LinkedHashMap<>();
        InputStream raw = ReferenceVectorTest.class.getResourceAsStream(RESOURCE);
        assertNotNull(raw, RESOURCE + " is missing from the test classpath");
        try (var in = new BufferedReader(new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.US_ASCII))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) continue;
                String[] t = line.trim().split(" +");
                int n = t.length; // op rm operand{1,3} result flags
                long[] ops = new long[3];
                for (int i = 2; i < n - 2; i++) ops[i - 2] = Long.parseUnsignedLong(t[i], 16);
                var v = new Vector(Integer.parseInt(t[1]), ops[0], ops[1], ops[2],
                    Long.parseUnsignedLong(t[n - 2], 16), Integer.parseInt(t[n - 1], 16), line);
                byOp.computeIfAbsent(t[0], k -> new ArrayList<>()).add(v);
            }
        }
        return byOp;
    }

    @TestFactory
    Stream<DynamicTest> everyInstructionMatchesTheReference() throws IOException {
        Map<String, List<Vector>> byOp = load();
        return byOp.entrySet().stream().map(e -> DynamicTest.dynamicTest(
            e.getKey() + " (" + e.getValue().size() + " vectors)", () -> check(e.getKey(), e.getValue())));
    }

    private static void check(String name, List<Vector> vectors) {
        Op op = OPS.get(name);
        assertNotNull(op, "no SoftFloat mapping for " + name);
        List<String> bad = new ArrayList<>();
        for (Vector v : vectors) {
            var f = new Flags();
            long got = op.apply(v, f);
            if (got != v.result || f.bits != v.flags) {
                bad.add(String.format("%s  -> got %x flags %02x", v.line, got, f.bits));
            }
        }
        if (!bad.isEmpty()) {
            fail(bad.size() + " of " + vectors.size() + " " + name + " vectors differ"
                + " (line: op rm operands expected flags):\n  "
                + String.join("\n  ", bad.subList(0, Math.min(bad.size(), 25))));
        }
    }

    @Test
    void theVectorsCoverEveryInstructionAndRoundingMode() throws IOException {
        Map<String, List<Vector>> byOp = load();
        assertEquals(OPS.keySet(), byOp.keySet(), "instructions with vectors");
        for (var e : byOp.entrySet()) {
            long modes = e.getValue().stream().mapToInt(Vector::rm).distinct().count();
            boolean modeFree = e.getKey().matches("f(min|max|eq|lt|le|class)\\..|fcvt\\.d\\.s");
            assertTrue(modeFree || modes == 5, e.getKey() + " covers " + modes + " rounding modes");
            assertTrue(e.getValue().size() >= 500, e.getKey() + " has only " + e.getValue().size() + " vectors");
        }
    }
}
