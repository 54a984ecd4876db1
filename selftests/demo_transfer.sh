#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The live part of `make demo`, run inside the stock guest with xtcp loaded
# (env XTCP_RESULTS: where to leave the capture). Two namespaces joined by
# veth, checksum offloads off so every checksum on the wire is real, a
# capture on the server side, 1 MiB each way over XTCP at once, then the
# sockets and counters XTCP kept. The host decodes the capture with tshark.

set -u
here=$(cd "$(dirname "$0")" && pwd)
out=${XTCP_RESULTS:-/tmp}
c=demo-client
s=demo-server

step() { printf '\n  -- %s\n' "$*"; }

ip netns add $c && ip netns add $s || exit 1
trap 'ip netns del $c 2>/dev/null; ip netns del $s 2>/dev/null' EXIT
ip link add veth-c netns $c type veth peer name veth-s netns $s
ip -n $c addr add 10.0.1.1/24 dev veth-c
ip -n $s addr add 10.0.1.2/24 dev veth-s
ip -n $c link set lo up
ip -n $s link set lo up
ip netns exec $c ethtool -K veth-c tx off rx off >/dev/null 2>&1
ip netns exec $s ethtool -K veth-s tx off rx off >/dev/null 2>&1
ip -n $c link set veth-c up
ip -n $s link set veth-s up
ip netns exec $c sysctl -qw net.xtcp.tw_timeout_ms=6000
ip netns exec $s sysctl -qw net.xtcp.tw_timeout_ms=6000

step "capture on the server's veth (dumpcap)"
ip netns exec $s dumpcap -D 2>&1 | sed -n 1,3p
rm -f "$out/demo.pcap"
# It stops by itself after 20 s, so a hung capture cannot hang the demo.
ip netns exec $s dumpcap -q -P -i veth-s -a duration:20 \
	-w "$out/demo.pcap" </dev/null >/dev/null 2>&1 &
cap=$!
sleep 3

step "server: xtcp_xfer -l 10.0.1.2 5001; client: xtcp_xfer -b -s 1M (both directions)"
ip netns exec $s "$here/xtcp_xfer" -l -b -s 1M 10.0.1.2 5001 &
srv=$!
sleep 0.5
ip netns exec $c "$here/xtcp_xfer" -b -s 1M -I 10.0.1.2 5001
rc=$?
wait $srv || rc=1

step "/proc/net/xtcp in both namespaces: the side that closed first waits in TIME_WAIT"
echo "client:"
ip netns exec $c cat /proc/net/xtcp
echo "server:"
ip netns exec $s cat /proc/net/xtcp

step "/proc/net/xtcp_stat, client namespace (non-zero counters)"
# shellcheck disable=SC2016
ip netns exec $c awk '$2 != 0' /proc/net/xtcp_stat | column -c 100

kill -INT $cap 2>/dev/null
for _ in $(seq 50); do
	kill -0 $cap 2>/dev/null || break
	sleep 0.5
done

step "TIME_WAIT expires after net.xtcp.tw_timeout_ms (6 s here)"
sleep 6
ip netns exec $c cat /proc/net/xtcp
ip netns exec $s cat /proc/net/xtcp | tail -n +2
exit $rc
