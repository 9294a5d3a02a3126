package org.jvirt.riscv;

/** Exception and interrupt codes of mcause/scause (privileged spec 1.12, table 3.6). */
public final class Cause {
    private Cause() { }

    public static final int INSN_MISALIGNED = 0;
    public static final int INSN_ACCESS = 1;
    public static final int ILLEGAL_INSN = 2;
    public static final int BREAKPOINT = 3;
    public static final int LOAD_MISALIGNED = 4;
    public static final int LOAD_ACCESS = 5;
    public static final int STORE_MISALIGNED = 6;
    public static final int STORE_ACCESS = 7;
    public static final int ECALL_U = 8;
    public static final int ECALL_S = 9;
    public static final int ECALL_M = 11;
    public static final int INSN_PAGE_FAULT = 12;
    public static final int LOAD_PAGE_FAULT = 13;
    public static final int STORE_PAGE_FAULT = 15;

    /** Interrupt numbers, which are also their bit positions in mip and mie. */
    public static final int IRQ_S_SOFT = 1;
    public static final int IRQ_M_SOFT = 3;
    public static final int IRQ_S_TIMER = 5;
    public static final int IRQ_M_TIMER = 7;
    public static final int IRQ_S_EXT = 9;
    public static final int IRQ_M_EXT = 11;

    public static String name(long cause) {
        boolean irq = cause < 0;
        int code = (int) (cause & 0xff);
        if (irq) {
            return switch (code) {
                case IRQ_S_SOFT -> "supervisor software interrupt";
                case IRQ_M_SOFT -> "machine software interrupt";
                case IRQ_S_TIMER -> "supervisor timer interrupt";
                case IRQ_M_TIMER -> "machine timer interrupt";
                case IRQ_S_EXT -> "supervisor external interrupt";
                case IRQ_M_EXT -> "machine external interrupt";
                default -> "interrupt " + code;
            };
        }
        return switch (code) {
            case INSN_MISALIGNED -> "instruction address misaligned";
            case INSN_ACCESS -> "instruction access fault";
            case ILLEGAL_INSN -> "illegal instruction";
            case BREAKPOINT -> "breakpoint";
            case LOAD_MISALIGNED -> "load address misaligned";
            case LOAD_ACCESS -> "load access fault";
            case STORE_MISALIGNED -> "store/AMO address misaligned";
            case STORE_ACCESS -> "store/AMO access fault";
            case ECALL_U -> "environment call from U-mode";
            case ECALL_S -> "environment call from S-mode";
            case ECALL_M -> "environment call from M-mode";
            case INSN_PAGE_FAULT -> "instruction page fault";
            case LOAD_PAGE_FAULT -> "load page fault";
            case STORE_PAGE_FAULT -> "store/AMO page fault";
            default -> "exception " + code;
        };
    }
}
