#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Interoperation with the kernel's own TCP: XTCP's segments are TCP segments
# under another IP protocol number, so a router that swaps the protocol
# number lets each speak to the other, and the kernel's TCP becomes a peer
# no XTCP code is part of.
#
#   $NS_C client  veth-c 10.0.1.1 -- veth-mc  $NS_M  veth-ms -- 10.0.2.1 veth-s  $NS_S server
#
# $NS_M forwards between the two links. On ingress of both its ends tc
# filters (clsact, u32, act_pedit, act_csum) swap IP protocol XTCP
# (/sys/module/xtcp/parameters/ipproto, 253) and 6, so whichever end speaks
# XTCP sees XTCP and the other end sees TCP. XTCP's checksum is TCP's
# algorithm over a pseudo-header carrying XTCP's protocol number: swapping
# the number changes the pseudo-header's sum by D = XTCP - 6, and the
# translator compensates in the urgent pointer, which means nothing while
# URG is clear (neither stack sets URG or a pointer without MSG_OOB; only
# such segments are translated): XTCP to TCP it becomes D, TCP to XTCP
# 0xffff - D (ones' complement -D). The sum is unchanged, so no TCP or
# XTCP checksum is ever recomputed: each receiver verifies its sender's
# checksum end to end, and a corrupt segment stays corrupt. act_csum fixes
# the IP header checksum. Checksum offload, TSO, GSO and GRO are off on all
# four veth ends: every checksum is computed in software by its sender and
# verified by its receiver (and by tshark, or xtcp_pcap_csum.py for XTCP's).
#
# For an XTCP client against a TCP server, then a TCP client against an
# XTCP server, the test proves:
#  - a file of XTCP_INTEROP_BYTES moves both ways at once on a clean path
#    and arrives identical (cmp);
#  - with 2% loss and 10% reordering (netem, with delay) on both directions
#    of the path, XTCP_INTEROP_BYTES of xtcp_xfer's seeded stream move both
#    ways at once and every byte is checked by the receiver;
#  - the TCP socket of that transfer enabled timestamps, SACK and window
#    scaling with non-zero shifts both ways (TCP_INFO's tcpi_options,
#    printed by xtcp_xfer -I): XTCP's SYN or SYN-ACK agreed to all three;
#  - a capture on both of $NS_M's links (dumpcap, the first
#    XTCP_INTEROP_CAPTURE_PKTS packets of the lossy transfer), decoded by
#    tshark with protocol XTCP dissected as TCP (both captures in one run,
#    started early: tshark is slow to start in a TCG guest), shows: XTCP's SYN or
#    SYN-ACK carries MSS, SACK-permitted, timestamps and window scale, as
#    the TCP end's does; the TCP end then sent SACK blocks (the path is
#    lossy) and a timestamp on every segment, and so did XTCP; on the XTCP
#    side of the translator every packet is protocol
#    XTCP and on the TCP side protocol 6, none is malformed, every IP
#    checksum is good, and every segment checksum is good by
#    xtcp_pcap_csum.py's independent sum (on the TCP side tshark's verdict
#    too: one it finds bad fails, one it could not verify is reported).
# Then: neither XTCP nor TCP counted a checksum error (InCsumErrors) in
# either namespace, and XTCP retransmitted on the lossy path (RetransSegs).
#
# XTCP_FAMILY=6 (xtcp_interop6.sh) runs it all over IPv6: fd00:1::1 and
# fd00:2::1 routed through fd00:1::fe and fd00:2::fe, the translator
# swapping the next header, AF_XTCP sockets given IPv6 addresses against
# the kernel's TCP over IPv6; no IP checksum to check.
#
# XTCP_INTEROP_BYTES         bytes each way per transfer (default 8M, 4M in
#                            the debug guest)
# XTCP_INTEROP_CAPTURE_PKTS  packets captured per lossy transfer (default
#                            4000)

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

XTCP_INTEROP_BYTES=$(pick_size "${XTCP_INTEROP_BYTES:-}" 8M 4M)
XTCP_INTEROP_CAPTURE_PKTS=$(pick_size "${XTCP_INTEROP_CAPTURE_PKTS:-}" 4000 4000)

if [ "$XTCP_FAMILY" = 6 ]; then
	CLIENT_IP=fd00:1::1
	SERVER_IP=fd00:2::1
	GW_C=fd00:1::fe
	GW_S=fd00:2::fe
	PLEN=64
else
	CLIENT_IP=10.0.1.1
	SERVER_IP=10.0.2.1
	GW_C=10.0.1.254
	GW_S=10.0.2.254
	PLEN=24
fi
NS_M=
IPPROTO=253
IP_SRC=ip.src
IP_PROTO=ip.proto
if [ "$XTCP_FAMILY" = 6 ]; then
	IP_SRC=ipv6.src
	IP_PROTO=ipv6.nxt
fi
LOSSY_NETEM=()
# CLIENT-SERVER protocols of each pairing, and its lossy transfer's port.
PAIRINGS=(xtcp-tcp tcp-xtcp)
declare -A LOSSY_PORT=()
DECODE_PID=
CSUM_PIDS=()

# --- topology ---------------------------------------------------------------

# shellcheck disable=SC2317	# run by the EXIT trap
interop_cleanup() {
	cleanup
	[ -n "$NS_M" ] && ip netns del "$NS_M" 2>/dev/null
	return 0
}

# mac NS DEV
mac() { ip -n "$1" -br link show "$2" | awk '{ print $3 }'; }

# Replaces lib.sh's setup_ns (xtcp_lib_init calls it): three namespaces,
# the middle one routing, permanent neighbour entries everywhere so that
# netem never drops an ARP or neighbour discovery exchange.
setup_ns() {
	local sfx nodad=() fwd=net.ipv4.ip_forward

	if [ "$XTCP_FAMILY" = 6 ]; then
		nodad=(nodad)
		fwd=net.ipv6.conf.all.forwarding
	fi

	printf -v sfx '%08x' $((SRANDOM))
	NS_C=xtcp-c-$sfx
	NS_M=xtcp-m-$sfx
	NS_S=xtcp-s-$sfx
	trap interop_cleanup EXIT
	ip netns add "$NS_C" && ip netns add "$NS_M" && ip netns add "$NS_S" ||
		return 1
	ip -n "$NS_C" link set lo up &&
	ip -n "$NS_M" link set lo up &&
	ip -n "$NS_S" link set lo up &&
	ip link add veth-c netns "$NS_C" type veth peer name veth-mc netns "$NS_M" &&
	ip link add veth-s netns "$NS_S" type veth peer name veth-ms netns "$NS_M" &&
	ip -n "$NS_C" addr add "$CLIENT_IP/$PLEN" dev veth-c "${nodad[@]}" &&
	ip -n "$NS_M" addr add "$GW_C/$PLEN" dev veth-mc "${nodad[@]}" &&
	ip -n "$NS_M" addr add "$GW_S/$PLEN" dev veth-ms "${nodad[@]}" &&
	ip -n "$NS_S" addr add "$SERVER_IP/$PLEN" dev veth-s "${nodad[@]}" &&
	ip -n "$NS_C" link set veth-c up &&
	ip -n "$NS_M" link set veth-mc up &&
	ip -n "$NS_M" link set veth-ms up &&
	ip -n "$NS_S" link set veth-s up &&
	ip -n "$NS_C" -"$XTCP_FAMILY" route add default via "$GW_C" &&
	ip -n "$NS_S" -"$XTCP_FAMILY" route add default via "$GW_S" &&
	ip netns exec "$NS_M" sysctl -qw "$fwd=1" || return 1
	ip -n "$NS_C" neigh replace "$GW_C" lladdr "$(mac "$NS_M" veth-mc)" \
		dev veth-c nud permanent &&
	ip -n "$NS_M" neigh replace "$CLIENT_IP" lladdr "$(mac "$NS_C" veth-c)" \
		dev veth-mc nud permanent &&
	ip -n "$NS_M" neigh replace "$SERVER_IP" lladdr "$(mac "$NS_S" veth-s)" \
		dev veth-ms nud permanent &&
	ip -n "$NS_S" neigh replace "$GW_S" lladdr "$(mac "$NS_M" veth-ms)" \
		dev veth-s nud permanent || return 1
	info "namespaces $NS_C ($CLIENT_IP veth-c) <-> $NS_M (veth-mc $GW_C, veth-ms $GW_S) <-> $NS_S ($SERVER_IP veth-s)"
}

# Software checksums, no segmentation offloads and no GRO on every veth end.
offloads_off() {
	local nd

	for nd in "$NS_C veth-c" "$NS_M veth-mc" "$NS_M veth-ms" "$NS_S veth-s"; do
		# shellcheck disable=SC2086	# "NS DEV"
		set -- $nd
		ip netns exec "$1" ethtool -K "$2" rx off tx off tso off gso off \
			gro off >/dev/null 2>&1 || return 1
	done
	info "checksum offload, TSO, GSO and GRO off on all four veth ends"
}

# The translator: on ingress of both of $NS_M's ends, IP protocol XTCP
# becomes 6 and 6 becomes XTCP, the urgent pointer compensating for the
# pseudo-header (see the top of the file); "pass" ends the classification,
# so a packet is swapped once. Matched over IPv4: a 20-byte IP header (byte
# 0 0x45), URG clear (TCP flags at 33) and a zero urgent pointer (at 38);
# act_csum then fixes the IP header checksum. Over IPv6: version 6, next
# header (at 6) XTCP or 6, so no extension header, URG clear (at 53) and a
# zero urgent pointer (at 58); IPv6 has no header checksum, and its
# pseudo-header carries the next header where IPv4's carries the protocol,
# so the same compensation holds. Anything else crosses untranslated, and
# the capture checks would see it arrive with the wrong protocol.
translator_on() {
	local dev d=$((IPPROTO - 6)) to_tcp to_xtcp

	to_tcp=$(printf '0x%04x' "$d")
	to_xtcp=$(printf '0x%04x' $((0xffff - d)))
	for dev in veth-mc veth-ms; do
		tc -n "$NS_M" qdisc add dev "$dev" clsact || return 1
		if [ "$XTCP_FAMILY" = 6 ]; then
			translator_rule6 "$dev" 1 "$IPPROTO" 6 "$to_tcp" &&
			translator_rule6 "$dev" 2 6 "$IPPROTO" "$to_xtcp" ||
				return 1
			continue
		fi
		tc -n "$NS_M" filter add dev "$dev" ingress protocol ip pref 1 \
			u32 match u8 0x45 0xff at 0 \
			match ip protocol "$IPPROTO" 0xff \
			match u8 0 0x20 at 33 match u16 0 0xffff at 38 \
			action pedit munge offset 9 u8 set 6 \
			munge offset 38 u16 set "$to_tcp" pipe \
			action csum iph pass &&
		tc -n "$NS_M" filter add dev "$dev" ingress protocol ip pref 2 \
			u32 match u8 0x45 0xff at 0 \
			match ip protocol 6 0xff \
			match u8 0 0x20 at 33 match u16 0 0xffff at 38 \
			action pedit munge offset 9 u8 set "$IPPROTO" \
			munge offset 38 u16 set "$to_xtcp" pipe \
			action csum iph pass || return 1
	done
	info "translator in $NS_M: IPv$XTCP_FAMILY protocol $IPPROTO <-> 6 on ingress of veth-mc and veth-ms, urgent pointer 0 <-> $to_tcp (to TCP) / $to_xtcp (to XTCP)"
}

# translator_rule6 DEV PREF FROM TO URP: on ingress of DEV, an IPv6 packet
# whose next header is FROM gets TO, and the urgent pointer URP.
translator_rule6() {
	tc -n "$NS_M" filter add dev "$1" ingress protocol ipv6 pref "$2" \
		u32 match u8 0x60 0xf0 at 0 match u8 "$3" 0xff at 6 \
		match u8 0 0x20 at 53 match u16 0 0xffff at 58 \
		action pedit munge offset 6 u8 set "$4" \
		munge offset 58 u16 set "$5" pass
}

# path_netem ARGS...: netem on both of $NS_M's egresses (both directions).
path_netem() {
	local dev

	for dev in veth-mc veth-ms; do
		tc -n "$NS_M" qdisc replace dev "$dev" root netem limit 100000 \
			"$@" || return 1
	done
	info "netem on $NS_M's veth-mc and veth-ms egress: $*"
}

path_netem_clear() {
	local dev

	for dev in veth-mc veth-ms; do
		tc -n "$NS_M" qdisc del dev "$dev" root 2>/dev/null
	done
	return 0
}

# --- capture and decode -----------------------------------------------------

# capture_start_m FILE: dumpcap on both of $NS_M's links until
# XTCP_INTEROP_CAPTURE_PKTS packets (or capture_stop).
capture_start_m() {
	capture_start "$NS_M" "$1" -i veth-mc -i veth-ms \
		-c "$XTCP_INTEROP_CAPTURE_PKTS"
}

# decode PCAP OUT: one line per packet, tab-separated: interface, IP
# source, IP protocol (IPv6: source and next header), SYN and ACK flags (1 or 0), TCP option kinds
# (comma-separated), IP and TCP checksum status (1 good, 0 bad, 2 not
# verified; IPv6 has no IP checksum: empty), non-empty when tshark found
# the packet malformed
# (_ws.malformed), the groups of its expert items (0x07000000, 117440512,
# is "Malformed"), TCP source and destination port; then, for the report
# of a bad packet: frame number, TCP checksum, payload length, sequence
# number, frame length and captured length. Protocol XTCP is
# dissected as TCP; tshark's TCP checksum uses pseudo-header protocol 6, so
# it cannot judge XTCP's: xtcp_pcap_csum.py checks those (check_side).
decode() {
	tshark -n -r "$1" -d "ip.proto==$IPPROTO,tcp" \
		-o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE \
		-o tcp.analyze_sequence_numbers:FALSE -o tcp.desegment_tcp_streams:FALSE \
		-T fields -E separator=/t -e frame.interface_name -e "$IP_SRC" \
		-e "$IP_PROTO" -e tcp.flags.syn -e tcp.flags.ack -e tcp.option_kind \
		-e ip.checksum.status -e tcp.checksum.status -e _ws.malformed \
		-e _ws.expert.group -e tcp.srcport -e tcp.dstport \
		-e frame.number -e tcp.checksum -e tcp.len -e tcp.seq \
		-e frame.len -e frame.cap_len \
		>"$2" 2>"$2.err"
}

# decode_start: tshark, started early (it takes ~25 s to start in the
# stock TCG guest, ~2 min in the debug guest, mostly loading
# libwireshark), decodes what decode_all later writes into a FIFO.
decode_start() {
	mkfifo "$TMPD/decode.fifo" || return 1
	decode "$TMPD/decode.fifo" "$TMPD/all.txt" &
	DECODE_PID=$!
	BG_PIDS+=("$DECODE_PID")
}

# pcap_csum PAIRING PROTO: xtcp_pcap_csum.py on its capture for the
# packets of IP protocol PROTO (in the background once the capture is
# done); verdict in $TMPD/PAIRING.csumPROTO, exit status in
# $TMPD/PAIRING.csumPROTO.rc.
pcap_csum() {
	local rc=0 f=$TMPD/$1.csum$2

	"$XTCP_SELFTESTS/xtcp_pcap_csum.py" "$TMPD/$1.pcapng" "$2" \
		>"$f" 2>&1 || rc=$?
	echo "$rc" >"$f.rc"
}

# decode_all: both lossy transfers' captures, merged into the FIFO of the
# waiting tshark, then split by server port into $TMPD/CLIENT-SERVER.txt for
# the checks; and the xtcp_pcap_csum.py verdicts. mergecap blocks on the
# FIFO while tshark loads and decodes: on a loaded host (two guests and
# builds) that took more than a minute for 36 packets, so the guard is
# five minutes.
decode_all() {
	local caps=() p start

	start=$(now_ms)
	for p in "${PAIRINGS[@]}"; do
		[ -s "$TMPD/$p.pcapng" ] && caps+=("$TMPD/$p.pcapng")
	done
	if [ -z "$DECODE_PID" ] || [ ${#caps[@]} -eq 0 ] ||
	   ! kill -0 "$DECODE_PID" 2>/dev/null ||
	   ! timeout "$(tmo 300)" mergecap -a -w "$TMPD/decode.fifo" "${caps[@]}" ||
	   ! wait "$DECODE_PID"; then
		show_log "$TMPD/all.txt.err"
		info "no capture or decoding failed: the capture cases fail"
		: >"$TMPD/all.txt"
	fi
	rm -f "$TMPD/decode.fifo"
	info "tshark decoded $(wc -l <"$TMPD/all.txt") packets in $(secs_since "$start") s after the captures"
	[ ${#CSUM_PIDS[@]} -eq 0 ] || wait "${CSUM_PIDS[@]}"
	info "xtcp_pcap_csum.py done $(secs_since "$start") s after the captures"
	for p in "${PAIRINGS[@]}"; do
		awk -F '\t' -v port="${LOSSY_PORT[$p]}" \
			'$11 == port || $12 == port' "$TMPD/all.txt" >"$TMPD/$p.txt"
	done
}

# check_side DESC DECODED DEV PROTO PAIRING: every packet of the
# connection on DEV has IP protocol PROTO, a good IP checksum (IPv4), and
# is not malformed; and every segment checksum is good by xtcp_pcap_csum.py, which
# sums them independently (the only judge on the XTCP side, where tshark
# sums the wrong pseudo-header). On the TCP side tshark judges too: a
# checksum it finds bad fails; one it could not verify is reported and left
# to xtcp_pcap_csum.py. So is a field of 0xffff, negative zero: where the
# sum is 0x0000 an incremental update (RFC 1624 3) writes 0xffff, which a
# receiver's sum accepts and tshark's literal comparison does not (one
# pure ACK of the kernel's TCP in about 4000 segments, 2026-12-06).
check_side() {
	local desc=$1 out rc xcs=0 csum=$TMPD/$5.csum$4

	[ "$4" = "$IPPROTO" ] && xcs=1
	: >"$TMPD/bad.$3"
	# shellcheck disable=SC2016	# awk program
	out=$(awk -F '\t' -v dev="$3" -v proto="$4" -v xcs="$xcs" -v badf="$TMPD/bad.$3" \
		-v v6="$((XTCP_FAMILY == 6))" '
		$1 != dev { next }
		{ n++; rej = 0 }
		$3 != proto { badproto++; rej = 1 }
		!v6 && $7 != 1 || v6 && $7 != "" { badip++; rej = 1 }
		!xcs && $8 == 0 && $14 != "0xffff" { badtcp++; rej = 1 }
		!xcs && ($8 != 0 && $8 != 1 || $8 == 0 && $14 == "0xffff") { unv++; rej = 1 }
		$9 != "" || $10 ~ /117440512/ { malformed++; rej = 1 }
		rej && nrej++ < 5 {
			printf "  frame %s: %s proto %s ip-csum-status %s tcp-csum-status %s csum %s seq %s len %s frame %s/%s captured, malformed \"%s\", expert %s\n",
				$13, $2, $3, $7, $8, $14, $16, $15, $17, $18, $9, $10 > badf
		}
		END {
			if (xcs)
				tcp = "TCP checksums not judged by tshark"
			else
				tcp = sprintf("%d TCP checksums bad, %d not verified by tshark", badtcp, unv)
			printf "%d packets, %d not protocol %s, %d %s, %s, %d malformed\n",
				n, badproto, proto, badip,
				v6 ? "IPv6 with an IP checksum status" : "IP checksums not good",
				tcp, malformed
			exit !(n > 0 && !badproto && !badip && !badtcp && !malformed)
		}' "$2")
	rc=$?
	info "$3: $out"
	while IFS= read -r l; do info "$3: $l"; done <"$TMPD/bad.$3"
	info "$3: segment checksums by xtcp_pcap_csum.py (protocol $4): $(cat "$csum")"
	[ "$(cat "$csum.rc")" = 0 ] || rc=1
	tap_result "$rc" "$desc"
}

# syn_kinds DECODED SRC SYNACK: the option kinds of every SYN (SYNACK=0)
# or SYN-ACK (SYNACK=1) from SRC, one line each, sorted and unique.
syn_kinds() {
	# shellcheck disable=SC2016	# awk program
	awk -F '\t' -v src="$2" -v sa="$3" '
		$2 == src && $4 == 1 && $5 == sa { print ($6 == "" ? "none" : $6) }
	' "$1" | sort -u
}

# check_syn_options DESC DECODED SRC SYNACK: the option kinds of every
# SYN (SYNACK=0) or SYN-ACK (SYNACK=1) from SRC: MSS (2), SACK-permitted
# (4), timestamps (8) and window scale (3), and nothing else but padding
# (1, 0).
check_syn_options() {
	local kinds bad

	kinds=$(syn_kinds "$2" "$3" "$4")
	info "option kinds of the $([ "$4" = 1 ] && echo SYN-ACK || echo SYN)s from $3: $(echo "$kinds" | tr '\n' ' ')"
	# shellcheck disable=SC2016	# awk program
	bad=$(echo "$kinds" | awk -F, '{
		delete k
		for (i = 1; i <= NF; i++) k[$i] = 1
		if (!("2" in k) || !("4" in k) || !("8" in k) || !("3" in k)) b = 1
		for (o in k)
			if (o !~ /^[012348]$/) b = 1
		} END { print b + 0 }')
	if [ -n "$kinds" ] && [ "$bad" = 0 ]; then
		tap_ok "$1"
	else
		tap_fail "$1"
	fi
}

# check_sack_ts DESC DECODED SRC: segments from SRC other than SYNs carry
# SACK blocks (kind 5), on a lossy path, and every one a timestamp (kind 8).
check_sack_ts() {
	local out rc

	# shellcheck disable=SC2016	# awk program
	out=$(awk -F '\t' -v src="$3" '
		$2 != src || $4 != 0 { next }
		{ n++; split($6, k, ",")
		  for (i in k) { if (k[i] == 5) sack++; if (k[i] == 8) ts++
				 if (k[i] != "") kinds[k[i]]++ } }
		END {
			printf "%d segments after the handshake, %d with SACK blocks, %d with timestamps; option kinds seen:", n, sack, ts
			for (o in kinds) printf " %s (%d)", o, kinds[o]
			printf "\n"
			exit !(n > 0 && sack > 0 && ts == n)
		}' "$2")
	rc=$?
	info "from $3: $out"
	tap_result "$rc" "$1"
}

# --- the TCP end's view ---------------------------------------------------------

# check_tcp_info DESC LOG: the TCP end's xtcp_xfer -I line (TCP_INFO before
# close) shows timestamps, SACK and window scaling (tcpi_options bits 1, 2
# and 4) and both window scales non-zero.
check_tcp_info() {
	local line opts

	line=$(grep -m1 'tcp_info state=' "$2")
	info "TCP end: ${line:-no tcp_info line in ${2##*/}}"
	opts=$(echo "$line" | sed -n 's/.* options=\(0x[0-9a-f]*\).*/\1/p')
	if [ -n "$opts" ] && [ $((opts & 7)) -eq 7 ] &&
	   [[ $line =~ \ snd_wscale=[1-9][0-9]*\ rcv_wscale=[1-9][0-9]*\  ]]; then
		tap_ok "$1"
	else
		tap_fail "$1"
	fi
}

# --- checksum counters of both protocols ------------------------------------------

# csum_errors NS xtcp|tcp: InCsumErrors of that protocol in NS.
csum_errors() { XTCP_TEST_PROTO=$2 counter "$1" InCsumErrors; }

declare -A CSUM0=()
csum_snapshot() {
	local ns p

	for ns in "$NS_C" "$NS_S"; do
		for p in xtcp tcp; do
			CSUM0[$ns:$p]=$(csum_errors "$ns" "$p")
		done
	done
}

# check_csum DESC xtcp|tcp: no InCsumErrors of that protocol in either end.
check_csum() {
	local desc=$1 p=$2 ns now bad=0

	for ns in "$NS_C" "$NS_S"; do
		now=$(csum_errors "$ns" "$p")
		info "$p InCsumErrors in $ns: ${CSUM0[$ns:$p]:-?} -> ${now:-?}"
		if [ -z "$now" ] || [ -z "${CSUM0[$ns:$p]}" ] ||
		   [ "$now" -ne "${CSUM0[$ns:$p]}" ]; then
			bad=1
		fi
	done
	if [ "$bad" = 0 ]; then
		tap_ok "$desc"
	else
		tap_fail "$desc"
	fi
}

# --- one pairing ----------------------------------------------------------------

# pairing_vars CLIENT-PROTO: the names of one pairing's ends.
pairing_vars() {
	if [ "$1" = tcp ]; then
		name="TCP client, XTCP server"
		tcp_ip=$CLIENT_IP xtcp_ip=$SERVER_IP
		xdev=veth-ms tdev=veth-mc
	else
		name="XTCP client, TCP server"
		tcp_ip=$SERVER_IP xtcp_ip=$CLIENT_IP
		xdev=veth-mc tdev=veth-ms
	fi
}

# pairing_run CLIENT-PROTO SERVER-PROTO: the clean file transfer, then the
# lossy checked transfer with its capture and the TCP end's TCP_INFO.
pairing_run() {
	local cp=$1 sp=$2 name tcp_ip xtcp_ip xdev tdev tcp_log p

	pairing_vars "$cp"
	XFER_PROTO_C=$cp
	XFER_PROTO_S=$sp
	info "=== $name"

	path_netem_clear
	rm -f "$TMPD/out.c" "$TMPD/out.s"
	xfer "$name: clean path, $(hsize "$bytes") file both directions at once" \
		"-b -i $TMPD/in -o $TMPD/out.s -t $t" \
		"-b -i $TMPD/in -o $TMPD/out.c -t $t"
	if cmp "$TMPD/in" "$TMPD/out.s" && cmp "$TMPD/in" "$TMPD/out.c"; then
		tap_ok "$name: both received files are identical (cmp)"
	else
		tap_fail "$name: both received files are identical (cmp)"
	fi
	rm -f "$TMPD/out.c" "$TMPD/out.s"

	path_netem "${LOSSY_NETEM[@]}"
	capture_start_m "$TMPD/$cp-$sp.pcapng" || rm -f "$TMPD/$cp-$sp.pcapng"
	LOSSY_PORT[$cp-$sp]=$((PORT + 1))
	xfer "$name: 2% loss, 10% reordering, $(hsize "$bytes") both directions at once" \
		"-b -s $bytes -S $dseed -t $t -I" "-b -s $bytes -S $dseed -t $t -I"
	capture_stop
	path_netem_clear
	for p in "$IPPROTO" 6; do
		echo "no capture" >"$TMPD/$cp-$sp.csum$p"
		echo 1 >"$TMPD/$cp-$sp.csum$p.rc"
		if [ -s "$TMPD/$cp-$sp.pcapng" ]; then
			pcap_csum "$cp-$sp" "$p" &
			CSUM_PIDS+=("$!")
			BG_PIDS+=("$!")
		fi
	done
	if [ "$cp" = tcp ]; then
		tcp_log=$TMPD/x$PORT.client
	else
		tcp_log=$TMPD/x$PORT.server
	fi
	check_tcp_info "$name: the TCP socket enabled timestamps, SACK and window scaling (TCP_INFO)" \
		"$tcp_log"
}

# pairing_checks CLIENT-PROTO SERVER-PROTO: the capture cases (decode_all
# ran).
pairing_checks() {
	local cp=$1 sp=$2 name tcp_ip xtcp_ip xdev tdev dec

	pairing_vars "$cp"
	dec=$TMPD/$cp-$sp.txt
	info "=== $name: capture of the lossy transfer, $(wc -l <"$dec") packets"
	if [ "$cp" = tcp ]; then
		check_syn_options "$name: TCP's SYN offers MSS, SACK-permitted, timestamps, window scale" \
			"$dec" "$tcp_ip" 0
		check_syn_options "$name: XTCP's SYN-ACK carries MSS, SACK-permitted, timestamps, window scale" \
			"$dec" "$xtcp_ip" 1
	else
		check_syn_options "$name: XTCP's SYN carries MSS, SACK-permitted, timestamps, window scale" \
			"$dec" "$xtcp_ip" 0
		check_syn_options "$name: TCP's SYN-ACK carries MSS, SACK-permitted, timestamps, window scale" \
			"$dec" "$tcp_ip" 1
	fi
	check_sack_ts "$name: XTCP sent SACK blocks, and timestamps on every segment" \
		"$dec" "$xtcp_ip"
	check_sack_ts "$name: the TCP end sent SACK blocks, and timestamps on every segment" \
		"$dec" "$tcp_ip"
	check_side "$name: XTCP side ($xdev): protocol $IPPROTO, no malformed packet, every checksum good" \
		"$dec" "$xdev" "$IPPROTO" "$cp-$sp"
	check_side "$name: TCP side ($tdev): protocol 6, no malformed packet, every checksum good" \
		"$dec" "$tdev" 6 "$cp-$sp"
}

# --- main -------------------------------------------------------------------------

xtcp_lib_init 24 "XTCP and the kernel's TCP across a protocol-swapping router"

[ "$XTCP_TEST_PROTO" = xtcp ] ||
	tap_skip_rest "interop needs both protocols (XTCP_TEST_PROTO=xtcp)"
for tool in ethtool dumpcap tshark mergecap cmp; do
	command -v "$tool" >/dev/null || tap_skip_rest "no $tool"
done
[ -r /sys/module/xtcp/parameters/ipproto ] &&
	IPPROTO=$(cat /sys/module/xtcp/parameters/ipproto)
offloads_off || tap_skip_rest "cannot turn veth offloads off (ethtool)"
translator_on ||
	tap_skip_rest "no tc translator (clsact, cls_u32, act_pedit, act_csum)"
path_netem delay 0ms || tap_skip_rest "netem not available (CONFIG_NET_SCH_NETEM)"
path_netem_clear

bytes=$(to_bytes "$XTCP_INTEROP_BYTES")
rand_range 1 1000000
dseed=$RAND
rand_range 0 25
corr=$RAND
LOSSY_NETEM=(loss 2% delay 1ms reorder 10% "${corr}%")
t=$(tmo 240)
info "data seed $dseed, $(hsize "$bytes") each way, lossy path: ${LOSSY_NETEM[*]}, capture of $XTCP_INTEROP_CAPTURE_PKTS packets"

start=$(now_ms)
head -c "$bytes" /dev/urandom >"$TMPD/in" ||
	tap_skip_rest "cannot write $(hsize "$bytes") to $TMPD"
info "wrote $(hsize "$bytes") of random data in $(secs_since "$start") s"

decode_start || info "cannot start tshark: the capture cases fail"
csum_snapshot
snapshot c RetransSegs
snapshot s RetransSegs

for p in "${PAIRINGS[@]}"; do
	pairing_run "${p%-*}" "${p#*-}"
done
decode_all
for p in "${PAIRINGS[@]}"; do
	pairing_checks "${p%-*}" "${p#*-}"
done

check_csum "XTCP counted no checksum error (InCsumErrors, both ends)" xtcp
check_csum "TCP counted no checksum error (InCsumErrors, both ends)" tcp
check_counter "XTCP retransmitted on the lossy path as a client (RetransSegs)" \
	c RetransSegs -gt 0
check_counter "XTCP retransmitted on the lossy path as a server (RetransSegs)" \
	s RetransSegs -gt 0

tap_finish
