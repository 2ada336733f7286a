#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Benchmarks of the kill switches (make bench): what a disengaged switch
# costs, how fast engaging one takes effect against the alternatives,
# how much kernel it adds, and what an engaged one costs.
#
# Usage: [KS_BASE=6.12] bench.sh [--build-only] [--runs N]
#
# Uses the tree as prepare-tree.sh left it (and prepares it if missing).
# Builds three kernels from one configuration (tinyconfig, the VM test
# kernel's fragments and configs/bench.config) in $KS_CACHE/bench-$KS_BASE:
#   patched       the series applied, every switch off unless a benchmark
#                 engages one
#   unpatched     the Debian base the series applies to
#   nokillswitch  the series applied with CONFIG_KILLSWITCH=n (only its
#                 vmlinux, for the footprint)
# then boots patched and unpatched in turn, N times each (default 5),
# in two QEMU sessions (instruction-counted and wall clock, see vm_boot),
# and writes Documentation/benchmarks.tsv (every raw number) and
# Documentation/benchmarks.md (generated from it by bench-report.sh).
# Not part of make test: on 2 cores the cold builds took 1892 s, the
# measurements 1416 s.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

build_only=0
runs=5
while [ $# -gt 0 ]; do
	case "$1" in
	--build-only) build_only=1 ;;
	--runs)
		[ $# -ge 2 ] || ks_die "--runs wants a number"
		runs=$2
		shift
		;;
	*) ks_die "usage: bench.sh [--build-only] [--runs N]" ;;
	esac
	shift
done
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || ks_die "--runs wants a positive number, not '$runs'"

"$KS_TOP/scripts/install-deps.sh" build vm
[ -d "$KS_TREE/.git" ] || "$KS_TOP/scripts/prepare-tree.sh"

bench=$KS_CACHE/bench-$KS_BASE
unpatched_tree=$KS_TOP/kernel-tree/linux-$KS_BASE-unpatched
mkdir -p "$bench"
export PATH=$KS_CCACHE_PATH$PATH

mapfile -t fragments < <(ks_vm_fragments)
fragments+=("$KS_TOP/configs/bench.config")
echo '# CONFIG_KILLSWITCH is not set' >"$bench/nokillswitch.config"

# The unpatched kernel is the base commit, checked out beside the tree.
if [ ! -d "$unpatched_tree" ]; then
	ks_log "checking out the unpatched base in $unpatched_tree"
	ks_git worktree add -q --detach "$unpatched_tree" "$(ks_base_tag "$KS_PIN")" >/dev/null
fi

# build_kernel VARIANT TREE TARGET...: configure (when an input changed)
# and build one benchmark kernel in $bench/VARIANT/build.
build_kernel()
{
	local variant=$1 tree=$2 build=$bench/$1/build frags skip=
	shift 2
	frags=("${fragments[@]}")
	[ "$variant" = nokillswitch ] && frags+=("$bench/nokillswitch.config")
	# Outside "patched" the series' own options are not checked: they do
	# not exist there, or nokillswitch.config switches them off.
	[ "$variant" = patched ] || skip=KILLSWITCH
	ks_configure "$tree" "$build" "the $variant benchmark kernel" "$skip" "${frags[@]}"
	ks_log "building the $variant benchmark kernel ($*)"
	make -s -C "$tree" O="$build" -j"$KS_JOBS" "$@"
}

t0=$SECONDS
build_kernel patched "$KS_TREE" bzImage modules
build_kernel unpatched "$unpatched_tree" bzImage modules
build_kernel nokillswitch "$KS_TREE" vmlinux
ks_log "benchmark kernels built in $((SECONDS - t0)) s"
[ "$build_only" = 1 ] && exit 0

# One row per number: the QEMU session it was measured in ("-" for what
# the host measures on the build), the kernel, the run, and what it is.
tsv=$bench/benchmarks.tsv
session=-
row() {	# row VARIANT RUN GROUP NAME VALUE UNIT
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$session" "$@" >>"$tsv"
}
printf '# session\tvariant\trun\tgroup\tname\tvalue\tunit\n' >"$tsv"

ks_log "building ksbench and the benchmark modules"
gcc -O2 -Wall -Wextra -Werror -static -o "$bench/ksbench" "$KS_TOP/bench/ksbench.c"
rm -rf "$bench/modules-src"
mkdir -p "$bench/modules-src"
cp "$KS_TOP"/bench/Kbuild "$KS_TOP"/bench/ks_bench_*.c "$KS_TOP"/livepatch/killswitch_copyfail.c \
	"$KS_TOP"/livepatch/killswitch_livepatch.h "$bench/modules-src/"
make -s -C "$KS_TREE" O="$bench/patched/build" M="$bench/modules-src" modules

# The initramfs of each booted kernel: its modules, ksbench, scripts/vm/;
# the patched one also gets the benchmark modules.
for variant in patched unpatched; do
	root=$bench/$variant/root
	tree=$KS_TREE
	[ "$variant" = unpatched ] && tree=$unpatched_tree
	ks_vm_root "$root"
	make -s -C "$tree" O="$bench/$variant/build" INSTALL_MOD_PATH="$root" \
		INSTALL_MOD_STRIP=1 modules_install >/dev/null
	cp "$bench/ksbench" "$root/ks/"
	[ "$variant" = patched ] && cp "$bench"/modules-src/*.ko "$root/ks/"
	ks_vm_pack "$root" "$bench/$variant/initramfs.cpio.gz"
	cp "$bench/$variant/build/arch/x86/boot/bzImage" "$bench/$variant/"
done

# What the run was made on and with.
row - - meta base "$KS_PKG $KS_PIN" -
row - - meta release "$(cat "$bench/patched/build/include/config/kernel.release")" -
row - - meta cpu "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)" -
row - - meta cores "$(nproc)" -
row - - meta qemu "$(qemu-system-x86_64 --version | head -n 1)" -
row - - meta gcc "$(gcc --version | head -n 1)" -
row - - meta date "$(date -u +%Y-%m-%d)" -
row - - meta runs "$runs" -

ks_log "measuring the footprint"
for variant in patched unpatched nokillswitch; do
	read -r text data bss _ < <(size "$bench/$variant/build/vmlinux" | tail -n 1)
	row "$variant" - vmlinux text "$text" bytes
	row "$variant" - vmlinux data "$data" bytes
	row "$variant" - vmlinux bss "$bss" bytes
done
for obj in "$bench"/patched/build/kernel/killswitch*.o; do
	case "$obj" in *_test.o|*.mod.o) continue ;; esac
	read -r text data bss _ < <(size "$obj" | tail -n 1)
	row patched - object "kernel/${obj##*/}" "$text" text-bytes
	row patched - object "kernel/${obj##*/}" "$((data + bss))" data-bytes
done
# Every module whose text or data the series changes.
(cd "$bench/patched/build" && find . -name '*.ko' | sed 's|^\./||' | sort) |
while read -r ko; do
	[ -f "$bench/unpatched/build/$ko" ] || continue
	p=$(size "$bench/patched/build/$ko" | awk 'END { print $1, $2 + $3 }')
	u=$(size "$bench/unpatched/build/$ko" | awk 'END { print $1, $2 + $3 }')
	[ "$p" = "$u" ] && continue
	row patched - module "$ko" "${p% *}" text-bytes
	row patched - module "$ko" "${p#* }" data-bytes
	row unpatched - module "$ko" "${u% *}" text-bytes
	row unpatched - module "$ko" "${u#* }" data-bytes
done

ks_log "disassembling the call sites"
# The switches in the order of enum killswitch_id, which the list makes.
mapfile -t switches < <(sed -n 's/^KILLSWITCH(\([a-z0-9_]*\),.*/\1/p' \
			"$KS_TREE/include/linux/killswitch_list.h")
[ "${#switches[@]}" -gt 0 ] || ks_die "no KILLSWITCH() entries in include/linux/killswitch_list.h"
# insn_at FN OFFSET: "length bytes instruction" at FN+OFFSET of
# vmlinux.o.  objtool turns a built-in site's jump into a NOP in
# vmlinux.o (IBT, link mode), not in the object compiled on its own.
objdump -t "$bench/patched/build/vmlinux.o" >"$bench/patched/vmlinux.syms"
insn_at()
{
	local sym addr
	sym=$(awk -v fn="$1" '$NF == fn { n++; s = $1 " " $(NF - 2) }
			      END { if (n == 1) print s }' "$bench/patched/vmlinux.syms")
	[ -n "$sym" ] || ks_die "$1 is not exactly one function of vmlinux.o"
	addr=$((16#${sym% *} + $2))
	objdump -d -j "${sym#* }" --start-address="$addr" --stop-address="$((addr + 16))" \
		"$bench/patched/build/vmlinux.o" |
	awk -v at="$(printf '%x' "$addr")" '$1 == at ":" {
		split($0, f, "\t"); bytes = f[2]; gsub(/ /, "", bytes)
		print length(bytes) / 2, bytes, f[3]; exit }'
}
# A kill-switch site is an entry of __jump_table whose key is in
# killswitch_keys.  An entry is three relocations, code, target and key:
# the site is the code reference two lines before the key's.  Looked for
# in every module and in every object linked into vmlinux (vmlinux.a
# lists them), so that a built-in site is named by its own object.
for obj in $(cd "$bench/patched/build" &&
	     { find . -name '*.ko' | sed 's|^\./||'; ar t vmlinux.a; } | sort); do
	path=$bench/patched/build/$obj
	# (objdump fails on an object without __jump_table: no sites)
	sites=$({ objdump -r -j __jump_table "$path" 2>/dev/null || :; } |
		awk '$3 ~ /^killswitch_keys/ { print code "," $3 } { code = prev; prev = $3 }')
	[ -n "$sites" ] || continue
	# The uses in the source: a module's objects are listed in its .mod.
	members=$obj
	[ "${obj%.ko}" = "$obj" ] || members=$(cat "$bench/patched/build/${obj%.ko}.mod")
	uses=0
	for member in $members; do
		src=$KS_TREE/${member%.o}.c
		[ -f "$src" ] || continue
		uses=$((uses + $(grep -c -E 'KILLSWITCH_POINT\(|killswitch_engaged(_if)?\(' "$src" || :)))
	done
	row patched - callsites-source "$obj" "$uses" sites
	row patched - callsites-jumps "$obj" "$(wc -l <<<"$sites")" entries
	for entry in $sites; do
		ref=${entry%,*}
		sec=${ref%%+*}
		off=$((${ref#*+}))
		# killswitch_keys+16*id (+1 for a likely branch): the switch
		key=${entry#*,}
		key=${key#killswitch_keys}
		switch=${switches[$(( ${key:-0} / 16 ))]}
		objdump -d -j "$sec" --start-address="$off" --stop-address="$((off + 16))" "$path" |
		awk -v obj="$obj" -v off="$(printf '%x' "$off")" '
			/^[0-9a-f]+ <.*>:$/ { where = $2; gsub(/[<>:]/, "", where) }
			$1 == off ":" {
				split($0, f, "\t"); bytes = f[2]; gsub(/ /, "", bytes)
				print obj ":" where, length(bytes) / 2, bytes, f[3]
			}' |
		while read -r site len bytes insn; do
			fn=${site#*:}
			[ "${obj%.ko}" != "$obj" ] ||
				read -r len bytes insn < <(insn_at "${fn%+*}" "$((${fn#*+}))")
			row patched - site "$site" "$len" bytes
			row patched - site-switch "$site" "$switch" -
			row patched - site-insn "$site" "$bytes $insn" -
			fn=${fn%+*}
			for variant in patched unpatched; do
				# (the unpatched build lacks the series' own modules)
				size=$({ nm -S "$bench/$variant/build/$obj" 2>/dev/null || :; } |
				       awk -v fn="$fn" '$4 == fn && !n++ { print $2 }')
				if [ -n "$size" ]; then
					row "$variant" - fnsize "$obj:$fn" "$((16#$size))" bytes
				fi
			done
		done
	done
done

# Every benchmark boot: two CPUs and no clocksource watchdog, which on a
# loaded host would swap the TSC for jiffies halfway through.  Two
# sessions, each measuring everything:
#   icount  QEMU counts instructions and the guest's clock follows the
#           count (one instruction a nanosecond): deterministic, blind to
#           what an instruction costs (a rep movs counts once)
#   wall    plain TCG, the guest's clock follows the host's, with the
#           host's noise; the TSC's frequency is calibrated once and given
vm_boot()	# vm_boot VARIANT SCENARIO [KERNEL PARAMETER...]
{
	local qemu= clock=
	if [ "$session" = icount ]; then
		qemu="-icount shift=0,sleep=off"
	else
		clock=tsc_early_khz=$tsc_khz
	fi
	KS_VM_QEMU_ARGS=$qemu KS_VM_DIR=$bench/$1 KS_VM_CPUS=2 \
		"$KS_TOP/scripts/vm-boot.sh" "bench-$2" tsc=reliable $clock "${@:3}"
}

# Under TCG the guest's TSC runs at the host's rate, but the guest's
# calibration against the PIT fails now and then (one boot in three
# here), leaving it on jiffies: 4 ms steps.  Calibrate in a boot of its
# own and give every benchmark boot the same frequency, so that no boot's
# times are off by its own calibration.
calibrate_tsc()
{
	local try mhz log=$bench/patched/calibrate.log
	for try in 1 2 3 4 5 6; do
		KS_VM_DIR=$bench/patched KS_VM_CPUS=2 "$KS_TOP/scripts/vm-boot.sh" \
			bench-reboot disable_copyfail >"$log" 2>&1 || true
		mhz=$(tr -d '\r' <"$log" |
		      sed -n 's/.*tsc: Detected \([0-9.]*\) MHz processor.*/\1/p' | head -n 1)
		[ -n "$mhz" ] && break
	done
	[ -n "$mhz" ] || ks_die "the VM's TSC did not calibrate in 6 boots (console in $log)"
	row - - meta tsc "$mhz MHz" -
	tsc_khz=$(awk -v mhz="$mhz" 'BEGIN { printf "%d", mhz * 1000 }')
}

# bench_boot VARIANT SCENARIO RUN: boot the variant with bench.sh
# SCENARIO and keep its results.  A boot whose TSC could not be
# calibrated is tried again (twice at most).  Any error, oops or warning
# ends the benchmark: a number from a broken run is no number.
bench_boot()
{
	local variant=$1 scenario=$2 run=$3 log=$bench/$1/$session-$2-$3.log try
	for try in 1 2 3; do
		vm_boot "$variant" "$scenario" KSB_SECONDS="$seconds" KSB_REPS="$reps" \
			>"$log" 2>&1 || true
		grep -q KSB-RETRY "$log" || break
		ks_warn "$variant: bench-$scenario, run $run: $(tr -d '\r' <"$log" | sed -n 's/.*KSB-RETRY //p')"
	done
	if ! grep -q '^KS-END' "$log" || grep -q 'KSB-ERROR\|KSB-RETRY' "$log" ||
	   grep -E -q '(BUG|Oops|WARNING|Kernel panic|general protection)' "$log"; then
		grep -E 'KSB-ERROR|ksbench:|BUG|Oops|WARNING|panic' "$log" | head -n 5 >&2
		ks_die "$variant: bench-$scenario, run $run, failed (console in $log)"
	fi
	tr -d '\r' <"$log" | awk -v s="$session" -v v="$variant" -v r="$run" -v OFS='\t' \
		'$1 == "KSB" && NF == 5 { print s, v, r, $2, $3, $4, $5 }' >>"$tsv"
}

# Time a reboot into a kernel that has the path closed from the start:
# from starting QEMU to user space seeing the splice refused.
reboot_time()
{
	local run=$1 log=$bench/patched/$session-reboot-$1.log start line
	start=$(date +%s%N)
	vm_boot patched reboot disable_copyfail 2>&1 |
	while IFS= read -r line; do
		case "$line" in
		*KSB-REFUSED*)
			row patched "$run" mitigate reboot-refused \
				"$(($(date +%s%N) - start))" ns
			;;
		esac
		printf '%s\n' "$line"
	done >"$log"
	grep -q KSB-REFUSED "$log" ||
		ks_die "patched: booting with disable_copyfail did not close the path (console in $log)"
}

# One session: every run boots patched and unpatched with the loops
# (alternating which goes first, so that a drift of the host favours
# neither), the patched kernel with the switch benchmarks, and a reboot.
# Instruction counts do not vary: one pass of each loop per boot does.
bench_session()
{
	local run seconds=2 reps=3
	[ "$session" = icount ] && { seconds=0.5; reps=1; }
	row - - meta seconds "$seconds" s
	row - - meta reps "$reps" -
	for run in $(seq 1 "$runs"); do
		ks_log "$session session: run $run of $runs"
		if [ $((run % 2)) = 1 ]; then
			bench_boot patched loops "$run"
			bench_boot unpatched loops "$run"
		else
			bench_boot unpatched loops "$run"
			bench_boot patched loops "$run"
		fi
		bench_boot patched switches "$run"
		reboot_time "$run"
	done
}

t0=$SECONDS
calibrate_tsc
for session in icount wall; do
	bench_session
done
ks_log "boots done in $((SECONDS - t0)) s"

cp "$tsv" "$KS_TOP/Documentation/benchmarks.tsv"
"$KS_TOP/scripts/bench-report.sh" "$KS_TOP/Documentation/benchmarks.tsv" \
	>"$KS_TOP/Documentation/benchmarks.md"
ks_log "wrote Documentation/benchmarks.md and Documentation/benchmarks.tsv"
