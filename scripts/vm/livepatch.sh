#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The live patches on Debian's stock kernel, run as root inside the VM
# that scripts/run-livepatch-tests.sh boots (busybox sh).  For each
# switch whose live patch is installed, the switch's selftest runs
# expecting the switch engaged, in three states:
#   open       no live patch: the refusal checks fail (the path is open),
#              every other check passes; expecting it disengaged, every
#              check passes
#   patched    the live patch loaded: every check passes, hits counted
#   unpatched  disabled and removed: as open
# (for dirtyfrag, patched, also esp4 unloaded and loaded again); then,
# locked down, that an unsigned live patch is refused (/init then checks
# that the kernel logged no warning).
# Prints "KS-PASS <what>" or "KS-FAIL <what>" per check.
#
# Usage: livepatch.sh

ST=/kselftest/killswitch
LP=/sys/kernel/livepatch

pass() { echo "KS-PASS $*"; }
fail() { echo "KS-FAIL $*"; }
skip() { echo "KS-SKIP $*"; }
check() { what=$1; shift; if "$@"; then pass "$what"; else fail "$what"; fi; }

# The selftests whose failure, expecting the switch engaged, shows that
# the path is open: a regular expression over the harness's test names.
# None for dirtyfrag on 6.1, which hands spliced pages to udp_sendmsg()
# to be copied: ESP input gets the test's datagrams linear, with nothing
# for the switch to copy (the selftest's comment).
refusal_tests()
{
	case $1-$(uname -r) in
	copyfail-*) echo '^copyfail\..*\.page_reference$' ;;
	dirtyfrag-6.1.*) ;;
	# IPv4 ESP input gets the spliced pages as fragments: with the
	# switch, each such packet is copied and counted.
	dirtyfrag-*) echo '^dirtyfrag\.ipv4\.splice$' ;;
	# Each route of each socket that takes the pages by reference: the
	# data read is what was written after the send.  On 6.1, UDP copies
	# spliced pages either way, and vsock has no MSG_ZEROCOPY.
	splice_copy-6.1.*)
		echo '^splice_copy\.(tcp[46]|unix_stream)\.(sendfile|splice|vmsplice)$'
		echo '^splice_copy\.(tcp|udp)[46]\.(msg_zerocopy|io_uring_send_zc)$'
		;;
	splice_copy-*)
		echo '^splice_copy\.((tcp|udp)[46]|unix_stream)\.(sendfile|splice|vmsplice)$'
		echo '^splice_copy\.((tcp|udp)[46]|vsock)\.msg_zerocopy$'
		echo '^splice_copy\.(tcp|udp)[46]\.io_uring_send_zc$'
		;;
	esac
}

# counted SWITCH HITS: HITS, counted by the live patch in one run of the
# selftest, are those of its refusal checks: one per check for copyfail,
# one per datagram of the IPv4 splice test (64) at least for dirtyfrag,
# one per refusal check at least for splice_copy (one per send of
# spliced pages, one per skb filled by a copy).
counted()
{
	case $1 in
	copyfail) [ "$2" -eq "$total_refusals" ] ;;
	splice_copy) [ "$2" -ge "$total_refusals" ] ;;
	dirtyfrag) [ "$2" -ge 64 ] ;;
	*) false ;;
	esac
}

# check_counted SWITCH WHAT HITS0 HITS1: the refusals of one run of the
# selftest were counted, if it has any here.
check_counted()
{
	if [ "$total_refusals" -eq 0 ]; then
		skip "$1: $2: no refusal check on $(uname -r) to count ($3 -> $4)"
	else
		check "$1: $2: the refusals are counted ($3 -> $4)" counted "$1" "$(($4 - $3))"
	fi
}

# Milliseconds since boot, to 10 ms.
uptime_ms() { awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime; }

# run SWITCH EXPECT: run its selftest expecting the switch in state
# EXPECT; sets $names to the names of its tests, $failed to those that
# failed, and $passed to the number that passed.  The hits are the live
# patch's counter; without the live patch, nothing counts them: 0.
echo 0 >/tmp/no-hits
run()
{
	hits=/sys/module/killswitch_$1/parameters/hits
	[ -e "$hits" ] || hits=/tmp/no-hits
	out=$(env KILLSWITCH_EXPECT="$2" "KILLSWITCH_HITS_$1=$hits" "$ST/$1_test" 2>&1)
	echo "$out" | sed 's/^/    /'
	names=$(echo "$out" | sed -n 's/^\(not \)\{0,1\}ok [0-9]* \([^ ]*\).*/\2/p')
	failed=$(echo "$out" | sed -n 's/^not ok [0-9]* \([^ ]*\).*/\1/p')
	passed=$(echo "$out" | grep -c '^ok ')
}

all_passed() { [ -z "$failed" ] && [ "$passed" -gt 0 ]; }

# The tests that failed are exactly the refusal tests, and others passed.
only_refusals_failed() { [ "$failed" = "$refusals" ] && [ "$passed" -gt 0 ]; }

# Wait up to 10 s for the live patch's transition to end (a disabled
# patch leaves /sys/kernel/livepatch when its transition ends).
transition_done()
{
	for _ in $(seq 100); do
		[ ! -e "$LP/$1" ] || [ "$(cat "$LP/$1/transition")" = 0 ] && return 0
		sleep 0.1
	done
	return 1
}

# Without the live patch.  Sets $refusals, the names of the refusal tests.
open_checks()	# open_checks SWITCH STATE
{
	run "$1" disengaged
	refusals=
	re=$(refusal_tests "$1")
	[ -z "$re" ] || refusals=$(echo "$names" | grep -E "$re")
	total_refusals=$(echo "$refusals" | grep -c .)
	check "$1: $2: the path is open and works (expecting it disengaged: $passed passed)" \
		all_passed
	if [ -z "$re" ]; then
		skip "$1: $2: its selftest has no refusal check on $(uname -r)"
		return
	fi
	check "$1: $2: its selftest has refusal checks ($total_refusals)" \
		[ "$total_refusals" -gt 0 ]
	run "$1" engaged
	check "$1: $2: expecting it engaged, exactly the $total_refusals refusal checks fail, $passed others pass" \
		only_refusals_failed
}

# dirtyfrag, patched: esp4, unloaded and loaded again, is patched again
# as it loads, its livepatch relocations written anew.  Not on Debian's
# 6.1: its livepatch does not clear them when the module goes (upstream
# since 6.3), and the module's second load is refused.
esp_reload_checks()
{
	for _ in $(seq 50); do
		rmmod esp4 2>/dev/null && break
		sleep 0.2	# the test's namespaces, and their SAs, go in the background
	done
	check "dirtyfrag: patched: esp4 unloads" [ ! -e /sys/module/esp4 ]
	case $(uname -r) in
	6.1.*)
		check "dirtyfrag: patched, 6.1: loading esp4 again is refused" \
			sh -c "! modprobe esp4 2>/dev/null"
		check "dirtyfrag: patched, 6.1: the refusal is logged" \
			sh -c "dmesg | grep -q \"refusing to load module 'esp4'\""
		;;
	*)
		check "dirtyfrag: patched: esp4 loads again" modprobe esp4
		check "dirtyfrag: patched: the patch is applied to it as it loads" \
			sh -c "dmesg | grep -q \"applying patch 'killswitch_dirtyfrag' to loading module 'esp4'\""
		hits0=$(cat "/sys/module/$mod/parameters/hits")
		run dirtyfrag engaged
		check "dirtyfrag: patched, esp4 reloaded: every check passes ($passed)" all_passed
		hits1=$(cat "/sys/module/$mod/parameters/hits")
		check_counted dirtyfrag "patched, esp4 reloaded" "$hits0" "$hits1"
		;;
	esac
}

# splice_copy_test sends over vsock, whose loopback transport nothing
# loads on demand.
check "vsock's loopback transport loads" modprobe vsock_loopback

for ko in /lib/modules/"$(uname -r)"/updates/killswitch_*.ko; do
	mod=$(basename "$ko" .ko)
	sw=${mod#killswitch_}
	open_checks "$sw" open

	# Engage.  For copyfail and splice_copy, ksbench loads the module
	# while a racing caller on the other CPU splices, into an AEAD socket
	# or a TCP connection, and times the load to the racer's first
	# refused call, or first copied splice.  Not copyfail on Debian's
	# 6.1: there the racing loop ended in a soft lockup (a CPU stuck in
	# the kernel for minutes) in 3 of 11 runs, not understood yet (see
	# livepatch.md).  ksbench has no racing caller for dirtyfrag (it
	# would need the test's IPsec set up): the time to the end of the
	# transition is measured instead, from which on every task runs the
	# new function.
	case $sw-$(uname -r) in
	copyfail-6.1.*)
		loader=modprobe
		check "$sw: modprobe $mod engages it (not timed on 6.1)" modprobe "$mod"
		;;
	copyfail-*|splice_copy-*)
		loader=ksbench
		out=$(ksbench mitigate livepatch "$ko" 2>&1)
		echo "$out" | sed 's/^/    /'
		ns=$(echo "$out" | sed -n 's/^KSB mitigate livepatch-refused \([0-9]*\) ns$/\1/p')
		if [ "$sw" = copyfail ]; then what="call refused"; else what="splice copied"; fi
		check "$sw: loading $mod engages it: a racing $what $((${ns:-0} / 1000000)) ms after the load began" \
			[ -n "$ns" ]
		;;
	*)
		loader=modprobe
		t0=$(uptime_ms)
		check "$sw: modprobe $mod engages it" modprobe "$mod"
		transition_done "$mod"
		check "$sw: in effect for every task $(($(uptime_ms) - t0)) ms after the load began (to 10 ms)" \
			grep -q -x 0 "$LP/$mod/transition"
		;;
	esac
	check "$sw: the patch is enabled" grep -q -x 1 "$LP/$mod/enabled"
	check "$sw: its transition ends" transition_done "$mod"
	check "$sw: the engaging is logged with who did it" \
		sh -c "dmesg | grep -q 'killswitch: $sw engaging by live patch $mod: pid=[0-9]* uid=0 .*comm=\"$loader\"'"
	check "$sw: unsigned, it taints the kernel (E) and says so" \
		sh -c "[ \$((\$(cat /proc/sys/kernel/tainted) >> 13 & 1)) = 1 ] &&
		       dmesg | grep -q 'module verification failed'"
	check "$sw: the engaged state is logged" \
		sh -c "dmesg | grep -q 'killswitch: $sw engaged by live patch $mod\$'"

	hits0=$(cat "/sys/module/$mod/parameters/hits")
	run "$sw" engaged
	check "$sw: patched: every check passes ($passed)" all_passed
	hits1=$(cat "/sys/module/$mod/parameters/hits")
	check_counted "$sw" patched "$hits0" "$hits1"
	[ "$sw" = dirtyfrag ] && esp_reload_checks

	# Disengage: disable, wait for the transition, remove.
	check "$sw: writing 0 to enabled disables it" sh -c "echo 0 >$LP/$mod/enabled"
	check "$sw: its transition ends" transition_done "$mod"
	check "$sw: the disengaging is logged with who did it" \
		sh -c "dmesg | grep -q 'killswitch: $sw disengaging by live patch $mod: pid=[0-9]* uid=0 .*comm=\"sh\"'"
	check "$sw: the disengaged state is logged" \
		sh -c "dmesg | grep -q 'killswitch: $sw disengaged by live patch $mod\$'"
	check "$sw: rmmod $mod" rmmod "$mod"
	check "$sw: the patch is gone" [ ! -e "$LP/$mod" ]

	open_checks "$sw" unpatched
done

# Debian locks itself down under Secure Boot: an unsigned live patch is
# then refused, as the admin reads in the log.
check "lockdown: integrity, set at run time" \
	sh -c "echo integrity >/sys/kernel/security/lockdown"
for ko in /lib/modules/"$(uname -r)"/updates/killswitch_*.ko; do
	mod=$(basename "$ko" .ko)
	check "lockdown: modprobe $mod is refused" sh -c "! modprobe $mod 2>/dev/null"
	check "lockdown: $mod is not loaded" [ ! -e "/sys/module/$mod" ]
done
check "lockdown: the refusal is logged" \
	sh -c "dmesg | grep -q 'Lockdown: modprobe: unsigned module loading is restricted'"
