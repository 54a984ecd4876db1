#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Connecting to a port nobody listens on: the server's stack answers the SYN
# with a reset and connect() fails with ECONNREFUSED, blocking or not.

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

xtcp_lib_init 4 "ECONNREFUSED from a closed port"

rand_range 20000 30000
PORT=$RAND
info "closed port $PORT"
t=$(tmo 60)

snapshot c AttemptFails
snapshot s OutRsts

rc=0
run_client refused -e ECONNREFUSED -t "$t" || rc=$?
show_log "$TMPD/refused.client"
tap_result "$rc" "refused: blocking connect() fails with ECONNREFUSED"

rc=0
run_client refused-nb -n -e ECONNREFUSED -t "$t" || rc=$?
show_log "$TMPD/refused-nb.client"
tap_result "$rc" "refused: non-blocking connect() reports ECONNREFUSED in SO_ERROR"

check_counter "refused: the server sent resets (OutRsts)" s OutRsts -ge 2
check_counter "refused: the client counted failed attempts (AttemptFails)" \
	c AttemptFails -ge 2

tap_finish
