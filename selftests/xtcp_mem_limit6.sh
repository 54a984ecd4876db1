#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# xtcp_mem_limit.sh over IPv6 (XTCP_FAMILY=6): many unread IPv6
# connections receiving reordered and lost data under a low net.xtcp.mem;
# what their queues hold (MemoryAllocated, and the payload of the IPv6
# sockets listed in /proc/net/xtcp) stays within the limit, pressure is
# entered and left, the memory comes back and every byte arrives.

XTCP_FAMILY=6 exec "$(dirname "$0")/xtcp_mem_limit.sh" "$@"
