#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# xtcp_memcg.sh over IPv6 (XTCP_FAMILY=6): the memory cgroup's charge for
# accepted IPv6 XTCP sockets (socket(AF_INET6, SOCK_STREAM, IPPROTO_XTCP))
# comes back to baseline once their queues are freed.

XTCP_FAMILY=6 exec "$(dirname "$0")/xtcp_memcg.sh" "$@"
