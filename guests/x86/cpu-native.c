/* The guest's CPU-bound workload run natively: bench/kvm.sh compares its time with the guest's. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "workload.h"

int main(int argc, char **argv) {
    uint64_t n = argc > 1 ? strtoull(argv[1], 0, 10) : 200000000ull;
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    uint64_t sum = workload(n);
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("native: %llu iterations, checksum %016llx, %.6f s\n", (unsigned long long) n, (unsigned long long) sum,
           (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9);
    return 0;
}
