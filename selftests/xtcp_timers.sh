#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Timers that must always be there, and must not fire too early or never:
#  - a first transmission that fails locally (a netfilter OUTPUT drop rule,
#    a tc egress drop: the qdisc layer reports NET_XMIT_DROP) still has a
#    timer: connect() completes once the rule is gone (the SYN is sent
#    again), and data and a FIN queued while the rule is in place get
#    through afterwards (cmp of the bytes);
#  - keepalive with KEEPINTVL > KEEPIDLE keeps a healthy idle connection
#    up (answered probes reset the count) and still ends one whose peer
#    vanished, with ETIMEDOUT, in the expected time;
#  - retries2 and syn_retries at 255 (beyond the backoff counter's 31)
#    still give up, in bounded time (by elapsed time, with a short rto_max);
#  - synack_retries is bounded (the kernel's request timer counts 7 bits).
#
# XTCP_TEST_PROTO=tcp runs the drop-rule and keepalive cases over the
# kernel's TCP; the others are XTCP's sysctls. XTCP_FAMILY=6
# (xtcp_timers6.sh) runs every case over IPv6: the drops then hit
# ip6_xmit()'s output path and the IPv6 egress qdisc.

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

xtcp_lib_init 13 "timers armed after local drops, keepalive, bounded retries"

PY=/usr/bin/python3
CLIENT=$XTCP_SELFTESTS/xtcp_timers_client.py
[ -x "$PY" ] || tap_skip_rest "no $PY"
netem_available || tap_skip_rest "netem not available (CONFIG_NET_SCH_NETEM)"

if [ "$XTCP_TEST_PROTO" = tcp ]; then
	L4=6
else
	L4=$(cat /sys/module/xtcp/parameters/ipproto 2>/dev/null || echo 253)
fi

rand_range 20000 30000
PORT=$RAND
head -c 65536 /dev/urandom >"$TMPD/data"

# Drop every segment of ours leaving the client namespace.
# drop_on nft|tc / drop_off nft|tc
drop_on() {
	case $1 in
	nft)
		ip netns exec "$NS_C" nft -f - <<-EOF
		table inet xtcp_drop {
			chain out {
				type filter hook output priority 0; policy accept;
				meta l4proto $L4 counter drop
			}
		}
		EOF
		;;
	tc)
		tc -n "$NS_C" qdisc add dev veth-c clsact &&
		tc -n "$NS_C" filter add dev veth-c egress protocol "$TC_PROTO" \
			prio 1 u32 match "$TC_MATCH" protocol "$L4" 0xff action drop
		;;
	esac
}

# drop_count nft|tc: how many segments the drop rule has dropped so far.
drop_count() {
	local n

	case $1 in
	nft)
		n=$(ip netns exec "$NS_C" nft list table inet xtcp_drop 2>/dev/null |
			sed -n 's/.*counter packets \([0-9]*\).*/\1/p' | head -1)
		;;
	tc)
		n=$(tc -s -n "$NS_C" filter show dev veth-c egress 2>/dev/null |
			sed -n 's/.*(dropped \([0-9]*\),.*/\1/p' | head -1)
		;;
	esac
	echo "${n:-0}"
}

# wait_dropped nft|tc SECS: wait until the rule dropped two segments (a
# lone FIN: its first transmission and the timer's resend; data: more).
# Each look at the counter costs most of a second of a vCPU under TCG, so
# the loop goes by the clock and sleeps between looks.
wait_dropped() {
	local end=$(($(now_ms) + $2 * 1000))

	while [ "$(now_ms)" -lt "$end" ]; do
		[ "$(drop_count "$1")" -ge 2 ] && return 0
		sleep 0.2
	done
	return 1
}

# drop_off nft|tc: remove the rule. It must have dropped at least two
# segments (else the case tested nothing), and at most DROP_MAX: more
# means a send loop that retried at once, where each failed transmission
# should be retried by a timer, a few a second. The count is read just
# before the rule goes: one more segment may be dropped meanwhile.
DROP_MAX=1000
drop_off() {
	local n

	n=$(drop_count "$1")
	case $1 in
	nft) ip netns exec "$NS_C" nft delete table inet xtcp_drop ;;
	tc) tc -n "$NS_C" qdisc del dev veth-c clsact ;;
	esac
	info "the $1 rule dropped $n segments"
	if [ "$n" -lt 2 ]; then
		CASE_ERR="the $1 rule dropped $n segments, not a transmission and its resend"
	elif [ "$n" -gt "$DROP_MAX" ]; then
		CASE_ERR="the $1 rule dropped $n segments: a transmission retried in a loop"
	fi
}

# The u32 match for the family's next protocol (no IPv6 extension headers
# in these segments).
if [ "$XTCP_FAMILY" = 6 ]; then
	TC_PROTO=ipv6 TC_MATCH=ip6
else
	TC_PROTO=ip TC_MATCH=ip
fi

have_nft() { command -v nft >/dev/null && ip netns exec "$NS_C" nft list tables >/dev/null 2>&1; }

# client TAG ARGS...: the paced client in $NS_C, in the background (CLI_PID).
client() {
	local tag=$1

	shift
	rm -f "$TMPD/$tag.ready" "$TMPD/$tag.go"
	ip netns exec "$NS_C" "$PY" "$CLIENT" -p "$XTCP_TEST_PROTO" \
		-R "$TMPD/$tag.ready" "$@" "$SERVER_IP" "$PORT" \
		>"$TMPD/$tag.client" 2>&1 &
	CLI_PID=$!
	BG_PIDS+=("$CLI_PID")
}

wait_file() { # FILE SECS
	local i

	for ((i = 0; i < $2 * 20; i++)); do
		[ -e "$1" ] && return 0
		sleep 0.05
	done
	return 1
}

# finish_case TAG DESC [OUTFILE]: wait for client and server, show logs,
# one TAP result; with OUTFILE, the server's bytes must equal it. A
# CASE_ERR set before (the case's premise did not hold) fails it too.
CASE_ERR=
finish_case() {
	local tag=$1 desc=$2 want=${3:-} crc=0 src=0

	wait "$CLI_PID" || crc=$?
	wait_server || src=$?
	show_log "$TMPD/$tag.client"
	show_log "$TMPD/$tag.server"
	if [ -n "$CASE_ERR" ]; then
		info "FAIL: $CASE_ERR"
		CASE_ERR=
		crc=1
	fi
	if [ -n "$want" ] && ! cmp "$want" "$TMPD/$tag.out" >"$TMPD/$tag.cmp" 2>&1; then
		show_log "$TMPD/$tag.cmp"
		info "received $(stat -c %s "$TMPD/$tag.out" 2>/dev/null) of $(stat -c %s "$want") bytes"
		crc=1
	fi
	info "client exit $crc, server exit $src"
	if [ "$crc" -eq 0 ] && [ "$src" -eq 0 ]; then
		tap_ok "$desc"
	else
		tap_fail "$desc"
	fi
}

# 1-2: connect() while every SYN is dropped locally, until the first SYN
# and its resend have been. The rule goes a few seconds later under TCG,
# after the SYN of 3 s perhaps: the client allows for the ones of 15 s
# and 31 s.
for how in nft tc; do
	desc="timers: connect() completes after a local $how drop of the first SYNs is lifted"
	if [ "$how" = nft ] && ! have_nft; then
		tap_skip "$desc" "no nft or nf_tables"
		continue
	fi
	PORT=$((PORT + 1))
	tag=syn-$how
	start_server "$tag" -s 0 -o "$TMPD/$tag.out" -t "$(tmo 45)" ||
		{ tap_fail "$desc"; continue; }
	# Python's start takes seconds under TCG: the client connects
	# once the rule is in place and the file says go.
	rm -f "$TMPD/$tag.connect"
	client "$tag" -W "$TMPD/$tag.connect" -i "$TMPD/data" -f -t "$(tmo 40)"
	if ! drop_on "$how"; then
		touch "$TMPD/$tag.connect"
		CASE_ERR="cannot add the $how rule"
		finish_case "$tag" "$desc"
		continue
	fi
	start=$(now_ms)
	touch "$TMPD/$tag.connect"
	# The first SYN goes when the client logs "connecting", the timer's
	# resend a second later (the initial RTO): lift the rule after
	# that. No counter polling: it would slow the client's start.
	if wait_log "$TMPD/$tag.client" connecting "$CLI_PID" $((150 * XTCP_TIME_SCALE)); then
		sleep 2
	fi
	drop_off "$how"
	finish_case "$tag" "$desc (lifted after $(secs_since "$start") s)" "$TMPD/data"
done

# 3-6: established and idle; data (+FIN), or a FIN alone, queued while the
# drop is in place; lifted once it dropped two segments.
for how in nft tc; do
	for what in data fin; do
		desc="timers: $what queued during a local $how drop gets through afterwards"
		if [ "$how" = nft ] && ! have_nft; then
			tap_skip "$desc" "no nft or nf_tables"
			continue
		fi
		PORT=$((PORT + 1))
		tag=$what-$how
		start_server "$tag" -s 0 -o "$TMPD/$tag.out" -t "$(tmo 45)" ||
			{ tap_fail "$desc"; continue; }
		if [ "$what" = data ]; then
			client "$tag" -G "$TMPD/$tag.go" -i "$TMPD/data" -f -t "$(tmo 40)"
			want=$TMPD/data
		else
			client "$tag" -G "$TMPD/$tag.go" -f -t "$(tmo 40)"
			want=/dev/null
		fi
		if ! wait_file "$TMPD/$tag.ready" "$(tmo 10)" || ! drop_on "$how"; then
			touch "$TMPD/$tag.go"
			finish_case "$tag" "$desc"
			continue
		fi
		start=$(now_ms)
		touch "$TMPD/$tag.go"
		wait_dropped "$how" "$(tmo 15)"
		drop_off "$how"
		finish_case "$tag" "$desc (lifted after $(secs_since "$start") s)" "$want"
	done
done

# 7-8: keepalive, KEEPIDLE 1 s < KEEPINTVL 3 s, KEEPCNT 2, healthy peer.
idle=$((15 * XTCP_TIME_SCALE))
desc="timers: keepalive (idle 1, intvl 3, cnt 2) keeps a healthy idle connection up for $idle s"
snapshot c KeepAliveProbes
PORT=$((PORT + 1))
tag=ka-alive
if start_server "$tag" -s 0 -o "$TMPD/$tag.out" -t "$((idle + $(tmo 60)))"; then
	client "$tag" -k 1,3,2 -s "$idle" -i "$TMPD/data" -f -t "$((idle + $(tmo 30)))"
	finish_case "$tag" "$desc" "$TMPD/data"
else
	tap_fail "$desc"
fi
check_counter "timers: keepalive probes were sent and answered (KeepAliveProbes)" \
	c KeepAliveProbes -ge 3

# 9: the same, and the peer vanishes: ETIMEDOUT after about
# intvl * cnt past the last answer (6-9 s here).
desc="timers: keepalive (idle 1, intvl 3, cnt 2) ends a connection whose peer vanished"
PORT=$((PORT + 1))
tag=ka-dead
if start_server "$tag" -s 0 -o "$TMPD/$tag.out" -t "$(tmo 60)"; then
	client "$tag" -k 1,3,2 -s "$(tmo 60)" -e ETIMEDOUT -t "$(tmo 60)"
	if wait_file "$TMPD/$tag.ready" "$(tmo 10)"; then
		netem_set both loss 100%
		start=$(now_ms)
		crc=0
		wait "$CLI_PID" || crc=$?
		el=$(secs_since "$start")
		kill "$SRV_PID" 2>/dev/null
		wait "$SRV_PID" 2>/dev/null
		show_log "$TMPD/$tag.client"
		info "ETIMEDOUT after $el s (want 4..$(tmo 14) s)"
		if [ "$crc" -eq 0 ] && [ "${el%.*}" -ge 4 ] && [ "${el%.*}" -lt "$(tmo 14)" ]; then
			tap_ok "$desc ($el s)"
		else
			tap_fail "$desc ($el s)"
		fi
	else
		tap_fail "$desc (no connection)"
	fi
	netem_clear both
else
	tap_fail "$desc"
fi

# 10-13: retry limits of 255 with rto_min 10 ms, rto_max 50 ms: 256 RTOs
# of at most 50 ms, about 13 s.
xsysctl() { ip netns exec "$NS_C" sysctl -qw "net.xtcp.$1=$2"; }
if [ "$XTCP_TEST_PROTO" != xtcp ]; then
	while [ "$TAP_NUM" -lt "$TAP_PLAN" ]; do
		tap_skip "$TEST_NAME" "net.xtcp sysctls are XTCP's"
	done
	tap_finish
fi
# Each case must take more than 5 s: the default retries (15, 6) would
# give up within about a second at these RTOs.
RETRY_ERR=
xsysctl rto_min_ms 10 && xsysctl rto_max_ms 50 && xsysctl retries2 255 &&
	xsysctl syn_retries 255 || RETRY_ERR="cannot set net.xtcp sysctls in $NS_C"
# retry_result RC DESC ELAPSED: ok if RC is 0 and ELAPSED (s) is 5..tmo 25.
retry_result() {
	local rc=$1 el=${3%.*}

	if [ -n "$RETRY_ERR" ]; then
		info "FAIL: $RETRY_ERR"
		rc=1
	elif [ "$rc" -eq 0 ] && { [ "$el" -lt 5 ] || [ "$el" -ge "$(tmo 25)" ]; }; then
		info "FAIL: gave up after $3 s, want 5..$(tmo 25) s"
		rc=1
	fi
	tap_result "$rc" "$2 ($3 s)"
}
snapshot c AttemptFails

desc="timers: retries2=255 still gives up (ETIMEDOUT) when the peer vanishes mid-transfer"
PORT=$((PORT + 1))
t=$(tmo 60)
if start_server vanish -s 1G -t "$t"; then
	start_client vanish -s 1G -e ETIMEDOUT -t "$t"
	sleep 1
	netem_set both loss 100%
	start=$(now_ms)
	rc=0
	wait "$CLI_PID" || rc=$?
	el=$(secs_since "$start")
	kill "$SRV_PID" 2>/dev/null
	wait "$SRV_PID" 2>/dev/null
	show_log "$TMPD/vanish.client"
	info "gave up after $el s (bound: 256 * 50 ms plus the episode's start)"
	retry_result "$rc" "$desc" "$el"
	netem_clear both
	# The killed server's socket still retransmits what it had queued;
	# let the client's namespace reset it before the next case blackholes
	# that namespace, or it outlives the test.
	for ((i = 0; i < $(tmo 30) * 2; i++)); do
		[ "$(ip netns exec "$NS_S" wc -l </proc/net/xtcp)" -le 1 ] && break
		sleep 0.5
	done
	info "server namespace: $(($(ip netns exec "$NS_S" wc -l </proc/net/xtcp) - 1)) socket(s) left after $((i / 2)) s"
else
	tap_fail "$desc"
fi

desc="timers: syn_retries=255 still gives up (ETIMEDOUT) on a blackholed peer"
netem_set c loss 100%
PORT=$((PORT + 1))
start=$(now_ms)
rc=0
run_client syn255 -s 0 -e ETIMEDOUT -t "$(tmo 60)" || rc=$?
show_log "$TMPD/syn255.client"
retry_result "$rc" "$desc" "$(secs_since "$start")"
netem_clear c
check_counter "timers: AttemptFails counted the connect" c AttemptFails -ge 1

if ! ip netns exec "$NS_C" sysctl -qw net.xtcp.synack_retries=64 2>/dev/null &&
   ip netns exec "$NS_C" sysctl -qw net.xtcp.synack_retries=63; then
	tap_ok "timers: synack_retries takes 63, refuses 64 (7-bit request timer count)"
else
	tap_fail "timers: synack_retries takes 63, refuses 64 (7-bit request timer count)"
fi

tap_finish
