#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The connection clock (module/xtcp_clock.h): a segment's processing, a
# send and a timer run each read CLOCK_MONOTONIC once, as TCP reads
# tcp_mstamp, and every stamp, RTT sample and timer deadline of that work
# uses that reading. Before it, each segment read the clock source a
# dozen times (send time, TSval, RTT, RACK, the RTO's deadline, the
# delayed ACK...); in a guest whose clock source is the HPET each read is
# a device access, and request/response ran at 0.88x TCP's rate.
#
# The function tracer counts the calls of ktime_get() made from xtcp.ko's
# functions during 1-byte request/response transactions on a clean path:
# at most 8 per transaction (a request and a reply: two segments in, two
# out, two reads; about 26 before). The kernel's TCP, measured the same
# way on the same path, is reported beside it. The transactions' echoes
# are checked byte by byte (tools/xtcp_rr), so the cached clock must not
# cost a byte or a timeout either.

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

XTCP_CLOCK_ITER=${XTCP_CLOCK_ITER:-$([ "${XTCP_GUEST:-}" = debug ] && echo 100 || echo 300)}
XTCP_CLOCK_MAX=8
xtcp_lib_init 3 "one clock read per segment, send and timer run"

RR=$XTCP_SELFTESTS/../tools/xtcp_rr
T=/sys/kernel/tracing
[ -x "$RR" ] || tap_skip_rest "no $RR (make -C tools)"
[ "$XTCP_TEST_PROTO" = tcp ] && tap_skip_rest "counts xtcp.ko's clock reads"
[ -d "$T/events" ] || mount -t tracefs nodev "$T" 2>/dev/null
grep -qx ktime_get "$T/available_filter_functions" 2>/dev/null ||
	tap_skip_rest "no function tracer for ktime_get in $T"

buf_kb=$(cat "$T/buffer_size_kb")
restore() {
	echo 0 >"$T/tracing_on" 2>/dev/null
	echo nop >"$T/current_tracer" 2>/dev/null
	: >"$T/set_ftrace_filter" 2>/dev/null
	: >"$T/trace" 2>/dev/null
	echo "${buf_kb%% *}" >"$T/buffer_size_kb" 2>/dev/null
	echo 1 >"$T/tracing_on" 2>/dev/null
}
trap 'restore; cleanup' EXIT

# reads PROTO PREFIX: run the transactions over PROTO with ktime_get()
# traced; READS is the calls whose caller's name starts with PREFIX.
# Return: the client's and server's exit status, both 0.
reads() {
	local proto=$1 prefix=$2 rc=0 src=0 pid

	PORT=$((PORT + 1))
	ip netns exec "$NS_S" "$RR" -l -p "$proto" "$SERVER_IP" "$PORT" \
		>"$TMPD/rr$PORT.server" 2>&1 &
	pid=$!
	BG_PIDS+=("$pid")
	sleep 0.5
	echo 0 >"$T/tracing_on"
	: >"$T/trace"
	echo ktime_get >"$T/set_ftrace_filter"
	echo function >"$T/current_tracer"
	echo 1 >"$T/tracing_on"
	ip netns exec "$NS_C" timeout "$(tmo 120)" "$RR" -p "$proto" \
		-n "$XTCP_CLOCK_ITER" -z 1 "$SERVER_IP" "$PORT" \
		>"$TMPD/rr$PORT.client" 2>&1 || rc=$?
	echo 0 >"$T/tracing_on"
	wait "$pid" || src=$?
	show_log "$TMPD/rr$PORT.client"
	READS=$(grep -c "ktime_get <-$prefix" "$T/trace")
	LOST=$(grep -c "LOST.*EVENTS" "$T/trace")
	echo nop >"$T/current_tracer"
	info "$proto: $READS clock reads in $XTCP_CLOCK_ITER transactions" \
		"(client exit $rc, server exit $src)"
	[ "$rc" -eq 0 ] && [ "$src" -eq 0 ]
}

echo 0 >"$T/tracing_on"
echo 16384 >"$T/buffer_size_kb"

reads xtcp xtcp_
tap_result $? "xtcp: $XTCP_CLOCK_ITER 1-byte transactions, every echo intact"
xreads=$READS
xlost=$LOST
reads tcp tcp_
tcp_reads=$READS

desc="xtcp: $xreads clock reads for $XTCP_CLOCK_ITER transactions (TCP: $tcp_reads)"
if [ "$xlost" -gt 0 ]; then
	tap_fail "$desc: the trace lost events"
elif [ "$xreads" -ge "$XTCP_CLOCK_ITER" ] &&
     [ "$xreads" -le $((XTCP_CLOCK_ITER * XTCP_CLOCK_MAX)) ]; then
	tap_ok "$desc, at most $XTCP_CLOCK_MAX each"
else
	tap_fail "$desc, want $XTCP_CLOCK_ITER to $((XTCP_CLOCK_ITER * XTCP_CLOCK_MAX))"
fi
desc="tcp: its clock reads counted the same way ($tcp_reads)"
if [ "$tcp_reads" -ge "$XTCP_CLOCK_ITER" ]; then
	tap_ok "$desc"
else
	tap_fail "$desc: the method counts nothing"
fi

tap_finish
