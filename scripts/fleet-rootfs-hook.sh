#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# mmdebstrap's customize hook for the fleet's Debian 12 roots (fleet.sh):
# what the installer and the first login would have set on a server that
# Ansible manages.  Root logs in over SSH with the fleet's key only; the
# network is QEMU's user networking, set statically.  The boot loader is
# the one in the root: GRUB (grub2-common), with Debian's defaults plus
# the serial console and root=/dev/vda, as the patched kernels boot
# without an initramfs and so cannot look up a UUID; or systemd-boot,
# on an EFI system partition mounted at /boot/efi, with the kernel
# command line in /etc/kernel/cmdline.  Neither can be set up in a
# chroot; fleet-first-boot.service does it on the first boot.
#
# Usage (by mmdebstrap): fleet-rootfs-hook.sh ROOT   (KS_FLEET_KEY: the
# public key to authorize)
set -eu
root=$1

chroot "$root" passwd --delete root >/dev/null
install -d -m 700 "$root/root/.ssh"
install -m 600 "$KS_FLEET_KEY" "$root/root/.ssh/authorized_keys"

cat >"$root/etc/systemd/network/20-qemu.network" <<'EOF'
[Match]
Name=en* eth*

[Network]
Address=10.0.2.15/24
Gateway=10.0.2.2
DNS=10.0.2.3
EOF
chroot "$root" systemctl enable -q systemd-networkd.service ssh.service
chroot "$root" systemctl disable -q systemd-networkd-wait-online.service

# The first boot's work: fleet.sh writes $first_boot, the boot loader's
# configuration for that boot, which the work replaces and removes.
if [ -x "$root/usr/bin/bootctl" ]; then
	printf '/dev/vda2\t/\text4\tdefaults,errors=remount-ro\t0\t1\n' >"$root/etc/fstab"
	printf '/dev/vda1\t/boot/efi\tvfat\tumask=0077\t0\t1\n' >>"$root/etc/fstab"
	mkdir -p "$root/boot/efi" "$root/etc/kernel"
	echo "root=/dev/vda2 ro console=ttyS0,115200" >"$root/etc/kernel/cmdline"
	# What systemd-boot's postinst does where it finds the ESP mounted:
	# the postinst ran in the chroot, where it did not.
	first_boot=/boot/efi/loader/entries/first-boot.conf
	cat >"$root/usr/local/sbin/fleet-first-boot" <<'EOF'
#!/bin/sh
set -e
bootctl install --make-machine-id-directory=auto
for k in /boot/vmlinuz-*; do
	kernel-install add "${k#/boot/vmlinuz-}" "$k"
done
rm -r /boot/efi/loader/entries/first-boot.conf /boot/efi/first-boot
EOF
else
	printf '/dev/vda\t/\text4\tdefaults,errors=remount-ro\t0\t1\n' >"$root/etc/fstab"
	# grub-pc's postinst would install /etc/default/grub; this root has
	# only grub2-common, as GRUB itself is loaded by QEMU (fleet.sh).
	cp "$root/usr/share/grub/default/grub" "$root/etc/default/grub"
	mkdir -p "$root/etc/default/grub.d"
	cat >"$root/etc/default/grub.d/10-fleet-vm.cfg" <<'EOF'
GRUB_TIMEOUT=0
GRUB_CMDLINE_LINUX="console=ttyS0,115200"
GRUB_TERMINAL="serial console"
GRUB_SERIAL_COMMAND="serial --unit=0 --speed=115200"
GRUB_DISABLE_LINUX_UUID=true
GRUB_DISABLE_OS_PROBER=true
EOF
	# In the chroot, grub-probe would look for the host's disk.
	first_boot=/boot/grub/first-boot
	cat >"$root/usr/local/sbin/fleet-first-boot" <<'EOF'
#!/bin/sh
set -e
update-grub
rm /boot/grub/first-boot
EOF
fi
chmod 755 "$root/usr/local/sbin/fleet-first-boot"

cat >"$root/etc/systemd/system/fleet-first-boot.service" <<EOF
[Unit]
Description=Set up the boot loader on the first boot
ConditionPathExists=$first_boot
After=local-fs.target

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/fleet-first-boot

[Install]
WantedBy=multi-user.target
EOF
chroot "$root" systemctl enable -q fleet-first-boot.service
