#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Global memory limit (net.xtcp.mem, like tcp_mem): many connections whose
# server does not accept, hence never reads, while their clients send with
# netem reordering and loss on the way (out-of-order data), under a low
# net.xtcp.mem. What every XTCP socket queue holds must stay within the
# hard limit (with one forced skb per socket, as TCP allows), pressure must
# be entered, then left once the server accepts and reads everything, and
# every byte must arrive intact.
#
# Two measures of "what the queues hold", sampled while nobody reads:
#  - MemoryAllocated in /proc/net/xtcp_stat (pages, XTCP's own accounting);
#  - the payload bytes queued, summed over /proc/net/xtcp's tx_queue and
#    rx_queue in both namespaces: independent of that accounting, and a
#    lower bound of the memory used (an skb's truesize exceeds its payload).
#
# net.xtcp.mem is protocol-wide (initial namespace): set for the test,
# restored after. The limits are checked against the shared counter, which
# each CPU's share (up to net.core.mem_pcpu_rsv pages) joins in batches:
# that is allowed for too. MemoryAllocated counts the CPUs' shares.
#
# XTCP_FAMILY=6 (xtcp_mem_limit6.sh): the same over IPv6. /proc/net/xtcp
# lists XTCP's sockets of both families (there is no /proc/net/xtcp6), an
# IPv6 one as [addr]:port: the sum then takes those lines only, so the
# IPv6 connections have to be listed there, as IPv6, for any payload to be
# seen queued.
#
# XTCP_MEM_CONNS  connections (default 500, 120 in the debug guest)
# XTCP_MEM_BYTES  bytes each client sends (default 96K, 64K in the debug
#                 guest: 7.5 MiB in all, still twice its limit)
# XTCP_MEM_LIMIT  hard limit in pages (default 4096, 1024 debug); the
#                 pressure and low levels are 1/2 and 1/4 of it, or more
#                 (see "low" below)

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

XTCP_MEM_CONNS=$(pick_size "${XTCP_MEM_CONNS:-}" 500 120)
XTCP_MEM_BYTES=$(pick_size "${XTCP_MEM_BYTES:-}" 96K 64K)
XTCP_MEM_LIMIT=$(pick_size "${XTCP_MEM_LIMIT:-}" 4096 1024)
xtcp_lib_init 7 "memory limit: $XTCP_MEM_CONNS unread connections under net.xtcp.mem"

if [ "$XTCP_TEST_PROTO" != xtcp ]; then
	tap_skip_rest "net.xtcp.mem is XTCP's"
fi
# Without net.xtcp.mem (an XTCP without memory accounting) the scenario
# still runs, to show how much the queues then hold.
[ -w /proc/sys/net/xtcp/mem ] || info "no /proc/sys/net/xtcp/mem: no limit to set"

n=$XTCP_MEM_CONNS
bytes=$(to_bytes "$XTCP_MEM_BYTES")
hard=$XTCP_MEM_LIMIT
# One forced skb (at most a page) per socket on each side may pass the
# limit: the first skb of an empty write queue, in-order data for an empty
# receive queue, and a FIN; and each CPU's unbatched share.
rsv=$(cat /proc/sys/net/core/mem_pcpu_rsv 2>/dev/null || echo 256)
bound=$((hard + 2 * n + rsv * $(nproc) + 64))
rand_range 1 1000000
dseed=$RAND
t=$(tmo 600)

old_mem=$(cat /proc/sys/net/xtcp/mem 2>/dev/null || true)
mem_restore() {
	[ -n "$old_mem" ] && echo "$old_mem" >/proc/sys/net/xtcp/mem
	return 0
}
trap 'mem_restore; cleanup' EXIT

ulimit -n $((2 * n + 256)) || tap_skip_rest "cannot raise RLIMIT_NOFILE"

# The sampling below starts no process: in the debug guest beside a busy
# stock guest every process cost seconds, a sample of seven took 45 s,
# and the longer nobody reads, the further the senders' retransmission
# timers back off and the longer the reads then take.
# gauge NAME: protocol-wide line of /proc/net/xtcp_stat (any namespace).
gauge() {
	local k v

	while read -r k v; do
		[ "$k" = "$1" ] && { echo "$v"; return 0; }
	done </proc/net/xtcp_stat
}
# sample: sets QUEUED, the payload bytes on every XTCP socket of both
# namespaces (IPv6 ones only under XTCP_FAMILY=6), and ESTAB, the server's
# established connections (through each namespace's anchor process, see
# ns_anchor); STATES, how many sockets each namespace has in each state,
# and ODD, the lines of those in a state a transfer does not pass through
# (an unfinished handshake, say), so that a connection that later fails
# is seen as it stood.
sample() {
	local ns loc rem st tx rx rest
	local -A cnt

	QUEUED=0 ESTAB=0 STATES="" ODD=()
	for ns in "$NS_C" "$NS_S"; do
		cnt=()
		while read -r loc rem st tx rx rest; do
			[ "$XTCP_FAMILY" != 6 ] || [ "${loc:0:1}" = "[" ] ||
				continue
			[ "$st" = state ] && continue
			cnt[$st]=$((${cnt[$st]:-0} + 1))
			# Anything but transfer states, done or not (such as
			# a handshake still unfinished) is listed in full.
			case $st in
			ESTABLISHED | LISTEN | CLOSE_WAIT | FIN_WAIT2) ;;
			*) ODD+=("${ns:5:1}: $loc $rem $st $tx $rx $rest") ;;
			esac
			if [[ $tx =~ ^[0-9]+$ ]] && [ "$st" != LISTEN ]; then
				QUEUED=$((QUEUED + tx + rx))
			fi
			if [ "$ns" = "$NS_S" ] && [ "$st" = ESTABLISHED ]; then
				ESTAB=$((ESTAB + 1))
			fi
		done <"/proc/${NS_PID[$ns]}/net/xtcp"
		STATES+="${ns:5:1}:"
		for st in "${!cnt[@]}"; do STATES+=" $st ${cnt[$st]}"; done
		STATES+="; "
	done
}

base=$(gauge MemoryAllocated)
base=${base:-0}
# Pressure is left when memory is returned while the shared counter is
# below the low level. Each CPU keeps up to mem_pcpu_rsv - 1 pages of
# returned memory in its own share before it joins the counter, so once
# everything is freed the counter may still read up to that much per CPU
# above the truth (as TCP's does). A low level below that would leave the
# pressure flag set with nothing allocated (the debug guest's 1024 pages:
# low 256 against 2 x 255 pages of CPU shares, seen in CI): low is kept
# above the CPUs' shares, and pressure between low and hard.
low=$((hard / 4))
[ "$low" -gt $((rsv * $(nproc) + 64)) ] || low=$((rsv * $(nproc) + 64))
pressure=$((hard / 2))
[ "$pressure" -gt "$low" ] || pressure=$(((low + hard) / 2))
[ -n "$old_mem" ] && echo "$low $pressure $hard" >/proc/sys/net/xtcp/mem
info "net.xtcp.mem = $(cat /proc/sys/net/xtcp/mem 2>/dev/null) (was $old_mem), net.core.mem_pcpu_rsv $rsv"
info "$n connections x $(hsize "$bytes"), data seed $dseed, MemoryAllocated at start $base pages, bound $bound pages"

gso_off
if netem_available; then
	rand_range 10 25
	netem_set c delay 2ms reorder "$RAND%" 50% loss 1% ||
		info "netem refused: no reordering"
else
	info "no netem: no out-of-order data"
fi

# softnet_drops: packets the CPUs' input backlogs dropped (netdev_max_backlog
# full), the second column of /proc/net/softnet_stat, in hex, summed.
softnet_drops() {
	local d sum=0

	while read -r _ d _; do
		sum=$((sum + 16#$d))
	done </proc/net/softnet_stat
	echo "$sum"
}

snapshot c MemoryPressures MemoryPressuresChrono InRsts AttemptFails \
	EstabResets
snapshot s MemoryPressures MemoryPressuresChrono RcvMemDrops PruneCalled \
	OfoQueued ListenDrops OutRsts RetransSegs
drops0=$(softnet_drops)

PORT=$((PORT + 1))
start=$(now_ms)
if ! start_server mem -U -B $((n + 64)) -N "$n" -s "$bytes" -S "$dseed" -t "$t" -q; then
	tap_skip_rest "server did not start"
fi
start_client mem -n -N "$n" -M 32K -s "$bytes" -S "$dseed" -t "$t" -q

# Nobody reads: sample until what is queued has stopped growing for a while.
max_mem=0
max_q=0
press=0
stable=0
last=-1
grew=$SECONDS
for ((end = SECONDS + $(tmo 150); SECONDS < end; )); do
	m=$(gauge MemoryAllocated)
	sample
	q=$QUEUED
	p=$(gauge MemoryPressure)
	[ "${m:-0}" -gt "$max_mem" ] && max_mem=${m:-0}
	[ "$q" -gt "$max_q" ] && max_q=$q
	[ "${p:-0}" = 1 ] && press=1
	info "$(secs_since "$start") s: MemoryAllocated ${m:-none} pages, pressure ${p:-none}, $q bytes queued, $ESTAB established at the server ($STATES)"
	for l in "${ODD[@]:0:10}"; do info "  $l"; done
	if [ "$q" -le "$last" ]; then
		stable=$((stable + 1))
	else
		stable=0
	fi
	[ "$q" -gt "$last" ] && last=$q grew=$SECONDS
	# Two samples and ten seconds without growth: the queues are as full
	# as they get. (A sample takes about a second in the stock guest and
	# thirty in the debug one, where six samples took three minutes.)
	[ "$stable" -ge 2 ] && [ $((SECONDS - grew)) -ge 10 ] &&
		[ "$q" -gt 0 ] && break
	sleep 1
done
info "before accept(): at most $max_mem pages allocated, $max_q payload bytes queued"

if [ -n "$(gauge MemoryAllocated)" ] && [ "$max_mem" -le "$bound" ]; then
	tap_ok "memory limit: MemoryAllocated stayed within net.xtcp.mem[2] + a page per socket ($max_mem <= $bound pages)"
else
	tap_fail "memory limit: MemoryAllocated stayed within net.xtcp.mem[2] + a page per socket ($max_mem > $bound pages)"
fi
# Some payload must have been seen queued: with none (the sockets not
# listed, their queues not read) the bound would hold for nothing.
if [ "$max_q" -gt 0 ] && [ "$max_q" -le $((bound * 4096)) ]; then
	tap_ok "memory limit: payload queued stayed within the limit ($max_q <= $((bound * 4096)) bytes)"
elif [ "$max_q" -eq 0 ]; then
	tap_fail "memory limit: payload queued stayed within the limit (no payload seen queued)"
else
	tap_fail "memory limit: payload queued stayed within the limit ($max_q > $((bound * 4096)) bytes)"
fi

pc=$(counter "$NS_C" MemoryPressures)
ps=$(counter "$NS_S" MemoryPressures)
info "MemoryPressures: client $(before c MemoryPressures) -> $pc, server $(before s MemoryPressures) -> $ps; MemoryPressure seen: $press"
if [ -n "$pc" ] && [ -n "$ps" ] &&
   [ $((pc - $(before c MemoryPressures) + ps - $(before s MemoryPressures))) -ge 1 ]; then
	tap_ok "memory limit: pressure entered (MemoryPressures)"
else
	tap_fail "memory limit: pressure entered (MemoryPressures)"
fi
check_counter "memory limit: the receivers found memory short (PruneCalled)" \
	s PruneCalled -gt 0

info "server accepts and reads at $(secs_since "$start") s"
kill -USR1 "$SRV_PID"
crc=0
src=0
wait "$CLI_PID" || crc=$?
wait_server "$(tmo 60)" || src=$?
show_log "$TMPD/mem.server"
show_log "$TMPD/mem.client"
info "server exit $src, client exit $crc"
desc="memory limit: all $n x $(hsize "$bytes") arrive intact once read ($(secs_since "$start") s)"
if [ "$crc" -eq 0 ] && [ "$src" -eq 0 ]; then
	tap_ok "$desc"
else
	tap_fail "$desc"
fi
netem_clear c
for ctr in RcvMemDrops OfoQueued OfoDrops PruneCalled RcvPruned ListenDrops \
	   OutRsts RetransSegs; do
	info "$ctr in the server namespace: $(before s "$ctr") -> $(counter "$NS_S" "$ctr")"
done
# What a connection lost before its handshake completed would show: the
# client reset (InRsts, EstabResets), the listener's drops and resets,
# and input backlogs overflowing in a slow guest.
for ctr in InRsts AttemptFails EstabResets; do
	info "$ctr in the client namespace: $(before c "$ctr") -> $(counter "$NS_C" "$ctr")"
done
info "input backlog drops (softnet_stat): $((${drops0:-0})) -> $(softnet_drops)"

# The queues drain as the last orphans finish: pressure is left.
for ((end = SECONDS + $(tmo 30); SECONDS < end; )); do
	[ "$(gauge MemoryPressure)" = 0 ] &&
		[ "$(gauge MemoryAllocated)" -le $((base + 16)) ] && break
	sleep 0.1
done
m=$(gauge MemoryAllocated)
m=${m:-0}
p=$(gauge MemoryPressure)
cc=$(counter "$NS_C" MemoryPressuresChrono)
cs=$(counter "$NS_S" MemoryPressuresChrono)
bc=$(before c MemoryPressuresChrono)
bs=$(before s MemoryPressuresChrono)
chrono=$((${cc:-0} - ${bc:-0} + ${cs:-0} - ${bs:-0}))
info "after: MemoryAllocated $m pages (start $base), MemoryPressure $p, MemoryPressuresChrono +$chrono ms"
if [ "$p" = 0 ] && [ "$chrono" -gt 0 ]; then
	tap_ok "memory limit: pressure left after the reads (MemoryPressuresChrono +$chrono ms)"
else
	tap_fail "memory limit: pressure left after the reads"
fi
if [ "$m" -le $((base + 16)) ]; then
	tap_ok "memory limit: the memory came back ($m pages, $base at start)"
else
	tap_fail "memory limit: the memory came back ($m pages, $base at start)"
fi

tap_finish
