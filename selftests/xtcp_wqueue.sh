#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The sender's write queue: skbs of page fragments, several segments each
# (module/xtcp_fragment.c).
#
# 1. Memory per queued byte. The server reads nothing until the client's
#    1 MiB send buffer is full; then SIOCOUTQ (bytes queued) over
#    SO_MEMINFO's wmem_queued (the memory charged for them) must be at
#    least 0.85. One linear skb per segment (2 KiB heads for 1448 bytes)
#    gave 0.63; skbs of up to a 64 KiB super-packet in page fragments give
#    about 0.97, as the kernel's TCP (printed for reference). The queue
#    then drains: the server must receive every byte written, in order.
#    The same again with the client paced at 4 Mbit/s over a 10 ms path,
#    where a pacing burst is two segments: the queue's skbs must still be
#    whole super-packets, cut as they leave (0.95; skbs of one burst each,
#    as XTCP's size goal once made them, gave 0.69).
# 2. The same with GSO off on the client's veth: one segment per skb, each
#    still of page fragments; bytes exact (the ratio is printed only: a
#    segment per skb costs a head per 1448 bytes, as it does TCP).
# 3. Loss and reordering with super-packets: the client's veth has TSO and
#    checksum offload off, so its super-packets are cut into segments (by
#    XTCP's gso_segment, with checksums) below the qdisc. netem reorders
#    the super-packets; an nft rule in the server's namespace drops the
#    data segments sent in one millisecond in 16 (by the low four bits of
#    TSval: a retransmission, sent later, mostly gets through; the debug
#    kernel has no nft numgen). The server then ACKs inside super-packets,
#    and the sender's skbs are cut per segment for the SACK scoreboard,
#    RACK's marks, retransmissions and the loss probe. Bytes exact (cmp of
#    a file); the client must have recovered with SACK.
#
# XTCP_WQ_BYTES  bytes of the lossy transfer (default 8M, 2M in the debug
#                guest)

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

XTCP_WQ_BYTES=$(pick_size "${XTCP_WQ_BYTES:-}" 8M 2M)
xtcp_lib_init 8 "write queue: page-fragment skbs of several segments"

[ "$XTCP_TEST_PROTO" = xtcp ] || tap_skip_rest "XTCP's write queue"
command -v python3 >/dev/null || tap_skip_rest "no python3"
[ -r /sys/module/xtcp/parameters/ipproto ] || tap_skip_rest "no ipproto parameter"
xproto=$(cat /sys/module/xtcp/parameters/ipproto)
WQ=$XTCP_SELFTESTS/xtcp_wqmem.py
t=$(tmo 120)

# wq_run PROTO TAG [RATE]: the queue-full measurement (the client paced
# at RATE bytes a second if given); sets WQ_OUT (the client's line) and
# WQ_RECV (the server's), 0 if both ended well.
wq_run() {
	local proto=$1 tag=$2 rate=${3:-} srv rc=0

	PORT=$((PORT + 1))
	rm -f "$TMPD/$tag.flag"
	timeout "$t" ip netns exec "$NS_S" python3 "$WQ" server "$proto" \
		"$SERVER_IP4" "$PORT" "$TMPD/$tag.flag" >"$TMPD/$tag.srv" 2>&1 &
	srv=$!
	WQ_OUT=$(timeout "$t" ip netns exec "$NS_C" python3 "$WQ" client \
		"$proto" "$SERVER_IP4" "$PORT" "$TMPD/$tag.flag" $rate 2>&1) || rc=1
	wait "$srv" || rc=1
	WQ_RECV=$(cat "$TMPD/$tag.srv")
	info "$tag: client: $WQ_OUT; server: $WQ_RECV"
	return $rc
}

field() { grep -o "\b$2=[0-9]*" <<<"$1" | head -1 | cut -d= -f2; }

# wq_case DESC PROTO TAG MIN_PERCENT [RATE] (MIN_PERCENT 0: the ratio is
# printed, not asserted; RATE: wq_run's)
wq_case() {
	local desc=$1 proto=$2 tag=$3 min=$4 outq wmem written got pct

	if ! wq_run "$proto" "$tag" "${5:-}"; then
		tap_fail "$desc: transfer failed"
		[ "$min" -eq 0 ] || tap_fail "$desc: queued bytes per charged byte"
		return
	fi
	outq=$(field "$WQ_OUT" outq)
	wmem=$(field "$WQ_OUT" wmem_queued)
	written=$(field "$WQ_OUT" written)
	got=$(field "$WQ_RECV" received)
	pct=$((100 * ${outq:-0} / (${wmem:-0} + 1)))
	info "$desc: $outq bytes queued, $wmem charged: $pct%"
	if [ -n "$written" ] && [ "$written" = "$got" ]; then
		tap_ok "$desc: all $written bytes written arrive, in order"
	else
		tap_fail "$desc: all ${written:-?} bytes written arrive, in order (got ${got:-?})"
	fi
	[ "$min" -eq 0 ] && return
	if [ "${outq:-0}" -gt 65536 ] && [ "$pct" -ge "$min" ]; then
		tap_ok "$desc: queued bytes are >= $min% of the memory charged ($pct%)"
	else
		tap_fail "$desc: queued bytes are >= $min% of the memory charged ($pct%, $outq queued)"
	fi
}

wq_case "full queue, GSO on" "$xproto" xtcp 85
if wq_run 6 tcp; then
	info "for reference, the kernel's TCP: $((100 * $(field "$WQ_OUT" outq) / ($(field "$WQ_OUT" wmem_queued) + 1)))% of its queue memory is data"
fi

# The same, paced at 4 Mbit/s over a 10 ms path: each super-packet leaves
# as a pacing burst of two segments (xtcp_pacing_max_segs(); the path is
# too long for its bonus), but, as in TCP (tcp_xmit_size_goal()), the
# queue's skbs still hold 64 KiB each and are cut as they leave. Skbs of
# one burst (two segments and a head) gave 69% (95% now).
if netem_set c delay 5ms && netem_set s delay 5ms; then
	wq_case "full queue, paced" "$xproto" xtcp-paced 85 500000
else
	tap_skip "full queue, paced: all bytes written arrive: no netem"
	tap_skip "full queue, paced: queued bytes per charged byte: no netem"
fi
netem_clear both

if ip netns exec "$NS_C" ethtool -K veth-c tso off gso off >/dev/null 2>&1; then
	wq_case "full queue, GSO off" "$xproto" xtcp-nogso 0
	ip netns exec "$NS_C" ethtool -K veth-c tso on gso on >/dev/null 2>&1
else
	tap_skip "full queue, GSO off: no ethtool"
fi

# 3. Loss and reordering with super-packets.
bytes=$(to_bytes "$XTCP_WQ_BYTES")
head -c "$bytes" /dev/urandom >"$TMPD/in"
if command -v nft >/dev/null &&
   ip netns exec "$NS_C" ethtool -K veth-c tso off tx off >/dev/null 2>&1 &&
   ip netns exec "$NS_S" nft -f - <<-EOF
	table inet xtcp_wq {
		chain in {
			type filter hook input priority 0; policy accept;
			meta l4proto $xproto meta length > 1000 @th,216,8 & 0x0f == 0x07 drop
		}
	}
	EOF
then
	# (nft 1.0.6 cannot list a raw transport-header match of a protocol
	# it does not know: the client's counters tell what was lost.)
	snapshot c SACKRecovery RetransSegs
	netem_set c delay 2ms reorder 10% 50%
	xfer "lossy, super-packets: $(hsize "$bytes") upload" \
		"-o $TMPD/out -t $t" "-i $TMPD/in -t $t -I"
	netem_clear c
	if cmp -s "$TMPD/in" "$TMPD/out"; then
		tap_ok "lossy, super-packets: received file is identical (cmp)"
	else
		tap_fail "lossy, super-packets: received file is identical (cmp)"
	fi
	info "client: RetransSegs $(before c RetransSegs) -> $(counter "$NS_C" RetransSegs)"
	check_counter "lossy, super-packets: the client recovered with SACK" \
		c SACKRecovery -gt 0
else
	tap_skip "lossy, super-packets: no nft or ethtool"
	tap_skip "lossy, super-packets: received file is identical (cmp)"
	tap_skip "lossy, super-packets: the client recovered with SACK"
fi

tap_finish
