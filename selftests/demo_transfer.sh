#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The live part of `make demo`, run inside the stock guest with xtcp loaded
# (env XTCP_RESULTS: where to leave captures and results). Two namespaces
# joined by veth, checksum offloads off so every checksum on the wire is
# real, a capture on the server side, 1 MiB each way over XTCP at once, then
# the sockets and counters XTCP kept, TIME_WAIT and its expiry. Then a second,
# small connection over a path that drops one full-sized segment in five,
# captured for the ladder diagram (scripts/ladder.py) the host draws.
#
# Leaves in XTCP_RESULTS: demo.pcap, ladder.pcap, timewait.txt (the
# /proc/net/xtcp listing that shows TIME_WAIT) and status.txt, one line per
# step that worked (transfer, capture, timewait, ladder); the host checks it.

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

rm -f "$out/status.txt"
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
ip netns exec $c cat /proc/net/xtcp | tee "$out/timewait.txt"
echo "server:"
ip netns exec $s cat /proc/net/xtcp | tee -a "$out/timewait.txt"
[ $rc -ne 0 ] || echo transfer >>"$out/status.txt"
grep -q TIME_WAIT "$out/timewait.txt" && echo timewait >>"$out/status.txt"

step "/proc/net/xtcp_stat, client namespace (non-zero counters)"
# shellcheck disable=SC2016
ip netns exec $c awk '$2 != 0' /proc/net/xtcp_stat | column -c 100

stop_capture() {
	kill -INT "$1" 2>/dev/null
	for _ in $(seq 50); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.5
	done
}
stop_capture $cap
[ -s "$out/demo.pcap" ] && echo capture >>"$out/status.txt"

step "TIME_WAIT expires after net.xtcp.tw_timeout_ms (6 s here)"
sleep 6
ip netns exec $c cat /proc/net/xtcp
ip netns exec $s cat /proc/net/xtcp | tail -n +2

step "a small connection over a lossy path, for the ladder diagram"
# Full-sized segments (IP length 1024-2047) of the client go through netem,
# which drops about one in seven; SYN, FIN and ACKs pass untouched. GSO is
# off on that veth so netem and the filter see wire-sized segments, not
# XTCP's GSO super-packets (which would be too long to match and pass).
ip netns exec $c ethtool -K veth-c gso off tso off >/dev/null 2>&1 || true
tc -n $c qdisc add dev veth-c root handle 1: prio bands 3 \
	priomap 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1
tc -n $c qdisc add dev veth-c parent 1:3 handle 30: netem loss 15%
tc -n $c filter add dev veth-c parent 1: protocol ip prio 1 u32 \
	match ip protocol 253 0xff match u16 0x0400 0xfc00 at 2 flowid 1:3
echo "    client veth: tc prio + u32 filter: full-sized XTCP segments -> netem loss 15%"
# A drop is likely (14 segments), not certain: try until the capture has a
# retransmission, three times at most.
for try in 1 2 3; do
	rm -f "$out/ladder.pcap"
	ip netns exec $s dumpcap -q -P -i veth-s -a duration:20 \
		-w "$out/ladder.pcap" </dev/null >/dev/null 2>&1 &
	cap=$!
	sleep 3
	ip netns exec $s "$here/xtcp_xfer" -l -q -s 20K 10.0.1.2 5002 &
	srv=$!
	sleep 0.5
	lrc=0
	ip netns exec $c "$here/xtcp_xfer" -q -s 20K 10.0.1.2 5002 || lrc=1
	wait $srv || lrc=1
	sleep 1
	stop_capture $cap
	echo "    try $try: 20 KiB client -> server, bytes checked: $([ $lrc -eq 0 ] && echo ok || echo FAILED)"
	[ $lrc -eq 0 ] || break
	if python3 "$here/../scripts/ladder.py" --require syn,data,retransmission,fin \
		"$out/ladder.pcap" >/dev/null 2>&1; then
		echo ladder >>"$out/status.txt"
		break
	fi
done
ip netns exec $c awk '$1 ~ /^(RetransSegs|FastRetrans|Timeouts)$/' /proc/net/xtcp_stat |
	sed 's/^/    client /'
[ $lrc -eq 0 ] || rc=1
exit $rc
