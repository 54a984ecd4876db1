#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# RFC 7323 window scaling and buffer autotuning over a long fat pipe: netem
# delays each direction by 50 ms (100 ms round trip). Without window
# scaling one connection carries at most 65535 bytes per round trip,
# 5.24 Mbit/s here.
#
#  - Both ends scale (the default): an upload must run at several times
#    that ceiling, the sender must have seen a window above 65535, and both
#    buffers must have grown (receive: net.xtcp.rmem[1] to more; send:
#    wmem[1] to more).
#  - One end with net.xtcp.window_scaling=0 (the client, then the server):
#    neither scales, and the transfer stays under the ceiling (a window
#    field shifted by one end only would let it pass) and arrives intact.
#  - XTCP under memory pressure (net.xtcp.mem set low, restored after):
#    the buffers do not grow.
#  - SO_RCVBUF set by the receiver: no receive autotuning.
#
# The kernel's TCP runs the same path once for reference (not asserted).
#
# XTCP_WSCALE_BYTES   upload with window scaling (default 8M, 4M debug)
# XTCP_WSCALE_SLOW    uploads without it (default 2M, 1M debug)
# XTCP_WSCALE_FACTOR  least speed-up over the ceiling (default 4, 2 debug)

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

XTCP_WSCALE_BYTES=$(pick_size "${XTCP_WSCALE_BYTES:-}" 8M 4M)
XTCP_WSCALE_SLOW=$(pick_size "${XTCP_WSCALE_SLOW:-}" 2M 1M)
XTCP_WSCALE_FACTOR=$(pick_size "${XTCP_WSCALE_FACTOR:-}" 4 2)
xtcp_lib_init 19 "window scaling and autotuning at 100 ms round trip"

if [ "$XTCP_TEST_PROTO" != xtcp ]; then
	tap_skip_rest "net.xtcp.window_scaling is XTCP's"
fi
netem_available || tap_skip_rest "netem not available (CONFIG_NET_SCH_NETEM)"
[ -e /proc/sys/net/xtcp/mem ] || tap_skip_rest "no net.xtcp.mem"

bytes=$(to_bytes "$XTCP_WSCALE_BYTES")
slow=$(to_bytes "$XTCP_WSCALE_SLOW")
rand_range 1 1000000
dseed=$RAND
t=$(tmo 120)
# 65535 bytes per 100 ms, in Mbit/s x 1000.
ceil_kbit=5243
read -r _ rmem1 _ </proc/sys/net/xtcp/rmem
read -r _ wmem1 _ </proc/sys/net/xtcp/wmem
info "ceiling without window scaling: $ceil_kbit kbit/s; rmem[1]=$rmem1 wmem[1]=$wmem1"

old_mem=$(cat /proc/sys/net/xtcp/mem)
mem_restore() {
	[ -n "$old_mem" ] && echo "$old_mem" >/proc/sys/net/xtcp/mem
	return 0
}
trap 'mem_restore; cleanup' EXIT

# wscale_set c|s|both 0|1
wscale_set() {
	local side=$1 s

	[ "$side" = both ] && side="c s"
	for s in $side; do
		ip netns exec "$(side_ns "$s")" sysctl -qw \
			net.xtcp.window_scaling="$2" || return 1
	done
}

# Values from the last transfer's logs (tag x$PORT).
srv_log() { echo "$TMPD/x$PORT.server"; }
cli_log() { echo "$TMPD/x$PORT.client"; }
# rx_kbit: the server's receive rate, kbit/s.
rx_kbit() {
	sed -n 's/.* rx=\([0-9.]*\)Mbit\/s.*/\1/p' "$(srv_log)" |
		awk 'NR == 1 { printf "%d\n", $1 * 1000 }'
}
# field LOG NAME: NAME=VALUE from the tool's info lines.
field() {
	sed -n "s/.* $2=\([0-9-]*\).*/\1/p" "$1" | head -n 1
}

# check DESC VALUE OP LIMIT: one TAP case comparing integers.
check() {
	local desc=$1 v=$2 op=$3 lim=$4

	if [ -n "$v" ] && test "$v" "$op" "$lim"; then
		tap_ok "$desc ($v $op $lim)"
	else
		tap_fail "$desc (${v:-nothing} $op $lim is false)"
	fi
}

netem_set both delay 50ms

# --- 1. both ends scale --------------------------------------------------------
wscale_set both 1
xfer "scaled: $(hsize "$bytes") upload at 100 ms RTT, intact" \
	"-s $bytes -S $dseed -t $t -I" "-s $bytes -S $dseed -t $t -I"
rate=$(rx_kbit)
info "XTCP with window scaling: $rate kbit/s ($((rate * 100 / ceil_kbit))% of the 64 KiB-window ceiling)"
check "scaled: rate at least ${XTCP_WSCALE_FACTOR}x the 64 KiB-window ceiling (kbit/s)" \
	"$rate" -ge $((XTCP_WSCALE_FACTOR * ceil_kbit))
check "scaled: the sender saw a window above 65535" \
	"$(field "$(cli_log)" snd_wnd)" -gt 65535
check "scaled: the receive buffer grew from rmem[1]" \
	"$(field "$(srv_log)" rcvbuf)" -gt "$rmem1"
check "scaled: the send buffer grew from wmem[1]" \
	"$(field "$(cli_log)" sndbuf)" -gt "$wmem1"

# --- 2, 3. one end without window scaling: the client does not offer it,
# then the server does not answer it.
# unscaled WHO SIDE: an upload with net.xtcp.window_scaling=0 on SIDE.
unscaled() {
	local who=$1

	wscale_set "$2" 0
	xfer "$who without WS: $(hsize "$slow") upload, intact" \
		"-s $slow -S $dseed -t $t -I" "-s $slow -S $dseed -t $t -I"
	rate=$(rx_kbit)
	info "XTCP without window scaling ($who off): $rate kbit/s"
	check "$who without WS: rate within the 64 KiB-window ceiling (kbit/s)" \
		"$rate" -le $((ceil_kbit * 5 / 4))
	check "$who without WS: the sender's window stays within 65535" \
		"$(field "$(cli_log)" snd_wnd)" -le 65535
	wscale_set "$2" 1
}
unscaled client c
unscaled server s

# --- 4. SO_RCVBUF: no receive autotuning -----------------------------------------
# 128 KiB, below net.core.rmem_max: the kernel doubles it.
xfer "SO_RCVBUF 128K at the receiver: $(hsize "$slow") upload, intact" \
	"-s $slow -S $dseed -t $t -I -m 128K" "-s $slow -S $dseed -t $t -I"
check "SO_RCVBUF: the receive buffer stays as set (2 x 128 KiB)" \
	"$(field "$(srv_log)" rcvbuf)" -eq 262144

# --- 5. memory pressure: no growth --------------------------------------------------
# Pressure above one page, no hard limit in reach. Each CPU folds its
# share into the shared counter only per net.core.mem_pcpu_rsv pages (1 MiB
# at least), so ballast connections whose server does not accept yet hold
# megabytes: pressure is entered before the measured connection starts and
# stays on throughout. The window then opens by a few segments at a time:
# a small transfer.
gauge() { awk -v n="$1" '$1 == n { print $2; exit }' /proc/net/xtcp_stat; }
echo "1 1 $((1 << 30))" >/proc/sys/net/xtcp/mem
PORT=$((PORT + 1))
start_server ballast -N 16 -s 1M -S "$dseed" -t "$t" -w 60
bsrv=$SRV_PID
start_client ballast -N 16 -s 1M -S "$dseed" -t "$t"
bcli=$CLI_PID
for ((i = 0; i < 200; i++)); do
	[ "$(gauge MemoryPressure)" = 1 ] && break
	sleep 0.1
done
info "MemoryAllocated $(gauge MemoryAllocated) pages with the ballast"
check "memory pressure: entered with the ballast held" \
	"$(gauge MemoryPressure)" -eq 1
# Entries into pressure, counted in the namespace of the socket that
# entered (a per-namespace MIB; the pressure flag itself is global).
pressures() {
	local c s

	c=$(counter "$NS_C" MemoryPressures)
	s=$(counter "$NS_S" MemoryPressures)
	[ -n "$c" ] && [ -n "$s" ] && echo $((c + s))
}
entries=$(pressures)
xfer "memory pressure: 256 KiB upload, intact" \
	"-s 256K -S $dseed -t $t -I" "-s 256K -S $dseed -t $t -I"
# Still on, and not entered again (so never left) during the transfer.
now=$(pressures)
info "MemoryPressure $(gauge MemoryPressure) at the end, entries $entries -> $now"
if [ "$(gauge MemoryPressure)" = 1 ] && [ -n "$entries" ] && [ "$now" = "$entries" ]; then
	tap_ok "memory pressure: lasted throughout the transfer"
else
	tap_fail "memory pressure: lasted throughout the transfer"
fi
check "memory pressure: the receive buffer did not grow" \
	"$(field "$(srv_log)" rcvbuf)" -le "$rmem1"
check "memory pressure: the send buffer did not grow" \
	"$(field "$(cli_log)" sndbuf)" -le "$wmem1"
kill "$bsrv" "$bcli" 2>/dev/null
wait "$bsrv" "$bcli" 2>/dev/null
mem_restore

# --- reference: the kernel's TCP on the same path -------------------------------
# shellcheck disable=SC2034	# read by xfer (lib.sh)
XFER_PROTO_C=tcp XFER_PROTO_S=tcp
xfer "reference: kernel TCP, $(hsize "$bytes") upload" \
	"-s $bytes -S $dseed -t $t" "-s $bytes -S $dseed -t $t"
info "kernel TCP on the same path: $(rx_kbit) kbit/s"

tap_finish
