#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# xtcp_races.sh over IPv6 (XTCP_FAMILY=6): IPv6 connections churned while
# RTOs fire on a lossy link, rmmod attempts, and the namespaces deleted
# under load (the IPv6 route and neighbour vanish under live sockets);
# afterwards every socket is freed and the kernel log is clean.

XTCP_FAMILY=6 exec "$(dirname "$0")/xtcp_races.sh" "$@"
