# SPDX-License-Identifier: GPL-2.0
# Sourced by the VM's scripts (busybox sh, $IP iproute2's ip): ESP in UDP
# from network namespace ksa to ksb over a veth pair, rfc4106(gcm(aes)),
# protecting UDP to port 7777 only.  "esp_setup" makes IPv4 in transport
# mode (10.99.0.1 to 10.99.0.2); "esp_setup 6" adds IPv6 in tunnel mode
# (fd99::1 to fd99::2: in transport mode, IPv6 ESP in UDP is decrypted but
# not delivered).

# esp_protect NS SRC DST SPI MODE ANY DIR: the SA from SRC to DST in NS,
# and the policy that sends UDP to DST:7777 through it (DIR out or in).
esp_protect()
{
	$IP -n "$1" xfrm state add src "$2" dst "$3" proto esp spi "$4" \
		reqid "$4" mode "$5" \
		aead 'rfc4106(gcm(aes))' 0x0102030405060708090a0b0c0d0e0f1011121314 128 \
		encap espinudp 4500 4500 "$6" &&
	$IP -n "$1" xfrm policy add src "$2" dst "$3" proto udp dport 7777 \
		dir "$7" tmpl src "$2" dst "$3" proto esp reqid "$4" mode "$5"
}

esp_setup()
{
	$IP netns add ksa && $IP netns add ksb &&
	$IP -n ksa link add veth0 type veth peer name veth0 netns ksb || return 1
	$IP -n ksa addr add 10.99.0.1/24 dev veth0
	$IP -n ksb addr add 10.99.0.2/24 dev veth0
	if [ "${1:-}" = 6 ]; then
		$IP -n ksa addr add fd99::1/64 dev veth0 nodad
		$IP -n ksb addr add fd99::2/64 dev veth0 nodad
	fi
	for ns in ksa ksb; do
		$IP -n $ns link set lo up
		$IP -n $ns link set veth0 up
	done
	esp_protect ksa 10.99.0.1 10.99.0.2 0x1001 transport 0.0.0.0 out &&
	esp_protect ksb 10.99.0.1 10.99.0.2 0x1001 transport 0.0.0.0 in || return 1
	[ "${1:-}" = 6 ] || return 0
	esp_protect ksa fd99::1 fd99::2 0x2001 tunnel :: out &&
	esp_protect ksb fd99::1 fd99::2 0x2001 tunnel :: in
}
