package org.jvirt.machine.loader;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import org.jvirt.machine.GuestMemory;
import org.junit.jupiter.api.Test;

class ElfImageTest {
    @Test
    void loadsSegmentAndZeroFillsTheRest() throws Exception {
        byte[] elf = new TestElf().at(0x8000_0000L).code(0x11223344, 0x55667788).memSize(64).symbol("tohost", 0x8000_0030L).build();
        ElfImage img = ElfImage.parse(elf, ElfImage.EM_RISCV, "t.elf");
        assertEquals(0x8000_0000L, img.entry());
        assertEquals(0x8000_0030L, img.symbol("tohost").orElseThrow());
        assertTrue(img.symbol("fromhost").isEmpty());
        try (GuestMemory ram = GuestMemory.allocate(0x8000_0000L, 1 << 16)) {
            ram.writeLong(0x8000_0010L, -1L);
            img.loadInto(ram, "t.elf");
            assertEquals(0x11223344, ram.readInt(0x8000_0000L));
            assertEquals(0x55667788, ram.readInt(0x8000_0004L));
            assertEquals(0, ram.readLong(0x8000_0010L), "memsz beyond filesz is zeroed");
        }
    }

    @Test
    void rejectsOtherMachinesAndFormats() {
        byte[] x86 = new TestElf().machine(ElfImage.EM_X86_64).code(0).build();
        LoadException e = assertThrows(LoadException.class, () -> ElfImage.parse(x86, ElfImage.EM_RISCV, "k"));
        assertEquals("k is an ELF file for x86-64, not RISC-V", e.getMessage());
        assertThrows(LoadException.class, () -> ElfImage.parse("hello".getBytes(), ElfImage.EM_RISCV, "k"));
        byte[] elf32 = new TestElf().code(0).build();
        elf32[4] = 1;
        assertTrue(assertThrows(LoadException.class, () -> ElfImage.parse(elf32, ElfImage.EM_RISCV, "k")).getMessage().contains("32-bit"));
    }

    @Test
    void truncatedOrCorruptFilesGiveALoadException() {
        byte[] elf = new TestElf().code(1, 2, 3, 4).build();
        for (int cut : new int[] {10, 63, 100, 0x1004}) {
            byte[] t = Arrays.copyOf(elf, cut);
            assertThrows(LoadException.class, () -> ElfImage.parse(t, ElfImage.EM_RISCV, "k"), "cut at " + cut);
        }
        byte[] wild = elf.clone();
        wild[64 + 8] = (byte) 0xff; // p_offset far outside the file
        wild[64 + 15] = (byte) 0x7f;
        assertThrows(LoadException.class, () -> ElfImage.parse(wild, ElfImage.EM_RISCV, "k"));
    }

    @Test
    void aProgramThatDoesNotFitSaysSo() throws Exception {
        byte[] elf = new TestElf().code(0).memSize(1 << 20).build();
        ElfImage img = ElfImage.parse(elf, ElfImage.EM_RISCV, "big.elf");
        try (GuestMemory ram = GuestMemory.allocate(0x8000_0000L, 1 << 16)) {
            LoadException e = assertThrows(LoadException.class, () -> img.loadInto(ram, "big.elf"));
            assertTrue(e.getMessage().startsWith("big.elf does not fit in guest memory"), e.getMessage());
        }
    }
}
