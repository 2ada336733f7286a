#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The demo (make demo): on a bare machine, prepare the Debian tree, apply
# the series, build the kernel and boot it twice in QEMU: once to close
# the Copy Fail path at run time, once with disable_dirtyfrag on the
# command line.  Prints the transcript and a one-line verdict.
#
# Usage: [KS_BASE=6.12] demo.sh
set -uo pipefail
. "$(dirname "$0")/lib.sh"

out=$KS_CACHE/vm-$KS_BASE
mkdir -p "$out"
log=$out/demo-build.log

echo "Preparing Debian's $KS_PKG with the kill-switch series and building"
echo "the VM kernel (first run: about 15 minutes; log in $log)..."
if ! { "$KS_TOP/scripts/prepare-tree.sh" && "$KS_TOP/scripts/build-vm.sh"; } >"$log" 2>&1; then
	tail -n 20 "$log"
	echo "VERDICT: FAILED - the kernel did not build (see $log)"
	exit 1
fi

verdict=0
part()	# part SCENARIO [KERNEL PARAMETER...]
{
	local console=$out/$1.log

	"$KS_TOP/scripts/vm-boot.sh" "$@" >"$console" 2>&1
	tr -d '\r' <"$console" | sed -n '/^KS-BEGIN/,/^KS-END/p' |
		grep -v -e '^KS-' -e '^\[ *[0-9.]*\] '
	grep -q '^KS-PASS demo' "$console" || verdict=1
}

part demo-copyfail
part demo-dirtyfrag disable_dirtyfrag
echo
if [ "$verdict" -eq 0 ]; then
	echo "VERDICT: PASS - copyfail closed the AF_ALG splice path at run time while hashing and copied AEAD kept working; dirtyfrag, engaged at boot, copied every paged ESP packet before decrypting it and the ESP traffic arrived intact."
else
	echo "VERDICT: FAILED - a switch did not do what it says or something that must keep working stopped (consoles in $out/demo-*.log)"
fi
exit $verdict
