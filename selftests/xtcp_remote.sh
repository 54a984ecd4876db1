#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What a remote peer can do to XTCP's orphans, between two XTCP ends
# (issue 9, item 5):
# - a peer that never reads (tiny SO_RCVBUF) keeps its window shut and
#   answers every persist probe: the server's orphan still dies after
#   net.xtcp.orphan_retries (OrphanTimeouts), leaving no entry;
# - net.xtcp.max_orphans: closing more such connections than allowed resets
#   the extra orphans at once (TooManyOrphans), and the rest follow.
# With XTCP_FAMILY=6 (xtcp_remote6.sh) the helper's sockets are
# socket(AF_INET6, SOCK_STREAM, IPPROTO_XTCP) on the IPv6 addresses.

. "$(dirname "$0")/lib.sh"

xtcp_lib_init 5 "zero-window orphans, max_orphans"

[ "$XTCP_TEST_PROTO" = xtcp ] ||
	tap_skip_rest "orphan policy is XTCP's own"
command -v python3 >/dev/null || tap_skip_rest "no python3"

PROTO=$(cat /sys/module/xtcp/parameters/ipproto 2>/dev/null || echo 253)
export PROTO SERVER_IP CLIENT_IP

# py NS ROLE ARGS...: run the helper below in a namespace.
py() {
	local ns=$1

	shift
	ip netns exec "$ns" python3 - "$@" <<'PYEOF'
import os, socket, sys, time

PROTO = int(os.environ["PROTO"])
SIP, CIP = os.environ["SERVER_IP"], os.environ["CLIENT_IP"]
FAMILY = socket.AF_INET6 if ":" in SIP else socket.AF_INET
role, args = sys.argv[1], sys.argv[2:]


def sock(rcvbuf=0):
    s = socket.socket(FAMILY, socket.SOCK_STREAM, PROTO)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    return s


if role == "sink":
    # n connections that never read, with a tiny receive buffer.
    port, n, hold = int(args[0]), int(args[1]), float(args[2])
    conns = []
    for _ in range(n):
        s = sock(rcvbuf=1024)
        s.connect((SIP, port))
        conns.append(s)
    print("connected", flush=True)
    time.sleep(hold)
elif role == "stuffer":
    # accept n, fill each until the peer's window is shut, close them all.
    port, n = int(args[0]), int(args[1])
    ls = sock()
    ls.bind((SIP, port))
    ls.listen(n)
    print("listening", flush=True)
    conns = []
    for _ in range(n):
        c, _ = ls.accept()
        c.setblocking(False)
        conns.append(c)
    for c in conns:
        end = time.time() + 10
        while time.time() < end:
            try:
                c.send(b"x" * 4096)
            except BlockingIOError:
                time.sleep(0.3)     # data in flight: wait for the zero window
                try:
                    c.send(b"x" * 4096)
                except BlockingIOError:
                    break
    for c in conns:
        c.close()
    print("closed", flush=True)
    time.sleep(1)                   # the listener stays for the orphans
PYEOF
}

# ready FILE: until the helper that writes FILE says it listens (Python
# starts slowly, in the debug guest above all: a fixed sleep lost the race
# and left the server waiting in accept() for ever).
ready() {
	local i

	for ((i = 0; i < $(tmo 20) * 10; i++)); do
		grep -q listening "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	info "the server never listened: $(cat "$1" 2>/dev/null)"
	return 1
}

# reap PID: wait for a helper, at most $(tmo 60) seconds.
reap() {
	local i

	for ((i = 0; i < $(tmo 60) * 10; i++)); do
		kill -0 "$1" 2>/dev/null || { wait "$1"; return; }
		sleep 0.1
	done
	info "helper $1 still running: killed"
	kill "$1" 2>/dev/null
	return 1
}

# entries NS PORT: connection entries (no listener) for PORT.
entries() {
	ip netns exec "$1" cat /proc/net/xtcp | grep ":$2 " | grep -vc LISTEN
}

# wait_gone NS PORT SECS: until no connection entry for PORT is left.
wait_gone() {
	local i

	for ((i = 0; i < $3 * 10; i++)); do
		[ "$(entries "$1" "$2")" -eq 0 ] && return 0
		sleep 0.1
	done
	ip netns exec "$1" cat /proc/net/xtcp | show_log /dev/stdin
	return 1
}

# 1. One zero-window orphan: it probes, the sink answers, it still dies.
port=$PORT
ip netns exec "$NS_S" sysctl -qw net.xtcp.rto_min_ms=200 net.xtcp.rto_max_ms=1000 \
	net.xtcp.orphan_retries=3
snapshot s OrphanTimeouts WinProbes
py "$NS_S" stuffer "$port" 1 >"$TMPD/orphan.server" 2>&1 &
spid=$!
BG_PIDS+=("$spid")
ready "$TMPD/orphan.server"
py "$NS_C" sink "$port" 1 $(($(tmo 30) + 10)) >"$TMPD/orphan.client" 2>&1 &
BG_PIDS+=($!)
reap "$spid"
n=$(entries "$NS_S" "$port")
info "$n entries for port $port after the close"
# In a slow guest the orphan may be gone already: that it existed and
# timed out is what the two counter checks below prove.
if wait_gone "$NS_S" "$port" "$(tmo 30)"; then
	tap_ok "zero-window orphan gone after its retries"
else
	tap_fail "zero-window orphan gone after its retries"
fi
show_log "$TMPD/orphan.server"
check_counter "the orphan probed the shut window" s WinProbes -ge 2
check_counter "the orphan timed out (OrphanTimeouts)" s OrphanTimeouts -eq 1

# 2. max_orphans 1, three such orphans.
port=$((PORT + 1))
ip netns exec "$NS_S" sysctl -qw net.xtcp.max_orphans=1
snapshot s TooManyOrphans
py "$NS_S" stuffer "$port" 3 >"$TMPD/max.server" 2>&1 &
spid=$!
BG_PIDS+=("$spid")
ready "$TMPD/max.server"
py "$NS_C" sink "$port" 3 $(($(tmo 30) + 10)) >"$TMPD/max.client" 2>&1 &
BG_PIDS+=($!)
reap "$spid"
show_log "$TMPD/max.server"
check_counter "orphans beyond max_orphans reset at close (TooManyOrphans)" \
	s TooManyOrphans -ge 2
if wait_gone "$NS_S" "$port" "$(tmo 30)"; then
	tap_ok "no orphan left with max_orphans 1"
else
	tap_fail "no orphan left with max_orphans 1"
fi

tap_finish
