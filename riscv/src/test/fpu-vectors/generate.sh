#!/bin/sh
# Rebuilds src/test/resources/fpu/vectors.txt.gz from fpugen.c; see README.md.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../resources/fpu/vectors.txt.gz"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Bare-metal RV64GC program linked for QEMU's spike board (RAM at 0x80000000) with picolibc's
# semihosting back end, so printf reaches the host without any kernel.
riscv64-unknown-elf-gcc -O2 -Wall -Wextra -march=rv64gc -mabi=lp64d -mcmodel=medany \
    --specs=picolibc.specs --oslib=semihost \
    -Wl,--defsym=__flash=0x80000000 -Wl,--defsym=__flash_size=0x200000 \
    -Wl,--defsym=__ram=0x80200000 -Wl,--defsym=__ram_size=0x4000000 -Wl,--defsym=__stack_size=0x10000 \
    "$here/fpugen.c" -o "$work/fpugen.elf"

# QEMU sends the semihosting console to its stderr; the program exits through semihosting too.
timeout 600 qemu-system-riscv64 -M spike -nographic -bios none -kernel "$work/fpugen.elf" \
    -semihosting-config enable=on,target=native -serial none -monitor none \
    2> "$work/vectors.txt" > /dev/null

lines=$(wc -l < "$work/vectors.txt")
bad=$(grep -cvE '^f[a-z.]+ [0-4]( [0-9a-f]+)+$' "$work/vectors.txt" || true)
if [ "$bad" -ne 0 ] || [ "$lines" -lt 100000 ]; then
    echo "unexpected generator output ($lines lines, $bad malformed):" >&2
    grep -vE '^f[a-z.]+ [0-4]( [0-9a-f]+)+$' "$work/vectors.txt" | head >&2
    exit 1
fi
gzip -9 -n -c "$work/vectors.txt" > "$out"
echo "wrote $lines vectors to $out"
