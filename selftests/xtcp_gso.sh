#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Segmentation offload (GSO) of XTCP super-packets.
#
# 1. Plain veth: the sender's veth carries super-packets (a capture in the
#    sender's namespace sees frames longer than the 1500-byte MTU) and the
#    bytes arrive exact. GsoSends counts super-packets.
# 2. veth with TSO and checksum offload off on the sender ("tso off tx
#    off", generic GSO still on): super-packets still leave the socket, and
#    the stack cuts them up before the device through XTCP's gso_segment;
#    the capture there must show no frame above the MTU and a valid XTCP
#    checksum on every segment (xtcp_pcap_csum.py), and the bytes arrive
#    exact.
# 3. The same with TSO off but checksum offload on: segments with partial
#    checksums, which veth hands on as they are: every frame fits the MTU
#    and carries XTCP's partial seed (xtcp_pcap_csum.py --partial); bytes
#    exact.
# 4. GRO on the receiving veth (NAPI) with the sender sending segments:
#    the server's capture, taken after GRO, sees aggregated frames above
#    the MTU; bytes exact.
# 1b. A dual-stack AF_INET6 socket talking IPv4 (v4-mapped): the client
#    connects to ::ffff:10.0.1.2, the server listens on ::; both send, and
#    both must send super-packets, as AF_INET sockets do.
# 4b. Native IPv6 (next header = XTCP's number), AF_INET6 sockets between
#    fd00:1::1 and fd00:1::2, the checks of 1 to 4 over IPv6: super-packets
#    above the MTU leave the socket (GsoSends); with TSO and checksum
#    offload off every frame fits the MTU and carries a valid checksum over
#    the IPv6 pseudo-header; with TSO off and checksum offload on every
#    frame carries XTCP's partial seed over the IPv6 pseudo-header and the
#    frame's own length (xtcp_pcap_csum.py --partial); GRO on the
#    receiving veth aggregates; and through netem loss (TSO and checksum
#    offload off) retransmissions are segmented with valid checksums too.
#    Bytes exact (cmp) in each.
# 6. Forwarding through a router namespace that aggregates with GRO and
#    forwards over a link without TSO or checksum offload: the router's
#    GRO packets are segmented by XTCP's gso_segment; the router's capture
#    sees aggregates, the server's wire-sized segments with valid
#    checksums; bytes exact.
#
# XTCP_GSO_BYTES      bytes per transfer (default 2M: about 1450 segments,
#                     within each capture's 4000 frames)
#
# Throughput is make bench's (scripts/bench.sh compares XTCP with the
# kernel's TCP over the same paths).

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

XTCP_GSO_BYTES=$(pick_size "${XTCP_GSO_BYTES:-}" 2M 2M)
xtcp_lib_init 50 "GSO super-packets over veth"

[ "$XTCP_TEST_PROTO" = xtcp ] || tap_skip_rest "XTCP offloads only"
command -v ethtool >/dev/null || tap_skip_rest "no ethtool"
command -v dumpcap >/dev/null || tap_skip_rest "no dumpcap"

bytes=$(to_bytes "$XTCP_GSO_BYTES")
t=$(tmo 300)

# capture_start FILE SNAPLEN [NS DEV]: dumpcap on DEV in NS (default
# veth-c in the client's namespace), packets from $CAP_SRC only ($CAP_IP
# "ip" for IPv4, "ip6" for IPv6).
CAP_SRC=$CLIENT_IP
CAP_IP=ip
DUMPCAP_PIDS=()
capture_start() {
	ip netns exec "${3:-$NS_C}" dumpcap -q -i "${4:-veth-c}" -s "$2" -c 4000 \
		-f "$CAP_IP proto 253 and src host $CAP_SRC" -w "$1" >"$1.log" 2>&1 &
	DUMPCAP_PIDS+=($!)
	BG_PIDS+=($!)
	dumpcap_wait "$1.log" $!
}

capture_stop() {
	local pid

	sleep 0.5
	for pid in "${DUMPCAP_PIDS[@]}"; do
		dumpcap_stop "$pid"
	done
	DUMPCAP_PIDS=()
}

# frame_stats PCAP: sets NFRAMES and MAXLEN (the longest frame's length).
frame_stats() {
	local stats

	stats=$(python3 "$XTCP_SELFTESTS/xtcp_pcap.py" "$1")
	info "${1##*/}: frames captured, largest: $stats"
	read -r NFRAMES MAXLEN <<<"$stats"
	: "${NFRAMES:=0}" "${MAXLEN:=0}"
}

# upload TAG DESC: $bytes of a file from the client to $SERVER_IP, cmp.
upload() {
	head -c "$bytes" /dev/urandom >"$TMPD/$1.in"
	xfer "$2: $(hsize "$bytes") upload" \
		"-o $TMPD/$1.out -t $t" "-i $TMPD/$1.in -t $t"
	cmp "$TMPD/$1.in" "$TMPD/$1.out"
	tap_result $? "$2: received file is identical (cmp)"
}

# gso_case TAG DESC SNAPLEN [NS DEV]: an upload with a capture there.
gso_case() {
	local pcap=$TMPD/$1.pcapng

	capture_start "$pcap" "$3" "${4:-}" "${5:-}" || info "$2: no capture"
	upload "$1" "$2"
	capture_stop
	frame_stats "$pcap"
}

# csum_case DESC PCAP [--partial]: every XTCP checksum in PCAP is valid
# (with --partial: every one is XTCP's partial seed for its segment).
csum_case() {
	local out rc=0

	out=$("$XTCP_SELFTESTS/xtcp_pcap_csum.py" ${3:+"$3"} "$2" 253 2>&1) || rc=$?
	tap_result "$rc" "$1: every XTCP checksum in the capture is ${3:+a }valid${3:+ seed} ($out)"
}

# frames_case DESC OP BYTES: ok if frames were captured and the largest
# one's length satisfies "-OP BYTES" (gt: super-packets, le: wire-sized).
frames_case() {
	[ "$NFRAMES" -gt 0 ] && test "$MAXLEN" "-$2" "$3"
	tap_result $? "$1 (largest frame $MAXLEN B)"
}

# 1. Plain veth: super-packets on the wire of the sender's namespace.
snapshot c GsoSends OutSegs InCsumErrors
snapshot s InCsumErrors
gso_case plain "veth" 96
frames_case "veth: super-packets leave the socket" gt 1514
check_counter "veth: GsoSends grew" c GsoSends -gt 0

# 1b. v4-mapped: IPv4 on the wire from AF_INET6 sockets, both ends.
snapshot c GsoSends
snapshot s GsoSends
PORT=$((PORT + 1))
srv_ip=$SERVER_IP
SERVER_IP=::
XFER_PROTO_S=xtcp6
if start_server mapped -b -s 1M -t "$(tmo 60)"; then
	rc=0
	ip netns exec "$NS_C" "$XFER" -p xtcp6 -b -s 1M -t "$(tmo 60)" \
		"::ffff:$srv_ip" "$PORT" >"$TMPD/mapped.client" 2>&1 || rc=$?
	wait_server || rc=$?
	show_log "$TMPD/mapped.server"
	show_log "$TMPD/mapped.client"
else
	rc=1
fi
SERVER_IP=$srv_ip
XFER_PROTO_S=xtcp
tap_result "$rc" "v4-mapped: 1 MiB both ways between AF_INET6 sockets over IPv4"
check_counter "v4-mapped: the connecting AF_INET6 socket sent super-packets" \
	c GsoSends -gt 0
check_counter "v4-mapped: the dual-stack listener's child sent super-packets" \
	s GsoSends -gt 0

# 2. TSO and tx checksum off: segmented by xtcp4_gso_segment, summed in
# software.
ip netns exec "$NS_C" ethtool -K veth-c tso off tx off >/dev/null 2>&1 ||
	info "ethtool -K veth-c tso off tx off failed"
info "veth-c: $(ip netns exec "$NS_C" ethtool -k veth-c | grep -E '^(tcp-segmentation-offload|generic-segmentation-offload|tx-checksumming):' | tr '\n' ' ')"
snapshot c GsoSends
gso_case sw "tso off, tx off" 2000
frames_case "tso off, tx off: every frame fits the MTU" le 1514
csum_case "tso off, tx off" "$TMPD/sw.pcapng"
check_counter "tso off, tx off: super-packets left the socket (GsoSends)" \
	c GsoSends -gt 0

# 3. TSO off, checksum offload on: partial checksums per segment.
ip netns exec "$NS_C" ethtool -K veth-c tx on >/dev/null 2>&1
snapshot c GsoSends
gso_case partial "tso off, tx on" 2000
frames_case "tso off, tx on: every frame fits the MTU" le 1514
csum_case "tso off, tx on" "$TMPD/partial.pcapng" --partial
check_counter "tso off, tx on: super-packets left the socket (GsoSends)" \
	c GsoSends -gt 0

# 4. GRO: the sender sends segments (GSO and TSO off on veth-c, so veth
# passes them to veth-s's NAPI), veth-s aggregates them (GRO on): the
# server's capture, after GRO, sees frames above the MTU.
ip netns exec "$NS_C" ethtool -K veth-c gso off tso off >/dev/null 2>&1
ip netns exec "$NS_S" ethtool -K veth-s gro on >/dev/null 2>&1 ||
	info "ethtool -K veth-s gro on failed"
gso_case gro "gro on veth-s" 96 "$NS_S" veth-s
frames_case "gro on veth-s: segments aggregated" gt 1514
ip netns exec "$NS_S" ethtool -K veth-s gro off >/dev/null 2>&1
ip netns exec "$NS_C" ethtool -K veth-c gso on tso on >/dev/null 2>&1

# 4b. Native IPv6: cases 1 to 4 again between AF_INET6 sockets over IPv6,
# and a lossy path. veth-c is back to its defaults (TSO, GSO and checksum
# offload on), veth-s to GRO off.
setup_ipv6 || info "cannot add IPv6 addresses: the IPv6 cases fail"
srv_ip=$SERVER_IP
SERVER_IP=$SERVER_IP6
XFER_PROTO_S=xtcp6 XFER_PROTO_C=xtcp6
CAP_SRC=$CLIENT_IP6 CAP_IP=ip6

snapshot c GsoSends
gso_case v6plain "ipv6, veth" 128
frames_case "ipv6, veth: super-packets leave the socket" gt 1514
check_counter "ipv6, veth: GsoSends grew" c GsoSends -gt 0

ip netns exec "$NS_C" ethtool -K veth-c tso off tx off >/dev/null 2>&1
snapshot c GsoSends
gso_case v6sw "ipv6, tso off, tx off" 2000
frames_case "ipv6, tso off, tx off: every frame fits the MTU" le 1514
csum_case "ipv6, tso off, tx off" "$TMPD/v6sw.pcapng"
check_counter "ipv6, tso off, tx off: super-packets left the socket (GsoSends)" \
	c GsoSends -gt 0

ip netns exec "$NS_C" ethtool -K veth-c tx on >/dev/null 2>&1
snapshot c GsoSends
gso_case v6partial "ipv6, tso off, tx on" 2000
frames_case "ipv6, tso off, tx on: every frame fits the MTU" le 1514
csum_case "ipv6, tso off, tx on" "$TMPD/v6partial.pcapng" --partial
check_counter "ipv6, tso off, tx on: super-packets left the socket (GsoSends)" \
	c GsoSends -gt 0

ip netns exec "$NS_C" ethtool -K veth-c gso off tso off >/dev/null 2>&1
ip netns exec "$NS_S" ethtool -K veth-s gro on >/dev/null 2>&1
gso_case v6gro "ipv6, gro on veth-s" 128 "$NS_S" veth-s
frames_case "ipv6, gro on veth-s: segments aggregated" gt 1514
ip netns exec "$NS_S" ethtool -K veth-s gro off >/dev/null 2>&1

# Loss: netem on veth-c drops whole super-packets (the qdisc comes before
# segmentation), so runs of segments are resent, as super-packets too, and
# cut up in software like the rest.
ip netns exec "$NS_C" ethtool -K veth-c gso on tso off tx off >/dev/null 2>&1
snapshot c GsoSends RetransSegs
if netem_set c loss 3%; then
	gso_case v6loss "ipv6, 3% loss, tso off, tx off" 2000
	netem_clear c
	frames_case "ipv6, 3% loss: every frame fits the MTU" le 1514
	csum_case "ipv6, 3% loss" "$TMPD/v6loss.pcapng"
	check_counter "ipv6, 3% loss: segments were retransmitted" \
		c RetransSegs -gt 0
	check_counter "ipv6, 3% loss: super-packets left the socket (GsoSends)" \
		c GsoSends -gt 0
else
	for i in 1 2 3 4 5 6; do
		tap_skip "ipv6, 3% loss (case $i)" "no netem"
	done
fi
ip netns exec "$NS_C" ethtool -K veth-c tso on tx on >/dev/null 2>&1

SERVER_IP=$srv_ip
XFER_PROTO_S=$XTCP_TEST_PROTO XFER_PROTO_C=$XTCP_TEST_PROTO
CAP_SRC=$CLIENT_IP CAP_IP=ip

# 6. Forwarding: client -> router -> server. The router aggregates with
# GRO what the client sends segment by segment, and its link to the server
# has TSO and checksum offload off: each GRO packet is cut up again by
# xtcp4_gso_segment(), in software, on the way out. The router's capture
# (after GRO) sees aggregates, the server's wire-sized segments with valid
# checksums.
fwd_setup() {
	router_topology &&
	ip netns exec "$NS_C" ethtool -K veth-c gso off tso off >/dev/null &&
	ip netns exec "$NS_R" ethtool -K veth-rc gro on >/dev/null &&
	ip netns exec "$NS_R" ethtool -K veth-rs tso off tx off >/dev/null
}
fwd_setup || info "router setup failed"
SERVER_IP=10.0.2.2
capture_start "$TMPD/fwd-r.pcapng" 96 "$NS_R" veth-rc || info "no router capture"
capture_start "$TMPD/fwd-s.pcapng" 2000 "$NS_S" veth-s || info "no server capture"
upload fwd "forwarded"
capture_stop
frame_stats "$TMPD/fwd-r.pcapng"
frames_case "forwarded: the router aggregated with GRO" gt 1514
frame_stats "$TMPD/fwd-s.pcapng"
frames_case "forwarded: the server gets wire-sized segments" le 1514
csum_case "forwarded" "$TMPD/fwd-s.pcapng"

check_counter "no InCsumErrors on the server" s InCsumErrors -eq 0
check_counter "no InCsumErrors on the client" c InCsumErrors -eq 0

tap_finish
