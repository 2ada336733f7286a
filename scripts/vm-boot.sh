#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boot the test VM (made by build-vm.sh) once and print its console.
#
# Usage: [KS_BASE=6.12] vm-boot.sh SCENARIO [KERNEL PARAMETER...]
#
# /init runs scripts/vm/scenarios.sh SCENARIO (bench.sh for bench-*) and
# leaves QEMU.  TCG, KS_VM_CPUS CPUs (default 1); KS_KVM=1 uses KVM
# instead.  A VM that has not left after KS_VM_TIMEOUT seconds (default
# 600) is killed.  KS_VM_DIR holds bzImage and initramfs.cpio.gz (default
# the test VM's, $KS_CACHE/vm-$KS_BASE); KS_VM_QEMU_ARGS adds arguments.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -ge 1 ] || { echo "usage: $0 SCENARIO [KERNEL PARAMETER...]" >&2; exit 2; }
scenario=$1
shift
out=${KS_VM_DIR:-$KS_CACHE/vm-$KS_BASE}
[ -f "$out/bzImage" ] || ks_die "no VM kernel in $out: run build-vm.sh"

accel=tcg
[ "${KS_KVM:-0}" = 1 ] && accel=kvm
# shellcheck disable=SC2086 # KS_VM_QEMU_ARGS is a list of arguments
exec timeout "${KS_VM_TIMEOUT:-600}" qemu-system-x86_64 ${KS_VM_QEMU_ARGS:-} \
	-accel "$accel" -m 512 -smp "${KS_VM_CPUS:-1}" -nographic -no-reboot -monitor none \
	-kernel "$out/bzImage" -initrd "$out/initramfs.cpio.gz" \
	-append "console=ttyS0 panic=-1 ks.scenario=$scenario $*" </dev/null
