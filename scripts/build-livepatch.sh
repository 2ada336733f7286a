#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the kill-switch live patches (livepatch/) for a Debian kernel
# ABI, out of tree, against Debian's own headers package.
#
# Usage: [KS_BASE=6.12] build-livepatch.sh [ABI]
#
# ABI defaults to the stock kernel of the base's pinned version (KS_ABI
# in lib.sh), e.g. 6.12.117+deb12-amd64; linux-headers-ABI is installed
# from the archive if missing.  The modules land in
# $KS_CACHE/livepatch-ABI/ (the sources are copied there: kbuild writes
# an external module's objects beside its sources).  scripts/klp-convert.c
# then writes the livepatch relocations of each module's KS_LP_SYMBOLs;
# modpost, which cannot know those symbols, only warns of them.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

abi=${1:-$KS_ABI}
headers=/usr/src/linux-headers-$abi
out=$KS_CACHE/livepatch-$abi

"$KS_TOP/scripts/install-deps.sh" build
if [ ! -f "$headers/Makefile" ]; then
	ks_log "installing linux-headers-$abi"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# dpkg syncs every file it unpacks by default: 13000 of them here.
	apt-get install -y -qq --no-install-recommends -o Dpkg::Options::=--force-unsafe-io \
		"linux-headers-$abi" >/dev/null ||
		ks_die "no linux-headers-$abi in the archive"
fi

mkdir -p "$out"
cp -p "$KS_TOP"/livepatch/Kbuild "$KS_TOP"/livepatch/*.[ch] "$out"/
gcc -O2 -Wall -Wextra -Werror -o "$out/klp-convert" "$KS_TOP/scripts/klp-convert.c" -lelf
ks_log "building the live patches for $abi in $out"
# W=1 as the series' own files are built; any warning fails the build.
make -s -C "$headers" M="$out" W=1 KCFLAGS=-Werror KBUILD_MODPOST_WARN=1 modules
for ko in "$out"/*.ko; do
	"$out/klp-convert" "$ko" "$headers/Module.symvers"
done
ls "$out"/*.ko
