#!/usr/bin/env bash
# CPU-bound guest benchmark: the same bare-metal program under jvirt's interpreter, jvirt's binary
# translator and, when it is installed, QEMU's TCG (-M spike runs HTIF programs), in one run.
# Prints MIPS and ratios. The runs alternate (one of each per round), so that the machine's drift
# over the run weighs on every engine alike. The translator is reported two ways: the whole run
# (warm-up included) and its steady state, from the difference between the program at ROUNDS and at
# 10 x ROUNDS.
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

long=""
if [ "$name" = bench ]; then
  # The same program doing ten times the work: the difference is pure steady state.
  long=$(mktemp --suffix=.elf); trap 'rm -f "$long"' EXIT
  make -s -C guests/programs variant SRC=bench.c DEFS=-DROUNDS=400 OUT="$long"
fi
qemu=""
if command -v qemu-system-riscv64 >/dev/null; then qemu=yes; fi

# jvirt_run ENGINE PROGRAM: "seconds instructions" of one run (guest run time)
jvirt_run() {
  ./jvirt run --engine "$1" --bios none --mem 128M --kernel "$2" --stats 2>&1 >/dev/null \
    | awk '/wall time/ {t = $3} /instructions retired/ {gsub(",", "", $3); n = $3} END {print t, n}'
}
# qemu_run PROGRAM: seconds of one whole QEMU process
qemu_run() {
  local s e
  s=$(date +%s.%N)
  timeout 600 qemu-system-riscv64 -M spike -bios none -nographic -kernel "$1" >/dev/null 2>&1 </dev/null || true
  e=$(date +%s.%N)
  awk "BEGIN{print $e - $s}"
}

# One line per round: interpreter, translator, and where measured the translator at 10x, QEMU and
# QEMU at 10x (0 where not measured); the instruction counts of the short and the long program.
rounds=$(for i in $(seq "$runs"); do
  read -r ti insns < <(jvirt_run interp "$prog")
  read -r td _ < <(jvirt_run dbt "$prog")
  tl=0; linsns=0; tq=0; tql=0
  if [ -n "$long" ]; then read -r tl linsns < <(jvirt_run dbt "$long"); fi
  if [ -n "$qemu" ]; then tq=$(qemu_run "$prog"); fi
  if [ -n "$qemu" ] && [ -n "$long" ]; then tql=$(qemu_run "$long"); fi
  echo "$ti $td $tl $tq $tql $insns $linsns"
done)
best() { echo "$rounds" | awk -v c="$1" 'NR == 1 || $c < b {b = $c} END {print b}'; }
ti=$(best 1); td=$(best 2); tl=$(best 3); best_qemu=$(best 4); qlong=$(best 5)
insns=$(echo "$rounds" | awk 'END {print $6}'); linsns=$(echo "$rounds" | awk 'END {print $7}')

echo "program: $prog ($insns instructions)"
mips() { awk "BEGIN{printf \"%8.1f\", $1 / $2 / 1e6}"; }
# The interpreter's median too: its runs spread more than the others' (docs/benchmarks.md says why).
tim=$(echo "$rounds" | awk '{print $1}' | sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}')
printf 'jvirt interpreter:          %8.3f s  %s MIPS (best of %s; median %s MIPS)\n' "$ti" "$(mips "$insns" "$ti")" "$runs" "$(mips "$insns" "$tim" | tr -d ' ')"
printf 'jvirt translator:           %8.3f s  %s MIPS (warm-up included)\n' "$td" "$(mips "$insns" "$td")"

steady=""
if [ -n "$long" ]; then
  steady=$(awk "BEGIN{printf \"%.1f\", ($linsns - $insns) / ($tl - $td) / 1e6}")
  printf 'jvirt translator, steady:   %8.3f s  %8.1f MIPS (%s instructions at 10x the rounds, minus the run above)\n' "$tl" "$steady" "$linsns"
fi

if [ -n "$qemu" ]; then
  printf 'qemu-system-riscv64 (TCG):  %8.3f s  %s MIPS (whole process)\n' "$best_qemu" "$(mips "$insns" "$best_qemu")"
  awk "BEGIN{printf \"ratios (time): interpreter/qemu %.2fx, translator/qemu %.2fx, interpreter/translator %.2fx\n\", $ti / $best_qemu, $td / $best_qemu, $ti / $td}"
  if [ -n "$steady" ]; then
    # QEMU's steady state the same way as the translator's: its start-up and translation drop out.
    qsteady=$(awk "BEGIN{printf \"%.1f\", ($linsns - $insns) / ($qlong - $best_qemu) / 1e6}")
    printf 'qemu-system-riscv64, steady: %7.3f s  %8.1f MIPS (10x the rounds, minus the run above)\n' "$qlong" "$qsteady"
    awk "BEGIN{printf \"steady-state translator speed: %.2fx the interpreter, %.2fx QEMU's steady state\n\", $steady / ($insns / $ti / 1e6), $steady / $qsteady}"
  fi
else
  echo "qemu-system-riscv64 not installed (Debian: qemu-system-misc): no anchor measured"
fi
