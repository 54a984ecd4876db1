#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# xtcp_interop.sh over IPv6 (XTCP_FAMILY=6): XTCP and the kernel's TCP
# over IPv6 across a router that swaps the next header, 253 <-> 6; every
# option agreed both ways, a lossy transfer recovered with SACK, every
# segment checksum (IPv6 pseudo-header) good on both sides.

XTCP_FAMILY=6 exec "$(dirname "$0")/xtcp_interop.sh" "$@"
