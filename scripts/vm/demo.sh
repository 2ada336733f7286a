#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The demo's transcript, run inside the test VM: what a fleet operator
# would type and see.  The selftests do the work; only their key lines are
# shown.  Each part ends with a KS-PASS or KS-FAIL line for the verdict.
#
# Usage: demo.sh copyfail|dirtyfrag

SYS=/proc/sys/kernel/killswitch
STATUS=/sys/kernel/security/killswitch/status
failed=0

say() { printf '\n== %s\n' "$*"; }
run() { echo "# $*"; "$@"; }

# show PATTERN COMMAND...: run a selftest, show its results matching
# PATTERN as [ok]/[FAILED] lines, remember whether it passed.
show()
{
	pattern=$1
	shift
	out=$("$@" 2>&1) || failed=1
	echo "$out" | grep -E '^(not )?ok ' | grep -E "$pattern" |
		sed -e 's/^ok [0-9]* /  [ok] /' -e 's/^not ok [0-9]* /  [FAILED] /'
}

copyfail()
{
	say "Copy Fail (CVE-2026-31431) on Linux $(uname -r)"
	run sysctl kernel.killswitch.copyfail
	say "The path the exploit needs is open: page cache spliced into AF_ALG AEAD"
	show 'copyfail\.gcm_splice\.' copyfail_test

	say "Close it now, without a reboot"
	run sysctl -w kernel.killswitch.copyfail=1
	echo "# dmesg | grep killswitch"
	dmesg | grep 'killswitch: copyfail'

	say "Every page-reference input is refused; hashing and copied AEAD still work"
	show '.' copyfail_test
	run cat "$STATUS"

	say "Disengage when the fixed kernel is in: the path is back"
	run sysctl -w kernel.killswitch.copyfail=0
	show 'copyfail\.gcm_splice\.' copyfail_test
}

dirtyfrag()
{
	say "Dirty Frag / Fragnesia: rebooted with disable_dirtyfrag"
	run cat /proc/cmdline
	echo "# dmesg | grep killswitch"
	dmesg | grep 'killswitch: dirtyfrag'
	run sysctl kernel.killswitch.dirtyfrag

	say "ESP in UDP between two namespaces keeps flowing, through the copying path"
	show '.' dirtyfrag_test
	run cat "$STATUS"
}

case "$1" in
copyfail) copyfail ;;
dirtyfrag) dirtyfrag ;;
*) echo "usage: $0 copyfail|dirtyfrag" >&2; exit 2 ;;
esac
if [ "$failed" -eq 0 ]; then
	echo "KS-PASS demo: $1"
else
	echo "KS-FAIL demo: $1"
fi
