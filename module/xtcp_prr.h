/* SPDX-License-Identifier: GPL-2.0 */
/*
 * XTCP Proportional Rate Reduction (RFC 6937): how much a SACK connection
 * may send on each ACK of a fast-recovery episode. The state a connection
 * keeps and the hooks the recovery, input and output paths call; the
 * mechanism is in xtcp_prr.c.
 */
#ifndef _XTCP_PRR_H
#define _XTCP_PRR_H

#include <linux/types.h>

struct sock;

/**
 * struct xtcp_prr - a connection's PRR state (RFC 6937 3)
 * @prior_cwnd: cwnd when the episode began (Linux's stand-in for the
 *	RFC's RecoverFS); the recovery point is the socket's high_seq
 * @delivered: prr_delivered: segments delivered to the peer (SACKed or
 *	cumulatively acknowledged, each once) during the episode
 * @out: prr_out: segments sent, new or again, during the episode
 * @delivered_cnt: segments delivered over the connection's life (as
 *	Linux's tp->delivered), wrapping
 * @delivered_seen: @delivered_cnt when the last ACK was processed
 * @lost_cnt: segments marked lost over the connection's life, wrapping
 * @reno_sacked: NewReno (no SACK) episode: duplicate ACKs taken as
 *	segments delivered beyond the hole and not cumulatively acknowledged
 *	since (Linux's sacked_out for a Reno connection)
 */
struct xtcp_prr {
	u32 prior_cwnd;
	u32 delivered;
	u32 out;
	u32 delivered_cnt;
	u32 delivered_seen;
	u32 lost_cnt;
	u32 reno_sacked;
};

u32 xtcp_prr_cwnd(struct xtcp_prr *prr, u32 ssthresh, u32 pipe,
		  u32 delivered, bool bonus);
void xtcp_prr_init(struct sock *sk);
u32 xtcp_prr_take_delivered(struct sock *sk);
void xtcp_prr_ack(struct sock *sk, u32 delivered, bool bonus);
void xtcp_prr_sent(struct sock *sk, u32 segs);
void xtcp_prr_end(struct sock *sk);
void xtcp_prr_reno_enter(struct sock *sk, u32 dupacks);
void xtcp_prr_reno_dupack(struct sock *sk);
void xtcp_prr_reno_partial_ack(struct sock *sk, u32 acked);

#endif /* _XTCP_PRR_H */
