#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-guest.sh KO OUTDIR: runs INSIDE a stock guest (scripts/bench.sh boots
# it). Two namespaces joined by one veth pair, offloads left as the kernel
# sets them up (as a user has them); tools/xtcp_bench drives XTCP and the
# kernel's TCP alternately over that pair, ROUNDS times (odd rounds XTCP
# first, even rounds TCP first). Raw results, one figure a line
# ("ROUND PROTO ROW VALUE"), go to OUTDIR/bench.txt; bench.sh summarises.
#
# Environment (bench.sh passes it in): XTCP_BENCH_ROUNDS, XTCP_BENCH_SECS
# (seconds per bulk run), XTCP_BENCH_RR_SECS (per rr/crr run),
# XTCP_BENCH_CONNS (idle connections), XTCP_BENCH_QUICK (only recorded).
#
# Rows:
#   idle_mem    bytes per idle established connection, both of its ends
#               (both live in this guest): the growth of /proc/meminfo Slab
#               plus the protocol's socket memory (TCP: sockstat "mem";
#               XTCP: MemoryAllocated in /proc/net/xtcp_stat; pages) while
#               CONNS connections are open, divided by CONNS. Measured first,
#               before any TIME_WAIT exists, and torn down with resets.
#   bulk1       Mbit/s, 1 flow, clean path; cpu_per_gb comes from the same
#               run: busy CPU seconds of the guest (both ends) per 10^9 bytes.
#   bulk8       Mbit/s, 8 parallel flows, aggregate.
#   bulk6       as bulk1 over IPv6 (fd00:9::/64 on the same veth pair).
#   rr          1-byte request/response transactions per second.
#   crr         connect, 1-byte request/response, close: connections/s.
#   bulk_rtt20  Mbit/s, 1 flow, netem 10 ms delay on each veth end.
#   bulk_loss1  as bulk_rtt20 plus 1% random loss on each end.
#   bulk_rtt100 Mbit/s, 1 flow, netem 50 ms delay on each veth end.
# A run that fails records "NA" and the error goes to OUTDIR/errors.txt.
#
# XTCP_BENCH_PROFILE=1 (scripts/profile.sh, `make profile`): the guest runs
# under the xtcp_kprof QEMU plugin; only rr, crr and bulk1 run, each client
# run bracketed by two snapshots of the plugin's counters
# (OUTDIR/kprof.ROUND.PROTO.ROW.a and .b), its result line in
# OUTDIR/kprof.runs and the guest's symbols in OUTDIR/kallsyms.

set -euo pipefail

ko=$1
out=$2
top=$(cd "$(dirname "$0")/.." && pwd)
bench=$top/tools/xtcp_bench
rounds=${XTCP_BENCH_ROUNDS:-5}
secs=${XTCP_BENCH_SECS:-10}
rrsecs=${XTCP_BENCH_RR_SECS:-5}
conns=${XTCP_BENCH_CONNS:-10000}
port=6000
xsock=${XTCP_BENCH_SOCKET:-inet}
kprof_tag=	# ROUND.PROTO.ROW of the run to profile, when profiling
pf=
daddr=10.0.9.2	# the server's address; IPv6 rows set fd00:9::2
raw=$out/bench.txt
errs=$out/errors.txt
tmp=$(mktemp -d)

note() { echo "# $*" | tee -a "$raw"; }
record() { echo "$1 $2 $3 $4" | tee -a "$raw"; }
fail() {
	echo "$(date +%T) $*" >>"$errs"
	echo "bench-guest: $*" >&2
}

setup() {
	insmod "$ko"
	ip netns add bc
	ip netns add bs
	ip link add vbc netns bc type veth peer name vbs netns bs
	ip -n bc addr add 10.0.9.1/24 dev vbc
	ip -n bs addr add 10.0.9.2/24 dev vbs
	ip -n bc addr add fd00:9::1/64 dev vbc nodad
	ip -n bs addr add fd00:9::2/64 dev vbs nodad
	local ns
	for ns in bc bs; do
		ip -n $ns link set lo up
		# Room for CONNS connections, the same for both protocols: accept
		# queue, ephemeral ports, SYN queue, orphans.
		ip netns exec $ns sysctl -qw net.core.somaxconn=65535 \
			net.ipv4.ip_local_port_range="1024 65535" \
			net.ipv4.tcp_max_syn_backlog=65536 \
			net.xtcp.max_orphans=65536
	done
	ip -n bc link set vbc up
	ip -n bs link set vbs up
	# Global: the kernel's orphan limit and the open-files ceiling.
	sysctl -qw net.ipv4.tcp_max_orphans=65536 fs.nr_open=1048576
	ulimit -n 1048576
	# Permanent neighbours: no ARP exchange inside a measured interval.
	ip -n bc neigh replace 10.0.9.2 lladdr "$(ip -n bs -br link show vbs | awk '{print $3}')" dev vbc nud permanent
	ip -n bs neigh replace 10.0.9.1 lladdr "$(ip -n bc -br link show vbc | awk '{print $3}')" dev vbs nud permanent
	ip -n bc neigh replace fd00:9::2 lladdr "$(ip -n bs -br link show vbs | awk '{print $3}')" dev vbc nud permanent
	ip -n bs neigh replace fd00:9::1 lladdr "$(ip -n bc -br link show vbc | awk '{print $3}')" dev vbs nud permanent
}

# netem ARGS...: the same netem on both veth ends' egress; "netem" alone
# removes it. A deep queue: the limit must not be what drops packets.
netem() {
	local ns dev
	for ns in bc bs; do
		dev=v$ns
		ip netns exec $ns tc qdisc del dev $dev root 2>/dev/null || true
		[ $# -eq 0 ] || ip netns exec $ns tc qdisc add dev $dev root netem limit 100000 "$@"
	done
}

# pflag PROTO: pf = xtcp_bench's -p for PROTO. XTCP's sockets are
# socket(AF_INET or AF_INET6, SOCK_STREAM, IPPROTO_XTCP), like for like
# with TCP's; XTCP_BENCH_SOCKET=af_xtcp makes them socket(AF_XTCP, ...).
pflag() {
	pf=$1
	if [ "$1" = xtcp ] && [ "$xsock" = af_xtcp ]; then
		pf=af_xtcp
	fi
}

# kprof a|b: when profiling, asks the plugin for a snapshot of its counters
# (it writes OUTDIR/kprof.LABEL on the host side) and waits for it.
kprof() {
	[ -n "$kprof_tag" ] || return 0
	local i
	echo "$kprof_tag.$1" >"$out/kprof.req"
	for ((i = 0; i < 600; i++)); do
		[ -e "$out/kprof.$kprof_tag.$1" ] && return 0
		sleep 0.1
	done
	fail "kprof snapshot $kprof_tag.$1 did not appear"
}

# run MODE PROTO CLIENT-ARGS...: one server in bs, one client in bc; prints
# the client's result line. Non-zero when either side failed.
run() {
	local mode=$1 proto=$2 srv rc=0 line
	shift 2
	port=$((port + 1))
	pflag "$proto"
	timeout 600 ip netns exec bs "$bench" -l -m "$mode" -p "$pf" "$@" "$daddr" $port \
		2>>"$errs" &
	srv=$!
	sleep 0.3
	kprof a
	line=$(timeout $((3 * secs + 60)) ip netns exec bc "$bench" -m "$mode" -p "$pf" "$@" \
		"$daddr" $port 2>>"$errs") || rc=$?
	kprof b
	[ -z "$kprof_tag" ] || echo "$kprof_tag $line" >>"$out/kprof.runs"
	if [ "$mode" = bulk ] && [ $rc -eq 0 ]; then
		wait $srv || rc=$?
	else
		kill $srv 2>/dev/null || true
		wait $srv 2>/dev/null || true
	fi
	echo "$line"
	return $rc
}

# field LINE KEY: the value of KEY=... in LINE, or NA.
field() {
	local v
	v=$(grep -o "\b$2=[0-9.]*" <<<"$1" | head -1 | cut -d= -f2)
	echo "${v:-NA}"
}

bulk_row() { # round proto row flows [xtcp_bench flags...]
	local line
	if line=$(run bulk "$2" -P "$4" -t "$secs" "${@:5}"); then
		record "$1" "$2" "$3" "$(field "$line" mbps)"
		if [ "$3" = bulk1 ]; then
			record "$1" "$2" cpu_per_gb "$(awk -v c="$(field "$line" cpu_s)" \
				-v b="$(field "$line" bytes)" 'BEGIN { printf "%.3f", c / (b / 1e9) }')"
		fi
	else
		fail "round $1 $2 $3: bulk run failed: $line"
		record "$1" "$2" "$3" NA
		[ "$3" != bulk1 ] || record "$1" "$2" cpu_per_gb NA
	fi
}

rr_row() { # round proto mode key
	local line
	if line=$(run "$3" "$2" -t "$rrsecs"); then
		record "$1" "$2" "$3" "$(field "$line" "$4")"
	else
		fail "round $1 $2 $3 failed: $line"
		record "$1" "$2" "$3" NA
	fi
}

# Bytes in use now: Slab (kB) and both protocols' socket memory (pages).
mem_now() {
	local slab tcp xtcp
	slab=$(awk '/^Slab:/ { print $2 }' /proc/meminfo)
	tcp=$(awk '/^TCP:/ { for (i = 2; i < NF; i++) if ($i == "mem") print $(i + 1) }' /proc/net/sockstat)
	xtcp=$(awk '/^MemoryAllocated/ { print $2 }' /proc/net/xtcp_stat)
	echo "$slab $tcp $xtcp"
}

shrink_slabs() {
	local f
	for f in /sys/kernel/slab/*/shrink; do
		echo 1 >"$f" 2>/dev/null || true
	done
}

idle_row() { # round proto
	local r=$1 proto=$2 srv cli before after ok=1 i
	port=$((port + 1))
	rm -f "$tmp"/ready.*
	# A clean start: no reclaimable dentries or inodes, and no empty slab
	# pages left by the previous run in caches both protocols use (filp,
	# sock_inode_cache, dentry...).
	sync
	echo 3 >/proc/sys/vm/drop_caches
	shrink_slabs
	sleep 1
	before=$(mem_now)
	pflag "$proto"
	ip netns exec bs "$bench" -l -m idle -p "$pf" -n "$conns" -R "$tmp/ready.s" \
		10.0.9.2 $port 2>>"$errs" &
	srv=$!
	sleep 0.3
	ip netns exec bc "$bench" -m idle -p "$pf" -n "$conns" -R "$tmp/ready.c" \
		10.0.9.2 $port >"$tmp/idle.out" 2>>"$errs" &
	cli=$!
	for ((i = 0; i < 10 * (60 + conns / 20); i++)); do
		[ -e "$tmp/ready.s" ] && [ -e "$tmp/ready.c" ] && break
		if ! kill -0 $cli 2>/dev/null || ! kill -0 $srv 2>/dev/null; then
			break
		fi
		sleep 0.1
	done
	if [ -e "$tmp/ready.s" ] && [ -e "$tmp/ready.c" ]; then
		sleep 2
		shrink_slabs
		after=$(mem_now)
	else
		ok=0
	fi
	kill $cli $srv 2>/dev/null || true
	wait $cli 2>/dev/null || true
	wait $srv 2>/dev/null || true
	if [ $ok = 1 ]; then
		note "round $r $proto idle: $(cat "$tmp/idle.out"); before slab_kB tcp_pages xtcp_pages: $before; after: $after"
		record "$r" "$proto" idle_mem "$(awk -v b="$before" -v a="$after" -v n="$conns" 'BEGIN {
			split(b, x); split(a, y)
			printf "%.0f", ((y[1] - x[1]) * 1024 + (y[2] - x[2] + y[3] - x[3]) * 4096) / n }')"
	else
		fail "round $r $proto idle: $conns connections not established"
		record "$r" "$proto" idle_mem NA
	fi
	# Resets tore everything down; let the slabs settle.
	sleep 2
}

# order ROUND: the two protocols, XTCP first on odd rounds.
order() { if (($1 % 2)); then echo xtcp tcp; else echo tcp xtcp; fi; }

# The rows `make profile` counts instructions of.
main_profile() {
	local r p
	: >"$out/kprof.runs"
	cat /proc/kallsyms >"$out/kallsyms"
	for r in $(seq 1 "$rounds"); do
		note "round $r $(date -u +%T)"
		for p in $(order "$r"); do kprof_tag=$r.$p.rr rr_row "$r" "$p" rr tps; done
		for p in $(order "$r"); do kprof_tag=$r.$p.crr rr_row "$r" "$p" crr cps; done
		for p in $(order "$r"); do kprof_tag=$r.$p.bulk1 bulk_row "$r" "$p" bulk1 1; done
	done
	note "finished $(date -u +%FT%TZ)"
	rm -rf "$tmp"
}

main() {
	local r p
	: >"$raw"
	: >"$errs"
	setup
	note "kernel $(uname -r), $(nproc) CPUs, veth pair between two namespaces"
	note "rounds=$rounds bulk_secs=$secs rr_secs=$rrsecs conns=$conns quick=${XTCP_BENCH_QUICK:-0} xtcp_socket=$xsock"
	note "tcp_congestion_control=$(sysctl -n net.ipv4.tcp_congestion_control)"
	note "vbc offloads: $(ip netns exec bc ethtool -k vbc | awk -F': ' '/^(tcp-segmentation-offload|generic-segmentation-offload|generic-receive-offload|tx-checksumming|rx-checksumming):/ { printf "%s=%s ", $1, $2 }')"
	note "started $(date -u +%FT%TZ)"
	if [ "${XTCP_BENCH_PROFILE:-0}" = 1 ]; then
		main_profile
		return
	fi

	# Idle connections first, before TIME_WAIT sockets of other rows exist.
	for r in $(seq 1 "$rounds"); do
		for p in $(order "$r"); do
			idle_row "$r" "$p"
		done
	done
	for r in $(seq 1 "$rounds"); do
		note "round $r $(date -u +%T)"
		netem
		for p in $(order "$r"); do bulk_row "$r" "$p" bulk1 1; done
		for p in $(order "$r"); do bulk_row "$r" "$p" bulk8 8; done
		for p in $(order "$r"); do bulk_row "$r" "$p" bulk_sendfile 1 -F; done
		daddr=fd00:9::2
		for p in $(order "$r"); do bulk_row "$r" "$p" bulk6 1; done
		daddr=10.0.9.2
		for p in $(order "$r"); do rr_row "$r" "$p" rr tps; done
		for p in $(order "$r"); do rr_row "$r" "$p" crr cps; done
		netem delay 10ms
		for p in $(order "$r"); do bulk_row "$r" "$p" bulk_rtt20 1; done
		netem delay 10ms loss 1%
		for p in $(order "$r"); do bulk_row "$r" "$p" bulk_loss1 1; done
		netem delay 50ms
		for p in $(order "$r"); do bulk_row "$r" "$p" bulk_rtt100 1; done
		netem
	done
	note "finished $(date -u +%FT%TZ)"
	rm -rf "$tmp"
}

main "$@"; exit
