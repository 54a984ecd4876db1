#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ETIMEDOUT when the peer is blackholed (netem drops everything):
#  - SYNs lost: connect() gives up after syn_retries (blocking and
#    non-blocking at once);
#  - peer vanishes mid-transfer: the sender gives up after retries2;
#  - idle connection with keepalive (SO_KEEPALIVE + XTCP_KEEPIDLE/KEEPINTVL/
#    KEEPCNT): unanswered probes end it.
# The retry limits are shortened per namespace: net.ipv4.tcp_syn_retries and
# tcp_retries2 for TCP, net.xtcp.syn_retries and retries2 for XTCP.
#
# XTCP_SYN_TIMEOUT  seconds allowed for connect() to time out when the
#                   syn_retries knob is missing (default 200)

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

xtcp_lib_init 6 "ETIMEDOUT with a blackholed peer"

rand_range 1 1000000
dseed=$RAND
rand_range 20000 30000
PORT=$RAND
info "data seed $dseed"

netem_available || tap_skip_rest "netem not available (CONFIG_NET_SCH_NETEM)"

snapshot c AttemptFails KeepAliveProbes

# 1, 2: SYNs into the void.
if set_retries "$NS_C" syn_retries 2; then
	t=$(tmo 60)
else
	t=$(tmo "${XTCP_SYN_TIMEOUT:-200}")
	info "no syn_retries knob: waiting up to $t s for the default retries"
fi
netem_set c loss 100%
start=$(now_ms)
start_client syn-block -e ETIMEDOUT -t "$t"
pid_block=$CLI_PID
start_client syn-nb -n -e ETIMEDOUT -t "$t"
pid_nb=$CLI_PID
rc=0
wait "$pid_block" || rc=$?
show_log "$TMPD/syn-block.client"
tap_result "$rc" "timeout: blocking connect() to a blackholed peer fails with ETIMEDOUT ($(secs_since "$start") s)"
rc=0
wait "$pid_nb" || rc=$?
show_log "$TMPD/syn-nb.client"
tap_result "$rc" "timeout: non-blocking connect() reports ETIMEDOUT in SO_ERROR ($(secs_since "$start") s)"
netem_clear c
check_counter "timeout: AttemptFails counted both connects" c AttemptFails -ge 2

# est_result RC TAG DESC: the result of a case about an established
# connection. xtcp_xfer -e takes the error from connect() too: fail if
# that is where it came from, or if the server never saw the connection.
est_result() {
	local rc=$1

	if [ "$rc" -eq 0 ] && ! [ "$EST" = 1 ]; then
		info "FAIL: the server did not accept the connection before the blackhole"
		rc=1
	fi
	if [ "$rc" -eq 0 ] && grep -q "conn 0: connect" "$TMPD/$2.client"; then
		info "FAIL: the error came from connect(), not from the established connection"
		rc=1
	fi
	tap_result "$rc" "$3"
}

# 3: the peer disappears while we send.
desc="timeout: sender gives up with ETIMEDOUT when the peer vanishes mid-transfer"
if set_retries "$NS_C" retries2 3; then
	t=$(tmo 120)
	snapshot s PassiveOpens
	PORT=$((PORT + 1))
	if start_server vanish -s 1G -S "$dseed" -t "$t"; then
		start=$(now_ms)
		start_client vanish -s 1G -S "$dseed" -e ETIMEDOUT -t "$t"
		EST=0
		wait_counter "$NS_S" PassiveOpens $(($(before s PassiveOpens) + 1)) \
			"$(tmo 10)" && EST=1
		sleep 1
		netem_set both loss 100%
		rc=0
		wait "$CLI_PID" || rc=$?
		kill "$SRV_PID" 2>/dev/null
		wait "$SRV_PID" 2>/dev/null
		show_log "$TMPD/vanish.client"
		est_result "$rc" vanish "$desc ($(secs_since "$start") s)"
	else
		tap_fail "$desc"
	fi
	netem_clear both
else
	tap_skip "$desc" "no retries2 knob for $XTCP_TEST_PROTO"
fi

# 4, 5: idle connection, keepalive probes unanswered.
desc="timeout: keepalive ends an idle connection to a blackholed peer with ETIMEDOUT"
t=$(tmo 60)
snapshot s PassiveOpens
snapshot c KeepAliveProbes
PORT=$((PORT + 1))
if start_server idle -s 0 -t "$t"; then
	start=$(now_ms)
	start_client idle -K -s 0 -k 2,1,3 -e ETIMEDOUT -t "$t"
	EST=0
	wait_counter "$NS_S" PassiveOpens $(($(before s PassiveOpens) + 1)) \
		"$(tmo 10)" && EST=1
	netem_set both loss 100%
	rc=0
	wait "$CLI_PID" || rc=$?
	kill "$SRV_PID" 2>/dev/null
	wait "$SRV_PID" 2>/dev/null
	show_log "$TMPD/idle.client"
	est_result "$rc" idle "$desc ($(secs_since "$start") s)"
else
	tap_fail "$desc"
fi
netem_clear both
check_counter "timeout: keepalive probes were sent (KeepAliveProbes)" c KeepAliveProbes -ge 3

tap_finish
