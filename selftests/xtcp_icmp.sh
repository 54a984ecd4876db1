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
# With XTCP_FAMILY=6 (xtcp_icmp6.sh) the same over IPv6 (router_topology's
# fd00:1::/64 and fd00:2::/64): "packet too big" for the PMTU case, and
# ICMPv6 destination unreachable, code 0 (no route to destination), from
# the router's unreachable routes. icmpv6_err_convert() maps that code to
# ENETUNREACH (not EHOSTUNREACH: that is code 3, address unreachable), as
# tcp_v6_err() reports it for the kernel's TCP, so the IPv6 cases want
# ENETUNREACH where the IPv4 ones want EHOSTUNREACH.
#
# XTCP_ICMP_BYTES  upload size for the PMTU case (default 2M, 512K debug)
# XTCP_ICMP_LONG   upload still running when the route goes (64M, 16M debug)

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

XTCP_ICMP_BYTES=$(pick_size "${XTCP_ICMP_BYTES:-}" 2M 512K)
XTCP_ICMP_LONG=$(pick_size "${XTCP_ICMP_LONG:-}" 64M 16M)
xtcp_lib_init 5 "ICMP errors: PMTU discovery, unreachable while connecting and connected"

# What differs between the families: the addresses, the error an
# unreachable route gives, and where the ICMP counters are.
if [ "$XTCP_FAMILY" = 6 ]; then
	UNREACH_NET=fd00:9::/64
	UNREACH_HOST=fd00:9::1
	HOST_PFX=128
	UNREACH_ERR=ENETUNREACH
	ICMP=icmpv6
else
	UNREACH_NET=10.0.9.0/24
	UNREACH_HOST=10.0.9.1
	HOST_PFX=32
	UNREACH_ERR=EHOSTUNREACH
	ICMP=icmp
fi

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
	# ICMPv6 (but packet too big) has a per-namespace limit of its own.
	if [ "$XTCP_FAMILY" = 6 ]; then
		ip netns exec "$NS_R" sysctl -qw net.ipv6.icmp.ratelimit=0 ||
			return 1
	fi
	ERROR_COST=$(sysctl -n net.ipv4.route.error_cost 2>/dev/null)
	sysctl -qw net.ipv4.route.error_cost=0 2>/dev/null
	# Offloads would let segments leave unsummed across the router.
	ip netns exec "$NS_C" ethtool -K veth-c tx off >/dev/null 2>&1
	ip netns exec "$NS_S" ethtool -K veth-s tx off >/dev/null 2>&1
	info "router $NS_R between $NS_C ($CLIENT_IP) and $NS_S ($ROUTER_SERVER_IP)"
}
setup_router || tap_skip_rest "cannot build the router topology"
SERVER_IP=$ROUTER_SERVER_IP
rand_range 20000 30000
PORT=$RAND
t=$(tmo 60)

# 1. Path MTU discovery.
ip -n "$NS_R" route add "$SERVER_IP/$HOST_PFX" dev veth-rs mtu lock 1280 ||
	tap_skip_rest "cannot set a route MTU"
snapshot c PmtuReduced
big=$(to_bytes "$XTCP_ICMP_BYTES")
xfer "$ICMP: $(hsize "$big") upload across a 1280-byte MTU hop" \
	"-s $big -t $t" "-s $big -t $t"
if [ "$XTCP_TEST_PROTO" = xtcp ]; then
	check_counter "$ICMP: the client lowered its path MTU (PmtuReduced)" \
		c PmtuReduced -ge 1
else
	tap_skip "$ICMP: the client lowered its path MTU (PmtuReduced)" \
		"XTCP counter"
fi

# 2. Unreachable while connecting. The router has just sent "fragmentation
# needed" errors to the client: without this its ICMP rate limit may eat
# the first unreachable, and connect() would only fail on the SYN's
# retransmission a second later.
ip netns exec "$NS_R" sysctl -qw net.ipv4.icmp_ratelimit=0
[ "$XTCP_FAMILY" = 6 ] && ip netns exec "$NS_R" sysctl -qw net.ipv6.icmp.ratelimit=0
ip -n "$NS_R" route add unreachable "$UNREACH_NET"
set_retries "$NS_C" syn_retries 3
saved=$SERVER_IP
SERVER_IP=$UNREACH_HOST
rc=0
run_client unreach -e "$UNREACH_ERR" -t "$t" || rc=$?
show_log "$TMPD/unreach.client"
SERVER_IP=$saved
# The client's own clock, from connect() on: starting a process in a
# namespace can take seconds in a loaded TCG guest. Three SYN retries
# would take 15 s; an answered SYN, or at worst its first
# retransmission, well under 4.
ms=$(sed -n 's/.* time=\([0-9]*\)\.\([0-9]\{3\}\)s .*/\1\2/p' "$TMPD/unreach.client" | tail -1)
info "connect() returned after ${ms:-?} ms (client's clock)"
if [ "$rc" -eq 0 ] && [ -n "$ms" ] && [ "$((10#$ms))" -lt $((4000 * XTCP_TIME_SCALE)) ]; then
	tap_ok "$ICMP: connect() to an unreachable host fails at once with $UNREACH_ERR"
else
	tap_fail "$ICMP: connect() to an unreachable host fails at once with $UNREACH_ERR"
fi

# 3. Soft error: two seconds of "host unreachable" in mid-transfer.
PORT=$((PORT + 1))
# Long enough (4 s, 32 s in debug, at the reader's rate) to be still
# sending when the route flips: a debug guest takes tens of seconds over
# the steps in between.
soft=$(pick_size "" 1M 8M)
start_server soft -s "$soft" -r 256K -t "$t" || tap_fail "$ICMP: server for the soft error case"
start_client soft -s "$soft" -t "$t"
# icmp_in NAME: the client namespace's Icmp counter NAME (Icmp6NAME in
# /proc/net/snmp6, "Name value" lines, over IPv6).
icmp_in() {
	if [ "$XTCP_FAMILY" = 6 ]; then
		ip netns exec "$NS_C" awk -v n="Icmp6$1" '$1 == n { print $2 }' \
			/proc/net/snmp6
	else
		snmp_field "$NS_C" /proc/net/snmp Icmp "$1"
	fi
}
# The errors must reach an established connection with data in flight,
# and the client must get them: else the case tests nothing.
crc=0
wait_log "$TMPD/soft.server" accepted "$SRV_PID" || crc=1
sleep 1
unreach0=$(icmp_in InDestUnreachs)
ip -n "$NS_R" route replace unreachable "$SERVER_IP/$HOST_PFX"
sleep 2
ip -n "$NS_R" route replace "$SERVER_IP/$HOST_PFX" dev veth-rs mtu lock 1280
unreach=$(($(icmp_in InDestUnreachs) - unreach0))
info "the client received $unreach ICMP destination unreachable(s) in those 2 s"
[ "$unreach" -gt 0 ] || crc=1
src=0
wait "$CLI_PID" || crc=$?
wait_server || src=$?
show_log "$TMPD/soft.client"
show_log "$TMPD/soft.server"
if [ "$crc" -eq 0 ] && [ "$src" -eq 0 ]; then
	tap_ok "$ICMP: a transfer survives 2 s of host unreachable (soft error)"
else
	tap_fail "$ICMP: a transfer survives 2 s of host unreachable (soft error)"
fi

# 4. ... but once the connection times out, that error is the one reported.
set_retries "$NS_C" retries2 3
PORT=$((PORT + 1))
start_server gone -s "$XTCP_ICMP_LONG" -t "$t" ||
	tap_fail "$ICMP: server for the timeout case"
start_client gone -s "$XTCP_ICMP_LONG" -e "$UNREACH_ERR" -t "$t"
sleep 1
ip -n "$NS_R" route replace unreachable "$SERVER_IP/$HOST_PFX"
crc=0
wait "$CLI_PID" || crc=$?
kill "$SRV_PID" 2>/dev/null
wait "$SRV_PID" 2>/dev/null
show_log "$TMPD/gone.client"
ip netns exec "$NS_C" grep -iE 'icmp|timeouts' /proc/net/xtcp_stat 2>/dev/null |
	show_log /dev/stdin
if [ "$XTCP_FAMILY" = 6 ]; then
	ip netns exec "$NS_C" grep -E '^Icmp6(InErrors|InDestUnreachs|InPktTooBigs) ' \
		/proc/net/snmp6 | show_log /dev/stdin
else
	ip netns exec "$NS_C" grep '^Icmp:' /proc/net/snmp | show_log /dev/stdin
fi
tap_result "$crc" "$ICMP: a connection timing out behind an unreachable route reports $UNREACH_ERR"

tap_finish
