/* SPDX-License-Identifier: GPL-2.0 */
/*
 * XTCP congestion control interface. The loss-recovery machinery (fast
 * retransmit, NewReno recovery, RTO) lives in the input path and the
 * timers; an algorithm only says how the window grows and where ssthresh
 * goes after a loss.
 */
#ifndef _XTCP_CONG_H
#define _XTCP_CONG_H

#include <linux/types.h>

struct sock;

/**
 * struct xtcp_cong_ops - a congestion-control algorithm
 * @name: algorithm name
 * @init: set the initial window state of a new connection
 * @cong_avoid: grow cwnd for @acked newly acknowledged segments, outside
 *	recovery
 * @ssthresh: the slow-start threshold after a loss, in segments
 */
struct xtcp_cong_ops {
	const char *name;
	void (*init)(struct sock *sk);
	void (*cong_avoid)(struct sock *sk, u32 acked);
	u32 (*ssthresh)(struct sock *sk);
};

extern const struct xtcp_cong_ops xtcp_reno;

#define XTCP_MAX_CWND	65535U

/* Reno arithmetic, shared with the KUnit tests. */
u32 xtcp_reno_grow(u32 *cwnd, u32 *cnt, u32 ssthresh, u32 acked);
u32 xtcp_reno_ssthresh_of(u32 flight);

#endif /* _XTCP_CONG_H */
