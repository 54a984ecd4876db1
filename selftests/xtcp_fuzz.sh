#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Bounded random fuzzing of XTCP sockets with selftests/xtcp_fuzz: several
# threads making random socket calls, with hostile arguments, on one shared
# table of XTCP sockets (listening, connecting, established over loopback,
# half-closed, reset), racing each other and close(). First as nobody,
# then as root, in a namespace whose XTCP gives up fast, so connections to
# nowhere end quickly. (trinity cannot be pointed at XTCP: it only makes
# sockets of families it implements, and never IP protocol 253.)
#
# Passes when the fuzzer ran its time and really made XTCP sockets, and
# every socket it made is freed afterwards (the module's reference count,
# one per socket, returns to where it was). check.sh scans the kernel log.
#
# XTCP_FUZZ_SECS  seconds per pass (default 30, 45 in the debug guest)
# XTCP_FUZZ_SEED  replay a run (the seed each pass used is printed)

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

FUZZ=$XTCP_SELFTESTS/xtcp_fuzz
xtcp_lib_init 5 "random concurrent socket calls, as nobody and as root"

[ "$XTCP_TEST_PROTO" = xtcp ] || tap_skip_rest "fuzzes XTCP sockets only"
[ -x "$FUZZ" ] || tap_skip_rest "no $FUZZ: build with make -C selftests"
command -v setpriv >/dev/null || tap_skip_rest "no setpriv"

if [ "$XTCP_GUEST" = debug ]; then
	secs=${XTCP_FUZZ_SECS:-45}
else
	secs=${XTCP_FUZZ_SECS:-30}
fi

# Connections the fuzzer opens to addresses that never answer give up
# within a second or two, and closed ones leave quickly.
for kv in syn_retries=1 synack_retries=1 retries2=2 rto_max_ms=500 \
	fin_timeout_ms=1000 tw_timeout_ms=500; do
	ip netns exec "$NS_C" sysctl -qw "net.xtcp.$kv"
done

# XTCP sockets alive, every kind and namespace: each holds one module
# reference.
base=$(cat /sys/module/xtcp/refcnt)
info "module references before: $base"

# Kernel stacks of every thread of every fuzzer still alive, and the
# blocked tasks (sysrq w) into the kernel log: a call that never returns is
# an XTCP bug, and this says where it waits.
dump_stuck() {
	local pid t

	for pid in $(pgrep -x xtcp_fuzz); do
		for t in /proc/"$pid"/task/*; do
			info "thread ${t##*/} of xtcp_fuzz $pid ($(cat "$t/wchan" 2>/dev/null)):"
			sed 's/^/#   /' "$t/stack" 2>/dev/null
		done
	done
	[ -w /proc/sysrq-trigger ] && echo w >/proc/sysrq-trigger
}

# fuzz_pass NAME [setpriv args...]
fuzz_pass() {
	local name=$1 rc=0 seed out=$TMPD/$1.out pid waited=0

	shift
	rand_range 1 2147483647
	seed=${XTCP_FUZZ_SEED:-$RAND}
	ip netns exec "$NS_C" "$@" "$FUZZ" -t "$secs" -s "$seed" -T 4 \
		>"$out" 2>&1 &
	pid=$!
	# It ends itself after $secs (+10 s for its threads): allow more.
	while kill -0 "$pid" 2>/dev/null && [ $waited -lt $((secs + $(tmo 40))) ]; do
		sleep 1
		waited=$((waited + 1))
	done
	if kill -0 "$pid" 2>/dev/null; then
		show_log "$out"
		info "$name: the fuzzer did not exit $((waited - secs))s after its time"
		dump_stuck
		pkill -9 -x xtcp_fuzz
		tap_fail "fuzz: $name: a socket call never returned (seed $seed)"
	else
		wait "$pid" || rc=$?
		show_log "$out"
		if [ $rc -eq 0 ] && grep -q '^ok 1 ' "$out"; then
			tap_ok "fuzz: $name: ${secs}s of random socket calls (seed $seed)"
		else
			tap_fail "fuzz: $name: the fuzzer failed (status $rc, seed $seed)"
		fi
	fi
	made=$(awk '/XTCP sockets made/ { print $2 }' "$out")
	if [ "${made:-0}" -gt 0 ]; then
		tap_ok "fuzz: $name made ${made} XTCP sockets"
	else
		tap_fail "fuzz: $name made no XTCP socket: the fuzzing missed XTCP"
	fi
}

fuzz_pass nobody setpriv --reuid=65534 --regid=65534 --clear-groups
fuzz_pass root

# Every socket must go: closed ones at once, orphans after the short
# timeouts above.
left=
for _ in $(seq "$(tmo 60)"); do
	left=$(($(cat /sys/module/xtcp/refcnt) - base))
	[ "$left" -le 0 ] && break
	sleep 1
done
if [ "$left" -le 0 ]; then
	tap_ok "fuzz: every XTCP socket was freed afterwards"
else
	ip netns exec "$NS_C" cat /proc/net/xtcp | sed 's/^/# /'
	tap_fail "fuzz: $left XTCP sockets still allocated $(tmo 60)s after the fuzzing"
fi

tap_finish
