#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# XTCP through real NIC drivers on emulated hardware, not veth: for each
# pair of emulated NICs that scripts/vm-run.sh --nic added to the guest
# (two per model, joined by a qemu hub), one goes into the client's
# namespace and one into the server's, and data moves both ways at once
# with netem loss and delay on both ends.
#
#   rtl8139 (driver 8139cp)   sums only TCP and UDP (NETIF_F_IP_CSUM):
#                             XTCP must sum its own segments. Handed a
#                             CHECKSUM_PARTIAL segment of protocol 253 the
#                             driver warns ("Net bug") and drops it. Its
#                             receive side checks only TCP and UDP: with
#                             netem corruption, XTCP's own check must
#                             catch the bad segments (InCsumErrors grows).
#   rtl8139 under a bridge    the bridge claims NETIF_F_HW_CSUM over its
#                             IP_CSUM-only port: the stack must sum
#                             XTCP's partial checksum, not the driver.
#   e1000                     sums any protocol (NETIF_F_HW_CSUM): XTCP's
#                             partial checksums are finished by qemu's
#                             emulated hardware.
#   virtio-net-pci            on a qemu hub, no checksum offload at all.
#
# Each case: exact bytes both ways, no new warning in the kernel log, and
# InCsumErrors unchanged on both ends. A model whose NICs are missing (the
# guest was booted without --nic) is skipped.
#
# Each case then runs again over IPv6, on the same NICs (fd00:21::/64,
# fd00:22::/64, fd00:23::/64 beside the IPv4 subnets; the setup is most of
# this script's time, the transfers a few seconds each). NETIF_F_IP_CSUM
# covers IPv4 only: the stack sums any IPv6 segment that reaches 8139cp
# CHECKSUM_PARTIAL (harmonize_features()), so on rtl8139 every IPv6
# segment is checked on the wire with the checksum XTCP computed in
# software (xtcp_v6_send_check()), and 8139cp vouches for no XTCP segment
# on receipt: the corrupted case must again be caught by XTCP's own check,
# over the IPv6 pseudo-header. Behind the bridge, and on e1000, IPv6 segments leave
# CHECKSUM_PARTIAL with XTCP's IPv6 seed (xtcp_csum_set_partial6()),
# finished by the stack and by qemu's e1000: a veth pair passes partial
# checksums on unchecked, so only these cases check that seed on a wire.
#
# XTCP_NIC_BYTES  bytes each way (default 4M)

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

XTCP_NIC_BYTES=$(pick_size "${XTCP_NIC_BYTES:-}" 4M 1M)
xtcp_lib_init 28 "emulated NICs: rtl8139 (IP_CSUM only), e1000 (HW_CSUM), virtio-net"

bytes=$(to_bytes "$XTCP_NIC_BYTES")
cbytes=$((bytes / 2))
rand_range 1 1000000
dseed=$RAND
rand_range 1 3
delay=$RAND
info "data seed $dseed, netem: 1% loss, ${delay}ms delay on both ends"
# A few seconds each when it works; a broken driver path stalls instead.
t=$(tmo 120)

netem_available || tap_skip_rest "netem not available (CONFIG_NET_SCH_NETEM)"

# netem_set and friends act on the NICs under test, not on the veth pair.
NIC_C=
NIC_S=
ORIG_C=
ORIG_S=
NIC_IP6_C=
NIC_IP6_S=
side_dev() { if [ "$1" = c ]; then echo "$NIC_C"; else echo "$NIC_S"; fi; }

# The kernel log's warnings: a driver handed a checksum it cannot compute
# says "Net bug" (8139cp) or "checksum_partial" (e1000) or WARNs.
KLOG_RE='WARNING:|BUG:|Net bug|checksum_partial|hw csum failure|Call Trace'
klog_count() { dmesg | grep -cE "$KLOG_RE"; }

# nics_of DRIVER: the interfaces of the first namespace bound to DRIVER.
nics_of() {
	local d drv

	for d in /sys/class/net/*; do
		drv=$(readlink "$d/device/driver" 2>/dev/null) || continue
		[ "${drv##*/}" = "$1" ] && echo "${d##*/}"
	done
}

# nic_setup DRIVER SUBNET: move two NICs of DRIVER into the namespaces as
# nic-c (SUBNET.1, fd00:N::1) and nic-s (SUBNET.2, fd00:N::2), N the
# subnet's last number; sets NIC_C, NIC_S, CLIENT_IP, SERVER_IP, NIC_IP6_C
# and NIC_IP6_S. Fails when there are not two such NICs.
nic_setup() {
	local drv=$1 net=$2 devs mac_c mac_s i

	read -r -a devs <<<"$(nics_of "$drv" | tr '\n' ' ')"
	if [ "${#devs[@]}" -lt 2 ]; then
		info "$drv: ${#devs[@]} NIC(s) in the guest, need 2 (vm-run.sh --nic)"
		return 1
	fi
	NIC_C=nic-c
	NIC_S=nic-s
	ORIG_C=${devs[0]}
	ORIG_S=${devs[1]}
	CLIENT_IP=$net.1
	SERVER_IP=$net.2
	NIC_IP6_C=fd00:${net##*.}::1
	NIC_IP6_S=fd00:${net##*.}::2
	ip link set "${devs[0]}" down &&
	ip link set "${devs[1]}" down &&
	ip link set "${devs[0]}" netns "$NS_C" name nic-c &&
	ip link set "${devs[1]}" netns "$NS_S" name nic-s &&
	ip -n "$NS_C" addr add "$CLIENT_IP/24" dev nic-c &&
	ip -n "$NS_S" addr add "$SERVER_IP/24" dev nic-s &&
	ip -n "$NS_C" addr add "$NIC_IP6_C/64" dev nic-c nodad &&
	ip -n "$NS_S" addr add "$NIC_IP6_S/64" dev nic-s nodad &&
	ip -n "$NS_C" link set nic-c up &&
	ip -n "$NS_S" link set nic-s up || return 1
	mac_c=$(ip -n "$NS_C" -br link show nic-c | awk '{ print $3 }')
	mac_s=$(ip -n "$NS_S" -br link show nic-s | awk '{ print $3 }')
	ip -n "$NS_C" neigh replace "$SERVER_IP" lladdr "$mac_s" dev nic-c nud permanent &&
	ip -n "$NS_S" neigh replace "$CLIENT_IP" lladdr "$mac_c" dev nic-s nud permanent &&
	ip -n "$NS_C" neigh replace "$NIC_IP6_S" lladdr "$mac_s" dev nic-c nud permanent &&
	ip -n "$NS_S" neigh replace "$NIC_IP6_C" lladdr "$mac_c" dev nic-s nud permanent ||
		return 1
	for ((i = 0; i < 100; i++)); do
		[ "$(ip netns exec "$NS_C" cat /sys/class/net/nic-c/carrier 2>/dev/null)" = 1 ] &&
		[ "$(ip netns exec "$NS_S" cat /sys/class/net/nic-s/carrier 2>/dev/null)" = 1 ] &&
			break
		sleep 0.1
	done
	info "$drv: ${devs[0]} -> $NS_C nic-c $CLIENT_IP $NIC_IP6_C, ${devs[1]} -> $NS_S nic-s $SERVER_IP $NIC_IP6_S"
	if command -v ethtool >/dev/null; then
		info "$drv offloads: $(ip netns exec "$NS_C" ethtool -k nic-c |
			grep -E '^\s*(tx-checksum-ipv4|tx-checksum-ipv6|tx-checksum-ip-generic|rx-checksumming):' |
			tr -d '\t' | tr '\n' ' ')"
	fi
	# The emulated links are slow: a deep netem queue would only add delay.
	netem_set both limit 1000 loss 1% delay "${delay}ms"
}

# nic_teardown: give the NICs back to the first namespace under their old
# names (a later case may want them).
nic_teardown() {
	ip -n "$NS_C" link del br-c 2>/dev/null
	ip -n "$NS_C" link set nic-c down 2>/dev/null
	ip -n "$NS_S" link set nic-s down 2>/dev/null
	ip -n "$NS_C" addr flush dev nic-c 2>/dev/null
	ip -n "$NS_S" addr flush dev nic-s 2>/dev/null
	[ -z "$ORIG_C" ] || ip -n "$NS_C" link set nic-c netns 1 name "$ORIG_C" 2>/dev/null
	[ -z "$ORIG_S" ] || ip -n "$NS_S" link set nic-s netns 1 name "$ORIG_S" 2>/dev/null
	NIC_C=
	NIC_S=
	ORIG_C=
	ORIG_S=
	NIC_IP6_C=
	NIC_IP6_S=
	return 0
}

# nic_case LABEL: a transfer both ways and its two checks (3 TAP cases).
nic_case() {
	local label=$1 w0 w1

	snapshot c InCsumErrors
	snapshot s InCsumErrors
	w0=$(klog_count)
	xfer "nic: $label: $(hsize "$bytes") both directions, 1% loss" \
		"-b -s $bytes -S $dseed -t $t -I" "-b -s $bytes -S $dseed -t $t -I"
	w1=$(klog_count)
	if [ "$w1" -eq "$w0" ]; then
		tap_ok "nic: $label: no warning in the kernel log"
	else
		info "new kernel log lines:"
		dmesg | grep -E "$KLOG_RE" | tail -n $((w1 - w0)) | sed 's/^/#   /'
		dmesg | tail -30 | sed 's/^/#   /'
		tap_fail "nic: $label: no warning in the kernel log"
	fi
	info "nic-c: $(ip -n "$NS_C" -s link show nic-c | tr -s ' \n' ' ')"
	info "nic-s: $(ip -n "$NS_S" -s link show nic-s | tr -s ' \n' ' ')"
	csum_unchanged "nic: $label: InCsumErrors unchanged on both ends"
}

# nic_case6 LABEL: nic_case over IPv6, between the NICs' IPv6 addresses
# (xfer picks the IPv6 form of each -p name).
nic_case6() {
	local XTCP_FAMILY=6 CLIENT_IP=$NIC_IP6_C SERVER_IP=$NIC_IP6_S

	nic_case "$1"
}

# csum_unchanged DESC: one TAP case, InCsumErrors did not move on either
# end since the snapshot (a counter that cannot be read fails over xtcp).
csum_unchanged() {
	local desc=$1 side now was ok=1

	for side in c s; do
		now=$(counter "$(side_ns "$side")" InCsumErrors)
		was=$(before "$side" InCsumErrors)
		info "InCsumErrors on $side: ${was:-?} -> ${now:-?}"
		if [ -z "$now" ] || [ -z "$was" ]; then
			if [ "$XTCP_TEST_PROTO" = tcp ]; then
				tap_skip "$desc" "no InCsumErrors counter"
				return
			fi
			ok=0
		elif [ "$now" -ne "$was" ]; then
			ok=0
		fi
	done
	if [ $ok -eq 1 ]; then
		tap_ok "$desc"
	else
		tap_fail "$desc"
	fi
}

# nic_model DRIVER LABEL SUBNET: set up, run one case over IPv4 and one
# over IPv6; skips the model's 6 cases when its NICs are missing.
nic_model() {
	local drv=$1 label=$2 i

	if ! nic_setup "$drv" "$3"; then
		nic_teardown
		for i in 1 2 3 4 5 6; do
			tap_skip "nic: $label" "no pair of $drv NICs ready in this guest"
		done
		return 1
	fi
	nic_case "$label"
	nic_case6 "$label, IPv6"
	return 0
}

# nic_corrupt LABEL: with netem corrupting, a transfer both ways (half the
# bytes) and the check that XTCP counted bad checksums on both ends (2 TAP
# cases); over IPv6 when called by nic_corrupt6.
nic_corrupt() {
	local label=$1 grew side was now

	snapshot c InCsumErrors
	snapshot s InCsumErrors
	xfer "nic: $label, 1% corrupted: $(hsize "$cbytes") both directions" \
		"-b -s $cbytes -S $dseed -t $t -I" "-b -s $cbytes -S $dseed -t $t -I"
	if [ "$XTCP_TEST_PROTO" = tcp ]; then
		if [ "$XTCP_FAMILY" = 6 ]; then
			tap_skip "nic: $label, 1% corrupted: both ends counted bad checksums" \
				"tcp: the case is about XTCP's own check"
		else
			tap_skip "nic: $label, 1% corrupted: both ends counted bad checksums" \
				"tcp: the NIC checks TCP checksums itself"
		fi
		return
	fi
	grew=1
	for side in c s; do
		was=$(before "$side" InCsumErrors)
		now=$(counter "$(side_ns "$side")" InCsumErrors)
		info "InCsumErrors on $side: ${was:-?} -> ${now:-?}"
		[ -n "$now" ] && [ -n "$was" ] && [ "$now" -gt "$was" ] || grew=0
	done
	if [ $grew -eq 1 ]; then
		tap_ok "nic: $label, 1% corrupted: both ends counted bad checksums"
	else
		tap_fail "nic: $label, 1% corrupted: both ends counted bad checksums"
	fi
}

nic_corrupt6() {
	local XTCP_FAMILY=6 CLIENT_IP=$NIC_IP6_C SERVER_IP=$NIC_IP6_S

	nic_corrupt "$1"
}

modprobe -q 8139cp 2>/dev/null
modprobe -q e1000 2>/dev/null
modprobe -q virtio_net 2>/dev/null
modprobe -q bridge 2>/dev/null

if nic_model 8139cp "rtl8139 (8139cp, IP_CSUM only)" 10.0.21; then
	# The receive side: 8139cp vouches for TCP and UDP checksums only, so
	# corrupted XTCP segments reach XTCP's own check.
	snapshot c InCsumErrors
	snapshot s InCsumErrors
	# netem corrupts one packet in a hundred: segments, not GSO
	# super-packets (fewer, and each hit only once).
	ip netns exec "$NS_C" ethtool -K nic-c gso off >/dev/null 2>&1
	ip netns exec "$NS_S" ethtool -K nic-s gso off >/dev/null 2>&1
	netem_set both limit 1000 corrupt 1% delay "${delay}ms"
	nic_corrupt rtl8139
	nic_corrupt6 "rtl8139, IPv6"
	# A replaced netem keeps a corrupt rate it is not told: start afresh.
	netem_clear both
	netem_set both limit 1000 loss 1% delay "${delay}ms"

	# The same pair, the client's NIC now a bridge port: routes go through
	# br-c, which claims NETIF_F_HW_CSUM.
	ip -n "$NS_C" addr flush dev nic-c
	if ip -n "$NS_C" link add br-c type bridge &&
	   ip -n "$NS_C" link set nic-c master br-c &&
	   ip -n "$NS_C" addr add "$CLIENT_IP/24" dev br-c &&
	   ip -n "$NS_C" link set br-c up &&
	   ip -n "$NS_C" addr add "$NIC_IP6_C/64" dev br-c nodad &&
	   ip -n "$NS_C" neigh replace "$SERVER_IP" dev br-c nud permanent \
		lladdr "$(ip -n "$NS_S" -br link show nic-s | awk '{ print $3 }')" &&
	   ip -n "$NS_C" neigh replace "$NIC_IP6_S" dev br-c nud permanent \
		lladdr "$(ip -n "$NS_S" -br link show nic-s | awk '{ print $3 }')"; then
		for ((i = 0; i < 100; i++)); do
			ip -n "$NS_C" -br link show br-c | grep -q ' UP ' && break
			sleep 0.1
		done
		info "bridge br-c over nic-c: $(ip netns exec "$NS_C" ethtool -k br-c 2>/dev/null |
			grep -E '^\s*tx-checksum-ip-generic:' | tr -d '\t' | tr '\n' ' ')"
		nic_case "rtl8139 behind a bridge (HW_CSUM over an IP_CSUM port)"
		nic_case6 "rtl8139 behind a bridge, IPv6"
	else
		for i in 1 2 3 4 5 6; do
			tap_skip "nic: rtl8139 behind a bridge" "cannot create a bridge"
		done
	fi
	nic_teardown
else
	for i in 1 2 3 4 5 6 7 8 9 10; do
		tap_skip "nic: rtl8139 corrupted, behind a bridge" "no pair of 8139cp NICs in this guest"
	done
fi
nic_model e1000 "e1000 (HW_CSUM)" 10.0.22 && nic_teardown
nic_model virtio_net "virtio-net (no checksum offload on a hub)" 10.0.23 && nic_teardown

tap_finish
