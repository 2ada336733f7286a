#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The kernel's own review gates, patch by patch, on the prepared tree.
#
# Usage: [KS_BASE=6.12] review-gates.sh    (after prepare-tree.sh)
#
# Prints one "PASS|FAIL <patch>: <gate>" line per patch and gate and
# exits non-zero if any gate failed.  Gates so far:
#   checkpatch   scripts/checkpatch.pl --strict: 0 errors, warnings, checks
# and, for the series as a whole:
#   maintainers  the MAINTAINERS entry it adds is MAINTAINERS.snippet
set -uo pipefail
. "$(dirname "$0")/lib.sh"

fail=0
gate() {	# gate PATCH NAME STATUS [DETAIL]
	if [ "$3" -eq 0 ]; then
		echo "PASS $1: $2"
	else
		echo "FAIL $1: $2${4:+ ($4)}"
		fail=1
	fi
}

while read -r p; do
	# checkpatch exits non-zero on any error, warning or check.
	out=$(cd "$KS_TREE" && perl scripts/checkpatch.pl --strict --terse \
		--no-tree "$KS_PATCHES/$p" 2>&1)
	st=$?
	[ -n "$out" ] && printf '%s\n' "$out" | grep -v '^total:' | sed 's/^/    /'
	gate "$p" checkpatch $st "$(grep '^total:' <<<"$out")"
done < <(ks_series)

entry=$(sed -n '/^KILL SWITCHES$/,/^$/p' "$KS_TREE/MAINTAINERS" | sed '/^$/d')
[ "$entry" = "$(cat "$KS_TOP/MAINTAINERS.snippet")" ]
gate series maintainers $? "MAINTAINERS entry differs from MAINTAINERS.snippet"
exit $fail
