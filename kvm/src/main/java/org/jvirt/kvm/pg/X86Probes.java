package org.jvirt.kvm.pg;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The x86-64 instructions issue 7 asks about, each as its machine code (written out from the
 * manuals' encodings, 64-bit mode) and the operands the VMM sets before it runs. Operands never
 * depend on the world (the control state the VMM varies) and depend on the CPL only where the
 * instruction names the current code or stack segment (a far return to "here").
 */
public final class X86Probes {
    private X86Probes() { }

    /**
     * One probe. {@code setup} gives the operands at a CPL; {@code volatileRegs} lists registers whose
     * value differs from run to run whatever the state (a time stamp), left out of the comparisons;
     * {@code published} marks the instructions Robin and Irvine (USENIX Security 2000) list as
     * sensitive and unprivileged on the Pentium, for comparison with what this host did.
     */
    public record Probe(String name, byte[] code, IntFunction<ProbeVm.Setup> setup, int[] volatileRegs, boolean published) { }

    private static final int RAX = 0, RCX = 2, RDX = 3;

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    private static ProbeVm.Setup regs(long rax, long rcx) {
        return new ProbeVm.Setup(new long[] {rax, ProbeVm.DATA, rcx, 0, 0, 0}, null, new long[0]);
    }

    private static ProbeVm.Setup plain() { return regs(0, 0); }

    private static ProbeVm.Setup stack(long... values) {
        return new ProbeVm.Setup(new long[] {0, ProbeVm.DATA, 0, 0, 0, 0}, null, values);
    }

    private static ProbeVm.Setup data(byte[] bytes) {
        return new ProbeVm.Setup(new long[] {0, ProbeVm.DATA, 0, 0, 0, 0}, bytes, new long[0]);
    }

    /** A far pointer m16:32 at [rbx] (AMD has no m16:64 form). */
    private static byte[] farPointer(long offset, int selector) {
        byte[] b = new byte[6];
        ProbeVm.putInt(b, 0, (int) offset);
        b[4] = (byte) selector;
        b[5] = (byte) (selector >>> 8);
        return b;
    }

    /** A pseudo-descriptor (limit, base) for LGDT/LIDT at [rbx]: world B's table, so a load that happens shows. */
    private static byte[] pseudoDescriptor(int limit, long base) {
        byte[] b = new byte[10];
        b[0] = (byte) limit;
        b[1] = (byte) (limit >>> 8);
        for (int i = 0; i < 8; i++) b[2 + i] = (byte) (base >>> (8 * i));
        return b;
    }

    private static int codeSelector(int cpl) { return cpl == 3 ? ProbeVm.UCODE : ProbeVm.KCODE; }
    private static int stackSelector(int cpl) { return cpl == 3 ? ProbeVm.UDATA : ProbeVm.KDATA; }

    /** Where control goes after an instruction of {@code length} bytes: the done marker. */
    private static long after(int length) { return ProbeVm.CODE + length; }

    public static List<Probe> all() {
        List<Probe> p = new ArrayList<>();
        int[] none = {};
        // descriptor-table and machine-status stores: what UMIP is about
        p.add(new Probe("sgdt [rbx]", hex("0f0103"), c -> plain(), none, true));
        p.add(new Probe("sidt [rbx]", hex("0f010b"), c -> plain(), none, true));
        p.add(new Probe("sldt eax", hex("0f00c0"), c -> plain(), none, true));
        p.add(new Probe("str eax", hex("0f00c8"), c -> plain(), none, true));
        p.add(new Probe("smsw rax", hex("480f01e0"), c -> plain(), none, true));
        // flags
        p.add(new Probe("pushfq", hex("9c"), c -> plain(), none, true));
        p.add(new Probe("popfq (IF=0)", hex("9d"), c -> stack(0x002), none, true));
        p.add(new Probe("popfq (IF=1, IOPL=3)", hex("9d"), c -> stack(0x3202), none, true));
        p.add(new Probe("cli", hex("fa"), c -> plain(), none, false));
        p.add(new Probe("sti", hex("fb"), c -> plain(), none, false));
        // descriptor inspection of the kernel's data segment (DPL 0)
        p.add(new Probe("lar eax, ecx (0x10)", hex("0f02c1"), c -> regs(0, ProbeVm.KDATA), none, true));
        p.add(new Probe("lsl eax, ecx (0x10)", hex("0f03c1"), c -> regs(0, ProbeVm.KDATA), none, true));
        p.add(new Probe("verr cx (0x10)", hex("0f00e1"), c -> regs(0, ProbeVm.KDATA), none, true));
        p.add(new Probe("verw cx (0x10)", hex("0f00e9"), c -> regs(0, ProbeVm.KDATA), none, true));
        // segment registers
        p.add(new Probe("mov eax, cs", hex("8cc8"), c -> plain(), none, true));
        p.add(new Probe("mov eax, ss", hex("8cd0"), c -> plain(), none, true));
        p.add(new Probe("mov eax, ds", hex("8cd8"), c -> plain(), none, true));
        p.add(new Probe("push cs", hex("0e"), c -> plain(), none, true));
        p.add(new Probe("pop ds", hex("1f"), c -> stack(0), none, true));
        p.add(new Probe("push fs", hex("0fa0"), c -> plain(), none, true));
        p.add(new Probe("pop fs (null)", hex("0fa1"), c -> stack(0), none, true));
        p.add(new Probe("mov ss, ax (kernel 0x10)", hex("8ed0"), c -> regs(ProbeVm.KDATA, 0), none, true));
        // far transfers: to the kernel's code segment (what a deprivileged guest kernel would do), and to its own
        p.add(new Probe("jmp far [rbx] (to 0x08)", hex("ff2b"), c -> data(farPointer(after(2), ProbeVm.KCODE)), none, true));
        p.add(new Probe("jmp far [rbx] (own CS)", hex("ff2b"), c -> data(farPointer(after(2), codeSelector(c))), none, true));
        p.add(new Probe("call far [rbx] (to 0x08)", hex("ff1b"), c -> data(farPointer(after(2), ProbeVm.KCODE)), none, true));
        p.add(new Probe("retfq (to 0x08)", hex("48cb"), c -> stack(after(2), ProbeVm.KCODE), none, true));
        p.add(new Probe("retfq (own CS)", hex("48cb"), c -> stack(after(2), codeSelector(c)), none, true));
        p.add(new Probe("iretq (to CPL 0)", hex("48cf"), c -> stack(after(2), ProbeVm.KCODE, 0x002, ProbeVm.STACK, ProbeVm.KDATA), none, false));
        p.add(new Probe("iretq (own CPL, IF=0)", hex("48cf"),
                c -> stack(after(2), codeSelector(c), 0x002, ProbeVm.STACK, stackSelector(c)), none, false));
        p.add(new Probe("int 0x80", hex("cd80"), c -> plain(), none, true));
        // information and time
        p.add(new Probe("cpuid (leaf 0)", hex("0fa2"), c -> plain(), none, false));
        p.add(new Probe("rdtsc", hex("0f31"), c -> plain(), new int[] {RAX, RDX}, false));
        p.add(new Probe("rdtscp", hex("0f01f9"), c -> plain(), new int[] {RAX, RDX, RCX}, false));
        p.add(new Probe("rdpmc (counter 0)", hex("0f33"), c -> plain(), new int[] {RAX, RDX}, false));
        // the processor's own state
        p.add(new Probe("hlt", hex("f4"), c -> plain(), none, false));
        p.add(new Probe("in al, 0x80", hex("e480"), c -> plain(), none, false));
        p.add(new Probe("out 0x80, al", hex("e680"), c -> plain(), none, false));
        p.add(new Probe("mov rax, cr0", hex("0f20c0"), c -> plain(), none, false));
        p.add(new Probe("mov cr0, rax (TS=1)", hex("0f22c0"), c -> regs(ProbeVm.CR0 | ProbeVm.CR0_TS, 0), none, false));
        p.add(new Probe("mov rax, cr3", hex("0f20d8"), c -> plain(), none, false));
        p.add(new Probe("mov cr3, rax (same)", hex("0f22d8"), c -> regs(ProbeVm.PML4, 0), none, false));
        p.add(new Probe("mov rax, cr4", hex("0f20e0"), c -> plain(), none, false));
        p.add(new Probe("clts", hex("0f06"), c -> plain(), none, false));
        p.add(new Probe("mov rax, dr7", hex("0f21f8"), c -> plain(), none, false));
        p.add(new Probe("mov dr7, rax (0x400)", hex("0f23f8"), c -> regs(0x400, 0), none, false));
        p.add(new Probe("invlpg [rbx]", hex("0f013b"), c -> plain(), none, false));
        p.add(new Probe("wbinvd", hex("0f09"), c -> plain(), none, false));
        p.add(new Probe("lgdt [rbx] (world B's)", hex("0f0113"), c -> data(pseudoDescriptor(ProbeVm.GDT_LIMIT, ProbeVm.GDT_B)), none, false));
        p.add(new Probe("lidt [rbx] (world B's)", hex("0f011b"), c -> data(pseudoDescriptor(0xfff, ProbeVm.IDT_B)), none, false));
        p.add(new Probe("lldt cx (0x48)", hex("0f00d1"), c -> regs(0, ProbeVm.LDT_SEL), none, false));
        p.add(new Probe("rdmsr (EFER)", hex("0f32"), c -> regs(0, 0xc000_0080L), none, false));
        p.add(new Probe("swapgs", hex("0f01f8"), c -> plain(), none, false));
        // an innocuous instruction, as the control of the method
        p.add(new Probe("add rax, rcx", hex("4801c8"), c -> regs(40, 2), none, false));
        return List.copyOf(p);
    }
}
