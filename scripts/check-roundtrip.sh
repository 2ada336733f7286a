#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Check that the prepared tree exports back to patches/ byte for byte:
# what git am applied is exactly what the files say, and an edit made in
# the tree and exported shows up as nothing but that edit.
#
# Usage: [KS_BASE=6.12] check-roundtrip.sh    (after prepare-tree.sh)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$KS_TOP/scripts/export-series.sh" "$tmp" 2>/dev/null

# The exported files, and the patch files already there, must be the same
# set with the same bytes.
bad=0
for f in $( (cd "$tmp" && ls) ; (cd "$KS_PATCHES" && ls [0-9]*.patch series) |
	    sort -u); do
	if ! cmp -s "$KS_PATCHES/$f" "$tmp/$f"; then
		echo "differs: $f"
		diff -u "$KS_PATCHES/$f" "$tmp/$f" | head -20 || true
		bad=1
	fi
done
[ "$bad" -eq 0 ] || ks_die "exporting the tree does not reproduce $KS_PATCHES"
echo "ok: $(ks_series | wc -l) patches, cover letter and series round-trip byte for byte"
