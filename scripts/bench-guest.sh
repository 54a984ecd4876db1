#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-guest.sh KO OUTDIR: runs INSIDE a guest (scripts/bench.sh boots it).
# Two namespaces joined by veth; the same bulk transfer and the same
# 1-byte request/response loop over XTCP and over the kernel's TCP,
# alternating, ROUNDS times. Results: OUTDIR/bench.txt.

set -euo pipefail
ko=$1
out=$2
top=$(cd "$(dirname "$0")/.." && pwd)
xfer=$top/selftests/xtcp_xfer
rr=$top/tools/xtcp_rr
bytes=${XTCP_BENCH_BYTES:-64M}
iters=${XTCP_BENCH_RR_ITERS:-5000}
rounds=${XTCP_BENCH_ROUNDS:-3}

insmod "$ko"
ip netns add bc
ip netns add bs
ip link add vbc netns bc type veth peer name vbs netns bs
ip -n bc addr add 10.0.9.1/24 dev vbc
ip -n bs addr add 10.0.9.2/24 dev vbs
for ns in bc bs; do
	ip -n $ns link set lo up
done
ip -n bc link set vbc up
ip -n bs link set vbs up

port=6000
bulk() { # proto -> Mbit/s
	port=$((port + 1))
	ip netns exec bs "$xfer" -q -l -p "$1" -s "$bytes" -t 300 10.0.9.2 $port &
	local srv=$!
	sleep 0.5
	local line
	line=$(ip netns exec bc "$xfer" -p "$1" -s "$bytes" -t 300 10.0.9.2 $port 2>&1 | grep -o 'tx=[0-9.]*' | tail -1)
	wait $srv
	echo "${line#tx=}"
}
rrate() { # proto -> transactions/s
	port=$((port + 1))
	ip netns exec bs "$rr" -l -p "$1" 10.0.9.2 $port &
	local srv=$!
	sleep 0.5
	local line
	line=$(ip netns exec bc "$rr" -p "$1" -n "$iters" 10.0.9.2 $port | grep -o 'rate=[0-9]*')
	wait $srv
	echo "${line#rate=}"
}

# offloads on|off: TSO, GSO and GRO on both veth ends. XTCP uses none of
# them; "tcp-nogso" rows show TCP doing the same per-packet work.
offloads() {
	ip netns exec bc ethtool -K vbc tso "$1" gso "$1" gro "$1" >/dev/null 2>&1
	ip netns exec bs ethtool -K vbs tso "$1" gso "$1" gro "$1" >/dev/null 2>&1
}

{
	echo "kernel $(uname -r), veth between namespaces, $bytes bulk, $iters x 1-byte request/response, $rounds rounds"
	printf '%-6s %-9s %14s %14s\n' round proto "bulk Mbit/s" "rr trans/s"
	for r in $(seq 1 "$rounds"); do
		for p in xtcp tcp tcp-nogso; do
			[ "$p" = tcp-nogso ] && offloads off
			printf '%-6s %-9s %14s %14s\n' "$r" "$p" "$(bulk "${p%-nogso}")" "$(rrate "${p%-nogso}")"
			[ "$p" = tcp-nogso ] && offloads on
		done
	done
} | tee "$out/bench.txt"
