#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# xtcp_sweep.sh over IPv6 (XTCP_FAMILY=6): the whole socket API, every
# level (SOL_IPV6 now reaching inet6 code: extension headers, flow labels,
# multicast, v4-mapped addresses) with hostile lengths and values, at
# socket(AF_INET6, SOCK_STREAM, IPPROTO_XTCP) sockets in every state, as
# root and as an unprivileged user, and raced with close().

XTCP_FAMILY=6 exec "$(dirname "$0")/xtcp_sweep.sh" "$@"
