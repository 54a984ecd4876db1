#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Tracepoints: with events/xtcp/ enabled in tracefs, a lossy transfer and
# a refused connect must leave xtcp_set_state (the handshake and the
# close), one xtcp_retransmit_skb per retransmitted segment (the sender's
# RetransSegs delta), xtcp_probe per ACK, and xtcp_send_reset /
# xtcp_receive_reset for the refused connect; scripts/tseq.py then draws
# the probe trace as a time-sequence plot with the retransmissions.

. "$(dirname "$0")/lib.sh"

xtcp_lib_init 12 "tracepoints: state, retransmissions, resets, per-ACK probe, drops"

[ "$XTCP_TEST_PROTO" = xtcp ] || tap_skip_rest "XTCP's own tracepoints"

T=/sys/kernel/tracing
[ -d "$T/events" ] || mount -t tracefs nodev "$T" 2>/dev/null
[ -d "$T/events" ] || tap_skip_rest "no tracefs at $T"
# The module is loaded: a missing events/xtcp is a failure, not a skip.
[ -d "$T/events/xtcp" ] || info "no events/xtcp in $T: xtcp.ko has no tracepoints"
netem_available || tap_skip_rest "no netem"

KFREE=$T/events/skb/kfree_skb
trace_off() {
	echo 0 >"$T/events/xtcp/enable" 2>/dev/null
	echo 0 >"$KFREE/enable" 2>/dev/null
	echo 0 >"$KFREE/filter" 2>/dev/null
}
# Leave tracefs as found: later tests (xtcp_csum_complete.sh's kprobe)
# need tracing on and the buffer as it was.
buf_kb=$(cat "$T/buffer_size_kb")
restore() {
	trace_off
	echo "${buf_kb%% *}" >"$T/buffer_size_kb" 2>/dev/null
	echo 1 >"$T/tracing_on" 2>/dev/null
}
trap 'restore; cleanup' EXIT

echo 0 >"$T/tracing_on"
echo 16384 >"$T/buffer_size_kb"
: >"$T/trace"
echo 1 >"$T/events/xtcp/enable" || true
echo 1 >"$T/tracing_on"

rand_range 1 1000000
dseed=$RAND
# netem must drop segments, not whole GSO super-packets.
gso_off
netem_set c loss 4% || tap_skip_rest "netem failed"
snapshot c RetransSegs
xfer "256 KiB upload, 4% loss" "-s 256K -S $dseed -t $(tmo 120)" \
	"-s 256K -S $dseed -t $(tmo 120)"
lossy_port=$PORT
netem_clear c
retrans=$(($(counter "$NS_C" RetransSegs) - $(before c RetransSegs)))

# Nobody listens on the next port: the server's namespace answers the SYN
# with a reset.
refused_port=$((PORT + 1))
ip netns exec "$NS_C" "$XFER" -p "$XFER_PROTO_C" -e ECONNREFUSED -t "$(tmo 30)" \
	"$SERVER_IP" "$refused_port" >"$TMPD/refused.client" 2>&1 ||
	show_log "$TMPD/refused.client"

# The same over IPv6: a short transfer and a refused connect.
have_v6=0
if setup_ipv6; then
	have_v6=1
	ip4=$SERVER_IP
	SERVER_IP=$SERVER_IP6
	XFER_PROTO_S=xtcp6
	XFER_PROTO_C=xtcp6
	xfer "IPv6: 64 KiB upload" "-s 64K -t $(tmo 60)" "-s 64K -t $(tmo 60)"
	v6_port=$PORT
	ip netns exec "$NS_C" "$XFER" -p xtcp6 -e ECONNREFUSED -t "$(tmo 30)" \
		"$SERVER_IP6" "$((PORT + 1))" >"$TMPD/refused6.client" 2>&1 ||
		show_log "$TMPD/refused6.client"
	SERVER_IP=$ip4
	XFER_PROTO_S=$XTCP_TEST_PROTO
	XFER_PROTO_C=$XTCP_TEST_PROTO
fi
trace_off
cp "$T/trace" "$TMPD/trace.txt"
info "$(grep -c xtcp_ "$TMPD/trace.txt") xtcp events; RetransSegs delta $retrans"

ev() { # ev EVENT PATTERN: how many EVENT lines match PATTERN
	grep ": $1: " "$TMPD/trace.txt" | grep -c -- "$2"
}

c_hs=$(ev xtcp_set_state "dst=$SERVER_IP:$lossy_port SYN_SENT -> ESTABLISHED")
s_cl=$(ev xtcp_set_state "src=$SERVER_IP:$lossy_port .* -> CLOSE")
if [ "$c_hs" = 1 ] && [ "$s_cl" -ge 1 ]; then
	tap_ok "xtcp_set_state: client SYN_SENT -> ESTABLISHED, server reaches CLOSE"
else
	grep xtcp_set_state "$TMPD/trace.txt" | head -20 | show_log /dev/stdin
	tap_fail "xtcp_set_state: client SYN_SENT -> ESTABLISHED ($c_hs), server reaches CLOSE ($s_cl)"
fi

rt=$(ev xtcp_retransmit_skb "dst=$SERVER_IP:$lossy_port")
if [ "$retrans" -gt 0 ] && [ "$rt" = "$retrans" ]; then
	tap_ok "xtcp_retransmit_skb: one event per retransmission ($rt = RetransSegs delta)"
else
	tap_fail "xtcp_retransmit_skb: $rt events, RetransSegs delta $retrans"
fi

pr=$(ev xtcp_probe "dst=$SERVER_IP:$lossy_port .*snd_cwnd=[1-9]")
if [ "$pr" -ge 50 ]; then
	tap_ok "xtcp_probe: $pr per-ACK events at the sender, with cwnd"
else
	tap_fail "xtcp_probe: $pr per-ACK events at the sender (expected >= 50)"
fi

sr=$(ev xtcp_send_reset "src=$SERVER_IP:$refused_port dst=$CLIENT_IP")
rr=$(ev xtcp_receive_reset "dst=$SERVER_IP:$refused_port")
if [ "$sr" = 1 ] && [ "$rr" = 1 ]; then
	tap_ok "refused connect: xtcp_send_reset at the server, xtcp_receive_reset at the client"
else
	grep "reset" "$TMPD/trace.txt" | show_log /dev/stdin
	tap_fail "refused connect: send_reset $sr, receive_reset $rr (expected 1 and 1)"
fi

if grep -q "xtcp_probe: src=[0-9.]*:[0-9]* dst=[0-9.]*:[0-9]* ack=[0-9]* data_len=[0-9]* snd_nxt=" \
	"$TMPD/trace.txt"; then
	tap_ok "xtcp_probe format: addresses, ports, then tcp_probe's fields"
else
	tap_fail "xtcp_probe format: addresses, ports, then tcp_probe's fields"
fi

if [ "$have_v6" = 1 ]; then
	v6_hs=$(ev xtcp_set_state "src=\[$CLIENT_IP6\]:[0-9]* dst=\[$SERVER_IP6\]:$v6_port SYN_SENT -> ESTABLISHED")
	v6_pr=$(ev xtcp_probe "src=\[$CLIENT_IP6\]:[0-9]* dst=\[$SERVER_IP6\]:$v6_port ack=")
	if [ "$v6_hs" = 1 ] && [ "$v6_pr" -ge 1 ]; then
		tap_ok "IPv6: xtcp_set_state and xtcp_probe name the IPv6 addresses"
	else
		grep "$v6_port" "$TMPD/trace.txt" | head -5 | show_log /dev/stdin
		tap_fail "IPv6: xtcp_set_state ($v6_hs) and xtcp_probe ($v6_pr) name the IPv6 addresses"
	fi
	sr6=$(ev xtcp_send_reset "src=\[$SERVER_IP6\]:$((v6_port + 1)) dst=\[$CLIENT_IP6\]:")
	if [ "$sr6" = 1 ]; then
		tap_ok "IPv6: the refused connect's xtcp_send_reset names the IPv6 addresses"
	else
		grep "reset" "$TMPD/trace.txt" | show_log /dev/stdin
		tap_fail "IPv6: xtcp_send_reset for the refused connect: $sr6 events (expected 1)"
	fi
else
	tap_skip "IPv6: 64 KiB upload" "cannot add IPv6 addresses"
	tap_skip "IPv6: xtcp_set_state and xtcp_probe name the IPv6 addresses" "no IPv6"
	tap_skip "IPv6: the refused connect's xtcp_send_reset names the IPv6 addresses" "no IPv6"
fi

# The plot starts at the flow's first xtcp_probe (its first ACK): a
# retransmission before it (a lost SYN, say) is not drawn. Count those
# from there on.
# shellcheck disable=SC2016	# awk program
rt_data=$(awk -v flow="src=$CLIENT_IP:" -v dst="dst=$SERVER_IP:$lossy_port " '
	index($0, flow) && index($0, dst) {
		for (i = 2; i <= NF; i++)
			if ($i ~ /^xtcp_(probe|retransmit_skb):$/) {
				ts = $(i - 1)
				sub(/:$/, "", ts)
				if ($i == "xtcp_probe:" && t0 == "")
					t0 = ts + 0
				else if ($i == "xtcp_retransmit_skb:" && t0 != "" && ts + 0 >= t0)
					n++
			}
	}
	END { print n + 0 }' "$TMPD/trace.txt")
tseq=$(dirname "$0")/../scripts/tseq.py
if out=$(python3 "$tseq" --trace "$TMPD/trace.txt" --port "$lossy_port" \
	-o "$TMPD/tseq.svg" 2>&1) && [[ $out == *" $rt_data retransmissions"* ]] &&
   [ "$(grep -o 'class="retransmission"' "$TMPD/tseq.svg" | wc -l)" = "$rt_data" ]; then
	tap_ok "tseq.py --trace: plot with $rt_data retransmissions ($out)"
else
	tap_fail "tseq.py --trace: $out"
fi

# Drops inside xtcp.ko during a clean transfer: kfree_skb events whose
# caller lies in the module's text, against the segments the client took
# in (its ACKs). A PAWS-rejected reordered ACK may still count as one.
read -r _ msize _ _ _ mbase _ < <(grep '^xtcp ' /proc/modules)
if [ ! -d "$KFREE" ] || [ "${mbase:-0x0}" = 0x0000000000000000 ] ||
   ! echo "location >= $mbase && location < $(printf '0x%x' $((mbase + msize)))" \
	>"$KFREE/filter" 2>/dev/null; then
	tap_skip "clean: 2 MiB upload, skb:kfree_skb traced" "no skb:kfree_skb filter by location"
	tap_skip "clean transfer: no drops inside xtcp.ko" "no skb:kfree_skb filter by location"
else
	snapshot c InSegs
	echo 0 >"$T/tracing_on"
	: >"$T/trace"
	echo 1 >"$KFREE/enable"
	echo 1 >"$T/tracing_on"
	xfer "clean: 2 MiB upload, skb:kfree_skb traced" \
		"-s 2M -S $dseed -t $(tmo 60)" "-s 2M -S $dseed -t $(tmo 60)"
	trace_off
	drops=$(grep -c "kfree_skb:" "$T/trace")
	acks=$(($(counter "$NS_C" InSegs) - $(before c InSegs)))
	if [ "$acks" -gt 20 ] && [ $((drops * 10)) -le "$acks" ]; then
		tap_ok "clean transfer: $drops drops inside xtcp.ko for $acks segments in"
	else
		tap_fail "clean transfer: $drops drops inside xtcp.ko for $acks segments in (want <= 1 in 10)"
	fi
fi

tap_finish
