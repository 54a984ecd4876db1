#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 1% of packets get a flipped bit on both ends, with checksum offloads off
# on the veth pair so every checksum is computed and verified for real.
# Data must arrive intact; the receivers must have counted bad checksums.
#
# XTCP_CORRUPT_BYTES  bytes each way (default 8M, 2M in the debug guest)

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

XTCP_CORRUPT_BYTES=$(pick_size "${XTCP_CORRUPT_BYTES:-}" 8M 2M)
xtcp_lib_init 3 "1% corruption on both ends"

bytes=$(to_bytes "$XTCP_CORRUPT_BYTES")
rand_range 1 1000000
dseed=$RAND
rand_range 0 3
delay=$RAND
info "data seed $dseed, delay ${delay}ms"
t=$(tmo 300)

netem_available || tap_skip_rest "netem not available (CONFIG_NET_SCH_NETEM)"
csum_offload_off || tap_skip_rest "cannot turn checksum offloads off (ethtool)"
info "veth rx/tx checksum offloads off on both ends"
gso_off

snapshot c InCsumErrors
snapshot s InCsumErrors

netem_set both corrupt 1% delay "${delay}ms"
xfer "corrupt: 1% corrupted, $(hsize "$bytes") both directions at once" \
	"-b -s $bytes -S $dseed -t $t -I" "-b -s $bytes -S $dseed -t $t -I"

# netem flips a bit in the linear part of a packet only. XTCP's segments
# are linear, so their payload gets hit; TCP's carry the payload in page
# fragments, so only the headers do and few bad TCP checksums result:
# over TCP (validating this script) a zero count is a skip, not a failure.
csum_check() {
	local desc=$1 side=$2 now

	now=$(counter "$(side_ns "$side")" InCsumErrors)
	if [ "$XTCP_TEST_PROTO" = tcp ] && [ -n "$now" ] &&
	   [ "$now" -eq "$(before "$side" InCsumErrors)" ]; then
		tap_skip "$desc" "tcp: none of its (paged) segments hit"
		return
	fi
	check_counter "$desc" "$side" InCsumErrors -gt 0
}
csum_check "corrupt: the server counted bad checksums (InCsumErrors)" s
csum_check "corrupt: the client counted bad checksums (InCsumErrors)" c

tap_finish
