#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boot Debian's stock kernel image in QEMU and run the live patches'
# checks in it (scripts/vm/livepatch.sh): for each live patch, the
# switch's selftest without it, with it loaded, and after it is disabled
# and removed.
#
# Usage: [KS_BASE=6.12] run-livepatch-tests.sh [ABI]   (after build-vm.sh)
#
# ABI defaults to KS_ABI (lib.sh).  The image comes from Debian's
# archive (linux-image-ABI-unsigned, and vmlinux with its symbols from
# linux-image-ABI-dbg), the live patches from
# build-livepatch.sh, the selftests from the test VM's build (they are
# static, and read only the uapi).  Of the image's modules the
# initramfs holds those of crypto, IPsec and networking, with kmod to
# load them: the kernel loads AF_ALG, ESP and the algorithms on demand.
# Before the boot, check-klp-convert.sh checks the livepatch relocations
# the build wrote, and check-livepatch-routes.sh the routes into each
# patched path in the image's vmlinux and modules.  Prints "PASS <check>" or
# "FAIL <check>" per check.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

abi=${1:-$KS_ABI}
out=$KS_CACHE/stock-$abi
img=$out/image
root=$out/root
selftests=$KS_CACHE/vm-$KS_BASE/root/kselftest

"$KS_TOP/scripts/install-deps.sh" build vm
"$KS_TOP/scripts/build-livepatch.sh" "$abi" >/dev/null ||
	{ echo "FAIL vm/livepatch: the live patches build for $abi"; exit 1; }
echo "PASS vm/livepatch: the live patches build for $abi"

if [ ! -f "$img/boot/vmlinuz-$abi" ]; then
	ks_log "fetching linux-image-$abi-unsigned"
	rm -rf "$img" "$out/deb"
	mkdir -p "$img" "$out/deb"
	(cd "$out/deb" && apt-get download -q "linux-image-$abi-unsigned" >/dev/null) &&
		dpkg-deb -x "$out"/deb/*.deb "$img" ||
		{ echo "FAIL vm/livepatch: linux-image-$abi-unsigned from the archive"; exit 1; }
	rm -rf "$out/deb"
fi
# vmlinux with its symbols, for the routes into built-in code: of the
# -dbg package (1 GB), only that file, the first in its archive.
if [ ! -f "$out/vmlinux" ]; then
	ks_log "fetching vmlinux of linux-image-$abi-dbg"
	rm -rf "$out/deb"
	mkdir -p "$out/deb"
	(cd "$out/deb" && apt-get download -q "linux-image-$abi-dbg" >/dev/null) &&
		{ dpkg-deb --fsys-tarfile "$out"/deb/*.deb 2>/dev/null || :; } |
		tar -x -O --occurrence=1 "./usr/lib/debug/boot/vmlinux-$abi" >"$out/vmlinux.part" &&
		[ -s "$out/vmlinux.part" ] && mv "$out/vmlinux.part" "$out/vmlinux" ||
		echo "FAIL vm/livepatch: vmlinux of linux-image-$abi-dbg from the archive"
	rm -rf "$out/deb" "$out/vmlinux.part"
fi
"$KS_TOP/scripts/check-klp-convert.sh" "$abi"
"$KS_TOP/scripts/check-livepatch-routes.sh" "$abi"
[ -x "$selftests/killswitch/copyfail_test" ] || "$KS_TOP/scripts/build-vm.sh" >/dev/null

ks_log "making the initramfs of the stock kernel $abi"
ks_vm_root "$root"
mods=lib/modules/$abi
mkdir -p "$root/$mods/kernel" "$root/$mods/updates"
# veth joins dirtyfrag_test's two network namespaces; splice_copy_test
# sends over vsock's loopback transport.
for d in crypto arch/x86/crypto lib/crypto net/ipv4 net/ipv6 net/xfrm net/key net/vmw_vsock \
	 drivers/net/veth.ko drivers/net/veth.ko.xz; do
	[ -e "$img/$mods/kernel/$d" ] || continue
	mkdir -p "$root/$mods/kernel/$(dirname "$d")"
	cp -a "$img/$mods/kernel/$d" "$root/$mods/kernel/$d"
done
cp "$img/$mods"/modules.{builtin,builtin.modinfo,order} "$root/$mods/"
cp "$KS_CACHE/livepatch-$abi"/*.ko "$root/$mods/updates/"
depmod -b "$root" "$abi"
cp -a "$selftests" "$root/kselftest"
# kmod, for modprobe (the kernel's request_module() too) and rmmod:
# busybox's cannot read Debian's xz-compressed modules.
for tool in modprobe insmod rmmod lsmod; do
	ln -s /usr/local/sbin/kmod "$root/sbin/$tool"
done
# ksbench times a load to the first refused call (bench/ksbench.c).
gcc -O2 -Wall -static -o "$root/ks/ksbench" "$KS_TOP/bench/ksbench.c"
ks_vm_pack "$root" "$out/initramfs.cpio.gz" "$(command -v kmod)"
cp "$img/boot/vmlinuz-$abi" "$out/bzImage"

# Two CPUs: one for ksbench's racing caller.  The boot takes 10-12 s;
# a hung one (a soft lockup, seen once with a wrong patch on 6.1) is
# killed after 120 s rather than the default 600.  Both vCPUs run on one
# host thread: under multi-threaded TCG a vCPU could still execute the
# int3 of a text_poke_bp() that had finished (Documentation/livepatch.md).
KS_VM_CPUS=2 KS_VM_TIMEOUT=120 KS_VM_QEMU_ARGS="-accel tcg,thread=single ${KS_VM_QEMU_ARGS:-}" \
	ks_vm_run "$out" livepatch | tee "$out/results.txt"
! grep -q '^FAIL ' "$out/results.txt"
