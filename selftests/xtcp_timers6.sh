#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# xtcp_timers.sh over IPv6: the same cases with XTCP_FAMILY=6 (lib.sh):
# SYNs, data and FINs dropped by nft and tc on IPv6 output, keepalive and
# bounded retries on an IPv6 connection.

XTCP_FAMILY=6 exec "$(dirname "$0")/xtcp_timers.sh" "$@"
