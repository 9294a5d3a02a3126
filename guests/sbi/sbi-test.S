/*
 * A tiny S-mode "kernel" that checks the SBI a machine offers, booted like Linux: entered in S-mode
 * at 0x80200000 with a0 = hart id and a1 = the device tree. It ends by powering off through SRST
 * (status 0); a failed check writes (n << 16) | 0x3333 to the SiFive test device, which ends the run
 * with exit status n.
 */
#define SBI_BASE   0x10
#define SBI_TIME   0x54494D45
#define SBI_IPI    0x735049
#define SBI_HSM    0x48534D
#define SBI_SRST   0x53525354
#define SBI_DBCN   0x4442434E
#define MSG_LEN    27

.macro sbi eid, fid
  li a7, \eid
  li a6, \fid
  ecall
.endm

.macro check_zero reg, n
  li s11, \n
  bnez \reg, fail
.endm

.macro check_eq reg, value, n
  li s11, \n
  li t6, \value
  bne \reg, t6, fail
.endm

  .section .text.init
  .globl _start
_start:
  mv s0, a0                       /* hart id */
  mv s1, a1                       /* device tree */
  la sp, stack_top
  lwu t0, 0(s1)                   /* the FDT magic 0xd00dfeed, stored big-endian */
  check_eq t0, 0xedfe0dd0, 1

  sbi SBI_BASE, 0                 /* get_spec_version: 1.0 or later (OpenSBI 1.2 says 1.0) */
  check_zero a0, 2
  li s11, 3
  li t6, 0x01000000
  bltu a1, t6, fail

  li a0, 0x7fffffff
  sbi SBI_BASE, 3                 /* probe_extension(unknown) */
  check_eq a1, 0, 5
  li a0, SBI_DBCN
  sbi SBI_BASE, 3                 /* probe_extension(DBCN), an SBI 2.0 extension */
  beqz a1, legacy_console

  li a0, MSG_LEN
  la a1, msg
  li a2, 0
  sbi SBI_DBCN, 0                 /* console_write: the physical address of the message */
  check_zero a0, 6
  check_eq a1, MSG_LEN, 7
  j console_done
legacy_console:                   /* the legacy console_putchar, one byte a call */
  la s2, msg
  la s3, msg_end
5:
  lbu a0, 0(s2)
  sbi 0x01, 0
  addi s2, s2, 1
  bltu s2, s3, 5b
console_done:

  li t0, 0x20
  csrs sie, t0                    /* STIE, with sstatus.SIE clear: wfi wakes, no trap is taken */
  rdtime a0
  addi a0, a0, 1000
  sbi SBI_TIME, 0                 /* set_timer(now + 100 us) */
  check_zero a0, 8
1:
  wfi
  csrr t0, sip
  andi t0, t0, 0x20
  beqz t0, 1b
  li a0, -1
  sbi SBI_TIME, 0                 /* a deadline in the far future clears STIP */
  csrr t0, sip
  andi t0, t0, 0x20
  check_zero t0, 9

  li a0, 0x7fffffff
  sbi SBI_HSM, 2                  /* hart_get_status(no such hart) */
  check_eq a0, -3, 10

  li a0, 1
  sbi SBI_HSM, 2                  /* hart_get_status(1): is there a second hart? */
  bnez a0, done                   /* one hart only: the SMP checks do not apply */
  check_eq a1, 1, 11              /* STOPPED */
  li a0, 1
  la a1, secondary
  li a2, 0x1234
  sbi SBI_HSM, 0                  /* hart_start(1, secondary, 0x1234) */
  check_zero a0, 12
  la t0, flag
2:
  ld t1, 0(t0)
  beqz t1, 2b
  check_eq t1, 0x1235, 13

  li t0, 2
  csrs sie, t0                    /* SSIE */
  li a0, 1
  li a1, 0
  sbi SBI_IPI, 0                  /* send_ipi to hart 0 itself */
  check_zero a0, 14
  csrr t0, sip
  andi t0, t0, 2
  check_eq t0, 2, 15
  csrc sip, 2                     /* S-mode clears SSIP */

done:
  li a0, 0
  li a1, 0
  sbi SBI_SRST, 0                 /* system_reset(shutdown, no reason) */
  li s11, 16
fail:
  slli s11, s11, 16
  li t0, 0x3333
  or s11, s11, t0
  li t0, 0x100000
  sw s11, 0(t0)
3: j 3b

secondary:                        /* a0 = 1, a1 = opaque */
  addi a1, a1, 1
  la t0, flag
  sd a1, 0(t0)
  sbi SBI_HSM, 1                  /* hart_stop */
4: j 4b

  .data
msg: .ascii "sbi-test: console_write ok\n"   /* 27 bytes */
msg_end:
  .align 3
flag: .dword 0
  .bss
  .align 4
  .space 4096
stack_top:
