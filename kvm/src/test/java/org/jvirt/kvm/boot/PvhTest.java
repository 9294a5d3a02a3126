package org.jvirt.kvm.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.jvirt.machine.GuestMemory;
import org.jvirt.machine.loader.LoadException;
import org.junit.jupiter.api.Test;

/** The PVH loader on the repository's test kernel (built with gcc): the note, start_info, memory map, modules. */
class PvhTest {
    static byte[] testKernel() throws Exception {
        return Files.readAllBytes(org.jvirt.kvm.TestKernels.build().resolve("testkernel.elf"));
    }

    @Test
    void startInfoFollowsTheAbi() throws Exception {
        byte[] k = testKernel();
        assertEquals(0x100000, Pvh.entryNote(k).orElseThrow());
        try (GuestMemory ram = GuestMemory.allocate(0, 32 << 20)) {
            EntryState e = Pvh.load(ram, k, "k", "test=hello", "module".getBytes());
            assertEquals(new EntryState.Protected32(0x100000, 0x6000), e);
            long si = 0x6000;
            assertEquals(0x336ec578, ram.readInt(si));
            assertEquals(1, ram.readInt(si + 4));
            assertEquals(1, ram.readInt(si + 12));           // nr_modules
            assertEquals(0x20000, ram.readLong(si + 24));     // cmdline_paddr
            assertEquals(3, ram.readInt(si + 48));            // memmap_entries
            long map = ram.readLong(si + 40), mod = ram.readLong(si + 16);
            assertEquals(0x100000, ram.readLong(map + 2 * 24));
            assertEquals((32 << 20) - 0x100000, ram.readLong(map + 2 * 24 + 8));
            assertEquals(6, ram.readLong(mod + 8));
            assertEquals('m', ram.readByte(ram.readLong(mod)));
            assertEquals(56, Pvh.SI_SIZE);
        }
    }

    @Test
    void malformedFilesNeverThrowFromTheNoteScan() throws Exception {
        byte[] k = testKernel();
        Random r = new Random(5);
        for (int i = 0; i < 2000; i++) {
            byte[] m = k.clone();
            for (int j = 0; j < 8; j++) m[r.nextInt(Math.min(m.length, 0x4000))] = (byte) r.nextInt();
            Pvh.entryNote(m);
            Pvh.entryNote(java.util.Arrays.copyOf(m, r.nextInt(m.length)));
        }
    }

    @Test
    void aKernelThatDoesNotFitIsAClearError() throws Exception {
        byte[] k = testKernel();
        try (GuestMemory ram = GuestMemory.allocate(0, 1 << 20)) {
            assertTrue(assertThrows(LoadException.class, () -> Pvh.load(ram, k, "k", "", null)).getMessage().contains("use --mem"));
        }
    }
}
