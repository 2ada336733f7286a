#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# An operator's script written in the grammar of the upstream killswitch
# proposal's interface and of its published per-CVE mitigation scripts
# (which check that the control file is writable, then write one
# "tryengage <fn> <retval> <T>" line, T=0 to engage at once): it must run
# unchanged on our function overrides.  It uses only the upstream
# commands, files and formats.
#
# Usage: upstream-script.sh FUNCTION RETVAL
set -e	# every line below is a check: the first that fails ends the script
KS=/sys/kernel/security/killswitch
CTRL=$KS/control
fn=$1
val=$2
[ -w "$CTRL" ] || { echo "killswitch not loaded or not writable: $CTRL" >&2; exit 1; }

# engage, read back, disengage
echo "engage $fn $val" > "$CTRL"
grep -q "^$fn retval=$val hits=[0-9]*\$" $KS/engaged
[ "$(cat $KS/fn/$fn/retval)" = "$val" ]
[ "$(cat $KS/fn/$fn/state)" = engaged ]
[ "$(cat $KS/taint)" = 1 ]
echo "upstream-script: $fn engaged, retval $val, $(cat $KS/fn/$fn/hits) hits"
echo "disengage $fn" > "$CTRL"
if grep -q "^$fn " $KS/engaged; then exit 1; fi
[ ! -e $KS/fn/$fn ]

# tryengage with T=0: engaged at once
echo "tryengage $fn $val 0" > "$CTRL"
[ "$(cat $KS/fn/$fn/state)" = engaged ]
[ "$(cat $KS/fn/$fn/timeout_left)" = 0 ]
grep -q "^$fn retval=$val hits=" $KS/engaged
echo "disengage $fn" > "$CTRL"

# tryengage with T=300: probing, then cancelled
echo "tryengage $fn $val 300" > "$CTRL"
[ "$(cat $KS/fn/$fn/state)" = probing ]
left=$(cat $KS/fn/$fn/timeout_left)
[ "$left" -gt 0 ]
[ "$left" -le 300 ]
echo "upstream-script: $fn probing, ${left}s left"
echo "disengage $fn" > "$CTRL"
[ ! -e $KS/fn/$fn ]

# disengage_all, also of a probe
echo "engage $fn $val" > "$CTRL"
echo disengage_all > "$CTRL"
[ -z "$(cat $KS/engaged)" ]
echo "tryengage $fn $val 300" > "$CTRL"
echo disengage_all > "$CTRL"
[ -z "$(cat $KS/engaged)" ]
echo "upstream-script: ok"
