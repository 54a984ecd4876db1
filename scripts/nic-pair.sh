#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# nic-pair.sh OUTDIR [MODEL...]
#
# Two kernels over emulated NICs: boots two stock guests AT ONCE, a server
# and a client (scripts/pair-guest.sh), joined by one virtual link per
# MODEL (qemu NIC model; default: rtl8139 e1000 virtio-net-pci). A link is a
# pair of unix datagram sockets in OUTDIR (qemu -netdev dgram), so nothing
# leaves this machine and no port is taken. Data moves both ways over each
# link with netem loss and delay on every NIC, over IPv4 and then over IPv6
# (see pair-guest.sh): 8139cp sums no IPv6 segment, so there XTCP's own
# IPv6 checksum is what the other kernel checks.
#
# Prints one "PASS|FAIL<TAB>description" line per result on stdout (for
# scripts/check.sh), progress on stderr; exits 0 when all passed.
#
# Guests share the machine through slots (guest_slot_take, lib.sh); this
# script takes every slot, once, for both guests. Needs out/stock/xtcp.ko and the
# selftests built (as scripts/check.sh does).
#
# XTCP_PAIR_BYTES (default 4M) bytes each way per link;
# XTCP_PAIR_TIMEOUT (default 900) seconds per guest, boot included.

set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

res() { printf '%s\t%s\n' "$1" "$2"; [ "$1" = PASS ] || failed=1; }

# link_result MODEL DRIVER LINK SFX WHAT: the result of one transfer on link
# LINK, from the guests' $dir/{server,client}.LINK.SFX.rc (SFX "" for IPv4,
# .6 for IPv6; WHAT names it in the result line), with the ends of both
# logs when it failed.
link_result() {
	local m=$1 drv=$2 ll=$3 sfx=$4 what=$5 rcs rcb role

	rcs=$(cat "$dir/server.$ll$sfx.rc" 2>/dev/null || echo none)
	rcb=$(cat "$dir/client.$ll$sfx.rc" 2>/dev/null || echo none)
	if [ "$rcs" = 0 ] && [ "$rcb" = 0 ]; then
		res PASS "nic-pair: $m ($drv): $bytes both ways between two kernels$what, 1% loss"
		return
	fi
	res FAIL "nic-pair: $m ($drv): $bytes both ways between two kernels$what (server exit $rcs, client exit $rcb)"
	for role in server client; do
		echo "--- $role link $ll$what:" >&2
		tail -5 "$dir/$role.$ll$sfx.log" 2>/dev/null | sed 's/^/  /' >&2
	done
}

main() {
	local dir models ll m qa qb ko rcs rca rcb role f drv n w bytes seed tmo t0
	dir=${1:?usage: nic-pair.sh OUTDIR [MODEL...]}
	shift
	models=("$@")
	[ ${#models[@]} -gt 0 ] || models=(rtl8139 e1000 virtio-net-pci)
	bytes=${XTCP_PAIR_BYTES:-4M}
	tmo=${XTCP_PAIR_TIMEOUT:-900}
	seed=$((SRANDOM % 1000000 + 1))
	ko=$XTCP_OUT/stock/xtcp.ko
	failed=0

	[ -f "$ko" ] || die "$ko not built"
	[ -x "$XTCP_TOP/selftests/xtcp_xfer" ] || die "selftests/xtcp_xfer not built"
	rm -rf "$dir"
	mkdir -p "$dir/sock"
	dir=$(cd "$dir" && pwd)

	qa='' qb=''
	ll=0
	for m in "${models[@]}"; do
		ll=$((ll + 1))
		qa+=" -netdev dgram,id=pl$ll,local.type=unix,local.path=$dir/sock/s$ll,remote.type=unix,remote.path=$dir/sock/c$ll"
		qa+=" -device $m,netdev=pl$ll,mac=$(printf '52:54:00:5a:%02x:01' "$ll")"
		qb+=" -netdev dgram,id=pl$ll,local.type=unix,local.path=$dir/sock/c$ll,remote.type=unix,remote.path=$dir/sock/s$ll"
		qb+=" -device $m,netdev=pl$ll,mac=$(printf '52:54:00:5a:%02x:02' "$ll")"
	done

	guest_slot_take all
	export XTCP_GUEST_LOCK_HELD=1

	log "booting two stock guests joined by: ${models[*]}"
	t0=$(date +%s)
	rca=0 rcb=0
	for role in server client; do
		if [ $role = server ]; then q=$qa; else q=$qb; fi
		# One --rwdir for both: the server's "ready" reaches the client.
		"$XTCP_TOP/scripts/vm-run.sh" --kernel stock --rwdir "$dir" \
			--timeout "$tmo" --console "$dir/$role.console.log" \
			--qemu-opts "${q# }" -- \
			scripts/pair-guest.sh "$role" "$dir" "$ko" "$bytes" "$seed" \
			>"$dir/$role.guest.out" 2>&1 &
		eval "pid_$role=\$!"
	done
	# shellcheck disable=SC2154 # set by eval
	wait "$pid_server" || rca=$?
	# shellcheck disable=SC2154
	wait "$pid_client" || rcb=$?
	log "both guests done in $(($(date +%s) - t0)) s (status $rca, $rcb)"

	for role in server client; do
		if [ ! -f "$dir/$role.done" ]; then
			res FAIL "nic-pair: $role guest did not complete (see $dir/$role.guest.out)"
			tail -15 "$dir/$role.guest.out" | sed 's/^/  /' >&2
			continue
		fi
		while IFS= read -r f; do
			[ -z "$f" ] || res FAIL "nic-pair: $role: $f"
		done <"$dir/$role.errors"
	done

	ll=0
	for m in "${models[@]}"; do
		ll=$((ll + 1))
		drv=$(cat "$dir/client.$ll.driver" 2>/dev/null || echo "?")
		link_result "$m" "$drv" "$ll" "" ""
		link_result "$m" "$drv" "$ll" .6 " over IPv6"
	done
	for role in server client; do
		f=$dir/$role.dmesg
		[ -f "$f" ] || continue
		w=$(grep -E 'WARNING:|BUG:|Net bug|checksum_partial|Call Trace|Oops' "$f" || true)
		if [ -z "$w" ]; then
			res PASS "nic-pair: $role kernel log has no warning"
		else
			res FAIL "nic-pair: $role kernel log has warnings (see $f)"
			echo "$w" | sed -n '1,10s/^/  /p' >&2
		fi
		n=$(cat "$dir/$role.InCsumErrors" 2>/dev/null || echo "?")
		if [ "$n" = 0 ]; then
			res PASS "nic-pair: $role InCsumErrors is 0"
		else
			res FAIL "nic-pair: $role InCsumErrors is $n"
		fi
	done
	return "$failed"
}

# All in functions, ended by exit on the same line: bash reads a script as
# it runs, and editing this file during a run must not change the run.
main "$@"; exit
