#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# xtcp_tstamp.sh over IPv6: the same transfers and checks with XTCP_FAMILY=6
# (lib.sh), between AF_XTCP sockets given IPv6 addresses on the same veth
# pair; half the upload (256 KiB) to spare CI time.

XTCP_TSTAMP_BYTES=${XTCP_TSTAMP_BYTES:-256K} XTCP_FAMILY=6 \
	exec "$(dirname "$0")/xtcp_tstamp.sh" "$@"
