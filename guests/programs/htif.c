/* The host-target interface of Spike and riscv-tests: a mailbox the host watches. */
#include "htif.h"

volatile unsigned long tohost __attribute__((section(".tohost"), aligned(64)));
volatile unsigned long fromhost __attribute__((section(".tohost"), aligned(64)));

static void command(unsigned long cmd) {
  tohost = cmd;
  while (fromhost == 0) { }
  fromhost = 0;
}

void htif_putchar(char c) { command((1ul << 56) | (1ul << 48) | (unsigned char)c); }

void htif_puts(const char *s) { while (*s) htif_putchar(*s++); }

void htif_putu(unsigned long v) {
  char buf[24];
  int n = 0;
  do { buf[n++] = (char)('0' + v % 10); v /= 10; } while (v);
  while (n) htif_putchar(buf[--n]);
}

void htif_puthex(unsigned long v) {
  htif_puts("0x");
  for (int i = 60; i >= 0; i -= 4) htif_putchar("0123456789abcdef"[(v >> i) & 15]);
}

void htif_exit(int status) {
  tohost = ((unsigned long)status << 1) | 1;
  for (;;) { }
}
