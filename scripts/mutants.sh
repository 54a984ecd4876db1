#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mutants.sh: do the packet-level scenarios catch a broken XTCP? Each
# mutant below is xtcp.ko with one behaviour deliberately broken by a
# literal source substitution. All are built for the stock kernel, then one
# stock guest loads each in turn and runs the scenarios that guard that
# behaviour (selftests/xtcp_pkt.sh). A mutant is "killed" when at least one
# of its scenarios fails; one that survives means the referee cannot see
# the bug, and the script exits 1. Not part of `make check` (about 10
# minutes); `make mutants` runs it.
#
#   mutants.sh [NAME...]            host side: build, boot, report
#   mutants.sh --guest DIR NAME...  guest side, started by the host side
#
# Results: out/mutants/results.txt, per-mutant TAP in out/mutants/NAME.tap.

set -euo pipefail

# NAME|FILE|SCENARIOS (xtcp_pkt.sh names)|what is broken; the substitution
# itself is in mutate(). Keep each scenario list to what should catch it.
MUTANTS=(
	"rst_any_seq|xtcp_input.c|rst_established|an in-window RST resets without an exact sequence match (no RFC 5961 challenge ACK)"
	"ofo_no_dupack|xtcp_input.c|ofo|out-of-order data is queued without an immediate duplicate ACK"
	"dupack_thresh_4|xtcp_input.c|fast_rtx|fast retransmit waits for a fourth duplicate ACK"
	"rto_no_backoff|xtcp_timer.c|rto syn_rtx|the RTO is not doubled after a timeout"
	"rto_not_stopped|xtcp_timer.c|rto_restart|the retransmission timer of acknowledged data keeps running"
	"no_csum_check|xtcp_ipv4.c|bad_csum|segments with a bad checksum are accepted"
	"no_persist|xtcp_timer.c|persist|a zero window is never probed"
	"delack_never|xtcp_input.c|delack|every data segment is acknowledged at once"
	"syn_no_mss|xtcp_options.c|syn_fields passive_open|SYN and SYN-ACK carry NOPs where the MSS option belongs"
	"tw_no_reack|xtcp_timewait.c|timewait_reack|TIME_WAIT does not re-ACK a retransmitted FIN"
	"window_unchecked|xtcp_seq.h|beyond_window|data beyond the receive window is accepted"
	"opts_unchecked|xtcp_ipv4.c|opts_established opts_listen|malformed option lists are accepted"
)

# mutate NAME FILE: apply NAME's substitution to FILE; exactly one match.
mutate() {
	local old new
	case "$1" in
	rst_any_seq)
		old='if (cb->seq == xs->rcv_nxt) {'
		new='if (true) {' ;;
	ofo_no_dupack)
		old=$'XTCP_MIB_DUPACKSSENT);\n\txtcp_send_ack(sk);'
		new='XTCP_MIB_DUPACKSSENT);' ;;
	dupack_thresh_4)
		old=$'#define XTCP_DUPACK_THRESH\t3'
		new=$'#define XTCP_DUPACK_THRESH\t4' ;;
	rto_no_backoff)
		old=$'\t\txs->backoff++;\n\t/* Go back N'
		new=$'\t\t;\n\t/* Go back N' ;;
	rto_not_stopped)
		old=$'\tif (xs->rtx_mode == XTCP_RTX_RETRANS)\n\t\txs->rtx_mode = XTCP_RTX_NONE;'
		new=$'\tif (xs->rtx_mode == XTCP_RTX_RETRANS)\n\t\t;' ;;
	no_csum_check)
		old='if (skb_checksum_complete(skb))'
		new='if (false && skb_checksum_complete(skb))' ;;
	no_persist)
		old=$'\tif (xs->rtx_mode == XTCP_RTX_PROBE)\n\t\treturn;'
		new=$'\treturn;' ;;
	delack_never)
		old='if (now || xs->rcv_nxt - xs->rcv_wup >= 2 * full) {'
		new='if (true) {' ;;
	syn_no_mss)
		old=$'\tptr[0] = XTCP_OPT_MSS;\n\tptr[1] = XTCP_OLEN_MSS;\n\tput_unaligned_be16(mss, ptr + 2);'
		new=$'\tmemset(ptr, XTCP_OPT_NOP, XTCP_OLEN_MSS);' ;;
	tw_no_reack)
		old=$'\tif (th->fin) {\n\t\t/* Our ACK of the FIN was lost'
		new=$'\tif (false) {\n\t\t/* Our ACK of the FIN was lost' ;;
	window_unchecked)
		old=$'\treturn xtcp_seq_before(seq, rcv_nxt + wnd) &&\n\t       xtcp_seq_after(end_seq, rcv_nxt);'
		new=$'\treturn xtcp_seq_after(end_seq, rcv_nxt);' ;;
	opts_unchecked)
		old=$'\t\treturn -EINVAL;\n\n\tmemmove(&cb->header.h4'
		new=$'\t\t;\n\n\tmemmove(&cb->header.h4' ;;
	*) return 1 ;;
	esac
	OLD=$old NEW=$new perl -0 -i -pe \
		'$n += s/\Q$ENV{OLD}\E/$ENV{NEW}/g; END { exit($n == 1 ? 0 : 3) }' "$2"
}

field() { # field ENTRY N
	local IFS='|' f
	read -ra f <<<"$1"
	echo "${f[$2]}"
}

entry() { # entry NAME
	local m
	for m in "${MUTANTS[@]}"; do
		[ "${m%%|*}" = "$1" ] && { echo "$m"; return 0; }
	done
	return 1
}

# ---- Guest side ----------------------------------------------------------
guest_main() {
	local dir=$1 name e scns rc i
	shift
	grep -q 'virtme_' /proc/cmdline || {
		echo "mutants.sh --guest: not in a virtme-ng guest" >&2
		exit 2
	}
	cd "$(dirname "$0")/.."
	for name in "$@"; do
		e=$(entry "$name")
		scns=$(field "$e" 2)
		echo "[guest] mutant $name: scenarios $scns"
		if ! insmod "$dir/$name/xtcp.ko"; then
			echo "$name insmod-failed" >>"$dir/guest-results.txt"
			continue
		fi
		rc=0
		XTCP_PKT_SCENARIOS=$scns timeout -k 5 600 selftests/xtcp_pkt.sh \
			>"$dir/$name.tap" 2>&1 || rc=$?
		echo "$name $rc" >>"$dir/guest-results.txt"
		# The scenarios' namespaces are gone; their TIME_WAIT sockets too.
		for ((i = 0; i < 60; i++)); do
			rmmod xtcp 2>/dev/null && break
			sleep 1
		done
		if [ -d /sys/module/xtcp ]; then
			echo "[guest] cannot unload mutant $name: stopping" >&2
			break
		fi
	done
	touch "$dir/done"
}

# ---- Host side -----------------------------------------------------------
host_main() {
	# shellcheck source=scripts/lib.sh
	. "$(dirname "$0")/lib.sh"
	local names=() m name file out kdir rc survived=0 e v
	if [ $# -gt 0 ]; then
		names=("$@")
	else
		for m in "${MUTANTS[@]}"; do names+=("${m%%|*}"); done
	fi
	"$XTCP_TOP/scripts/setup.sh"
	lock_out
	kdir=$(stock_kdir)
	out=$XTCP_OUT/mutants
	rm -rf "$out" && mkdir -p "$out"

	for name in "${names[@]}"; do
		e=$(entry "$name") || die "no mutant $name"
		file=$(field "$e" 1)
		mkdir -p "$out/$name"
		rsync -a --exclude '*.o' --exclude '*.ko' --exclude '.*.cmd' \
			--include 'Kbuild' --include 'module/***' --include 'uapi/***' \
			--exclude '*' "$XTCP_TOP/" "$out/$name/src/"
		mutate "$name" "$out/$name/src/module/$file" ||
			die "mutant $name: its substitution no longer matches module/$file exactly once"
		(cd "$out/$name/src" && diff -u "$XTCP_TOP/module/$file" "module/$file") \
			>"$out/$name/mutation.diff" || true
		make -C "$kdir" M="$out/$name/src" -j"$(nproc)" modules \
			>"$out/$name/build.log" 2>&1 || die "mutant $name does not build: $out/$name/build.log"
		cp "$out/$name/src/xtcp.ko" "$out/$name/"
		log "built mutant $name"
	done

	make -s -C "$XTCP_TOP/selftests" KSRC="$(debug_ksrc)" >"$out/selftests-build.log" 2>&1 ||
		die "selftests build failed: $out/selftests-build.log"

	rc=0
	"$XTCP_TOP/scripts/vm-run.sh" --kernel stock --rwdir "$out" --timeout 2400 -- \
		scripts/mutants.sh --guest "$out" "${names[@]}" >"$out/guest.log" 2>&1 || rc=$?
	[ -f "$out/done" ] || die "mutant guest did not finish (status $rc): $out/guest.log"

	{
		printf '%-18s %-8s %-34s %s\n' mutant verdict scenarios "what is broken"
		for name in "${names[@]}"; do
			e=$(entry "$name")
			m=$(awk -v n="$name" '$1 == n { print $2 }' "$out/guest-results.txt")
			case "$m" in
			"") v=not-run ;;
			0) v=SURVIVED ;;
			insmod-failed) v=no-load ;;
			*) v=killed ;;
			esac
			printf '%-18s %-8s %-34s %s\n' "$name" "$v" "$(field "$e" 2)" "$(field "$e" 3)"
			{ grep -h '^# FAIL' "$out/$name.tap" 2>/dev/null || true; } |
				awk 'NR <= 2 { print "    " substr($0, 3, 156) }'
		done
	} >"$out/results.txt"
	cat "$out/results.txt"
	grep -qE '^[^ ]+ +(SURVIVED|not-run|no-load) ' "$out/results.txt" && survived=1
	return "$survived"
}

if [ "${1:-}" = --guest ]; then
	shift
	guest_main "$@"
else
	host_main "$@"
fi
