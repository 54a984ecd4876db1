#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the XTCP scenario scripts. Sourced, not run.
#
# Topology: two fresh network namespaces joined by one veth pair,
#
#   $NS_C (client)  veth-c 10.0.1.1/24 <----> 10.0.1.2/24 veth-s  $NS_S (server)
#
# Environment:
#   XTCP_TEST_PROTO  xtcp (default) or tcp: run the same scenario over the
#                    kernel's TCP to validate the test itself
#   XTCP_GUEST       stock (default) or debug: debug picks smaller transfers
#                    and longer timeouts (KASAN guests are ~5x slower)
#   XTCP_TEST_SEED   replay a run: seeds $RANDOM, hence every netem value and
#                    the data generator's seed
#   XTCP_TIME_SCALE  multiply every timeout (default 1, 5 in the debug guest)
#   XTCP_KEEP_LOGS   keep the temp dir with the tools' logs
#
# Sizes each script reads are listed in its header (XTCP_*_BYTES etc.).

readonly KSFT_PASS=0
readonly KSFT_FAIL=1
readonly KSFT_SKIP=4

XTCP_SELFTESTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
XFER=$XTCP_SELFTESTS/xtcp_xfer

XTCP_TEST_PROTO=${XTCP_TEST_PROTO:-xtcp}
XTCP_GUEST=${XTCP_GUEST:-stock}
if [ "$XTCP_GUEST" = debug ]; then
	XTCP_TIME_SCALE=${XTCP_TIME_SCALE:-5}
else
	XTCP_TIME_SCALE=${XTCP_TIME_SCALE:-1}
fi
XTCP_TEST_SEED=${XTCP_TEST_SEED:-$((SRANDOM % 32768))}
RANDOM=$XTCP_TEST_SEED

# Protocol each end uses: xtcp opens socket(AF_XTCP, SOCK_STREAM, 0).
# A script may set XFER_PROTO_C=xtcp-inet to exercise the AF_INET form.
XFER_PROTO_S=$XTCP_TEST_PROTO
XFER_PROTO_C=$XTCP_TEST_PROTO

# XTCP_FAMILY=6 runs a script's transfers over IPv6 on the same veth pair
# (the *6.sh wrappers): -p xtcp is then an AF_XTCP socket given IPv6
# addresses, xtcp-inet socket(AF_INET6, SOCK_STREAM, IPPROTO_XTCP), tcp
# AF_INET6 (xfer_proto).
XP=
XTCP_FAMILY=${XTCP_FAMILY:-4}
CLIENT_IP4=10.0.1.1
SERVER_IP4=10.0.1.2
CLIENT_IP6=fd00:1::1
SERVER_IP6=fd00:1::2
if [ "$XTCP_FAMILY" = 6 ]; then
	CLIENT_IP=$CLIENT_IP6
	SERVER_IP=$SERVER_IP6
else
	CLIENT_IP=$CLIENT_IP4
	SERVER_IP=$SERVER_IP4
fi
NS_C=
NS_S=
TMPD=
SRV_PID=
BG_PIDS=()
TEST_NAME=$(basename "$0" .sh)

TAP_NUM=0
TAP_PLAN=0
TAP_PASS=0
TAP_FAIL=0
TAP_SKIP=0

# --- output ------------------------------------------------------------------

# Comment lines carry the seconds since the script started, so a log shows
# where a slow run spent its time.
info() { printf '# [%ds] %s\n' "$SECONDS" "$*"; }

# Prefix a file's lines as TAP comments; /dev/stdin (a pipe, which test
# -s takes for empty) is always read.
show_log() {
	if [ "$1" = /dev/stdin ] || [ -s "$1" ]; then
		sed -e 's/^/# /' "$1"
	fi
	return 0
}

tap_plan() {
	TAP_PLAN=$1
	echo "TAP version 13"
	echo "1..$TAP_PLAN"
}

tap_ok() {
	TAP_NUM=$((TAP_NUM + 1))
	TAP_PASS=$((TAP_PASS + 1))
	echo "ok $TAP_NUM $*"
}

tap_fail() {
	TAP_NUM=$((TAP_NUM + 1))
	TAP_FAIL=$((TAP_FAIL + 1))
	echo "not ok $TAP_NUM $*"
}

# tap_skip DESCRIPTION REASON
tap_skip() {
	TAP_NUM=$((TAP_NUM + 1))
	TAP_SKIP=$((TAP_SKIP + 1))
	echo "ok $TAP_NUM $1 # SKIP $2"
}

# tap_result RC DESCRIPTION: 0 ok, 4 skip, anything else not ok.
tap_result() {
	local rc=$1

	shift
	case $rc in
	0) tap_ok "$*" ;;
	"$KSFT_SKIP") tap_skip "$*" "protocol not available" ;;
	*) tap_fail "$*" ;;
	esac
}

# Skip every case not reported yet, then exit.
tap_skip_rest() {
	local reason=$1

	while [ "$TAP_NUM" -lt "$TAP_PLAN" ]; do
		tap_skip "$TEST_NAME" "$reason"
	done
	tap_finish
}

tap_finish() {
	while [ "$TAP_NUM" -lt "$TAP_PLAN" ]; do
		tap_fail "$TEST_NAME: case never ran (plan said $TAP_PLAN)"
	done
	info "$TEST_NAME: ${SECONDS} s"
	echo "# Totals: pass:$TAP_PASS fail:$TAP_FAIL xfail:0 xpass:0 skip:$TAP_SKIP error:0"
	if [ "$TAP_FAIL" -gt 0 ]; then
		exit "$KSFT_FAIL"
	elif [ "$TAP_PASS" -eq 0 ] && [ "$TAP_SKIP" -gt 0 ]; then
		exit "$KSFT_SKIP"
	fi
	exit "$KSFT_PASS"
}

# --- random values and sizes ----------------------------------------------------

# rand_range MIN MAX: RAND = uniform integer in [MIN, MAX]. Sets a global
# rather than printing because $(...) would reseed $RANDOM in the subshell.
RAND=0
rand_range() {
	# shellcheck disable=SC2034	# read by the scripts
	RAND=$(($1 + RANDOM % ($2 - $1 + 1)))
}

# pick_size "$CURRENT" STOCK DEBUG: CURRENT when set (from the environment),
# else STOCK or DEBUG depending on $XTCP_GUEST.
pick_size() {
	if [ -n "$1" ]; then
		echo "$1"
	elif [ "$XTCP_GUEST" = debug ]; then
		echo "$3"
	else
		echo "$2"
	fi
}

# Scale a timeout in seconds by $XTCP_TIME_SCALE.
tmo() { echo $(($1 * XTCP_TIME_SCALE)); }

now_ms() { date +%s%3N; }

# secs_since START_MS
secs_since() {
	local d=$(($(now_ms) - $1))

	printf '%d.%03d' $((d / 1000)) $((d % 1000))
}

# --- setup and cleanup ------------------------------------------------------------

INTERRUPTED=
cleanup() {
	local pid f

	# timeout(1) signals us twice (the child, then its process group):
	# do not let a second signal cut the cleanup short.
	trap '' INT TERM

	for pid in "${BG_PIDS[@]}"; do
		kill "$pid" 2>/dev/null
	done
	for pid in "${BG_PIDS[@]}"; do
		wait "$pid" 2>/dev/null
	done
	# Killed (by the runner's timeout, say): show what the tools said,
	# including the progress they print when they get SIGTERM.
	if [ -n "$INTERRUPTED" ] && [ -n "$TMPD" ]; then
		for f in "$TMPD"/*.server "$TMPD"/*.client; do
			[ -s "$f" ] || continue
			info "--- ${f##*/}"
			show_log "$f"
		done
	fi
	[ -n "$NS_C" ] && ip netns del "$NS_C" 2>/dev/null
	[ -n "$NS_S" ] && ip netns del "$NS_S" 2>/dev/null
	[ -n "$NS_R" ] && ip netns del "$NS_R" 2>/dev/null
	if [ -n "$TMPD" ] && [ -d "$TMPD" ]; then
		if [ -n "${XTCP_KEEP_LOGS:-}" ]; then
			info "logs kept in $TMPD"
		else
			rm -rf "$TMPD"
		fi
	fi
}

on_signal() {
	trap '' INT TERM
	INTERRUPTED=1
	info "interrupted"
	exit "$KSFT_FAIL"	# runs the EXIT trap
}

# xtcp_lib_init PLAN DESCRIPTION: TAP header, prerequisites, namespaces.
# Exits with KSFT_SKIP (all cases skipped) when something is missing.
xtcp_lib_init() {
	tap_plan "$1"
	info "$TEST_NAME: $2"
	info "proto=$XTCP_TEST_PROTO family=IPv$XTCP_FAMILY guest=$XTCP_GUEST time-scale=$XTCP_TIME_SCALE seed=$XTCP_TEST_SEED (replay: XTCP_TEST_SEED=$XTCP_TEST_SEED XTCP_TEST_PROTO=$XTCP_TEST_PROTO XTCP_FAMILY=$XTCP_FAMILY)"

	trap cleanup EXIT
	trap on_signal INT TERM

	if [ "$(id -u)" -ne 0 ]; then
		tap_skip_rest "needs root"
	fi
	local tool
	for tool in ip tc; do
		command -v "$tool" >/dev/null || tap_skip_rest "no $tool"
	done
	if [ ! -x "$XFER" ]; then
		tap_skip_rest "no $XFER: build with make -C selftests"
	fi
	case $XTCP_TEST_PROTO in
	xtcp)
		[ -d /sys/module/xtcp ] || tap_skip_rest "xtcp module not loaded"
		;;
	tcp) ;;
	*)
		info "XTCP_TEST_PROTO must be xtcp or tcp"
		tap_skip_rest "bad XTCP_TEST_PROTO"
		;;
	esac

	TMPD=$(mktemp -d /tmp/xtcp-"$TEST_NAME".XXXXXX) ||
		tap_skip_rest "mktemp failed"
	setup_ns || tap_skip_rest "cannot create namespaces and veth"
}

# Fixed MAC addresses for the veth pair, so that the permanent neighbour
# entries need no lookup.
MAC_C=02:58:54:43:50:01
MAC_S=02:58:54:43:50:02

# setup_ns: the two namespaces and their veth pair, each with an anchor
# (ns_anchor). Three ip processes in all: in the debug guest every exec
# costs a second or more.
setup_ns() {
	local sfx

	printf -v sfx '%08x' $((SRANDOM))
	NS_C=xtcp-c-$sfx
	NS_S=xtcp-s-$sfx
	ip -batch - <<-EOF || return 1
		netns add $NS_C
		netns add $NS_S
		link add veth-c netns $NS_C address $MAC_C type veth peer name veth-s netns $NS_S address $MAC_S
	EOF
	veth_end "$NS_C" veth-c "$CLIENT_IP4" "$SERVER_IP4" "$MAC_S" &&
	veth_end "$NS_S" veth-s "$SERVER_IP4" "$CLIENT_IP4" "$MAC_C" &&
	ns_anchor "$NS_C" && ns_anchor "$NS_S" || return 1
	if [ "$XTCP_FAMILY" = 6 ]; then
		setup_ipv6 || return 1
	fi
	info "namespaces $NS_C ($CLIENT_IP veth-c) <-> $NS_S ($SERVER_IP veth-s)"
}

# veth_end NS DEV ADDR PEER PEER_MAC: address one end of the pair, up, with
# a permanent neighbour entry for the peer (when netem blackholes the link,
# ARP must not fail first: connect() would get EHOSTUNREACH, not ETIMEDOUT).
veth_end() {
	ip -n "$1" -batch - <<-EOF
		link set lo up
		addr add $3/24 dev $2
		link set $2 up
		neigh replace $4 lladdr $5 dev $2 nud permanent
	EOF
}

# ns_anchor NS: a sleeping process inside NS, so that counter() reads
# NS's /proc/net files as /proc/PID/net/... with no process to start. It
# holds the namespace: cleanup kills it (BG_PIDS) before deleting the
# namespace, and a test that deletes one itself uses ns_del.
declare -A NS_PID=()
ns_anchor() {
	local i

	ip netns exec "$1" sleep infinity </dev/null >/dev/null 2>&1 &
	NS_PID[$1]=$!
	BG_PIDS+=("$!")
	for ((i = 0; i < 100 * XTCP_TIME_SCALE; i++)); do
		[ "/proc/${NS_PID[$1]}/ns/net" -ef "/run/netns/$1" ] && return 0
		sleep 0.05
	done
	return 1
}

# ns_del NS: delete a namespace, after its anchor.
ns_del() {
	local pid=${NS_PID[$1]:-}

	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		unset "NS_PID[$1]"
	fi
	ip netns del "$1"
}

# router_topology: rebuild the link as client -- router -- server, a
# third namespace $NS_R forwarding between 10.0.1.0/24 (veth-c 10.0.1.1,
# veth-rc 10.0.1.254) and 10.0.2.0/24 (veth-rs 10.0.2.254, veth-s
# 10.0.2.2, the server's new address). cleanup deletes $NS_R. With
# XTCP_FAMILY=6 the same over IPv6 as well (router_ipv6): fd00:1::/64
# (the client keeps fd00:1::1, the router fd00:1::fe) and fd00:2::/64
# (fd00:2::fe, the server fd00:2::2); ROUTER_SERVER_IP is the server's
# new address in the family in use.
NS_R=
ROUTER_SERVER_IP6=fd00:2::2
# shellcheck disable=SC2034	# read by the scripts
if [ "$XTCP_FAMILY" = 6 ]; then
	ROUTER_SERVER_IP=$ROUTER_SERVER_IP6
else
	ROUTER_SERVER_IP=10.0.2.2
fi
router_topology() {
	NS_R=xtcp-r-${NS_C#xtcp-c-}
	ip netns add "$NS_R" &&
	ip -n "$NS_R" link set lo up &&
	ip -n "$NS_C" link del veth-c &&
	ip link add veth-c netns "$NS_C" type veth peer name veth-rc netns "$NS_R" &&
	ip link add veth-s netns "$NS_S" type veth peer name veth-rs netns "$NS_R" &&
	ip -n "$NS_C" addr add 10.0.1.1/24 dev veth-c &&
	ip -n "$NS_R" addr add 10.0.1.254/24 dev veth-rc &&
	ip -n "$NS_R" addr add 10.0.2.254/24 dev veth-rs &&
	ip -n "$NS_S" addr add 10.0.2.2/24 dev veth-s &&
	ip -n "$NS_C" link set veth-c up &&
	ip -n "$NS_R" link set veth-rc up &&
	ip -n "$NS_R" link set veth-rs up &&
	ip -n "$NS_S" link set veth-s up &&
	ip -n "$NS_C" route add default via 10.0.1.254 &&
	ip -n "$NS_S" route add default via 10.0.2.254 &&
	ip netns exec "$NS_R" sysctl -qw net.ipv4.ip_forward=1 || return 1
	if [ "$XTCP_FAMILY" = 6 ]; then
		router_ipv6 || return 1
	fi
}

# router_ipv6: the IPv6 half of router_topology (addresses without
# duplicate address detection, so usable at once; neighbours found by
# neighbour discovery, as the IPv4 ones by ARP).
router_ipv6() {
	ip -n "$NS_C" addr add "$CLIENT_IP6/64" dev veth-c nodad &&
	ip -n "$NS_R" addr add fd00:1::fe/64 dev veth-rc nodad &&
	ip -n "$NS_R" addr add fd00:2::fe/64 dev veth-rs nodad &&
	ip -n "$NS_S" addr add "$ROUTER_SERVER_IP6/64" dev veth-s nodad &&
	ip -n "$NS_C" -6 route add default via fd00:1::fe &&
	ip -n "$NS_S" -6 route add default via fd00:2::fe &&
	ip netns exec "$NS_R" sysctl -qw net.ipv6.conf.all.forwarding=1
}

# setup_ipv6: IPv6 on the veth pair too, CLIENT_IP6 and SERVER_IP6, with
# nodad (usable at once, no duplicate address detection delay) and permanent
# neighbour entries as for IPv4.
setup_ipv6() {
	local mac_c mac_s

	ip -n "$NS_C" addr add "$CLIENT_IP6/64" dev veth-c nodad &&
	ip -n "$NS_S" addr add "$SERVER_IP6/64" dev veth-s nodad || return 1
	mac_c=$(ip -n "$NS_C" -br link show veth-c | awk '{ print $3 }')
	mac_s=$(ip -n "$NS_S" -br link show veth-s | awk '{ print $3 }')
	ip -n "$NS_C" neigh replace "$SERVER_IP6" lladdr "$mac_s" dev veth-c nud permanent &&
	ip -n "$NS_S" neigh replace "$CLIENT_IP6" lladdr "$mac_c" dev veth-s nud permanent
}

# side_ns c|s, side_dev c|s
side_ns() { if [ "$1" = c ]; then echo "$NS_C"; else echo "$NS_S"; fi; }
side_dev() { if [ "$1" = c ]; then echo veth-c; else echo veth-s; fi; }

# --- netem ------------------------------------------------------------------------------

# netem_set c|s|both NETEM-ARGS...: egress of that end's veth.
netem_set() {
	local side=$1 s

	shift
	[ "$side" = both ] && side="c s"
	for s in $side; do
		info "netem on $(side_dev "$s") egress: $*"
		tc -n "$(side_ns "$s")" qdisc replace dev "$(side_dev "$s")" \
			root netem limit 100000 "$@" || return 1
	done
}

netem_clear() {
	local side=$1 s

	[ "$side" = both ] && side="c s"
	for s in $side; do
		tc -n "$(side_ns "$s")" qdisc del dev "$(side_dev "$s")" root \
			2>/dev/null
	done
	return 0
}

# Is netem usable at all? (CONFIG_NET_SCH_NETEM)
netem_available() {
	tc -n "$NS_C" qdisc replace dev veth-c root netem delay 0ms 2>/dev/null ||
		return 1
	netem_clear c
}

# Make every checksum real on the veth pair: the sender computes it (no
# CHECKSUM_PARTIAL offload) and the receiver verifies it (no RXCSUM, so veth
# does not mark packets CHECKSUM_UNNECESSARY). Needed for netem corrupt.
csum_offload_off() {
	command -v ethtool >/dev/null || return 1
	ip netns exec "$NS_C" ethtool -K veth-c rx off tx off >/dev/null 2>&1 &&
	ip netns exec "$NS_S" ethtool -K veth-s rx off tx off >/dev/null 2>&1
}

# No TSO/GSO on the veth pair: netem then acts on wire-sized packets, not
# on 64 KiB super-packets (a 2% loss of GSO packets loses almost nothing in
# a short transfer). Without ethtool the scenario still runs.
gso_off() {
	if ! command -v ethtool >/dev/null ||
	   ! ip netns exec "$NS_C" ethtool -K veth-c tso off gso off >/dev/null 2>&1 ||
	   ! ip netns exec "$NS_S" ethtool -K veth-s tso off gso off >/dev/null 2>&1; then
		info "could not turn TSO/GSO off: netem sees super-packets"
		return 0
	fi
	info "veth TSO/GSO off on both ends: netem sees every packet"
}

# set_retries NS NAME N: set a retransmission limit in one namespace.
# NAME is syn_retries, retries2 or rto_max_ms: net.ipv4.tcp_NAME for TCP,
# net.xtcp.NAME for XTCP. Fails when the knob does not exist.
set_retries() {
	local ns=$1 name=$2 n=$3 path

	if [ "$XTCP_TEST_PROTO" = tcp ]; then
		path=/proc/sys/net/ipv4/tcp_$name
	else
		path=/proc/sys/net/xtcp/$name
	fi
	ip netns exec "$ns" sh -c "test -w $path && echo $n > $path" ||
		return 1
	info "$path = $n in $ns"
}

# wait_log FILE PATTERN PID [TENTHS]: wait until FILE has PATTERN (at most
# TENTHS tenths of a second, default 30 s scaled); fails, showing FILE, if
# PID exits first or the pattern never comes.
wait_log() {
	local i n=${4:-$((300 * XTCP_TIME_SCALE))}

	for ((i = 0; i < n; i++)); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		kill -0 "$3" 2>/dev/null || break
		sleep 0.1
	done
	info "never saw '$2' in ${1##*/}"
	show_log "$1"
	return 1
}

# klog_mark: remember where the kernel log ends; klog_check DESC: TAP case
# "DESC": no kernel report (KASAN, lockdep, WARN, BUG, oops) since then,
# shown if there is one (check.sh scans the whole log again at the end).
KLOG_BAD='BUG:|WARNING:|Oops|general protection|KASAN|UBSAN|possible circular|possible recursive|inconsistent lock|RIP: |Call Trace'
KLOG_MARK=0
klog_mark() { KLOG_MARK=$(dmesg | wc -l); }
klog_check() {
	if dmesg | tail -n +"$((KLOG_MARK + 1))" | grep -E "$KLOG_BAD" \
		>"$TMPD/klog.bad"; then
		show_log "$TMPD/klog.bad"
		tap_fail "$1"
	else
		tap_ok "$1"
	fi
}

# dumpcap_wait LOG PID: wait (up to a minute) until the dumpcap writing
# LOG captures.
dumpcap_wait() {
	wait_log "$1" '^Capturing on' "$2" 600
}

# --- counters ---------------------------------------------------------------------------

# Names of /proc/net/xtcp_stat and where the kernel's TCP keeps its twin.
tcp_counter_source() {
	case $1 in
	ActiveOpens|PassiveOpens|AttemptFails|EstabResets|CurrEstab|InSegs|\
	OutSegs|RetransSegs|InErrs|OutRsts|InCsumErrors)
		echo "Tcp $1" ;;
	OfoQueued) echo "TcpExt TCPOFOQueue" ;;
	DupSegs) echo "TcpExt TCPDSACKOldSent" ;;
	KeepAliveProbes) echo "TcpExt TCPKeepAlive" ;;
	WinProbes) echo "TcpExt TCPWinProbe" ;;
	Timeouts) echo "TcpExt TCPTimeouts" ;;
	SpuriousRtxHostQueues) echo "TcpExt TCPSpuriousRtxHostQueues" ;;
	SpuriousRTOs) echo "TcpExt TCPSpuriousRTOs" ;;
	LossUndo) echo "TcpExt TCPLossUndo" ;;
	RcvPruned|PruneCalled) echo "TcpExt $1" ;;
	RcvCollapsed) echo "TcpExt TCPRcvCollapsed" ;;
	BacklogDrop) echo "TcpExt TCPBacklogDrop" ;;
	BacklogCoalesce) echo "TcpExt TCPBacklogCoalesce" ;;
	ListenOverflows|ListenDrops|SyncookiesSent|SyncookiesRecv|\
	SyncookiesFailed) echo "TcpExt $1" ;;
	TimeWaits) echo "ss time-wait" ;;
	*) echo "none" ;;
	esac
}

# snmp_field NS FILE SECTION NAME: field NAME of SECTION (Tcp, TcpExt,
# Icmp...) in FILE (/proc/net/snmp, /proc/net/netstat) of namespace NS: a
# header line of names, then one of values.
snmp_field() {
	# shellcheck disable=SC2016	# an awk program
	ip netns exec "$1" awk -v s="$3:" -v n="$4" '
		$1 == s && !h { for (i = 2; i <= NF; i++) f[$i] = i; h = 1; next }
		$1 == s && h { if (n in f) print $f[n]; exit }' "$2"
}

# counter NS NAME: print the counter's value, nothing when not available.
# proto xtcp: /proc/net/xtcp_stat ("Name value" lines) of that netns.
# proto tcp: the equivalent in /proc/net/snmp or /proc/net/netstat;
# TimeWaits is then the number of TIME-WAIT sockets now (a gauge).
counter() {
	local ns=$1 name=$2 where

	# shellcheck disable=SC2016	# awk programs
	if [ "$XTCP_TEST_PROTO" != tcp ]; then
		local pid=${NS_PID[$ns]:-} k v

		# Through the namespace's anchor, if it still lives there.
		if [ -n "$pid" ] && [ "/proc/$pid/ns/net" -ef "/run/netns/$ns" ]; then
			while read -r k v _; do
				[ "$k" = "$name" ] && { echo "$v"; break; }
			done <"/proc/$pid/net/xtcp_stat" 2>/dev/null
			return 0
		fi
		ip netns exec "$ns" awk -v n="$name" \
			'$1 == n { print $2; exit }' /proc/net/xtcp_stat 2>/dev/null
		return 0
	fi
	read -r -a where <<<"$(tcp_counter_source "$name")"
	case ${where[0]} in
	Tcp) snmp_field "$ns" /proc/net/snmp Tcp "${where[1]}" ;;
	TcpExt) snmp_field "$ns" /proc/net/netstat TcpExt "${where[1]}" ;;
	ss)
		ip netns exec "$ns" ss -Htan state time-wait | wc -l
		;;
	esac
	return 0
}

# snapshot c|s NAME...: remember counters of the client's or the server's
# namespace, for check_counter.
declare -A BEFORE=()
snapshot() {
	local side=$1 name

	shift
	for name in "$@"; do
		BEFORE[$side:$name]=$(counter "$(side_ns "$side")" "$name")
	done
}

# before c|s NAME: the value snapshot saved.
before() { echo "${BEFORE[$1:$2]:-}"; }

# check_counter DESC c|s NAME OP VALUE: TAP case "NAME grew by OP VALUE
# since the snapshot" (OP: -eq -ge -gt -le ...). Missing counter: skip
# over tcp, fail over xtcp. Returns 1 when the case failed.
check_counter() {
	local desc=$1 ns before=${BEFORE[$2:$3]:-} name=$3 op=$4 want=$5 now delta

	ns=$(side_ns "$2")

	now=$(counter "$ns" "$name")
	if [ -z "$now" ] || [ -z "$before" ]; then
		if [ "$XTCP_TEST_PROTO" = tcp ]; then
			tap_skip "$desc" "tcp has no counter for $name"
		elif ! ip netns exec "$ns" test -r /proc/net/xtcp_stat; then
			info "no /proc/net/xtcp_stat in $ns"
			tap_fail "$desc"
		else
			info "no $name in /proc/net/xtcp_stat"
			tap_fail "$desc"
		fi
		return 1
	fi
	delta=$((now - before))
	info "$name in $ns: $before -> $now (delta $delta, want $op $want)"
	if test "$delta" "$op" "$want"; then
		tap_ok "$desc"
	else
		tap_fail "$desc"
		return 1
	fi
}

# --- captures ----------------------------------------------------------------------------

# capture_start NS FILE DUMPCAP-ARGS...: dumpcap in NS writing FILE, in the
# background (CAPTURE_PID), until capture_stop or its own limit. Waits
# until it captures.
CAPTURE_PID=
capture_start() {
	local ns=$1 file=$2 i start

	shift 2
	start=$(now_ms)
	ip netns exec "$ns" dumpcap "$@" -w "$file" >"$file.log" 2>&1 </dev/null &
	CAPTURE_PID=$!
	BG_PIDS+=("$CAPTURE_PID")
	for ((i = 0; i < 600; i++)); do
		if grep -q '^Capturing on' "$file.log" 2>/dev/null; then
			info "dumpcap capturing after $(secs_since "$start") s"
			return 0
		fi
		kill -0 "$CAPTURE_PID" 2>/dev/null || break
		sleep 0.1
	done
	info "dumpcap did not start"
	show_log "$file.log"
	return 1
}

# dumpcap_stop PID: stop the dumpcap PID, which writes out its file and
# exits on SIGINT. A signal that comes while dumpcap is still opening its
# interfaces is lost (it sets its run flag only as the capture loop
# starts), so the signal is sent again each second, and SIGKILL ends it
# after ten.
dumpcap_stop() {
	local i

	for ((i = 0; i < 100; i++)); do
		((i % 10)) || kill -INT "$1" 2>/dev/null
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

capture_stop() {
	[ -z "$CAPTURE_PID" ] || dumpcap_stop "$CAPTURE_PID"
	CAPTURE_PID=
}

# --- running xtcp_xfer ------------------------------------------------------------------

# xfer_proto PROTO: XP = the xtcp_xfer -p name of PROTO for XTCP_FAMILY
# (no subshell: a fork costs seconds in the debug guest).
xfer_proto() {
	XP=$1
	[ "$XTCP_FAMILY" = 6 ] || return 0
	case $1 in
	xtcp-inet) XP=xtcp6 ;;
	tcp) XP=tcp6 ;;
	esac
}

# start_server TAG ARGS...: xtcp_xfer -l in $NS_S on $SERVER_IP:$PORT, in the
# background (SRV_PID), log in $TMPD/TAG.server. Waits until it listens.
start_server() {
	local tag=$1 ready i

	shift
	ready=$TMPD/$tag.ready
	rm -f "$ready"
	xfer_proto "$XFER_PROTO_S"
	info "server: xtcp_xfer -l -p $XP $* $SERVER_IP $PORT"
	ip netns exec "$NS_S" "$XFER" -l -p "$XP" -F "$ready" "$@" \
		"$SERVER_IP" "$PORT" >"$TMPD/$tag.server" 2>&1 &
	SRV_PID=$!
	BG_PIDS+=("$SRV_PID")
	for ((i = 0; i < 200 * XTCP_TIME_SCALE; i++)); do
		[ -s "$ready" ] && return 0
		kill -0 "$SRV_PID" 2>/dev/null || break
		sleep 0.05
	done
	info "server did not start listening"
	show_log "$TMPD/$tag.server"
	return 1
}

# wait_server [GRACE]: its exit status. With GRACE (seconds, given once
# the client has ended), a server still waiting then for a connection
# that will never come gets SIGTERM (it reports where it stood and
# fails) instead of running to its own -t timeout: in the debug guest
# that is tmo 600, the whole guest's budget, for one failure.
wait_server() {
	local rc=0 grace=${1:-} wd='' done_pid=''

	if [ -z "$grace" ]; then
		wait "$SRV_PID" || rc=$?
		return "$rc"
	fi
	# A plain sleep as the watchdog, stopped with SIGKILL: a child
	# signalled before its exec (or a subshell at any time) may still
	# run this shell's traps, and with them cleanup, which would delete
	# the namespaces under the test (seen: bash 5.2).
	sleep "$grace" >/dev/null 2>&1 &
	wd=$!
	wait -n -p done_pid "$SRV_PID" "$wd" || rc=$?
	if [ "$done_pid" != "$SRV_PID" ]; then
		info "server still running $grace s after the client ended: SIGTERM"
		kill -TERM "$SRV_PID" 2>/dev/null
		rc=0
		wait "$SRV_PID" || rc=$?
	else
		kill -KILL "$wd" 2>/dev/null
		wait "$wd" 2>/dev/null
	fi
	return "$rc"
}

# run_client TAG ARGS...: xtcp_xfer in $NS_C towards $SERVER_IP:$PORT,
# log in $TMPD/TAG.client; returns its exit status.
run_client() {
	local tag=$1 rc=0

	shift
	xfer_proto "$XFER_PROTO_C"
	info "client: xtcp_xfer -p $XP $* $SERVER_IP $PORT"
	ip netns exec "$NS_C" "$XFER" -p "$XP" "$@" \
		"$SERVER_IP" "$PORT" >"$TMPD/$tag.client" 2>&1 || rc=$?
	return "$rc"
}

# start_client TAG ARGS...: run_client in the background (CLI_PID).
start_client() {
	local tag=$1

	shift
	xfer_proto "$XFER_PROTO_C"
	info "client (background): xtcp_xfer -p $XP $* $SERVER_IP $PORT"
	ip netns exec "$NS_C" "$XFER" -p "$XP" "$@" \
		"$SERVER_IP" "$PORT" >"$TMPD/$tag.client" 2>&1 &
	CLI_PID=$!
	BG_PIDS+=("$CLI_PID")
}

# wait_counter NS NAME MIN SECS: wait until counter NAME reaches MIN.
# Fails after SECS, or at once when the counter does not exist.
wait_counter() {
	local ns=$1 name=$2 min=$3 secs=$4 v i

	for ((i = 0; i < secs * 20; i++)); do
		v=$(counter "$ns" "$name")
		[ -n "$v" ] || return 1
		[ "$v" -ge "$min" ] && return 0
		sleep 0.05
	done
	return 1
}

# xfer DESC "SERVER ARGS" "CLIENT ARGS": one transfer, one TAP case; ok
# when both ends exit 0. Uses and bumps $PORT. Sets XFER_RC (the worst).
PORT=${XTCP_TEST_PORT:-10000}
xfer() {
	local desc=$1 sargs cargs tag start crc=0 src=0

	read -r -a sargs <<<"$2"
	read -r -a cargs <<<"$3"
	PORT=$((PORT + 1))
	tag=x$PORT
	start=$(now_ms)
	if ! start_server "$tag" "${sargs[@]}"; then
		XFER_RC=$KSFT_FAIL
		wait_server
		[ $? -eq "$KSFT_SKIP" ] && XFER_RC=$KSFT_SKIP
		tap_result "$XFER_RC" "$desc"
		return
	fi
	run_client "$tag" "${cargs[@]}" || crc=$?
	wait_server "$(tmo 60)" || src=$?
	show_log "$TMPD/$tag.server"
	show_log "$TMPD/$tag.client"
	info "server exit $src, client exit $crc, $(secs_since "$start") s"
	if [ "$crc" -eq 0 ] && [ "$src" -eq 0 ]; then
		XFER_RC=0
	elif [ "$crc" -eq "$KSFT_SKIP" ] || [ "$src" -eq "$KSFT_SKIP" ]; then
		XFER_RC=$KSFT_SKIP
	else
		XFER_RC=$KSFT_FAIL
	fi
	tap_result "$XFER_RC" "$desc ($(secs_since "$start") s)"
}

# Human-readable byte count for descriptions.
hsize() {
	local b=$1

	if [ $((b % 1048576)) -eq 0 ]; then
		echo "$((b / 1048576)) MiB"
	elif [ $((b % 1024)) -eq 0 ]; then
		echo "$((b / 1024)) KiB"
	else
		echo "$b B"
	fi
}

# to_bytes 64M -> 67108864 (K/M/G suffixes, as xtcp_xfer takes them)
to_bytes() {
	local v=$1

	case $v in
	*[kK]) echo $((${v%?} * 1024)) ;;
	*[mM]) echo $((${v%?} * 1048576)) ;;
	*[gG]) echo $((${v%?} * 1073741824)) ;;
	*) echo "$v" ;;
	esac
}
