#!/usr/bin/env bash
# Linux boot benchmark: the bundled guest (guests/linux/images) from process start to the marker its
# init prints ("jvirt-guest: init reached"), under jvirt (built-in SBI) and, when installed, under
# qemu-system-riscv64 -M virt with Debian's OpenSBI on the same kernel and initramfs. Also the
# host CPU an idle guest costs, measured over 10 s at the shell prompt.
# Usage: bench/boot.sh [runs]   (default 3; the best run of each is reported)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
images=guests/linux/images
kernel=$(mktemp); trap 'rm -f "$kernel"' EXIT
gunzip -c "$images/Image.gz" > "$kernel"
./jvirt --version >/dev/null # build first, outside the timings

# Seconds from start until the marker appears in the command's output; the command is then stopped,
# so that no earlier run is still booting (or idling) beside the next one.
time_to_marker() {
  local start end="" line out pid
  out=$(mktemp -u); mkfifo "$out"
  start=$(date +%s.%N)
  timeout 300 "$@" </dev/null >"$out" 2>&1 &
  pid=$!
  while IFS= read -r line; do
    case "$line" in *"jvirt-guest: init reached"*) end=$(date +%s.%N); break ;; esac
  done <"$out"
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -f "$out"
  awk "BEGIN{printf \"%.3f\\n\", ${end:-0} - $start}"
}

best() { sort -n | head -n 1; }

# The two engines' runs alternate, so that the machine's drift over the runs weighs on both alike;
# the median of the pairs' ratios is less noisy than the ratio of the two best runs.
boot() { time_to_marker ./jvirt run --engine "$1" --kernel "$images/Image.gz" --initrd "$images/initramfs.cpio.gz" --mem 256M; }
pairs=$(for i in $(seq "$runs"); do echo "$(boot interp) $(boot dbt)"; done)
ji=$(echo "$pairs" | awk '{print $1}' | best)
j=$(echo "$pairs" | awk '{print $2}' | best)
echo "jvirt (interpreter, built-in SBI): ${ji} s to init (best of $runs)"
echo "jvirt (translator, the default, built-in SBI): ${j} s to init (best of $runs)"
awk "BEGIN{printf \"ratio translator/interpreter: %.2fx (target: 1x or less)\n\", $j / $ji}"
echo "$pairs" | awk '{print $2 / $1}' | sort -n | awk '{r[NR] = $1} END {m = NR % 2 ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2; printf "ratio translator/interpreter, median of %d alternated pairs: %.2fx\n", NR, m}'
fw=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin
if command -v qemu-system-riscv64 >/dev/null && [ -f "$fw" ]; then
  q=$(for i in $(seq "$runs"); do time_to_marker qemu-system-riscv64 -M virt -m 256M -nographic -bios "$fw" \
        -kernel "$kernel" -initrd "$images/initramfs.cpio.gz" -append console=ttyS0; done | best)
  echo "qemu-system-riscv64 -M virt (TCG, OpenSBI fw_jump): ${q} s to init (best of $runs)"
  awk "BEGIN{printf \"ratio jvirt/qemu: %.2fx (target: 4x or less)\n\", $j / $q}"
else
  echo "qemu-system-riscv64 or Debian's opensbi not installed: no anchor measured"
fi

# Idle cost: boot, wait at the prompt, and read the process's CPU time over 10 s of idleness.
fifo=$(mktemp -u); mkfifo "$fifo"
( sleep 300 > "$fifo" ) & holder=$!
idle_log=$(mktemp)
./jvirt run --kernel "$images/Image.gz" --initrd "$images/initramfs.cpio.gz" < "$fifo" > "$idle_log" 2>&1 &
pid=$!
for _ in $(seq 600); do grep -q "init reached" "$idle_log" 2>/dev/null && break; sleep 0.1; done
sleep 3
jpid=$(pgrep -P "$pid" java || echo "$pid")
t0=$(awk '{print $14 + $15}' "/proc/$jpid/stat"); sleep 10; t1=$(awk '{print $14 + $15}' "/proc/$jpid/stat")
hz=$(getconf CLK_TCK)
awk "BEGIN{printf \"idle guest: %.1f%% of one host core (target: under 5%%)\n\", ($t1 - $t0) / $hz / 10 * 100}"
kill "$pid" "$holder" 2>/dev/null || true
rm -f "$fifo" "$idle_log"
