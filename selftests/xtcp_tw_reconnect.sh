#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Reconnecting on the same 4-tuple right after a close (RFC 9293 3.10.7.4,
# RFC 1122 4.2.2.13, RFC 6191; the kernel's TCP_TW_SYN). The server closes
# first: its orphan waits in FIN_WAIT2 (XTCP's FIN_WAIT2 minisock) for the
# client's FIN, which the client sends on its own, after ACKing the
# server's FIN; the minisock then holds TIME_WAIT. The client reconnects at
# once from the same port, round after round, every byte checked.
#
#  - Small rounds (4 KiB each way): the new SYN's ISN (RFC 6528's clock,
#    one tick per 64 ns) lies above the old connection's last sequence
#    number, so the TIME_WAIT entry hands it to the listener: connect()
#    completes in far less than the 1 s initial SYN RTO.
#  - Bulk rounds (8 MB up): the old connection can use sequence numbers
#    faster than that clock advances (above 15.6 MB/s), so the new ISN may
#    lie below the entry's rcv_nxt. Without timestamps such a SYN cannot be
#    told from an old duplicate: the entry ACKs it, the client RSTs, and
#    its SYN retransmission 1 s later gets through (TCP does the same with
#    net.ipv4.tcp_timestamps=0). With timestamps, RFC 6191 lets a SYN whose
#    TSval is above the entry's TS.Recent in at once. The bulk rounds are
#    required to be fast only when XTCP offers timestamps
#    (net.xtcp.timestamps = 1); otherwise their times are reported.
#
# XTCP_TEST_PROTO=tcp runs the same rounds over the kernel's TCP.
# XTCP_FAMILY=6 (xtcp_tw_reconnect6.sh): the same rounds over IPv6
# (socket(AF_INET6, SOCK_STREAM, IPPROTO_XTCP)), through IPv6 TIME_WAIT
# entries.

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

ROUNDS=${XTCP_TW_ROUNDS:-5}

xtcp_lib_init 8 "reconnect on the same 4-tuple through a TIME_WAIT entry"

PY=/usr/bin/python3
TOOL=$XTCP_SELFTESTS/xtcp_tw_reconnect.py
[ -x "$PY" ] || tap_skip_rest "no $PY"

if [ "$XTCP_TEST_PROTO" = tcp ]; then
	L4=6
	ts=$(ip netns exec "$NS_C" cat /proc/sys/net/ipv4/tcp_timestamps)
else
	L4=$(cat /sys/module/xtcp/parameters/ipproto 2>/dev/null || echo 253)
	ts=$(ip netns exec "$NS_C" cat /proc/sys/net/xtcp/timestamps 2>/dev/null || echo 0)
fi
# Far below the 1 s initial SYN RTO even under TCG (a reconnect that
# goes through at once takes a few ms there).
limit_ms=$((500 * XTCP_TIME_SCALE))
# The capture's filter: the test's family only.
ipf=ip
[ "$XTCP_FAMILY" = 6 ] && ipf=ip6
info "$ROUNDS rounds per case, connect limit ${limit_ms} ms, timestamps ${ts:-0}"

# rounds TAG SIZE: one server and one client, $ROUNDS rounds of SIZE bytes
# up on one 4-tuple, with a capture of the segments' headers.
# Sets RC (0: every byte exact) and leaves the client's log in TAG.client.
rounds() {
	local tag=$1 size=$2 i cap="" crc=0 src=0

	rand_range 20000 30000
	PORT=$RAND
	rand_range 40000 50000
	cport=$RAND
	# Headers only, every segment: a RST is shown with the segments
	# that came before it.
	if command -v dumpcap >/dev/null &&
	   capture_start "$NS_S" "$TMPD/$tag.pcap" -q -P -s 96 -i veth-s \
			 -f "$ipf proto $L4"; then
		cap=1
	else
		capture_stop
	fi
	info "$tag: $ROUNDS rounds of $size bytes, client port $cport, server port $PORT"
	ip netns exec "$NS_S" "$PY" "$TOOL" server -p "$XTCP_TEST_PROTO" \
		-n "$ROUNDS" -s "$size" -F "$TMPD/$tag.ready" -t "$(tmo 60)" \
		"$SERVER_IP" "$PORT" >"$TMPD/$tag.server" 2>&1 &
	SRV_PID=$!
	BG_PIDS+=("$SRV_PID")
	for ((i = 0; i < 200 * XTCP_TIME_SCALE; i++)); do
		[ -s "$TMPD/$tag.ready" ] && break
		sleep 0.05
	done
	ip netns exec "$NS_C" "$PY" "$TOOL" client -p "$XTCP_TEST_PROTO" \
		-n "$ROUNDS" -s "$size" -b "$cport" -t "$(tmo 60)" \
		"$SERVER_IP" "$PORT" >"$TMPD/$tag.client" 2>&1 || crc=$?
	wait "$SRV_PID" || src=$?
	show_log "$TMPD/$tag.server"
	show_log "$TMPD/$tag.client"
	if [ -n "$cap" ]; then
		sleep 0.5
		capture_stop
		"$PY" "$TOOL" decode "$TMPD/$tag.pcap" >"$TMPD/$tag.cap" 2>&1
	fi
	RC=$((crc || src))
}

# no_resets TAG: a case: the server sent no RST in TAG's rounds (its
# port is still $PORT). Nothing in them calls for one: an orphan that
# turned into a minisock while a segment waited in its backlog once reset
# the client for that segment. (The client's RST of an old entry's ACK,
# without timestamps, is expected.)
no_resets() {
	local n

	if [ ! -s "$TMPD/$1.cap" ]; then
		tap_skip "$1: the server sent no RST" "no capture (dumpcap)"
		return 0
	fi
	# decode's lines: TIME SPORT > DPORT FLAGS seq=N ack=N win=N len=N
	n=$(awk -v p="$PORT" '$2 == p && $5 ~ /R/ { k++ } END { print k + 0 }' "$TMPD/$1.cap")
	if [ "$n" -eq 0 ]; then
		tap_ok "$1: the server sent no RST"
	else
		show_log "$TMPD/$1.cap"
		tap_fail "$1: the server sent no RST ($n)"
	fi
}

# isn_below TAG: reconnecting SYNs (from $cport) whose ISN lay below the
# end of the previous connection's client FIN, the TIME_WAIT entry's
# rcv_nxt: those only timestamps tell from an old duplicate. Nothing
# without a capture.
isn_below() {
	[ -s "$TMPD/$1.cap" ] || return 0
	awk -v c="$cport" '
		function num(f) { sub(/^[a-z]*=/, "", f); return f + 0 }
		$2 == c && $5 ~ /S/ && have {
			d = (end - num($6)) % 4294967296
			if (d < 0) d += 4294967296
			if (d > 0 && d < 2147483648) n++
		}
		$2 == c && $5 ~ /F/ { end = num($6) + num($9) + 1; have = 1 }
		END { print n + 0 }' "$TMPD/$1.cap"
}

# slow TAG: reconnects (rounds after the first) at or above the limit.
slow() {
	awk -v lim="$limit_ms" '$1 == "round" && $2 > 0 && $4 >= lim' \
		"$TMPD/$1.client" | wc -l
}
reconnects() { awk '$1 == "round" && $2 > 0' "$TMPD/$1.client" | wc -l; }

snapshot s TimeWaits
snapshot c RetransSegs
rounds small 4096
no_resets small
if [ "$RC" -eq 0 ]; then
	tap_ok "small: $ROUNDS rounds on one 4-tuple, every byte exact"
else
	tap_fail "small: $ROUNDS rounds on one 4-tuple, every byte exact"
fi
n=$(reconnects small)
s=$(slow small)
if [ "$n" -eq $((ROUNDS - 1)) ] && [ "$s" -eq 0 ]; then
	tap_ok "small: each reconnect through TIME_WAIT took < ${limit_ms} ms"
else
	tap_fail "small: each reconnect through TIME_WAIT took < ${limit_ms} ms ($s of $n slow)"
fi
if [ "$XTCP_TEST_PROTO" = xtcp ]; then
	if ! check_counter "small: the server entered TIME_WAIT each round (TimeWaits)" \
		s TimeWaits -ge "$ROUNDS"; then
		# Which way did the missing round close?
		[ -f "$TMPD/small.cap" ] && show_log "$TMPD/small.cap"
		# shellcheck disable=SC2016	# awk program
		info "the server's non-zero counters: $(ip netns exec "$NS_S" awk '$2 != 0 { printf "%s %s, ", $1, $2 }' /proc/net/xtcp_stat)"
	fi
	check_counter "small: no SYN retransmitted by the client (RetransSegs)" \
		c RetransSegs -eq 0
else
	# For TCP, lib.sh's TimeWaits is a gauge (ss), not a count.
	tap_skip "small: the server entered TIME_WAIT each round (TimeWaits)" "XTCP's counter"
	tap_skip "small: no SYN retransmitted by the client (RetransSegs)" "XTCP's counter"
fi

rounds bulk 8000000
no_resets bulk
if [ "$RC" -eq 0 ]; then
	tap_ok "bulk: $ROUNDS rounds on one 4-tuple, every byte exact"
else
	tap_fail "bulk: $ROUNDS rounds on one 4-tuple, every byte exact"
fi
n=$(reconnects bulk)
s=$(slow bulk)
below=$(isn_below bulk)
info "bulk: ${below:-unknown (no capture)} reconnecting SYNs had an ISN below the old connection's FIN"
if [ "${ts:-0}" = 0 ]; then
	tap_skip "bulk: each reconnect through TIME_WAIT took < ${limit_ms} ms" \
		"no timestamps: $s of $n reconnects waited for a SYN retransmission"
elif [ "$below" = 0 ]; then
	# Under TCG the rounds run at about 5 MB/s: each new ISN lies above,
	# as in the small rounds. pkt/scn_tstamp_timewait.py sends such a
	# SYN itself.
	tap_skip "bulk: each reconnect through TIME_WAIT took < ${limit_ms} ms" \
		"no new ISN lay below the old connection's (the link is slower than the ISN clock's 15.6 MB/s)"
elif [ "$n" -eq $((ROUNDS - 1)) ] && [ "$s" -eq 0 ]; then
	tap_ok "bulk: each reconnect through TIME_WAIT took < ${limit_ms} ms"
else
	[ -f "$TMPD/bulk.cap" ] && show_log "$TMPD/bulk.cap"
	tap_fail "bulk: each reconnect through TIME_WAIT took < ${limit_ms} ms ($s of $n slow)"
fi

tap_finish
