#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Print the subject and text of a cover letter made by export-series.sh,
# in the form of a git branch description (subject, blank line, text).
#
# Usage: cover-letter-text.sh 0000-cover-letter.patch
set -euo pipefail
. "$(dirname "$0")/lib.sh"

awk -v author="$KS_NAME" '
	state == 0 && /^Subject: / {
		sub(/^Subject: \[[^]]*\] /, ""); subject = $0; state = 1; next
	}
	state == 1 && /^[ \t]/ { subject = subject $0; next }
	state == 1 && /^$/ { print subject; print ""; state = 2; next }
	state == 2 && index($0, author " (") == 1 { exit }
	state == 2 { body = body $0 "\n" }
	END { sub(/\n+$/, "", body); print body }
' "$1"
