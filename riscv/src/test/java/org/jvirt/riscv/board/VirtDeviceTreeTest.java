package org.jvirt.riscv.board;

import static org.junit.jupiter.api.Assertions.*;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The virt board's device tree, decompiled by Debian's dtc: clean, and describing what the board has. */
class VirtDeviceTreeTest {
    @TempDir Path dir;

    @ParameterizedTest(name = "{0} harts")
    @ValueSource(ints = {1, 8})
    void decompilesWithoutWarningsAndDescribesTheBoard(int harts) throws Exception {
        byte[] dtb;
        try (RiscvMachine m = new RiscvMachine(256L << 20, harts, OutputStream.nullOutputStream())) {
            dtb = m.deviceTree("console=ttyS0 quiet");
        }
        Path f = dir.resolve("virt.dtb");
        Files.write(f, dtb);
        Process p = new ProcessBuilder("dtc", "-I", "dtb", "-O", "dts", f.toString()).redirectErrorStream(true).start();
        String dts = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), dts);
        assertFalse(dts.contains("Warning"), dts);
        assertTrue(dts.contains("bootargs = \"console=ttyS0 quiet\";"), dts);
        assertTrue(dts.contains("reg = <0x00 0x80000000 0x00 0x10000000>;"), "256 MiB of RAM at 0x8000_0000:\n" + dts);
        assertEquals(harts, dts.split("device_type = \"cpu\";", -1).length - 1);
        assertTrue(dts.contains("riscv,isa = \"" + VirtDeviceTree.ISA + "\";"), dts);
        assertTrue(dts.contains("compatible = \"ns16550a\";"), dts);
        assertEquals(RiscvMachine.VIRTIO_SLOTS, dts.split("compatible = \"virtio,mmio\";", -1).length - 1);
        assertTrue(dts.contains("compatible = \"syscon-poweroff\";"), dts);
        assertTrue(dts.contains("riscv,ndev = <0x5f>;"), dts);
        assertTrue(dts.matches("(?s).*rng-seed = <(0x[0-9a-f]+ ?){8}>;.*"), "32 bytes of seed, as QEMU gives:\n" + dts);
    }

    @org.junit.jupiter.api.Test
    void everyBootGetsItsOwnRandomSeed() {
        assertFalse(java.util.Arrays.equals(VirtDeviceTree.rngSeed(), VirtDeviceTree.rngSeed()));
        assertEquals(32, VirtDeviceTree.rngSeed().length);
    }
}
