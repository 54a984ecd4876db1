#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A listener whose accept queue fills: the server listens with a small
# backlog and does not accept() until told to (xtcp_xfer -U, SIGUSR1).
#  - A first burst of backlog + 3 connections: backlog + 1 handshakes
#    complete and wait in the accept queue (PassiveOpens counts completed
#    passive opens, as Linux TCP does; one more may slip in when two
#    final ACKs are handled at once on two CPUs); the final ACKs of the
#    others are dropped (ListenDrops) while their clients already think
#    they are connected.
#  - A second burst once the queue is full: its SYNs are dropped and
#    retransmitted.
# Then the server accepts: every connection must complete and move its data.
# (The first burst stays small on purpose: with more than 4 half-open
# requests Linux TCP prunes old ones early and resets their clients. And
# TCP runs without SYN cookies, which would reset the second burst.)
#
# XTCP_BACKLOG_LATE  connections in the second burst (default 6, 4 debug)

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

XTCP_BACKLOG_LATE=$(pick_size "${XTCP_BACKLOG_LATE:-}" 6 4)
xtcp_lib_init 3 "listener backlog fills"

rand_range 1 1000000
dseed=$RAND
rand_range 1 4
backlog=$RAND
first=$((backlog + 3))
late=$XTCP_BACKLOG_LATE
n=$((first + late))
info "data seed $dseed, backlog $backlog, $first + $late connections"
t=$(tmo 180)

if [ "$XTCP_TEST_PROTO" = tcp ]; then
	ip netns exec "$NS_S" sysctl -qw net.ipv4.tcp_syncookies=0
	info "net.ipv4.tcp_syncookies=0 in $NS_S"
fi

snapshot s PassiveOpens ListenDrops

PORT=$((PORT + 1))
start=$(now_ms)
if ! start_server backlog -B "$backlog" -U -N "$n" -s 64K -S "$dseed" \
	-t "$t"; then
	tap_skip_rest "server did not start"
fi
start_client first -n -N "$first" -s 64K -S "$dseed" -t "$t"
pid_first=$CLI_PID
# Let the queue fill: backlog + 1 completed handshakes, then a moment for
# the extra final ACKs to be dropped.
b=$(before s PassiveOpens)
wait_counter "$NS_S" PassiveOpens $((${b:-0} + backlog + 1)) "$(tmo 20)" ||
	sleep "$(tmo 3)"
sleep "$(tmo 1)"
start_client late -n -N "$late" -s 64K -S "$dseed" -t "$t"
pid_late=$CLI_PID
# The second burst's SYNs meet the full queue, at least once.
sleep "$(tmo 2)"

now=$(counter "$NS_S" PassiveOpens)
# As Linux TCP's, the final ACK's check of the accept queue
# (sk_acceptq_is_full() in syn_recv_sock) is not serialised with the
# child's queueing: the listener is not locked for it, so two final ACKs
# handled at once on two CPUs may both pass it (3 for backlog 1 in a CI
# run, 2026-12-06). One more than backlog + 1 is allowed with several
# CPUs; the first burst (backlog + 3) still overflows a queue not
# enforced.
most=$((backlog + 1))
[ "$(nproc)" -gt 1 ] && most=$((most + 1))
desc="backlog: without accept(), 1..$most connections complete"
if [ -z "$now" ] || [ -z "$b" ]; then
	check_counter "$desc" s PassiveOpens -ge 1
else
	d=$((now - b))
	info "PassiveOpens before accept(): +$d at $(secs_since "$start") s"
	if [ "$d" -ge 1 ] && [ "$d" -le "$most" ]; then
		tap_ok "$desc"
	else
		tap_fail "$desc"
	fi
fi
check_counter "backlog: the full listener dropped handshakes (ListenDrops)" \
	s ListenDrops -gt 0

info "server starts accepting at $(secs_since "$start") s"
kill -USR1 "$SRV_PID"

rc1=0
rc2=0
src=0
wait "$pid_first" || rc1=$?
wait "$pid_late" || rc2=$?
wait_server || src=$?
show_log "$TMPD/backlog.server"
show_log "$TMPD/first.client"
show_log "$TMPD/late.client"
info "server exit $src, client exits $rc1 and $rc2"
desc="backlog: all $n connections complete once accept() runs ($(secs_since "$start") s)"
if [ "$rc1" -eq 0 ] && [ "$rc2" -eq 0 ] && [ "$src" -eq 0 ]; then
	tap_ok "$desc"
else
	tap_fail "$desc"
fi

tap_finish
