#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the QEMU test kernel, its modules, the selftests and an initramfs.
#
# Usage: [KS_BASE=6.12] build-vm.sh [--config-only]   (after prepare-tree.sh)
#
# The kernel is tinyconfig + configs/qemu-x86_64.config + the selftests'
# own fragment, built in $KS_CACHE/vm-$KS_BASE through ccache; with
# KS_VM_SANITIZERS=1, + configs/sanitizers.config, in
# $KS_CACHE/vm-$KS_BASE-sanitizers.  The initramfs holds busybox, ip and
# timeout (with their libraries), the modules, the selftests with the
# kselftest runner, ksstress and scripts/vm/.
# Output: bzImage and initramfs.cpio.gz there.
# --config-only stops after configuring.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

"$KS_TOP/scripts/install-deps.sh" build vm

out=$(ks_vm_dir)
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

# As a kernel developer installs them for a test machine: the runner
# (run_kselftest.sh), its list and the killswitch collection, built
# static in $build/kselftest against the uapi headers of $build.
ks_log "building and installing the selftests (static)"
make -s -C "$KS_TREE/tools/testing/selftests" TARGETS=killswitch O="$build" \
	LDFLAGS=-static INSTALL_PATH="$root/kselftest" install >/dev/null

# The reliability suite's user-space half (the stress boot).
gcc -O2 -Wall -Wextra -Werror -static -o "$root/ks/ksstress" "$KS_TOP/stress/ksstress.c"

ks_log "making the initramfs"
ks_vm_pack "$root" "$out/initramfs.cpio.gz"
cp "$build/arch/x86/boot/bzImage" "$out/bzImage"
ks_log "VM kernel $(cat "$build/include/config/kernel.release") ready in $out"
