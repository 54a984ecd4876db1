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
# netem's chain steps once per packet, not with time: a sender backed off
# by timeouts offers it one segment per RTO, so a "burst of 4 packets"
# met in loss recovery becomes a blackout of 0.2 + 0.4 + ... + 25.6 s, and
# the ACK direction has its own chain. 16 MiB uploads through this model
# (stock guest, 60 s limit) stalled past the limit in 3 of 10 runs for the
# kernel's TCP and 2 of 14 for XTCP; one XTCP run once outlasted 300 s.
# The bursty run therefore caps the RTO at 1 s on both ends
# (net.xtcp.rto_max_ms; net.ipv4.tcp_rto_max_ms where the kernel has it):
# the bursts still cost whole flights and RTOs, but not minutes. XTCP's
# retries2 budget is modelled on rto_max (15 tries: 14.4 s at 1 s), and
# one of 30 capped runs did lose 15 tries in a row (ETIMEDOUT after 40 s),
# so retries2 goes up to 40 as well (39 s of one blackout at 1 s).
# pkt/scn_rto.py tests the doubling backoff itself, and xtcp_timers.sh
# that retries and rto_max bound it. A third run, with neither timestamps
# nor SACK, adds reordering: spurious timeouts are F-RTO's to find.
#
# XTCP_LOSS_BYTES  bytes each way (default 16M, 2M in the debug guest)

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

XTCP_LOSS_BYTES=$(pick_size "${XTCP_LOSS_BYTES:-}" 16M 2M)
xtcp_lib_init 6 "2% loss on both ends"

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
for ns in "$NS_C" "$NS_S"; do
	set_retries "$ns" rto_max_ms 1000 ||
		info "no rto_max_ms knob: the RTO backs off to its default maximum"
	set_retries "$ns" retries2 40 || info "retries2 left as it was in $ns"
done
netem_set both loss gemodel 1% "${burst_end}%" delay "${delay}ms"
xfer "loss: bursty loss (Gilbert, p 1%, r ${burst_end}%), $(hsize "$bytes") upload" \
	"-s $bytes -S $dseed -t $t" "-s $bytes -S $dseed -t $t"
check_counter "loss: the client retransmitted in the bursty run (RetransSegs)" \
	c RetransSegs -gt 0

# Neither timestamps nor SACK, and a jittered delay that reorders: only
# F-RTO (net.xtcp.frto) tells a spurious timeout from a real one, and its
# steps (new data sent, go-back-N taken back or started again) run under
# real traffic; pkt/scn_frto.py checks each step. The bytes must be exact.
for ns in "$NS_C" "$NS_S"; do
	{ set_retries "$ns" sack 0 && set_retries "$ns" timestamps 0; } ||
		info "SACK or timestamps left as they were in $ns"
done
snapshot c Timeouts LossUndo SpuriousRTOs
netem_set both loss 2% delay 20ms 10ms
b2=$((bytes / 4))
xfer "loss: 2% loss, reordering, no timestamps or SACK, $(hsize "$b2") upload" \
	"-s $b2 -S $dseed -t $t -I" "-s $b2 -S $dseed -t $t -I"
for n in Timeouts LossUndo SpuriousRTOs; do
	v=$(counter "$NS_C" "$n")
	info "client: $n +$((${v:-0} - $(before c "$n" | sed 's/^$/0/')))"
done

tap_finish
