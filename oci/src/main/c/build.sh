#!/bin/sh
# Builds the namespace helper into $1 (the module's target/). Static, so that it needs no loader
# or libraries from the host once it runs inside the container's mount namespace.
# $2, the JDK that builds (and trains the AOT cache), is noted for bin/jvirt-runc: finding a JDK
# afresh costs more than a JVM's start-up on each container operation.
set -eu
out="$1"
src=$(dirname "$0")
mkdir -p "$out"
gcc -O2 -Wall -Wextra -Werror -static -o "$out/nsexec.tmp" "$src/nsexec.c"
mv "$out/nsexec.tmp" "$out/nsexec"
if [ $# -ge 2 ]; then echo "$2" > "$out/java-home"; fi
# The syscall numbers the seccomp assembler needs, from the kernel headers gcc compiled against:
# x86_64's, and i386's for 32-bit programs (int 0x80) when a profile lists SCMP_ARCH_X86.
mkdir -p "$out/classes/org/jvirt/oci"
for arch in 64:x86_64 32:i386; do
  hdr=$(echo "#include <asm/unistd_${arch%%:*}.h>" | gcc -M -E - | tr ' \\' '\n\n' | grep "unistd_${arch%%:*}.h$" | head -n 1)
  sed -n 's/^#define __NR_\([a-z0-9_]*\) \([0-9]*\)$/\1 \2/p' "$hdr" > "$out/classes/org/jvirt/oci/syscalls-${arch#*:}.txt"
done
