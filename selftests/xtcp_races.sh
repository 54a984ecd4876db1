#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Timer and lifetime races, bounded in time (meant for the debug guest's
# KASAN and lockdep, and run in the stock guest too):
#  - many connections (xtcp_race) send while RTOs fire on a lossy, delayed
#    link (netem 30-50% loss both ways); they are closed with data still
#    being retransmitted (orphans), aborted (SO_LINGER 0), half-closed, have
#    keepalive toggled (owner-side timer starts and cancels racing the
#    callbacks), and the server stops reading now and then (persist timer);
#  - rmmod xtcp is attempted all along: it must be refused, never crash;
#  - the namespaces are deleted under load: first the server's (the link
#    and the route vanish under the client's live connections), then the
#    client's, with the programs killed;
#  - afterwards every socket is freed (the module's reference count returns
#    to 0) and the kernel log gained no BUG, WARNING, KASAN or lockdep
#    report.
#
# XTCP_FAMILY=6 (xtcp_races6.sh): the same over IPv6.
# XTCP_RACE_SECS  seconds of load (default 40, 16 in the debug guest)
# XTCP_RACE_CONNS connections per client process, two processes
#                 (default 24, 8 in the debug guest)

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

xtcp_lib_init 8 "connections churned while RTOs fire, rmmod attempts, netns deletion under load"

RACE=$XTCP_SELFTESTS/xtcp_race
[ -x "$RACE" ] || tap_skip_rest "no $RACE: build with make -C selftests"
netem_available || tap_skip_rest "netem not available (CONFIG_NET_SCH_NETEM)"

secs=$(pick_size "${XTCP_RACE_SECS:-}" 40 16)
conns=$(pick_size "${XTCP_RACE_CONNS:-}" 24 8)
xtcp=
[ "$XTCP_TEST_PROTO" = xtcp ] && xtcp=1

dmesg_start=$(dmesg | wc -l)
refcnt() { cat /sys/module/xtcp/refcnt 2>/dev/null || echo gone; }

# Short timers in both namespaces, so that RTOs fire often and orphans,
# FIN_WAIT2 and TIME_WAIT entries end within the test's patience.
tune() {
	local ns

	for ns in "$NS_C" "$NS_S"; do
		if [ -n "$xtcp" ]; then
			ip netns exec "$ns" sysctl -qw net.xtcp.rto_min_ms=20 \
				net.xtcp.rto_max_ms=500 net.xtcp.fin_timeout_ms=2000 \
				net.xtcp.tw_timeout_ms=2000 || return 1
		else
			ip netns exec "$ns" sysctl -qw net.ipv4.tcp_fin_timeout=2 ||
				return 1
		fi
	done
	rand_range 30 50
	loss=$RAND
	rand_range 5 20
	delay=$RAND
	netem_set both delay "${delay}ms" 2ms loss "${loss}%"
}

# rmmod_loop SECS: try to unload every half second; count in $TMPD/rmmod.
rmmod_loop() {
	local end=$(($(date +%s) + $1)) tries=0 refused=0 gone=0

	while [ "$(date +%s)" -lt "$end" ]; do
		tries=$((tries + 1))
		if rmmod xtcp 2>>"$TMPD/rmmod.err"; then
			gone=$((gone + 1))
			[ -n "${XTCP_KO:-}" ] && insmod "$XTCP_KO"
		else
			refused=$((refused + 1))
		fi
		sleep 0.5
	done
	echo "$tries $refused $gone" >"$TMPD/rmmod"
}

# --- 1-5: load ---------------------------------------------------------------
tune || tap_skip_rest "cannot tune the namespaces"
snapshot c Timeouts
PORT=$((20000 + RANDOM % 10000))
info "$((2 * conns)) connections for $secs s, netem ${delay}ms ${loss}% loss both ways"
ip netns exec "$NS_S" "$RACE" -l -p "$XTCP_TEST_PROTO" -t $((secs + 10)) \
	-s "$RANDOM" "$SERVER_IP" "$PORT" >"$TMPD/srv.out" 2>"$TMPD/srv.err" &
srv=$!
BG_PIDS+=("$srv")
for ((i = 0; i < 50; i++)); do
	[ -s "$TMPD/srv.out" ] && break
	sleep 0.1
done
cli=()
for k in 1 2; do
	ip netns exec "$NS_C" "$RACE" -p "$XTCP_TEST_PROTO" -N "$conns" \
		-t "$secs" -s "$RANDOM" "$SERVER_IP" "$PORT" \
		2>"$TMPD/cli$k.err" &
	cli+=($!)
	BG_PIDS+=("$!")
done
if [ -n "$xtcp" ]; then
	rmmod_loop "$secs" &
	rml=$!
fi
rc=0
for p in "${cli[@]}"; do
	wait "$p" || rc=1
done
show_log "$TMPD/cli1.err"
show_log "$TMPD/cli2.err"
tap_result "$rc" "races: $((2 * conns)) clients sent, closed, aborted and toggled keepalive during retransmissions"
kill "$srv" 2>/dev/null
src=0
wait "$srv" || src=$?
show_log "$TMPD/srv.err"
tap_result "$src" "races: the server read, paused, replied, closed and aborted"

# race_sum NAME FILE...: the sum of xtcp_race's "N NAME," summary counts.
race_sum() {
	local name=$1

	shift
	sed -n "s/.* \([0-9]*\) $name,.*/\1/p" "$@" | awk '{ s += $1 } END { print s + 0 }'
}

# The load did what the test says (xtcp_race makes each choice early on).
rc=0
got=
for what in closes aborts half-closes "keepalive toggles"; do
	n=$(race_sum "$what" "$TMPD/cli1.err" "$TMPD/cli2.err")
	got+=" $n $what,"
	[ "$n" -gt 0 ] || rc=1
done
for what in closes aborts "read pauses"; do
	n=$(race_sum "$what" "$TMPD/srv.err")
	got+=" server $n $what,"
	[ "$n" -gt 0 ] || rc=1
done
info "counts:${got%,}"
tap_result "$rc" "races: clients closed, aborted, half-closed and toggled keepalive; the server closed, aborted and paused"
check_counter "races: retransmission timeouts fired under the load (Timeouts)" \
	c Timeouts -ge 20

if [ -n "$xtcp" ]; then
	wait "$rml"
	read -r tries refused gone <"$TMPD/rmmod"
	info "rmmod: $tries attempts, $refused refused, $gone succeeded"
	sort "$TMPD/rmmod.err" | uniq -c | head -3 | show_log /dev/stdin
	if [ "$tries" -gt 0 ] && [ "$gone" -eq 0 ] && [ -d /sys/module/xtcp ]; then
		tap_ok "races: rmmod refused ($refused times) while sockets exist"
	else
		tap_fail "races: rmmod refused while sockets exist"
	fi
else
	tap_skip "races: rmmod refused while sockets exist" "module lifetime is XTCP's own"
fi

# --- 5: namespaces deleted under load ---------------------------------------
ns_del "$NS_C"
ns_del "$NS_S"
NS_C=
NS_S=
setup_ns && tune || tap_skip_rest "cannot recreate the namespaces"
PORT=$((PORT + 1))
ip netns exec "$NS_S" "$RACE" -l -p "$XTCP_TEST_PROTO" -t 120 \
	-s "$RANDOM" "$SERVER_IP" "$PORT" >"$TMPD/srv2.out" 2>&1 &
srv=$!
BG_PIDS+=("$srv")
sleep 0.5
ip netns exec "$NS_C" "$RACE" -p "$XTCP_TEST_PROTO" -N "$conns" -t 120 \
	-s "$RANDOM" "$SERVER_IP" "$PORT" >"$TMPD/cli3.err" 2>&1 &
cli3=$!
BG_PIDS+=("$cli3")
sleep "$(tmo 3)"
procf=tcp
[ "$XTCP_FAMILY" = 6 ] && procf=tcp6
[ -n "$xtcp" ] && procf=xtcp
n=$(ip netns exec "$NS_C" cat "/proc/net/$procf" 2>/dev/null | wc -l)
info "$((n - 1)) sockets listed in the client namespace"
# The server's namespace first: the client's connections lose the link.
kill -9 "$srv"
wait "$srv" 2>/dev/null
ok=1
ns_del "$NS_S" || ok=0
NS_S=
sleep 2
kill -9 "$cli3"
wait "$cli3" 2>/dev/null
ns_del "$NS_C" || ok=0
NS_C=
if [ "$ok" = 1 ] && [ "$n" -gt 1 ]; then
	tap_ok "races: namespaces deleted under load (server's first, then the client's)"
else
	tap_fail "races: namespaces deleted under load (server's first, then the client's)"
fi

# --- 6-8: aftermath ------------------------------------------------------------
if [ -n "$xtcp" ]; then
	# Orphans retry up to 8 times with rto_max 500 ms, whether their
	# route is gone or the RST was lost: a few seconds.
	ok=0
	for ((i = 0; i < $(tmo 60) * 10; i++)); do
		[ "$(refcnt)" = 0 ] && { ok=1; break; }
		sleep 0.1
	done
	info "xtcp refcnt $(refcnt) after $((i / 10)) s"
	if [ "$ok" = 1 ]; then
		tap_ok "races: every socket freed afterwards (module refcnt 0)"
	else
		for ns in $(ip netns list | awk '{ print $1 }'); do
			ip netns exec "$ns" cat /proc/net/xtcp 2>/dev/null | head -20 |
				show_log /dev/stdin
		done
		tap_fail "races: every socket freed afterwards (module refcnt 0)"
	fi
else
	tap_skip "races: every socket freed afterwards" "module lifetime is XTCP's own"
fi

dmesg | tail -n +$((dmesg_start + 1)) >"$TMPD/dmesg"
if grep -E 'BUG:|WARNING:|KASAN|possible circular|possible recursive|inconsistent lock state|general protection|Oops|refcount_t' \
	"$TMPD/dmesg" >"$TMPD/dmesg.bad"; then
	show_log "$TMPD/dmesg.bad"
	grep -A30 -m1 -E 'BUG:|WARNING:|KASAN|possible|inconsistent' "$TMPD/dmesg" |
		head -40 | show_log /dev/stdin
	tap_fail "races: the kernel log stayed clean"
else
	tap_ok "races: the kernel log stayed clean ($(wc -l <"$TMPD/dmesg") new lines)"
fi

tap_finish
