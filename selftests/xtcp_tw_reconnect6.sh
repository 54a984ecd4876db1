#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# xtcp_tw_reconnect.sh over IPv6 (XTCP_FAMILY=6): a client reconnecting on
# the same IPv6 4-tuple right after the server closed first gets through
# the server's IPv6 TIME_WAIT entry at once (no SYN retransmission), round
# after round, every byte exact, the server never sending a RST.

XTCP_FAMILY=6 exec "$(dirname "$0")/xtcp_tw_reconnect.sh" "$@"
