#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ICMP errors, through a router namespace between client and server:
#
#   client 10.0.1.1 -- 10.0.1.254 router 10.0.2.254 -- 10.0.2.2 server
#
# - Path MTU discovery (RFC 1191): the router's route to the server has
#   MTU 1280 (locked) while both ends have 1500-byte links; the client's
#   full-sized segments carry DF, the router drops them with "fragmentation
#   needed", and an upload only completes if XTCP lowers its MSS and resends
#   (PmtuReduced counts it). Without it every retransmission is dropped too.
# - connect() to a destination the router reports unreachable fails at once
#   with EHOSTUNREACH, not with ETIMEDOUT after every SYN retry. "At once"
#   allows one SYN retransmission: the first error may come back while
#   connect() still owns the socket (veth delivers it in the same softirq),
#   and is then a soft error, as TCP makes it; the second SYN's error, a
#   second later, fails the connect. Every retry would take 15 s.
# - The same error in an established connection is soft (RFC 1122
#   4.2.3.9): a transfer survives two seconds of "host unreachable".
# - A connection that then times out reports the soft error (EHOSTUNREACH)
#   rather than ETIMEDOUT.
#
# XTCP_ICMP_BYTES  upload size for the PMTU case (default 2M, 512K debug)
# XTCP_ICMP_LONG   upload still running when the route goes (64M, 16M debug)

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

XTCP_ICMP_BYTES=$(pick_size "${XTCP_ICMP_BYTES:-}" 2M 512K)
XTCP_ICMP_LONG=$(pick_size "${XTCP_ICMP_LONG:-}" 64M 16M)
xtcp_lib_init 5 "ICMP errors: PMTU discovery, unreachable while connecting and connected"

NS_R=
ERROR_COST=
# shellcheck disable=SC2317 # run by the EXIT trap
icmp_cleanup() {
	[ -n "$NS_R" ] && ip netns del "$NS_R" 2>/dev/null
	[ -n "$ERROR_COST" ] && sysctl -qw net.ipv4.route.error_cost="$ERROR_COST"
	cleanup
}
trap icmp_cleanup EXIT

# Rebuild the link as client -- router -- server.
setup_router() {
	router_topology || return 1
	# The router answers every dropped segment: no ICMP rate limits (the
	# per-namespace one, and the global one for unreachable routes,
	# restored on exit), or whether an error arrives in time is luck.
	ip netns exec "$NS_R" sysctl -qw net.ipv4.icmp_ratelimit=0
	ERROR_COST=$(sysctl -n net.ipv4.route.error_cost 2>/dev/null)
	sysctl -qw net.ipv4.route.error_cost=0 2>/dev/null
	# Offloads would let segments leave unsummed across the router.
	ip netns exec "$NS_C" ethtool -K veth-c tx off >/dev/null 2>&1
	ip netns exec "$NS_S" ethtool -K veth-s tx off >/dev/null 2>&1
	info "router $NS_R between $NS_C (10.0.1.1) and $NS_S (10.0.2.2)"
}
setup_router || tap_skip_rest "cannot build the router topology"
SERVER_IP=10.0.2.2
rand_range 20000 30000
PORT=$RAND
t=$(tmo 60)

# 1. Path MTU discovery.
ip -n "$NS_R" route add 10.0.2.2/32 dev veth-rs mtu lock 1280 ||
	tap_skip_rest "cannot set a route MTU"
snapshot c PmtuReduced
big=$(to_bytes "$XTCP_ICMP_BYTES")
xfer "icmp: $(hsize "$big") upload across a 1280-byte MTU hop" \
	"-s $big -t $t" "-s $big -t $t"
if [ "$XTCP_TEST_PROTO" = xtcp ]; then
	check_counter "icmp: the client lowered its path MTU (PmtuReduced)" \
		c PmtuReduced -ge 1
else
	tap_skip "icmp: the client lowered its path MTU (PmtuReduced)" \
		"XTCP counter"
fi

# 2. Unreachable while connecting. The router has just sent "fragmentation
# needed" errors to the client: without this its ICMP rate limit may eat
# the first unreachable, and connect() would only fail on the SYN's
# retransmission a second later.
ip netns exec "$NS_R" sysctl -qw net.ipv4.icmp_ratelimit=0
ip -n "$NS_R" route add unreachable 10.0.9.0/24
set_retries "$NS_C" syn_retries 3
saved=$SERVER_IP
SERVER_IP=10.0.9.1
rc=0
run_client unreach -e EHOSTUNREACH -t "$t" || rc=$?
show_log "$TMPD/unreach.client"
SERVER_IP=$saved
# The client's own clock, from connect() on: starting a process in a
# namespace can take seconds in a loaded TCG guest. Three SYN retries
# would take 15 s; an answered SYN, or at worst its first
# retransmission, well under 4.
ms=$(sed -n 's/.* time=\([0-9]*\)\.\([0-9]\{3\}\)s .*/\1\2/p' "$TMPD/unreach.client" | tail -1)
info "connect() returned after ${ms:-?} ms (client's clock)"
if [ "$rc" -eq 0 ] && [ -n "$ms" ] && [ "$((10#$ms))" -lt $((4000 * XTCP_TIME_SCALE)) ]; then
	tap_ok "icmp: connect() to an unreachable host fails at once with EHOSTUNREACH"
else
	tap_fail "icmp: connect() to an unreachable host fails at once with EHOSTUNREACH"
fi

# 3. Soft error: two seconds of "host unreachable" in mid-transfer.
PORT=$((PORT + 1))
# Long enough (4 s, 32 s in debug, at the reader's rate) to be still
# sending when the route flips: a debug guest takes tens of seconds over
# the steps in between.
soft=$(pick_size "" 1M 8M)
start_server soft -s "$soft" -r 256K -t "$t" || tap_fail "icmp: server for the soft error case"
start_client soft -s "$soft" -t "$t"
# icmp_in NAME: the client namespace's Icmp counter NAME.
icmp_in() { snmp_field "$NS_C" /proc/net/snmp Icmp "$1"; }
# The errors must reach an established connection with data in flight,
# and the client must get them: else the case tests nothing.
crc=0
wait_log "$TMPD/soft.server" accepted "$SRV_PID" || crc=1
sleep 1
unreach0=$(icmp_in InDestUnreachs)
ip -n "$NS_R" route replace unreachable 10.0.2.2/32
sleep 2
ip -n "$NS_R" route replace 10.0.2.2/32 dev veth-rs mtu lock 1280
unreach=$(($(icmp_in InDestUnreachs) - unreach0))
info "the client received $unreach ICMP destination unreachable(s) in those 2 s"
[ "$unreach" -gt 0 ] || crc=1
src=0
wait "$CLI_PID" || crc=$?
wait_server || src=$?
show_log "$TMPD/soft.client"
show_log "$TMPD/soft.server"
if [ "$crc" -eq 0 ] && [ "$src" -eq 0 ]; then
	tap_ok "icmp: a transfer survives 2 s of host unreachable (soft error)"
else
	tap_fail "icmp: a transfer survives 2 s of host unreachable (soft error)"
fi

# 4. ... but once the connection times out, that error is the one reported.
set_retries "$NS_C" retries2 3
PORT=$((PORT + 1))
start_server gone -s "$XTCP_ICMP_LONG" -t "$t" ||
	tap_fail "icmp: server for the timeout case"
start_client gone -s "$XTCP_ICMP_LONG" -e EHOSTUNREACH -t "$t"
sleep 1
ip -n "$NS_R" route replace unreachable 10.0.2.2/32
crc=0
wait "$CLI_PID" || crc=$?
kill "$SRV_PID" 2>/dev/null
wait "$SRV_PID" 2>/dev/null
show_log "$TMPD/gone.client"
ip netns exec "$NS_C" grep -iE 'icmp|timeouts' /proc/net/xtcp_stat 2>/dev/null |
	show_log /dev/stdin
ip netns exec "$NS_C" grep '^Icmp:' /proc/net/snmp | show_log /dev/stdin
tap_result "$crc" "icmp: a connection timing out behind an unreachable route reports EHOSTUNREACH"

tap_finish
