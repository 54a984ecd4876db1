#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Non-blocking connect: connect() returns EINPROGRESS, epoll reports
# EPOLLOUT, SO_ERROR gives the outcome (xtcp_xfer -n). Over a delayed link so
# the handshake cannot finish inside connect().

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

xtcp_lib_init 5 "non-blocking connect with epoll"

rand_range 1 1000000
dseed=$RAND
rand_range 5 20
delay=$RAND
info "data seed $dseed, delay ${delay}ms each way"
t=$(tmo 120)

netem_available || tap_skip_rest "netem not available (CONFIG_NET_SCH_NETEM)"
netem_set both delay "${delay}ms"

# grep_client PATTERN DESC: TAP case on the last xfer's client log.
grep_client() {
	if grep -q "$1" "$TMPD/x$PORT.client"; then
		tap_ok "$2"
	else
		tap_fail "$2"
	fi
}

xfer "nonblock: EINPROGRESS, EPOLLOUT, then 1 MiB both ways" \
	"-b -s 1M -S $dseed -t $t" "-n -b -s 1M -S $dseed -t $t"
grep_client "connect: 1 of 1 returned EINPROGRESS" \
	"nonblock: connect() returned EINPROGRESS"

xfer "nonblock: 16 connections in flight at once, 256 KiB both ways each" \
	"-N 16 -b -s 256K -S $dseed -t $t" "-N 16 -n -b -s 256K -S $dseed -t $t"
grep_client "connect: 16 of 16 returned EINPROGRESS" \
	"nonblock: all 16 connect() calls returned EINPROGRESS"

rc=0
PORT=$((PORT + 1))
run_client refused -n -e ECONNREFUSED -t "$t" || rc=$?
show_log "$TMPD/refused.client"
tap_result "$rc" "nonblock: SO_ERROR is ECONNREFUSED for a closed port"

tap_finish
