#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# RFC 7323 timestamps over a lossy, slow path: 40 ms of netem delay each way
# (RTT 80 ms) and 2% loss on both ends. An upload must arrive intact, with
# every segment of both directions carrying TSopt (checked in a capture on
# the server's veth: TSval on every non-RST segment, TSecr on all but the
# first SYN), and the client's smoothed RTT (XTCP_INFO), fed by timestamp
# samples for retransmitted data too, must end near the path's 80 ms.
# Before that, the same capture check on a clean path with veth's GSO on
# (super-packets included). Then net.xtcp.timestamps=0 on the server: only
# the client's SYN carries TSopt, nothing else does, and the data still
# arrives. Over the three transfers, the server's PAWS drops must not
# outnumber the client's segments that arrived with a TSval older than one
# before them (none on most runs).
#
# XTCP_TSTAMP_BYTES  bytes uploaded (default 512K, 128K in the debug guest)

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

XTCP_TSTAMP_BYTES=$(pick_size "${XTCP_TSTAMP_BYTES:-}" 512K 128K)
xtcp_lib_init 8 "timestamps on a lossy 80 ms path"
snapshot s PAWSEstabRejected

bytes=$(to_bytes "$XTCP_TSTAMP_BYTES")
CLIENT_OLDER=0
rand_range 1 1000000
dseed=$RAND
t=$(tmo 300)

netem_available || tap_skip_rest "netem not available (CONFIG_NET_SCH_NETEM)"
command -v dumpcap >/dev/null || tap_skip_rest "no dumpcap"
if [ "$XTCP_TEST_PROTO" = tcp ]; then
	proto=6
else
	proto=$(cat /sys/module/xtcp/parameters/ipproto)
fi

# capture FILE: dumpcap on the server's veth, headers only.
capture() {
	capture_start "$NS_S" "$1" -q -i veth-s -s 128
}

# ts_summary PCAP: per direction (c = from the client), segments, non-RST
# segments without TSval, segments with TSecr 0 other than a SYN without
# ACK, segments that arrived with a TSval more than 1 older than one
# before them: "c N NOTS ZEROECR OLDER" and "s N NOTS ZEROECR OLDER". The
# headers are parsed by xtcp_pcap_tsopt.py: a tshark decode took 17 to
# 136 s in a stock guest.
ts_summary() {
	python3 "$XTCP_SELFTESTS/xtcp_pcap_tsopt.py" "$1" "$proto" "$CLIENT_IP"
}

# check_ts DESC SUMMARY-FILE WANT: WANT "all" (every non-RST segment of
# both directions has TSopt, TSecr set but on the first SYN) or "syn"
# (one segment with TSopt: the client's SYN).
check_ts() {
	local desc=$1 f=$2 want=$3 cn cnots czero colder sn snots szero ok=0

	read -r _ cn cnots czero colder < <(grep '^c ' "$f")
	read -r _ sn snots szero _ < <(grep '^s ' "$f")
	info "capture: client $cn segments ($cnots without TS, $czero TSecr 0, $colder older than one before), server $sn segments ($snots without TS, $szero TSecr 0)"
	CLIENT_OLDER=$((CLIENT_OLDER + ${colder:-0}))
	if [ "${cn:-0}" -gt 0 ] && [ "${sn:-0}" -gt 0 ]; then
		if [ "$want" = all ]; then
			[ "$cnots" -eq 0 ] && [ "$snots" -eq 0 ] &&
				[ "$czero" -eq 0 ] && [ "$szero" -eq 0 ] && ok=1
		else
			[ "$cnots" -eq $((cn - 1)) ] && [ "$snots" -eq "$sn" ] &&
				ok=1
		fi
	fi
	if [ "$ok" -eq 1 ]; then
		tap_ok "$desc"
	else
		tap_fail "$desc"
	fi
}

# GSO on (veth's default): the sender's super-packets, and so every
# segment cut from them, carry the timestamps too.
capture "$TMPD/gso.pcapng" || tap_skip_rest "cannot capture"
xfer "GSO on, clean path: $(hsize "$bytes") upload" \
	"-s $bytes -S $dseed -t $t" "-s $bytes -S $dseed -t $t"
sleep 0.5
capture_stop
ts_summary "$TMPD/gso.pcapng" >"$TMPD/gso.sum"
check_ts "GSO on: TSopt on every segment and super-packet, both ways" \
	"$TMPD/gso.sum" all

gso_off
netem_set both loss 2% delay 40ms
capture "$TMPD/on.pcapng" || tap_skip_rest "cannot capture"
xfer "timestamps on: $(hsize "$bytes") upload over 80 ms, 2% loss" \
	"-s $bytes -S $dseed -t $t" "-s $bytes -S $dseed -t $t -I"
sleep 0.5
capture_stop
ts_summary "$TMPD/on.pcapng" >"$TMPD/on.sum"
check_ts "timestamps on: TSopt on every segment, both ways" "$TMPD/on.sum" all

# The client's SRTT at the end (XTCP_INFO, microseconds).
srtt=$(sed -n 's/.*xtcp_info .* srtt=\([0-9]*\) .*/\1/p' "$TMPD/x$PORT.client" |
	tail -n 1)
if [ "$XTCP_TEST_PROTO" = tcp ]; then
	tap_skip "SRTT near the path's RTT (no srtt in tcp_info output)"
elif [ -z "$srtt" ]; then
	info "no xtcp_info line in the client's log"
	tap_fail "SRTT near the path's RTT"
else
	info "client SRTT $srtt us for an 80 ms path"
	tap_result "$([ "$srtt" -ge 70000 ] && [ "$srtt" -le 250000 ] &&
		echo 0 || echo 1)" "SRTT near the path's RTT ($srtt us)"
fi
netem_clear both

set_retries "$NS_S" timestamps 0 || tap_skip_rest "no timestamps sysctl"
capture "$TMPD/off.pcapng" || tap_skip_rest "cannot capture"
xfer "timestamps off on the server: $(hsize "$bytes") upload" \
	"-s $bytes -S $dseed -t $t" "-s $bytes -S $dseed -t $t"
sleep 0.5
capture_stop
ts_summary "$TMPD/off.pcapng" >"$TMPD/off.sum"
check_ts "timestamps off on the server: only the client's SYN offers TSopt" \
	"$TMPD/off.sum" syn
# PAWS may drop only a segment whose TSval went back on arrival: none on
# most runs, where the server must then have dropped nothing. veth queues
# each CPU's transmissions on that CPU's backlog, so a segment delayed on
# a stalled vCPU can arrive after its own retransmission; PAWS drops it,
# as TCP's would (CI saw this once in the lossy transfer).
check_counter "PAWS drops only segments whose TSval went back on arrival ($CLIENT_OLDER)" \
	s PAWSEstabRejected -le "$CLIENT_OLDER"

tap_finish
