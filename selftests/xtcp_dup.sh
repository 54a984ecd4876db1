#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 5% duplicated packets on both ends: the receivers must drop the copies
# (DupSegs counts them; TCP's twin is TCPDSACKOldSent) and deliver each byte
# exactly once.
#
# XTCP_DUP_BYTES  bytes each way (default 8M, 1M in the debug guest)

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

XTCP_DUP_BYTES=$(pick_size "${XTCP_DUP_BYTES:-}" 8M 1M)
xtcp_lib_init 4 "5% duplication on both ends"

bytes=$(to_bytes "$XTCP_DUP_BYTES")
rand_range 1 1000000
dseed=$RAND
rand_range 0 3
delay=$RAND
info "data seed $dseed, delay ${delay}ms"
t=$(tmo 300)

netem_available || tap_skip_rest "netem not available (CONFIG_NET_SCH_NETEM)"
gso_off

snapshot c DupSegs
snapshot s DupSegs

netem_set both duplicate 5% delay "${delay}ms"
xfer "dup: 5% duplicated, $(hsize "$bytes") upload" \
	"-s $bytes -S $dseed -t $t" "-s $bytes -S $dseed -t $t"
xfer "dup: 5% duplicated, $(hsize "$bytes") both directions at once" \
	"-b -s $bytes -S $dseed -t $t -I" "-b -s $bytes -S $dseed -t $t -I"

check_counter "dup: the server saw duplicate segments (DupSegs)" s DupSegs -gt 0
check_counter "dup: the client saw duplicate segments (DupSegs)" c DupSegs -gt 0

tap_finish
