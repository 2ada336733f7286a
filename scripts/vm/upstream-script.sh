#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# An operator's script written for the interface of the upstream
# killswitch proposal (May 2026), kept as such: it must run unchanged on
# our function overrides.  It uses only the upstream commands and files.
#
# Usage: upstream-script.sh FUNCTION RETVAL
set -e
KS=/sys/kernel/security/killswitch
fn=$1
val=$2

echo "engage $fn $val" > $KS/control
grep -q "^$fn $val\$" $KS/engaged
[ "$(cat $KS/fn/$fn/retval)" = "$val" ]
hits=$(cat $KS/fn/$fn/hits)
echo "upstream-script: $fn engaged, retval $val, $hits hits"
echo "disengage $fn" > $KS/control
! grep -q "^$fn " $KS/engaged
[ ! -e $KS/fn/$fn ]
echo "engage $fn $val" > $KS/control
echo disengage_all > $KS/control
[ -z "$(cat $KS/engaged)" ]
echo "upstream-script: ok"
