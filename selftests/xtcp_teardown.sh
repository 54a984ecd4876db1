#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Teardown: every socket of the tests that ran before is freed (the module's
# reference count returns to zero); TIME_WAIT entries hold the module (rmmod refused, EBUSY) until
# their namespace is deleted, which frees them; the connection hash and the
# TIME_WAIT limit are sized as TCP's, and past that limit a closing
# connection gets no TIME_WAIT entry; deleting namespaces while
# connections are moving data, with the programs killed, frees every socket
# (the module's reference count returns to zero and rmmod succeeds).
# Leaves the module loaded with default parameters. Needs XTCP_KO.

. "$(dirname "$0")/lib.sh"

xtcp_lib_init 10 "earlier sockets freed, rmmod with TIME_WAIT pending, the TIME_WAIT limit, netns deletion with live connections"

[ "$XTCP_TEST_PROTO" = xtcp ] || tap_skip_rest "module lifetime is XTCP's own"
if [ -z "${XTCP_KO:-}" ] || [ ! -r "$XTCP_KO" ]; then
	tap_skip_rest "XTCP_KO not set"
fi

refcnt() { cat /sys/module/xtcp/refcnt 2>/dev/null || echo gone; }

# wait_refcnt SECS: until only the module's own users are left.
wait_refcnt() {
	local i

	for ((i = 0; i < $1 * 10; i++)); do
		[ "$(refcnt)" = 0 ] && return 0
		sleep 0.1
	done
	info "xtcp refcnt still $(refcnt)"
	return 1
}

reload() {
	[ -d /sys/module/xtcp ] || insmod "$XTCP_KO"
}

# Orphans of earlier scenarios (FIN or data retransmitted to namespaces
# that are gone) hold the module until they give up: up to about 100 s
# (8 RTO retries), as TCP's orphans do. After that, a reference still held
# is a leaked socket (a lost timer or skb reference, say).
if wait_refcnt "$(tmo 180)"; then
	tap_ok "every socket of the earlier tests freed (refcnt 0)"
else
	info "sockets of earlier tests still alive:"
	for ns in $(ip netns list | awk '{ print $1 }'); do
		ip netns exec "$ns" cat /proc/net/xtcp 2>/dev/null | show_log /dev/stdin
	done
	tap_fail "every socket of the earlier tests freed (refcnt 0)"
fi

xfer "a connection that leaves the client in TIME_WAIT" "-s 64K" "-s 64K"
if ip netns exec "$NS_C" grep -q TIME_WAIT /proc/net/xtcp &&
   ! rmmod xtcp 2>"$TMPD/rmmod.err"; then
	show_log "$TMPD/rmmod.err"
	tap_ok "rmmod refused while a TIME_WAIT entry exists"
else
	tap_fail "rmmod refused while a TIME_WAIT entry exists"
	reload
fi

# Sized as TCP's (tcp_init(), tcp_sk_init()): as many connection hash
# buckets as TCP has, and half as many TIME_WAIT entries per namespace.
ehash=$(cat /sys/module/xtcp/parameters/ehash_entries)
maxtw=$(ip netns exec "$NS_C" sysctl -n net.xtcp.max_tw_buckets 2>/dev/null)
tcptw=$(ip netns exec "$NS_C" sysctl -n net.ipv4.tcp_max_tw_buckets)
info "ehash_entries $ehash, net.xtcp.max_tw_buckets ${maxtw:-none}, net.ipv4.tcp_max_tw_buckets $tcptw"
if [ -n "$maxtw" ] && [ "$maxtw" -eq "$tcptw" ] &&
   [ "$ehash" -eq $((2 * tcptw)) ]; then
	tap_ok "hash buckets and TIME_WAIT limit as TCP's ($ehash, $maxtw)"
else
	tap_fail "hash buckets and TIME_WAIT limit as TCP's ($ehash, ${maxtw:-none})"
fi

# At the limit, a closing connection gets no TIME_WAIT entry: counted, as
# TCP's TCPTimeWaitOverflow.
ip netns exec "$NS_C" sysctl -qw net.xtcp.max_tw_buckets=1
snapshot c TimeWaitOverflow
xfer "a connection closed with the TIME_WAIT limit (1) reached" "-s 64K" "-s 64K"
# The client's end leaves FIN_WAIT_2 as the server's FIN comes.
wait_counter "$NS_C" TimeWaitOverflow $(($(before c TimeWaitOverflow) + 1)) "$(tmo 10)" ||
	info "TimeWaitOverflow did not grow within $(tmo 10) s"
n=$(ip netns exec "$NS_C" grep -c TIME_WAIT /proc/net/xtcp)
info "$n TIME_WAIT entries in the client's namespace"
if [ "$n" -eq 1 ]; then
	check_counter "past max_tw_buckets: no second TIME_WAIT entry, TimeWaitOverflow counted" \
		c TimeWaitOverflow -eq 1
else
	tap_fail "past max_tw_buckets: no second TIME_WAIT entry, TimeWaitOverflow counted"
fi

# Deleting the namespace purges its TIME_WAIT entries.
ns_del "$NS_C"
ns_del "$NS_S"
NS_C=
NS_S=
if wait_refcnt "$(tmo 20)" && rmmod xtcp; then
	tap_ok "namespace deletion freed TIME_WAIT; rmmod succeeds"
else
	tap_fail "namespace deletion freed TIME_WAIT; rmmod succeeds"
fi
reload

# Live connections: a slow reader keeps data queued everywhere.
setup_ns || tap_skip_rest "cannot recreate the namespaces"
# An orphan that still has data to send retries until it gives up; a
# short rto_max keeps that within the test's patience.
ip netns exec "$NS_C" sysctl -qw net.xtcp.rto_max_ms=1000
ip netns exec "$NS_S" sysctl -qw net.xtcp.rto_max_ms=1000
PORT=$((PORT + 1))
start_server live -N 8 -b -r 20000 -s 64M -t "$(tmo 120)" ||
	tap_fail "server for the live connections"
start_client live -N 8 -b -r 20000 -s 64M -t "$(tmo 120)"
sleep 2
n=$(ip netns exec "$NS_C" grep -c ESTABLISHED /proc/net/xtcp)
info "$n established client connections"
if [ "$n" -ge 8 ]; then
	tap_ok "8 connections established and moving data"
else
	tap_fail "8 connections established and moving data"
fi

kill -9 "$CLI_PID" "$SRV_PID" 2>/dev/null
wait "$CLI_PID" "$SRV_PID" 2>/dev/null
ns_del "$NS_C"
ns_del "$NS_S"
NS_C=
NS_S=
# Killed with data queued, each end aborts with a RST; should a RST be
# lost with the link, the orphan gives up after its retries.
if wait_refcnt "$(tmo 150)"; then
	tap_ok "every socket freed after the namespaces went (refcnt 0)"
else
	tap_fail "every socket freed after the namespaces went (refcnt 0)"
fi
if rmmod xtcp; then
	tap_ok "rmmod succeeds afterwards"
else
	tap_fail "rmmod succeeds afterwards"
fi
reload
tap_finish
