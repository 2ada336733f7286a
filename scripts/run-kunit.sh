#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build and run the kill-switch KUnit suite on UML with kunit.py.
#
# Usage: [KS_BASE=6.12] run-kunit.sh    (after prepare-tree.sh)
#
# Build output goes to $KS_CACHE/kunit-$KS_BASE and compiles through
# ccache, so a second run only rebuilds what the series changed.  Prints
# "kunit: N passed, M failed" last; exits non-zero if any test failed or
# the suite did not run.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

build=$KS_CACHE/kunit-$KS_BASE
log=$KS_CACHE/kunit-$KS_BASE.log
mkdir -p "$build"
export PATH=$KS_CCACHE_PATH$PATH

cd "$KS_TREE"
status=0
python3 tools/testing/kunit/kunit.py run \
	--kunitconfig="$KS_TOP/kunit/killswitch.kunitconfig" \
	--build_dir="$build" --jobs="$KS_JOBS" >"$log" 2>&1 || status=$?

# Show the results, not the compiler's chatter.
sed -n '/^\[..:..:..\] Starting KUnit Kernel/,$p' "$log"
summary=$(grep -E 'Testing complete\. Ran [0-9]+ tests' "$log" | tail -n 1 || true)
if [ -z "$summary" ]; then
	tail -n 40 "$log"
	echo "kunit: 0 passed, 1 failed (the suite did not run; full log: $log)"
	exit 1
fi
passed=$(sed -n 's/.*passed: \([0-9]*\).*/\1/p' <<<"$summary")
failed=$(sed -n 's/.*failed: \([0-9]*\).*/\1/p' <<<"$summary")
crashed=$(sed -n 's/.*crashed: \([0-9]*\).*/\1/p' <<<"$summary")
failed=$(( ${failed:-0} + ${crashed:-0} ))
echo "kunit: ${passed:-0} passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ] && [ "${passed:-0}" -gt 0 ]
