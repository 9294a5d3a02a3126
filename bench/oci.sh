#!/usr/bin/env bash
# OCI runtime benchmark: /bin/true in a busybox bundle under jvirt (oci/bin/jvirt-runc, AOT cache)
# and under runc, on the same bundle. Reports, as medians of N runs:
#   run    - `run ID`: create, start, wait for the exit and delete, in one command
#   create - `create ID` until the process waits for start
#   start  - from `start ID` until /bin/true has exited (start-to-exit)
#   delete - `delete ID` of the stopped container
# and the RSS of the process that waits between create and start.
# Usage: sudo bench/oci.sh [runs]   (default 20; needs root, runc and busybox-static)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
[ "$(id -u)" = 0 ] || { echo "bench/oci.sh: run as root (namespaces and cgroups)" >&2; exit 1; }
command -v runc >/dev/null || { echo "bench/oci.sh: runc is not installed (apt-get install runc)" >&2; exit 1; }
[ -x oci/target/nsexec ] && [ -f oci/target/jvirt-oci.aot ] || ./mvnw -q -B -DskipTests -pl oci -am package
busybox=$(command -v busybox)

work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bundle/rootfs/bin" "$work/bundle/rootfs/proc" "$work/bundle/rootfs/sys" "$work/bundle/rootfs/dev"
cp "$busybox" "$work/bundle/rootfs/bin/busybox"
ln -s busybox "$work/bundle/rootfs/bin/true"
ln -s busybox "$work/bundle/rootfs/bin/sh"
# runc's own default config, with /bin/true and no terminal: both runtimes get the same file
(cd "$work/bundle" && runc spec && sed -i -e 's/"terminal": true/"terminal": false/' -e 's/"sh"/"\/bin\/true"/' config.json)

ms() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.1f", m/1e6}'; }
# Waits until PID has gone (it is not our child, so poll /proc).
gone() { while [ -e "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; do :; done; }

# One round of NAME's measurements (run, create, start-to-exit, delete, RSS) with container ids "*$1".
once() { # ROUND NAME RUNTIME...
  local i=$1 name=$2; shift 2
  local root="$work/root-$name" t0 t1 pid
  t0=$(ms); "$@" --root "$root" run -b "$work/bundle" "r$i" >/dev/null; t1=$(ms); echo $((t1 - t0)) >> "$work/$name.run"
  t0=$(ms); "$@" --root "$root" create -b "$work/bundle" "c$i"; t1=$(ms); echo $((t1 - t0)) >> "$work/$name.create"
  pid=$("$@" --root "$root" state "c$i" | sed -n 's/.*"pid": *\([0-9]*\).*/\1/p')
  awk '/^VmRSS/ {print $2}' "/proc/$pid/status" >> "$work/$name.rss"
  # jvirt-jvm: start as it runs when the container has poststart hooks, through the JVM
  [ "$name" != jvirt-jvm ] || rm -f "$root/c$i/start.fast"
  t0=$(ms); "$@" --root "$root" start "c$i"; gone "$pid"; t1=$(ms); echo $((t1 - t0)) >> "$work/$name.start"
  t0=$(ms); "$@" --root "$root" delete "c$i"; t1=$(ms); echo $((t1 - t0)) >> "$work/$name.delete"
}

report() { # NAME
  local name=$1
  printf '%-9s run %7s ms   create %7s ms   start-to-exit %7s ms   delete %7s ms   waiting RSS %5s KiB\n' "$name" \
    "$(median < "$work/$name.run")" "$(median < "$work/$name.create")" "$(median < "$work/$name.start")" \
    "$(median < "$work/$name.delete")" "$(sort -n "$work/$name.rss" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
}

echo "medians of $runs runs of /bin/true; $(nproc) cores; $(runc --version | head -n 1)"
# warm the page cache and the AOT cache, then interleave the runtimes round by round, so that the
# load of a shared machine falls on all of them alike
runc --root "$work/root-runc" run -b "$work/bundle" warm >/dev/null 2>&1 || true
oci/bin/jvirt-runc --root "$work/root-jvirt" run -b "$work/bundle" warm >/dev/null 2>&1 || true
: > "$work/floor"
for i in $(seq "$runs"); do
  once "$i" runc runc
  once "$i" jvirt oci/bin/jvirt-runc
  once "$i" jvirt-jvm oci/bin/jvirt-runc
  # the floor under every JVM-bound operation: the runtime's JVM starting and printing its version
  t0=$(ms); oci/bin/jvirt-runc --version >/dev/null; t1=$(ms); echo $((t1 - t0)) >> "$work/floor"
done
report runc
report jvirt
report jvirt-jvm
for m in run create start delete; do
  awk -v m="$m" -v r="$(median < "$work/runc.$m")" -v j="$(median < "$work/jvirt.$m")" \
    'BEGIN { printf "ratio jvirt/runc %-7s %.1fx\n", m, j / r }'
done
awk -v r="$(median < "$work/runc.start")" -v j="$(median < "$work/jvirt-jvm.start")" \
  'BEGIN { printf "ratio jvirt/runc start through the JVM (with poststart hooks) %.1fx\n", j / r }'
echo "jvirt-runc --version (JVM start-up floor): $(median < "$work/floor") ms; load average $(cut -d' ' -f1 /proc/loadavg)"
echo "target: start-to-exit within 2x of runc; waiting process under 2048 KiB RSS"
