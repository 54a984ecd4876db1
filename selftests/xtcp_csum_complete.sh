#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Receive checksums on a CHECKSUM_COMPLETE path: XTCP over a GRE tunnel
# with GRE checksums ("csum"), over a veth pair with its offloads off. The
# receiving GRE device verifies the outer checksum in software and hands
# the inner packet up as CHECKSUM_COMPLETE with skb->csum covering it
# (gre_parse_header(), skb_checksum_try_convert()), as NICs that sum whole
# frames do (mlx5, sfc, sky2, ...; no NIC qemu emulates here does). XTCP
# must then validate from skb->csum plus its own pseudo-header (protocol
# 253), not the TCP one: netem corrupts 1% of the inner packets before
# encapsulation, so their GRE checksum is valid and only XTCP's own check
# can catch them. Data must arrive intact and InCsumErrors must grow.
#
# A kprobe on xtcp_v4_rcv (when tracefs and pahole are there) shows that
# the segments really arrived as CHECKSUM_COMPLETE.
#
# With XTCP_FAMILY=6 (xtcp_csum_complete6.sh) XTCP runs over IPv6 inside
# an ip6gre tunnel with checksums, itself over IPv6 (fd00:1::1 <->
# fd00:1::2): ip6gre's receive handler parses the GRE header with the same
# gre_parse_header(), so the inner IPv6 packet arrives CHECKSUM_COMPLETE
# and xtcp_v6_rcv() must validate it against the IPv6 pseudo-header with
# next header 253 (xtcp_v6_csum_init()); the kprobe is on xtcp_v6_rcv.
#
# XTCP_CSUM_BYTES  bytes each way (default 2M, 512K in the debug guest)

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

XTCP_CSUM_BYTES=$(pick_size "${XTCP_CSUM_BYTES:-}" 2M 512K)
xtcp_lib_init 4 "CHECKSUM_COMPLETE receive path (GRE with checksums), 1% corruption"

if [ "$XTCP_FAMILY" = 6 ]; then
	GRE=ip6gre
	IN_C=fd00:2::1
	IN_S=fd00:2::2
	IN_PFX=64
	IN_FLAGS=(nodad)
	RCV_FN=xtcp_v6_rcv
else
	GRE=gre
	IN_C=10.0.2.1
	IN_S=10.0.2.2
	IN_PFX=24
	IN_FLAGS=()
	RCV_FN=xtcp_v4_rcv
fi

bytes=$(to_bytes "$XTCP_CSUM_BYTES")
rand_range 1 1000000
dseed=$RAND
t=$(tmo 300)

netem_available || tap_skip_rest "netem not available (CONFIG_NET_SCH_NETEM)"
csum_offload_off || tap_skip_rest "cannot turn checksum offloads off (ethtool)"
gso_off
if ! ip -n "$NS_C" link add gre-c type "$GRE" local "$CLIENT_IP" remote "$SERVER_IP" csum ||
   ! ip -n "$NS_S" link add gre-s type "$GRE" local "$SERVER_IP" remote "$CLIENT_IP" csum; then
	tap_skip_rest "no GRE tunnels (ip_$GRE)"
fi
ip -n "$NS_C" addr add "$IN_C/$IN_PFX" dev gre-c "${IN_FLAGS[@]}" &&
ip -n "$NS_S" addr add "$IN_S/$IN_PFX" dev gre-s "${IN_FLAGS[@]}" &&
ip -n "$NS_C" link set gre-c up &&
ip -n "$NS_S" link set gre-s up || tap_skip_rest "cannot set up the GRE tunnel"
SERVER_IP=$IN_S
info "${GRE^^} with checksums: $IN_C gre-c <-> gre-s $IN_S, over veth with offloads off"

# The kprobe: ip_summed (a 2-bit field of struct sk_buff, placed as BTF
# says) of every skb xtcp_v4_rcv() (xtcp_v6_rcv() over IPv6) gets.
# CHECKSUM_COMPLETE is 2.
TR=/sys/kernel/tracing
[ -d $TR/events ] || TR=/sys/kernel/debug/tracing
KP=
if [ "$XTCP_TEST_PROTO" = xtcp ] && [ -w $TR/kprobe_events ] &&
   command -v pahole >/dev/null; then
	# "__u8 ip_summed:2; /* 128: 5  1 */": byte 128, bit 5.
	read -r byte bit < <(pahole -C sk_buff /sys/kernel/btf/vmlinux 2>/dev/null |
		sed -n 's/.*ip_summed:2; *\/\* *\([0-9]*\): *\([0-9]*\) .*/\1 \2/p' |
		head -1)
	if [ -n "$byte" ] &&
	   echo "p:xtcp_csum_complete/rcv $RCV_FN summed=+$byte(%di):b2@$bit/8" \
		>>$TR/kprobe_events 2>/dev/null; then
		KP=$TR/events/xtcp_csum_complete/rcv
		echo >$TR/trace
		echo 1 >$KP/enable
	fi
fi
kp_off() {
	[ -n "$KP" ] || return 0
	echo 0 >$KP/enable
	echo "-:xtcp_csum_complete/rcv" >>$TR/kprobe_events
	KP=
}
trap 'kp_off; cleanup' EXIT

snapshot c InCsumErrors
snapshot s InCsumErrors

# Corrupt the inner packets, before encapsulation, at both ends: segments,
# not GSO super-packets; and no GRO on the tunnel, so each segment reaches
# XTCP as CHECKSUM_COMPLETE rather than merged and validated by XTCP's GRO.
for end in "$NS_C gre-c" "$NS_S gre-s"; do
	read -r ns dev <<<"$end"
	ip netns exec "$ns" ethtool -K "$dev" gso off tso off gro off >/dev/null 2>&1
done
tc -n "$NS_C" qdisc replace dev gre-c root netem limit 100000 corrupt 1% &&
tc -n "$NS_S" qdisc replace dev gre-s root netem limit 100000 corrupt 1% ||
	tap_skip_rest "netem on the GRE devices refused"
xfer "$(hsize "$bytes") both ways over GRE with checksums, 1% corrupted" \
	"-b -s $bytes -S $dseed -t $t -I" "-b -s $bytes -S $dseed -t $t -I"

if [ -n "$KP" ]; then
	echo 0 >$KP/enable
	complete=$(grep -cE 'summed=(0x)?2( |$)' $TR/trace)
	total=$(grep -c ' rcv:' $TR/trace)
	info "kprobe: $complete of $total segments arrived as CHECKSUM_COMPLETE"
	grep -m 3 'rcv:' $TR/trace | show_log /dev/stdin
	if [ "$complete" -gt 0 ]; then
		tap_ok "segments reached XTCP as CHECKSUM_COMPLETE"
	else
		tap_fail "segments reached XTCP as CHECKSUM_COMPLETE"
	fi
	kp_off
else
	tap_skip "segments reached XTCP as CHECKSUM_COMPLETE" "no kprobe (tracefs, pahole) or not XTCP"
fi

c=$(($(counter "$NS_C" InCsumErrors) - $(before c InCsumErrors)))
s=$(($(counter "$NS_S" InCsumErrors) - $(before s InCsumErrors)))
info "InCsumErrors: client +$c, server +$s"
if [ "$XTCP_TEST_PROTO" = xtcp ]; then
	check_counter "server caught corrupted segments (InCsumErrors)" s InCsumErrors -gt 0
	check_counter "client caught corrupted segments (InCsumErrors)" c InCsumErrors -gt 0
else
	tap_skip "server caught corrupted segments (InCsumErrors)" "XTCP's counter"
	tap_skip "client caught corrupted segments (InCsumErrors)" "XTCP's counter"
fi

tap_finish
