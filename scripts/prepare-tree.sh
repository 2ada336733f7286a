#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Prepare kernel-tree/linux-$KS_BASE: Debian's kernel source as the base
# commit of a git repository, with the series applied on branch killswitch.
#
# Usage: [KS_BASE=6.12] prepare-tree.sh [--base-only]
#
# The first run installs the pinned linux-source package, unpacks it and
# commits it (a couple of minutes).  Later runs reuse that base commit and
# only re-apply the series, discarding whatever the branch held: export
# your edits first (export-series.sh).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

base_only=0
[ "${1:-}" = "--base-only" ] && base_only=1

"$KS_TOP/scripts/install-deps.sh" build

# Empty if the package is not installed (dpkg-query fails if it never was).
installed_version() {
	{ dpkg-query -W -f='${Status} ${Version}' "$KS_PKG" 2>/dev/null || :; } |
		sed -n 's/^install ok installed //p'
}

# Install the pinned package; fall back to the newest one with a warning.
version=$(installed_version)
if [ "$version" != "$KS_PIN" ]; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	if apt-get install -y -qq --no-install-recommends --allow-downgrades \
		"$KS_PKG=$KS_PIN" >/dev/null 2>&1; then
		:
	else
		ks_warn "$KS_PKG $KS_PIN is no longer available; using the newest"
		apt-get install -y -qq --no-install-recommends "$KS_PKG" >/dev/null
	fi
	version=$(installed_version)
fi
[ "$version" = "$KS_PIN" ] ||
	ks_warn "building on $KS_PKG $version, not the pinned $KS_PIN"
tag=$(ks_base_tag "$version")

if ! git -C "$KS_TREE" rev-parse -q --verify "refs/tags/$tag" >/dev/null 2>&1; then
	ks_log "unpacking $KS_PKG $version into $KS_TREE"
	rm -rf "$KS_TREE"
	mkdir -p "$KS_TREE"
	tar -xaf "/usr/src/$KS_PKG.tar.xz" -C "$KS_TREE" --strip-components=1

	# The base commit is reproducible: same content, identity and date
	# (the package's changelog date) give the same hash on every machine,
	# so the cover letter's base-commit line is stable.
	date=$(zcat "/usr/share/doc/$KS_PKG/changelog.Debian.gz" |
		sed -n '0,/^ -- /s/^ -- .*>  //p')
	ks_log "committing the base (Debian's .gitignore ignores everything: add -f)"
	ks_git init -q -b "$KS_BRANCH"
	ks_git add -f .
	GIT_AUTHOR_DATE=$date GIT_COMMITTER_DATE=$date \
		ks_git commit -q -m "Debian $KS_PKG $version" \
		-m "Unpacked from /usr/src/$KS_PKG.tar.xz of the Debian package."
	ks_git tag "$tag"
fi

ks_log "resetting $KS_BRANCH to $tag"
ks_git checkout -q -f -B "$KS_BRANCH" "$tag"
ks_git clean -q -fdx
ks_git am --abort >/dev/null 2>&1 || true
[ "$base_only" -eq 1 ] && exit 0

# The cover letter's subject and text travel as the branch description,
# which export-series.sh turns back into 0000-cover-letter.patch.
cover=$KS_PATCHES/0000-cover-letter.patch
if [ -f "$cover" ]; then
	ks_git config "branch.$KS_BRANCH.description" \
		"$("$KS_TOP/scripts/cover-letter-text.sh" "$cover")"
fi

n=0
while read -r p; do
	if ! ks_git am -q "$KS_PATCHES/$p"; then
		ks_git am --abort || true
		ks_die "patch $p does not apply to $tag"
	fi
	n=$((n + 1))
done < <(ks_series)
ks_log "applied $n patches on $tag ($KS_TREE, branch $KS_BRANCH)"
