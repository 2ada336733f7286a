# SPDX-License-Identifier: GPL-2.0
# Common settings for the kill-switch scripts; source it, do not run it.
#
# KS_BASE selects the vendor kernel the series is carried on.  The pinned
# Debian package versions live here and nowhere else.

KS_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# The vendor bases the series is carried on; the first is the default.
KS_BASES="6.12 6.1"
KS_BASE=${KS_BASE:-6.12}
KS_CACHE=${KS_CACHE:-$HOME/.cache/killswitch}
KS_JOBS=${KS_JOBS:-$(nproc)}

# The identity every commit and patch of the series carries.
KS_NAME="Kill Switch Developers"
KS_EMAIL="killswitch@lists.invalid"

case "$KS_BASE" in
6.12)
	KS_PKG=linux-source-6.12
	KS_PIN=6.12.117-1~deb12u1
	KS_PATCHES=$KS_TOP/patches
	KS_PER_PATCH_BUILDS=1
	# Debian's stock kernel of the same version, for the live patches
	KS_ABI=6.12.117+deb12-amd64
	;;
6.1)
	KS_PKG=linux-source-6.1
	KS_PIN=6.1.192-2
	KS_PATCHES=$KS_TOP/patches/6.1
	# The backport is built, and checked with W=1 and sparse, once as a
	# whole, to keep CI within its time budget; review-gates.sh says so
	# in its output.
	KS_PER_PATCH_BUILDS=0
	KS_ABI=6.1.0-56-amd64
	;;
*)
	echo "lib.sh: unknown base '$KS_BASE' (known: $KS_BASES)" >&2
	exit 2
	;;
esac

KS_TREE=$KS_TOP/kernel-tree/linux-$KS_BASE
KS_BRANCH=killswitch

# Kernel builds compile through ccache (prepend this to PATH), unless it
# is off (CCACHE_DISABLE, as in CI): disabled, its wrapper still costs an
# exec per compiler run, 40 ms each measured here (and kbuild runs the
# compiler dozens of times per make just to probe its options).
KS_CCACHE_PATH=/usr/lib/ccache:
[ -z "${CCACHE_DISABLE:-}" ] || KS_CCACHE_PATH=

# Every kernel these scripts build compiles without GCC's variable
# tracking: the debug info of the test kernels is there for BTF, which
# pahole makes from types, not from where variables live, and the
# compiles are about 8% faster (measured on 18 large objects of the VM
# kernel).  The machine code is the same (objdump -d of four objects
# compared): variable tracking only writes debug info.  Exported once,
# so that every make in a build directory sees the same flags; a make by
# hand in $KS_CACHE without them rebuilds it all.
case " ${KCFLAGS:-} " in
*" -fno-var-tracking "*) ;;
*) export KCFLAGS="${KCFLAGS:+$KCFLAGS }-fno-var-tracking" ;;
esac

ks_log() { printf '==> %s\n' "$*" >&2; }
ks_warn() { printf 'WARNING: %s\n' "$*" >&2; }
ks_die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# ks_stage NAME SECONDS: record a stage of the test command for the time
# table run-tests.sh prints at the end (when it has set KS_STAGES).
ks_stage() {
	[ -z "${KS_STAGES:-}" ] || printf '%s\t%s\t%s\n' "$KS_BASE" "$1" "$2" >>"$KS_STAGES"
}

# Git ref names may not contain '~': debian/6.12.117-1_deb12u1.
ks_base_tag() { printf 'debian/%s' "${1//\~/_}"; }

# Run git in the kernel tree with the project identity and a fixed hash
# abbreviation, whatever the user's configuration (or the size of the
# object store, which git's automatic abbreviation depends on) says.  No
# automatic gc: after the base commit's 80000 loose objects it would pack
# them in the background for minutes, beside the kernel builds.
ks_git() {
	git -C "$KS_TREE" -c user.name="$KS_NAME" -c user.email="$KS_EMAIL" \
		-c core.editor=true -c format.signoff=false -c core.abbrev=12 \
		-c gc.auto=0 "$@"
}

# Kconfig fragments of the QEMU test kernel, merged over tinyconfig; with
# KS_VM_SANITIZERS=1, also configs/sanitizers.config (make stress).
ks_vm_fragments() {
	printf '%s\n' "$KS_TOP/configs/qemu-x86_64.config" \
		"$KS_TREE/tools/testing/selftests/killswitch/config"
	[ "${KS_VM_SANITIZERS:-0}" = 0 ] || echo "$KS_TOP/configs/sanitizers.config"
}

# What the results of that kernel's boots are named after: vm, or
# vm-sanitizers with KS_VM_SANITIZERS=1.
ks_vm_name() {
	if [ "${KS_VM_SANITIZERS:-0}" = 0 ]; then
		echo vm
	else
		echo vm-sanitizers
	fi
}

# Where that kernel is built and its VM made: $KS_CACHE/vm-<base>, or
# vm-<base>-sanitizers with KS_VM_SANITIZERS=1.
ks_vm_dir() {
	if [ "${KS_VM_SANITIZERS:-0}" = 0 ]; then
		echo "$KS_CACHE/vm-$KS_BASE"
	else
		echo "$KS_CACHE/vm-$KS_BASE-sanitizers"
	fi
}

# ks_configure TREE BUILD WHAT SKIP FRAGMENT...: configure the kernel of
# TREE in BUILD as tinyconfig + the fragments, in that order, unless the
# fragments are those it was last configured from (keeps rebuilds short).
# Dies naming every option the fragments set that the .config does not
# have so (the last setting of each wins, as in merge_config.sh), except
# options matching the regular expression SKIP, if not empty.
ks_configure() {
	local tree=$1 build=$2 what=$3 skip=$4 stamp missing
	shift 4
	mkdir -p "$build"
	stamp=$(cat "$@" | sha256sum | cut -d' ' -f1)
	[ "$(cat "$build/.config-inputs" 2>/dev/null)" = "$stamp" ] && return 0
	ks_log "configuring $what (tinyconfig + fragments)"
	make -s -C "$tree" O="$build" tinyconfig >/dev/null
	"$tree/scripts/kconfig/merge_config.sh" -m -O "$build" \
		"$build/.config" "$@" >/dev/null
	make -s -C "$tree" O="$build" olddefconfig >/dev/null
	missing=$(awk -v skip="$skip" '
		FNR == NR { have[$0] = 1; next }
		/^CONFIG_[A-Z0-9_]*=/ { sym = $0; sub(/=.*/, "", sym); want[sym] = $0; next }
		/^# CONFIG_[A-Z0-9_]* is not set$/ { want[$2] = "" }
		END {
			for (sym in want) {
				if (skip != "" && sym ~ skip)
					continue
				if (want[sym] == "" ? (sym "=y") in have || (sym "=m") in have \
						     : !(want[sym] in have))
					print (want[sym] == "" ? "# " sym " is not set" : want[sym])
			}
		}' "$build/.config" "$@")
	[ -z "$missing" ] || ks_die "the config of $what lacks: $missing"
	echo "$stamp" >"$build/.config-inputs"
}

# ks_list_switches LIST: the switches of a killswitch_list.h, one per
# line, outside any #if (only the KUnit suite's test switch is under one).
ks_list_switches() {
	awk '/^#if/ { depth++ }
	     /^#endif/ { depth-- }
	     !depth && match($0, /^KILLSWITCH\([a-z0-9_]+,/) {
		print substr($0, 12, RLENGTH - 12)
	     }' "$1"
}

# Patch files of the series, in order, as listed in the series file.
ks_series() {
	grep -v -e '^#' -e '^[[:space:]]*$' "$KS_PATCHES/series"
}

# An empty root for a VM's initramfs, and packing it: ks_vm_pack adds
# busybox, iproute2's ip, scripts/vm/ (with /init) and the few files
# they need, and any further PROGRAMs to /usr/local/sbin, then writes
# the gzipped cpio archive OUT.
ks_vm_root() {	# ks_vm_root ROOT
	rm -rf "$1"
	mkdir -p "$1"/{bin,sbin,etc,lib,lib64,proc,sys,dev,tmp,run,ks,usr/local/sbin}
}

# ks_vm_run DIR NAME KERNEL-PARAMETERS...: boot the VM of DIR (its
# bzImage and initramfs.cpio.gz) to run scenario NAME, keep its console
# in DIR/NAME.log and print its results, "PASS|FAIL|SKIP vm/NAME: <check>"
# (vm-sanitizers/NAME on the kernel with sanitizers).
ks_vm_run() {
	local dir=$1 name=$2 log=$1/$2.log start=$SECONDS vm
	shift 2
	vm=$(ks_vm_name)
	KS_VM_DIR=$dir "$KS_TOP/scripts/vm-boot.sh" "$name" "$@" >"$log" 2>&1
	tr -d '\r' <"$log" | sed -n -E 's/^KS-(PASS|FAIL|SKIP) /\1 '"$vm"'\/'"$name"': /p'
	if ! grep -q '^KS-END' "$log"; then
		echo "FAIL $vm/$name: the VM ran to the end (see $log)"
	fi
	if grep -E -q '(BUG|Oops|WARNING|Kernel panic|general protection)' "$log"; then
		echo "FAIL $vm/$name: no oops, warning or panic on the console (see $log)"
		grep -E '(BUG|Oops|WARNING|Kernel panic|general protection)' "$log" | head -5
	fi
	echo "    ($name: $((SECONDS - start)) s, console in $log)"
}

ks_vm_pack() {	# ks_vm_pack ROOT OUT [PROGRAM...]
	local root=$1 out=$2 lib prog
	shift 2

	cp /bin/busybox "$root/bin/busybox"
	# iproute2's ip (busybox's cannot do xfrm; /init exports it as $IP),
	# and coreutils' timeout, which the kselftest runner calls as
	# /usr/bin/timeout --foreground (busybox's has no such option;
	# busybox --install leaves a file already there alone).  They are
	# dynamically linked: bring their libraries and the loader along.
	mkdir -p "$root/usr/bin"
	cp /usr/bin/timeout "$root/usr/bin/timeout"
	for prog in "$(readlink -f "$(command -v ip)")" "$@"; do
		cp "$prog" "$root/usr/local/sbin/"
	done
	for lib in $(for prog in "$root"/usr/local/sbin/* "$root/usr/bin/timeout"; do
			ldd "$prog"; done | grep -o '/[^ ]*' | sort -u); do
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
	cp /etc/protocols "$root/etc/"
	printf 'root:x:0:0::/:/bin/sh\nnobody:x:1000:1000::/:/bin/sh\n' >"$root/etc/passwd"
	printf 'root:x:0:\nnobody:x:1000:\n' >"$root/etc/group"
	cp "$KS_TOP"/scripts/vm/* "$root/ks/"
	mv "$root/ks/init" "$root/init"
	(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -1 >"$out"
}
