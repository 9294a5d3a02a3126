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
# The syscall numbers the seccomp assembler needs, from the kernel headers gcc compiled against.
hdr=$(echo '#include <asm/unistd_64.h>' | gcc -M -E - | tr ' \\' '\n\n' | grep 'unistd_64.h$' | head -n 1)
mkdir -p "$out/classes/org/jvirt/oci"
sed -n 's/^#define __NR_\([a-z0-9_]*\) \([0-9]*\)$/\1 \2/p' "$hdr" > "$out/classes/org/jvirt/oci/syscalls-x86_64.txt"
