#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Hostile segments from a remote peer: a remote user controls every field
# of every segment. xtcp_segfuzz plays the client with whole Ethernet
# frames written to veth-c (an AF_PACKET socket; the client's addresses
# are removed, so its own kernel answers nothing), against an XTCP
# listener in the server namespace that accepts, echoes and closes
# connections: handshakes with random options, then on the established
# connections data in and out of order, ACKs and SACK blocks near and far
# from what the victim sent, every flag combination, RST and SYN around
# the window, bad data offsets, garbage options, stale timestamps, bad
# checksums, IPv4 options, IPv6 extension headers (see xtcp_segfuzz.c).
# The kernel must survive with a clean log (KASAN, lockdep and kmemleak
# in the debug guest), handshakes must have completed and echoed data
# come back (the segments reached established sockets), and every victim
# socket must be freed afterwards. XTCP_FAMILY=6: xtcp_segfuzz6.sh.
# XTCP_SEGFUZZ_SECS sets the attack's length (30 s, 20 s in the debug
# guest); XTCP_TEST_SEED replays one.

. "$(dirname "$0")/lib.sh"

SEGFUZZ=$XTCP_SELFTESTS/xtcp_segfuzz
PORT=7000

xtcp_lib_init 4 "hostile segments from a remote peer"

[ "$XTCP_TEST_PROTO" = xtcp ] || tap_skip_rest "the frames are XTCP's protocol number"
[ -x "$SEGFUZZ" ] || tap_skip_rest "no $SEGFUZZ: build with make -C selftests"

if [ "$XTCP_GUEST" = debug ]; then secs=20; else secs=30; fi
secs=${XTCP_SEGFUZZ_SECS:-$secs}	# a longer soak by hand
fam=()
[ "$XTCP_FAMILY" = 6 ] && fam=(-6)
proto=$(cat /sys/module/xtcp/parameters/ipproto 2>/dev/null || echo 253)

# The victim's connections, abandoned by the attacker mid-stream, and its
# orphans give up within seconds.
for kv in synack_retries=1 retries2=2 orphan_retries=1 rto_max_ms=500 \
	fin_timeout_ms=1000 tw_timeout_ms=500; do
	ip netns exec "$NS_S" sysctl -qw "net.xtcp.$kv"
done
ip -n "$NS_C" addr flush dev veth-c

klog_mark

ip netns exec "$NS_S" env XTCP_PROTO="$proto" "$SEGFUZZ" -l "${fam[@]}" \
	-a "$SERVER_IP" -p $PORT -t $((secs + 3)) -S $((XTCP_TEST_SEED + 1)) \
	>"$TMPD/victim.out" 2>&1 &
victim=$!
BG_PIDS+=("$victim")
sleep "$(tmo 1)"

rc=0
timeout -k 5 "$(tmo $((secs + 60)))" ip netns exec "$NS_C" \
	env XTCP_PROTO="$proto" "$SEGFUZZ" "${fam[@]}" -i veth-c \
	-s "$CLIENT_IP" -d "$SERVER_IP" -m "$MAC_S" -p $PORT -t $secs \
	-S "$XTCP_TEST_SEED" >"$TMPD/attacker.out" 2>&1 || rc=$?
show_log "$TMPD/attacker.out"
tap_result $rc "$secs s of hostile segments: handshakes completed, echoed data back"

rc=0
wait "$victim" || rc=$?
show_log "$TMPD/victim.out"
tap_result $rc "the victim served to the end"

klog_check "kernel log clean"

# Every victim socket freed: the listener, the connections, their orphans,
# TIME_WAIT and request sockets (the header line is all that is left).
left=
for _ in $(seq "$(tmo 60)"); do
	left=$(ip netns exec "$NS_S" tail -n +2 /proc/net/xtcp | wc -l)
	[ "$left" -eq 0 ] && break
	sleep 1
done
if [ "$left" -eq 0 ]; then
	tap_ok "every victim socket freed"
else
	ip netns exec "$NS_S" cat /proc/net/xtcp | show_log /dev/stdin
	tap_fail "every victim socket freed ($left left)"
fi
tap_finish
