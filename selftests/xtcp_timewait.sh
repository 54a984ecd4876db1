#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# TIME_WAIT: the active closer's connection shows up as TIME_WAIT in
# /proc/net/xtcp; while the closer's ACKs of the peer's FIN are dropped,
# the retransmitted FINs are re-ACKed from TIME_WAIT (TimeWaitReAcks);
# once ACKs pass again the peer finishes LAST_ACK, and the TIME_WAIT entry
# disappears after the (shortened) net.xtcp.tw_timeout_ms.

. "$(dirname "$0")/lib.sh"

xtcp_lib_init 7 "TIME_WAIT entry, FIN re-ACK, expiry"

[ "$XTCP_TEST_PROTO" = xtcp ] ||
	tap_skip_rest "TIME_WAIT length and counters are XTCP's own"

# Longer than the server's first FIN retransmission gaps, so the entry
# outlives them and answers each one.
tw_s=$(tmo 8)
rand_range 1 1000000
dseed=$RAND
info "data seed $dseed, TIME_WAIT ${tw_s}s"
ip netns exec "$NS_C" sysctl -qw net.xtcp.tw_timeout_ms=$((tw_s * 1000)) ||
	tap_skip_rest "no net.xtcp.tw_timeout_ms sysctl"

# Drop the client's pure ACKs: over IPv4, 40-byte datagrams, 52 with
# timestamps (IP total length at offset 2) whose flags byte (offset 20 +
# 13) is ACK alone; over IPv6, a payload of 20 or 32 bytes (payload length
# at offset 4) and the flags byte at 40 + 13. Data and FIN still pass, so
# the transfer works; what is lost is the ACK of the server's FIN.
# pure_ack_drop LEN: one u32 filter for a datagram of that header length.
pure_ack_drop() {
	if [ "$XTCP_FAMILY" = 6 ]; then
		ip netns exec "$NS_C" tc filter add dev veth-c parent 1: prio 2 \
			protocol ipv6 u32 match ip6 protocol 253 0xff \
			match u16 "$1" 0xffff at 4 match u8 0x10 0xff at 53 action drop
	else
		ip netns exec "$NS_C" tc filter add dev veth-c parent 1: prio 1 \
			protocol ip u32 match ip protocol 253 0xff \
			match u16 $(($1 + 20)) 0xffff at 2 match u8 0x10 0xff at 33 action drop
	fi
}
if ! ip netns exec "$NS_C" tc qdisc add dev veth-c root handle 1: prio ||
   ! pure_ack_drop 20 || ! pure_ack_drop 32; then
	tap_skip_rest "cannot install the u32 drop filters"
fi

snapshot c TimeWaitReAcks
snapshot s InRsts
xfer "upload 16 KiB, client closes first" "-s 16K -S $dseed -t $(tmo 60)" \
	"-s 16K -S $dseed -t $(tmo 60)"
port=$PORT

in_tw() { # NS: is there a TIME_WAIT entry towards/from $port?
	ip netns exec "$1" cat /proc/net/xtcp |
		grep -q ":$port .*TIME_WAIT"
}
entries() { # NS: lines for $port other than the listener
	ip netns exec "$1" cat /proc/net/xtcp | grep ":$port " | grep -vc LISTEN
}

tw_start=$(now_ms)
if in_tw "$NS_C"; then
	tap_ok "client connection listed as TIME_WAIT in /proc/net/xtcp"
else
	ip netns exec "$NS_C" cat /proc/net/xtcp | show_log /dev/stdin
	tap_fail "client connection listed as TIME_WAIT in /proc/net/xtcp"
fi

# Two lost re-ACKs: the second FIN retransmission comes at least two
# (backed-off) RTOs after the first FIN, so the entry's timer restarts
# well after it began.
if wait_counter "$NS_C" TimeWaitReAcks $(($(before c TimeWaitReAcks) + 2)) "$(tmo 10)"; then
	tap_ok "retransmitted FINs re-ACKed from TIME_WAIT (TimeWaitReAcks)"
else
	tap_fail "retransmitted FINs re-ACKed from TIME_WAIT (TimeWaitReAcks)"
fi

ip netns exec "$NS_C" tc qdisc del dev veth-c root
gone=1
for ((i = 0; i < $(tmo 20) * 10; i++)); do
	[ "$(entries "$NS_S")" -eq 0 ] && { gone=0; break; }
	sleep 0.1
done
if [ $gone -eq 0 ]; then
	tap_ok "server left LAST_ACK once the re-ACK got through"
else
	ip netns exec "$NS_S" cat /proc/net/xtcp | show_log /dev/stdin
	tap_fail "server left LAST_ACK once the re-ACK got through"
fi

check_counter "server closed by the ACK, not by a RST (InRsts)" s InRsts -eq 0

gone=1
for ((i = 0; i < (2 * tw_s + 2) * 10; i++)); do
	in_tw "$NS_C" || { gone=0; break; }
	sleep 0.1
done
lived=$(($(now_ms) - tw_start))
info "TIME_WAIT lived ${lived} ms, tw_timeout_ms $((tw_s * 1000))"
if [ $gone -eq 0 ]; then
	tap_ok "TIME_WAIT entry gone after tw_timeout_ms"
else
	tap_fail "TIME_WAIT entry gone after tw_timeout_ms"
fi
# Without the restarts it would have gone tw_timeout_ms after it began.
if [ $gone -eq 0 ] && [ "$lived" -gt $((tw_s * 1000 + 300)) ]; then
	tap_ok "each re-ACKed FIN restarted the TIME_WAIT timer"
else
	tap_fail "each re-ACKed FIN restarted the TIME_WAIT timer"
fi

tap_finish
