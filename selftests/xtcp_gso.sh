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
#    checksums, which veth hands on as they are; bytes exact.
# 4. Throughput, for the record: XTCP with and without GSO, the kernel's
#    TCP with and without window scaling, four connections each, over the
#    same clean veth in the same boot.
#
# XTCP_GSO_BYTES      bytes per transfer (default 16M, 2M in the debug guest)
# XTCP_GSO_BENCH      bytes per connection of the throughput comparison
#                     (default 16M, 2M in the debug guest)

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

XTCP_GSO_BYTES=$(pick_size "${XTCP_GSO_BYTES:-}" 16M 2M)
XTCP_GSO_BENCH=$(pick_size "${XTCP_GSO_BENCH:-}" 16M 2M)
xtcp_lib_init 17 "GSO super-packets over veth"

[ "$XTCP_TEST_PROTO" = xtcp ] || tap_skip_rest "XTCP offloads only"
command -v ethtool >/dev/null || tap_skip_rest "no ethtool"
command -v dumpcap >/dev/null || tap_skip_rest "no dumpcap"

bytes=$(to_bytes "$XTCP_GSO_BYTES")
t=$(tmo 300)
rand_range 1 1000000
dseed=$RAND

# capture_start FILE SNAPLEN [c|s]: dumpcap on veth-c in the client's
# namespace (or on veth-s in the server's), the client's packets only.
DUMPCAP_PID=
capture_start() {
	local side=${3:-c}

	ip netns exec "$(side_ns "$side")" dumpcap -q -i "$(side_dev "$side")" \
		-s "$2" -c 4000 \
		-f "ip proto 253 and src host $CLIENT_IP" -w "$1" >"$1.log" 2>&1 &
	DUMPCAP_PID=$!
	BG_PIDS+=("$DUMPCAP_PID")
	dumpcap_wait "$1.log" "$DUMPCAP_PID"
}

capture_stop() {
	sleep 0.5
	kill -INT "$DUMPCAP_PID" 2>/dev/null
	wait "$DUMPCAP_PID" 2>/dev/null
	DUMPCAP_PID=
}

# frame_stats PCAP: "frames max-original-length" for the client's packets.
frame_stats() {
	python3 - "$1" "$CLIENT_IP" <<'PY'
import socket
import sys
from scapy.utils import RawPcapReader

src = socket.inet_aton(sys.argv[2])
n = big = 0
for data, meta in RawPcapReader(sys.argv[1]):
    wirelen = getattr(meta, "wirelen", None) or meta.caplen
    if len(data) < 34 or data[12:14] != b"\x08\x00" or data[26:30] != src:
        continue
    n += 1
    big = max(big, wirelen)
print(n, big)
PY
}

# One upload client -> server with a capture on veth-c (or veth-s).
# gso_case TAG DESC SNAPLEN [c|s]
gso_case() {
	local pcap=$TMPD/$1.pcapng stats

	capture_start "$pcap" "$3" "${4:-c}" || { tap_fail "$2: capture"; return 1; }
	head -c "$bytes" /dev/urandom >"$TMPD/$1.in"
	xfer "$2: $(hsize "$bytes") upload" \
		"-o $TMPD/$1.out -t $t" "-i $TMPD/$1.in -t $t"
	capture_stop
	if cmp "$TMPD/$1.in" "$TMPD/$1.out"; then
		tap_ok "$2: received file is identical (cmp)"
	else
		tap_fail "$2: received file is identical (cmp)"
	fi
	stats=$(frame_stats "$pcap")
	info "$2: client frames captured, largest: $stats"
	read -r NFRAMES MAXLEN <<<"$stats"
	: "${NFRAMES:=0}" "${MAXLEN:=0}"
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

# 2. TSO and tx checksum off: segmented by xtcp4_gso_segment, summed in
# software.
ip netns exec "$NS_C" ethtool -K veth-c tso off tx off >/dev/null 2>&1 ||
	info "ethtool -K veth-c tso off tx off failed"
info "veth-c: $(ip netns exec "$NS_C" ethtool -k veth-c | grep -E '^(tcp-segmentation-offload|generic-segmentation-offload|tx-checksumming):' | tr '\n' ' ')"
snapshot c GsoSends
gso_case sw "tso off, tx off" 2000
frames_case "tso off, tx off: every frame fits the MTU" le 1514
if out=$("$XTCP_SELFTESTS/xtcp_pcap_csum.py" "$TMPD/sw.pcapng" 253 2>&1); then
	tap_ok "tso off, tx off: every XTCP checksum in the capture is valid ($out)"
else
	info "$out"
	tap_fail "tso off, tx off: every XTCP checksum in the capture is valid"
fi
check_counter "tso off, tx off: super-packets left the socket (GsoSends)" \
	c GsoSends -gt 0

# 3. TSO off, checksum offload on: partial checksums per segment.
ip netns exec "$NS_C" ethtool -K veth-c tx on >/dev/null 2>&1
gso_case partial "tso off, tx on" 96

# 4. Throughput over the clean veth, same boot: four connections at once,
# so that the 64 KiB window of each (XTCP has no window scaling yet) is not
# the only limit; the kernel's TCP with its window scaling off for the
# same windows. The rates are xtcp_xfer's own (first byte to last).
bench=$(to_bytes "$XTCP_GSO_BENCH")
bench_rate() { # TAG: the client's transmit rate
	sed -n 's/.* tx=\([0-9.]*Mbit\/s\).*/\1/p' "$TMPD/x$PORT.client" | tail -1
}
bench_xfer() { # DESC
	xfer "bench: $1, 4 x $(hsize "$bench")" "-N 4 -s $bench -S $dseed -t $t" \
		"-N 4 -s $bench -S $dseed -t $t"
	RATE=$(bench_rate)
}
ip netns exec "$NS_C" ethtool -K veth-c tso on tx on >/dev/null 2>&1
bench_xfer "xtcp"
xrate=$RATE
ip netns exec "$NS_C" ethtool -K veth-c gso off >/dev/null 2>&1
bench_xfer "xtcp, gso off (one skb per segment)"
norate=$RATE
ip netns exec "$NS_C" ethtool -K veth-c gso on >/dev/null 2>&1
XFER_PROTO_C=tcp XFER_PROTO_S=tcp
bench_xfer "tcp"
trate=$RATE
ip netns exec "$NS_C" sysctl -qw net.ipv4.tcp_window_scaling=0
ip netns exec "$NS_S" sysctl -qw net.ipv4.tcp_window_scaling=0
bench_xfer "tcp, no window scaling"
t64rate=$RATE
info "throughput, 4 connections: xtcp $xrate, xtcp gso off $norate, tcp $trate, tcp without window scaling $t64rate"

check_counter "no InCsumErrors on the server" s InCsumErrors -eq 0
check_counter "no InCsumErrors on the client" c InCsumErrors -eq 0

tap_finish
