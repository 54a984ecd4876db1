#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Packet-level conformance over IPv6: xtcp_pkt.sh with XTCP_FAMILY=6. The
# Scapy peer sends and parses IPv6 frames (next header XTCP, checksum over
# the IPv6 pseudo-header) between fd00:1::1 and fd00:1::2, and the driver
# gives XTCP's AF_XTCP sockets IPv6 addresses, so the same assertions on
# every segment run through module/xtcp_ipv6.c: request sockets and
# SYN-ACKs, resets and TIME_WAIT replies sent without a full socket
# (xtcp_v6_send_ctl()), SYN cookies, option negotiation, retransmission,
# FIN and close. Scenarios that cannot run over IPv6 say so (IPV4_ONLY)
# and are reported as skipped.
#
# The whole suite takes about six minutes over IPv6 in the stock guest
# (330 s of scenarios on 2026-12-05) and its IPv4 run covers the
# family-neutral code, so by default this runs the scenarios below (about
# 150 s), which go through the IPv6 path where it differs:
#   passive_open opts_synack opts_listen request sockets and SYN-ACKs
#   synack_rtx                           (xtcp_v6_conn_request(),
#                                        xtcp_v6_send_synack(), resent)
#   active_open syn_fields wscale_active xtcp_v6_connect(), the IPv6 MSS
#   tstamp_cookie                        SYN cookies over IPv6 (MSS table,
#                                        options in the TSval)
#   sack_perm wscale_passive             option negotiation on both opens
#   tstamp_passive
#   rst_closed rst_established           resets and challenge ACKs from
#   syn_established max_orphans          xtcp_v6_send_reset() and
#                                        xtcp_v6_send_ctl()
#   ctl_priority timewait_tos            SO_PRIORITY and the traffic class
#                                        of replies without a full socket
#   timewait_reack timewait_syn          TIME_WAIT (xtcp_v6_time_wait()):
#   tstamp_timewait tstamp_finwait2      ACKs, PAWS, a SYN into it, the
#   ratelimit_minisocks                  FIN_WAIT2 minisock, rate limits
#   bad_csum                             xtcp_v6_csum_init() drops
#   xfrm_policy                          xtcp_v6_policy_check() (::/0)
#   sack_rtx rto split_karn tsq_rtx      retransmission, SACK, an MTU drop
#                                        to 1280, IPv6 skbs held in a qdisc
#   fin_passive fin_active               FIN and close
#   fin_simultaneous
# XTCP_PKT_SCENARIOS selects others ("all": every scenario).

: "${XTCP_PKT_SCENARIOS:=passive_open opts_synack opts_listen synack_rtx
	active_open syn_fields wscale_active tstamp_cookie sack_perm
	wscale_passive tstamp_passive rst_closed rst_established
	syn_established max_orphans ctl_priority timewait_tos timewait_reack
	timewait_syn tstamp_timewait tstamp_finwait2 ratelimit_minisocks
	bad_csum xfrm_policy sack_rtx rto split_karn tsq_rtx fin_passive
	fin_active fin_simultaneous}"
export XTCP_PKT_SCENARIOS
XTCP_FAMILY=6 exec "$(dirname "$0")/xtcp_pkt.sh" "$@"
