#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# xtcp_remote.sh over IPv6: the same transfers and checks with XTCP_FAMILY=6
# (lib.sh), between AF_XTCP sockets given IPv6 addresses on the same veth
# pair (and socket(AF_INET6, ..., IPPROTO_XTCP) where it uses xtcp-inet).

XTCP_FAMILY=6 exec "$(dirname "$0")/xtcp_remote.sh" "$@"
