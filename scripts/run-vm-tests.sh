#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the test VM and run the kill-switch scenarios with real syscalls:
# one boot without kill-switch parameters, one with the disable_<name>
# parameter of every switch, one with malformed parameters, one
# that loads the KUnit suites, and where the series has function
# overrides, one exercising them and one with lockdown and function items
# on the command line, and the reliability suite's (scripts/vm/stress.sh,
# KS_STRESS_SECONDS per test, default 10).  KS_JOBS boots run at a time;
# each fails if the kernel logged a splat (scripts/vm/init).
#
# Usage: [KS_BASE=6.12] run-vm-tests.sh [BOOT...]   (after prepare-tree.sh)
#
# BOOT names the boots to run (plain, cmdline, badcmdline, kunit, fn,
# fncmdline, stress); the default is all.  Prints "PASS vm/<boot>: <check>" or
# "FAIL ..." per check (run-tests.sh counts them), and "SKIP ..." for a
# KUnit test that skipped itself, and exits non-zero if any failed.
# Consoles are kept in $KS_CACHE/vm-$KS_BASE/<boot>.log; with
# KS_VM_SANITIZERS=1, the kernel with sanitizers is built and booted, in
# $KS_CACHE/vm-$KS_BASE-sanitizers.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

vm=$(ks_vm_name)
"$KS_TOP/scripts/build-vm.sh" || { echo "FAIL $vm: the VM kernel builds"; exit 1; }
echo "PASS $vm: the VM kernel, modules, selftests and initramfs build"

out=$(ks_vm_dir)
fail=0

boot() { ks_vm_run "$out" "$@"; }	# boot NAME KERNEL-PARAMETERS...

# The boots run side by side, KS_JOBS at a time (TCG runs the VM's one
# CPU on one host core); their results are printed in this order.
boots=()
wanted=" ${*:-plain cmdline badcmdline kunit fn fncmdline stress} "
start_boot()	# start_boot NAME KERNEL-PARAMETERS...
{
	[[ $wanted == *" ${1%%-*} "* ]] || return 0
	while [ "$(jobs -pr | wc -l)" -ge "$KS_JOBS" ]; do
		wait -n
	done
	boot "$@" >"$out/$1.results" 2>&1 &
	boots+=("$1")
}

start_boot plain
start_boot cmdline disable_copyfail disable_dirtyfrag disable_unix_oob \
	disable_packet_userns disable_vsock_unpriv disable_netfilter_userns \
	disable_tc_userns disable_ovl_userns disable_splice_copy
start_boot badcmdline killswitch=copyfail,,nosuch,copyfail disable_dirtyfrag=1
start_boot kunit
# Function overrides, where the series has them.
if grep -q '^config KILLSWITCH_DYNAMIC$' "$KS_TREE/kernel/Kconfig.killswitch"; then
	start_boot fn
	# The command line's items engage at either level of lockdown.
	items=killswitch=copyfail,af_alg:af_alg_sendmsg=-1,capable=0,no_such_fn=1,esp4:esp_input=7,esp4:esp_input=,af_alg:af_alg_sendmsg=-2,version_proc_show=0,do_truncate=-1
	start_boot fncmdline lockdown=integrity "$items"
	start_boot fncmdline-confidentiality lockdown=confidentiality "$items"
fi
# The reliability suite, bounded (make stress runs it longer): two CPUs,
# so that the switches are toggled from both, booted with a command line
# of good and bad kill-switch items that ksstress makes from a seed.
# KS_STRESS_BOOTS more boots (stress-cmdline<N>) only check a command
# line each.
switches=$(sed -n 's/^KILLSWITCH(\([a-z0-9_]*\),.*/\1/p' \
	"$KS_TREE/include/linux/killswitch_list.h" | grep -v -x kunit)
stress_boot()	# stress_boot NAME SECONDS SEED
{
	local generated cpus=1

	[ "$2" -eq 0 ] || cpus=2
	# shellcheck disable=SC2086 # a list of switch names
	mapfile -t generated < <(KSS_SEED=$3 "$out/root/ks/ksstress" cmdline $switches)
	# shellcheck disable=SC2086 # generated[0] is a list of parameters
	KS_VM_CPUS=$cpus start_boot "$1" "KSS_SECONDS=$2" "KSS_SEED=$3" \
		${generated[0]} "KSS_EXPECT=${generated[1]}"
}
seed=${KS_STRESS_SEED:-$RANDOM$RANDOM}
stress_boot stress "${KS_STRESS_SECONDS:-10}" "$seed"
for ((i = 1; i <= ${KS_STRESS_BOOTS:-0}; i++)); do
	stress_boot "stress-cmdline$i" 0 $((seed + i))
done
wait
for name in "${boots[@]}"; do
	cat "$out/$name.results"
	rm -f "$out/$name.results"
done | tee "$out/results.txt"
! grep -q '^FAIL ' "$out/results.txt"
