#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Check scripts/klp-convert.c on the objects of a live patch build: what
# it writes, and that it refuses bad input without changing the file.
#
# Usage: [KS_BASE=6.12] check-klp-convert.sh [ABI]   (after build-livepatch.sh)
#
# Prints "PASS|FAIL klp-convert: ..." per check.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

abi=${1:-$KS_ABI}
lps=$KS_CACHE/livepatch-$abi
symvers=/usr/src/linux-headers-$abi/Module.symvers
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

check() { local what=$1; shift; if "$@"; then echo "PASS klp-convert: $what"; else echo "FAIL klp-convert: $what"; fi; }

# The built module: each of its KS_LP_SYMBOLs is a livepatch symbol, and
# each relocation against one is in the .klp.rela section of its object.
ko=$lps/killswitch_dirtyfrag.ko
syms=$(readelf -sW "$ko")
relas=$(readelf -rW "$ko")
klp_relas()	# klp_relas OBJECT: the relocations of .klp.rela.OBJECT..text
{
	sed -n "/^Relocation section '\.klp\.rela\.$1\.\.text'/,/^\$/p" <<<"$relas" |
		grep R_X86_64
}
only_of()	# only_of OBJECT: 4 relocations, all against OBJECT's symbols
{
	[ "$(klp_relas "$1" | grep -c .)" -eq 4 ] &&
		[ "$(klp_relas "$1" | grep -c "\.klp\.sym\.$1\.")" -eq 4 ]
}
check "killswitch_dirtyfrag.ko: no ks_esp symbol is left undefined" \
	bash -c '! grep -q " UND ks_esp" <<<"$1"' sh "$syms"
check "killswitch_dirtyfrag.ko: 8 livepatch symbols (SHN_LIVEPATCH)" \
	[ "$(grep -c 'OS \[0xff20\] \.klp\.sym\.esp[46]\.' <<<"$syms")" -eq 8 ]
for obj in esp4 esp6; do
	check "killswitch_dirtyfrag.ko: .klp.rela.$obj..text: the 4 relocations against $obj's symbols" \
		only_of "$obj"
done
check "killswitch_dirtyfrag.ko: no other relocation refers to a livepatch symbol" \
	[ "$(grep -c '\.klp\.sym\.' <<<"$relas")" -eq 8 ]

# The converter on the module's unlinked object, which has the same
# annotations and undefined symbols, and __this_module (defined by the
# .mod.o, so listed here as if exported).  Bad input first: a symbol
# neither exported nor annotated, and no Module.symvers.
cp "$lps/killswitch_dirtyfrag.o" "$work/o.o"
cp "$work/o.o" "$work/orig.o"
{ cat "$symvers"; printf '0x0\t__this_module\tkillswitch_dirtyfrag\tEXPORT_SYMBOL\t\n'; } >"$work/good"
grep -v -w skb_cow_data "$work/good" >"$work/bad"
out=$("$lps/klp-convert" "$work/o.o" "$work/bad" 2>&1)
check "an undefined symbol missing from Module.symvers is refused, by name" \
	bash -c '[ "$(grep -c "is undefined" <<<"$1")" -eq 1 ] &&
		 grep -q "\"skb_cow_data\" is undefined" <<<"$1"' sh "$out"
check "the refused object is unchanged" cmp -s "$work/o.o" "$work/orig.o"
check "a Module.symvers that cannot be read is refused" \
	bash -c '! "$1/klp-convert" "$2/o.o" "$2/missing" 2>/dev/null' sh "$lps" "$work"

# Good input: converted once, then left alone.
check "the object converts" \
	bash -c '"$1" "$2" "$3" >/dev/null' sh "$lps/klp-convert" "$work/o.o" "$work/good"
cp "$work/o.o" "$work/converted.o"
check "a second run says it was converted already" \
	bash -c '"$1" "$2" "$3" | grep -q "converted already"' sh "$lps/klp-convert" "$work/o.o" "$work/good"
check "and leaves it as it is" cmp -s "$work/o.o" "$work/converted.o"
