#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Apply the series to a kernel git tree of your own with git am.
#
# Usage: apply-series.sh [-d PATCHDIR] KERNEL_TREE
#
# PATCHDIR defaults to the series of KS_BASE (patches/ for 6.12,
# patches/6.1/ for 6.1: make apply BASE=6.1 TREE=...).  The tree must be a
# clean git work tree.  Each patch is applied with git am, without fuzz;
# if one does not apply, the script names it, aborts the git am (the tree
# is left on the last patch that applied) and exits non-zero.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() { echo "usage: $0 [-d PATCHDIR] KERNEL_TREE" >&2; exit 2; }

dir=$KS_PATCHES
while getopts d: opt; do
	case "$opt" in
	d) dir=$(cd "$OPTARG" && pwd) ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] || usage
tree=$1

[ -f "$dir/series" ] || ks_die "no series file in $dir"
git -C "$tree" rev-parse --is-inside-work-tree >/dev/null 2>&1 ||
	ks_die "$tree is not a git work tree"
[ -z "$(git -C "$tree" status --porcelain --untracked-files=no)" ] ||
	ks_die "$tree has uncommitted changes; commit or stash them first"
[ ! -d "$(git -C "$tree" rev-parse --git-path rebase-apply)" ] ||
	ks_die "$tree is in the middle of a git am or rebase"

n=0
total=$(grep -c -v -e '^#' -e '^[[:space:]]*$' "$dir/series")
while read -r p; do
	case "$p" in ""|\#*) continue ;; esac
	n=$((n + 1))
	if ! out=$(git -C "$tree" am -q "$dir/$p" 2>&1); then
		git -C "$tree" am --abort >/dev/null 2>&1 || true
		printf '%s\n' "$out" | grep '^error:' >&2 || true
		ks_die "patch $n/$total does not apply: $p; git am aborted, the tree keeps the $((n - 1)) patches before it"
	fi
	echo "applied $n/$total: $p"
done < "$dir/series"
echo "all $total patches applied to $tree"
