#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 2% random loss (plus a small random delay) on both ends: transfers in both
# directions must arrive intact, and both ends must have retransmitted.
# A second run loses in bursts: netem's Gilbert model (1% chance a packet
# starts a burst, 20-50% that one ends it: bursts of 2 to 5 packets on
# average, 2-5% lost). Its correlation parameter ("loss 2% 40%") does not
# do that: a debug run of 1450 segments lost none.
#
# XTCP_LOSS_BYTES  bytes each way (default 16M, 2M in the debug guest)

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

XTCP_LOSS_BYTES=$(pick_size "${XTCP_LOSS_BYTES:-}" 16M 2M)
xtcp_lib_init 5 "2% loss on both ends"

bytes=$(to_bytes "$XTCP_LOSS_BYTES")
rand_range 1 1000000
dseed=$RAND
rand_range 1 5
delay=$RAND
rand_range 20 50
burst_end=$RAND
info "data seed $dseed, delay ${delay}ms, burst end ${burst_end}%"
t=$(tmo 300)

netem_available || tap_skip_rest "netem not available (CONFIG_NET_SCH_NETEM)"
gso_off

snapshot c RetransSegs
snapshot s RetransSegs

netem_set both loss 2% delay "${delay}ms"
xfer "loss: 2% loss, $(hsize "$bytes") both directions at once" \
	"-b -s $bytes -S $dseed -t $t -I" "-b -s $bytes -S $dseed -t $t -I"

check_counter "loss: the client retransmitted (RetransSegs)" c RetransSegs -gt 0
check_counter "loss: the server retransmitted (RetransSegs)" s RetransSegs -gt 0

snapshot c RetransSegs
netem_set both loss gemodel 1% "${burst_end}%" delay "${delay}ms"
xfer "loss: bursty loss (Gilbert, p 1%, r ${burst_end}%), $(hsize "$bytes") upload" \
	"-s $bytes -S $dseed -t $t" "-s $bytes -S $dseed -t $t"
check_counter "loss: the client retransmitted in the bursty run (RetransSegs)" \
	c RetransSegs -gt 0

tap_finish
