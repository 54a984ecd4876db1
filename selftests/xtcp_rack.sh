#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# RACK-TLP (RFC 8985) against tail loss. Request/response (tools/xtcp_rr:
# small requests of three segments, each echoed, every byte of every echo
# checked) through random loss on both ends, with a few milliseconds of
# delay. A lost last segment of a request or of its echo leaves nothing
# behind it to trigger a fast retransmission: only a timeout repairs it,
# unless a tail loss probe goes first; a lost earlier one is followed by
# fewer than DupThresh segments, so RFC 6675 waits for the timeout too,
# where RACK needs the reordering window only.
#
# Run once with net.xtcp.recovery=0 (RFC 6675 DupThresh, no TLP): the
# ends take timeouts. Then with the default (RACK-TLP): loss probes are
# sent (TLPProbes), and at most a quarter of those timeouts remain (a
# lost probe still ends in one). Both runs must echo every byte intact,
# and the second must lose less time to the losses: xtcp_rr's "stall",
# what the transactions took beyond the median, compares the two runs on
# a guest whose speed changes between them. Wall time does not: in one
# two-guest make check the second run took 50.7 s against 49.6 s with 10
# timeouts against 62.
#
# XTCP_RACK_ITER  transactions per run (default 300, 100 in the debug guest)

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

XTCP_RACK_ITER=${XTCP_RACK_ITER:-$([ "${XTCP_GUEST:-}" = debug ] && echo 100 || echo 300)}
xtcp_lib_init 7 "RACK-TLP repairs tail loss without timeouts"

RR=$XTCP_SELFTESTS/../tools/xtcp_rr
[ -x "$RR" ] || tap_skip_rest "no $RR (make -C tools)"
[ "$XTCP_TEST_PROTO" = tcp ] && tap_skip_rest "compares XTCP's loss detectors"
netem_available || tap_skip_rest "netem not available (CONFIG_NET_SCH_NETEM)"
gso_off

COUNTERS=(Timeouts TLPProbes TLPRecovery RACKReoTimeouts SACKRecovery
	RetransSegs)

# set_recovery N: net.xtcp.recovery on both ends.
set_recovery() {
	set_retries "$NS_C" recovery "$1" && set_retries "$NS_S" recovery "$1"
}

# total NAME: growth of counter NAME since the snapshot, both ends.
total() {
	local s sum=0 now

	for s in c s; do
		now=$(counter "$(side_ns "$s")" "$1")
		sum=$((sum + ${now:-0} - ${BEFORE[$s:$1]:-0}))
	done
	echo "$sum"
}

# rr WHAT: one request/response run; TAP case; its duration in RR_MS,
# its stall (xtcp_rr) in RR_STALL.
rr() {
	local what=$1 start rc=0 src=0 pid

	PORT=$((PORT + 1))
	snapshot c "${COUNTERS[@]}"
	snapshot s "${COUNTERS[@]}"
	start=$(now_ms)
	ip netns exec "$NS_S" "$RR" -l "$SERVER_IP" "$PORT" \
		>"$TMPD/rr$PORT.server" 2>&1 &
	pid=$!
	BG_PIDS+=("$pid")
	ip netns exec "$NS_C" timeout "$(tmo 300)" "$RR" -n "$XTCP_RACK_ITER" \
		-z 3000 "$SERVER_IP" "$PORT" >"$TMPD/rr$PORT.client" 2>&1 || rc=$?
	wait "$pid" || src=$?
	RR_MS=$(($(now_ms) - start))
	RR_STALL=$(sed -n 's/.* stall=\([0-9]*\)ms$/\1/p' "$TMPD/rr$PORT.client")
	show_log "$TMPD/rr$PORT.client"
	info "$what: client exit $rc, server exit $src, $RR_MS ms," \
		"stall ${RR_STALL:-?} ms;" \
		"$(for n in "${COUNTERS[@]}"; do printf '%s %s ' "$n" "$(total "$n")"; done)"
	[ "$rc" -eq 0 ] && [ "$src" -eq 0 ] && [ -n "$RR_STALL" ]
	tap_result $? "$what: $XTCP_RACK_ITER transactions of 3000 bytes through 3% loss, every echo intact"
}

netem_set both loss 3% delay 5ms

set_recovery 0 || tap_skip_rest "no net.xtcp.recovery"
rr "rfc6675"
old_rto=$(total Timeouts)
old_stall=${RR_STALL:-0}
check_counter "rfc6675: no loss probe without RACK-TLP (TLPProbes)" \
	c TLPProbes -eq 0
desc="rfc6675: tail losses end in timeouts ($old_rto)"
if [ "$old_rto" -gt 0 ]; then tap_ok "$desc"; else tap_fail "$desc"; fi

set_recovery 1
rr "rack-tlp"
new_rto=$(total Timeouts)
probes=$(total TLPProbes)
desc="rack-tlp: loss probes sent ($probes)"
if [ "$probes" -gt 0 ]; then tap_ok "$desc"; else tap_fail "$desc"; fi
desc="rack-tlp: at most a quarter of the timeouts ($new_rto against $old_rto)"
if [ $((new_rto * 4)) -le "$old_rto" ]; then tap_ok "$desc"; else tap_fail "$desc"; fi
desc="rack-tlp: less time lost to the losses (stall $RR_STALL ms against $old_stall ms)"
if [ "${RR_STALL:-0}" -lt "$old_stall" ]; then tap_ok "$desc"; else tap_fail "$desc"; fi

tap_finish
