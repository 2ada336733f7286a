#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The reliability suite, run as root in the test VM with two CPUs (busybox
# sh) by scripts/run-vm-tests.sh's "stress" boots: the generated command
# line the boot had, then switches toggled from both CPUs under traffic
# through their call sites, with module reloads and a function override
# engaged, disengaged and tryengaged beside them (ksstress toggle,
# stress/ksstress.c), the fuzzed interfaces (ksstress fuzz) and the
# lockdown matrix.  Prints "KS-PASS|KS-FAIL <what>"
# like scenarios.sh, and ksstress's counts as "KSS ..." lines, which
# scripts/stress-report.sh turns into Documentation/reliability.md.
#
# Usage: stress.sh    (on the kernel command line, which hands them to
# /init as environment variables: KSS_SECONDS=N, the length of each
# test, default 10, 0 for none; KSS_SEED, ksstress's seed; KSS_EXPECT,
# the switches a generated command line engages)

seconds=${KSS_SECONDS:-10}
KS=/sys/kernel/security/killswitch
SYS=/proc/sys/kernel/killswitch

. /ks/esp.sh

# Booted with a generated command line (ksstress cmdline, on the host):
# every switch is engaged exactly when a good item named it.
booted_as_expected()
{
	ok=0
	for f in "$SYS"/*; do
		case ",$KSS_EXPECT," in
		*",${f##*/},"*) want=1 ;;
		*) want=0 ;;
		esac
		[ "$(cat "$f")" = $want ] && continue
		echo "    ${f##*/}: $(cat "$f"), expected $want"
		ok=1
	done
	return $ok
}

if [ -n "${KSS_EXPECT+set}" ]; then
	what="a generated command line (seed $KSS_SEED) booted, its good items engaged"
	if booted_as_expected; then
		echo "KS-PASS stress: $what"
	else
		echo "KS-FAIL stress: $what"
	fi
	for f in "$SYS"/*; do echo 0 >"$f"; done
fi
[ "$seconds" -gt 0 ] || exit 0

if esp_setup 6; then
	echo "KS-PASS stress: ESP in UDP between two namespaces, IPv4 and IPv6"
else
	echo "KS-FAIL stress: ESP in UDP between two namespaces, IPv4 and IPv6"
fi

# ksstress_test NAME WHAT ARGS...: run "ksstress NAME ARGS", show its
# counts, and report each of its findings and the test as a whole.
ksstress_test()
{
	name=$1 what=$2
	shift 2
	if ksstress "$name" "$@" >/tmp/"$name".out; then
		echo "KS-PASS stress: $what"
	else
		echo "KS-FAIL stress: $what"
	fi
	grep '^KSS ' /tmp/"$name".out
	sed -n "s/^KSS-FAIL /KS-FAIL stress: /p" /tmp/"$name".out
}

ksstress_test toggle "switches toggled under traffic for $seconds s: no state lost, every refusal counted" \
	"$seconds"

ksstress_test fuzz "fuzzed sysctls, control and retval for $seconds s: bad input refused, changing nothing" \
	"$seconds"

# The lockdown matrix of the admin guide (function overrides, "Lockdown"):
# at each level, raised at run time as an operator would, what is
# allowed and what is refused.  Last, as lockdown cannot be lowered.
X=crypto_alloc_aead	# engaged throughout; nothing calls it here
control() { echo "$1" >"$KS/control"; }
listed() { grep -q "^$1 retval=$2 " "$KS/engaged"; }

# expect allowed|refused WHAT COMMAND...
expect()
{
	want=$1 what=$2
	shift 2
	# Refused by lockdown: with EPERM, "Operation not permitted".
	if "$@" 2>/tmp/expect.err; then
		got=allowed
	elif grep -q 'not permitted' /tmp/expect.err || [ "$want" = allowed ]; then
		got=refused
	else
		got="refused, not with EPERM: $(cat /tmp/expect.err)"
	fi
	if [ "$got" = "$want" ]; then
		echo "KS-PASS stress: lockdown=$level: $what: $want"
	else
		echo "KS-FAIL stress: lockdown=$level: $what: $want (was $got)"
	fi
}

# The probe of a tryengage whose end falls in lockdown is aborted.
probe_aborted()
{
	i=0
	while grep -q "^$1 " "$KS/engaged" && [ $i -lt 100 ]; do
		sleep 0.2
		i=$((i + 1))
	done
	! grep -q "^$1 " "$KS/engaged" &&
	dmesg | grep -q "function $1 tryengage aborted: the kernel is locked down"
}

reads_all() { cat "$KS/engaged" "$KS/taint" "$KS/fn/$X"/* >/dev/null && listed $X -2; }

lockdown_row()	# lockdown_row allowed|refused
{
	w=$1
	expect allowed "curated switch, sysctl" \
		sh -c "echo 1 >$SYS/copyfail && echo 0 >$SYS/copyfail"
	expect "$w" "engage" control "engage crypto_alloc_skcipher -2"
	control "disengage crypto_alloc_skcipher" 2>/dev/null
	expect "$w" "tryengage" control "tryengage crypto_alloc_skcipher -2 0"
	control "disengage crypto_alloc_skcipher" 2>/dev/null
	expect "$w" "writing fn/$X/retval" sh -c "echo -5 >$KS/fn/$X/retval"
	echo -2 2>/dev/null >"$KS/fn/$X/retval"
	expect "$w" "disengage" control "disengage $X"
	control "engage $X -2" 2>/dev/null
	expect "$w" "disengage_all" control "disengage_all"
	control "engage $X -2" 2>/dev/null
	expect allowed "reading engaged, taint, fn/*" reads_all
}

if [ -w "$KS/control" ]; then
	level=none
	control "engage $X -2"
	lockdown_row allowed
	control "tryengage crypto_alloc_skcipher -2 1"
	sleep 2
	expect allowed "the end of a tryengage probe engages" listed crypto_alloc_skcipher -2
	control "disengage crypto_alloc_skcipher"
	# Probes that end after integrity is raised, and after confidentiality
	# is (of functions behind files in /proc that nothing reads here).
	control "tryengage version_proc_show 0 3"
	control "tryengage cmdline_proc_show 0 10"
	for level in integrity confidentiality; do
		echo "$level" >/sys/kernel/security/lockdown
		lockdown_row refused
		[ $level = integrity ] && probe=version_proc_show || probe=cmdline_proc_show
		expect allowed "the end of a tryengage probe is aborted" probe_aborted $probe
	done
fi
