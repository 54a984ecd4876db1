#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Congestion control choice and behaviour over veth with netem:
# - net.xtcp.congestion_control (default cubic) and
#   available_congestion_control; bad names are refused;
# - each algorithm chosen by setsockopt(XTCP_CONGESTION) on both ends moves
#   a file through 1% loss intact (cmp), and XTCP_CC_INFO shows that it ran:
#   its name, and the ssthresh it chose at the last fast retransmit (CUBIC
#   0.7 of the flight, Reno half, RFC 9438 4.6 / RFC 5681 eq. 4);
# - the namespace default chooses for sockets that did not choose;
# - HyStart++ (RFC 9406) leaves slow start when a bottleneck queue makes the
#   RTT rise, under CUBIC only;
# - SO_MAX_PACING_RATE with no fq qdisc: XTCP paces itself (hrtimer), and an
#   upload lasts about its size over the rate.
#
# XTCP_CC_BYTES  file size per lossy transfer (default 4M, 1M in debug)

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

XTCP_CC_BYTES=$(pick_size "${XTCP_CC_BYTES:-}" 4M 1M)
xtcp_lib_init 19 "congestion control: cubic and reno"

[ "$XTCP_TEST_PROTO" = xtcp ] ||
	tap_skip_rest "XTCP congestion control only (XTCP_TEST_PROTO=$XTCP_TEST_PROTO)"
netem_available || tap_skip_rest "netem not available (CONFIG_NET_SCH_NETEM)"
gso_off

bytes=$(to_bytes "$XTCP_CC_BYTES")
t=$(tmo 300)

# sctl c|s NAME [VALUE]: read or write net.xtcp.NAME in that namespace.
sctl() {
	if [ $# -eq 2 ]; then
		ip netns exec "$(side_ns "$1")" cat "/proc/sys/net/xtcp/$2"
	else
		# shellcheck disable=SC2016	# expanded by the inner sh
		ip netns exec "$(side_ns "$1")" sh -c \
			'printf "%s" "$2" > "/proc/sys/net/xtcp/$1"' sh "$2" "$3"
	fi
}

# verdict RC DESC: a TAP case, ok when RC is 0.
verdict() {
	if [ "$1" -eq 0 ]; then
		tap_ok "$2"
	else
		tap_fail "$2"
	fi
}

# cc_field LOG FIELD: FIELD=value from the last xtcp_cc_info line of LOG.
cc_field() {
	sed -n 's/.*xtcp_cc_info //p' "$1" | tail -n 1 | tr ' ' '\n' |
		sed -n "s/^$2=//p"
}

# --- the sysctls ---------------------------------------------------------

cur=$(sctl c congestion_control)
avail=$(sctl c available_congestion_control)
info "congestion_control '$cur', available '$avail'"
[ "$cur" = cubic ] && [ "$avail" = "reno cubic" ]
verdict $? "cc: default cubic, reno and cubic available"

bad=0
long=$(printf 'c%.0s' {1..300})
for v in bogus CUBIC "cubic x" $'\n' "$long" cubiccubiccubicc; do
	if sctl c congestion_control "$v" 2>/dev/null; then
		info "net.xtcp.congestion_control accepted '${v:0:20}'"
		bad=1
	fi
done
if sctl c available_congestion_control reno 2>/dev/null; then
	info "available_congestion_control is writable"
	bad=1
fi
[ $bad -eq 0 ] && [ "$(sctl c congestion_control)" = cubic ]
verdict $? "cc: invalid names and the read-only list refused, default kept"

PORT=$((PORT + 1))
rc=0
run_client bad -c bogus -s 1000 -t 10 || rc=$?
show_log "$TMPD/bad.client"
[ $rc -eq 1 ] && grep -q "CONGESTION, bogus): No such file" "$TMPD/bad.client"
verdict $? "cc: setsockopt(XTCP_CONGESTION, \"bogus\") fails with ENOENT"

# --- each algorithm through loss -----------------------------------------

head -c "$bytes" /dev/urandom >"$TMPD/in"
netem_set c loss 1% delay 10ms
netem_set s delay 10ms

for cc in cubic reno; do
	rm -f "$TMPD/out"
	xfer "cc $cc: $(hsize "$bytes") file upload through 1% loss" \
		"-c $cc -o $TMPD/out -t $t -I" "-c $cc -i $TMPD/in -t $t -I"
	log=$TMPD/x$PORT.client
	cmp "$TMPD/in" "$TMPD/out"
	verdict $? "cc $cc: received file is identical (cmp)"

	name=$(cc_field "$log" cc)
	loss=$(cc_field "$log" loss_events)
	srv=$(cc_field "$TMPD/x$PORT.server" cc)
	info "client $name ($loss loss events), server $srv"
	[ "$name" = "$cc" ] && [ "$srv" = "$cc" ] && [ "${loss:-0}" -gt 0 ]
	verdict $? "cc $cc: XTCP_CC_INFO names $cc on both ends, losses seen"

	fl=$(cc_field "$log" fr_flight)
	cw=$(cc_field "$log" fr_cwnd)
	ss=$(cc_field "$log" fr_ssthresh)
	wmax=$(cc_field "$log" w_max)
	epochs=$(cc_field "$log" epochs)
	if [ -z "$fl" ] || [ "$fl" -eq 0 ]; then
		tap_fail "cc $cc: ssthresh at the last fast retransmit (none seen)"
		continue
	fi
	if [ "$cc" = cubic ]; then
		beta=0.7
		want=$((fl * 7 / 10))
		# W_max may be 0: a timeout after the last fast
		# retransmit resets it (RFC 9438 4.8); epochs are CUBIC's.
		ok=$((epochs > 0))
	else
		beta=0.5
		f=$((fl > cw / 2 ? fl : cw / 2))
		want=$((f / 2))
		ok=$((wmax == 0 && epochs == 0))
	fi
	[ "$want" -lt 2 ] && want=2
	info "last fast retransmit: flight $fl cwnd $cw -> ssthresh $ss (want $want), w_max $wmax, epochs $epochs"
	[ "$ss" -eq "$want" ] && [ "$ok" -eq 1 ]
	verdict $? "cc $cc: ssthresh after a loss is $beta of the flight"
done

# --- the namespace default -----------------------------------------------

sctl c congestion_control reno
sctl s congestion_control reno
xfer "cc sysctl: $(hsize "$bytes") upload with net.xtcp.congestion_control=reno" \
	"-s $bytes -t $t -I" "-s $bytes -t $t -I"
c=$(cc_field "$TMPD/x$PORT.client" cc)
s=$(cc_field "$TMPD/x$PORT.server" cc)
info "client $c, server $s"
[ "$c" = reno ] && [ "$s" = reno ]
verdict $? "cc sysctl: sockets that did not choose run the namespace's reno"
sctl c congestion_control cubic
sctl s congestion_control cubic

# --- pacing ----------------------------------------------------------------

# No netem, no fq: nothing but XTCP's internal pacing limits the sender.
# 300000 bytes at 200000 B/s: about 1.45 s by the receiver's clock (the
# first ten segments go at once); unpaced, some 50 ms.
netem_clear both
xfer "pacing: 300000 B upload at SO_MAX_PACING_RATE 200000 B/s" \
	"-s 300000 -t $t" "-s 300000 -t $t -P 200000"
el=$(sed -n 's/.* time=\([0-9.]*\)s .*/\1/p' "$TMPD/x$PORT.server" | tail -n 1)
info "paced upload: the server received for ${el:-?} s"
[ "$XFER_RC" -eq 0 ] && [ -n "$el" ] &&
	awk -v t="$el" 'BEGIN { exit !(t >= 1.0 && t <= 8) }'
verdict $? "pacing: the upload lasted about size / rate (${el:-?} s, want 1-8 s)"

# --- HyStart++ -----------------------------------------------------------

# A 4 Mbit/s bottleneck with a deep queue and 40 ms of RTT: the peer's
# 64 KiB window is over twice the path's 20 KiB, so slow start fills the
# queue and the RTT climbs before anything is lost.
netem_clear both
netem_set c delay 20ms rate 4mbit
netem_set s delay 20ms
for cc in cubic reno; do
	snapshot c HystartDelayDetect RetransSegs
	xfer "cc $cc: 1 MiB upload through a 4 Mbit/s bottleneck" \
		"-c $cc -s 1M -t $t -I" "-c $cc -s 1M -t $t -I"
	log=$TMPD/x$PORT.client
	hs=$(cc_field "$log" hystart)
	hcw=$(cc_field "$log" hystart_cwnd)
	info "HyStart++ state $hs, cwnd at the RTT rise $hcw"
	if [ "$cc" = cubic ]; then
		check_counter "cc cubic: HyStart++ saw the RTT rise (HystartDelayDetect)" \
			c HystartDelayDetect -ge 1
	else
		check_counter "cc reno: no HyStart++ (HystartDelayDetect unchanged)" \
			c HystartDelayDetect -eq 0
	fi
done

tap_finish
