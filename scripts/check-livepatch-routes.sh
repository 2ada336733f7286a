#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Check livepatch/routes against Debian's binaries: in each object of
# the stock image, the functions whose code calls or jumps to the sink
# are exactly those listed, and the live patch replaces the sink or
# every one of them.  An inlined copy of a function is code of its
# caller, so a route the compiler inlined shows up as a caller.
#
# Usage: [KS_BASE=6.12] check-livepatch-routes.sh [ABI]
#   (after run-livepatch-tests.sh has fetched the image)
#
# Prints "PASS|FAIL livepatch routes: ..." per line of livepatch/routes.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

abi=${1:-$KS_ABI}
mods=$KS_CACHE/stock-$abi/image/lib/modules/$abi/kernel
lps=$KS_CACHE/livepatch-$abi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The functions of OBJECT (a .ko, compressed or not) whose code refers
# to SYMBOL by a call, a jump or a RIP-relative address.
callers()	# callers OBJECT SYMBOL
{
	xz -dcf "$1" >"$work/o.ko" &&
		objdump -dr "$work/o.ko" | awk -v s="$2" '
			/^[0-9a-f]+ <.*>:$/ { fn = $2; gsub(/[<>:]/, "", fn) }
			$2 ~ /^R_X86_64_(PLT32|PC32)$/ && $3 ~ ("^" s "-0x") { print fn }' |
		sort -u | xargs
}

# The functions live patch MODULE replaces: the .old_name strings.
replaced()	# replaced MODULE
{
	readelf -p .rodata.str1.1 "$lps/$1.ko" | sed -n 's/^ *\[ *[0-9a-f]*\] *//p'
}

n=0
while read -r prefix sw obj sink want; do
	case "$prefix" in \#*|'') continue ;; esac
	case "$abi" in "$prefix"*) ;; *) continue ;; esac
	n=$((n + 1))
	what="livepatch routes: $abi: $sw: in $obj, what reaches $sink"
	ko=$(find "$mods" -name "$obj.ko" -o -name "$obj.ko.xz" | head -n 1)
	if [ -z "$ko" ]; then
		echo "FAIL $what (no $obj in the image)"
		continue
	fi
	got=$(callers "$ko" "$sink")
	if [ "$got" != "$want" ]; then
		echo "FAIL $what: $got (livepatch/routes lists $want)"
		continue
	fi
	covered=1
	names=$(replaced "killswitch_$sw")
	if ! grep -q -x -F "$sink" <<<"$names"; then
		for f in $want; do
			grep -q -x -F "$f" <<<"$names" || covered=0
		done
	fi
	if [ "$covered" -eq 1 ]; then
		echo "PASS $what: $got, replaced by killswitch_$sw"
	else
		echo "FAIL $what: killswitch_$sw replaces neither $sink nor all of $got"
	fi
done <"$KS_TOP/livepatch/routes"
[ "$n" -gt 0 ] || echo "FAIL livepatch routes: $abi: livepatch/routes lists no route"
