#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Simultaneous close: both ends exchange data, then call shutdown(SHUT_WR) at
# the same wall-clock instant (xtcp_xfer -C) over a link with tens of ms of
# delay, so the two FINs cross in flight. Both ends go FIN_WAIT1 -> CLOSING
# -> TIME_WAIT: each namespace must show TIME_WAITs (XTCP: the TimeWaits
# counter; TCP: TIME-WAIT sockets listed by ss).

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

xtcp_lib_init 3 "simultaneous close (crossing FINs)"

conns=4
rand_range 1 1000000
dseed=$RAND
rand_range 40 100
delay=$RAND
info "data seed $dseed, delay ${delay}ms each way, $conns connections"
t=$(tmo 120)

netem_available || tap_skip_rest "netem not available (CONFIG_NET_SCH_NETEM)"

snapshot c TimeWaits
snapshot s TimeWaits

netem_set both delay "${delay}ms"
# Time for both programs to start (seconds on a loaded TCG guest), the
# handshakes and 16 KiB each way over the delayed link.
at=$(($(now_ms) + $(tmo 8) * 1000))
info "both ends shut down at CLOCK_REALTIME $at ms"
xfer "simultaneous close: $conns connections, 16 KiB each way, FINs cross" \
	"-b -N $conns -s 16K -S $dseed -C $at -t $t" \
	"-b -N $conns -s 16K -S $dseed -C $at -t $t"

check_counter "simultaneous close: client entered TIME_WAIT (TimeWaits)" \
	c TimeWaits -ge "$conns"
check_counter "simultaneous close: server entered TIME_WAIT (TimeWaits)" \
	s TimeWaits -ge "$conns"

tap_finish
