#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The kernel's own review gates, patch by patch, on the prepared tree.
#
# Usage: [KS_BASE=6.12] review-gates.sh    (after prepare-tree.sh)
#
# For every patch of the series, in order, with the tree checked out at
# that patch:
#   applies      git am applied it without fuzz (prepare-tree.sh), as commit N
#   checkpatch   scripts/checkpatch.pl --strict: 0 errors, warnings, checks
#   build-uml    the KUnit UML kernel builds (incrementally)
#   build-x86    the QEMU x86_64 vmlinux and modules build (incrementally)
#   w1           W=1 compiles the files the series added (in
#                the UML build, which has the KUnit suite, or else in the
#                x86 build, which has kprobes): they build, 0 warnings
#   sparse       make C=2 on the objects the patch touches: no warning the
#                base tree did not already have
#                (for a base with KS_PER_PATCH_BUILDS=0 in lib.sh, these
#                four run once, on the whole series, not per patch)
#   kernel-doc   scripts/kernel-doc -Wall on the C files and headers the
#                patch touches: no new warning
#   maintainers  get_maintainer.pl names MAINTAINERS.snippet's M: for a
#                patch that touches the files it lists
# and for the series as a whole:
#   snippet      the MAINTAINERS entry the series adds is MAINTAINERS.snippet
#                (less the F: lines of files a backport does not have)
#   cover        the cover letter carries base-commit and test results
#   subjects     no Subject: line is folded (b4 0.12 cannot read them)
#   b4           b4 am reads the series from an mbox made of patches/
#   coccinelle   make C=2 CHECK=scripts/coccicheck MODE=report on every
#                object the series touches, with the whole series applied:
#                no report the base tree did not already have.  (Once, not
#                per patch: the kernel's 73 semantic patches are 73 starts
#                of spatch per file.  The base tree is checked only when
#                the series has reports, since only then can one be new.)
#   vendor       Debian's production config + CONFIG_KILLSWITCH=y (and
#                CONFIG_KILLSWITCH_DYNAMIC=y where it exists): every
#                object the series adds or touches builds with no warning
#                (configs/debian-<base>-amd64.config)
#
# Prints "PASS|FAIL <patch>: <gate> [N s]" lines (N: seconds since the
# previous line) and exits non-zero on a failure.
# Build output is reused from $KS_CACHE, so a warm run takes minutes.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

"$KS_TOP/scripts/install-deps.sh" build vm review
# The gates check out every patch in turn: never over uncommitted work.
[ -z "$(ks_git status --porcelain --untracked-files=no)" ] ||
	ks_die "$KS_TREE has uncommitted changes: commit (and export) them first"

# spatch looks up python3 in PATH at each of its thousand starts per
# check, and a pyenv shim found first costs over a second each (one start
# measured 2.5 s against 0.9 s): put Debian's python3, which Debian's
# spatch is built for, first.
export PATH=/usr/lib/ccache:/usr/bin:$PATH
base=$(ks_git describe --tags --abbrev=0 --match 'debian/*' "$KS_BRANCH")
uml=$KS_CACHE/kunit-$KS_BASE
x86=$KS_CACHE/vm-$KS_BASE/build
vendor=$KS_CACHE/vendor-$KS_BASE
work=$(mktemp -d)
# The per-patch builds reconfigure the VM kernel's build directory: on any
# exit, let build-vm.sh configure it afresh next time.
trap 'rm -rf "$work"; rm -f "$x86/.config-inputs"; ks_git checkout -q -f "$KS_BRANCH"' EXIT

fail=0
since=$SECONDS
declare -A spent	# seconds per gate, over all patches
gates=()		# gate names, in the order they first ran
gate()	# gate PATCH NAME STATUS [DETAIL]
{
	# [N s]: the time since the previous gate line, to see where CI's
	# time goes.
	local t="[$((SECONDS - since)) s]"
	[ -n "${spent[$2]:-}" ] || gates+=("$2")
	spent[$2]=$((${spent[$2]:-0} + SECONDS - since))
	since=$SECONDS
	if [ "$3" -eq 0 ]; then
		echo "PASS $1: $2 $t"
	else
		echo "FAIL $1: $2${4:+ ($4)} $t"
		fail=1
	fi
}

show() { [ -s "$1" ] && sed 's/^/    /' "$1" | head -n 20; }
kmake() { make -s -C "$KS_TREE" -j"$KS_JOBS" "$@"; }

# Object files of the C files among the given paths.
objects() { printf '%s\n' "$@" | sed -n 's/\.c$/.o/p'; }

# Is OBJ built with CONFIGFILE?  Read from its directory's Makefile:
# obj-$(CONFIG_FOO) += OBJ needs CONFIG_FOO=y or m.
configured()	# configured CONFIGFILE OBJ
{
	local sym
	sym=$(sed -n -E "s/^obj-\\$\((CONFIG_[A-Z0-9_]+)\).*[ \t]$(basename "$2")( |\t|$).*/\1/p" \
		"$KS_TREE/$(dirname "$2")/Makefile" | head -n 1)
	[ -z "$sym" ] || grep -q -E "^$sym=(y|m)$" "$1"
}

# Run a checker on objects, each in a build whose configuration has it:
# the UML build has the KUnit suite, the x86 build has the call sites'
# subsystems.  One make per build directory, so that -j checks files in
# parallel.  Output is normalised (no paths, line or column numbers) and
# sorted.
checker()	# checker OUTFILE make-args... -- objects...
{
	local out=$1 args=() o
	local -a in_uml=() in_x86=()
	shift
	while [ "$1" != -- ]; do args+=("$1"); shift; done
	shift
	for o in "$@"; do
		if configured "$uml/.config" "$o"; then
			in_uml+=("$o")
		else
			in_x86+=("$o")
		fi
	done
	{
		[ ${#in_uml[@]} -eq 0 ] ||
			kmake -Otarget ARCH=um O="$uml" "${args[@]}" "${in_uml[@]}" ||
			echo "ERROR: ${in_uml[*]}: the checker failed"
		[ ${#in_x86[@]} -eq 0 ] ||
			kmake -Otarget O="$x86" "${args[@]}" "${in_x86[@]}" ||
			echo "ERROR: ${in_x86[*]}: the checker failed"
	} 2>&1 | grep -v -e '^/usr/bin/spatch' -e 'scripts/mod/empty' |
		grep -E 'warning|error|WARNING|ERROR|: ' |
		sed -E "s|$KS_TREE/||g; s/:[0-9]+(:[0-9]+(-[0-9]+)?)?:/:/" | sort -u >"$out"
}

sparse_check() { checker "$1" C=2 -- "${@:2}"; }
cocci_check()
{
	checker "$1" C=2 CHECK="$KS_TREE/scripts/coccicheck" MODE=report -- "${@:2}"
}

kdoc_check()	# kdoc_check OUTFILE files...
{
	local out=$1
	shift
	(cd "$KS_TREE" && for f in "$@"; do
		[ -f "$f" ] && scripts/kernel-doc -none -Wall "$f" 2>&1
	done) | sed 's|:[0-9]*:|:|' | sort -u >"$out"
}


build_gates()	# build_gates PATCH: build both test kernels at this commit
{
	kmake ARCH=um O="$uml" >"$work/out" 2>&1
	gate "$1" build-uml $?; grep -E 'error' "$work/out" | head -n 10
	# vmlinux, not bzImage: compressing the image checks nothing more.
	kmake O="$x86" vmlinux modules >"$work/out" 2>&1
	gate "$1" build-x86 $?; grep -E 'error' "$work/out" | head -n 10
}

# new BASEFILE NOWFILE: lines of NOWFILE that BASEFILE does not have
new() { comm -13 "$1" "$2"; }

# W=1 compiles the added files to assembly (foo.s), the compiler's whole
# work and all its warnings: a W=1 foo.o would replace the object, and
# the next build would compile it again and relink.  KBUILD_NOCMDDEP=1:
# W=1 changes the flags of what "prepare" compiles (asm-offsets and the
# like), which would be compiled again, with W=1 and then without, at
# every patch; the .s files themselves are compiled whenever their
# source or a header they include changed.
w1_gate()	# w1_gate PATCH
{
	local mine o st=0
	local -a w1_uml=() w1_x86=()

	mine=$(for f in $added_c; do [ -f "$KS_TREE/$f" ] && echo "$f"; done)
	for o in $(objects $mine); do
		if configured "$uml/.config" "$o"; then
			w1_uml+=("${o%.o}.s")
		else
			w1_x86+=("${o%.o}.s")
		fi
	done
	{
		[ ${#w1_uml[@]} -eq 0 ] ||
			kmake ARCH=um O="$uml" W=1 KBUILD_NOCMDDEP=1 "${w1_uml[@]}" || st=1
		[ ${#w1_x86[@]} -eq 0 ] ||
			kmake O="$x86" W=1 KBUILD_NOCMDDEP=1 "${w1_x86[@]}" || st=1
	} >"$work/out" 2>&1
	# W=1 also compiles the architecture's asm-offsets when a header they
	# include changed, and their warnings are the base tree's: count only
	# those in the files the series adds.
	grep 'warning:' "$work/out" | grep -F -f <(printf '%s\n' $added) >"$work/w1"
	[ "$st" -eq 0 ] && [ ! -s "$work/w1" ]
	gate "$1" w1 $? "W=1 build failures or warnings"; show "$work/w1"
}

sparse_gate()	# sparse_gate PATCH C-FILES...: no warning the base lacks
{
	sparse_check "$work/sparse" $(objects "${@:2}")
	new "$work/sparse.base" "$work/sparse" >"$work/out"
	[ ! -s "$work/out" ]
	gate "$1" sparse $? "new sparse warnings"; show "$work/out"
}

# The per-patch builds reuse the KUnit UML and the QEMU x86_64 build
# directories.  Before each build, the fragments are merged again: at an
# earlier patch olddefconfig drops the options that do not exist yet.
# A .config that comes out the same keeps its time: UML compiles the
# .config into the kernel (arch/um/kernel/config.c), and a newer one
# costs a relink with kallsyms and a syncconfig at every patch.
reconfig_build()	# reconfig_build BUILD FRAGMENT [make-args...]
{
	cp -p "$1/.config" "$work/config.before"
	cat "$2" >>"$1/.config"
	kmake "${@:3}" O="$1" olddefconfig >/dev/null 2>&1
	! cmp -s "$work/config.before" "$1/.config" ||
		touch -r "$work/config.before" "$1/.config"
}
reconfig()
{
	reconfig_build "$uml" "$KS_TOP/kunit/killswitch.kunitconfig" ARCH=um
	reconfig_build "$x86" "$work/x86.fragment"
}

series_files=$(ks_git diff --name-only "$base" "$KS_BRANCH")
added=$(ks_git diff --name-only --diff-filter=A "$base" "$KS_BRANCH" | grep -v '^tools/')
added_c=$(printf '%s\n' $added | grep '\.c$')
maint=$(sed -n 's/^M:\t//p' "$KS_TOP/MAINTAINERS.snippet")
snippet_files=$(sed -n 's/^F:\t//p' "$KS_TOP/MAINTAINERS.snippet")

ks_log "configuring the per-patch builds"
mkdir -p "$uml"
(cd "$KS_TREE" && python3 tools/testing/kunit/kunit.py config \
	--kunitconfig="$KS_TOP/kunit/killswitch.kunitconfig" \
	--build_dir="$uml" >/dev/null)
"$KS_TOP/scripts/build-vm.sh" --config-only >/dev/null
ks_vm_fragments | xargs cat >"$work/x86.fragment"

touched_c=$(printf '%s\n' $series_files | grep '\.c$' | grep -v '^tools/')

# Baselines: the touched files' checker output on the base tree.
ks_git checkout -q -f "$base"
base_c=$(for f in $touched_c; do [ -f "$KS_TREE/$f" ] && echo "$f"; done)
ks_log "baseline sparse and kernel-doc on the base tree"
reconfig
kmake O="$x86" prepare >/dev/null 2>&1
sparse_check "$work/sparse.base" $(objects $base_c)
kdoc_check "$work/kdoc.base" $series_files
g="configuration and baselines"
gates+=("$g")
spent[$g]=$((SECONDS - since))
ks_log "configuration and baselines took $((SECONDS - since)) s"
since=$SECONDS

n=0
commits=($(ks_git rev-list --reverse "$base..$KS_BRANCH"))
while read -r p; do
	c=${commits[$n]:-}
	n=$((n + 1))
	subject=$(awk '/^Subject: / { s = $0
		while ((getline l) > 0 && l ~ /^[ \t]/) s = s l
		sub(/^Subject: \[PATCH[^]]*\] /, "", s); print s; exit }' "$KS_PATCHES/$p")
	[ -n "$c" ] && [ "$(ks_git log -1 --format=%s "$c")" = "$subject" ]
	gate "$p" applies $? "commit $n of $KS_BRANCH is not this patch"
	[ -n "$c" ] || continue
	ks_git checkout -q -f "$c"
	files=$(ks_git diff --name-only "$c~1" "$c")
	cfiles=$(printf '%s\n' $files | grep '\.c$' | grep -v '^tools/')

	(cd "$KS_TREE" && perl scripts/checkpatch.pl --strict --terse --no-tree \
		"$KS_PATCHES/$p") >"$work/out" 2>&1
	gate "$p" checkpatch $? "$(grep '^total:' "$work/out")"
	grep -v '^total:' "$work/out" | sed 's/^/    /'

	if [ "$KS_PER_PATCH_BUILDS" -eq 1 ]; then
		reconfig
		build_gates "$p"
		w1_gate "$p"
		[ -z "$cfiles" ] || sparse_gate "$p" $cfiles
	fi

	kdocfiles=$(printf '%s\n' $files | grep -E '\.[ch]$' | grep -v '^tools/')
	if [ -n "$kdocfiles" ]; then
		kdoc_check "$work/kdoc" $kdocfiles
		new "$work/kdoc.base" "$work/kdoc" >"$work/out"
		[ ! -s "$work/out" ]
		gate "$p" kernel-doc $? "new kernel-doc warnings"; show "$work/out"
	fi

	ours=0
	for f in $files; do
		for pat in $snippet_files; do
			case "$f" in "$pat"|"$pat"*) ours=1 ;; esac
		done
	done
	if [ "$ours" -eq 1 ]; then
		(cd "$KS_TREE" && perl scripts/get_maintainer.pl --no-git \
			--no-git-fallback --no-rolestats "$KS_PATCHES/$p") >"$work/out" 2>&1
		grep -qF "$maint" "$work/out"
		gate "$p" maintainers $? "get_maintainer.pl does not name $maint"
	fi
done < <(ks_series)
ks_git checkout -q -f "$KS_BRANCH"
if [ "$KS_PER_PATCH_BUILDS" -eq 0 ]; then
	ks_log "base $KS_BASE: the UML and x86 kernels, W=1 and sparse run once, for the whole series"
	reconfig
	build_gates series
	w1_gate series
	sparse_gate series $touched_c
fi

# The snippet is the entry of the newest series; a backport that does not
# carry every file yet lists the snippet's other lines.
entry=$(sed -n '/^KILL SWITCHES$/,/^$/p' "$KS_TREE/MAINTAINERS" | sed '/^$/d')
want=$(while IFS= read -r line; do
	case "$line" in
	F:*) [ -e "$KS_TREE/${line#F:?}" ] && echo "$line" ;;
	*) echo "$line" ;;
	esac
done <"$KS_TOP/MAINTAINERS.snippet")
[ "$entry" = "$want" ]
gate series snippet $? "MAINTAINERS entry differs from MAINTAINERS.snippet"

cover=$KS_PATCHES/0000-cover-letter.patch
grep -q "^base-commit: $(ks_git rev-parse "$base")$" "$cover" && grep -q '^Tested on' "$cover"
gate series cover $? "no base-commit or no 'Tested on' results"

# git format-patch folds a Subject: line longer than 78 characters, and
# b4 0.12 cannot read a folded one: keep subjects short.
folded=$(for f in "$KS_PATCHES"/[0-9][0-9][0-9][0-9]-*.patch; do
	awk '/^Subject: / { getline l; if (l ~ /^[ \t]/) print FILENAME; exit }' "$f"
done)
[ -z "$folded" ]
gate series subjects $? "folded Subject: lines in $(echo $folded)"

# b4 wants message ids to thread the series: give each patch one.
for f in "$KS_PATCHES"/[0-9][0-9][0-9][0-9]-*.patch; do
	i=$(basename "$f" | cut -c1-4)
	awk -v i="$i" '!done && /^Date: /{
		print; print "Message-Id: <killswitch-" i "@lists.invalid>"
		if (i != "0000") print "In-Reply-To: <killswitch-0000@lists.invalid>"
		done = 1; next } { print }' "$f"
done >"$work/series.mbox"
mkdir -p "$work/b4"
(cd "$KS_TREE" && b4 am -m "$work/series.mbox" -n series -o "$work/b4") >"$work/out" 2>&1
total=$(ks_series | wc -l)
[ "$(grep -c '^Subject: \[PATCH' "$work/b4/series.mbx" 2>/dev/null)" = "$total" ]
gate series b4 $? "b4 am did not produce $total patches"; grep -E 'ERROR|CRITICAL' "$work/out"

# Coccinelle last, on the tip the builds above have compiled (C=2 would
# compile what it checks).  Only when it reports can a report be new: then
# the base tree is checked too, and the tip checked out again.
ks_log "coccinelle on the objects the series touches"
cocci_check "$work/cocci" $(objects $touched_c)
: >"$work/cocci.base"
if [ -s "$work/cocci" ]; then
	ks_log "coccinelle reported: checking the base tree too"
	ks_git checkout -q -f "$base"
	reconfig
	cocci_check "$work/cocci.base" $(objects $base_c)
	ks_git checkout -q -f "$KS_BRANCH"
	reconfig
fi
new "$work/cocci.base" "$work/cocci" >"$work/out"
[ ! -s "$work/out" ]
gate series coccinelle $? "new coccinelle reports"; show "$work/out"

# The configuration a vendor builds: Debian's own, plus the series (with
# function overrides, where the series has them).
ks_log "vendor config: configs/debian-$KS_BASE-amd64.config + CONFIG_KILLSWITCH(_DYNAMIC)=y"
mkdir -p "$vendor"
cp "$KS_TOP/configs/debian-$KS_BASE-amd64.config" "$vendor/.config"
printf 'CONFIG_KILLSWITCH=y\nCONFIG_KILLSWITCH_DYNAMIC=y\n' >>"$vendor/.config"
kmake O="$vendor" olddefconfig >/dev/null
grep -q '^CONFIG_KILLSWITCH=y' "$vendor/.config" && kmake O="$vendor" prepare >/dev/null 2>&1
vendor_objs=$(for o in $(objects $touched_c); do
	configured "$vendor/.config" "$o" && echo "$o"; done)
kmake O="$vendor" $vendor_objs >"$work/out" 2>&1
st=$?
[ "$st" -eq 0 ] && [ -n "$vendor_objs" ] && ! grep -q 'warning:' "$work/out"
gate series vendor $? "$(echo $vendor_objs | wc -w) objects built with Debian's config: $(echo $vendor_objs)"
show "$work/out"
for g in "${gates[@]}"; do
	ks_stage "review gates / $g" "${spent[$g]}"
done
exit $fail
