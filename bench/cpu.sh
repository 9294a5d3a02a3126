#!/usr/bin/env bash
# CPU-bound guest benchmark: the same bare-metal program under jvirt's interpreter and, when it is
# installed, under QEMU's TCG (-M spike runs HTIF programs). Prints MIPS and the time ratio.
# Usage: bench/cpu.sh [runs] [program]   (default: 3 runs of guests/programs/bench; the best run of
# each is reported, as the machine is shared; "paging" measures the TLB under Sv39 instead)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
name=${2:-bench}
make -s -C guests/programs "build/$name.elf" >/dev/null
prog=guests/programs/build/$name.elf
./jvirt --version >/dev/null # build first, outside the timings

best_jvirt=""; insns=""; best_mips=""; rss=""
for i in $(seq "$runs"); do
  stats=$(/usr/bin/time -f "maxrss %M" ./jvirt run --bios none --mem 128M --kernel "$prog" --stats 2>&1 >/dev/null)
  rss=$(echo "$stats" | awk '/^maxrss/ {print $2}')
  t=$(echo "$stats" | awk '/wall time/ {print $3}')
  insns=$(echo "$stats" | awk '/instructions retired/ {gsub(",", "", $3); print $3}')
  mips=$(echo "$stats" | awk '/speed/ {print $2}')
  if [ -z "$best_jvirt" ] || awk "BEGIN{exit !($t < $best_jvirt)}"; then best_jvirt=$t; best_mips=$mips; fi
done
echo "program: $prog ($insns instructions)"
printf 'jvirt interpreter: %8.3f s  %8.1f MIPS (guest run time, best of %d)\n' "$best_jvirt" "$best_mips" "$runs"
printf 'jvirt process: max RSS %d KiB with --mem 128M (guest pages are mapped lazily; the program touches few)\n' "$rss"

if command -v qemu-system-riscv64 >/dev/null; then
  best_qemu=""
  for i in $(seq "$runs"); do
    s=$(date +%s.%N)
    timeout 600 qemu-system-riscv64 -M spike -bios none -nographic -kernel "$prog" >/dev/null 2>&1 </dev/null || true
    e=$(date +%s.%N)
    t=$(awk "BEGIN{print $e - $s}")
    if [ -z "$best_qemu" ] || awk "BEGIN{exit !($t < $best_qemu)}"; then best_qemu=$t; fi
  done
  qmips=$(awk "BEGIN{printf \"%.1f\", $insns / $best_qemu / 1e6}")
  printf 'qemu-system-riscv64 -M spike (TCG): %8.3f s  %8.1f MIPS (whole process, best of %d)\n' "$best_qemu" "$qmips" "$runs"
  awk "BEGIN{printf \"ratio jvirt/qemu time: %.2fx\n\", $best_jvirt / $best_qemu}"
else
  echo "qemu-system-riscv64 not installed (Debian: qemu-system-misc): no anchor measured"
fi
