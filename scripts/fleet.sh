#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make fleet: the Ansible role (fleet/) on a fleet of three QEMU VMs with
# a Debian 12 userspace made by mmdebstrap, each booting through a boot
# loader its own tools set up:
#   ks612  the patched 6.12 kernel (configs/fleet.config), through GRUB
#          from the grub.cfg its update-grub wrote
#   ks61   the patched 6.1 kernel, the same way
#   stock  Debian's own linux-image-$KS_ABI, which has the live patches,
#          through UEFI (OVMF) and systemd-boot, from the entries its
#          kernel-install wrote with /etc/kernel/cmdline
# One ansible-playbook run engages copyfail by its CVE ID on all three;
# a probe with real system calls (fleet/copyfail-probe.c) then finds the
# path closed on each and copied AEAD still working.  A second run and
# a --check run change nothing; ks612 and stock reboot with the boot
# parameter (from GRUB and from systemd-boot), the sysctl and the live
# patch in place; the rollback play opens the path again and leaves none
# of the role's files; a target the catalogue does not know changes
# nothing; on stock, switches without a live patch take their fallback,
# or are reported as not protected.  Prints PASS/FAIL lines and
# "N passed, N failed".
#
# Usage: fleet.sh   (KS_FLEET_PORT: the first of three SSH ports on
#                    127.0.0.1, default 10022)
set -uo pipefail
. "$(dirname "$0")/lib.sh"

dir=$KS_CACHE/fleet
port0=${KS_FLEET_PORT:-10022}
vms=(ks612 ks61 stock)
cve=CVE-2026-31431
passed=0
failed=0
start=$SECONDS

check() {	# check TEXT COMMAND...
	local text=$1
	shift
	if "$@"; then
		echo "PASS fleet: $text"
		passed=$((passed + 1))
	else
		echo "FAIL fleet: $text"
		failed=$((failed + 1))
	fi
}

# A step the rest cannot go on without failed: count it and stop.
give_up() {	# give_up TEXT
	echo "FAIL fleet: $1"
	failed=$((failed + 1))
	finish
}

finish() {
	stop_vms
	echo
	echo "fleet, $((SECONDS - start)) s"
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}

"$KS_TOP/scripts/install-deps.sh" build vm ansible fleet || exit 1
mkdir -p "$dir"

# --- what the VMs boot ------------------------------------------------------

for base in 6.12 6.1; do
	[ -d "$KS_TOP/kernel-tree/linux-$base/.git" ] ||
		KS_BASE=$base "$KS_TOP/scripts/prepare-tree.sh" || exit 1
	KS_BASE=$base "$KS_TOP/scripts/build-fleet-kernel.sh" || exit 1
done
KS_BASE=6.12 "$KS_TOP/scripts/build-livepatch.sh" >/dev/null || exit 1
"$KS_TOP/scripts/catalogue.sh" "$dir/catalogue" || exit 1
abi=$(KS_BASE=6.12 bash -c '. "$0"; echo "$KS_ABI"' "$KS_TOP/scripts/lib.sh")

[ -f "$dir/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C fleet -f "$dir/id_ed25519"

# The roots, from Debian's archive: one with GRUB's tools and without a
# kernel, for the patched kernels; one with systemd-boot and the stock
# kernel (and initramfs-tools, which its package needs).  Made again
# when the packages or the hook change.
rootfs() {	# rootfs NAME EXTRA-PACKAGES: sets rootfs_NAME, its directory
	local pkgs="systemd-sysv,udev,openssh-server,python3,kmod,procps,iproute2$2"
	local out
	out=$dir/rootfs-$1-$(echo "$pkgs" | cat - "$KS_TOP/scripts/fleet-rootfs-hook.sh" |
			     sha256sum | cut -c1-16)
	eval "rootfs_$1=\$out"
	[ -d "$out" ] && return 0
	rm -rf "$dir"/rootfs-"$1"-*
	ks_log "making the $1 root with mmdebstrap"
	KS_FLEET_KEY=$dir/id_ed25519.pub mmdebstrap --quiet --variant=minbase \
		--include="$pkgs" \
		--customize-hook="$KS_TOP/scripts/fleet-rootfs-hook.sh \"\$1\"" \
		bookworm "$out.tmp" \
		"deb http://deb.debian.org/debian bookworm main" \
		"deb http://deb.debian.org/debian bookworm-updates main" \
		"deb http://deb.debian.org/debian-security bookworm-security main" \
		</dev/null && mv "$out.tmp" "$out"
}
rootfs patched ",grub2-common" || exit 1
rootfs stock ",systemd-boot,initramfs-tools,linux-image-$abi-unsigned" || exit 1

# GRUB for QEMU's -kernel: the BIOS platform's core image behind the
# Linux boot header (lnxboot.img), reading (hd0)/boot/grub/grub.cfg.
grub=$dir/grub.bin
if [ ! -f "$grub" ]; then
	grub-mkimage -O i386-pc -o "$dir/core.img" -p '(hd0)/boot/grub' \
		biosdisk ext2 linux normal configfile search serial terminal \
		echo test gzio part_msdos || exit 1
	cat /usr/lib/grub/i386-pc/lnxboot.img "$dir/core.img" >"$grub"
fi

# make_disk VM: its root, with its kernel, and the boot loader's
# configuration for its first boot, which then runs the guest's own
# update-grub, or bootctl and kernel-install.
make_disk() {
	local vm=$1 root=$dir/$1/root disk=$dir/$1/disk.img k rel
	rm -rf "$dir/$vm"
	mkdir -p "$root"
	if [ "$vm" = stock ]; then
		cp -a "$rootfs_stock/." "$root" || return 1
	else
		k=$KS_CACHE/fleet-kernel-6.${vm#ks6}
		cp -a "$rootfs_patched/." "$root" || return 1
		rel=$(cat "$k/release")
		mkdir -p "$root/lib/modules"
		cp "$k/bzImage" "$root/boot/vmlinuz-$rel" &&
			cp -a "$k/root/lib/modules/$rel" "$root/lib/modules/" || return 1
	fi
	echo "$vm" >"$root/etc/hostname"
	printf '127.0.0.1\tlocalhost\n127.0.1.1\t%s\n' "$vm" >"$root/etc/hosts"
	if [ "$vm" = stock ]; then
		make_efi_disk "$root" "$disk" "$abi"
	else
		make_grub_disk "$root" "$disk" "$rel"
	fi || return 1
	rm -rf "$root"
}

# GRUB: one ext4 file system on the whole disk, which GRUB (QEMU's
# -kernel) reads /boot/grub/grub.cfg from.
make_grub_disk() {	# make_grub_disk ROOT DISK RELEASE
	local root=$1
	mkdir -p "$root/boot/grub"
	touch "$root/boot/grub/first-boot"
	cat >"$root/boot/grub/grub.cfg" <<-EOF
	serial --unit=0 --speed=115200
	terminal_input serial
	terminal_output serial
	set timeout=0
	menuentry 'first boot' {
		linux /boot/vmlinuz-$3 root=/dev/vda ro console=ttyS0,115200
	}
	EOF
	truncate -s 2G "$2"
	mkfs.ext4 -q -F -L root -d "$root" "$2"
}

# UEFI: a GPT disk with an EFI system partition (FAT, made with mtools)
# and the root (ext4), each written into the image at its offset.  The
# ESP holds systemd-boot at the removable-media path, which OVMF boots
# while its variables are empty, and a first-boot entry with its own copy
# of the kernel and initramfs.
esp_mib=256
root_mib=2048
make_efi_disk() {	# make_efi_disk ROOT DISK RELEASE
	local root=$1 esp=$2.esp entry=$2.entry
	truncate -s $((1 + esp_mib + root_mib + 1))M "$2"
	sfdisk -q "$2" <<-EOF || return 1
	label: gpt
	start=$((1 << 11)), size=$((esp_mib << 11)), type=U
	start=$(((1 + esp_mib) << 11)), size=$((root_mib << 11)), type=L
	EOF
	printf 'title first boot\nlinux /first-boot/vmlinuz\ninitrd /first-boot/initrd.img\noptions %s\n' \
		"$(cat "$root/etc/kernel/cmdline")" >"$entry"
	mkfs.fat -F 32 -n ESP -C "$esp" $((esp_mib << 10)) >/dev/null &&
		mmd -i "$esp" ::/EFI ::/EFI/BOOT ::/loader ::/loader/entries ::/first-boot &&
		mcopy -i "$esp" "$root/usr/lib/systemd/boot/efi/systemd-bootx64.efi" ::/EFI/BOOT/BOOTX64.EFI &&
		mcopy -i "$esp" "$root/boot/vmlinuz-$3" ::/first-boot/vmlinuz &&
		mcopy -i "$esp" "$root/boot/initrd.img-$3" ::/first-boot/initrd.img &&
		mcopy -i "$esp" "$entry" ::/loader/entries/first-boot.conf &&
		dd if="$esp" of="$2" bs=1M seek=1 conv=notrunc,sparse status=none &&
		mkfs.ext4 -q -F -L root -d "$root" -E offset=$(((1 + esp_mib) << 20)) "$2" ${root_mib}M &&
		cp /usr/share/OVMF/OVMF_VARS.fd "${2%/*}/efivars.fd" || return 1
	rm -f "$esp" "$entry"
}

# --- the fleet ----------------------------------------------------------------

port() {	# port VM
	local i
	for i in "${!vms[@]}"; do
		[ "${vms[$i]}" = "$1" ] && echo $((port0 + i))
	done
}

start_vm() {	# start_vm VM: in the background; the console goes to serial.log
	local firmware=(-kernel "$grub")
	[ -f "$dir/$1/efivars.fd" ] &&
		firmware=(-drive if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE.fd
			  -drive if=pflash,format=raw,file="$dir/$1/efivars.fd")
	qemu-system-x86_64 -name "fleet-$1" -accel tcg -machine pc -cpu max \
		-smp 1 -m 1024 -nodefaults -vga none -display none "${firmware[@]}" \
		-drive file="$dir/$1/disk.img",format=raw,if=virtio \
		-netdev user,id=n,hostfwd=tcp:127.0.0.1:"$(port "$1")"-:22 \
		-device virtio-net-pci,netdev=n,romfile= -device virtio-rng-pci \
		-serial file:"$dir/$1/serial.log" -pidfile "$dir/$1/qemu.pid" \
		-daemonize
}

stop_vms() {
	local vm
	for vm in "${vms[@]}"; do
		[ -f "$dir/$vm/qemu.pid" ] && kill "$(cat "$dir/$vm/qemu.pid")" 2>/dev/null
		rm -f "$dir/$vm/qemu.pid"
	done
}
trap stop_vms EXIT

ssh_vm() {	# ssh_vm VM COMMAND...
	ssh -q -i "$dir/id_ed25519" -p "$(port "$1")" -o BatchMode=yes \
		-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
		-o ConnectTimeout=5 root@127.0.0.1 "${@:2}"
}

wait_ssh() {	# wait_ssh VM SECONDS
	local end=$((SECONDS + $2))
	until ssh_vm "$1" true; do
		[ $SECONDS -lt $end ] || return 1
		sleep 2
	done
}

inventory=$dir/inventory.ini
{
	echo "[fleet]"
	for vm in "${vms[@]}"; do
		echo "$vm ansible_host=127.0.0.1 ansible_port=$(port "$vm")"
	done
	echo
	echo "[fleet:vars]"
	echo "ansible_user=root"
	echo "ansible_ssh_private_key_file=$dir/id_ed25519"
	echo "ansible_ssh_common_args='-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null'"
} >"$inventory"

# play NAME PLAYBOOK ARGS...: run it, keep its output in $dir/NAME.log
play() {
	local name=$1 book=$2
	shift 2
	(cd "$KS_TOP/fleet" && ANSIBLE_FORCE_COLOR=0 ansible-playbook -i "$inventory" "$book" \
		-e killswitch_catalogue="$dir/catalogue/killswitch.json" \
		-e killswitch_livepatch_dir="$KS_CACHE" "$@") >"$dir/$name.log" 2>&1
}

# The hosts' "changed=" counts in a play's recap, all zero?
nothing_changed() {	# nothing_changed LOG
	grep -E '^(ks612|ks61|stock) +:' "$1" | grep -qv 'changed=0' && return 1
	[ "$(grep -cE '^(ks612|ks61|stock) +:.* changed=0 ' "$1")" -eq ${#vms[@]} ]
}

# probe_all closed|open: the probe on every VM, as the state says.
probe_all() {
	local vm ok=0
	for vm in "${vms[@]}"; do
		ssh_vm "$vm" /root/copyfail-probe "$1" >"$dir/$vm/probe.log" 2>&1 ||
			{ echo "    $vm: $(tr '\n' ' ' <"$dir/$vm/probe.log")"; ok=1; }
	done
	return $ok
}

# The table the play printed, for the log and the note.
print_table() {	# print_table LOG
	sed -n '/Print one table for the whole fleet/,/^$/p' "$1" |
		sed -n 's/^ *"\(.*\)",\{0,1\}$/    \1/p'
}

cd "$KS_TOP/fleet" || exit 1
check "the role and playbooks pass ansible-lint" ansible-lint -q --offline engage.yml rollback.yml roles/killswitch
gcc -O2 -Wall -Wextra -Werror -static -o "$dir/copyfail-probe" "$KS_TOP/fleet/copyfail-probe.c" ||
	give_up "the probe builds"

t0=$SECONDS
for vm in "${vms[@]}"; do
	make_disk "$vm" || give_up "$vm's disk"
done
for vm in "${vms[@]}"; do
	start_vm "$vm" || give_up "$vm starts"
done
# What each VM's boot loader reads: GRUB's grub.cfg, or systemd-boot's
# entry for the running kernel, which kernel-install wrote.
boot_config() {	# boot_config VM: its path on the VM
	if [ "$1" = stock ]; then
		echo '/boot/efi/loader/entries/*-$(uname -r).conf'
	else
		echo /boot/grub/grub.cfg
	fi
}

# VM's boot loader reads its configuration, and PARAM is not in it, nor
# in /etc/kernel/cmdline or a GRUB drop-in, where the next one would come from.
boot_param_gone() {	# boot_param_gone VM PARAM
	ssh_vm "$1" "cat $(boot_config "$1") >/dev/null &&
		     ! grep -qsw $2 $(boot_config "$1") /etc/kernel/cmdline /etc/default/grub.d/*"
}

# The first boot's boot loader setup runs beside sshd; the role must not
# edit its settings before it is done.
first_boot_done() {	# first_boot_done VM
	local end=$((SECONDS + 600))
	wait_ssh "$1" 600 || return 1
	until ssh_vm "$1" "! ls /boot/grub/first-boot /boot/efi/loader/entries/first-boot.conf 2>/dev/null | grep -q . &&
			   grep -qE '^options .*console=ttyS0|generated by grub-mkconfig' $(boot_config "$1")"; do
		ssh_vm "$1" systemctl is-failed -q fleet-first-boot.service && return 1
		[ $SECONDS -lt $end ] || return 1
		sleep 2
	done
}
check "ks612 boots and its own update-grub writes its grub.cfg" first_boot_done ks612
check "ks61 boots and its own update-grub writes its grub.cfg" first_boot_done ks61
check "stock boots through UEFI and its own kernel-install writes its systemd-boot entry" \
	first_boot_done stock
[ "$failed" -eq 0 ] || finish
ks_log "the fleet is up, $((SECONDS - t0)) s after making its disks"
for vm in "${vms[@]}"; do
	scp -q -i "$dir/id_ed25519" -P "$(port "$vm")" -o BatchMode=yes \
		-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
		"$dir/copyfail-probe" root@127.0.0.1:/root/ || give_up "the probe reaches $vm"
done
check "the Copy Fail path is open on every VM before the play" probe_all open

# A target the catalogue does not know stops the play before any change.
play unknown engage.yml -e killswitch_targets=CVE-2026-0000,copyfail
check "an unknown target fails the play" \
	grep -q "unknown: CVE-2026-0000" "$dir/unknown.log"
check "... and changes nothing" nothing_changed "$dir/unknown.log"

play engage engage.yml -e killswitch_targets=$cve
check "ansible-playbook engage.yml -e killswitch_targets=$cve succeeds" \
	grep -qE '^stock +:.* failed=0 ' "$dir/engage.log"
print_table "$dir/engage.log"
check "the table says the series' sysctl on ks612 and ks61, the live patch on stock" \
	sh -c 'grep -Eq "\"ks612 .* copyfail +engaged .*sysctl kernel.killswitch.copyfail=1\"" "$1" &&
	       grep -Eq "\"ks61 .* copyfail +engaged .*sysctl kernel.killswitch.copyfail=1\"" "$1" &&
	       grep -Eq "\"stock .* copyfail +engaged .*live patch killswitch_copyfail\"" "$1"' sh "$dir/engage.log"
check "the path is closed on every VM, and copied AEAD works" probe_all closed

play again engage.yml -e killswitch_targets=$cve
check "a second run changes nothing" nothing_changed "$dir/again.log"
play check engage.yml -e killswitch_targets=$cve --check
check "a --check run finds nothing to change" nothing_changed "$dir/check.log"

# The next boot: the boot parameter, the sysctl and the live patch.
# (Without D-Bus, systemctl says it cannot reach logind, then reboots.)
rebooted() {	# rebooted VM OLD-BOOT-ID
	local end=$((SECONDS + 600)) id
	while [ $SECONDS -lt $end ]; do
		id=$(ssh_vm "$1" cat /proc/sys/kernel/random/boot_id 2>/dev/null)
		[ -n "$id" ] && [ "$id" != "$2" ] && return 0
		sleep 2
	done
	return 1
}
declare -A boot_id
for vm in ks612 stock; do
	boot_id[$vm]=$(ssh_vm "$vm" cat /proc/sys/kernel/random/boot_id)
	ssh_vm "$vm" systemctl reboot 2>/dev/null
done
for vm in ks612 stock; do
	check "$vm reboots" rebooted "$vm" "${boot_id[$vm]}"
done
check "ks612 booted with disable_copyfail, from the grub.cfg its update-grub wrote" \
	ssh_vm ks612 'grep -qw disable_copyfail /proc/cmdline &&
		      grep -q "generated by grub-mkconfig" /boot/grub/grub.cfg &&
		      grep -qw disable_copyfail /boot/grub/grub.cfg'
check "ks612 has copyfail engaged, from the command line, and in sysctl.d" \
	ssh_vm ks612 'grep -qx 1 /proc/sys/kernel/killswitch/copyfail &&
		      dmesg | grep -q "copyfail engaged by the kernel command line" &&
		      grep -qx "kernel.killswitch.copyfail *= *1" /etc/sysctl.d/60-killswitch.conf'
# systemd-boot names the entry it booted in an EFI variable: 4 bytes of
# attributes, then UTF-16.  (efivarfs files cannot seek: read them whole.)
check "stock booted with disable_copyfail, from the systemd-boot entry kernel-install wrote" \
	ssh_vm stock 'entry=$(cat /sys/firmware/efi/efivars/LoaderEntrySelected-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f |
			      tail -c +5 | tr -d "\0") &&
		      [ "$entry" = "$(basename /boot/efi/loader/entries/*-$(uname -r).conf)" ] &&
		      grep -qw disable_copyfail /proc/cmdline &&
		      grep -qw disable_copyfail /etc/kernel/cmdline &&
		      grep -qw disable_copyfail "/boot/efi/loader/entries/$entry"'
check "stock loaded the live patch at boot" \
	ssh_vm stock 'grep -qx 1 /sys/kernel/livepatch/killswitch_copyfail/enabled'
check "the path is still closed on every VM after the reboots" probe_all closed

play rollback-check rollback.yml -e killswitch_targets=$cve --check
check "a --check rollback reports changes on every VM" \
	sh -c '! grep -E "^(ks612|ks61|stock) +:" "$1" | grep -q " changed=0 "' sh "$dir/rollback-check.log"
check "... and the path is still closed on every VM" probe_all closed

play rollback rollback.yml -e killswitch_targets=$cve
check "ansible-playbook rollback.yml succeeds" \
	grep -qE '^stock +:.* failed=0 ' "$dir/rollback.log"
print_table "$dir/rollback.log"
check "the path is open again on every VM" probe_all open
no_role_files() {	# no_role_files VM SWITCH
	ssh_vm "$1" '! ls -d /etc/default/grub.d/killswitch-* /etc/modprobe.d/killswitch-* \
		/etc/sysctl.d/60-killswitch* /etc/modules-load.d/killswitch.conf \
		/lib/modules/*/updates/killswitch_* /var/lib/killswitch 2>/dev/null | grep -q .' &&
		boot_param_gone "$1" "disable_$2"
}
for vm in "${vms[@]}"; do
	check "$vm keeps none of the role's files" no_role_files "$vm" copyfail
done
play rollback-again rollback.yml -e killswitch_targets=$cve
check "a second rollback changes nothing" nothing_changed "$dir/rollback-again.log"

# A host with neither the series nor a live patch: stock, for switches
# that have no live patch.  packet_userns falls back to Debian's
# kernel.unprivileged_userns_clone; unix_oob has no fallback.
userns_as_nobody() {	# userns_as_nobody works|fails
	local r
	r=$(ssh_vm stock 'setpriv --reuid=65534 --regid=65534 --clear-groups unshare -U true 2>/dev/null &&
			  echo works || echo fails')
	[ "$r" = "$1" ]
}
check "stock: an unprivileged user can make a user namespace" userns_as_nobody works
play fallback engage.yml -e killswitch_targets=packet_userns --limit stock
check "stock: packet_userns falls back to kernel.unprivileged_userns_clone=0, warning what it stops" \
	sh -c 'grep -Eq "\"stock .* packet_userns +engaged .*fallback: kernel.unprivileged_userns_clone=0\"" "$1" &&
	       grep -q "WARNING: stock .* also stops: user namespaces" "$1" &&
	       grep -qE "^stock +:.* failed=0 " "$1"' sh "$dir/fallback.log"
check "... and an unprivileged user can no longer make a user namespace" userns_as_nobody fails
play fallback-rollback rollback.yml -e killswitch_targets=packet_userns --limit stock
check "stock: the rollback gives kernel.unprivileged_userns_clone its old value back" \
	sh -c '[ "$(cat)" = 1 ]' < <(ssh_vm stock cat /proc/sys/kernel/unprivileged_userns_clone)
check "... and an unprivileged user can make a user namespace again" userns_as_nobody works

# An admin who sets the fallback's sysctl by hand after the engage (here,
# user namespaces back on for rootless containers) keeps that value.
play fallback-by-hand engage.yml -e killswitch_targets=tc_userns --limit stock
ssh_vm stock sysctl -qw kernel.unprivileged_userns_clone=1
play fallback-by-hand-rollback rollback.yml -e killswitch_targets=tc_userns --limit stock
check "stock: a rollback leaves a fallback sysctl that was set by hand since, and says so" \
	grep -q "WARNING: kernel.unprivileged_userns_clone on stock is 1, not the fallback's 0" \
	"$dir/fallback-by-hand-rollback.log"
check "... and keeps none of the role's files" no_role_files stock tc_userns

play unprotected engage.yml -e killswitch_targets=unix_oob --limit stock
check "stock: unix_oob, with no fallback, is in the table as not protected and fails the host" \
	sh -c 'grep -Eq "\"stock .* unix_oob +open .*nothing: NOT PROTECTED\"" "$1" &&
	       grep -qE "^stock +:.* failed=1 " "$1"' sh "$dir/unprotected.log"
play unprotected-rollback rollback.yml -e killswitch_targets=unix_oob --limit stock
check "... and its rollback removes the boot parameter it added" \
	boot_param_gone stock disable_unix_oob
finish
