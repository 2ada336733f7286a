#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Check that the kill-switch catalogue and its documentation agree.
#
# Usage: check-catalogue.sh [ROOT [SOURCES]]
#        (default: the prepared tree; SOURCES: where the sysctls are
#        looked up, default ROOT)
#
# The switches are the KILLSWITCH(name, ...) entries of ROOT's
# include/linux/killswitch_list.h, less the test switch (the entry under
# #if IS_ENABLED(CONFIG_KILLSWITCH_KUNIT_TEST)).  Each needs a section of
# its own in the catalogue chapter of
# Documentation/admin-guide/killswitch.rst and a disable_<name> entry in
# Documentation/admin-guide/kernel-parameters.txt; and neither file may
# document a switch the list lacks.  Prints one line per problem and
# exits non-zero if there is one.  review-gates.sh runs it as the gate
# "catalogue", on the tree and on copies with an entry taken out.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

root=${1:-$KS_TREE}
sources=${2:-$root}
list=$root/include/linux/killswitch_list.h
guide=$root/Documentation/admin-guide/killswitch.rst
params=$root/Documentation/admin-guide/kernel-parameters.txt
for f in "$list" "$guide" "$params"; do
	[ -f "$f" ] || ks_die "no $f"
done

# The switches, outside any #if (only the test switch is under one).
switches=$(ks_list_switches "$list" | sort)
[ -n "$switches" ] || ks_die "no KILLSWITCH() entry in $list"

# The sections of the admin guide's catalogue chapter: a title underlined
# with '-' between "The catalogue" and the next chapter ('=').
documented=$(awk '
	prev == "The catalogue" && /^=+$/ { in_cat = 1; prev = ""; next }
	in_cat && /^=+$/ { exit }
	in_cat && /^-+$/ && length($0) == length(prev) { print prev }
	{ prev = $0 }' "$guide" | sort)

# The kernel parameters disable_<name> whose text is a kill switch's.
params_named=$(awk '
	/^\t[^\t ]/ {
		if (name != "" && text ~ /kill switch/) print name
		name = ""; text = ""
		if (match($0, /^\tdisable_[a-z0-9_]+/))
			name = substr($0, 10, RLENGTH - 9)
		next
	}
	{ text = text " " $0 }
	END { if (name != "" && text ~ /kill switch/) print name }' "$params" | sort)

problems=0
# compare LISTED DOCUMENTED MISSING EXTRA: one line per switch LISTED has
# and DOCUMENTED lacks (MISSING), and per one the other way (EXTRA); an
# @ in them stands for the switch.
compare()
{
	local sw

	for sw in $(comm -23 <(echo "$1") <(echo "$2")); do
		echo "$sw: ${3//@/$sw}"
		problems=$((problems + 1))
	done
	for sw in $(comm -13 <(echo "$1") <(echo "$2")); do
		echo "$sw: ${4//@/$sw}"
		problems=$((problems + 1))
	done
}
compare "$switches" "$documented" "no section in the catalogue of ${guide#"$root"/}" \
	"a section in the catalogue of ${guide#"$root"/}, but no such switch"
compare "$switches" "$params_named" "no disable_@ entry in ${params#"$root"/}" \
	"disable_@ in ${params#"$root"/}, but no such switch"

# The chapter of existing knobs: each sysctl it names (a title such as
# kernel.io_uring_disabled) must be one this tree has, a ctl_table entry
# whose .procname is its last part: a backport's guide must not promise a
# knob its kernel lacks.
knobs=$(awk '
	$0 == "Existing knobs" { getline; if (/^=+$/) in_knobs = 1; next }
	in_knobs && /^=+$/ { exit }
	in_knobs && /^-+$/ && length($0) == length(prev) { print prev }
	{ prev = $0 }' "$guide" | grep -E '^[a-z_]+(\.[a-z0-9_]+)+$')
for k in $knobs; do
	grep -r -q -E --include='*.c' "\.procname[[:space:]]*=[[:space:]]*\"${k##*.}\"" \
		"$sources" --exclude-dir=tools --exclude-dir=Documentation || {
		echo "$k: in the existing knobs of ${guide#"$root"/}, but this tree has no such sysctl"
		problems=$((problems + 1))
	}
done
[ "$problems" -eq 0 ]
