#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Half-close: the client sends, shuts down its sending side, and reads the
# server's reply, which the server only starts after seeing EOF, until the
# server's EOF (xtcp_xfer -H). With data, without data, over a delayed link,
# and on several connections at once.
#
# XTCP_HALF_BYTES  bytes each way (default 4M, 1M in the debug guest)

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

XTCP_HALF_BYTES=$(pick_size "${XTCP_HALF_BYTES:-}" 4M 1M)
xtcp_lib_init 4 "half-close (shutdown(SHUT_WR), then read the reply)"

bytes=$(to_bytes "$XTCP_HALF_BYTES")
rand_range 1 1000000
dseed=$RAND
rand_range 5 30
delay=$RAND
info "data seed $dseed, delay ${delay}ms for the delayed case"
t=$(tmo 300)

xfer "half-close: $(hsize "$bytes") up, EOF, $(hsize "$bytes") back" \
	"-H -s $bytes -S $dseed -t $t" "-H -s $bytes -S $dseed -t $t -I"
xfer "half-close: no data, EOF at once, empty reply" \
	"-H -s 0 -t $t" "-H -s 0 -t $t"
if netem_available; then
	netem_set both delay "${delay}ms"
	xfer "half-close: ${delay} ms delay each way, $(hsize $((bytes / 4))) each way" \
		"-H -s $((bytes / 4)) -S $dseed -t $t" \
		"-H -s $((bytes / 4)) -S $dseed -t $t"
	netem_clear both
else
	tap_skip "half-close: delayed link" "netem not available"
fi
xfer "half-close: 8 connections at once, $(hsize $((bytes / 8))) each way" \
	"-H -N 8 -s $((bytes / 8)) -S $dseed -t $t" \
	"-H -N 8 -s $((bytes / 8)) -S $dseed -t $t"

tap_finish
