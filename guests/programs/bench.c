/*
 * CPU-bound integer benchmark: CRC-32 over 64 KiB, a sieve of Eratosthenes, a 64x64 matrix multiply
 * and an insertion sort, repeated ROUNDS times. The checksum is printed so that a wrong result shows.
 */
#include "htif.h"

#ifndef ROUNDS
#define ROUNDS 40
#endif
/* Which kernels run, a bit each: 1 CRC-32, 2 sieve, 4 matrix multiply, 8 insertion sort (bench/kernels.sh). */
#ifndef KERNELS
#define KERNELS 15
#endif

typedef unsigned long u64;
typedef unsigned int u32;

static u32 crc_table[256];
static unsigned char buf[1 << 16];
static unsigned char sieve[200000];
static long a[64][64], b[64][64], c[64][64];
static u32 sortbuf[2048];

static u32 crc32(const unsigned char *p, int n) {
  u32 c = ~0u;
  while (n--) c = crc_table[(c ^ *p++) & 0xff] ^ (c >> 8);
  return ~c;
}

int main(void) {
  for (u32 i = 0; i < 256; i++) {
    u32 c = i;
    for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
    crc_table[i] = c;
  }
  u64 seed = 1;
  for (unsigned i = 0; i < sizeof buf; i++) { seed = seed * 6364136223846793005ul + 1; buf[i] = (unsigned char)(seed >> 56); }
  for (int i = 0; i < 64; i++) for (int j = 0; j < 64; j++) { a[i][j] = i + j; b[i][j] = i - j; }

  u64 sum = 0;
  for (int r = 0; r < ROUNDS; r++) {
    if (KERNELS & 1) sum += crc32(buf, sizeof buf);
    if (KERNELS & 2) {
      int primes = 0;
      for (int i = 2; i < 200000; i++) sieve[i] = 1;
      for (int i = 2; i < 200000; i++)
        if (sieve[i]) { primes++; for (int j = 2 * i; j < 200000; j += i) sieve[j] = 0; }
      sum += primes;
    }
    if (KERNELS & 4) {
      for (int i = 0; i < 64; i++)
        for (int j = 0; j < 64; j++) {
          long s = 0;
          for (int k = 0; k < 64; k++) s += a[i][k] * b[k][j];
          c[i][j] = s;
        }
      sum += (u64)c[r & 63][(r * 7) & 63];
    }
    if (KERNELS & 8) {
      for (int i = 0; i < 2048; i++) { seed = seed * 6364136223846793005ul + 1; sortbuf[i] = (u32)(seed >> 40); }
      for (int i = 1; i < 2048; i++) {
        u32 v = sortbuf[i];
        int j = i - 1;
        while (j >= 0 && sortbuf[j] > v) { sortbuf[j + 1] = sortbuf[j]; j--; }
        sortbuf[j + 1] = v;
      }
      sum += sortbuf[1024];
    }
  }
  htif_puts("bench checksum ");
  htif_puthex(sum);
  htif_putchar('\n');
  return 0;
}
