package org.jvirt.riscv.board;

import org.jvirt.machine.fdt.DeviceTreeWriter;

/**
 * The device tree of the virt board, generated from what the machine actually has, in the shape of
 * QEMU's virt board so that the same kernels and firmware recognise it.
 */
final class VirtDeviceTree {
    private VirtDeviceTree() { }

    /** The ISA string of every hart (privileged spec's naming rules: single letters, then Z extensions). */
    static final String ISA = "rv64imafdc_zicsr_zifencei_zba_zbb_zbs_zicond";

    /** What the tree describes; {@code rngSeed} may be empty (no /chosen/rng-seed). */
    record Layout(int harts, long ramBase, long ramSize, String bootargs, long initrdStart, long initrdEnd,
                  int virtioSlots, long virtioBase, int virtioFirstIrq, byte[] rngSeed) { }

    /**
     * Fresh bytes for /chosen/rng-seed, as QEMU's virt board gives: Linux mixes them into its random
     * pool at boot, and a kernel that trusts its bootloader (CONFIG_RANDOM_TRUST_BOOTLOADER, or
     * random.trust_bootloader=on) has a ready random generator at once instead of waiting for entropy.
     */
    static byte[] rngSeed() {
        byte[] seed = new byte[32];
        new java.security.SecureRandom().nextBytes(seed);
        return seed;
    }

    static byte[] build(Layout l) {
        int intcPhandle = 1; // cpu h's interrupt controller is intcPhandle + h
        int plicPhandle = 100, testPhandle = 101;
        DeviceTreeWriter w = new DeviceTreeWriter().beginNode("")
                .cells("#address-cells", 2).cells("#size-cells", 2)
                .property("compatible", "riscv-virtio").property("model", "riscv-virtio,jvirt");

        w.beginNode("chosen").property("bootargs", l.bootargs()).property("stdout-path", "/soc/serial@10000000");
        if (l.initrdEnd() > l.initrdStart())
            w.longs("linux,initrd-start", l.initrdStart()).longs("linux,initrd-end", l.initrdEnd());
        if (l.rngSeed().length > 0) w.raw("rng-seed", l.rngSeed());
        w.endNode();

        w.beginNode("memory@" + Long.toHexString(l.ramBase())).property("device_type", "memory")
                .longs("reg", l.ramBase(), l.ramSize()).endNode();

        w.beginNode("cpus").cells("#address-cells", 1).cells("#size-cells", 0)
                .cells("timebase-frequency", (int) Clint.FREQUENCY);
        for (int h = 0; h < l.harts(); h++) {
            w.beginNode("cpu@" + h).property("device_type", "cpu").cells("reg", h).property("status", "okay")
                    .property("compatible", "riscv").property("riscv,isa", ISA).property("mmu-type", "riscv,sv48")
                    .cells("phandle", 50 + h);
            w.beginNode("interrupt-controller").cells("#address-cells", 0).cells("#interrupt-cells", 1).property("interrupt-controller")
                    .property("compatible", "riscv,cpu-intc").cells("phandle", intcPhandle + h).endNode();
            w.endNode();
        }
        w.beginNode("cpu-map").beginNode("cluster0");
        for (int h = 0; h < l.harts(); h++) w.beginNode("core" + h).cells("cpu", 50 + h).endNode();
        w.endNode().endNode();
        w.endNode();

        w.beginNode("soc").cells("#address-cells", 2).cells("#size-cells", 2)
                .property("compatible", "simple-bus").property("ranges");
        w.beginNode("test@100000").property("compatible", "sifive,test1", "sifive,test0", "syscon")
                .longs("reg", TestDevice.BASE, TestDevice.SIZE).cells("phandle", testPhandle).endNode();
        w.beginNode("serial@10000000").property("compatible", "ns16550a").longs("reg", RiscvMachine.UART_BASE, 0x100)
                .cells("clock-frequency", 3_686_400).cells("interrupt-parent", plicPhandle)
                .cells("interrupts", RiscvMachine.UART_IRQ).endNode();
        for (int i = l.virtioSlots() - 1; i >= 0; i--) { // Linux numbers them in reverse order of the tree
            long base = l.virtioBase() + 0x1000L * i;
            w.beginNode("virtio_mmio@" + Long.toHexString(base)).property("compatible", "virtio,mmio")
                    .longs("reg", base, 0x1000).cells("interrupt-parent", plicPhandle)
                    .cells("interrupts", l.virtioFirstIrq() + i).endNode();
        }
        int[] plicIrqs = new int[4 * l.harts()], clintIrqs = new int[4 * l.harts()];
        for (int h = 0; h < l.harts(); h++) {
            plicIrqs[4 * h] = intcPhandle + h;
            plicIrqs[4 * h + 1] = 11; // M-mode external
            plicIrqs[4 * h + 2] = intcPhandle + h;
            plicIrqs[4 * h + 3] = 9;  // S-mode external
            clintIrqs[4 * h] = intcPhandle + h;
            clintIrqs[4 * h + 1] = 3; // M-mode software
            clintIrqs[4 * h + 2] = intcPhandle + h;
            clintIrqs[4 * h + 3] = 7; // M-mode timer
        }
        w.beginNode("plic@c000000").property("compatible", "sifive,plic-1.0.0", "riscv,plic0")
                .longs("reg", Plic.BASE, Plic.SIZE).cells("#address-cells", 0).cells("#interrupt-cells", 1)
                .property("interrupt-controller").cells("interrupts-extended", plicIrqs)
                .cells("riscv,ndev", Plic.SOURCES - 1).cells("phandle", plicPhandle).endNode();
        w.beginNode("clint@2000000").property("compatible", "sifive,clint0", "riscv,clint0")
                .longs("reg", Clint.BASE, Clint.SIZE).cells("interrupts-extended", clintIrqs).endNode();
        w.endNode(); // soc
        // outside the simple-bus, which wants every child to have registers of its own
        w.beginNode("poweroff").property("compatible", "syscon-poweroff").cells("regmap", testPhandle)
                .cells("offset", 0).cells("value", TestDevice.PASS).endNode();
        w.beginNode("reboot").property("compatible", "syscon-reboot").cells("regmap", testPhandle)
                .cells("offset", 0).cells("value", TestDevice.RESET).endNode();
        return w.endNode().build();
    }
}
