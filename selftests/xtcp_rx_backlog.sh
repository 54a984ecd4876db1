#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The receiver's socket backlog (module/xtcp_backlog.c): segments that
# arrive while the reading process holds the socket, copying, wait in its
# backlog until it lets go.
#
# 1. Merging. The client's veth has TSO off, so its super-packets are cut
#    into segments below the qdisc, each a fresh skb (with TSO on the
#    server gets the client's own clones, which skb_try_coalesce() may not
#    extend). A bulk upload and a file: every byte must arrive, in order
#    (the data check and cmp), and the server must have merged segments
#    into the backlog's last one (BacklogCoalesce), as tcp_add_backlog()
#    does (TCPBacklogCoalesce), and count each merged segment in
#    tcpi_segs_in (at least 98% of the client's tcpi_segs_out).
# 2. The bound. A bulk upload at full speed with offloads on: every byte
#    in order, none dropped for want of receive memory (RcvPruned).
#    BacklogDrop is reported only: the bound of one receive buffer dropped
#    8 to 327 segments per 5 s flow on a loaded host before it became
#    TCP's (twice the receive buffer, half the send buffer and 64 KiB,
#    since the backlog's length is reset only when it has been drained
#    whole), and none alone on the host, so no run here fails without it.
#
# XTCP_RXB_BYTES  bytes of each bulk upload (default 64M, 8M in the debug
#                 guest)

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

XTCP_RXB_BYTES=$(pick_size "${XTCP_RXB_BYTES:-}" 64M 8M)
xtcp_lib_init 7 "receiver's socket backlog: merging and its bound"

command -v ethtool >/dev/null || tap_skip_rest "no ethtool"
bytes=$(to_bytes "$XTCP_RXB_BYTES")
rand_range 1 1000000
dseed=$RAND
t=$(tmo 300)

if ! ip netns exec "$NS_C" ethtool -K veth-c tso off >/dev/null 2>&1; then
	tap_skip_rest "cannot turn TSO off on the client's veth"
fi
snapshot s BacklogCoalesce BacklogDrop
xfer "backlog: $(hsize "$bytes") upload, client TSO off" \
	"-s $bytes -S $dseed -t $t -I" "-s $bytes -S $dseed -t $t -I"
info_field() { grep -o "\b$2=[0-9]*" "$1" 2>/dev/null | tail -1 | cut -d= -f2; }
segs_in=$(info_field "$TMPD/x$PORT.server" segs_in)
segs_out=$(info_field "$TMPD/x$PORT.client" segs_out)
head -c $((bytes / 4)) /dev/urandom >"$TMPD/in"
xfer "backlog: $(hsize $((bytes / 4))) file upload, client TSO off" \
	"-o $TMPD/out -t $t" "-i $TMPD/in -t $t"
if cmp "$TMPD/in" "$TMPD/out"; then
	tap_ok "backlog: received file is identical (cmp)"
else
	tap_fail "backlog: received file is identical (cmp)"
fi
check_counter "backlog: the server merged segments in its backlog (BacklogCoalesce)" \
	s BacklogCoalesce -gt 0
info "backlog: BacklogDrop $(before s BacklogDrop) -> $(counter "$NS_S" BacklogDrop) (TSO off, not asserted)"
# A merged skb counts as the segments it holds (tcp_segs_in()): the
# server's tcpi_segs_in matches what the client sent, less its SYN.
if [ -z "$segs_in" ] || [ -z "$segs_out" ]; then
	tap_skip "backlog: tcpi_segs_in counts merged segments" "no segs_in/segs_out in xtcp_xfer -I"
elif [ $((segs_in * 100)) -ge $((segs_out * 98)) ]; then
	tap_ok "backlog: tcpi_segs_in counts merged segments ($segs_in in, $segs_out sent)"
else
	tap_fail "backlog: tcpi_segs_in counts merged segments ($segs_in in, $segs_out sent)"
fi
ip netns exec "$NS_C" ethtool -K veth-c tso on >/dev/null 2>&1

snapshot s BacklogDrop RcvPruned
xfer "backlog: $(hsize "$bytes") upload, offloads on" \
	"-s $bytes -S $dseed -t $t -I" "-s $bytes -S $dseed -t $t -I"
check_counter "backlog: no in-window segment dropped (RcvPruned)" \
	s RcvPruned -eq 0
info "backlog: BacklogDrop $(before s BacklogDrop) -> $(counter "$NS_S" BacklogDrop) (offloads on, not asserted)"

tap_finish
