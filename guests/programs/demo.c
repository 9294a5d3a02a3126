/* The bundled demo: a bare-metal program that says where it runs and draws the Mandelbrot set. */
#include "htif.h"

static unsigned long csr_misa(void) { unsigned long v; __asm__ volatile("csrr %0, misa" : "=r"(v)); return v; }
static unsigned long csr_mhartid(void) { unsigned long v; __asm__ volatile("csrr %0, mhartid" : "=r"(v)); return v; }
static unsigned long csr_minstret(void) { unsigned long v; __asm__ volatile("csrr %0, minstret" : "=r"(v)); return v; }

int main(void) {
  htif_puts("Hello from a bare-metal RISC-V program running in jvirt.\n");
  htif_puts("This hart (mhartid ");
  htif_putu(csr_mhartid());
  htif_puts(") runs in M-mode; misa = ");
  htif_puthex(csr_misa());
  htif_puts(" (RV64: ");
  unsigned long misa = csr_misa();
  for (int i = 0; i < 26; i++) if (misa & (1ul << i)) htif_putchar((char)('A' + i));
  htif_puts(").\nThe console is HTIF: every character is a store to tohost that the host watches.\n\n");

  /* Fixed-point Mandelbrot set, 2^12 scale: integer arithmetic only. */
  const char *shades = " .:-=+*#%@";
  for (int row = 0; row < 22; row++) {
    long ci = (row - 11) * 4096 * 24 / 220;
    for (int col = 0; col < 72; col++) {
      long cr = (col - 50) * 4096 * 30 / 720;
      long zr = 0, zi = 0;
      int k = 0;
      while (k < 64) {
        long zr2 = zr * zr >> 12, zi2 = zi * zi >> 12;
        if (zr2 + zi2 > 4 * 4096) break;
        zi = (2 * zr * zi >> 12) + ci;
        zr = zr2 - zi2 + cr;
        k++;
      }
      htif_putchar(k == 64 ? '@' : shades[k % 9]);
    }
    htif_putchar('\n');
  }
  htif_puts("\nThat took ");
  htif_putu(csr_minstret());
  htif_puts(" instructions. Exiting with status 0 through HTIF.\n");
  return 0;
}
