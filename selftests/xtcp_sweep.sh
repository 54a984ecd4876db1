#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Socket-API sweep (issue 9): xtcp_sweep throws every sockopt level and
# option with hostile lengths and values, the ioctls, every send/recv flag,
# every shutdown mode and odd bind/connect addresses at XTCP sockets in each
# state, and races it all with close(). It runs as root and then as an
# unprivileged user (uid/gid 65534, no groups), in a namespace where
# 10.99.0.2 is a blackhole (its frames go to a MAC nobody has), so that
# "connecting" sockets stay in SYN_SENT. XTCP_FAMILY=6 (xtcp_sweep6.sh)
# sweeps IPv6 sockets over ::1, fd00:99::2 the blackhole. The kernel must survive with a
# clean log; the documented answers are checked by xtcp_sweep itself;
# xtcp_teardown.sh and xtcp_module.sh, later in run.sh, check that every
# socket is freed and the module unloads.
#
# XTCP_GUEST=debug sweeps fewer values. XTCP_SWEEP_SEED replays a run.

. "$(dirname "$0")/lib.sh"

SWEEP=$XTCP_SELFTESTS/xtcp_sweep

xtcp_lib_init 4 "socket-API sweep as root and as an unprivileged user"

[ "$XTCP_TEST_PROTO" = xtcp ] || tap_skip_rest "the sweep is for XTCP sockets"
[ -x "$SWEEP" ] || tap_skip_rest "no $SWEEP: build with make -C selftests"
command -v setpriv >/dev/null || tap_skip_rest "no setpriv"

if [ "$XTCP_FAMILY" = 6 ]; then
	hole_net=fd00:99::/64 hole=fd00:99::2
else
	hole_net=10.99.0.0/24 hole=10.99.0.2
fi
if ! { ip -n "$NS_C" route add $hole_net dev veth-c &&
	ip -n "$NS_C" neigh replace $hole lladdr 02:00:00:00:99:02 \
		dev veth-c nud permanent; }; then
	tap_skip_rest "cannot set up the blackhole route"
fi

# The sweep leaves orphans behind (connections to the blackhole, sockets
# whose peer a random IP_MINTTL or socket filter made deaf): let them give
# up within seconds, not minutes, so that xtcp_teardown.sh, later, finds
# every socket freed.
for kv in syn_retries=1 synack_retries=1 retries2=2 orphan_retries=1 \
	rto_max_ms=500 fin_timeout_ms=1000 tw_timeout_ms=500; do
	ip netns exec "$NS_C" sysctl -qw "net.xtcp.$kv"
done

# Reports the kernel makes while the sweep runs (klog_check).
klog_mark

# run_sweep DESC CMD...: the program's TAP nested as comments.
run_sweep() {
	local desc=$1 rc=0

	shift
	info "--- $desc: $*"
	timeout -k 5 "$(tmo 240)" ip netns exec "$NS_C" "$@" \
		>"$TMPD/sweep.out" 2>&1 || rc=$?
	show_log "$TMPD/sweep.out"
	if [ $rc -eq 0 ]; then
		tap_ok "$desc"
	else
		info "exit status $rc"
		tap_fail "$desc"
	fi
}

run_sweep "sweep as root" env XTCP_GUEST="$XTCP_GUEST" "$SWEEP"
run_sweep "sweep as uid 65534" env XTCP_GUEST="$XTCP_GUEST" \
	setpriv --reuid=65534 --regid=65534 --clear-groups "$SWEEP"

klog_check "kernel log clean after the sweeps"

if [ -d /sys/module/xtcp ] && [ "$(cat /sys/module/xtcp/initstate)" = live ]; then
	tap_ok "module still live (refcnt $(cat /sys/module/xtcp/refcnt))"
else
	tap_fail "module still live"
fi
tap_finish
