#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The scenarios, run as root inside the test VM (busybox sh).  Each check
# prints one line, "KS-PASS <what>" or "KS-FAIL <what>", that
# scripts/run-vm-tests.sh counts; selftest output is shown indented.
#
# Usage: scenarios.sh plain|cmdline|badcmdline|demo-copyfail|demo-dirtyfrag

SYS=/proc/sys/kernel/killswitch
STATUS=/sys/kernel/security/killswitch/status

pass() { echo "KS-PASS $*"; }
fail() { echo "KS-FAIL $*"; }

check()	# check WHAT COMMAND...
{
	what=$1
	shift
	if "$@"; then pass "$what"; else fail "$what"; fi
}

selftest()	# selftest WHAT PROGRAM [ARGS...]: one result for a whole selftest
{
	what=$1
	shift
	out=$("$@" 2>&1)
	rc=$?
	echo "$out" | sed 's/^/    /'
	totals=$(echo "$out" | sed -n 's/^# Totals: //p' | tail -n 1)
	if [ "$rc" -eq 0 ]; then
		pass "$what ($totals)"
	else
		fail "$what (exit $rc; $totals)"
	fi
}

state() { cat "$SYS/$1"; }
is_state() { [ "$(state "$1")" = "$2" ]; }
engage() { echo "$2" >"$SYS/$1"; }
loaded() { [ -d "/sys/module/$1" ]; }
logged() { dmesg | grep -q -e "$1"; }

unload()	# unload MODULE: retry while it is busy (netns teardown is async)
{
	for _ in $(seq 50); do
		rmmod "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# Runners for a shell command: as root, as uid 1000 (user "nobody" of the
# initramfs), and as root of a child user namespace (uid 0 maps to global
# uid 0, so the file mode lets it in and only the capability check stops it).
as_root() { sh -c "$1"; }
as_nobody() { su -s /bin/sh -c "$1" nobody; }
in_userns() { unshare -U -r sh -c "$1"; }

refused()	# refused SWITCH VALUE RUNNER: a write that must fail
{
	before=$(state "$1")
	if $3 "printf '%b' '$2' >$SYS/$1" 2>/dev/null; then
		return 1
	fi
	[ "$(state "$1")" = "$before" ]
}

core_checks()
{
	for sw in copyfail dirtyfrag; do
		check "$sw: sysctl present, disengaged, listed in the status file" \
			sh -c "[ \"\$(cat $SYS/$sw)\" = 0 ] && grep -q '^$sw  *disengaged ' $STATUS"
	done
	for val in 2 -1 abc '\n' ' 1' 11 '1 1' yes 0x1; do
		check "sysctl: writing '$val' is refused and changes nothing" \
			refused copyfail "$val" as_root
	done
	check "sysctl: uid 1000 cannot engage a switch" refused copyfail 1 as_nobody
	check "sysctl: root of a child user namespace cannot engage a switch" \
		refused copyfail 1 in_userns
	check "sysctl: uid 1000 can read a switch" \
		sh -c "[ \"\$(su -s /bin/sh -c 'cat $SYS/copyfail' nobody)\" = 0 ]"
	check "status file is readable by root only" \
		sh -c "[ \"\$(stat -c %a $STATUS)\" = 400 ] && ! su -s /bin/sh -c 'cat $STATUS' nobody 2>/dev/null"
	engage copyfail 1
	check "sysctl: engaging is logged with pid, uid, auid, ses and comm" \
		logged 'copyfail engaged by sysctl: pid=[0-9]* uid=0 auid=[0-9]* ses=[0-9]* comm="[^"]*"'
	engage copyfail 0
	check "sysctl: disengaging is logged" logged 'copyfail disengaged by sysctl: pid='
}

copyfail_checks()
{
	check "copyfail: algif_aead is not loaded yet" sh -c '! [ -d /sys/module/algif_aead ]'
	engage copyfail 1
	selftest "copyfail: pre-armed before algif_aead loads" copyfail_test --expect-engaged
	check "copyfail: algif_aead was loaded by the test" loaded algif_aead
	check "copyfail: algif_aead unloads" unload algif_aead
	check "copyfail: still engaged with algif_aead unloaded" is_state copyfail 1
	selftest "copyfail: still engaged after algif_aead reloads" copyfail_test --expect-engaged
	check "copyfail: algif_aead was reloaded" loaded algif_aead
	engage copyfail 0
	selftest "copyfail: disengaged, the zero-copy path is open" copyfail_test --expect-disengaged
	selftest "copyfail: engage and disengage at run time" copyfail_test --toggle
}

dirtyfrag_checks()
{
	check "dirtyfrag: esp4 and esp6 are not loaded yet" \
		sh -c '! [ -d /sys/module/esp4 ] && ! [ -d /sys/module/esp6 ]'
	engage dirtyfrag 1
	selftest "dirtyfrag: pre-armed before esp4/esp6 load" dirtyfrag.sh --expect-engaged
	check "dirtyfrag: esp4 and esp6 were loaded by the test" \
		sh -c '[ -d /sys/module/esp4 ] && [ -d /sys/module/esp6 ]'
	check "dirtyfrag: esp4 and esp6 unload" sh -c 'rmmod esp4 esp6 2>/dev/null ||
		{ sleep 2; rmmod esp4 esp6; }'
	check "dirtyfrag: still engaged with esp4/esp6 unloaded" is_state dirtyfrag 1
	selftest "dirtyfrag: still engaged after esp4/esp6 reload" dirtyfrag.sh --expect-engaged
	engage dirtyfrag 0
	selftest "dirtyfrag: disengaged, ESP decrypts in place" dirtyfrag.sh --expect-disengaged
	engage dirtyfrag 1
	selftest "dirtyfrag: engaged at run time" dirtyfrag.sh --expect-engaged
	selftest "dirtyfrag: rxkad-encrypted rxrpc works while engaged" \
		rxrpc_test --expect-engaged
	engage dirtyfrag 0
	selftest "dirtyfrag: rxkad-encrypted rxrpc works while disengaged" \
		rxrpc_test --expect-disengaged
}

cmdline_checks()
{
	for sw in copyfail dirtyfrag; do
		check "$sw: engaged by disable_$sw before user space" is_state "$sw" 1
		check "$sw: logged as engaged by the kernel command line" \
			logged "$sw engaged by the kernel command line"
	done
	selftest "copyfail: engaged from the command line" copyfail_test --expect-engaged
	selftest "dirtyfrag: engaged from the command line" dirtyfrag.sh --expect-engaged
	selftest "dirtyfrag: rxrpc works, engaged from the command line" \
		rxrpc_test --expect-engaged
	engage copyfail 0
	selftest "copyfail: disengaged at run time after boot" copyfail_test --expect-disengaged
}

# Booted with: killswitch=copyfail,,nosuch,copyfail disable_dirtyfrag=1
badcmdline_checks()
{
	pass "bad kill-switch parameters: the boot reached user space"
	check "killswitch=: the good item applied" is_state copyfail 1
	check "disable_dirtyfrag=1: ignored (takes no value)" is_state dirtyfrag 0
	check "killswitch=: empty item warned" logged "killswitch=.*: empty item ignored"
	check "killswitch=: unknown name warned" logged "unknown switch 'nosuch' ignored"
	check "killswitch=: duplicate warned" logged "'copyfail' requested twice"
	check "disable_dirtyfrag=1: warned" logged "disable_dirtyfrag=1: takes no value"
	selftest "copyfail: engaged despite the bad items" copyfail_test --expect-engaged
}

case "$1" in
plain)
	core_checks
	copyfail_checks
	dirtyfrag_checks
	;;
cmdline)
	cmdline_checks
	;;
badcmdline)
	badcmdline_checks
	;;
demo-copyfail|demo-dirtyfrag)
	/ks/demo.sh "${1#demo-}"
	;;
*)
	fail "unknown scenario '$1'"
	exit 1
	;;
esac
