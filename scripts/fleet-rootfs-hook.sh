#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# mmdebstrap's customize hook for the fleet's Debian 12 root (fleet.sh):
# what the installer and the first login would have set on a server that
# Ansible manages.  Root logs in over SSH with the fleet's key only; the
# network is QEMU's user networking, set statically; GRUB's settings are
# Debian's defaults plus the serial console, and root=/dev/vda, as the
# patched kernels boot without an initramfs and so cannot look up a UUID.
#
# Usage (by mmdebstrap): fleet-rootfs-hook.sh ROOT   (KS_FLEET_KEY: the
# public key to authorize)
set -eu
root=$1

printf '/dev/vda\t/\text4\tdefaults,errors=remount-ro\t0\t1\n' >"$root/etc/fstab"
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

# grub-pc's postinst would install /etc/default/grub; this root has only
# grub2-common, as GRUB itself is loaded by QEMU (fleet.sh).
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

# update-grub cannot run here: grub-probe would look for the host's disk.
# The first boot runs it, from a grub.cfg that fleet.sh writes per VM.
cat >"$root/etc/systemd/system/fleet-first-boot.service" <<'EOF'
[Unit]
Description=Write grub.cfg with update-grub on the first boot
ConditionPathExists=/boot/grub/first-boot
After=local-fs.target

[Service]
Type=oneshot
ExecStart=/usr/sbin/update-grub
ExecStartPost=/bin/rm -f /boot/grub/first-boot

[Install]
WantedBy=multi-user.target
EOF
chroot "$root" systemctl enable -q fleet-first-boot.service
