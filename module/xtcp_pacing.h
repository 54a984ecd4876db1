/* SPDX-License-Identifier: GPL-2.0 */
/*
 * XTCP pacing (xtcp_pacing.c): the pacing rate of a connection, the
 * internal pacing that spaces its segments when no fq qdisc does, and the
 * size of GSO super-packets it implies.
 */
#ifndef _XTCP_PACING_H
#define _XTCP_PACING_H

#include <linux/types.h>

struct sock;

/* Defaults of net.xtcp.pacing_ss_ratio and pacing_ca_ratio, percent, and
 * their upper bound (TCP's tcp_pacing_ss_ratio, tcp_pacing_ca_ratio).
 */
#define XTCP_PACING_SS_RATIO	200
#define XTCP_PACING_CA_RATIO	120
#define XTCP_PACING_RATIO_MAX	1000
/* Data segments sent before the first is paced, as TCP (fq's quantum). */
#define XTCP_PACING_FREE_SEGS	10
/* Fewest segments in a super-packet that pacing sizes (tcp_min_tso_segs). */
#define XTCP_PACING_MIN_SEGS	2

u64 xtcp_pacing_rate_calc(u32 mss, u32 cwnd, u32 srtt_us, u32 ratio);
u32 xtcp_pacing_ratio(u32 cwnd, u32 ssthresh, u32 ss_ratio, u32 ca_ratio);
u64 xtcp_pacing_len_ns(u32 len, unsigned long rate);
u32 xtcp_pacing_burst_segs(unsigned long rate, u32 shift, u32 rtt_us,
			   u32 gso_max_size, u32 mss);

void xtcp_pacing_reset(struct sock *sk);
void xtcp_update_pacing_rate(struct sock *sk);
bool xtcp_pacing_hold(struct sock *sk);
void xtcp_pacing_sent(struct sock *sk, u32 len, u32 segs);
u32 xtcp_pacing_max_segs(const struct sock *sk);
void xtcp_pacing_kick(struct sock *sk);

#endif /* _XTCP_PACING_H */
