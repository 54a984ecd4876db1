#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# xtcp_mem_synack.sh over IPv6 (XTCP_FAMILY=6): while XTCP is under global
# memory pressure (an unread IPv6 connection holding megabytes), the
# SYN-ACK that the IPv6 request path sends offers at most four segments of
# the IPv6 MSS (4 x 1440), the child stays clamped, and every byte of both
# connections arrives.

XTCP_FAMILY=6 exec "$(dirname "$0")/xtcp_mem_synack.sh" "$@"
