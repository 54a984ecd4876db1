#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# xtcp_icmp.sh over IPv6 (XTCP_FAMILY=6), client -- router -- server on
# fd00:1::/64 and fd00:2::/64, AF_XTCP sockets given IPv6 addresses:
# ICMPv6 destination unreachable (code 0, "no route", from the router's
# unreachable routes) fails a connect() at once with ENETUNREACH, as
# icmpv6_err_convert() maps it and the kernel's TCP reports it; the same
# error in an established connection is soft (the transfer survives two
# seconds of it); a connection that then times out reports ENETUNREACH,
# not ETIMEDOUT. The PMTU case comes with the structure: a route MTU of
# 1280 (locked) on the router, so "packet too big" lowers the MSS
# (xtcp_ipv6.sh tests that through a 1280-byte link instead).

XTCP_FAMILY=6 exec "$(dirname "$0")/xtcp_icmp.sh" "$@"
