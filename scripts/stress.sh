#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The reliability suite's long run (make stress).  For each base, the VM
# kernel is built again with sanitizers (configs/sanitizers.config, in
# $KS_CACHE/vm-<base>-sanitizers), and boots the stress scenario
# (scripts/vm/stress.sh) with SECONDS per test, BOOTS more times with a
# generated command line each, and once with the KUnit suites; every
# console's counts and results go to Documentation/reliability.tsv, and
# from it scripts/stress-report.sh writes Documentation/reliability.md.
# make test runs the stress boot on the VM kernel without sanitizers,
# 10 s a test and one command line.
#
# Usage: stress.sh [--seconds N] [--boots N] [--seed N] [BASE...]
#        (defaults: 300 s, 20 boots, a random seed, every base)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

seconds=300
boots=20
seed=$RANDOM$RANDOM
while [ $# -gt 0 ]; do
	case "$1" in
	--seconds|--boots|--seed)
		[[ "${2:-}" =~ ^[0-9]+$ ]] || ks_die "$1 wants a number"
		declare "${1#--}=$2"
		shift 2
		;;
	-*) ks_die "usage: stress.sh [--seconds N] [--boots N] [--seed N] [BASE...]" ;;
	*) break ;;
	esac
done
[ "$seconds" -gt 0 ] || ks_die "--seconds wants a positive number"
# shellcheck disable=SC2206 # a list of bases
bases=(${@:-$KS_BASES})

tsv=$(mktemp)
trap 'rm -f "$tsv"' EXIT
printf 'meta\t-\tseconds %s\nmeta\t-\tboots %s\nmeta\t-\tseed %s\nmeta\t-\tdate %s\nmeta\t-\tcommit %s\n' \
	"$seconds" "$boots" "$seed" "$(date -u +%Y-%m-%d)" \
	"$(git -C "$KS_TOP" describe --always --dirty)" >"$tsv"
status=0
for base in "${bases[@]}"; do
	out=$(KS_BASE=$base KS_VM_SANITIZERS=1 ks_vm_dir)
	[ -d "$KS_TOP/kernel-tree/linux-$base/.git" ] ||
		KS_BASE=$base "$KS_TOP/scripts/prepare-tree.sh"
	ks_log "base $base: the stress boot, $seconds s a test, and $boots command lines"
	results=$(mktemp)
	KS_BASE=$base KS_VM_SANITIZERS=1 KS_STRESS_SECONDS=$seconds \
		KS_STRESS_BOOTS=$boots KS_STRESS_SEED=$seed \
		KS_VM_TIMEOUT=$((4 * seconds + 600)) \
		"$KS_TOP/scripts/run-vm-tests.sh" stress kunit | tee "$results" || status=1
	# The results and each boot's length, then the counts of its console.
	sed -n -E 's#^(PASS|FAIL) vm-sanitizers/([^:]*): (.*)#\2\t\1 \3#p;
		   s#^    \(([^:]*): ([0-9]+) s, console.*#\1\tseconds \2#p' "$results" |
		sed "s/^/$base\t/" >>"$tsv"
	rm -f "$results"
	for log in "$out"/stress*.log; do
		[ -f "$log" ] || continue
		tr -d '\r' <"$log" | sed -n "s/^KSS /$base\t$(basename "$log" .log)\t/p" >>"$tsv"
	done
done

printf 'meta\t-\ttook %s\n' "$SECONDS" >>"$tsv"
cp "$tsv" "$KS_TOP/Documentation/reliability.tsv"
"$KS_TOP/scripts/stress-report.sh" "$KS_TOP/Documentation/reliability.tsv" \
	>"$KS_TOP/Documentation/reliability.md"
ks_log "wrote Documentation/reliability.tsv and reliability.md"
ks_log "make stress took $SECONDS s"
exit $status
