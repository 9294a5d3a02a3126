package org.jvirt.riscv;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Pins the verdicts the classifier measures on this hart to what the privileged spec says. */
class PopekGoldbergTest {
    static PopekGoldberg.Report report;
    static Map<String, PopekGoldberg.Row> rows;

    @BeforeAll
    static void classify() {
        report = new PopekGoldberg().classify();
        rows = report.rows().stream().collect(Collectors.toMap(PopekGoldberg.Row::instruction, Function.identity(), (a, b) -> a));
    }

    static PopekGoldberg.Row row(String name) {
        PopekGoldberg.Row r = rows.get(name);
        assertNotNull(r, "no row " + name + " in " + rows.keySet());
        return r;
    }

    @Test
    void everySupervisorAndMachineCsrAccessTrapsInUserMode() {
        long checked = report.rows().stream().filter(r -> r.instruction().startsWith("csrr"))
                .filter(r -> { int csr = Integer.decode(r.instruction().split(" ")[1]); return ((csr >>> 8) & 3) != 0; })
                .peek(r -> assertNotNull(r.trapIn()[0], r.instruction() + " must trap in U-mode"))
                .count();
        assertTrue(checked > 40, "only " + checked + " supervisor and machine CSR accesses");
    }

    @Test
    void theReturnAndFenceInstructionsAreSensitiveAndPrivileged() {
        for (String n : new String[] {"sret", "mret", "wfi", "sfence.vma"}) {
            PopekGoldberg.Row r = row(n);
            assertTrue(r.sensitive(), n + " is sensitive");
            assertTrue(r.privileged(), n + " is privileged");
        }
        assertNotNull(row("mret").trapIn()[1], "mret traps in S-mode");
    }

    @Test
    void tvmTwAndTsrMakeTheSupervisorsInstructionsTrap() {
        assertNull(row("sfence.vma").trapIn()[1]);
        assertNotNull(row("sfence.vma").trapInSWithTvmTwTsr(), "TVM: sfence.vma traps in S");
        assertNotNull(row("csrrw 0x180 (write)").trapInSWithTvmTwTsr(), "TVM: satp traps in S");
        assertNull(row("wfi").trapIn()[1]);
        assertNotNull(row("wfi").trapInSWithTvmTwTsr(), "TW: wfi traps in S");
        assertNull(row("sret").trapIn()[1]);
        assertNotNull(row("sret").trapInSWithTvmTwTsr(), "TSR: sret traps in S");
    }

    @Test
    void ordinaryInstructionsAreInnocuousAndTheoremOneHolds() {
        for (String n : new String[] {"add", "ld", "sd", "jalr", "fadd.d", "amoadd.d"}) assertFalse(row(n).sensitive(), n);
        assertEquals(java.util.List.of(), report.sensitiveNotPrivileged().stream().map(PopekGoldberg.Row::instruction).toList());
        assertTrue(PopekGoldberg.table(report).contains("Theorem 1: holds"));
        assertTrue(PopekGoldberg.json(report).contains("\"theorem1\":true"));
    }
}
