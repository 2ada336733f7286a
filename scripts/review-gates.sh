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
#                four run once, on the whole series, not per patch; a
#                build that reads none of the files a patch changes is
#                skipped, and says so: see reads() below; with both
#                skipped, w1 and sparse are too)
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
#   coccinelle   scripts/coccicheck MODE=report, as make C=2 runs it, on
#                every file the series touches, with the whole series
#                applied: no report the base tree's version of the file
#                did not already have.  (Once, not per patch: the kernel's
#                73 semantic patches are 73 starts of spatch.  The base
#                versions are checked only of files with a report, and
#                only with the semantic patches that reported there,
#                since only there can a report be new.)
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
export PATH=$KS_CCACHE_PATH/usr/bin:$PATH
base=$(ks_git describe --tags --abbrev=0 --match 'debian/*' "$KS_BRANCH")
uml=$KS_CACHE/kunit-$KS_BASE
x86=$KS_CACHE/vm-$KS_BASE/build
vendor=$KS_CACHE/vendor-$KS_BASE
work=$(mktemp -d)
trap 'rm -rf "$work"; ks_git checkout -q -f "$KS_BRANCH"' EXIT

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

# side_by_side: make "${uml_args[@]}" in the UML build directory and make
# "${x86_args[@]}" in the x86 one at the same time (an empty list skips
# that build); their output in $work/uml.out and $work/x86.out, their
# exit status in uml_st and x86_st.  Much of a checker run or of W=1 on a
# few files is one make walking the tree, on one core: side by side,
# each fills the core the other leaves idle.
uml_args=()
x86_args=()
side_by_side()
{
	local pid=
	: >"$work/uml.out"
	: >"$work/x86.out"
	uml_st=0
	x86_st=0
	if [ ${#uml_args[@]} -gt 0 ]; then
		kmake ARCH=um O="$uml" "${uml_args[@]}" >"$work/uml.out" 2>&1 &
		pid=$!
	fi
	[ ${#x86_args[@]} -eq 0 ] ||
		kmake O="$x86" "${x86_args[@]}" >"$work/x86.out" 2>&1 || x86_st=$?
	[ -z "$pid" ] || wait "$pid" || uml_st=$?
}

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

# Split objects between the builds whose configuration has them, into
# in_uml and in_x86: the UML build has the KUnit suite, the x86 build
# has the call sites' subsystems.
split_objects()	# split_objects objects...
{
	local o
	in_uml=()
	in_x86=()
	for o in "$@"; do
		if configured "$uml/.config" "$o"; then
			in_uml+=("$o")
		else
			in_x86+=("$o")
		fi
	done
}

# sparse's findings, without paths, line or column numbers, sorted.
normalise()
{
	grep -v 'scripts/mod/empty' |
		grep -E 'warning|error|WARNING|ERROR|: ' |
		sed -E "s|$KS_TREE/||g; s/:[0-9]+(:[0-9]+(-[0-9]+)?)?:/:/" | sort -u
}

# sparse on objects, in the builds that have them: one make C=2 per
# build directory, the two side by side, -j checking files in parallel.
sparse_check()	# sparse_check OUTFILE objects...
{
	local out=$1
	shift
	split_objects "$@"
	uml_args=()
	x86_args=()
	[ ${#in_uml[@]} -eq 0 ] || uml_args=(-Otarget C=2 "${in_uml[@]}")
	[ ${#in_x86[@]} -eq 0 ] || x86_args=(-Otarget C=2 "${in_x86[@]}")
	side_by_side
	{
		cat "$work/uml.out" "$work/x86.out"
		[ "$uml_st" -eq 0 ] || echo "ERROR: ${in_uml[*]}: sparse failed"
		[ "$x86_st" -eq 0 ] || echo "ERROR: ${in_x86[*]}: sparse failed"
	} | normalise >"$out"
}

# Coccinelle on C files: the kernel's scripts/coccicheck in its one-file
# mode (C=2), as make C=2 CHECK=scripts/coccicheck runs it for each
# file, but with two differences:
# - Its reports reach us.  They go to standard output, which make -s
#   sends to /dev/null (Kbuild.include's silent_redirect): through make,
#   the gate never saw a report.
# - Each semantic patch starts once for all the files, not once per file
#   (and once more for scripts/mod/empty.c, which make checks for
#   prepare): on the 9 files of the 6.12 series, one start took 1.4 s
#   for most semantic patches.  coccicheck hands its last argument to
#   spatch unquoted, so a list of files is one argument; the reports are
#   the same as file by file (compared once, by hand, on the 6.12
#   series).
# All files are checked in the environment kbuild gives a checker in one
# build directory (srctree, LINUXINCLUDE and the directory itself,
# recorded by a make C=2 with CHECK=a recorder): the x86 one, as make
# coccicheck does for a whole tree, also for the files only the UML build
# compiles.  The C files are read from ROOT, so that the base tree's
# versions can be checked without checking them out (which would make
# the next build compile them again).  SCRIPTS is a file listing the
# semantic patches; OUTFILE gets the reports ("file: message"), and
# OUTFILE.by the same with the semantic patch that made each in front.
cocci_check()	# cocci_check OUTFILE ROOT SCRIPTS C-FILES...
{
	local out=$1 root=$2 scripts=$3 files
	local -a make_args=()
	shift 3
	rm -rf "$work/cocci.d"
	mkdir -p "$work/cocci.d"
	if [ ! -f "$work/check.env" ]; then
		split_objects $(objects "$@")
		[ ${#in_x86[@]} -gt 0 ] || make_args=(ARCH=um O="$uml" "${in_uml[@]}")
		[ ${#in_x86[@]} -eq 0 ] || make_args=(O="$x86" "${in_x86[@]}")
		cat >"$work/check-env" <<-'EOS'
		#!/bin/bash
		printf 'srctree=%q\nLINUXINCLUDE=%q\nobjtree=%q\n' \
			"$srctree" "$LINUXINCLUDE" "$PWD" >"${0%/*}/check.env.new"
		EOS
		chmod +x "$work/check-env"
		kmake C=2 CHECK="$work/check-env" "${make_args[@]}" >/dev/null 2>&1 &&
			mv "$work/check.env.new" "$work/check.env" ||
			printf -- '-\tERROR: %s: make C=2 failed\n' "$*" >"$work/cocci.d/error"
	fi
	files=$(printf "$root/%s " "$@")
	if [ -f "$work/check.env" ]; then (
		. "$work/check.env"
		export srctree LINUXINCLUDE C=2 MODE=report
		cd "$objtree" && xargs -P "$KS_JOBS" -I{} sh -c \
			'COCCI=$1 "$srctree/scripts/coccicheck" "$2" 2>&1 |
			 sed "s|^|$1\t|" >"$3/$(echo "$1" | tr / _)"' \
			sh {} "$files" "$work/cocci.d" <"$scripts"
	) || printf -- '-\tERROR: %s: coccicheck failed\n' "$*" >"$work/cocci.d/error"
	fi
	# Reports name a file; spatch's remarks on a semantic patch do not.
	cat "$work/cocci.d"/* |
		awk -F'\t' -v root="$root/" 'index($2, root) == 1 || $2 ~ /^ERROR/' |
		sed -E "s|\t$root/|\t|; s/:[0-9]+(:[0-9]+(-[0-9]+)?)?:/:/" |
		sort -u >"$out.by"
	cut -f 2- "$out.by" | sort -u >"$out"
}

kdoc_check()	# kdoc_check OUTFILE files...
{
	local out=$1
	shift
	(cd "$KS_TREE" && for f in "$@"; do
		[ -f "$f" ] && scripts/kernel-doc -none -Wall "$f" 2>&1
	done) | sed 's|:[0-9]*:|:|' | sort -u >"$out"
}


build_gates()	# build_gates PATCH: build the test kernels ($build_uml, $build_x86)
{
	# One after the other: side by side, the two cold builds took 934 s
	# against 846 s (224 + 622) one after the other, and the
	# incremental ones about as long as one after the other.
	if [ "$build_uml" -eq 1 ]; then
		kmake ARCH=um O="$uml" >"$work/out" 2>&1
		gate "$1" build-uml $?; grep -E 'error' "$work/out" | head -n 10
	fi
	if [ "$build_x86" -eq 1 ]; then
		# vmlinux, not bzImage: compressing the image checks nothing more.
		kmake O="$x86" vmlinux modules >"$work/out" 2>&1
		gate "$1" build-x86 $?; grep -E 'error' "$work/out" | head -n 10
	fi
	built=1
}

# Does the kernel build in BUILD read any of the given paths?  Kbuild
# keeps, for every file it made, the command and every file the command
# read (BUILD/.../.<target>.cmd): a path no .cmd file names is one the
# build does not read, and the build at this patch would be the one
# before it, so it is not made again (the admin guide's text, the
# selftests, MAINTAINERS, a call site in a subsystem one configuration
# leaves out).  What make and the build tools read themselves counts as
# read: Makefiles, Kbuild and Kconfig files, scripts/ and tools/ (but not
# the selftests).  Before a run's first build, everything counts as read.
reads()	# reads BUILD PATHS...
{
	local build=$1
	shift
	[ -n "$built" ] || return 0
	printf '%s\n' "$@" | grep -v '^tools/testing/selftests/' |
		grep -q -E '(^|/)(Makefile|Kbuild|Kconfig)[^/]*$|^(scripts|tools)/' && return 0
	grep -r -q -F --include='.*.cmd' -f <(printf "$KS_TREE/%s\n" "$@") "$build"
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
	local mine

	mine=$(for f in $added_c; do [ -f "$KS_TREE/$f" ] && echo "$f"; done)
	split_objects $(objects $mine)
	uml_args=()
	x86_args=()
	[ ${#in_uml[@]} -eq 0 ] || uml_args=(W=1 KBUILD_NOCMDDEP=1 "${in_uml[@]/%.o/.s}")
	[ ${#in_x86[@]} -eq 0 ] || x86_args=(W=1 KBUILD_NOCMDDEP=1 "${in_x86[@]/%.o/.s}")
	side_by_side
	# W=1 also compiles the architecture's asm-offsets when a header they
	# include changed, and their warnings are the base tree's: count only
	# those in the files the series adds.
	cat "$work/uml.out" "$work/x86.out" | grep 'warning:' |
		grep -F -f <(printf '%s\n' $added) >"$work/w1"
	[ "$uml_st" -eq 0 ] && [ "$x86_st" -eq 0 ] && [ ! -s "$work/w1" ]
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
# The per-patch builds reconfigure the VM kernel's build directory, so
# its stamp (build-vm.sh's "configured from these fragments") goes until
# the tip's configuration is back: then build-vm.sh need not configure
# it again (tinyconfig and the merge take 25 s).
cp "$x86/.config" "$work/x86.config"
mv "$x86/.config-inputs" "$work/x86.config-inputs"

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
built=
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
		build_uml=0
		build_x86=0
		reads "$uml" $files && build_uml=1
		reads "$x86" $files && build_x86=1
		if [ $((build_uml + build_x86)) -eq 0 ]; then
			echo "SKIP $p: build-uml, build-x86, w1: neither build reads a file it changes"
		else
			[ "$build_uml" -eq 1 ] ||
				echo "SKIP $p: build-uml: the UML build reads no file it changes"
			[ "$build_x86" -eq 1 ] ||
				echo "SKIP $p: build-x86: the x86 build reads no file it changes"
			# Only a Kconfig change can make the merged fragments
			# come out differently (olddefconfig alone costs seconds).
			! printf '%s\n' $files | grep -q -E '(^|/)Kconfig' || reconfig
			build_gates "$p"
			w1_gate "$p"
			[ -z "$cfiles" ] || sparse_gate "$p" $cfiles
		fi
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
	build_uml=1
	build_x86=1
	build_gates series
	w1_gate series
	sparse_gate series $touched_c
fi

cmp -s "$x86/.config" "$work/x86.config" &&
	cp "$work/x86.config-inputs" "$x86/.config-inputs"

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

# Coccinelle last, on the tip the builds above have compiled (make C=2
# compiles what it names).  Only a file with a report can have a new
# one, and only from a semantic patch that reported on it: the base
# tree's versions of those files are checked with those.
ks_log "coccinelle on the C files the series touches"
find "$KS_TREE/scripts/coccinelle" -name '*.cocci' | sort >"$work/cocci.scripts"
cocci_check "$work/cocci" "$KS_TREE" "$work/cocci.scripts" $touched_c
: >"$work/cocci.base"
reported=$(for f in $base_c; do grep -q "^$f:" "$work/cocci" && echo "$f"; done)
if [ -n "$reported" ]; then
	awk -F'\t' 'NR == FNR { want[$0] = 1; next }
		{ f = $2; sub(/:.*/, "", f) } f in want { print $1 }' \
		<(printf '%s\n' $reported) "$work/cocci.by" | sort -u >"$work/cocci.rescan"
	ks_log "coccinelle reported on $(echo $reported): checking the base tree's versions with what reported ($(xargs -n 1 basename <"$work/cocci.rescan" | xargs))"
	for f in $reported; do
		mkdir -p "$work/base/$(dirname "$f")"
		ks_git show "$base:$f" >"$work/base/$f"
	done
	cocci_check "$work/cocci.base" "$work/base" "$work/cocci.rescan" $reported
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
