#!/usr/bin/env bash
# Steady state of each kernel of guests/programs/bench.c alone (CRC-32, sieve, matrix multiply,
# insertion sort): the translator against QEMU's TCG, so that the kernel where the translator trails
# shows. Steady state as bench/cpu.sh measures it, from the run at 25x the rounds minus the run at 1x
# (best of N each; jvirt's guest run time from --stats, QEMU's whole process).
# Usage: bench/kernels.sh [runs]   (default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
command -v qemu-system-riscv64 >/dev/null || { echo "kernels.sh: qemu-system-riscv64 is needed (Debian: qemu-system-misc)" >&2; exit 1; }
./jvirt --version >/dev/null # build first, outside the timings
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

# best COMMAND...: the fastest of $runs runs, in seconds (jvirt: the run time it reports)
best() {
  local b="" t s e
  for i in $(seq "$runs"); do
    if [ "$1" = ./jvirt ]; then
      t=$("$@" --stats 2>&1 >/dev/null </dev/null | awk '/wall time/ {print $3}')
    else
      s=$(date +%s.%N); "$@" >/dev/null 2>&1 </dev/null || true; e=$(date +%s.%N)
      t=$(awk "BEGIN{print $e - $s}")
    fi
    if [ -z "$b" ] || awk "BEGIN{exit !($t < $b)}"; then b=$t; fi
  done
  echo "$b"
}

printf '%-8s %12s %12s %s\n' kernel translator qemu "translator speed / qemu's"
for k in 1:crc32 2:sieve 4:matmul 8:sort; do
  bit=${k%%:*}; name=${k#*:}
  for r in 40 1000; do
    make -s -C guests/programs variant SRC=bench.c DEFS="-DROUNDS=$r -DKERNELS=$bit" OUT="$work/$name-$r.elf"
  done
  d1=$(best ./jvirt run --engine dbt --bios none --mem 128M --kernel "$work/$name-40.elf")
  d10=$(best ./jvirt run --engine dbt --bios none --mem 128M --kernel "$work/$name-1000.elf")
  q1=$(best qemu-system-riscv64 -M spike -bios none -nographic -kernel "$work/$name-40.elf")
  q10=$(best qemu-system-riscv64 -M spike -bios none -nographic -kernel "$work/$name-1000.elf")
  awk "BEGIN{d = $d10 - $d1; q = $q10 - $q1; printf \"%-8s %10.3f s %10.3f s %.2fx\n\", \"$name\", d, q, q / d}"
done
