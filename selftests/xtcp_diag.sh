#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Operators' tools: tools/xtcp-ss lists XTCP sockets through sock_diag
# (xtcp_diag.ko) like ss -tanie, with state and address filters, queues,
# timers and tcp_info; tools/xtcp-nstat prints counter deltas like nstat.
# Known connections are set up and each listing is checked against them:
# a listener, an accepted-but-unread connection holding a known number of
# bytes (its server waits for SIGUSR1 before accept()), and the TIME_WAIT
# entry the active closer keeps afterwards; then the same over IPv6
# (AF_INET6 sockets, [ADDR]:PORT, -4/-6 and IPv6 address filters).

. "$(dirname "$0")/lib.sh"

xtcp_lib_init 15 "xtcp-ss (sock_diag) and xtcp-nstat against known sockets"

[ "$XTCP_TEST_PROTO" = xtcp ] || tap_skip_rest "XTCP's own diagnostics"

TOOLS=$(cd "$(dirname "$0")/../tools" && pwd)
SS=$TOOLS/xtcp-ss
NSTAT=$TOOLS/xtcp-nstat
if [ ! -x "$SS" ] || [ ! -x "$NSTAT" ]; then
	tap_skip_rest "no $SS or $NSTAT: make -C tools"
fi
diag_ko=$(dirname "${XTCP_KO:-/nonexistent}")/xtcp_diag.ko
[ -f "$diag_ko" ] || tap_skip_rest "no xtcp_diag.ko (kernel without CONFIG_INET_DIAG?)"

unload_diag() { rmmod xtcp_diag 2>/dev/null; }
trap 'unload_diag; cleanup' EXIT
unload_diag

ss_s() { ip netns exec "$NS_S" "$SS" -H "$@"; }
ss_c() { ip netns exec "$NS_C" "$SS" -H "$@"; }

# Without the handler the kernel has nobody to ask: a clear error.
rc=0
err=$(ip netns exec "$NS_S" "$SS" 2>&1 >/dev/null) || rc=$?
if [ $rc -eq 2 ] && [[ $err == *xtcp_diag* ]]; then
	tap_ok "without xtcp_diag: exit 2 and a hint ($err)"
else
	tap_fail "without xtcp_diag: exit 2 and a hint (rc $rc: $err)"
fi

if ! modprobe inet_diag 2>/dev/null || ! insmod "$diag_ko"; then
	tap_skip_rest "cannot load inet_diag and xtcp_diag"
fi

export XTCP_NSTAT_HISTORY=$TMPD/nstat.hist
ip netns exec "$NS_S" "$NSTAT" -n

bytes=32768
rand_range 1 1000000
dseed=$RAND
start_server srv -U -s $bytes -S "$dseed" -t "$(tmo 60)" ||
	tap_skip_rest "server did not start"
# The client sends, then stays ESTABLISHED until its shutdown time: the
# listings below run in between.
start_client cli -s $bytes -S "$dseed" -t "$(tmo 60)" -C $(($(now_ms) + $(tmo 20) * 1000))

# The client's bytes sit in the unaccepted child's receive queue.
line=
for ((end = SECONDS + $(tmo 10); SECONDS < end; )); do
	line=$(ss_s | awk -v p=":$PORT" '$1 == "ESTAB" && $4 ~ p"$"')
	[ -n "$line" ] && [ "$(echo "$line" | awk '{ print $2 }')" = $bytes ] && break
	sleep 0.1
done
info "server side: $line"
if [ "$(echo "$line" | awk '{ print $2 }')" = $bytes ] &&
   [[ $(echo "$line" | awk '{ print $5 }') == "$CLIENT_IP":* ]]; then
	tap_ok "ESTAB listed with Recv-Q $bytes and the client as peer"
else
	ss_s -a | show_log /dev/stdin
	tap_fail "ESTAB listed with Recv-Q $bytes and the client as peer"
fi

lst=$(ss_s -l)
if [ "$(echo "$lst" | awk '{ print $1, $2, $4 }')" = "LISTEN 1 $SERVER_IP:$PORT" ]; then
	tap_ok "-l: the listener, one connection in its accept queue"
else
	echo "$lst" | show_log /dev/stdin
	tap_fail "-l: the listener, one connection in its accept queue"
fi

if [ "$(ss_s state listening | wc -l)" = 1 ] &&
   ss_s state listening | grep -q '^LISTEN' &&
   ! ss_s state established dst "$SERVER_IP" | grep -q . &&
   [ "$(ss_s state established dst "$CLIENT_IP" | wc -l)" = 1 ] &&
   [ "$(ss_s -a sport ":$PORT" | wc -l)" = 2 ]; then
	tap_ok "state and address filters select exactly the expected sockets"
else
	ss_s -a | show_log /dev/stdin
	tap_fail "state and address filters select exactly the expected sockets"
fi

info_line=$(ss_s -i state established | tr '\n' ' ')
info "server -i: $info_line"
if [[ $info_line =~ cwnd:[1-9] ]] && [[ $info_line =~ mss:[1-9] ]] &&
   [[ $info_line =~ rto:[1-9] ]] && [[ $info_line =~ bytes_received:$bytes ]]; then
	tap_ok "-i: tcp_info with cwnd, mss, rto and bytes_received $bytes"
else
	tap_fail "-i: tcp_info with cwnd, mss, rto and bytes_received $bytes"
fi

# Not yet accepted, the server's socket has no file (ino 0, as ss shows
# for TCP); the client's has one.
uid_line=$(ss_s -e -m state established)
cli_e=$(ss_c -e dst "$SERVER_IP:$PORT")
info "server -e -m: $uid_line; client -e: $cli_e"
if [[ $uid_line =~ uid:0\ ino:0 ]] && [[ $uid_line =~ skmem:\(r[1-9] ]] &&
   [[ $cli_e =~ uid:0\ ino:[1-9] ]]; then
	tap_ok "-e -m: uid, inode (0 until accept) and receive memory of the unread bytes"
else
	tap_fail "-e -m: uid, inode (0 until accept) and receive memory of the unread bytes"
fi

cli_line=$(ss_c -i dst "$SERVER_IP:$PORT")
info "client side: $cli_line"
if [[ $cli_line == ESTAB* ]] && [[ $(echo "$cli_line" | tr '\n' ' ') =~ bytes_acked:$bytes ]]; then
	tap_ok "client side: ESTAB, bytes_acked $bytes"
else
	tap_fail "client side: ESTAB, bytes_acked $bytes"
fi

kill -USR1 "$SRV_PID"
if wait_server && wait "$CLI_PID"; then
	tap_ok "transfer completed after accept (bytes checked by xtcp_xfer)"
else
	tap_fail "transfer completed after accept (bytes checked by xtcp_xfer)"
fi

# The client closed first: its TIME_WAIT entry, with the timer.
tw=$(ss_c state time-wait dst "$SERVER_IP:$PORT")
info "client TIME_WAIT: $tw"
if [[ $tw =~ ^TIME-WAIT.*timer:\(timewait, ]]; then
	tap_ok "TIME_WAIT entry listed with its timewait timer"
else
	ss_c -a | show_log /dev/stdin
	tap_fail "TIME_WAIT entry listed with its timewait timer"
fi
if ! ss_c | grep -q TIME-WAIT; then
	tap_ok "default listing leaves TIME_WAIT out, as ss does"
else
	tap_fail "default listing leaves TIME_WAIT out, as ss does"
fi

# Counters: the delta since the -n above covers this test's segments.
delta=$(ip netns exec "$NS_S" "$NSTAT" -s 'XtcpPassiveOpens' 'XtcpInSegs')
info "$(echo "$delta" | tr '\n' ' ')"
# PassiveOpens counts children as they are made (TCP's does too), so a
# final ACK and the first data handled at once on two CPUs may count two.
if echo "$delta" | awk '$1 == "XtcpPassiveOpens" && $2 >= 1 && $2 <= 2 { p = 1 }
			$1 == "XtcpInSegs" && $2 >= 4 { i = 1 } END { exit !(p && i) }'; then
	tap_ok "xtcp-nstat: PassiveOpens delta 1 (or 2), InSegs delta >= 4 (GRO merges data)"
else
	tap_fail "xtcp-nstat: PassiveOpens delta 1 (or 2), InSegs delta >= 4 (GRO merges data)"
fi
ip netns exec "$NS_S" "$NSTAT" -n
again=$(ip netns exec "$NS_S" "$NSTAT" -s XtcpPassiveOpens | grep -v '^#')
if [ -z "$again" ]; then
	tap_ok "xtcp-nstat: no delta right after the history was updated"
else
	tap_fail "xtcp-nstat: no delta right after the history was updated ($again)"
fi
abs=$(ip netns exec "$NS_S" "$NSTAT" -a XtcpPassiveOpens)
if [ "$(echo "$abs" | awk '$1 == "XtcpPassiveOpens" { print $2 }')" = \
     "$(ip netns exec "$NS_S" awk '$1 == "PassiveOpens" { print $2 }' /proc/net/xtcp_stat)" ]; then
	tap_ok "xtcp-nstat -a: the absolute value of /proc/net/xtcp_stat"
else
	tap_fail "xtcp-nstat -a: absolute value ($abs)"
fi

# --- IPv6: an accepted-but-unread connection between AF_INET6 sockets ---
if setup_ipv6; then
	SERVER_IP=$SERVER_IP6
	XFER_PROTO_S=xtcp6
	XFER_PROTO_C=xtcp6
	PORT=$((PORT + 1))
	bytes6=16384
	if start_server srv6 -U -s $bytes6 -S "$dseed" -t "$(tmo 60)"; then
		start_client cli6 -s $bytes6 -S "$dseed" -t "$(tmo 60)" \
			-C $(($(now_ms) + $(tmo 20) * 1000))
		line=
		for ((end = SECONDS + $(tmo 10); SECONDS < end; )); do
			line=$(ss_s -6 state established)
			[ "$(echo "$line" | awk '{ print $2 }')" = $bytes6 ] && break
			sleep 0.1
		done
		info "server side, IPv6: $line"
		if [ "$(echo "$line" | awk '{ print $1, $2, $4 }')" = \
		     "ESTAB $bytes6 [$SERVER_IP6]:$PORT" ] &&
		   [[ $(echo "$line" | awk '{ print $5 }') == "[$CLIENT_IP6]:"* ]]; then
			tap_ok "IPv6: ESTAB listed as [$SERVER_IP6]:$PORT, Recv-Q $bytes6, the client as peer"
		else
			ss_s -a | show_log /dev/stdin
			tap_fail "IPv6: ESTAB listed as [$SERVER_IP6]:$PORT, Recv-Q $bytes6, the client as peer"
		fi
		lst6=$(ss_s -l src "[$SERVER_IP6]:$PORT")
		info "listener: $lst6"
		if [ "$(echo "$lst6" | awk '{ print $1, $2, $4 }')" = \
		     "LISTEN 1 [$SERVER_IP6]:$PORT" ] &&
		   [ "$(ss_s -a sport ":$PORT" | wc -l)" = 2 ] &&
		   ! ss_s -4 -a sport ":$PORT" | grep -q . &&
		   [ "$(ss_s dst "$CLIENT_IP6" | wc -l)" = 1 ] &&
		   ! ss_s dst "$SERVER_IP6" | grep -q . &&
		   ss_c dst "[$SERVER_IP6]:$PORT" | grep -q '^ESTAB'; then
			tap_ok "IPv6: -l, -4, src/dst [ADDR]:PORT and ADDR filters select exactly the expected sockets"
		else
			ss_s -a | show_log /dev/stdin
			ss_c -a | show_log /dev/stdin
			tap_fail "IPv6: -l, -4, src/dst [ADDR]:PORT and ADDR filters select exactly the expected sockets"
		fi
		kill -USR1 "$SRV_PID"
		wait_server
		wait "$CLI_PID"
	else
		tap_fail "IPv6: ESTAB listed (server did not start)"
		tap_skip "IPv6: filters" "no server"
	fi
else
	tap_skip "IPv6: ESTAB listed" "cannot add IPv6 addresses"
	tap_skip "IPv6: filters" "cannot add IPv6 addresses"
fi

tap_finish
