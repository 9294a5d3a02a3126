/* The CPU-bound benchmark, shared by the guest (test=bench) and the native build (cpu-native):
   integer arithmetic and a small table in cache, nothing that exits to the VMM. */
#include <stdint.h>

static uint64_t workload(uint64_t iterations) {
    static uint32_t table[1024];
    uint64_t x = 88172645463325252ull, sum = 0;
    for (uint64_t i = 0; i < iterations; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        uint32_t slot = (uint32_t) x & 1023;
        table[slot] += (uint32_t) (x >> 32);
        sum += table[(slot * 7) & 1023] ^ i;
    }
    return sum;
}
