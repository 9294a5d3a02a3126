/*
 * An integer loop with no memory access: the same eight instructions as bench/InterpreterCeiling.java,
 * so that jvirt's interpreter can be set against the ceiling of a switch-dispatched interpreter on the
 * JVM, and the cost of everything else (memory, the MMU, counting) read off bench.c's figure.
 */
#include "htif.h"

#ifndef ITERATIONS
#define ITERATIONS 50000000UL
#endif

int main(void) {
  unsigned long x5 = 0, x6 = 0, x7, x8 = 0, x9, x10, x11, n = ITERATIONS;
  __asm__ volatile(
      ".option push\n.option norvc\n"
      "1: addi %0, %0, 1\n"
      "   xor  %1, %1, %0\n"
      "   slli %2, %1, 3\n"
      "   add  %3, %3, %2\n"
      "   srli %4, %3, 2\n"
      "   and  %5, %4, %1\n"
      "   sub  %6, %5, %0\n"
      "   bne  %0, %7, 1b\n"
      ".option pop\n"
      : "+r"(x5), "+r"(x6), "=&r"(x7), "+r"(x8), "=&r"(x9), "=&r"(x10), "=&r"(x11)
      : "r"(n));
  htif_puts("alu checksum ");
  htif_puthex(x8 ^ x11);
  htif_putchar('\n');
  return 0;
}
