package org.jvirt.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.GroupLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layouts in {@link Structs} and the requests in {@link Ioctl} against the kernel headers: a C
 * program compiled here with gcc prints sizeof and offsetof of each struct and field from
 * {@code <linux/kvm.h>} (Debian's linux-libc-dev) and the values of the ioctl macros.
 */
class KvmLayoutTest {
    /** Java name (struct or struct.field.path) to the C expression giving the same number. */
    private static final Map<String, String> CHECKS = new LinkedHashMap<>();
    private static final Map<String, GroupLayout> STRUCTS = new LinkedHashMap<>();
    private static Map<String, Long> fromC;

    static {
        STRUCTS.put("kvm_regs", Structs.KVM_REGS);
        STRUCTS.put("kvm_segment", Structs.KVM_SEGMENT);
        STRUCTS.put("kvm_dtable", Structs.KVM_DTABLE);
        STRUCTS.put("kvm_sregs", Structs.KVM_SREGS);
        STRUCTS.put("kvm_userspace_memory_region", Structs.KVM_USERSPACE_MEMORY_REGION);
        STRUCTS.put("kvm_cpuid_entry2", Structs.KVM_CPUID_ENTRY2);
        STRUCTS.put("kvm_cpuid2", Structs.KVM_CPUID2);
        STRUCTS.put("kvm_msr_entry", Structs.KVM_MSR_ENTRY);
        STRUCTS.put("kvm_msrs", Structs.KVM_MSRS);
        STRUCTS.put("kvm_irq_level", Structs.KVM_IRQ_LEVEL);
        STRUCTS.put("kvm_pit_config", Structs.KVM_PIT_CONFIG);
        STRUCTS.put("kvm_irqfd", Structs.KVM_IRQFD);
        STRUCTS.put("kvm_mp_state", Structs.KVM_MP_STATE);
        STRUCTS.put("kvm_run", Structs.KVM_RUN);
    }

    private static final String[][] FIELDS = {
        {"kvm_regs", "rax", "rax"}, {"kvm_regs", "rsp", "rsp"}, {"kvm_regs", "r8", "r8"}, {"kvm_regs", "r15", "r15"},
        {"kvm_regs", "rip", "rip"}, {"kvm_regs", "rflags", "rflags"},
        {"kvm_segment", "base", "base"}, {"kvm_segment", "limit", "limit"}, {"kvm_segment", "selector", "selector"},
        {"kvm_segment", "type", "type"}, {"kvm_segment", "present", "present"}, {"kvm_segment", "dpl", "dpl"},
        {"kvm_segment", "db", "db"}, {"kvm_segment", "s", "s"}, {"kvm_segment", "l", "l"}, {"kvm_segment", "g", "g"},
        {"kvm_segment", "avl", "avl"}, {"kvm_segment", "unusable", "unusable"},
        {"kvm_dtable", "base", "base"}, {"kvm_dtable", "limit", "limit"},
        {"kvm_sregs", "cs", "cs"}, {"kvm_sregs", "ss", "ss"}, {"kvm_sregs", "tr", "tr"}, {"kvm_sregs", "ldt", "ldt"},
        {"kvm_sregs", "gdt", "gdt"}, {"kvm_sregs", "idt", "idt"}, {"kvm_sregs", "cr0", "cr0"}, {"kvm_sregs", "cr3", "cr3"},
        {"kvm_sregs", "cr4", "cr4"}, {"kvm_sregs", "cr8", "cr8"}, {"kvm_sregs", "efer", "efer"}, {"kvm_sregs", "apic_base", "apic_base"},
        {"kvm_sregs", "interrupt_bitmap", "interrupt_bitmap"}, {"kvm_sregs", "cs.selector", "cs.selector"},
        {"kvm_userspace_memory_region", "slot", "slot"}, {"kvm_userspace_memory_region", "flags", "flags"},
        {"kvm_userspace_memory_region", "guest_phys_addr", "guest_phys_addr"},
        {"kvm_userspace_memory_region", "memory_size", "memory_size"},
        {"kvm_userspace_memory_region", "userspace_addr", "userspace_addr"},
        {"kvm_cpuid_entry2", "function", "function"}, {"kvm_cpuid_entry2", "index", "index"}, {"kvm_cpuid_entry2", "flags", "flags"},
        {"kvm_cpuid_entry2", "eax", "eax"}, {"kvm_cpuid_entry2", "edx", "edx"},
        {"kvm_cpuid2", "nent", "nent"},
        {"kvm_msr_entry", "index", "index"}, {"kvm_msr_entry", "data", "data"}, {"kvm_msrs", "nmsrs", "nmsrs"},
        {"kvm_irq_level", "irq", "irq"}, {"kvm_irq_level", "level", "level"},
        {"kvm_irqfd", "fd", "fd"}, {"kvm_irqfd", "gsi", "gsi"}, {"kvm_irqfd", "flags", "flags"}, {"kvm_irqfd", "resamplefd", "resamplefd"},
        {"kvm_run", "immediate_exit", "immediate_exit"}, {"kvm_run", "exit_reason", "exit_reason"},
        {"kvm_run", "if_flag", "if_flag"}, {"kvm_run", "cr8", "cr8"}, {"kvm_run", "apic_base", "apic_base"},
        {"kvm_run", "exit.io.direction", "io.direction"}, {"kvm_run", "exit.io.size", "io.size"}, {"kvm_run", "exit.io.port", "io.port"},
        {"kvm_run", "exit.io.count", "io.count"}, {"kvm_run", "exit.io.data_offset", "io.data_offset"},
        {"kvm_run", "exit.mmio.phys_addr", "mmio.phys_addr"}, {"kvm_run", "exit.mmio.data", "mmio.data"},
        {"kvm_run", "exit.mmio.len", "mmio.len"}, {"kvm_run", "exit.mmio.is_write", "mmio.is_write"},
        {"kvm_run", "exit.system_event.type", "system_event.type"}, {"kvm_run", "exit.system_event.ndata", "system_event.ndata"},
        {"kvm_run", "exit.system_event.data", "system_event.data"},
        {"kvm_run", "exit.internal.suberror", "internal.suberror"}, {"kvm_run", "exit.internal.ndata", "internal.ndata"},
        {"kvm_run", "exit.internal.data", "internal.data"},
        {"kvm_run", "exit.fail_entry.hardware_entry_failure_reason", "fail_entry.hardware_entry_failure_reason"},
        {"kvm_run", "exit.fail_entry.cpu", "fail_entry.cpu"},
        {"kvm_run", "kvm_valid_regs", "kvm_valid_regs"}, {"kvm_run", "kvm_dirty_regs", "kvm_dirty_regs"}, {"kvm_run", "s", "s"},
    };

    @BeforeAll
    static void compileAndRun(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException, InterruptedException {
        assumeTrue(Files.exists(Path.of("/usr/include/linux/kvm.h")), "no kernel headers: install Debian's linux-libc-dev");
        StringBuilder c = new StringBuilder("#include <stdio.h>\n#include <stddef.h>\n#include <linux/kvm.h>\nint main(void) {\n");
        for (String s : STRUCTS.keySet()) c.append("printf(\"%s %zu\\n\", \"").append(s).append("\", sizeof(struct ").append(s).append("));\n");
        for (String[] f : FIELDS)
            c.append("printf(\"%s %zu\\n\", \"").append(f[0]).append('.').append(f[1]).append("\", offsetof(struct ").append(f[0]).append(", ").append(f[2]).append("));\n");
        for (Ioctl i : Ioctl.values()) c.append("printf(\"%s %lu\\n\", \"").append(i.name()).append("\", (unsigned long) ").append(i.name()).append(");\n");
        c.append("return 0; }\n");
        Path src = dir.resolve("layouts.c"), exe = dir.resolve("layouts");
        Files.writeString(src, c);
        Process cc = new ProcessBuilder("gcc", "-o", exe.toString(), src.toString()).redirectErrorStream(true).start();
        String ccOut = new String(cc.getInputStream().readAllBytes());
        assertEquals(0, cc.waitFor(), "gcc failed (install Debian's gcc and linux-libc-dev):\n" + ccOut);
        Process run = new ProcessBuilder(exe.toString()).redirectErrorStream(true).start();
        fromC = new HashMap<>();
        for (String line : new String(run.getInputStream().readAllBytes()).split("\n")) {
            String[] kv = line.split(" ");
            fromC.put(kv[0], Long.parseUnsignedLong(kv[1]));
        }
        assertEquals(0, run.waitFor());
    }

    @Test
    void structSizesMatchTheKernelHeaders() {
        STRUCTS.forEach((name, layout) -> assertEquals(fromC.get(name), layout.byteSize(), "sizeof(struct " + name + ")"));
    }

    @Test
    void fieldOffsetsMatchTheKernelHeaders() {
        for (String[] f : FIELDS)
            assertEquals(fromC.get(f[0] + "." + f[1]), Structs.offset(STRUCTS.get(f[0]), f[1]), "offsetof(struct " + f[0] + ", " + f[2] + ")");
    }

    @Test
    void ioctlNumbersMatchTheKernelHeaders() {
        for (Ioctl i : Ioctl.values()) assertEquals(fromC.get(i.name()), i.request, i.name());
    }
}
