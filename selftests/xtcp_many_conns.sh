#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Many concurrent connections: 200 connections opened at once (non-blocking)
# each upload 1 MiB, all driven by one epoll loop per end.
#
# XTCP_MANY_CONNS  connections (default 200, 50 in the debug guest)
# XTCP_MANY_BYTES  bytes per connection (default 1M, 256K debug)

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

XTCP_MANY_CONNS=$(pick_size "${XTCP_MANY_CONNS:-}" 200 50)
XTCP_MANY_BYTES=$(pick_size "${XTCP_MANY_BYTES:-}" 1M 256K)
xtcp_lib_init 3 "$XTCP_MANY_CONNS concurrent connections"

bytes=$(to_bytes "$XTCP_MANY_BYTES")
n=$XTCP_MANY_CONNS
rand_range 1 1000000
dseed=$RAND
info "data seed $dseed, $n connections x $(hsize "$bytes")"
t=$(tmo 300)

snapshot c ActiveOpens
snapshot s PassiveOpens

xfer "many: $n concurrent connections, $(hsize "$bytes") each" \
	"-N $n -s $bytes -S $dseed -t $t" "-N $n -n -s $bytes -S $dseed -t $t"

check_counter "many: ActiveOpens +$n on the client" c ActiveOpens -eq "$n"
check_counter "many: PassiveOpens +$n on the server" s PassiveOpens -eq "$n"

tap_finish
