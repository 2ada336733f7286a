#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# How each series applies to Debian's newest releases of its kernel line.
#
# Usage: drift.sh [BASE...]    (default: every base lib.sh knows)
#
# For each base, the two newest versions of its linux-source package that
# apt knows (KS_DRIFT_VERSIONS, if set, names them instead).  The files
# the series touches are taken from that version (from the prepared tree
# if it is the version the tree was made from, else from the package,
# fetched with apt-get download into $KS_CACHE/drift and never installed)
# and committed as the base of a scratch repository; the series is then
# applied patch by patch with git am.  One line per patch:
#
#   DRIFT <version> <patch>: applies
#   DRIFT <version> <patch>: applies with offset (<file> hunk N +K lines, ...)
#   DRIFT <version> <patch>: conflicts: <file> hunk N at L, ...
#   DRIFT <version> <patch>: not tried (patch N conflicts)
#
# A conflicting patch that GNU patch applies with fuzz says so and is
# applied that way, so that the patches after it are tried too.  This is
# a report: it exits 0 whatever Debian changed, and non-zero only when a
# version cannot be fetched or read.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

if [ $# -ne 1 ]; then
	st=0
	for b in ${@:-$KS_BASES}; do
		"$0" "$b" || st=1
	done
	exit $st
fi
KS_BASE=$1
. "$KS_TOP/scripts/lib.sh"

"$KS_TOP/scripts/install-deps.sh" build drift || exit 1
cache=$KS_CACHE/drift
mkdir -p "$cache"

versions=${KS_DRIFT_VERSIONS:-}
if [ -z "$versions" ]; then
	list() { apt-cache madison "$KS_PKG" 2>/dev/null | awk -F' *[|] *' '{ print $2 }'; }
	[ -n "$(list)" ] || apt-get update -qq
	versions=$(list | sort -V -r -u | head -n 2)
fi
[ -n "$versions" ] || ks_die "apt knows no version of $KS_PKG"

# Every file the series touches, as the patches name them.
files=$(cat $(ks_series | sed "s|^|$KS_PATCHES/|") |
	sed -n 's|^diff --git a/\([^ ]*\) b/.*|\1|p' | sort -u)

# fetch VERSION DIR: the series' files as VERSION has them, into DIR.
fetch()
{
	local version=$1 dir=$2 tag deb
	tag=$(ks_base_tag "$version")
	if git -C "$KS_TREE" rev-parse -q --verify "refs/tags/$tag" >/dev/null 2>&1; then
		git -C "$KS_TREE" archive "$tag" -- $(for f in $files; do
			git -C "$KS_TREE" cat-file -e "$tag:$f" 2>/dev/null && echo "$f"
		done) | tar -x -C "$dir"
		return
	fi
	mkdir -p "$cache/deb/$version"
	deb=$(ls "$cache/deb/$version/"*.deb 2>/dev/null | head -n 1)
	if [ -z "$deb" ]; then
		(cd "$cache/deb/$version" && apt-get download -qq "$KS_PKG=$version" 2>&1 |
			grep -v 'unsandboxed as root')
		deb=$(ls "$cache/deb/$version/"*.deb 2>/dev/null | head -n 1)
	fi
	[ -n "$deb" ] || { ks_warn "cannot download $KS_PKG $version"; return 1; }
	# Members missing from this version make tar complain; the others
	# are extracted all the same.
	dpkg-deb --fsys-tarfile "$deb" | tar -xO "./usr/src/$KS_PKG.tar.xz" |
		tar -xJ -C "$dir" --strip-components=1 \
		    $(printf "$KS_PKG/%s\n" $files) 2>/dev/null
	[ -n "$(ls -A "$dir")" ] || { ks_warn "cannot read $deb"; return 1; }
}

# Hunks git apply placed away from where the patch says: "file hunk N
# +K lines, ...".
offsets()
{
	awk '/^Checking patch / { f = $3; sub(/\.\.\.$/, "", f) }
	     /^Hunk #[0-9]+ succeeded at [0-9]+ \(offset -?[0-9]+ lines?\)/ {
		k = $7; if (k > 0) k = "+" k
		printf "%s%s hunk %s %s lines", sep, f, substr($2, 2), k; sep = ", " }'
}

# Hunks GNU patch could not place: "file hunk N at L, ...".
rejects()
{
	awk '/^checking file / { f = $3 }
	     /^Hunk #[0-9]+ FAILED at [0-9]+/ {
		l = $5; sub(/\.$/, "", l)
		printf "%s%s hunk %s at %s", sep, f, substr($2, 2), l; sep = ", " }'
}

# Hunks GNU patch placed with fuzz: "file hunk N fuzz F, ...".
fuzzed()
{
	awk '/^patching file / { f = $3 }
	     /^Hunk #[0-9]+ succeeded at [0-9]+ .*with fuzz [0-9]+/ {
		z = $NF; sub(/\.$/, "", z)
		printf "%s%s hunk %s fuzz %s", sep, f, substr($2, 2), z; sep = ", " }'
}

status=0
for version in $versions; do
	work=$cache/$KS_BASE-$version
	rm -rf "$work"
	mkdir -p "$work"
	pin=
	[ "$version" = "$KS_PIN" ] && pin=" (the pinned version)"
	ks_log "$KS_PKG $version$pin: applying the series to the files it touches"
	if ! fetch "$version" "$work"; then
		echo "DRIFT $version: cannot fetch $KS_PKG $version"
		status=1
		continue
	fi
	g() { KS_TREE=$work ks_git "$@"; }
	g init -q && g add -f . && g commit -q -m "$KS_PKG $version (the series' files)"

	n=0
	broken=
	while read -r p; do
		n=$((n + 1))
		if [ -n "$broken" ]; then
			echo "DRIFT $version $p: not tried (patch $broken conflicts)"
			continue
		fi
		moved=$(g apply --check -v "$KS_PATCHES/$p" 2>&1 | offsets)
		if g am -q "$KS_PATCHES/$p" >/dev/null 2>&1; then
			echo "DRIFT $version $p: applies${moved:+ with offset ($moved)}"
			continue
		fi
		where=$( (cd "$work" && patch -p1 --dry-run -f) <"$KS_PATCHES/$p" 2>&1 | rejects)
		if [ -z "$where" ] &&
		   out=$( (cd "$work" && patch -p1 -f --no-backup-if-mismatch) <"$KS_PATCHES/$p" 2>&1) &&
		   g add -A && g am --continue >/dev/null 2>&1; then
			fuzz=$(printf '%s\n' "$out" | fuzzed)
			echo "DRIFT $version $p: conflicts for git am; GNU patch applies it${fuzz:+ ($fuzz)}"
		else
			g am --abort >/dev/null 2>&1
			echo "DRIFT $version $p: conflicts: ${where:-git am and GNU patch refuse it}"
			broken=$n
		fi
	done < <(ks_series)
done
exit $status
