package org.jvirt.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import org.jvirt.machine.loader.ElfImage;
import org.jvirt.machine.loader.TestElf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunCommandTest {
    static final long BASE = 0x8000_0000L, TOHOST = BASE + 0x1000;

    @TempDir Path dir;

    // A few RV64I encodings (unprivileged spec, chapter 2), enough for test programs.
    static int addi(int rd, int rs1, int imm) { return (imm << 20) | (rs1 << 15) | (rd << 7) | 0x13; }
    static int slli(int rd, int rs1, int sh) { return (sh << 20) | (rs1 << 15) | (1 << 12) | (rd << 7) | 0x13; }
    static int auipc(int rd, int imm20) { return (imm20 << 12) | (rd << 7) | 0x17; }
    static int sd(int rs2, int rs1, int imm) { return ((imm >> 5) << 25) | (rs2 << 20) | (rs1 << 15) | (3 << 12) | ((imm & 31) << 7) | 0x23; }
    static final int SELF_LOOP = 0x6f; // jal x0, 0
    static final int T0 = 5, T1 = 6, A0 = 10;

    /** A program that prints "hi" through HTIF and exits with {@code status}. */
    Path program(int status) throws Exception {
        int[] code = {
            auipc(T0, 1),                    // t0 = tohost
            addi(T1, 0, 0x101), slli(T1, T1, 48), addi(T1, T1, 'h'), sd(T1, T0, 0),
            addi(T1, 0, 0x101), slli(T1, T1, 48), addi(T1, T1, 'i'), sd(T1, T0, 0),
            addi(A0, 0, (status << 1) | 1), sd(A0, T0, 0),
            SELF_LOOP,
        };
        return write("p" + status + ".elf", new TestElf().at(BASE).code(code).memSize(0x2000).symbol("tohost", TOHOST).build());
    }

    Path write(String name, byte[] data) throws Exception {
        Path p = dir.resolve(name);
        Files.write(p, data);
        return p;
    }

    @Test
    void theGuestsExitStatusAndConsoleComeThrough() throws Exception {
        Cli r = Cli.run("run", "--bios", "none", "--kernel", program(0).toString());
        assertEquals(0, r.status(), r.err());
        assertEquals("hi", r.out());
        Cli f = Cli.run("run", "--bios", "none", "--kernel", program(7).toString());
        assertEquals(7, f.status());
    }

    @Test
    void runawayGuestsStopWithDistinctStatuses() throws Exception {
        Path loop = write("loop.elf", new TestElf().at(BASE).code(SELF_LOOP).build());
        Cli n = Cli.run("run", "--bios", "none", "--kernel", loop.toString(), "--max-instructions", "100000");
        assertEquals(RunCommand.EXIT_INSTRUCTION_LIMIT, n.status());
        assertTrue(n.err().contains("after 100000 instructions"), n.err());
        Cli t = Cli.run("run", "--bios", "none", "--kernel", loop.toString(), "--timeout", "300ms");
        assertEquals(RunCommand.EXIT_TIMEOUT, t.status());
        assertTrue(t.err().contains("--timeout"), t.err());
    }

    @Test
    void statsReportTheRun() throws Exception {
        Cli r = Cli.run("run", "--bios", "none", "--kernel", program(0).toString(), "--stats");
        assertEquals(0, r.status());
        assertTrue(r.err().contains("instructions retired"), r.err());
        assertTrue(r.err().contains("MIPS"), r.err());
        assertTrue(r.err().contains("TLB hit rate"), r.err());
    }

    @Test
    void badInputGetsOneClearLine() throws Exception {
        Path notElf = write("notes.txt", "hello".getBytes());
        Path x86 = write("x86.elf", new TestElf().machine(ElfImage.EM_X86_64).code(0).build());
        Path big = write("big.elf", new TestElf().at(BASE).code(0).memSize(64L << 20).build());
        Path gzipThenJunk = write("junk.gz", concat(gzip("not a kernel".getBytes()), "junk".getBytes()));
        Path cutGzip = write("cut.gz", java.util.Arrays.copyOf(gzip(new byte[100_000]), 40));
        Path bomb = write("bomb.cpio.gz", gzip(new byte[40 << 20])); // 40 MiB of zeros in 40 KiB
        String[][] cases = {
            {"no such file", "run", "--bios", "none", "--kernel", dir.resolve("missing.elf").toString()},
            {"is a directory", "run", "--bios", "none", "--kernel", dir.toString()},
            {"is not an ELF file", "run", "--bios", "none", "--kernel", notElf.toString()},
            {"for x86-64, not RISC-V", "run", "--bios", "none", "--kernel", x86.toString()},
            {"does not fit in guest memory", "run", "--bios", "none", "--mem", "16M", "--kernel", big.toString()},
            {"Unknown option", "run", "--frobnicate"},
            {"invalid size", "run", "--mem", "lots"},
            {"to be a RISC-V Linux Image", "run", "--kernel", notElf.toString()},
            {"has other data after the compressed kernel", "run", "--kernel", gzipThenJunk.toString()},
            {"cannot be inflated", "run", "--kernel", cutGzip.toString()},
            {"more than the guest's RAM", "run", "--mem", "32M", "--kernel", bomb.toString()},
            {"invalid duration", "run", "--timeout", "soon"},
            {"--cpus must be between 1 and 8", "run", "--cpus", "9"},
        };
        for (String[] c : cases) {
            String[] args = java.util.Arrays.copyOfRange(c, 1, c.length);
            Cli r = Cli.run(args);
            assertNotEquals(0, r.status(), c[0]);
            assertTrue(r.err().contains(c[0]), "expected '" + c[0] + "' in: " + r.err());
            assertTrue(r.cleanErrors(), r.err());
            assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        }
    }

    private static byte[] gzip(byte[] data) throws java.io.IOException {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        try (var z = new java.util.zip.GZIPOutputStream(b)) {
            z.write(data);
        }
        return b.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Test
    void withBiosNoneAndNoKernelTheBundledDemoRuns() {
        Cli r = Cli.run("run", "--bios", "none", "--max-instructions", "2000000000");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("bundled bare-metal demo"), r.err());
        assertFalse(r.out().isBlank());
    }
}
