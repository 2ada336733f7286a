#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The benchmarks, run as root inside the benchmark VM (busybox sh) by
# scripts/bench.sh.  Every result is a line "KSB GROUP NAME VALUE UNIT".
#
# Usage: bench.sh loops|switches|reboot
#   loops     the syscall loops through the patched paths (every kernel)
#   switches  the in-kernel microbenchmark, time to mitigate and the cost
#             of engaged switches (the patched kernel)
#   reboot    booted with disable_copyfail: is the path refused?
#
# Lengths: KSB_SECONDS per loop (default 2), KSB_REPS repetitions of each
# loop (default 3; five times that many microbenchmark pairs), KSB_CLOSES
# closings of the path per mitigation (default 10, livepatch every third).
# Unknown kernel parameters reach /init as environment variables, so
# KSB_REPS=1 on the kernel command line makes a short run.

SYS=/proc/sys/kernel/killswitch
KS=/sys/kernel/security/killswitch
LP=/sys/kernel/livepatch/killswitch_copyfail
seconds=${KSB_SECONDS:-2}
reps=${KSB_REPS:-3}
closes=${KSB_CLOSES:-10}
LOOPS="alg-hash alg-aead alg-aead-splice udp-lo esp-udp esp-udp-splice tcp-sendfile"

. /ks/esp.sh

# engaged_loop SWITCH LOOP GROUP: LOOP with SWITCH disengaged and engaged
# in turn, reps times, as "KSB GROUP SWITCH=0|1 <ns/op> ns"
engaged_loop()
{
	r=0
	while [ $r -lt "$reps" ]; do
		for state in 0 1; do
			echo $state >"$SYS/$1"
			ksbench loop "$2" "$seconds" |
				sed "s/^KSB loop $2 /KSB $3 $1=$state /"
		done
		r=$((r + 1))
	done
	echo 0 >"$SYS/$1"
}

# time_calls NAME CALLS: one run of the microbenchmark module, in ns/call
time_calls()
{
	echo "$1 $2" >/sys/module/ks_bench_micro/parameters/run &&
	awk '{ printf "%.3f", $3 / $2 }' /sys/module/ks_bench_micro/parameters/run
}

control() { echo "$1" >"$KS/control"; }

# Wait until the livepatch is disabled (its transition done), then unload it.
livepatch_remove()
{
	echo 0 >"$LP/enabled" || return 1
	i=0
	while [ -d "$LP" ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	rmmod killswitch_copyfail
}

loops()
{
	$IP link set lo up
	esp_setup || { echo "KSB-ERROR the ESP namespaces could not be set up"; return 1; }
	r=0
	while [ $r -lt "$reps" ]; do
		for l in $LOOPS; do
			ksbench loop "$l" "$seconds" || return 1
		done
		r=$((r + 1))
	done
}

switches()
{
	insmod /ks/ks_bench_micro.ko || return 1

	# Disengaged: the same function with and without the point, in
	# alternating batches of ten million calls.
	r=0
	while [ $r -lt $((reps * 5)) ]; do
		for f in plain point; do
			echo "KSB micro $f $(time_calls $f 10000000) ns"
		done
		r=$((r + 1))
	done

	# Engaged: the curated point against a kprobe override.
	r=0
	while [ $r -lt "$reps" ]; do
		echo 1 >$SYS/copyfail
		echo "KSB engaged point $(time_calls point 1000000) ns"
		echo 0 >$SYS/copyfail
		control "engage ks_bench_micro:ksb_plain -1" || return 1
		echo "KSB engaged kprobe $(time_calls plain 1000000) ns"
		control "disengage ks_bench_micro:ksb_plain"
		r=$((r + 1))
	done

	# ESP in UDP carrying page-cache fragments, dirtyfrag off and on;
	# a file sent over TCP by sendfile(), splice_copy off and on.
	esp_setup || { echo "KSB-ERROR the ESP namespaces could not be set up"; return 1; }
	engaged_loop dirtyfrag esp-udp-splice esp
	$IP link set lo up
	engaged_loop splice_copy tcp-sendfile tcp

	# Time to mitigate, three ways.  And the same sysctl write when it
	# changes nothing, so patches no code: the cost of the syscall alone.
	r=0
	while [ $r -lt "$closes" ]; do
		ksbench write sysctl-unchanged $SYS/copyfail 0 || return 1
		ksbench mitigate sysctl || return 1
		echo 0 >$SYS/copyfail
		ksbench mitigate override "algif_aead:aead_sendmsg -1" || return 1
		control "disengage algif_aead:aead_sendmsg"
		if [ $((r % 3)) = 0 ]; then
			ksbench mitigate livepatch /ks/killswitch_copyfail.ko || return 1
			livepatch_remove || return 1
		fi
		r=$((r + 1))
	done
}

case "$1" in
loops|switches)
	# Every time here is read from the TSC.  A VM that could not
	# calibrate it (TCG on a busy host) runs on jiffies, in 4 ms steps.
	clock=$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)
	case "$clock" in
	tsc|tsc-early) "$1" || echo "KSB-ERROR $1 stopped early" ;;
	*) echo "KSB-RETRY the clock source is $clock, not the TSC" ;;
	esac
	;;
reboot)
	if ksbench refused; then
		echo "KSB-REFUSED"
	else
		echo "KSB-ERROR the path is open after booting with disable_copyfail"
	fi
	;;
*)
	echo "usage: bench.sh loops|switches|reboot" >&2
	exit 2
	;;
esac
