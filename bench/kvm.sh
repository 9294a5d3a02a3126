#!/usr/bin/env bash
# KVM engine benchmark (x86-64 guests). Best of N runs each:
#  1. boot: process start to the guest's first boot-marker write (port 0x505) for the PVH test
#     kernel under jvirt; qemu-system-x86_64 -M microvm -enable-kvm running the same kernel to its
#     isa-debug-exit, whole process (an upper bound on its time to the same point);
#  2. CPU: the workload of guests/x86/workload.h in the guest (boot marker to exit) vs the same C
#     code natively, and under QEMU (bench run minus hello run);
#  3. memory: max RSS of each VMM with --mem 128M (the guest touches about 1 MiB of it).
# Usage: bench/kvm.sh [runs] [iterations]   (defaults 3 and 200000: small, because a nested or
# paravirtual KVM may run guest code a thousand times slower than native; raise it on real hardware)
# Needs gcc, make; for the anchor Debian's qemu-system-x86; for memory, time.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
iters=${2:-200000}
make -s -C guests/x86
k=guests/x86/build/testkernel.elf
./jvirt --version >/dev/null # build first, outside the timings
best() { sort -n | head -n 1; }
jstat() { { ./jvirt run --arch x86_64 --kernel "$k" --mem 128M --append "$1" --stats 2>&1 >/dev/null || true; } | sed -n "s/.*$2 *\([0-9.]*\) .*/\1/p"; }
qemu=(qemu-system-x86_64 -M microvm -enable-kvm -m 128M -nographic -nodefaults -no-reboot -serial stdio
      -device isa-debug-exit,iobase=0xf4,iosize=4 -kernel "$k")
qms() { local s e; s=$(date +%s%N); "${qemu[@]}" -append "$1" >/dev/null 2>&1 || true; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
have_qemu() { command -v qemu-system-x86_64 >/dev/null; }

echo "== boot (PVH test kernel, test=hello, 1 vCPU, --mem 128M)"
j=$(for _ in $(seq "$runs"); do jstat test=hello "boot marker (port 0x505)"; done | best)
echo "jvirt kvm: process start to boot marker ${j} ms"
if have_qemu; then
  qh=$(for _ in $(seq "$runs"); do qms test=hello; done | best)
  echo "qemu microvm: process start to exit ${qh} ms"
else
  echo "qemu-system-x86_64 not installed (apt-get install qemu-system-x86): no anchor"
fi

echo "== CPU-bound workload, $iters iterations"
g=$(for _ in $(seq "$runs"); do jstat "test=bench iterations=$iters" "boot marker to end of run"; done | best)
n=$(for _ in $(seq "$runs"); do guests/x86/build/cpu-native "$iters" | sed -n 's/.*, \([0-9.]*\) s$/\1/p'; done | best)
echo "jvirt kvm guest: ${g} s   native: ${n} s"
awk "BEGIN{printf \"guest speed: %.2f%% of native (target: 97%% or more)\n\", $n / $g * 100}"
if have_qemu; then
  qb=$(for _ in $(seq "$runs"); do qms "test=bench iterations=$iters"; done | best)
  awk "BEGIN{printf \"qemu microvm guest: %.3f s (bench run minus hello run)\n\", ($qb - $qh) / 1000}"
fi

echo "== memory: max RSS, --mem 128M"
if [ -x /usr/bin/time ]; then
  r=$({ /usr/bin/time -f %M ./jvirt run --arch x86_64 --kernel "$k" --mem 128M --append test=hello 2>&1 >/dev/null || true; } | tail -n 1)
  echo "jvirt kvm: $((r / 1024)) MiB"
  if have_qemu; then
    r=$({ /usr/bin/time -f %M "${qemu[@]}" -append test=hello 2>&1 >/dev/null || true; } | tail -n 1)
    echo "qemu microvm: $((r / 1024)) MiB"
  fi
else
  echo "/usr/bin/time not installed (apt-get install time): no memory figure"
fi
