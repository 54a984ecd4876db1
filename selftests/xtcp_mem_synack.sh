#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Windows offered to new connections under memory pressure: while XTCP is
# under global memory pressure (net.xtcp.mem), a SYN-ACK offers at most
# four segments (the clamp every later window gets under pressure, as TCP
# clamps rcv_ssthresh in tcp_adjust_rcv_ssthresh()), and the child then
# offers no more than that while pressure lasts; its bytes still arrive
# exactly.
#
# Pressure is made with net.xtcp.mem = "0 1 LARGE": one unaccepted
# connection holding megabytes enters it and, with a low mark of 0,
# nothing leaves it until the limits are restored. The shared counter that
# decides pressure lags the true total by up to net.core.mem_pcpu_rsv
# (256 pages) per CPU, either way, depending on what earlier tests left in
# each CPU's reserve: the holder must queue well over 2 x 256 pages for the
# counter to pass one page whatever those reserves hold. Its receive buffer
# is raised for that (SO_RCVBUF 4 MiB, net.core.rmem_max raised with it).
# net.xtcp.mem and net.core.rmem_max are machine-wide: set for the test,
# restored after.
#
# XTCP_FAMILY=6 (xtcp_mem_synack6.sh): the same over IPv6, where the
# SYN-ACK goes out through the IPv6 request path and the four segments are
# of the IPv6 MSS (1440 on the veth, 40 bytes of IP header).

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

xtcp_lib_init 5 "SYN-ACK and child windows under memory pressure"

[ "$XTCP_TEST_PROTO" = xtcp ] || tap_skip_rest "net.xtcp.mem is XTCP's"
[ -w /proc/sys/net/xtcp/mem ] || tap_skip_rest "no /proc/sys/net/xtcp/mem"
command -v dumpcap >/dev/null || tap_skip_rest "no dumpcap"
PY=/usr/bin/python3
[ -x "$PY" ] || tap_skip_rest "no $PY"

L4=$(cat /sys/module/xtcp/parameters/ipproto 2>/dev/null || echo 253)
MSS=1460	# veth, MTU 1500
ipf=ip
if [ "$XTCP_FAMILY" = 6 ]; then
	MSS=1440
	ipf=ip6
fi
CLAMP=$((4 * MSS))
old_mem=$(cat /proc/sys/net/xtcp/mem)
old_rmem_max=$(cat /proc/sys/net/core/rmem_max)
mem_restore() {
	echo "$old_mem" >/proc/sys/net/xtcp/mem
	echo "$old_rmem_max" >/proc/sys/net/core/rmem_max
	return 0
}
trap 'mem_restore; cleanup' EXIT
gauge() { awk -v n="$1" '$1 == n { print $2; exit }' /proc/net/xtcp_stat; }

rand_range 1 1000000
dseed=$RAND
t=$(tmo 60)
echo "0 1 $((1 << 30))" >/proc/sys/net/xtcp/mem
echo $((8 << 20)) >/proc/sys/net/core/rmem_max
info "net.xtcp.mem = $(cat /proc/sys/net/xtcp/mem) (was $old_mem)"

# The holder: its server accepts (and reads) only after SIGUSR1. Without
# pressure, 8 MiB into a 4 MiB SO_RCVBUF queue about 2000 pages.
PORT=$((PORT + 1))
start_server hold -U -s 8M -m 4M -S "$dseed" -t "$((2 * t))" -q ||
	tap_skip_rest "server did not start"
HOLD_SRV=$SRV_PID
start_client hold -s 8M -S "$dseed" -t "$((2 * t))" -q
HOLD_CLI=$CLI_PID
press=0
for ((end = SECONDS + $(tmo 10); SECONDS < end; )); do
	[ "$(gauge MemoryPressure)" = 1 ] && { press=1; break; }
	sleep 0.1
done
info "MemoryAllocated $(gauge MemoryAllocated) pages, pressure $(gauge MemoryPressure)"
if [ $press -eq 1 ]; then
	tap_ok "an unread connection put XTCP under memory pressure"
else
	tap_fail "an unread connection put XTCP under memory pressure"
fi

# A new connection while under pressure, captured at the server. (dumpcap
# stops on SIGINT; SIGTERM can leave it waiting for a packet that never
# comes, as it did once for longer than the holder's timeout.)
capture_start "$NS_S" "$TMPD/new.pcap" -q -P -i veth-s -f "$ipf proto $L4" ||
	tap_skip_rest "dumpcap did not start"
xfer "64 KiB to a connection opened under pressure" \
	"-s 64K -S $dseed -t $t" "-s 64K -S $dseed -t $t"
sleep 0.5
capture_stop

# Windows the server sent on the new connection, in order: "S W" for the
# SYN-ACK, "A W" for the others. IPv4 or IPv6 (the filter took one family;
# an IPv6 segment with no extension header, as the filter wants).
"$PY" - "$TMPD/new.pcap" "$PORT" >"$TMPD/wins" <<'PYEOF'
import struct, sys
data = open(sys.argv[1], "rb").read()
port = int(sys.argv[2])
off = 24
while off + 16 <= len(data):
    incl = struct.unpack_from("<I", data, off + 8)[0]
    pkt = data[off + 16:off + 16 + incl]
    off += 16 + incl
    if len(pkt) >= 14 + 20 + 20 and pkt[12:14] == b"\x08\x00":
        ihl = (pkt[14] & 15) * 4
    elif len(pkt) >= 14 + 40 + 20 and pkt[12:14] == b"\x86\xdd":
        ihl = 40
    else:
        continue
    th = pkt[14 + ihl:]
    sport, = struct.unpack_from("!H", th, 0)
    if sport != port:
        continue
    flags = th[13]
    win, = struct.unpack_from("!H", th, 14)
    print("S" if flags & 0x02 else "A", win)
PYEOF
show_log "$TMPD/wins"
synack=$(awk '$1 == "S" { print $2; exit }' "$TMPD/wins")
maxa=$(awk '$1 == "A" && $2 > m { m = $2 } END { print m + 0 }' "$TMPD/wins")
info "SYN-ACK window ${synack:-none}, later windows at most $maxa, clamp $CLAMP"
if [ -n "$synack" ] && [ "$synack" -le "$CLAMP" ] && [ "$synack" -gt 0 ]; then
	tap_ok "SYN-ACK under pressure offers at most 4 segments ($synack <= $CLAMP)"
else
	tap_fail "SYN-ACK under pressure offers at most 4 segments (${synack:-none} > $CLAMP)"
fi
if [ -n "$synack" ] && [ "$maxa" -le "$((synack > CLAMP ? synack : CLAMP))" ] &&
   [ "$maxa" -gt 0 ]; then
	tap_ok "the child's windows stay clamped under pressure ($maxa)"
else
	tap_fail "the child's windows stay clamped under pressure ($maxa)"
fi

mem_restore
kill -USR1 "$HOLD_SRV" 2>/dev/null
hrc=0
wait "$HOLD_CLI" || hrc=$?
wait "$HOLD_SRV" || hrc=$?
if [ $hrc -eq 0 ]; then
	tap_ok "the held connection's 8 MiB arrive once read"
else
	show_log "$TMPD/hold.server"
	show_log "$TMPD/hold.client"
	tap_fail "the held connection's 8 MiB arrive once read"
fi

tap_finish
