#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the patched kernel of a base for the fleet's VMs (make fleet):
# the VM test kernel's configuration plus configs/fleet.config, which
# boots a Debian 12 userspace from a virtio disk without an initramfs.
#
# Usage: [KS_BASE=6.12] build-fleet-kernel.sh [--config-only]
#        (after prepare-tree.sh; --config-only stops after configuring)
# Output, in $KS_CACHE/fleet-kernel-$KS_BASE: bzImage, and the modules
# installed under root/lib/modules.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

"$KS_TOP/scripts/install-deps.sh" build vm
out=$KS_CACHE/fleet-kernel-$KS_BASE
build=$out/build
export PATH=$KS_CCACHE_PATH$PATH
kmake() { make -s -C "$KS_TREE" O="$build" -j"$KS_JOBS" "$@"; }

mapfile -t fragments < <(ks_vm_fragments)
ks_configure "$KS_TREE" "$build" "the fleet kernel ($KS_BASE)" '' \
	"${fragments[@]}" "$KS_TOP/configs/fleet.config"
[ "${1:-}" = --config-only ] && exit 0
ks_log "building the fleet kernel ($KS_BASE) in $build"
kmake bzImage modules
rm -rf "$out/root"
kmake INSTALL_MOD_PATH="$out/root" INSTALL_MOD_STRIP=1 modules_install >/dev/null
cp "$build/arch/x86/boot/bzImage" "$out/bzImage"
cat "$build/include/config/kernel.release" >"$out/release"
ks_log "fleet kernel $(cat "$out/release") ready in $out"
