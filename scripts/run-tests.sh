#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The test command (make test): for each vendor base, prepare the tree
# from the Debian package, apply the series, check it, and run the KUnit
# suites and the scenarios in a QEMU VM.  Works on a bare machine: every
# step installs what it needs.
#
# Usage: run-tests.sh [BASE...]    (default: every base lib.sh knows)
#
# Each step counts its own passes and failures; each base ends with its
# own count.  The run ends with the time each stage took (the steps, and
# inside the review gates each gate summed over the patches) and, last,
# the sum of the counts, "N passed, N failed".  Exits non-zero if
# anything failed.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

# stage_table FILE TOTAL: the stages ks_stage recorded, each followed by
# its parts ("review gates / w1"), with their share of TOTAL seconds.
stage_table()
{
	awk -F'\t' -v total="$2" '
		function row(base, name, t) {
			printf "%-5s %-58s %6d %6.1f%%\n", base, name, t, total ? 100 * t / total : 0
		}
		{
			key = $1 SUBSEP $2
			if (index($2, " / ")) {
				parent = $1 SUBSEP substr($2, 1, index($2, " / ") - 1)
				parts[parent] = parts[parent] SUBSEP $2
				t[$1 SUBSEP $2] = $3
				next
			}
			order[++n] = key; base[key] = $1; name[key] = $2; t[key] = $3
		}
		END {
			printf "%-5s %-58s %6s %7s\n", "base", "stage", "s", "share"
			for (i = 1; i <= n; i++) {
				k = order[i]
				row(base[k], name[k], t[k])
				m = split(substr(parts[k], 2), p, SUBSEP)
				for (j = 1; j <= m; j++)
					row("", "  " substr(p[j], index(p[j], " / ") + 3), t[base[k] SUBSEP p[j]])
			}
			printf "%-5s %-58s %6d %6.1f%%\n", "", "total", total, 100
		}' "$1"
}

if [ $# -ne 1 ]; then
	# One run per base, each in its own process (lib.sh reads KS_BASE).
	bases=(${@:-$KS_BASES})
	start=$SECONDS
	KS_STAGES=$(mktemp)
	export KS_STAGES
	total_passed=0
	total_failed=0
	summary=()
	# One base after the other: side by side, a cold run of both took
	# 4435 s here, every stage slowed by the other base's compiles, and
	# even the two unpacks of Debian's source alone, each mostly one
	# CPU's work, took 134 s side by side against 56 s + 43 s.
	for b in "${bases[@]}"; do
		log=$(mktemp)
		"$0" "$b" 2>&1 | tee "$log"
		line=$(tail -n 1 "$log")
		rm -f "$log"
		p=$(sed -n 's/^\([0-9]*\) passed, [0-9]* failed$/\1/p' <<<"$line")
		f=$(sed -n 's/^[0-9]* passed, \([0-9]*\) failed$/\1/p' <<<"$line")
		[ -n "$p" ] || { p=0; f=1; }
		total_passed=$((total_passed + p))
		total_failed=$((total_failed + f))
		summary+=("base $b: $p passed, $f failed")
	done
	echo
	stage_table "$KS_STAGES" $((SECONDS - start))
	rm -f "$KS_STAGES"
	echo
	printf '%s\n' "${summary[@]}"
	echo "all bases, $((SECONDS - start)) s"
	echo "$total_passed passed, $total_failed failed"
	[ "$total_failed" -eq 0 ]
	exit
fi
KS_BASE=$1
. "$KS_TOP/scripts/lib.sh"

passed=0
failed=0
start=$SECONDS

count() {	# count PASSED FAILED
	passed=$((passed + $1))
	failed=$((failed + $2))
}

step() {	# step NAME COMMAND...: a step that is one test
	local name=$1 t0=$SECONDS
	shift
	echo
	echo "=== $name"
	if "$@"; then
		echo "PASS: $name [$((SECONDS - t0)) s]"
		count 1 0
	else
		echo "FAIL: $name [$((SECONDS - t0)) s]"
		count 0 1
	fi
	ks_stage "$name" $((SECONDS - t0))
}

# Steps made of several tests report "PASS ..."/"FAIL ..." lines; count
# those.
multi() {	# multi NAME COMMAND...
	local name=$1 log st p f t0=$SECONDS
	shift
	echo
	echo "=== $name"
	log=$(mktemp)
	"$@" 2>&1 | tee "$log"
	st=${PIPESTATUS[0]}
	p=$(grep -c '^PASS ' "$log")
	f=$(grep -c '^FAIL ' "$log")
	rm -f "$log"
	# A step that failed without saying which test failed counts as one.
	[ "$st" -ne 0 ] && [ "$f" -eq 0 ] && f=1
	count "$p" "$f"
	echo "=== $name: $p passed, $f failed [$((SECONDS - t0)) s]"
	ks_stage "$name" $((SECONDS - t0))
}

# Every package the steps need, at once: one apt-get update, not one per
# step that finds a package missing.
step "install the packages the steps need" \
	"$KS_TOP/scripts/install-deps.sh" build vm review
step "prepare the tree and apply the series with git am ($KS_BASE)" \
	"$KS_TOP/scripts/prepare-tree.sh"
if [ "$failed" -eq 0 ]; then
	step "export round-trips byte for byte" "$KS_TOP/scripts/check-roundtrip.sh"
	multi "review gates" "$KS_TOP/scripts/review-gates.sh"
	multi "scenarios in a QEMU VM" "$KS_TOP/scripts/run-vm-tests.sh"
	# The reliability suite's bounded run on the kernel with sanitizers
	# (make stress runs it longer): on the first base only, as the
	# second cold build of a VM kernel for each base does not fit in
	# CI's time.
	if [ "$KS_BASE" = "${KS_BASES%% *}" ]; then
		multi "stress boot and KUnit on the VM kernel with sanitizers" \
			env KS_VM_SANITIZERS=1 "$KS_TOP/scripts/run-vm-tests.sh" stress kunit
	fi
	multi "live patches on Debian's stock kernel $KS_ABI" \
		"$KS_TOP/scripts/run-livepatch-tests.sh"
fi
# The benchmarks (make bench) are not run here, but what they
# rest on is checked: their user-space tool builds, and the page in
# Documentation/ is exactly what its raw numbers give; so is the
# reliability page of make stress.
if [ "$KS_BASE" = "${KS_BASES%% *}" ]; then
	step "bench: ksbench builds without warnings" gcc -O2 -Wall -Wextra -Werror \
		-static -o /dev/null "$KS_TOP/bench/ksbench.c"
	step "bench: Documentation/benchmarks.md regenerates from benchmarks.tsv" \
		sh -c '"$1/scripts/bench-report.sh" "$1/Documentation/benchmarks.tsv" |
		       cmp - "$1/Documentation/benchmarks.md"' sh "$KS_TOP"
	step "stress: Documentation/reliability.md regenerates from reliability.tsv" \
		sh -c '"$1/scripts/stress-report.sh" "$1/Documentation/reliability.tsv" |
		       cmp - "$1/Documentation/reliability.md"' sh "$KS_TOP"
fi

# The catalogue for machines is made from every base's list, so it is
# checked once, with the last base; so is the role that reads it.
if [ "$KS_BASE" = "${KS_BASES##* }" ]; then
	multi "catalogue: JSON and CSAF 2.0 VEX from the lists of both bases" \
		"$KS_TOP/scripts/check-catalogue-files.sh"
	# make fleet runs the role on VMs; here it is only linted.
	step "fleet: the Ansible role and playbooks pass ansible-lint" \
		sh -c '"$1/scripts/install-deps.sh" ansible &&
		       cd "$1/fleet" && ansible-lint -q --offline engage.yml rollback.yml roles/killswitch' \
		sh "$KS_TOP"
fi

echo
echo "base $KS_BASE, $((SECONDS - start)) s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
