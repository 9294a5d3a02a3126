#!/usr/bin/env bash
# CPU-bound guest benchmark: the same bare-metal program under jvirt's interpreter, jvirt's binary
# translator and, when it is installed, QEMU's TCG (-M spike runs HTIF programs), in one run.
# Prints MIPS and ratios. The translator is reported two ways: the whole run (warm-up included) and
# its steady state, from the difference between the program at ROUNDS and at 10 x ROUNDS.
# Usage: bench/cpu.sh [runs] [program]   (default: 3 runs of guests/programs/bench; the best run of
# each is reported, as the machine is shared; "paging" measures the TLB under Sv39 instead, "calls" the
# transitions between translations, "alu" an integer loop without memory accesses, to set against
# bench/InterpreterCeiling.java). QEMU's steady state is measured the same way as the translator's.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
name=${2:-bench}
make -s -C guests/programs "build/$name.elf" >/dev/null
prog=guests/programs/build/$name.elf
./jvirt --version >/dev/null # build first, outside the timings

# best_of ENGINE PROGRAM: prints "seconds instructions" of the fastest of $runs runs (guest run time)
best_of() {
  local best="" insns="" t
  for i in $(seq "$runs"); do
    stats=$(./jvirt run --engine "$1" --bios none --mem 128M --kernel "$2" --stats 2>&1 >/dev/null)
    t=$(echo "$stats" | awk '/wall time/ {print $3}')
    insns=$(echo "$stats" | awk '/instructions retired/ {gsub(",", "", $3); print $3}')
    if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
  done
  echo "$best $insns"
}

read -r ti insns < <(best_of interp "$prog")
read -r td _ < <(best_of dbt "$prog")
echo "program: $prog ($insns instructions)"
mips() { awk "BEGIN{printf \"%8.1f\", $1 / $2 / 1e6}"; }
printf 'jvirt interpreter:          %8.3f s  %s MIPS\n' "$ti" "$(mips "$insns" "$ti")"
printf 'jvirt translator:           %8.3f s  %s MIPS (warm-up included)\n' "$td" "$(mips "$insns" "$td")"

steady=""
if [ "$name" = bench ]; then
  # The same program doing ten times the work: the difference is pure steady state.
  long=$(mktemp --suffix=.elf); trap 'rm -f "$long"' EXIT
  make -s -C guests/programs variant SRC=bench.c DEFS=-DROUNDS=400 OUT="$long"
  read -r tl linsns < <(best_of dbt "$long")
  steady=$(awk "BEGIN{printf \"%.1f\", ($linsns - $insns) / ($tl - $td) / 1e6}")
  printf 'jvirt translator, steady:   %8.3f s  %8.1f MIPS (%s instructions at 10x the rounds, minus the run above)\n' "$tl" "$steady" "$linsns"
fi

if command -v qemu-system-riscv64 >/dev/null; then
  # qemu_best PROGRAM: seconds of the fastest of $runs whole QEMU processes
  qemu_best() {
    local best="" s e t
    for i in $(seq "$runs"); do
      s=$(date +%s.%N)
      timeout 600 qemu-system-riscv64 -M spike -bios none -nographic -kernel "$1" >/dev/null 2>&1 </dev/null || true
      e=$(date +%s.%N)
      t=$(awk "BEGIN{print $e - $s}")
      if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
    done
    echo "$best"
  }
  best_qemu=$(qemu_best "$prog")
  printf 'qemu-system-riscv64 (TCG):  %8.3f s  %s MIPS (whole process)\n' "$best_qemu" "$(mips "$insns" "$best_qemu")"
  awk "BEGIN{printf \"ratios (time): interpreter/qemu %.2fx, translator/qemu %.2fx, interpreter/translator %.2fx\n\", $ti / $best_qemu, $td / $best_qemu, $ti / $td}"
  if [ -n "$steady" ]; then
    # QEMU's steady state the same way as the translator's: its start-up and translation drop out.
    qlong=$(qemu_best "$long")
    qsteady=$(awk "BEGIN{printf \"%.1f\", ($linsns - $insns) / ($qlong - $best_qemu) / 1e6}")
    printf 'qemu-system-riscv64, steady: %7.3f s  %8.1f MIPS (10x the rounds, minus the run above)\n' "$qlong" "$qsteady"
    awk "BEGIN{printf \"steady-state translator speed: %.2fx the interpreter, %.2fx QEMU's steady state\n\", $steady / ($insns / $ti / 1e6), $steady / $qsteady}"
  fi
else
  echo "qemu-system-riscv64 not installed (Debian: qemu-system-misc): no anchor measured"
fi
