#!/usr/bin/env bash
# Builds the x86-64 Linux guest for jvirt's KVM engine from Debian's packages: a bzImage from
# linux-source-6.1 with microvm.config on top of tinyconfig, and a busybox initramfs (Debian's
# busybox-static) with ./init. Output: out/bzImage, out/initramfs.cpio.gz. Needs, once:
#   apt-get install linux-source-6.1 gcc make bc flex bison libelf-dev libssl-dev cpio busybox-static
# Debian's linux-image-cloud-amd64 (/boot/vmlinuz-*-cloud-amd64) works with the same initramfs.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=${WORK:-$here/work}
out=$here/out
jobs=${JOBS:-2}
mkdir -p "$work" "$out"
export KBUILD_BUILD_TIMESTAMP="Thu Jan  1 00:00:00 UTC 2026" KBUILD_BUILD_USER=jvirt KBUILD_BUILD_HOST=jvirt SOURCE_DATE_EPOCH=1767225600

tarball=$(ls /usr/src/linux-source-6.1.tar.* | head -n 1)
src="$work/$(basename "$tarball" | sed 's/\.tar\..*//')"
[ -d "$src" ] || tar -C "$work" -xf "$tarball"
make -C "$src" -s ARCH=x86_64 O="$work/kbuild" tinyconfig
"$src/scripts/kconfig/merge_config.sh" -m -O "$work/kbuild" "$work/kbuild/.config" "$here/microvm.config" >/dev/null
make -C "$src" -s ARCH=x86_64 O="$work/kbuild" olddefconfig
make -C "$src" -s ARCH=x86_64 O="$work/kbuild" -j"$jobs" bzImage
cp "$work/kbuild/arch/x86/boot/bzImage" "$out/bzImage"
cp "$work/kbuild/vmlinux" "$out/vmlinux"

root="$work/rootfs"
rm -rf "$root"
mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp}
cp /bin/busybox "$root/bin/busybox"
for applet in sh mount dd echo grep reboot cat ls; do ln -sf busybox "$root/bin/$applet"; done
cp "$here/init" "$root/init"
mknod -m 600 "$root/dev/console" c 5 1
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --owner=0:0 --reproducible 2>/dev/null) | gzip -9n > "$out/initramfs.cpio.gz"
echo "built: $out/bzImage $out/vmlinux $out/initramfs.cpio.gz"
