#!/usr/bin/env bash
# A CPU-bound workload inside the bundled Linux guest: a busybox shell loop, timed from the moment
# it is typed at the prompt to the line it prints when done, under jvirt and, when installed, under
# qemu-system-riscv64 -M virt with Debian's OpenSBI, on the same kernel and initramfs. The translator
# and QEMU also run the loop at 3x the iterations: the difference between the two runs is their
# steady state (the loop's cost once every piece of it is translated and compiled), the rest of the
# shorter run is warm-up.
# Usage: bench/guest-cpu.sh [iterations]   (default 100000)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
images=guests/linux/images
kernel=$(mktemp); work=$(mktemp -d); trap 'rm -rf "$kernel" "$work"' EXIT
gunzip -c "$images/Image.gz" > "$kernel"
./jvirt --version >/dev/null # build first, outside the timings

# measure ITERATIONS COMMAND...: runs the command as a guest with its console on a fifo; prints the
# seconds the loop of ITERATIONS took.
measure() {
  local n=$1 in="$work/in" out="$work/out" t0 t1
  shift
  rm -f "$in" "$out"; mkfifo "$in"; : > "$out"
  "$@" < "$in" > "$out" 2>&1 &
  local pid=$!
  exec 3> "$in"
  for _ in $(seq 1200); do grep -q "jvirt:/# " "$out" && break; sleep 0.1; done
  t0=$(date +%s.%N)
  echo "i=0; while [ \$i -lt $n ]; do i=\$((i+1)); done; echo work-done-\$i" >&3
  for _ in $(seq 6000); do grep -q "work-done-$n" "$out" && break; sleep 0.05; done
  t1=$(date +%s.%N)
  echo "poweroff -f" >&3
  exec 3>&-
  wait "$pid" 2>/dev/null || true
  awk "BEGIN{printf \"%.2f\n\", $t1 - $t0}"
}

ji=$(measure "$n" ./jvirt run --engine interp --kernel "$images/Image.gz" --initrd "$images/initramfs.cpio.gz")
echo "jvirt (interpreter): ${ji} s for $n iterations of a busybox shell loop"
jvirt_dbt() { ./jvirt run --engine dbt --kernel "$images/Image.gz" --initrd "$images/initramfs.cpio.gz"; }
j=$(measure "$n" jvirt_dbt)
echo "jvirt (translator, the default): ${j} s"
awk "BEGIN{printf \"ratio interpreter/translator: %.2fx\n\", $ji / $j}"
j3=$(measure $((3 * n)) jvirt_dbt)
js=$(awk "BEGIN{printf \"%.2f\", ($j3 - $j) / 2}")
echo "jvirt (translator), steady state: ${js} s per $n iterations (${j3} s for $((3 * n)), minus the run above); warm-up $(awk "BEGIN{printf \"%.2f\", $j - $js}") s"
fw=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin
if command -v qemu-system-riscv64 >/dev/null && [ -f "$fw" ]; then
  qemu() { qemu-system-riscv64 -M virt -m 256M -nographic -bios "$fw" -kernel "$kernel" \
        -initrd "$images/initramfs.cpio.gz" -append console=ttyS0; }
  q=$(measure "$n" qemu)
  echo "qemu-system-riscv64 -M virt (TCG): ${q} s"
  awk "BEGIN{printf \"ratio jvirt/qemu: %.2fx\n\", $j / $q}"
  q3=$(measure $((3 * n)) qemu)
  qs=$(awk "BEGIN{printf \"%.2f\", ($q3 - $q) / 2}")
  echo "qemu, steady state: ${qs} s per $n iterations (${q3} s for $((3 * n)))"
  awk "BEGIN{printf \"ratio jvirt/qemu in steady state: %.2fx\n\", $js / $qs}"
fi
