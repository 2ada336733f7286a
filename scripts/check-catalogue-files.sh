#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Check the catalogue for machines that scripts/catalogue.sh writes: the
# JSON lists exactly the switches of each base's list, each with its
# sysctl, boot parameter and fallback; every CVE of the lists has its
# VEX document; generated again, a document keeps its version, or gets
# the next if its content changed; and every document passes the JSON
# schema and the
# mandatory tests of CSAF 2.0 in BSI's csaf-validator-lib (pinned below,
# installed from npm into $KS_CACHE), which must also refuse a document
# broken on purpose.
#
# Usage: check-catalogue-files.sh   (prepares the trees it lacks)
# Prints PASS/FAIL lines; exits non-zero if one fails.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

CSAF_VALIDATOR=@secvisogram/csaf-validator-lib@2.0.10
failed=0
result() {	# result OK TEXT
	if [ "$1" -eq 0 ]; then
		echo "PASS catalogue: $2"
	else
		echo "FAIL catalogue: $2"
		failed=1
	fi
}

for base in $KS_BASES; do
	[ -d "$KS_TOP/kernel-tree/linux-$base/.git" ] ||
		KS_BASE=$base "$KS_TOP/scripts/prepare-tree.sh" || exit 1
done
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$KS_TOP/scripts/catalogue.sh" "$out"
result $? "scripts/catalogue.sh generates it from both bases' lists and guides"
[ -f "$out/killswitch.json" ] || exit 1

for base in $KS_BASES; do
	list=$KS_TOP/kernel-tree/linux-$base/include/linux/killswitch_list.h
	python3 - "$out/killswitch.json" "$base" "$(ks_list_switches "$list")" <<'PY'
import json, re, sys
cat, base, want = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3].split()
b = [x for x in cat["bases"] if x["base"] == base][0]
assert [s["name"] for s in b["switches"]] == want, "switches differ from the list"
for s in b["switches"]:
    assert s["sysctl"] == "kernel.killswitch." + s["name"]
    assert s["boot_parameter"] == "disable_" + s["name"]
    assert all(re.fullmatch(r"CVE-\d{4}-\d{4,}", c) for c in s["cves"]), s["cves"]
    assert (s["refused"] is None) != (s["slowed"] is None), s["name"]
    fb = s["fallback"]
    assert (fb["none"] is None) == bool(fb["settings"]), s["name"]
    assert fb["none"] or fb["stops_working"], s["name"]
PY
	result $? "killswitch.json: the $base list's switches, each with its sysctl, boot parameter, effect and fallback"
done

# One VEX document per CVE of the lists, and no other.
cves=$(for base in $KS_BASES; do
	grep -o 'CVE-[0-9]*-[0-9]*' "$KS_TOP/kernel-tree/linux-$base/include/linux/killswitch_list.h"
done | sort -u)
docs=$(cd "$out/vex" && ls | sed 's/\.json$//' | sort)
[ -n "$cves" ] && [ "$cves" = "$docs" ]
result $? "a VEX document for each of the $(wc -w <<<"$cves") CVEs the lists name"

# Generated again over the published documents: unchanged ones stay as
# they are, one for a CVE no list names goes, and one whose content
# differs (as if published by an older series) gets version 2 and a
# second revision.
sums=$(cd "$out/vex" && sha256sum ./*.json)
cp "$out/vex/CVE-2026-31431.json" "$out/vex/CVE-1999-0001.json"
"$KS_TOP/scripts/catalogue.sh" "$out" 2>/dev/null &&
	[ "$(cd "$out/vex" && sha256sum ./*.json)" = "$sums" ]
result $? "generated again, the documents stay byte for byte as they were, and one for no listed CVE goes"
doc=$out/vex/CVE-2026-31431.json
sed -i 's/ with the kill-switch series"/ with an older kill-switch series"/' "$doc"
"$KS_TOP/scripts/catalogue.sh" "$out" 2>/dev/null && ! grep -q older "$doc" &&
	python3 - "$doc" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))["document"]["tracking"]
assert t["version"] == "2", t["version"]
assert [r["number"] for r in t["revision_history"]] == ["1", "2"], t["revision_history"]
assert t["initial_release_date"] == t["revision_history"][0]["date"]
PY
result $? "a document whose content changed gets version 2 and a second revision"

validator=$KS_CACHE/csaf-validator
lib=$validator/node_modules/@secvisogram/csaf-validator-lib
if [ ! -f "$lib/package.json" ]; then
	command -v npm >/dev/null || "$KS_TOP/scripts/install-deps.sh" csaf
	mkdir -p "$validator"
	npm install --prefix "$validator" --no-audit --no-fund --silent "$CSAF_VALIDATOR"
fi
node "$KS_TOP/scripts/validate-csaf.mjs" "$lib" "$out"/vex/*.json >"$out/validation"
result $? "every VEX document passes CSAF 2.0's schema and mandatory tests"
grep -v '^valid ' "$out/validation"

# The control: a remediation for a product the document does not define.
sed 's/"product_ids": \["killswitch-6.12"\]/"product_ids": ["nosuch"]/' \
	"$out/vex/CVE-2026-31431.json" >"$out/broken.json"
! node "$KS_TOP/scripts/validate-csaf.mjs" "$lib" "$out/broken.json" >"$out/validation" &&
	grep -q "mandatoryTest_6_1_1" "$out/validation"
result $? "the validator refuses a remediation for an undefined product (6.1.1)"
exit $failed
