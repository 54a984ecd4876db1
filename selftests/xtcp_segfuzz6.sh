#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# xtcp_segfuzz.sh over IPv6 (XTCP_FAMILY=6): the hostile frames carry IPv6
# headers (random traffic classes and flow labels, hop-by-hop and
# destination options headers now and then) to an IPv6 XTCP listener,
# socket(AF_INET6, SOCK_STREAM, IPPROTO_XTCP): XTCP's IPv6 input path,
# its request sockets and its established IPv6 sockets take them.

XTCP_FAMILY=6 exec "$(dirname "$0")/xtcp_segfuzz.sh" "$@"
