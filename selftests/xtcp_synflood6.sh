#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# xtcp_synflood.sh over IPv6: the same flood and checks with XTCP_FAMILY=6
# (lib.sh): spoofed SYNs from fd00:99::/64 at an IPv6 listener, SYN cookies
# for IPv6, legitimate IPv6 clients during the flood.

XTCP_FAMILY=6 exec "$(dirname "$0")/xtcp_synflood.sh" "$@"
