#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# xtcp_teardown.sh over IPv6 (XTCP_FAMILY=6), run last in both guests: the
# sockets of the IPv6 reruns before it are freed, an IPv6 TIME_WAIT entry
# (tw_sock_XTCPv6) holds the module until its namespace goes, and eight
# IPv6 connections moving data both ways are freed when their namespaces
# are deleted under them, so the module unloads (under KASAN and
# kmemleak in the debug guest).

XTCP_FAMILY=6 exec "$(dirname "$0")/xtcp_teardown.sh" "$@"
