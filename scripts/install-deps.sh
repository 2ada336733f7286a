#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install the Debian packages a step needs, only those that are missing.
#
# Usage: install-deps.sh GROUP...
#   build   what kbuild and the tree scripts need
#   vm      what the QEMU harness needs on top of build
#   review  the review gates' checkers: sparse, coccinelle, b4
#   drift   what drift.sh needs on top of build
#   csaf    Node.js and npm, for BSI's CSAF validator
#   ansible ansible-core and ansible-lint, Debian's
#   fleet   what make fleet needs on top of build, vm and ansible
set -euo pipefail
. "$(dirname "$0")/lib.sh"

pkgs=()
for group in "$@"; do
	case "$group" in
	build)
		# libc6-dev: the selftests and ksbench link statically
		pkgs+=(git make gcc libc6-dev perl python3 bc flex bison
		       libelf-dev libssl-dev cpio xz-utils ccache rsync kmod)
		;;
	vm)
		# pahole (dwarves) makes the VM kernel's BTF
		pkgs+=(qemu-system-x86 busybox-static iproute2 netbase dwarves)
		;;
	drift)
		# GNU patch names the hunks git am refuses
		pkgs+=(patch xz-utils)
		;;
	ansible)
		pkgs+=(ansible ansible-lint)
		;;
	fleet)
		# grub-pc-bin: GRUB's BIOS modules, which QEMU loads; ovmf:
		# UEFI for QEMU; fdisk, dosfstools, mtools: a GPT disk with an
		# EFI system partition, made without a loop device
		pkgs+=(mmdebstrap grub-pc-bin grub-common e2fsprogs openssh-client
		       ovmf fdisk dosfstools mtools)
		;;
	csaf)
		pkgs+=(nodejs npm)
		;;
	review)
		# coccicheck runs semantic patches scripted in OCaml too
		pkgs+=(sparse coccinelle ocaml-nox b4)
		;;
	*)
		ks_die "install-deps.sh: unknown group '$group'"
		;;
	esac
done

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

ks_log "installing: ${missing[*]}"
[ "$(id -u)" -eq 0 ] || ks_die "need root to install ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
