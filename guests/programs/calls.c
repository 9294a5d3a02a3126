/*
 * Transition-heavy benchmark: a loop that calls a three-instruction function 20 million times, so
 * that a binary translator spends its time going from one translation to the next (a call, a return,
 * a branch back) rather than inside one. The result is printed so that a wrong one shows.
 */
#include "htif.h"

__attribute__((noinline)) static unsigned long f(unsigned long x) { return x * 3 + 1; }

int main(void) {
  unsigned long s = 0;
  for (unsigned long i = 0; i < 20000000; i++) s = f(s ^ i);
  htif_puts("calls ");
  htif_puthex(s);
  htif_putchar('\n');
  return 0;
}
