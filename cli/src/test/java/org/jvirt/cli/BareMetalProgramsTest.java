package org.jvirt.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The bare-metal programs of guests/programs, run through the CLI and, as the reference, under
 * QEMU's {@code -M spike}: the same console output and the same exit status (the equivalence
 * property, checked against another implementation of the ISA).
 */
class BareMetalProgramsTest {
    record Run(int status, String out) { }

    static Run qemu(Path elf) throws Exception {
        Process p = new ProcessBuilder("qemu-system-riscv64", "-M", "spike", "-bios", "none", "-nographic", "-kernel", elf.toString())
                .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("QEMU did not finish " + elf);
        }
        return new Run(p.exitValue(), out);
    }

    @TestFactory
    List<DynamicTest> programsBehaveAsUnderQemu() throws Exception {
        Path dir = Guests.make("programs").resolve("build");
        List<DynamicTest> tests = new ArrayList<>();
        for (String name : new String[] {"bench", "paging"}) {
            Path elf = dir.resolve(name + ".elf");
            tests.add(DynamicTest.dynamicTest(name, () -> {
                Cli j = Cli.run("run", "--bios", "none", "--kernel", elf.toString(), "--timeout", "120s");
                Run q = qemu(elf);
                assertEquals(0, q.status(), "QEMU's run is the reference and must pass: " + q.out());
                assertEquals(q.status(), j.status(), j.err());
                assertEquals(q.out(), j.out());
            }));
        }
        return tests;
    }

    @Test
    void theDemoRunsAndTheBundledCopyIsBuiltFromItsSource() throws Exception {
        Path elf = Guests.make("programs").resolve("build/demo.elf");
        Cli r = Cli.run("run", "--bios", "none", "--kernel", elf.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().startsWith("Hello from a bare-metal RISC-V program running in jvirt."), r.out());
        assertTrue(r.out().contains("RV64: ACDFIMSU"), r.out());
        // The program as loaded (entry and segments) must match; symbol tables name temporary files.
        byte[] bundled = RunCommand.class.getResourceAsStream("demo.elf").readAllBytes();
        assertEquals(loaded(Files.readAllBytes(elf)), loaded(bundled),
                "cli/src/main/resources/org/jvirt/cli/demo.elf is stale: copy guests/programs/build/demo.elf there");
    }

    /** What a loader takes from an ELF: the entry point and each segment's address and bytes. */
    static String loaded(byte[] file) throws Exception {
        var img = org.jvirt.machine.loader.ElfImage.parse(file, org.jvirt.machine.loader.ElfImage.EM_RISCV, "demo");
        StringBuilder sb = new StringBuilder(Long.toHexString(img.entry()));
        for (var s : img.segments()) {
            sb.append(' ').append(Long.toHexString(s.paddr())).append(':').append(s.memSize()).append(':');
            sb.append(java.util.HexFormat.of().formatHex(file, (int) s.fileOffset(), (int) (s.fileOffset() + s.fileSize())));
        }
        return sb.toString();
    }
}
