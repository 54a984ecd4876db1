#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Module lifecycle: rmmod is refused while a socket is open and works once it
# is closed (IPv4 and IPv6); insmod/rmmod in a loop; insmod with a family or
# IP protocol number that is taken (for IPv4, or only for IPv6, or only as
# an IPv6 offload) fails cleanly and leaves nothing registered.
#
# Needs XTCP_KO (absolute path to xtcp.ko for the running kernel) and the
# module loaded; leaves it loaded with default parameters.
#
# XTCP_MODULE_ITERATIONS  insmod/rmmod rounds (default 10, about 2.5 s each
#                         in the stock guest: a reference, registration or
#                         memory leak shows from the second; 5 in the debug
#                         guest, where one round costs ten to sixteen seconds)

DIR=$(cd "$(dirname "$0")" && pwd)
SOCK=$DIR/xtcp_sock
XFER=$DIR/xtcp_xfer
if [ "${XTCP_GUEST:-stock}" = debug ]; then
	ITER=${XTCP_MODULE_ITERATIONS:-5}
else
	ITER=${XTCP_MODULE_ITERATIONS:-10}
fi
PLAN=23
KSFT_SKIP=4

TAP_NUM=0
TAP_FAIL=0
HOLD_PIDS=()
TMPD=
NS=

info() { printf '# %s\n' "$*"; }
ok() { TAP_NUM=$((TAP_NUM + 1)); echo "ok $TAP_NUM $*"; }
fail() { TAP_NUM=$((TAP_NUM + 1)); TAP_FAIL=$((TAP_FAIL + 1)); echo "not ok $TAP_NUM $*"; }
# result STATUS DESC
result() { if [ "$1" -eq 0 ]; then ok "$2"; else fail "$2"; fi; }
show() { [ -s "$1" ] && sed -e 's/^/# /' "$1"; return 0; }

loaded() { [ -d /sys/module/xtcp ]; }

cleanup() {
	local pid

	for pid in "${HOLD_PIDS[@]}"; do
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	[ -n "$NS" ] && ip netns del "$NS" 2>/dev/null
	[ -n "$TMPD" ] && rm -rf "$TMPD"
	# The harness expects the module loaded afterwards.
	if [ -n "${XTCP_KO:-}" ] && ! loaded; then
		insmod "$XTCP_KO" || info "could not reload $XTCP_KO"
	fi
}

# A unique marker in the kernel log, so we read only what we caused.
MARK=0
kmsg_mark() {
	MARK=$((MARK + 1))
	KMSG_MARK="xtcp_module.sh[$$] mark $MARK"
	echo "$KMSG_MARK" >/dev/kmsg
}

# Kernel log lines since the last mark.
kmsg_since() {
	dmesg | sed -n "/$(printf '%s' "$KMSG_MARK" | sed 's/[][\.*^$/]/\\&/g')/,\$p" |
		tail -n +2
}

# rmmod_retry SECS: module references may drop after an RCU grace period,
# and sockets of namespaces deleted just before go with the netns cleanup
# work.
rmmod_retry() {
	local i

	for ((i = 0; i < $1 * 10; i++)); do
		rmmod xtcp 2>/dev/null && return 0
		sleep 0.1
	done
	rmmod xtcp && return 0
	info "refcnt $(cat /sys/module/xtcp/refcnt 2>/dev/null) after $1 s"
	if [ -r /proc/net/xtcp ]; then
		info "/proc/net/xtcp of the initial namespace:"
		sed -n '1,20s/^/#   /p' /proc/net/xtcp
	fi
	return 1
}

# hold FAMILY TYPE PROTO: keep one socket open in the background (HOLD_PID).
hold() {
	local out=$TMPD/hold.$#.$RANDOM i

	"$SOCK" -w "$@" >"$out" 2>&1 &
	HOLD_PID=$!
	HOLD_PIDS+=("$HOLD_PID")
	for ((i = 0; i < 100; i++)); do
		grep -q '^ok' "$out" && return 0
		grep -q '^error' "$out" && break
		sleep 0.05
	done
	show "$out"
	return 1
}

release() {
	kill "$HOLD_PID" 2>/dev/null
	wait "$HOLD_PID" 2>/dev/null
	return 0
}

# no_leftovers: with the module gone, neither entry point may still exist.
no_leftovers() {
	local rc=0

	if loaded; then
		info "module still loaded"
		rc=1
	fi
	"$SOCK" -e EAFNOSUPPORT xtcp stream 0 | sed 's/^/# socket(AF_XTCP): /'
	[ "${PIPESTATUS[0]}" -eq 0 ] || rc=1
	"$SOCK" -e EPROTONOSUPPORT inet stream ipproto_xtcp |
		sed 's/^/# socket(AF_INET, SOCK_STREAM, IPPROTO_XTCP): /'
	[ "${PIPESTATUS[0]}" -eq 0 ] || rc=1
	if [ -e /proc/net/if_inet6 ]; then
		"$SOCK" -e EPROTONOSUPPORT inet6 stream ipproto_xtcp |
			sed 's/^/# socket(AF_INET6, SOCK_STREAM, IPPROTO_XTCP): /'
		[ "${PIPESTATUS[0]}" -eq 0 ] || rc=1
	fi
	return $rc
}

# explained PATTERN: an xtcp line in the log since the mark matches PATTERN.
explained() {
	local lines

	lines=$(kmsg_since | grep -i 'xtcp' | grep -v 'xtcp_module.sh\[')
	printf '%s\n' "$lines" | sed 's/^/# dmesg: /'
	printf '%s\n' "$lines" | grep -Eqi "$1"
}

echo "TAP version 13"
echo "1..$PLAN"
info "xtcp module lifecycle, XTCP_KO=${XTCP_KO:-unset}, $ITER insmod/rmmod rounds"

skip_all() {
	while [ "$TAP_NUM" -lt "$PLAN" ]; do
		TAP_NUM=$((TAP_NUM + 1))
		echo "ok $TAP_NUM xtcp_module # SKIP $1"
	done
	exit "$KSFT_SKIP"
}

[ "$(id -u)" -eq 0 ] || skip_all "needs root"
if [ -z "${XTCP_KO:-}" ] || [ ! -r "$XTCP_KO" ]; then
	skip_all "XTCP_KO does not name a readable xtcp.ko"
fi
[ -x "$SOCK" ] || skip_all "no $SOCK: build with make -C selftests"
if ! command -v insmod >/dev/null || ! command -v rmmod >/dev/null; then
	skip_all "no insmod/rmmod"
fi

TMPD=$(mktemp -d /tmp/xtcp-module.XXXXXX)
trap cleanup EXIT
trap 'exit 1' INT TERM

kmsg_mark
START_MARK=$KMSG_MARK
if ! loaded; then
	info "module not loaded at start: loading $XTCP_KO"
	insmod "$XTCP_KO"
fi

# 1-4: rmmod refused while a socket is open, then works; nothing left.
rc=0
if hold xtcp stream 0; then
	rmmod xtcp 2>"$TMPD/err" && rc=1
	show "$TMPD/err"
	loaded || rc=1
	release
else
	rc=1
fi
result $rc "rmmod is refused while an AF_XTCP socket is open"

rc=0
if loaded && hold inet stream ipproto_xtcp; then
	rmmod xtcp 2>"$TMPD/err" && rc=1
	show "$TMPD/err"
	loaded || rc=1
	release
else
	rc=1
fi
result $rc "rmmod is refused while an AF_INET/IPPROTO_XTCP socket is open"

rc=0
if loaded && hold inet6 stream ipproto_xtcp; then
	rmmod xtcp 2>"$TMPD/err" && rc=1
	show "$TMPD/err"
	loaded || rc=1
	release
else
	rc=1
fi
result $rc "rmmod is refused while an AF_INET6/IPPROTO_XTCP socket is open"

# An IPv6 connection (listener, request, child, TIME_WAIT) in a namespace
# that is then deleted: its minisocks go with it, rmmod works below.
rc=0
if [ -x "$XFER" ] && command -v ip >/dev/null; then
	NS=xtcp-mod6-$$
	ip netns add "$NS" && ip -n "$NS" link set lo up || rc=1
	ip netns exec "$NS" "$XFER" -l -p xtcp6 -q -F "$TMPD/ready6" -b \
		-s 256K -t 30 ::1 0 >"$TMPD/srv6" 2>&1 &
	srv=$!
	for ((i = 0; i < 100; i++)); do
		[ -s "$TMPD/ready6" ] && break
		sleep 0.05
	done
	ip netns exec "$NS" "$XFER" -p xtcp6 -q -b -s 256K -t 30 ::1 \
		"$(cat "$TMPD/ready6" 2>/dev/null)" >"$TMPD/cli6" 2>&1 || rc=1
	wait $srv || rc=1
	show "$TMPD/srv6"
	show "$TMPD/cli6"
	ip netns exec "$NS" cat /proc/net/xtcp | sed 's/^/# /'
	ip netns del "$NS"
	NS=
else
	rc=1
fi
result $rc "an IPv6 connection over ::1 in a namespace, deleted with its TIME_WAIT"

rc=0
if loaded; then
	rmmod_retry 30 || rc=1
	! loaded || rc=1
else
	rc=1
fi
result $rc "rmmod succeeds once the sockets are closed"

rc=0
no_leftovers || rc=1
result $rc "unloaded: socket(AF_XTCP) gives EAFNOSUPPORT, IPPROTO_XTCP gives EPROTONOSUPPORT"

# 5: the load/unload loop.
rc=0
rounds=0
start=$(date +%s%3N)
for ((i = 1; i <= ITER; i++)); do
	if ! insmod "$XTCP_KO" 2>"$TMPD/err"; then
		info "round $i: insmod failed"
		show "$TMPD/err"
		rc=1
		break
	fi
	if ! "$SOCK" xtcp stream 0 >"$TMPD/err" 2>&1 ||
	   ! "$SOCK" inet stream ipproto_xtcp >>"$TMPD/err" 2>&1 ||
	   { [ -e /proc/net/if_inet6 ] &&
	     ! "$SOCK" inet6 stream ipproto_xtcp >>"$TMPD/err" 2>&1; }; then
		info "round $i: socket failed"
		show "$TMPD/err"
		rc=1
	fi
	if ! rmmod_retry 5 2>"$TMPD/err"; then
		info "round $i: rmmod failed"
		show "$TMPD/err"
		rc=1
		break
	fi
	rounds=$i
done
d=$(($(date +%s%3N) - start))
info "$rounds of $ITER rounds completed in $((d / 1000)).$((d % 1000 / 100)) s"
result $rc "insmod, socket, close, rmmod $ITER times in a row"
loaded && rmmod_retry 5

# taken_case PARAM N DESC PATTERN: insmod PARAM=N must fail with EEXIST,
# with a log line matching PATTERN, and leave nothing behind (three
# cases); for ipproto, socket(AF_INET, SOCK_STREAM, N) must fail too.
taken_case() {
	local param=$1 n=$2 desc=$3 rc=0

	kmsg_mark
	if insmod "$XTCP_KO" "$param=$n" 2>"$TMPD/err"; then
		info "insmod $param=$n succeeded"
		rc=1
	fi
	show "$TMPD/err"
	grep -q "File exists" "$TMPD/err" || rc=1
	result $rc "insmod $param=$n ($desc, taken) fails with EEXIST"
	rc=0
	explained "$4" || rc=1
	result $rc "dmesg has an xtcp line explaining the $param=$n failure"
	rc=0
	no_leftovers || rc=1
	if [ "$param" = ipproto ]; then
		"$SOCK" -e EPROTONOSUPPORT inet stream "$n" |
			sed "s/^/# socket(AF_INET, SOCK_STREAM, $n): /"
		[ "${PIPESTATUS[0]}" -eq 0 ] || rc=1
	fi
	result $rc "failed $param=$n load leaves nothing behind"
}

# 6-8: family taken (16 is AF_NETLINK).
taken_case family 16 AF_NETLINK 'family|16'
loaded && rmmod xtcp

# 9-12: IP protocol taken (6 is TCP's); the kernel's TCP unharmed.
kmsg_mark
rc=0
if insmod "$XTCP_KO" ipproto=6 2>"$TMPD/err"; then
	info "insmod ipproto=6 succeeded"
	rc=1
fi
show "$TMPD/err"
result $rc "insmod ipproto=6 (TCP's, taken) fails"
rc=0
explained 'proto|6' || rc=1
result $rc "dmesg has an xtcp line explaining the ipproto=6 failure"
rc=0
no_leftovers || rc=1
result $rc "failed ipproto=6 load leaves nothing behind"
loaded && rmmod xtcp

rc=0
if [ -x "$XFER" ] && command -v ip >/dev/null; then
	NS=xtcp-mod-$$
	ip netns add "$NS" && ip -n "$NS" link set lo up || rc=1
	ip netns exec "$NS" "$XFER" -l -p tcp -q -F "$TMPD/ready" -s 1M -t 30 \
		127.0.0.1 0 >"$TMPD/srv" 2>&1 &
	srv=$!
	for ((i = 0; i < 100; i++)); do
		[ -s "$TMPD/ready" ] && break
		sleep 0.05
	done
	ip netns exec "$NS" "$XFER" -p tcp -q -s 1M -t 30 127.0.0.1 \
		"$(cat "$TMPD/ready" 2>/dev/null)" >"$TMPD/cli" 2>&1 || rc=1
	wait $srv || rc=1
	show "$TMPD/srv"
	show "$TMPD/cli"
	ip netns del "$NS"
	NS=
	result $rc "the kernel's TCP still works after the failed ipproto=6 load"
else
	TAP_NUM=$((TAP_NUM + 1))
	echo "ok $TAP_NUM kernel TCP still works # SKIP no xtcp_xfer or ip"
fi

# IPv6 next header taken (58 is ICMPv6's), IPv4 protocol 58 free: the
# failure comes after IPv4 is registered, and must unwind all of it.
taken_case ipproto 58 "ICMPv6's next header" 'IPv6.*58|58.*IPv6'
loaded && rmmod xtcp
rc=0
if command -v ping >/dev/null && command -v ip >/dev/null; then
	NS=xtcp-mod58-$$
	ip netns add "$NS" && ip -n "$NS" link set lo up || rc=1
	ip netns exec "$NS" ping -6 -c 1 -W 5 ::1 >"$TMPD/ping" 2>&1 || rc=1
	show "$TMPD/ping"
	ip netns del "$NS"
	NS=
	result $rc "ICMPv6 still works after the failed ipproto=58 load (ping -6 ::1)"
else
	TAP_NUM=$((TAP_NUM + 1))
	echo "ok $TAP_NUM ICMPv6 still works # SKIP no ping or ip"
fi

# IPv6 offload taken (60, the destination options header, has one), IPv4
# protocol 60 and its IPv4 offload free: the failure comes in
# xtcp_offload_init(), after the IPv4 offload is registered, and must
# unwind it and the rest.
taken_case ipproto 60 "an IPv6 offload's" 'offload.*60|60.*offload'
loaded && rmmod xtcp

# Back to normal, as the harness expects.
rc=0
insmod "$XTCP_KO" 2>"$TMPD/err" || { show "$TMPD/err"; rc=1; }
loaded || rc=1
"$SOCK" xtcp stream 0 | sed 's/^/# socket(AF_XTCP): /'
[ "${PIPESTATUS[0]}" -eq 0 ] || rc=1
result $rc "module loads again with default parameters and makes sockets"

# 14: nothing alarming in the kernel log over the whole test.
KMSG_MARK=$START_MARK
bad=$(kmsg_since | grep -E 'BUG:|WARNING:|KASAN|Oops|general protection|possible circular|refcount_t|list_(add|del) corruption|Call Trace')
rc=0
if [ -n "$bad" ]; then
	printf '%s\n' "$bad" | sed 's/^/# dmesg: /'
	rc=1
fi
result $rc "no BUG/WARNING/KASAN/Oops in dmesg during the test"

while [ "$TAP_NUM" -lt "$PLAN" ]; do
	fail "xtcp_module: case never ran (plan said $PLAN)"
done
echo "# Totals: pass:$((TAP_NUM - TAP_FAIL)) fail:$TAP_FAIL xfail:0 xpass:0 skip:0 error:0"
[ "$TAP_FAIL" -eq 0 ]
