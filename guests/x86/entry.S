/* PVH entry and the switch to long mode, for the BSP and (via a real-mode trampoline) the APs. */

    .section .note.pvh, "a", @note
    .align 4
    .long 4                     /* name size */
    .long 4                     /* descriptor size */
    .long 18                    /* XEN_ELFNOTE_PHYS32_ENTRY */
    .asciz "Xen"
    .long pvh_start             /* the 32-bit physical entry point */

    .section .text.boot, "ax"
    .code32
    .globl pvh_start
pvh_start:                      /* 32-bit protected mode, paging off, EBX = hvm_start_info */
    cli
    movl %ebx, start_info_pa
    lgdt gdt_ptr                /* our own GDT: the ABI leaves GDTR unspecified */
    ljmp $0x08, $1f
1:  movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
common32:                       /* BSP and APs: PAE, our page tables, EFER.LME, paging on */
    movl %cr4, %eax
    orl $0x20, %eax
    movl %eax, %cr4
    movl $pml4, %eax
    movl %eax, %cr3
    movl $0xc0000080, %ecx
    rdmsr
    orl $0x100, %eax
    wrmsr
    movl %cr0, %eax
    orl $0x80000001, %eax
    movl %eax, %cr0
    ljmp $0x18, $long64

ap32:                           /* an AP arrives here from the trampoline */
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    jmp common32

    .code64
long64:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movw %ax, %fs
    movw %ax, %gs
    movl $1, %eax
    cpuid
    shrl $24, %ebx              /* initial APIC id: picks this CPU's stack */
    andl $7, %ebx
    movl %ebx, %edi
    leaq 1(%rbx), %rax
    shlq $13, %rax
    leaq stacks(%rip), %rsp
    addq %rax, %rsp
    call kmain
2:  cli
    hlt
    jmp 2b

/* Interrupt and exception stubs: save the caller-saved registers, call handler(vector). */
    .macro STUB v
isr\v:
    pushq %rax
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    movl $\v, %edi
    call interrupt
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rax
    iretq
    .endm
    .irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47
    STUB \v
    .endr

    .section .rodata
    .globl isr_table
isr_table:
    .irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47
    .quad isr\v
    .endr

/* Real-mode trampoline, run at 0x8000 by APs after INIT-SIPI-SIPI (vector 0x08). */
    .section .trampoline, "ax"
    .code16
    .globl ap_trampoline
ap_trampoline:
    cli
    xorw %ax, %ax
    movw %ax, %ds
    lgdtl tramp_gdt_ptr
    movl %cr0, %eax
    orl $1, %eax
    movl %eax, %cr0
    ljmpl $0x08, $ap32
tramp_gdt_ptr:
    .word gdt_end - gdt - 1
    .long gdt

    .section .data
    .align 16
gdt:
    .quad 0
    .quad 0x00cf9b000000ffff    /* 0x08: 32-bit code */
    .quad 0x00cf93000000ffff    /* 0x10: data */
    .quad 0x00af9b000000ffff    /* 0x18: 64-bit code */
gdt_end:
gdt_ptr:
    .word gdt_end - gdt - 1
    .long gdt
    .globl start_info_pa
start_info_pa:
    .long 0

    .align 4096
pml4:                           /* identity map of the first 4 GiB in 2 MiB pages (MMIO included) */
    .quad pdpt + 3
    .fill 511, 8, 0
pdpt:
    .quad pd + 0x0003, pd + 0x1003, pd + 0x2003, pd + 0x3003
    .fill 508, 8, 0
pd:
    .set i, 0
    .rept 2048
    .quad (i << 21) | 0x83
    .set i, i + 1
    .endr

    .section .bss
    .align 4096
    .globl stacks
stacks:
    .space 8192 * 9

    .section .note.GNU-stack, "", @progbits
