#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# xtcp_csum_complete.sh over IPv6 (XTCP_FAMILY=6): XTCP over IPv6 inside
# an ip6gre tunnel with GRE checksums (over IPv6 on the veth pair, its
# offloads off). The receiving ip6gre device verifies the GRE checksum
# and hands the inner IPv6 packet up CHECKSUM_COMPLETE, so XTCP must
# validate from skb->csum plus the IPv6 pseudo-header with next header 253
# (xtcp_v6_csum_init()): 1% of the inner packets are corrupted before
# encapsulation (their GRE checksum is valid), the data must arrive intact
# and InCsumErrors must grow at both ends. A kprobe on xtcp_v6_rcv shows
# the segments arrived CHECKSUM_COMPLETE.

XTCP_FAMILY=6 exec "$(dirname "$0")/xtcp_csum_complete.sh" "$@"
