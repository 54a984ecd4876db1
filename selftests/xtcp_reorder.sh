#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Reordering: netem delays packets by 10 ms but sends 25% of them at once,
# on both ends. Data must arrive intact and in order, and both receivers
# must have queued segments out of order (OfoQueued).
#
# XTCP_REORDER_BYTES  bytes each way (default 8M, 1M in the debug guest)

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

XTCP_REORDER_BYTES=$(pick_size "${XTCP_REORDER_BYTES:-}" 8M 1M)
xtcp_lib_init 3 "25% reordering with 10 ms delay on both ends"

bytes=$(to_bytes "$XTCP_REORDER_BYTES")
rand_range 1 1000000
dseed=$RAND
rand_range 0 50
corr=$RAND
info "data seed $dseed, reorder correlation ${corr}%"
t=$(tmo 300)

netem_available || tap_skip_rest "netem not available (CONFIG_NET_SCH_NETEM)"
gso_off

snapshot c OfoQueued
snapshot s OfoQueued

netem_set both delay 10ms reorder 25% "${corr}%"
xfer "reorder: 25% reordered, $(hsize "$bytes") both directions at once" \
	"-b -s $bytes -S $dseed -t $t -I" "-b -s $bytes -S $dseed -t $t -I"

check_counter "reorder: the server queued out-of-order segments (OfoQueued)" \
	s OfoQueued -gt 0
check_counter "reorder: the client queued out-of-order segments (OfoQueued)" \
	c OfoQueued -gt 0

tap_finish
