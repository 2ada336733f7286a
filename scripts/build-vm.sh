#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the QEMU test kernel, its modules, the selftests and an initramfs.
#
# Usage: [KS_BASE=6.12] build-vm.sh [--config-only]   (after prepare-tree.sh)
#
# The kernel is tinyconfig + configs/qemu-x86_64.config + the selftests'
# own fragment, built in $KS_CACHE/vm-$KS_BASE through ccache.  The
# initramfs holds busybox, ip (with its libraries), the modules, the
# selftests and scripts/vm/.  Output: $KS_CACHE/vm-$KS_BASE/{bzImage,
# initramfs.cpio.gz}.  --config-only stops after configuring.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

"$KS_TOP/scripts/install-deps.sh" build vm

out=$KS_CACHE/vm-$KS_BASE
build=$out/build
root=$out/root
mkdir -p "$build"
export PATH=$KS_CCACHE_PATH$PATH
kmake() { make -s -C "$KS_TREE" O="$build" -j"$KS_JOBS" "$@"; }

mapfile -t fragments < <(ks_vm_fragments)

ks_configure "$KS_TREE" "$build" "the VM kernel" '' "${fragments[@]}"
[ "${1:-}" = --config-only ] && exit 0

ks_log "building the VM kernel and modules in $build"
kmake bzImage modules
ks_vm_root "$root"
kmake INSTALL_MOD_PATH="$root" INSTALL_MOD_STRIP=1 modules_install >/dev/null
kmake headers >/dev/null

ks_log "building the selftests (static)"
mkdir -p "$out/selftests"
make -s -C "$KS_TREE/tools/testing/selftests/killswitch" \
	OUTPUT="$out/selftests" KHDR_INCLUDES="-isystem $build/usr/include" \
	LDFLAGS=-static
# Every program the selftests' Makefile built, and their scripts.
find "$out/selftests" -maxdepth 1 -type f -perm -u+x -exec cp {} "$root/ks/" \;
cp "$KS_TREE"/tools/testing/selftests/killswitch/*.sh "$root/ks/"

ks_log "making the initramfs"
ks_vm_pack "$root" "$out/initramfs.cpio.gz"
cp "$build/arch/x86/boot/bzImage" "$out/bzImage"
ks_log "VM kernel $(cat "$build/include/config/kernel.release") ready in $out"
