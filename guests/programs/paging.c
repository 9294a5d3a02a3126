/*
 * Paging benchmark: M-mode maps the first 16 MiB of RAM with Sv39 4 KiB pages, then S-mode makes
 * random loads and stores over 12 MiB of it, which stresses the TLB, and exits through HTIF.
 */
#include "htif.h"

typedef unsigned long u64;
#define PAGES (16u << 8) /* 16 MiB of 4 KiB pages */
static u64 root[512] __attribute__((aligned(4096)));
static u64 l1[512] __attribute__((aligned(4096)));
static u64 l0[PAGES / 512][512] __attribute__((aligned(4096)));

static volatile u64 *const data = (u64 *)0x80400000ul;
#define WORDS ((12ul << 20) / 8)

static void s_main(void) {
  u64 x = 12345, sum = 0;
  for (long i = 0; i < 20000000; i++) {
    x = x * 6364136223846793005ul + 1442695040888963407ul;
    u64 idx = (x >> 20) % WORDS;
    sum += data[idx];
    data[idx] = sum;
  }
  htif_exit(sum == 0xdeadbeefu ? 1 : 0); /* S-mode reaches tohost through the identity map */
}

int main(void) {
  const u64 V = 1, R = 2, W = 4, X = 8, A = 64, D = 128;
  root[2] = (((u64)l1 >> 12) << 10) | V;                   /* 0x80000000: VPN2 = 2 */
  for (unsigned t = 0; t < PAGES / 512; t++) {
    l1[t] = (((u64)l0[t] >> 12) << 10) | V;
    for (unsigned p = 0; p < 512; p++) {
      u64 pa = 0x80000000ul + (((u64)t * 512 + p) << 12);
      l0[t][p] = ((pa >> 12) << 10) | V | R | W | X | A | D;
    }
  }
  __asm__ volatile("csrw pmpaddr0, %0" : : "r"(~0ul >> 10));
  __asm__ volatile("csrw pmpcfg0, %0" : : "r"(0x1ful));
  __asm__ volatile("csrw satp, %0" : : "r"((8ul << 60) | ((u64)root >> 12)));
  __asm__ volatile("sfence.vma");
  u64 ms; __asm__ volatile("csrr %0, mstatus" : "=r"(ms));
  ms = (ms & ~(3ul << 11)) | (1ul << 11);
  __asm__ volatile("csrw mstatus, %0" : : "r"(ms));
  __asm__ volatile("csrw mepc, %0" : : "r"(s_main));
  __asm__ volatile("mret");
  return 3;
}
