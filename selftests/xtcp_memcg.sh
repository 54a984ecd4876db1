#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Socket memory and the memory cgroup: a server in a child cgroup (v2, with
# the memory controller) listens; N clients each send 64 KiB before the
# server accepts, and close. The server then accepts every connection and
# closes it unread. inet_csk_accept() charges the accepting task's cgroup
# for what an accepted socket's queues hold; that charge must be returned
# when the queues are freed: the cgroup's memory.current and the "sock"
# line of memory.stat must come back to where they were before.
#
# Needs CONFIG_MEMCG (the stock guest has it; the debug kernel does not,
# and the test then skips). XTCP_FAMILY=6 (xtcp_memcg6.sh): IPv6 sockets.
#
# XTCP_MEMCG_CONNS  connections (default 300)
# XTCP_MEMCG_BYTES  bytes each client sends (default 64K)

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

XTCP_MEMCG_CONNS=$(pick_size "${XTCP_MEMCG_CONNS:-}" 300 100)
XTCP_MEMCG_BYTES=$(pick_size "${XTCP_MEMCG_BYTES:-}" 64K 64K)
xtcp_lib_init 4 "memory cgroup: accepted sockets' memory is uncharged"

if [ "$XTCP_TEST_PROTO" != xtcp ]; then
	tap_skip_rest "the peer speaks XTCP only"
fi
command -v python3 >/dev/null || tap_skip_rest "no python3"

n=$XTCP_MEMCG_CONNS
bytes=$(to_bytes "$XTCP_MEMCG_BYTES")
PEER=$XTCP_SELFTESTS/xtcp_memcg_peer.py
CG2=$TMPD/cg2
CG=
DIR=$TMPD/peer
mkdir -p "$CG2" "$DIR"

cg_cleanup() {
	touch "$DIR/exit" 2>/dev/null
	[ -n "$SRV_PID" ] && wait "$SRV_PID" 2>/dev/null
	[ -n "$CG" ] && rmdir "$CG" 2>/dev/null
	mountpoint -q "$CG2" && umount "$CG2"
	return 0
}
trap 'cg_cleanup; cleanup' EXIT

# As measured in the stock guest: a cgroup2 mount of our own, memory
# controller enabled for children.
mount -t cgroup2 none "$CG2" 2>/dev/null || tap_skip_rest "cannot mount cgroup2"
grep -qw memory "$CG2/cgroup.controllers" ||
	tap_skip_rest "no memory controller (CONFIG_MEMCG)"
echo +memory >"$CG2/cgroup.subtree_control" 2>/dev/null ||
	tap_skip_rest "cannot enable the memory controller"
CG=$CG2/xtcp-memcg-$$
mkdir "$CG" || tap_skip_rest "cannot create a cgroup"

sock_bytes() { awk '$1 == "sock" { print $2 }' "$CG/memory.stat"; }
current() { cat "$CG/memory.current"; }

PORT=$((PORT + 1))
info "server: $PEER server $SERVER_IP $PORT $n in cgroup ${CG#"$CG2"}"
# shellcheck disable=SC2016	# $$ is the inner shell's
ip netns exec "$NS_S" sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' \
	sh "$CG" python3 "$PEER" server "$SERVER_IP" "$PORT" "$n" "$DIR" \
	>"$TMPD/memcg.server" 2>&1 &
SRV_PID=$!
BG_PIDS+=("$SRV_PID")
for ((i = 0; i < 200 * XTCP_TIME_SCALE; i++)); do
	[ -e "$DIR/ready" ] && break
	sleep 0.05
done
[ -e "$DIR/ready" ] || { show_log "$TMPD/memcg.server"; tap_skip_rest "server did not start"; }

start=$(now_ms)
info "clients: $n x (connect, send $(hsize "$bytes"), close)"
rc=0
ip netns exec "$NS_C" timeout -k 10 "$(tmo 300)" python3 "$PEER" client \
	"$SERVER_IP" "$PORT" "$n" "$bytes" >"$TMPD/memcg.client" 2>&1 || rc=$?
show_log "$TMPD/memcg.client"
# Every byte and the FIN are in the unaccepted sockets once all of them are
# in CLOSE_WAIT with the whole transfer queued.
for ((end = SECONDS + $(tmo 60); SECONDS < end; )); do
	# shellcheck disable=SC2016	# awk program
	full=$(ip netns exec "$NS_S" awk -v b="$bytes" \
		'$3 == "CLOSE_WAIT" && $5 >= b { k++ } END { print k + 0 }' /proc/net/xtcp)
	[ "$full" -ge "$n" ] && break
	sleep 0.1
done
info "clients exit $rc; $full of $n unaccepted connections hold $(hsize "$bytes") and the FIN ($(secs_since "$start") s)"

cur0=$(current)
sock0=$(sock_bytes)
info "before accept(): memory.current $cur0, sock $sock0"

touch "$DIR/go"
for ((end = SECONDS + $(tmo 60); SECONDS < end; )); do
	[ -e "$DIR/accepted" ] && break
	sleep 0.1
done
# memory.stat is flushed lazily (about every 2 s): let it catch up.
sleep 3
cur1=$(current)
sock1=$(sock_bytes)
info "accepted, unread: memory.current $cur1 (+$((cur1 - cur0))), sock $sock1"
if [ "$rc" -eq 0 ] && [ -e "$DIR/accepted" ] &&
   [ $((sock1 - sock0)) -ge $((n * bytes / 2)) ]; then
	tap_ok "memcg: accept() charged the $n sockets' queued data to the cgroup (sock +$((sock1 - sock0)))"
else
	show_log "$TMPD/memcg.server"
	tap_fail "memcg: accept() charged the $n sockets' queued data to the cgroup (sock +$((sock1 - sock0)))"
fi

touch "$DIR/close"
for ((end = SECONDS + $(tmo 60); SECONDS < end; )); do
	[ -e "$DIR/closed" ] && break
	sleep 0.1
done
# Wait for the charge to come back (the stat flushes every 2 s).
for ((i = 0, end = SECONDS + $(tmo 20); SECONDS < end; i++)); do
	sleep 1
	sock2=$(sock_bytes)
	cur2=$(current)
	[ "$sock2" -le $((sock0 + 65536)) ] &&
		[ "$cur2" -le $((cur0 + 2097152)) ] && [ "$i" -ge 2 ] && break
done
info "closed: memory.current $cur2 ($((cur2 - cur0)) from before accept()), sock $sock2"
if [ -e "$DIR/closed" ] && [ "$sock2" -le $((sock0 + 65536)) ]; then
	tap_ok "memcg: sock back to its baseline after close ($sock2, was $sock0)"
else
	tap_fail "memcg: sock back to its baseline after close ($sock2, was $sock0)"
fi
if [ "$cur2" -le $((cur0 + 2097152)) ]; then
	tap_ok "memcg: memory.current back within 2 MiB of its baseline ($((cur2 - cur0)) bytes)"
else
	tap_fail "memcg: memory.current back within 2 MiB of its baseline ($((cur2 - cur0)) bytes, $(((cur2 - cur0) / n)) per connection)"
fi

touch "$DIR/exit"
# A server stuck in a system call would hang the test: bound the wait.
for ((end = SECONDS + $(tmo 60); SECONDS < end; )); do
	kill -0 "$SRV_PID" 2>/dev/null || break
	sleep 0.1
done
kill -0 "$SRV_PID" 2>/dev/null &&
	info "server still running after exit: $(cat "/proc/$SRV_PID/wchan" 2>/dev/null)" &&
	kill -9 "$SRV_PID"
src=0
wait "$SRV_PID" || src=$?
show_log "$TMPD/memcg.server"
if [ "$src" -eq 0 ]; then
	tap_ok "memcg: the server accepted and closed all $n connections"
else
	tap_fail "memcg: the server accepted and closed all $n connections (exit $src)"
fi
SRV_PID=

tap_finish
