#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Check livepatch/routes against Debian's binaries: in each object of
# the stock image, the functions whose code calls or jumps to the sink
# are exactly those listed, and the live patch replaces the sink or
# every one of them not marked "-".  An inlined copy of a function is
# code of its caller, so a route the compiler inlined shows up as a
# caller.  vmlinux is the one of linux-image-ABI-dbg, with its symbols;
# that it is the image's is checked by its build ID.
#
# Usage: [KS_BASE=6.12] check-livepatch-routes.sh [ABI]
#   (after run-livepatch-tests.sh has fetched the image and vmlinux)
#
# Prints "PASS|FAIL livepatch routes: ..." per line of livepatch/routes.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

abi=${1:-$KS_ABI}
img=$KS_CACHE/stock-$abi/image
mods=$img/lib/modules/$abi/kernel
vmlinux=$KS_CACHE/stock-$abi/vmlinux
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

# The functions of vmlinux whose code refers to SYMBOL by a call, a jump
# or a RIP-relative address, which objdump names at the end of the line.
vmlinux_callers()	# vmlinux_callers SYMBOL
{
	# Once: the function headers and the lines that name a target.
	[ -f "$work/vmlinux.dis" ] ||
		objdump -d --no-show-raw-insn "$vmlinux" | grep '>:\{0,1\}$' >"$work/vmlinux.dis"
	awk -v s="<$1>" '
		/^[0-9a-f]+ <.*>:$/ { fn = $2; gsub(/[<>:]/, "", fn); next }
		substr($0, length($0) - length(s) + 1) == s { print fn }' "$work/vmlinux.dis" |
		sort -u | xargs
}

# The build ID of an ELF file.
build_id() { readelf -n "$1" 2>/dev/null | sed -n 's/^ *Build ID: //p'; }

# The vmlinux inside the bzImage IMAGE, on stdout: the payload that the
# boot header locates, decompressed by the config's compressor.
image_vmlinux()	# image_vmlinux IMAGE CONFIG
{
	local setup off len unpack

	setup=$(od -An -tu1 -j $((0x1f1)) -N1 "$1" | tr -d ' ')
	off=$(od -An -tu4 -j $((0x248)) -N4 "$1" | tr -d ' ')
	len=$(od -An -tu4 -j $((0x24c)) -N4 "$1" | tr -d ' ')
	case $(grep -o '^CONFIG_KERNEL_[A-Z0-9]*=y' "$2") in
	CONFIG_KERNEL_ZSTD=y) unpack="zstd -dcq" ;;
	CONFIG_KERNEL_XZ=y) unpack="xz -dcq" ;;
	CONFIG_KERNEL_GZIP=y) unpack="gzip -dcq" ;;
	*) return 1 ;;
	esac
	# The last 4 bytes of the payload are its decompressed size; tail
	# ends on SIGPIPE when head has them all.
	{ tail -c +$(((setup + 1) * 512 + off + 1)) "$1" || :; } | head -c $((len - 4)) | $unpack
}

# vmlinux, if a route of this ABI is in it, must be the image's.
if awk -v a="$abi" '$3 == "vmlinux" && index(a, $1) == 1 { f = 1 } END { exit !f }' \
	"$KS_TOP/livepatch/routes"; then
	want_id=$(image_vmlinux "$img/boot/vmlinuz-$abi" "$img/boot/config-$abi" >"$work/image.elf" &&
		  build_id "$work/image.elf")
	got_id=$(build_id "$vmlinux")
	if [ -n "$want_id" ] && [ "$got_id" = "$want_id" ]; then
		echo "PASS livepatch routes: $abi: vmlinux of the -dbg package is the image's (build ID $got_id)"
	else
		echo "FAIL livepatch routes: $abi: vmlinux of the -dbg package (build ID ${got_id:-none}) is not the image's (${want_id:-none})"
	fi
	rm -f "$work/image.elf"
fi

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
	if [ "$obj" = vmlinux ]; then
		got=$(vmlinux_callers "$sink")
	else
		ko=$(find "$mods" -name "$obj.ko" -o -name "$obj.ko.xz" | head -n 1)
		if [ -z "$ko" ]; then
			echo "FAIL $what (no $obj in the image)"
			continue
		fi
		got=$(callers "$ko" "$sink")
	fi
	# The names, without the "-" of those left alone; "none" for none.
	names=$(echo "$want" | sed 's/^-//; s/ -/ /g; s/^none$//')
	if [ "$got" != "$names" ]; then
		echo "FAIL $what: ${got:-none} (livepatch/routes lists $want)"
		continue
	fi
	covered=1
	replaced=$(replaced "killswitch_$sw")
	if ! grep -q -x -F "$sink" <<<"$replaced"; then
		for f in $want; do
			case $f in -*) continue ;; esac
			grep -q -x -F "$f" <<<"$replaced" || covered=0
		done
	fi
	if [ "$covered" -eq 1 ]; then
		echo "PASS $what: $want, replaced by killswitch_$sw"
	else
		echo "FAIL $what: killswitch_$sw replaces neither $sink nor all of $want"
	fi
done <"$KS_TOP/livepatch/routes"
[ "$n" -gt 0 ] || echo "FAIL livepatch routes: $abi: livepatch/routes lists no route"
