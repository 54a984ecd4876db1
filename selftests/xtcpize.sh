#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tools/xtcpize: unmodified Debian programs run over XTCP, between the two
# namespaces of lib.sh (client 10.0.1.1 and fd00:1::1, server 10.0.1.2 and
# fd00:1::2), each end under `xtcpize run`:
#  - the socket API as libxtcpize.so presents it (xtcpize_probe.py: XTCP
#    sockets, AF_INET6 ones XTCP's own IPv6: ::1, dual-stack and v6-only
#    listeners, real IPv6 addresses; then, with socket(AF_INET6, ..., XTCP)
#    failing as where XTCP has no IPv6 (xtcpize_no6.py), the fallback: IPv6
#    address translation and its length rules, IPV6_V6ONLY, IPV6_TCLASS,
#    real IPv6 refused; dup/close of the per-fd flag);
#  - iperf3 -s and iperf3 -c with default options (no -B: the server listens
#    on a dual-stack AF_INET6 XTCP socket), TCP_INFO and TCP_CONGESTION
#    answered;
#  - iperf3 -6 -c fd00:1::2 with -N -M -C -w -S --snd-timeout -R: every
#    option accepted over IPv6;
#  - curl fetching XTCPIZE_BYTES of random data from python3 -m http.server
#    (default bind, 0.0.0.0 here; then --bind ::, one dual-stack AF_INET6
#    XTCP listener serving an IPv4 client, an IPv6 client on [fd00:1::2]
#    and an AF_INET6 client on [::ffff:10.0.1.2]), bytes compared by cmp;
#  - redis-server (bind "* -::*": an IPv4 and a v6-only AF_INET6 XTCP
#    listener) with redis-benchmark, and a 1 MiB random value SET over IPv4
#    and GET back over IPv6 byte for byte by redis-cli;
#  - each transfer went over XTCP: the server namespace's XTCP InSegs and
#    OutSegs grew by at least XTCPIZE_MIN_SEGS while its TCP InSegs and
#    OutSegs (/proc/net/snmp, IPv4 and IPv6) grew by at most 10;
#  - refusals: a static program (busybox) is refused (exit 126); without the
#    module (/sys/module hidden by a tmpfs in a private mount namespace)
#    sockets fail with EPROTONOSUPPORT and a message, and XTCPIZE_FALLBACK=1
#    runs over TCP instead; with XTCPIZE_TRANSLATE6=1, connect to a real
#    IPv6 address fails with ENETUNREACH, said by the library (XTCPIZE_DEBUG).
#
# XTCP_XTCPIZE_BYTES     size of the http.server file (default 8M, 4M in
#                        the debug guest)
# XTCP_XTCPIZE_BYPASS=1  run the programs WITHOUT xtcpize, to show that the
#                        checks fail when xtcpize does not do its job

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

XTCPIZE_BYTES=$(pick_size "${XTCP_XTCPIZE_BYTES:-}" 8M 4M)
XTCPIZE_MIN_SEGS=100
TCP_MAX_SEGS=10

xtcp_lib_init 22 "unmodified iperf3, curl/http.server and redis over XTCP with tools/xtcpize"

[ "$XTCP_TEST_PROTO" = xtcp ] || tap_skip_rest "xtcpize is about XTCP"

TOOLS=$(cd "$(dirname "$0")/../tools" && pwd)
XTCPIZE=$TOOLS/xtcpize
if [ ! -x "$XTCPIZE" ] || [ ! -f "$TOOLS/libxtcpize.so" ]; then
	tap_skip_rest "no $XTCPIZE or libxtcpize.so: make -C tools"
fi
for p in iperf3 curl python3 redis-server redis-cli redis-benchmark busybox; do
	command -v "$p" >/dev/null || tap_skip_rest "no $p: scripts/setup.sh installs it"
done
PROTO=$(cat /sys/module/xtcp/parameters/ipproto)
setup_ipv6 || tap_skip_rest "cannot add IPv6 addresses"
# The debug line of an AF_INET6 socket that is XTCP's own IPv6 socket.
NATIVE6='socket(AF_INET6, SOCK_STREAM.*: AF_INET6 XTCP'

# xz NS CMD...: CMD in NS under xtcpize (or bare with XTCP_XTCPIZE_BYPASS).
xz() {
	local ns=$1

	shift
	if [ -n "${XTCP_XTCPIZE_BYPASS:-}" ]; then
		ip netns exec "$ns" "$@"
	else
		ip netns exec "$ns" "$XTCPIZE" run "$@"
	fi
}

# bg TAG NS CMD...: like xz, in the background, output in $TMPD/TAG.log.
# BGPID is CMD's own PID (ip netns exec and xtcpize exec it), so that
# cleanup's kill reaches the server, not a subshell.
BGPID=
bg() {
	local tag=$1 ns=$2 run=()

	shift 2
	[ -n "${XTCP_XTCPIZE_BYPASS:-}" ] || run=("$XTCPIZE" run)
	ip netns exec "$ns" "${run[@]}" "$@" >"$TMPD/$tag.log" 2>&1 </dev/null &
	BGPID=$!
	BG_PIDS+=("$BGPID")
}

# finish PID SECS: its exit status, killing it after SECS seconds.
finish() {
	local i

	for ((i = 0; i < $2 * 10 * XTCP_TIME_SCALE; i++)); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	kill "$1" 2>/dev/null
	wait "$1"
}

# tcp_snmp NS NAME: the kernel TCP's counter of /proc/net/snmp in NS.
tcp_snmp() { XTCP_TEST_PROTO=tcp counter "$1" "$2"; }

# segs NS: "XTCP-in XTCP-out TCP-in TCP-out" segment counters of NS.
segs() {
	echo "$(counter "$1" InSegs) $(counter "$1" OutSegs)" \
	     "$(tcp_snmp "$1" InSegs) $(tcp_snmp "$1" OutSegs)"
}

# over_xtcp DESC BEFORE: TAP case "DESC went over XTCP", from the server
# namespace's counters now and BEFORE (a segs line).
over_xtcp() {
	local desc=$1 xi xo ti to now

	read -r xi xo ti to <<<"$2"
	now=$(segs "$NS_S")
	read -r -a now <<<"$now"
	xi=$((${now[0]:-0} - ${xi:-0}))
	xo=$((${now[1]:-0} - ${xo:-0}))
	ti=$((now[2] - ti))
	to=$((now[3] - to))
	info "$desc: server namespace deltas: XTCP InSegs $xi OutSegs $xo, TCP InSegs $ti OutSegs $to"
	if [ "$xi" -ge "$XTCPIZE_MIN_SEGS" ] && [ "$xo" -ge "$XTCPIZE_MIN_SEGS" ] &&
	   [ "$ti" -le "$TCP_MAX_SEGS" ] && [ "$to" -le "$TCP_MAX_SEGS" ]; then
		tap_ok "$desc went over XTCP (XTCP segments >= $XTCPIZE_MIN_SEGS each way, TCP <= $TCP_MAX_SEGS)"
	else
		tap_fail "$desc went over XTCP (XTCP segments >= $XTCPIZE_MIN_SEGS each way, TCP <= $TCP_MAX_SEGS)"
	fi
}

# --- 1. the socket API ---------------------------------------------------------

# probe MODE DESC [WRAPPER...]: xtcpize_probe.py in MODE (native or
# translate), run by WRAPPER under xtcpize.
probe() {
	local mode=$1 desc=$2 log=$TMPD/probe-$1.log rc=0

	shift 2
	xz "$NS_S" "$@" "$XTCP_SELFTESTS/xtcpize_probe.py" "$PROTO" "$mode" >"$log" 2>&1 || rc=$?
	if [ "$rc" = 0 ] && { [ "$mode" = native ] || grep -q 'XTCP has no IPv6 here' "$log"; }; then
		info "$mode: $(grep -c '^ok' "$log") API checks passed"
		tap_ok "$desc"
	elif [ "$rc" = "$KSFT_SKIP" ]; then
		tap_skip "$desc" "$(tail -1 "$log")"
	else
		show_log "$log"
		tap_fail "$desc"
	fi
}
probe native "socket API under xtcpize: XTCP sockets, native IPv6 (::1, dual-stack, v6-only), options, dup/close"
# XTCP without IPv6 (module built without it, ipv6.disable=1): a seccomp
# filter fails socket(AF_INET6, ..., XTCP) with EAFNOSUPPORT.
XTCPIZE_DEBUG=1 probe translate \
	"socket API where XTCP has no IPv6: AF_INET6 sockets translated to IPv4 XTCP, options, dup/close" \
	"$XTCP_SELFTESTS/xtcpize_no6.py" "$PROTO"

# --- 2. iperf3, default options ------------------------------------------------

# The sender's XTCP congestion control: reno, so that iperf3 reporting it
# shows XTCP answered TCP_CONGESTION (the kernel's TCP would say cubic).
ip netns exec "$NS_C" sh -c 'echo reno >/proc/sys/net/xtcp/congestion_control' ||
	info "cannot set net.xtcp.congestion_control in $NS_C"
before=$(segs "$NS_S")
export XTCPIZE_DEBUG=1
bg iperf3-s "$NS_S" iperf3 -s -1 -p 5201 --forceflush
unset XTCPIZE_DEBUG
srv=$BGPID
rc=0
if wait_log "$TMPD/iperf3-s.log" "Server listening" "$srv"; then
	xz "$NS_C" iperf3 -c "$SERVER_IP" -p 5201 -t 3 -J >"$TMPD/iperf3.json" 2>"$TMPD/iperf3-c.err" || rc=$?
fi
finish "$srv" 10 || rc=1
# shellcheck disable=SC2016
read -r mbps cc cwnd <<<"$(python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
print("%.0f" % (j["end"]["sum_received"]["bits_per_second"] / 1e6),
      j["end"].get("sender_tcp_congestion") or "-",
      max(i["streams"][0].get("snd_cwnd", 0) for i in j["intervals"]))' "$TMPD/iperf3.json" 2>/dev/null)"
info "iperf3: $mbps Mbit/s received, sender congestion control $cc, largest snd_cwnd $cwnd bytes"
if [ "$rc" -eq 0 ] && [ "${mbps:-0}" -gt 0 ] &&
   grep -q "$NATIVE6" "$TMPD/iperf3-s.log"; then
	tap_ok "iperf3 -s (dual-stack AF_INET6 XTCP listener) and iperf3 -c, default options: ${mbps} Mbit/s"
else
	show_log "$TMPD/iperf3-s.log"
	show_log "$TMPD/iperf3-c.err"
	head -c 2000 "$TMPD/iperf3.json" | show_log /dev/stdin
	tap_fail "iperf3 -s (dual-stack AF_INET6 XTCP listener) and iperf3 -c, default options"
fi
if [ "$cc" = reno ] && [ "${cwnd:-0}" -gt 0 ]; then
	tap_ok "iperf3's TCP_CONGESTION ($cc) and TCP_INFO (snd_cwnd $cwnd) answered by XTCP"
else
	tap_fail "iperf3's TCP_CONGESTION ($cc) and TCP_INFO (snd_cwnd $cwnd) answered by XTCP"
fi
over_xtcp "iperf3" "$before"

# The options iperf3 turns into socket options: TCP_NODELAY (-N),
# TCP_MAXSEG (-M), TCP_CONGESTION (-C), SO_SNDBUF/SO_RCVBUF (-w), IP_TOS
# (-S: IPV6_TCLASS here), TCP_USER_TIMEOUT (--snd-timeout), the server
# sending (-R); over IPv6 (-6), XTCP's own AF_INET6 sockets at both ends.
iperf_opts=(-N -M 1200 -C cubic -w 128K -S 16 --snd-timeout 10000 -R)
before=$(segs "$NS_S")
bg iperf3-s2 "$NS_S" iperf3 -s -1 -p 5202 --forceflush
srv=$BGPID
rc=0
if wait_log "$TMPD/iperf3-s2.log" "Server listening" "$srv"; then
	xz "$NS_C" iperf3 -6 -c "$SERVER_IP6" -p 5202 -t 2 "${iperf_opts[@]}" \
		>"$TMPD/iperf3-c2.log" 2>&1 || rc=$?
fi
finish "$srv" 10 || rc=1
if [ "$rc" -eq 0 ] && grep -q 'receiver$' "$TMPD/iperf3-c2.log" &&
   ! grep -qi 'error\|unable' "$TMPD/iperf3-c2.log" "$TMPD/iperf3-s2.log"; then
	info "iperf3 ${iperf_opts[*]}: $(grep 'receiver$' "$TMPD/iperf3-c2.log" | tr -s ' ')"
	tap_ok "iperf3 -6 -c $SERVER_IP6 ${iperf_opts[*]}: every option accepted"
else
	show_log "$TMPD/iperf3-c2.log"
	show_log "$TMPD/iperf3-s2.log"
	tap_fail "iperf3 -6 -c $SERVER_IP6 ${iperf_opts[*]}: every option accepted"
fi
over_xtcp "iperf3 -6" "$before"

# --- 3. curl and python3 -m http.server ------------------------------------------

mkdir -p "$TMPD/www"
head -c "$XTCPIZE_BYTES" /dev/urandom >"$TMPD/www/data.bin"

# http_case TAG PORT V6 HOSTS SERVER-ARGS...: http.server on PORT, curl
# fetching from each URL host of HOSTS (space-separated) in turn, each a
# bytes case and an over-XTCP case. V6=1: the server's listener must be an
# AF_INET6 XTCP socket, and so must the client's socket for a [host].
http_case() {
	local tag=$1 port=$2 v6=$3 hosts=$4 ok host n=0 desc srv t0

	shift 4
	export XTCPIZE_DEBUG=1
	bg "$tag-s" "$NS_S" python3 -u -m http.server "$port" --directory "$TMPD/www" "$@"
	unset XTCPIZE_DEBUG
	srv=$BGPID
	wait_log "$TMPD/$tag-s.log" "Serving HTTP" "$srv" &&
		info "$(grep 'Serving HTTP' "$TMPD/$tag-s.log")"
	for host in $hosts; do
		n=$((n + 1))
		ok=1
		before=$(segs "$NS_S")
		rm -f "$TMPD/$tag.out"
		t0=${EPOCHREALTIME/./}
		XTCPIZE_DEBUG=1 xz "$NS_C" curl -g -sS --max-time "$(tmo 120)" \
			-o "$TMPD/$tag.out" "http://$host:$port/data.bin" \
			2>"$TMPD/$tag-c$n.err" || ok=0
		info "curl http://$host:$port/: $(((${EPOCHREALTIME/./} - t0) / 1000)) ms"
		cmp "$TMPD/www/data.bin" "$TMPD/$tag.out" || ok=0
		desc="curl http://$host:$port/ from http.server $*: $XTCPIZE_BYTES bytes identical"
		if [ "$v6" = 1 ]; then
			desc+=", dual-stack AF_INET6 XTCP listener"
			grep -q "$NATIVE6" "$TMPD/$tag-s.log" || ok=0
		fi
		if [[ $host == \[* ]]; then
			desc+=", AF_INET6 XTCP client"
			grep -q "$NATIVE6" "$TMPD/$tag-c$n.err" || ok=0
		fi
		if [ "$ok" = 1 ]; then
			tap_ok "$desc"
		else
			show_log "$TMPD/$tag-s.log"
			show_log "$TMPD/$tag-c$n.err"
			tap_fail "$desc"
		fi
		over_xtcp "curl http://$host:$port/ from http.server $*" "$before"
	done
	kill "$srv" 2>/dev/null
	wait "$srv" 2>/dev/null
}

# By default http.server binds the first address getaddrinfo(AI_PASSIVE)
# gives, 0.0.0.0 on Debian 12; --bind :: makes it dual-stack: one listener
# for an IPv4 client, an IPv6 one, and an AF_INET6 one on a v4-mapped address.
http_case http 8000 0 "$SERVER_IP"
http_case http6 8001 1 "$SERVER_IP [$SERVER_IP6] [::ffff:$SERVER_IP]" --bind ::

# --- 4. redis ------------------------------------------------------------------

before=$(segs "$NS_S")
export XTCPIZE_DEBUG=1
bg redis "$NS_S" redis-server --port 6379 --bind '* -::*' --save '' \
	--appendonly no --protected-mode no --daemonize no --dir "$TMPD"
unset XTCPIZE_DEBUG
srv=$BGPID
ok=1
if wait_log "$TMPD/redis.log" "Ready to accept connections" "$srv"; then
	xz "$NS_C" redis-benchmark -h "$SERVER_IP" -p 6379 -q -n 20000 -c 10 \
		-t set,get >"$TMPD/bench.log" 2>&1 || ok=0
	tr '\r' '\n' <"$TMPD/bench.log" | grep 'requests per second' |
		sed 's/^ */redis-benchmark: /' | show_log /dev/stdin
	[ "$(tr '\r' '\n' <"$TMPD/bench.log" | grep -cE '^(SET|GET): [0-9.]+ requests per second')" = 2 ] ||
		ok=0
else
	ok=0
fi
if [ "$ok" = 1 ] && grep -q "$NATIVE6" "$TMPD/redis.log" &&
   ! grep -q 'refused' "$TMPD/redis.log"; then
	tap_ok "redis-server (IPv4 and v6-only AF_INET6 XTCP listeners) and redis-benchmark SET/GET"
else
	show_log "$TMPD/redis.log"
	show_log "$TMPD/bench.log"
	tap_fail "redis-server (IPv4 and v6-only AF_INET6 XTCP listeners) and redis-benchmark SET/GET"
fi
head -c 1048576 /dev/urandom >"$TMPD/val.bin"
ok=1
xz "$NS_C" redis-cli -h "$SERVER_IP" -p 6379 -x SET key <"$TMPD/val.bin" >"$TMPD/set.log" 2>&1 || ok=0
xz "$NS_C" redis-cli -h "$SERVER_IP6" -p 6379 --raw GET key 2>"$TMPD/get.err" |
	head -c -1 >"$TMPD/val.out"
if [ "$ok" = 1 ] && cmp "$TMPD/val.bin" "$TMPD/val.out"; then
	tap_ok "redis-cli SET over IPv4 then GET over IPv6 of a 1 MiB random value: identical"
else
	show_log "$TMPD/set.log"
	show_log "$TMPD/get.err"
	tap_fail "redis-cli SET over IPv4 then GET over IPv6 of a 1 MiB random value: identical"
fi
xz "$NS_C" redis-cli -h "$SERVER_IP" -p 6379 shutdown nosave >/dev/null 2>&1
kill "$srv" 2>/dev/null
wait "$srv" 2>/dev/null
over_xtcp "redis" "$before"

# --- 5. refusals -----------------------------------------------------------------

# A static program: LD_PRELOAD cannot reach it, so xtcpize must refuse.
rc=0
out=$(xz "$NS_C" busybox wget -q -O /dev/null "http://$SERVER_IP:1/" 2>&1) || rc=$?
info "static: exit $rc: $out"
if [ "$rc" = 126 ] && [[ $out == *"statically linked"* ]]; then
	tap_ok "a statically linked program is refused (exit 126, says why)"
else
	tap_fail "a statically linked program is refused (exit 126, says why)"
fi

# Without the module: /sys/module hidden in a private mount namespace.
export XTCPIZE_DEBUG=1
bg nomod-s "$NS_S" python3 -u -m http.server 8002 --directory "$TMPD/www"
unset XTCPIZE_DEBUG
srv=$BGPID
wait_log "$TMPD/nomod-s.log" "Serving HTTP" "$srv" >/dev/null
nomod() {
	ip netns exec "$NS_C" unshare -m sh -c 'mount -t tmpfs none /sys/module && exec "$@"' \
		nomod env "$@"
}
rc=0
if [ -n "${XTCP_XTCPIZE_BYPASS:-}" ]; then
	nomod curl -sS -o /dev/null "http://$SERVER_IP:8002/data.bin" >"$TMPD/nomod.err" 2>&1 || rc=$?
else
	nomod "$XTCPIZE" run curl -sS -o /dev/null "http://$SERVER_IP:8002/data.bin" \
		>"$TMPD/nomod.err" 2>&1 || rc=$?
fi
show_log "$TMPD/nomod.err"
if [ "$rc" -ne 0 ] && grep -q 'xtcp module is not loaded.*EPROTONOSUPPORT' "$TMPD/nomod.err"; then
	tap_ok "without the module: TCP sockets fail (EPROTONOSUPPORT) with a clear message"
else
	tap_fail "without the module: TCP sockets fail (EPROTONOSUPPORT) with a clear message"
fi
rc=0
ao=$(tcp_snmp "$NS_C" ActiveOpens)
if [ -n "${XTCP_XTCPIZE_BYPASS:-}" ]; then
	nomod curl -sS -o "$TMPD/fb.out" "http://$SERVER_IP:8002/data.bin" >"$TMPD/fb.err" 2>&1 || rc=$?
else
	nomod XTCPIZE_FALLBACK=1 "$XTCPIZE" run curl -sS -o "$TMPD/fb.out" \
		"http://$SERVER_IP:8002/data.bin" >"$TMPD/fb.err" 2>&1 || rc=$?
fi
show_log "$TMPD/fb.err"
# The server side is still XTCP: the fallback client's TCP SYN meets no
# TCP listener, so the fetch is refused; what matters is that it was TCP.
ao=$(($(tcp_snmp "$NS_C" ActiveOpens) - ao))
info "fallback: exit $rc, TCP ActiveOpens in the client namespace +$ao"
if grep -q 'XTCPIZE_FALLBACK=1, so TCP sockets stay TCP' "$TMPD/fb.err" &&
   [ "$rc" -ne 0 ] && [ "$ao" -ge 1 ]; then
	tap_ok "XTCPIZE_FALLBACK=1 without the module: a warning, then plain TCP (refused by the XTCP-only server)"
else
	tap_fail "XTCPIZE_FALLBACK=1 without the module: a warning, then plain TCP (refused by the XTCP-only server)"
fi
kill "$srv" 2>/dev/null
wait "$srv" 2>/dev/null

# The fallback for a module without IPv6, forced: real IPv6 is refused by
# the library, clearly.
rc=0
export XTCPIZE_DEBUG=1 XTCPIZE_TRANSLATE6=1
xz "$NS_C" curl -sS --max-time 10 -o /dev/null "http://[$SERVER_IP6]:80/" \
	>"$TMPD/v6.err" 2>&1 || rc=$?
unset XTCPIZE_DEBUG XTCPIZE_TRANSLATE6
show_log "$TMPD/v6.err"
if [ "$rc" -ne 0 ] && grep -q 'connect(fd .*fd00:0001.*refused, errno 101' "$TMPD/v6.err"; then
	tap_ok "XTCPIZE_TRANSLATE6=1, connect to a real IPv6 address: ENETUNREACH from xtcpize"
else
	tap_fail "XTCPIZE_TRANSLATE6=1, connect to a real IPv6 address: ENETUNREACH from xtcpize"
fi

tap_finish
