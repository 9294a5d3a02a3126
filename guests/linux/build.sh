#!/usr/bin/env bash
# Builds jvirt's bundled RISC-V guest from Debian's packages: a Linux kernel from linux-source-6.1
# with jvirt.config on top of tinyconfig, and a static busybox initramfs with ./init.
# Output: out/Image.gz, out/initramfs.cpio.gz and out/SHA256SUMS; copy them to images/ to bundle.
# Needs root (it makes /dev/console in the initramfs) and, the first time: deb-src enabled for `apt-get source`, and
#   apt-get install linux-source-6.1 gcc-riscv64-linux-gnu libc6-dev-riscv64-cross bc flex bison \
#     libssl-dev libelf-dev cpio
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=${WORK:-$here/work}
out=$here/out
jobs=${JOBS:-2}
cross=riscv64-linux-gnu-
mkdir -p "$work" "$out"
# Reproducible: no build date, user or host baked into the kernel.
export KBUILD_BUILD_TIMESTAMP="Thu Jan  1 00:00:00 UTC 2026" KBUILD_BUILD_USER=jvirt KBUILD_BUILD_HOST=jvirt SOURCE_DATE_EPOCH=1767225600

# --- kernel ---------------------------------------------------------------------------------------
tarball=$(ls /usr/src/linux-source-6.1.tar.* | head -n 1)
src="$work/$(basename "$tarball" | sed 's/\.tar\..*//')"
[ -d "$src" ] || tar -C "$work" -xf "$tarball"
make -C "$src" -s ARCH=riscv CROSS_COMPILE=$cross O="$work/kbuild" tinyconfig
"$src/scripts/kconfig/merge_config.sh" -m -O "$work/kbuild" "$work/kbuild/.config" "$here/jvirt.config" >/dev/null
make -C "$src" -s ARCH=riscv CROSS_COMPILE=$cross O="$work/kbuild" olddefconfig
make -C "$src" -s ARCH=riscv CROSS_COMPILE=$cross O="$work/kbuild" -j"$jobs" Image
gzip -9n < "$work/kbuild/arch/riscv/boot/Image" > "$out/Image.gz"
cp "$work/kbuild/.config" "$out/kernel.config"

# --- busybox initramfs ----------------------------------------------------------------------------
if [ ! -d "$work/busybox" ]; then
  (cd "$work" && apt-get source -qq busybox >/dev/null && mv busybox-*/ busybox)
fi
bb="$work/busybox"
make -C "$bb" -s CROSS_COMPILE=$cross defconfig
sed -i -e 's/^# CONFIG_STATIC is not set/CONFIG_STATIC=y/' \
       -e 's/^CONFIG_TC=y/# CONFIG_TC is not set/' "$bb/.config"   # tc does not build with bookworm's headers
make -C "$bb" -s CROSS_COMPILE=$cross oldconfig </dev/null >/dev/null
make -C "$bb" -s CROSS_COMPILE=$cross -j"$jobs" busybox busybox.links
root="$work/rootfs"
rm -rf "$root"
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,mnt,tmp,root,etc}
cp "$bb/busybox" "$root/bin/busybox"
for applet in $(sed 's|^/||' "$bb/busybox.links"); do
  mkdir -p "$root/$(dirname "$applet")"
  ln -sf /bin/busybox "$root/$applet"
done
cp "$here/init" "$root/init"
mknod -m 600 "$root/dev/console" c 5 1   # the kernel opens it for init before devtmpfs is mounted
mknod -m 666 "$root/dev/null" c 1 3
echo 'export PS1="jvirt:\w# "' > "$root/etc/profile"
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --owner=0:0 --reproducible 2>/dev/null) | gzip -9n > "$out/initramfs.cpio.gz"

(cd "$out" && sha256sum Image.gz initramfs.cpio.gz > SHA256SUMS)
echo "built: $out/Image.gz $out/initramfs.cpio.gz"
