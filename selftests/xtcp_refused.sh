#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Connecting to a port nobody listens on: the server's stack answers the SYN
# with a reset and connect() fails with ECONNREFUSED, blocking or not. Then
# the same behind a VRF: the server's veth is enslaved to a VRF device, so
# the only route back to the client is in the VRF's table; a reset routed
# in the main table (no socket, so no bound device) would find no route and
# connect() would time out instead.

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

xtcp_lib_init 6 "ECONNREFUSED from a closed port, also behind a VRF"

rand_range 20000 30000
PORT=$RAND
info "closed port $PORT"
t=$(tmo 60)

snapshot c AttemptFails
snapshot s OutRsts

rc=0
run_client refused -e ECONNREFUSED -t "$t" || rc=$?
show_log "$TMPD/refused.client"
tap_result "$rc" "refused: blocking connect() fails with ECONNREFUSED"

rc=0
run_client refused-nb -n -e ECONNREFUSED -t "$t" || rc=$?
show_log "$TMPD/refused-nb.client"
tap_result "$rc" "refused: non-blocking connect() reports ECONNREFUSED in SO_ERROR"

check_counter "refused: the server sent resets (OutRsts)" s OutRsts -ge 2
check_counter "refused: the client counted failed attempts (AttemptFails)" \
	c AttemptFails -ge 2

# --- behind a VRF, IPv4 and IPv6 ---
# Enslaving cycles the device: IPv4 addresses stay and their routes move to
# the VRF's table; IPv6 addresses go, so IPv6 is set up afterwards.
t=$(tmo 20)
if ! ip -n "$NS_S" link add vrf-s type vrf table 10 2>/dev/null; then
	tap_skip "vrf: IPv4 connect() to a closed port fails with ECONNREFUSED" \
		"no VRF support (CONFIG_NET_VRF)"
	tap_skip "vrf: IPv6 connect() to a closed port fails with ECONNREFUSED" \
		"no VRF support (CONFIG_NET_VRF)"
	tap_finish
fi
ip -n "$NS_S" link set vrf-s up
ip -n "$NS_S" link set veth-s master vrf-s
info "server routes in table 10: $(ip -n "$NS_S" route show table 10 | tr '\n' ';')"

rc=0
run_client refused-vrf -e ECONNREFUSED -t "$t" || rc=$?
show_log "$TMPD/refused-vrf.client"
tap_result "$rc" "vrf: IPv4 connect() to a closed port fails with ECONNREFUSED"

if [ "$XTCP_TEST_PROTO" = tcp ]; then
	P6=tcp6
else
	P6=xtcp6
fi
if setup_ipv6; then
	rc=0
	ip netns exec "$NS_C" "$XFER" -p "$P6" -e ECONNREFUSED -t "$t" \
		"$SERVER_IP6" "$PORT" >"$TMPD/refused-vrf6.client" 2>&1 || rc=$?
	show_log "$TMPD/refused-vrf6.client"
	tap_result "$rc" "vrf: IPv6 connect() to a closed port fails with ECONNREFUSED"
else
	tap_skip "vrf: IPv6 connect() to a closed port fails with ECONNREFUSED" \
		"cannot add IPv6 addresses"
fi

tap_finish
