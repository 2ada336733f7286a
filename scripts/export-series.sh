#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Export the commits on the tree's killswitch branch back into patches/:
# the numbered patches, 0000-cover-letter.patch and the series file.
#
# Usage: [KS_BASE=6.12] export-series.sh [OUTDIR]
#
# OUTDIR defaults to the base's patch directory.  The output depends only
# on the commits and the branch description (the cover letter), so
# prepare-tree.sh followed by export-series.sh reproduces patches/ byte
# for byte (check-roundtrip.sh tests that).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=${1:-$KS_PATCHES}
[ -d "$KS_TREE/.git" ] || ks_die "no tree at $KS_TREE: run prepare-tree.sh"
base=$(ks_git describe --tags --abbrev=0 --match 'debian/*' "$KS_BRANCH")
ks_git config "branch.$KS_BRANCH.description" >/dev/null ||
	ks_die "no cover letter: git -C $KS_TREE branch --edit-description"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The cover letter is dated like the newest patch, not "now", and commit
# hashes are zeroed: both would otherwise change on every export.
date=$(ks_git log -1 --format=%aD "$base..$KS_BRANCH")
GIT_COMMITTER_DATE=$date ks_git format-patch -q -o "$tmp" \
	--zero-commit --no-signature --cover-letter \
	--cover-from-description=subject --base="$base" \
	"$base..$KS_BRANCH"

mkdir -p "$out"
rm -f "$out"/[0-9][0-9][0-9][0-9]-*.patch
cp "$tmp"/*.patch "$out"/
{
	echo "# Apply in this order (quilt style) on Debian $KS_PKG, $base."
	(cd "$tmp" && ls [0-9][0-9][0-9][0-9]-*.patch | grep -v '^0000-')
} > "$out/series"
ks_log "exported $(($(ls "$tmp" | wc -l) - 1)) patches and the cover letter to $out"
