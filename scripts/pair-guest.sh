#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pair-guest.sh server|client OUTDIR KO BYTES SEED
#
# One of the two guests of scripts/nic-pair.sh; runs INSIDE a virtme-ng
# guest (it refuses to run elsewhere), from the repository root. Each guest
# has one NIC per link, MAC 52:54:00:5a:LL:01 in the server and
# 52:54:00:5a:LL:02 in the client, where LL is the link number; link LL is
# 10.0.(40+LL).0/24 and fd00:(40+LL)::/64, the server .1 and ::1, the
# client .2 and ::2. netem (1% loss, 2 ms) sits on every NIC's egress.
#
# The server loads xtcp.ko, listens on every link over IPv4 (port
# 7000+LL, AF_XTCP) and IPv6 (port 7100+LL, socket(AF_INET6, SOCK_STREAM,
# IPPROTO_XTCP)) and says so in OUTDIR/server.ready; OUTDIR is the --rwdir
# of both guests (9p, uncached), so the client sees it without using the
# links under test. The client then moves BYTES both ways on every link at
# once over IPv4, then the same over IPv6 (AF_XTCP sockets given IPv6
# addresses). Both ends check every byte (selftests/xtcp_xfer).
#
# Results in OUTDIR: ROLE.LL.log, ROLE.LL.rc and ROLE.LL.driver per link
# (ROLE.LL.6.log and ROLE.LL.6.rc for IPv6), ROLE.InCsumErrors,
# ROLE.links, ROLE.dmesg, ROLE.errors (harness problems, one a line),
# ROLE.done at the end.

set -u

say() { printf '[%s %s] %s\n' "$role" "$(cut -d' ' -f1 /proc/uptime)" "$*"; }
err() {
	say "ERROR: $*"
	echo "$*" >>"$out/$role.errors"
}

# any_alive PID...: is one of them still running?
any_alive() {
	local p

	for p in "$@"; do
		kill -0 "$p" 2>/dev/null && return 0
	done
	return 1
}

# link_setup LL: configure the NIC of link LL; prints its name.
link_setup() {
	local ll=$1 me peer mac pmac dev i

	if [ "$role" = server ]; then me=1 peer=2; else me=2 peer=1; fi
	mac=$(printf '52:54:00:5a:%02x:%02x' "$ll" "$me")
	pmac=$(printf '52:54:00:5a:%02x:%02x' "$ll" "$peer")
	dev=$(ip -br link | awk -v m="$mac" '$3 == m { print $1 }')
	[ -n "$dev" ] || return 1
	ip addr add "10.0.$((40 + ll)).$me/24" dev "$dev" &&
	ip addr add "fd00:$((40 + ll))::$me/64" dev "$dev" nodad &&
	ip link set "$dev" up &&
	ip neigh replace "10.0.$((40 + ll)).$peer" lladdr "$pmac" dev "$dev" nud permanent &&
	ip neigh replace "fd00:$((40 + ll))::$peer" lladdr "$pmac" dev "$dev" nud permanent &&
	tc qdisc replace dev "$dev" root netem limit 1000 loss 1% delay 2ms ||
		return 1
	for ((i = 0; i < 100; i++)); do
		[ "$(cat "/sys/class/net/$dev/carrier" 2>/dev/null)" = 1 ] && break
		sleep 0.1
	done
	echo "$dev"
}

# start_clients SFX: an xtcp_xfer client on every link, in the background
# (main's pids and tags), to the server's IPv4 address and port 7000+LINK
# (SFX "") or its IPv6 address and port 7100+LINK (SFX .6); logs in
# $out/client.LINK.SFX.log.
start_clients() {
	local ll addr port

	for ll in "${links[@]}"; do
		if [ "$1" = .6 ]; then
			addr=fd00:$((40 + ll))::1 port=$((7100 + ll))
		else
			addr=10.0.$((40 + ll)).1 port=$((7000 + ll))
		fi
		"$xfer" -p xtcp -b -s "$bytes" -S "$seed" -t 120 -I "$addr" "$port" \
			>"$out/client.$ll$1.log" 2>&1 &
		pids+=("$!")
		tags+=("$ll$1")
	done
}

main() {
	local ko bytes seed xfer links=() ll dev drv pids=() tags=() rcs=() rc i n t0 tag

	role=${1:?usage: pair-guest.sh server|client OUTDIR KO BYTES SEED}
	out=${2:?}
	ko=${3:?}
	bytes=${4:?}
	seed=${5:?}
	case $role in server | client) ;; *) exit 2 ;; esac
	if ! grep -q 'virtme_' /proc/cmdline; then
		echo "pair-guest.sh: not in a virtme-ng guest, refusing to load modules" >&2
		exit 2
	fi
	cd "$(dirname "$0")/.." || exit 2
	xfer=$PWD/selftests/xtcp_xfer
	: >"$out/$role.errors"
	rm -f "$out/$role.done" "$out/$role.finished"

	insmod "$ko" || err "insmod $ko failed"
	modprobe -q 8139cp
	modprobe -q virtio_net
	modprobe -q sch_netem

	for ll in 1 2 3 4; do
		dev=$(link_setup "$ll") || continue
		drv=$(readlink "/sys/class/net/$dev/device/driver")
		say "link $ll: $dev (${drv##*/}) 10.0.$((40 + ll)).0/24 fd00:$((40 + ll))::/64: $(ethtool -k "$dev" 2>/dev/null |
			grep -E '^\s*(tx-checksum-ipv4|tx-checksum-ipv6|tx-checksum-ip-generic):' | tr -d '\t' | tr '\n' ' ')"
		echo "${drv##*/}" >"$out/$role.$ll.driver"
		links+=("$ll")
	done
	[ ${#links[@]} -gt 0 ] || err "no NIC with a 52:54:00:5a:LL MAC"

	t0=$SECONDS
	if [ "$role" = server ]; then
		rm -f "$out/server.ready"
		for ll in "${links[@]}"; do
			"$xfer" -l -p xtcp -b -s "$bytes" -S "$seed" -t 400 -I \
				-F "$out/server.$ll.listening" \
				"10.0.$((40 + ll)).1" $((7000 + ll)) >"$out/server.$ll.log" 2>&1 &
			pids+=("$!")
			tags+=("$ll")
			"$xfer" -l -p xtcp6 -b -s "$bytes" -S "$seed" -t 400 -I \
				-F "$out/server.$ll.6.listening" \
				"fd00:$((40 + ll))::1" $((7100 + ll)) >"$out/server.$ll.6.log" 2>&1 &
			pids+=("$!")
			tags+=("$ll.6")
		done
		for ((i = 0; i < 200; i++)); do
			n=0
			for tag in "${tags[@]}"; do
				[ -s "$out/server.$tag.listening" ] && n=$((n + 1))
			done
			[ "$n" -lt ${#tags[@]} ] || break
			sleep 0.1
		done
		touch "$out/server.ready"
		say "listening on ${#links[@]} link(s)"
		# A link that never carries the connection would keep its
		# listener until -t: stop waiting 15 s after the client is done.
		while any_alive "${pids[@]}"; do
			if [ -f "$out/client.finished" ]; then
				sleep 15
				kill "${pids[@]}" 2>/dev/null
				break
			fi
			sleep 0.5
		done
	else
		for ((i = 0; i < 3000; i++)); do
			[ -f "$out/server.ready" ] && break
			sleep 0.1
		done
		[ -f "$out/server.ready" ] || err "the server never got ready"
		say "server ready after $((SECONDS - t0)) s"
		start_clients ""
		# IPv6 once IPv4 is done: each result is one family's.
		for i in "${!pids[@]}"; do
			rc=0
			wait "${pids[$i]}" || rc=$?
			rcs[$i]=$rc
		done
		say "IPv4 done after $((SECONDS - t0)) s"
		start_clients .6
	fi
	for i in "${!tags[@]}"; do
		tag=${tags[$i]}
		rc=${rcs[$i]:-}
		if [ -z "$rc" ]; then
			rc=0
			wait "${pids[$i]}" || rc=$?
		fi
		echo "$rc" >"$out/$role.$tag.rc"
		say "link $tag: exit $rc: $(tail -1 "$out/$role.$tag.log")"
	done
	[ "$role" = server ] || touch "$out/client.finished"
	awk '$1 == "InCsumErrors" { print $2 }' /proc/net/xtcp_stat >"$out/$role.InCsumErrors"
	for ll in "${links[@]}"; do
		ip -s link show "$(ip -br link | awk -v m="$(printf '52:54:00:5a:%02x' "$ll")" \
			'index($3, m) == 1 { print $1 }')" >>"$out/$role.links" 2>&1
	done
	dmesg >"$out/$role.dmesg"
	touch "$out/$role.done"
	say "done"
}

# All in functions, ended by exit on the same line: bash reads a script as
# it runs, and editing this file during a run must not change the run.
main "$@"; exit
