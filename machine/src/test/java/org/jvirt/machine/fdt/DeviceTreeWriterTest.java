package org.jvirt.machine.fdt;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeviceTreeWriterTest {
    @TempDir Path dir;

    static byte[] sample() {
        return new DeviceTreeWriter()
                .beginNode("")
                .cells("#address-cells", 2).cells("#size-cells", 2)
                .property("compatible", "riscv-virtio")
                .property("model", "jvirt test")
                .beginNode("memory@80000000").property("device_type", "memory").longs("reg", 0x8000_0000L, 0x1000_0000L).endNode()
                .beginNode("chosen").property("bootargs", "console=ttyS0").endNode()
                .beginNode("soc").cells("#address-cells", 2).cells("#size-cells", 2).property("ranges").property("compatible", "simple-bus", "x").endNode()
                .endNode()
                .build();
    }

    @Test
    void headerIsVersion17WithTheLayoutOfTheSpecification() {
        byte[] dtb = sample();
        ByteBuffer b = ByteBuffer.wrap(dtb);
        assertEquals(0xd00dfeed, b.getInt(0));
        assertEquals(dtb.length, b.getInt(4));
        assertEquals(17, b.getInt(20));
        assertEquals(16, b.getInt(24));
        int offStruct = b.getInt(8), sizeStruct = b.getInt(36);
        assertEquals(1, b.getInt(offStruct), "structure block starts with the root's FDT_BEGIN_NODE");
        assertEquals(9, b.getInt(offStruct + sizeStruct - 4), "and ends with FDT_END");
    }

    @Test
    void decompilesCleanlyWithDtc() throws Exception {
        Path dtb = dir.resolve("t.dtb");
        Files.write(dtb, sample());
        Process p = new ProcessBuilder("dtc", "-I", "dtb", "-O", "dts", dtb.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        assertFalse(out.contains("Warning"), out);
        assertTrue(out.contains("compatible = \"riscv-virtio\";"), out);
        assertTrue(out.contains("reg = <0x00 0x80000000 0x00 0x10000000>;"), out);
        assertTrue(out.contains("bootargs = \"console=ttyS0\";"), out);
        assertTrue(out.contains("compatible = \"simple-bus\\0x\";"), out);
    }

    @Test
    void misuseIsRefused() {
        assertThrows(IllegalStateException.class, () -> new DeviceTreeWriter().beginNode("").build());
        assertThrows(IllegalArgumentException.class, () -> new DeviceTreeWriter().beginNode("cpus"));
        assertThrows(IllegalStateException.class, () -> new DeviceTreeWriter().cells("x", 1));
    }
}
