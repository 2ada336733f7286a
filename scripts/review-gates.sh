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
#   build-x86    the QEMU x86_64 vmlinux and modules build (incrementally):
#                the VM kernel, which also runs the KUnit suites; every
#                patch after the first is compiled, the first and the
#                series' tip linked (see compile_dirs() below)
#                (for a base with KS_PER_PATCH_BUILDS=0 in lib.sh, it runs
#                once, on the whole series, not per patch; at a patch
#                whose files the build does not read, it is skipped, and
#                says so: see reads() below)
#   w1           W=1 compiles the files the series added: they build,
#                0 warnings (once, at the series' tip)
#   sparse       make C=2 on the objects the series touches: no warning
#                the base tree did not already have (once, at the tip)
#   kernel-doc   scripts/kernel-doc -Wall on the C files and headers the
#                patch touches: no new warning
#   maintainers  get_maintainer.pl names MAINTAINERS.snippet's M: for a
#                patch that touches the files it lists
# and for the series as a whole:
#   snippet      the MAINTAINERS entry the series adds is MAINTAINERS.snippet
#                (less the F: lines of files a backport does not have)
#   cover        the cover letter carries base-commit and test results
#   catalogue    every switch of include/linux/killswitch_list.h has its
#                section in the admin guide's catalogue and its
#                disable_<name> entry in kernel-parameters.txt, and neither
#                documents a switch the list lacks, and every sysctl its
#                chapter of existing knobs names is in the tree
#                (check-catalogue.sh); and the check fails on copies with
#                one entry taken out or one knob misnamed
#   subjects     no Subject: line is folded (b4 0.12 cannot read them)
#   b4           b4 am reads the series from an mbox made of patches/
#   coccinelle   scripts/coccicheck MODE=report, as make C=2 runs it, on
#                every file the series touches, with the whole series
#                applied: no report the base tree's version of the file
#                did not already have.  (Once, not per patch: the kernel's
#                73 semantic patches are 73 starts of spatch.  It reads
#                the functions the series changes, see cocci_tree().  The
#                base versions are checked only of files with a report,
#                and only with the semantic patches that reported there,
#                since only there can a report be new.  A crash of spatch
#                is a report.)
#   vendor       Debian's production config + CONFIG_KILLSWITCH=y
#                (configs/debian-<base>-amd64.config): every object the
#                series adds or touches builds with no warning, and with
#                CONFIG_KILLSWITCH_DYNAMIC=y the core's objects too
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

# A finding without its line and column numbers, also those in its text
# ("preceding lock on line 2457"): a patch that adds a line above a
# report the base already has must not make it new.
unnumber() { sed -E 's/:[0-9]+(:[0-9]+(-[0-9]+)?)?:/:/; s/ (on )?line [0-9]+/ \1line N/g'; }

# sparse's findings, sorted, without paths and numbers.
normalise()
{
	grep -v 'scripts/mod/empty' |
		grep -E 'warning|error|WARNING|ERROR|: ' |
		sed "s|$KS_TREE/||g; s|$work/base-tree/||g" | unnumber | sort -u
}

# sparse on objects: one make C=2, -j checking files in parallel.  Each
# check's arguments are kept in $work/sparse-args/ (the C file's path,
# / made _), for sparse_base().
sparse_check()	# sparse_check OUTFILE objects...
{
	local out=$1
	shift
	mkdir -p "$work/sparse-args"
	cat >"$work/sparse-rec" <<-'EOS'
	#!/bin/bash
	printf '%s\0' "$@" >"${0%/*}/sparse-args/$(echo "${!#}" | tr / _)"
	exec sparse "$@"
	EOS
	chmod +x "$work/sparse-rec"
	{
		kmake O="$x86" -Otarget C=2 CHECK="$work/sparse-rec" "$@" 2>&1 ||
			echo "ERROR: $*: sparse failed"
	} | normalise >"$out"
}

# sparse on the base tree's versions of C files, with the arguments
# sparse_check() gave it for the series' versions, but reading the tree
# through a mirror of links in which every file the series changes is
# the base's version (and every file it adds is missing).  Run like
# that, not on a checkout of the base: make C=2 would compile the base's
# objects, and the build at the first patch compile them again (45 s of
# a cold run).
sparse_base()	# sparse_base OUTFILE C-FILES...
{
	local out=$1 f args sources
	shift
	sources=$(printf '%s\n' $series_files | grep -E '\.[ch]$' | grep -v '^tools/')
	mirror_tree "$work/base-tree" $sources
	for f in $sources; do
		ks_git cat-file -e "$base:$f" 2>/dev/null &&
			ks_git show "$base:$f" >"$work/base-tree/$f"
	done
	for f in "$@"; do
		args=$work/sparse-args/$(echo "$KS_TREE/$f" | tr / _)
		if [ ! -f "$args" ]; then
			echo "ERROR: $f: no sparse arguments recorded"
			continue
		fi
		sed -z "s|$KS_TREE/|$work/base-tree/|g" "$args" |
			(cd "$x86" && xargs -0 sparse 2>&1)
	done | normalise >"$out"
}

# A mirror of the tree in DIR made of symbolic links, but with real
# directories on the way to each FILE and no FILE: for copies of them.
mirror_tree()	# mirror_tree DIR FILE...
{
	local dir=$1 f p c
	shift
	rm -rf "$dir"
	mkdir -p "$dir"
	ln -s "$KS_TREE"/* "$dir"/
	for f in "$@"; do
		p=
		for c in $(dirname "$f" | tr / ' '); do
			p=${p:+$p/}$c
			[ -L "$dir/$p" ] || continue
			rm "$dir/$p"
			mkdir "$dir/$p"
			ln -s "$KS_TREE/$p"/* "$dir/$p"/
		done
		# Never write through a link into the tree itself.
		case $(realpath "$dir/$(dirname "$f")") in
		"$(realpath "$dir")"|"$(realpath "$dir")"/*) rm -f "$dir/$f" ;;
		*) ks_die "mirror_tree: $dir/$f would be in the tree" ;;
		esac
	done
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
# All files are checked in the environment kbuild gives a checker in the
# x86 build directory (srctree, LINUXINCLUDE and the directory itself,
# recorded by a make C=2 with CHECK=a recorder).  The C files are read
# from ROOT, a cocci_tree(), so that the base tree's versions can be
# checked without checking them out (which would make the next build
# compile them again).  SCRIPTS is a file listing the
# semantic patches; OUTFILE gets the reports ("file: message"), and
# OUTFILE.by the same with the semantic patch that made each in front.
# A report inside a function the series leaves alone is the same before
# and after it, so it can never be new, and matching every function of a
# file is most of spatch's time: deref_null alone took 84 s on 6.12's 28
# files and ran out of stack half way, and the 73 semantic patches 279 s
# together, against 110 s with only the changed functions.  So coccinelle
# reads copies of the files in which the body of every function without
# a changed line (from the blank line above it to its closing brace) is
# blank lines: line numbers stay, and so do declarations, initialisers
# and the changed functions whole.  A body is recognised in kernel style
# only, from a line "{" to the next line that starts with a brace, which
# must be "}"; anything else is left as it is.  The copies sit in a
# mirror of the tree made of symbolic links, so that their own
# #include "..." lines (also "../") still find their headers.
cocci_tree()	# cocci_tree DIR SIDE FILE...: SIDE - reads the base, + the tip
{
	local dir=$1 side=$2 f rev
	shift 2
	mirror_tree "$dir" "$@"
	for f in "$@"; do
		# The changed lines on SIDE; where lines went (",0"), the
		# lines on either side.
		[ "$side" = + ] && rev=$KS_BRANCH || rev=$base
		ks_git diff -U0 "$base" "$KS_BRANCH" -- "$f" |
			sed -n -E 's/^@@ -([0-9]+)(,([0-9]+))? \+([0-9]+)(,([0-9]+))? @@.*/\1:\3:\4:\6/p' |
			awk -F: -v side="$side" 'BEGIN { print 0 } {
				if (side == "+") { l = $3; n = $4 } else { l = $1; n = $2 }
				if (n == "") n = 1
				if (n == 0) { print l; print l + 1 }
				for (i = 0; i < n; i++) print l + i }' |
			awk 'NR == FNR { changed[$1] = 1; next }
			{ line[FNR] = $0; n = FNR }
			END {
				span = 1
				for (i = 1; i <= n; i++) {
					if (line[i] ~ /^[ \t]*$/)
						span = i + 1
					if (line[i] != "{")
						continue
					for (j = i + 1; j <= n && line[j] !~ /^[{}]/; j++)
						;
					if (j > n || line[j] != "}")
						continue
					for (k = span; k <= j && !(k in changed); k++)
						;
					if (k > j)
						for (k = i + 1; k < j; k++)
							blank[k] = 1
					i = j
					span = j + 1
				}
				for (i = 1; i <= n; i++)
					print (i in blank) ? "" : line[i]
			}' - <(ks_git show "$rev:$f") >"$dir/$f"
	done
}

cocci_check()	# cocci_check OUTFILE ROOT SCRIPTS C-FILES...
{
	local out=$1 root=$2 scripts=$3 files
	shift 3
	rm -rf "$work/cocci.d"
	mkdir -p "$work/cocci.d"
	if [ ! -f "$work/check.env" ]; then
		cat >"$work/check-env" <<-'EOS'
		#!/bin/bash
		printf 'srctree=%q\nLINUXINCLUDE=%q\nobjtree=%q\n' \
			"$srctree" "$LINUXINCLUDE" "$PWD" >"${0%/*}/check.env.new"
		EOS
		chmod +x "$work/check-env"
		kmake O="$x86" C=2 CHECK="$work/check-env" $(objects "$@") >/dev/null 2>&1 &&
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
		awk -F'\t' -v root="$root/" 'index($2, root) == 1 || $2 ~ /^ERROR/
			$2 ~ /^Fatal error/ { print $1 "\tERROR: spatch: " $2 }' |
		sed "s|\t$root/|\t|" | unnumber | sort -u >"$out.by"
	cut -f 2- "$out.by" | sort -u >"$out"
}

# kernel-doc's warnings on files of the tree, or of DIR (a copy of some).
kdoc_check()	# kdoc_check OUTFILE [-C DIR] files...
{
	local out=$1 dir=$KS_TREE
	shift
	[ "$1" != -C ] || { dir=$2; shift 2; }
	(cd "$dir" && for f in "$@"; do
		[ -f "$f" ] && "$KS_TREE/scripts/kernel-doc" -none -Wall "$f" 2>&1
	done) | sed 's|:[0-9]*:|:|' | sort -u >"$out"
}


build_gate()	# build_gate PATCH [FILES...]: build the test kernel
{
	# vmlinux, not bzImage: compressing the image checks nothing more.
	local targets="vmlinux modules"

	# Given the files the patch changes, compile, not link: see below.
	[ $# -eq 1 ] || targets=$(compile_dirs "${@:2}")
	[ -n "$targets" ] || targets=syncconfig
	kmake O="$x86" $targets >"$work/out" 2>&1
	gate "$1" build-x86 $?; grep -E 'error' "$work/out" | head -n 10
	built=1
	linked=
	[ "$targets" != "vmlinux modules" ] || linked=1
}

# Every patch but the first is compiled, not linked: make builds the
# directories of its C files, Makefiles and Kbuild files, and of every
# object whose .cmd file names a file it changes, which is what decides
# whether the patch compiles on its own.  The kernel is linked, and
# modpost checks the modules' symbols, at the first build and at the
# series' tip only: each link, of vmlinux and of every module's BTF with
# it, took 46 s here (a cold run linked five times more, 4 of them at
# patches that change Kconfig or Makefiles).  What this gives up: a
# symbol that a patch uses and only a later one defines or exports.
# A patch whose files no object names (Kconfig alone) runs syncconfig.
# The list of switches, include/linux/killswitch_list.h, is an exception:
# every call site includes it, and every switch patch appends an entry,
# which each includer expands the same way, through <linux/killswitch.h>.
# The core in kernel/ expands all of it (the enum, the names, the
# sysctls) and stands for them; the call sites are compiled where a
# patch changes them or another header, and all of them at the tip.
# Compiling them all at each switch patch took 11-24 s a patch, growing
# with the catalogue.  What this gives up: an entry changed in a way that
# breaks a call site that an earlier patch added, and a later one mends.
compile_dirs()	# compile_dirs FILES...
{
	local d list=include/linux/killswitch_list.h
	{
		printf '%s\n' "$@" | grep -v '^tools/' |
			sed -n -E 's@(^|/)([^/]*\.c|Makefile|Kbuild)$@\1@p'
		printf '%s\n' "$@" | grep -q -x -F "$list" && echo kernel/
		grep -r -l -F --include='.*.cmd' \
			-f <(printf "$KS_TREE/%s\n" "$@" | grep -v -x -F "$KS_TREE/$list") "$x86" |
			sed "s|^$x86/||; s|[^/]*$||"
	} | sort -u | while read -r d; do
		[ -n "$d" ] && [ -f "$KS_TREE/${d}Makefile" ] && echo "$d"
	done
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
	local mine st=0

	mine=$(for f in $added_c; do [ -f "$KS_TREE/$f" ] && echo "$f"; done)
	: >"$work/out"
	[ -z "$mine" ] || kmake O="$x86" W=1 KBUILD_NOCMDDEP=1 \
		$(printf '%s\n' $mine | sed 's/\.c$/.s/') >"$work/out" 2>&1 || st=$?
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
	sparse_base "$work/sparse.base" $base_c
	new "$work/sparse.base" "$work/sparse" >"$work/out"
	[ ! -s "$work/out" ]
	gate "$1" sparse $? "new sparse warnings"; show "$work/out"
}

# The per-patch builds reuse the VM kernel's build directory.  Before a
# build at a patch that changes a Kconfig file, the fragments are merged
# again: at an earlier patch the options that do not exist yet were
# dropped.  syncconfig, not olddefconfig: it also writes what the build
# would otherwise read Kconfig again for (include/config/auto.conf, 7 s
# on 6.12).  It asks for the value of a new option the fragments do not
# set, as the build's own syncconfig would: from /dev/null, it takes the
# default, as olddefconfig does.  A .config that comes out the same keeps
# its time, so that nothing takes it for a new configuration.
reconfig()
{
	cp -p "$x86/.config" "$work/config.before"
	cat "$work/x86.fragment" >>"$x86/.config"
	kmake O="$x86" syncconfig </dev/null >/dev/null 2>&1
	! cmp -s "$work/config.before" "$x86/.config" ||
		touch -r "$work/config.before" "$x86/.config"
}

series_files=$(ks_git diff --name-only "$base" "$KS_BRANCH")
added=$(ks_git diff --name-only --diff-filter=A "$base" "$KS_BRANCH" | grep -v '^tools/')
added_c=$(printf '%s\n' $added | grep '\.c$')
maint=$(sed -n 's/^M:\t//p' "$KS_TOP/MAINTAINERS.snippet")
snippet_files=$(sed -n 's/^F:\t//p' "$KS_TOP/MAINTAINERS.snippet")

ks_log "configuring the per-patch builds"
"$KS_TOP/scripts/build-vm.sh" --config-only >/dev/null
ks_vm_fragments | xargs cat >"$work/x86.fragment"
# The per-patch builds reconfigure the VM kernel's build directory, so
# its stamp (build-vm.sh's "configured from these fragments") goes until
# the tip's configuration is back: then build-vm.sh need not configure
# it again (tinyconfig and the merge take 25 s).
cp "$x86/.config" "$work/x86.config"
mv "$x86/.config-inputs" "$work/x86.config-inputs"

touched_c=$(printf '%s\n' $series_files | grep '\.c$' | grep -v '^tools/')

# The touched C files the base tree has, and their kernel-doc warnings
# there (sparse's come at the end, see sparse_base()).
base_c=$(for f in $touched_c; do ks_git cat-file -e "$base:$f" 2>/dev/null && echo "$f"; done)
ks_log "configuring the build, kernel-doc on the base tree's files"
reconfig
kmake O="$x86" prepare >/dev/null 2>&1
mkdir -p "$work/kdoc-base"
for f in $series_files; do
	ks_git cat-file -e "$base:$f" 2>/dev/null || continue
	mkdir -p "$work/kdoc-base/$(dirname "$f")"
	ks_git show "$base:$f" >"$work/kdoc-base/$f"
done
kdoc_check "$work/kdoc.base" -C "$work/kdoc-base" $series_files
g="configuration and baselines"
gates+=("$g")
spent[$g]=$((SECONDS - since))
ks_log "configuration and baselines took $((SECONDS - since)) s"
since=$SECONDS

n=0
built=
linked=
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

	(cd "$KS_TREE" && perl scripts/checkpatch.pl --strict --terse --no-tree \
		"$KS_PATCHES/$p") >"$work/out" 2>&1
	gate "$p" checkpatch $? "$(grep '^total:' "$work/out")"
	grep -v '^total:' "$work/out" | sed 's/^/    /'
	# What git am warns about and checkpatch lets through: a blank
	# line added at the end of a file.
	ks_git diff --check "$c~1" "$c" >"$work/out" 2>&1
	gate "$p" whitespace $? "git diff --check"; show "$work/out"

	if [ "$KS_PER_PATCH_BUILDS" -eq 1 ]; then
		if ! reads "$x86" $files; then
			echo "SKIP $p: build-x86: the build reads no file it changes"
		else
			# Only a Kconfig change can make the merged fragments
			# come out differently (syncconfig alone costs seconds).
			! printf '%s\n' $files | grep -q -E '(^|/)Kconfig' || reconfig
			if [ -z "$built" ]; then
				build_gate "$p"
			else
				build_gate "$p" $files
			fi
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
# The series' tip links (the checkout left the tip's files' times alone).
[ "$KS_PER_PATCH_BUILDS" -eq 0 ] || [ -n "$linked" ] || build_gate series
if [ "$KS_PER_PATCH_BUILDS" -eq 0 ]; then
	ks_log "base $KS_BASE: the x86 kernel builds once, for the whole series"
	reconfig
	build_gate series
fi
# A checker's warning is one about the code as the series leaves it: W=1
# and sparse run once, on the tip.  Per patch they took 257 s of a cold
# run on 6.12: two starts of make at each of 16 patches, each walking
# prepare and the tools.
w1_gate series
sparse_gate series $touched_c

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

# The catalogue, include/linux/killswitch_list.h, and its documentation
# agree; and the check fails on a copy whose first switch lost its
# admin-guide section, and on one whose disable_<name> entry was renamed.
"$KS_TOP/scripts/check-catalogue.sh" >"$work/out" 2>&1
gate series catalogue $? "the catalogue and its documentation disagree"; show "$work/out"
first=$(sed -n 's/^KILLSWITCH(\([a-z0-9_]*\),.*/\1/p' "$KS_TREE/include/linux/killswitch_list.h" | head -n 1)
copy=$work/catalogue
mkdir -p "$copy/include/linux" "$copy/Documentation/admin-guide"
cp "$KS_TREE/include/linux/killswitch_list.h" "$copy/include/linux/"
cp "$KS_TREE"/Documentation/admin-guide/{killswitch.rst,kernel-parameters.txt} \
	"$copy/Documentation/admin-guide/"
sed -i "/^$first\$/{N;d}" "$copy/Documentation/admin-guide/killswitch.rst"
! "$KS_TOP/scripts/check-catalogue.sh" "$copy" >"$work/out" 2>&1 &&
	grep -q -x "$first: no section in the catalogue of .*" "$work/out"
gate series "catalogue fails without an admin-guide entry" $? "not refused: $(cat "$work/out")"
cp "$KS_TREE/Documentation/admin-guide/killswitch.rst" "$copy/Documentation/admin-guide/"
sed -i "s/^\tdisable_$first /\tdisable_${first}x /" "$copy/Documentation/admin-guide/kernel-parameters.txt"
! "$KS_TOP/scripts/check-catalogue.sh" "$copy" >"$work/out" 2>&1 &&
	grep -q -x "$first: no disable_$first entry in .*" "$work/out" &&
	grep -q -x "${first}x: disable_${first}x in .*, but no such switch" "$work/out"
gate series "catalogue fails on a kernel-parameters entry of no switch" $? \
	"not refused: $(cat "$work/out")"
cp "$KS_TREE/Documentation/admin-guide/kernel-parameters.txt" "$copy/Documentation/admin-guide/"
knob=$(awk '$0 == "Existing knobs" { k = 1 } k && /^-+$/ { print prev; exit } { prev = $0 }' \
	"$copy/Documentation/admin-guide/killswitch.rst")
sed -i "/^$knob\$/{s/\$/x/;n;s/\$/-/}" "$copy/Documentation/admin-guide/killswitch.rst"
! "$KS_TOP/scripts/check-catalogue.sh" "$copy" "$KS_TREE" >"$work/out" 2>&1 &&
	[ -n "$knob" ] && grep -q -x "${knob}x: in the existing knobs of .*, but this tree has no such sysctl" "$work/out" &&
	[ "$(wc -l <"$work/out")" = 1 ]
gate series "catalogue fails on a knob the tree lacks" $? "not refused: $(cat "$work/out")"

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
cocci_tree "$work/cocci.tip" + $touched_c
cocci_check "$work/cocci" "$work/cocci.tip" "$work/cocci.scripts" $touched_c
: >"$work/cocci.base"
reported=$(for f in $base_c; do grep -q "^$f:" "$work/cocci" && echo "$f"; done)
if [ -n "$reported" ]; then
	awk -F'\t' 'NR == FNR { want[$0] = 1; next }
		{ f = $2; sub(/:.*/, "", f) } f in want { print $1 }' \
		<(printf '%s\n' $reported) "$work/cocci.by" | sort -u >"$work/cocci.rescan"
	ks_log "coccinelle reported on $(echo $reported): checking the base tree's versions with what reported ($(xargs -n 1 basename <"$work/cocci.rescan" | xargs))"
	cocci_tree "$work/cocci.base-tree" - $reported
	cocci_check "$work/cocci.base" "$work/cocci.base-tree" "$work/cocci.rescan" $reported
fi
new "$work/cocci.base" "$work/cocci" >"$work/out"
[ ! -s "$work/out" ]
gate series coccinelle $? "new coccinelle reports"; show "$work/out"

# The configuration a vendor builds: Debian's own plus the series,
# without function overrides (their default, and what no other build
# here compiles: the VM kernel has them), then with them.  Every object
# the series touches is compiled the first time; the second time only
# the core's, the only ones that read CONFIG_KILLSWITCH_DYNAMIC.  (It
# selects FUNCTION_ERROR_INJECTION, which Debian leaves off and nearly
# every object depends on: compiling them all again took 77 s of a cold
# run and checks nothing of the series'.)
# Without debug information (Debian builds with it): it changes no
# warning, and costs compile time (40% of fs/splice.o's, measured).
# prepare too, or every make would build its parts again for the other
# flags.
vmake() { KCFLAGS="$KCFLAGS -g0" kmake O="$vendor" "$@"; }
mkdir -p "$vendor"
for dynamic in '# CONFIG_KILLSWITCH_DYNAMIC is not set' 'CONFIG_KILLSWITCH_DYNAMIC=y'; do
	ks_log "vendor config: configs/debian-$KS_BASE-amd64.config + CONFIG_KILLSWITCH=y, $dynamic"
	cp "$KS_TOP/configs/debian-$KS_BASE-amd64.config" "$vendor/.config"
	printf 'CONFIG_KILLSWITCH=y\n%s\n' "$dynamic" >>"$vendor/.config"
	# As in reconfig(): Debian's config lacks a few options of the
	# source (their defaults are taken, with a complaint each).
	kmake O="$vendor" syncconfig </dev/null >/dev/null 2>&1
	grep -q '^CONFIG_KILLSWITCH=y' "$vendor/.config" && vmake prepare >/dev/null 2>&1
	objs=$(objects $touched_c)
	[ "$dynamic" = 'CONFIG_KILLSWITCH_DYNAMIC=y' ] && objs=$(printf '%s\n' $objs | grep '^kernel/')
	vendor_objs=$(for o in $objs; do configured "$vendor/.config" "$o" && echo "$o"; done)
	vmake $vendor_objs >"$work/out" 2>&1
	st=$?
	[ "$st" -eq 0 ] && [ -n "$vendor_objs" ] && ! grep -q 'warning:' "$work/out"
	gate series vendor $? "$dynamic: $(echo $vendor_objs | wc -w) objects built with Debian's config: $(echo $vendor_objs)"
	show "$work/out"
done
for g in "${gates[@]}"; do
	ks_stage "review gates / $g" "${spent[$g]}"
done
exit $fail
