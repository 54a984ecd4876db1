#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ECONNRESET when the peer aborts: the server closes with SO_LINGER {1, 0}
# (xtcp_xfer -A), which sends a reset; the client, sending or waiting for a
# reply, must get ECONNRESET.

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

xtcp_lib_init 5 "ECONNRESET when the peer aborts (SO_LINGER 0)"

rand_range 1 1000000
dseed=$RAND
rand_range 16 256
abort_k=$RAND
info "data seed $dseed, abort after ${abort_k}K"
t=$(tmo 120)

snapshot c InRsts
snapshot s OutRsts

xfer "reset: server aborts after ${abort_k} KiB of an 8 MiB upload" \
	"-A $((abort_k * 1024)) -s 8M -S $dseed -t $t" \
	"-s 8M -S $dseed -e ECONNRESET -t $t"
xfer "reset: server aborts right after accept(), client waits for a reply" \
	"-A 0 -H -s 64K -S $dseed -t $t" \
	"-H -s 64K -S $dseed -e ECONNRESET -t $t"
xfer "reset: 4 connections aborted while sending both ways" \
	"-N 4 -b -A $((abort_k * 1024)) -s 4M -S $dseed -t $t" \
	"-N 4 -b -s 4M -S $dseed -e ECONNRESET -t $t"

check_counter "reset: the server sent resets (OutRsts)" s OutRsts -ge 6
check_counter "reset: the client received resets (InRsts)" c InRsts -ge 6

tap_finish
