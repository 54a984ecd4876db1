// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP Proportional Rate Reduction (RFC 6937), for SACK and NewReno loss
 * recovery.
 *
 * Fast recovery must take cwnd from its value before the loss (prior_cwnd)
 * down to ssthresh. Setting cwnd = ssthresh at once, and sending by pipe,
 * sends nothing until pipe has drained below ssthresh (then everything
 * ACK-clocked at once); RFC 6582 inflation bursts. PRR spreads the
 * reduction over the round trip instead: on each ACK of the episode the
 * segments delivered to the peer (newly SACKed or cumulatively acknowledged)
 * are added to prr_delivered, and
 *
 *   while pipe > ssthresh (proportional part):
 *	sndcnt = ceil(prr_delivered * ssthresh / prior_cwnd) - prr_out
 *   else (slow start reduction bound, PRR-SSRB):
 *	sndcnt = min(ssthresh - pipe,
 *		     max(prr_delivered - prr_out, delivered) + bonus)
 *
 * where bonus is one segment when the ACK advanced snd_una and marked no
 * new loss (the refinement Linux and RFC 6937bis make to RFC 6937's "+1
 * MSS"), and the first ACK of the episode may always send one segment (the
 * fast retransmit). cwnd = pipe + sndcnt, so xtcp_sack_xmit_lost() and
 * xtcp_write_xmit(), which send while pipe < cwnd, send exactly sndcnt
 * segments (retransmissions first). prr_out counts what leaves during the
 * episode (xtcp_prr_sent() in the send path). Over one round trip the
 * sender thus sends ssthresh segments, ssthresh/prior_cwnd per delivered
 * segment (7 of 10 with CUBIC, 1 of 2 with Reno), and pipe converges to
 * ssthresh; when the episode ends cwnd is ssthresh (unless a DSACK undo
 * restores the old window). The recovery point is the socket's high_seq.
 *
 * Without SACK (NewReno, RFC 6582, whose window inflation PRR replaces, as
 * in Linux) every duplicate ACK counts as one segment delivered beyond the
 * hole (RFC 6937's DeliveredData without SACK), kept in prr.reno_sacked
 * until a cumulative ACK covers it; pipe is packets_out less those (the
 * hole is retransmitted: lost and retransmitted cancel). The send path
 * compares packets_out, not pipe, with cwnd, so cwnd there is PRR's
 * pipe + sndcnt plus reno_sacked.
 */
#include "xtcp.h"
#include "xtcp_cong.h"

/**
 * xtcp_prr_cwnd() - PRR's congestion window for one ACK (RFC 6937 3)
 * @prr: the episode's state: @prr->delivered grows by @delivered
 * @ssthresh: the episode's ssthresh, segments
 * @pipe: segments in flight after the ACK (RFC 6675 pipe)
 * @delivered: segments the ACK delivered (DeliveredData), at least 1
 * @bonus: the ACK advanced snd_una and marked no new loss: the slow start
 *	reduction bound may send one segment more
 *
 * Pure arithmetic, for the KUnit tests; @prr->out is the caller's.
 *
 * Return: pipe + sndcnt, the cwnd that lets sndcnt segments go.
 */
u32 xtcp_prr_cwnd(struct xtcp_prr *prr, u32 ssthresh, u32 pipe,
		  u32 delivered, bool bonus)
{
	s64 sndcnt;

	prr->delivered += delivered;
	if (pipe > ssthresh) {
		u64 want = DIV_ROUND_UP_ULL((u64)prr->delivered * ssthresh,
					    max(prr->prior_cwnd, 1U));

		sndcnt = (s64)want - prr->out;
	} else {
		s64 limit = max_t(s64, (s64)prr->delivered - prr->out,
				  delivered);

		sndcnt = min_t(s64, ssthresh - pipe, limit + bonus);
	}
	/* The fast retransmit goes whatever the arithmetic says. */
	sndcnt = max_t(s64, sndcnt, prr->out ? 0 : 1);
	return min_t(s64, (s64)pipe + sndcnt, XTCP_MAX_CWND);
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_prr_cwnd);

/**
 * xtcp_prr_init() - a fast-recovery episode begins
 * @sk: the socket, locked, cwnd not yet reduced
 */
void xtcp_prr_init(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xs->prr.prior_cwnd = xs->snd_cwnd;
	xs->prr.delivered = 0;
	xs->prr.out = 0;
	xs->prr.reno_sacked = 0;
}

/**
 * xtcp_prr_take_delivered() - segments delivered since the last ACK
 * @sk: the socket, locked, the ACK's SACK blocks and cumulative
 *	acknowledgment taken
 *
 * Called once per ACK of a SACK connection.
 *
 * Return: DeliveredData of this ACK, in segments.
 */
u32 xtcp_prr_take_delivered(struct sock *sk)
{
	struct xtcp_prr *prr = &xtcp_sk(sk)->prr;
	u32 n = prr->delivered_cnt - prr->delivered_seen;

	prr->delivered_seen = prr->delivered_cnt;
	return n;
}

/**
 * xtcp_prr_ack() - set cwnd for what this ACK lets recovery send
 * @sk: the socket, locked, losses of the ACK marked
 * @delivered: segments the ACK delivered (xtcp_prr_take_delivered())
 * @bonus: the ACK advanced snd_una and marked no new loss
 *
 * Outside fast recovery, or for an ACK that delivered nothing, cwnd stays.
 */
void xtcp_prr_ack(struct sock *sk, u32 delivered, bool bonus)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (xs->ca_state != XTCP_CA_RECOVERY || !delivered)
		return;
	xs->snd_cwnd = xtcp_prr_cwnd(&xs->prr, xs->snd_ssthresh,
				     xtcp_packets_in_flight(xs), delivered,
				     bonus);
}

/**
 * xtcp_prr_sent() - segments left, new or retransmitted
 * @sk: the socket, locked
 * @segs: how many
 */
void xtcp_prr_sent(struct sock *sk, u32 segs)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (xs->ca_state == XTCP_CA_RECOVERY)
		xs->prr.out += segs;
}

/**
 * xtcp_prr_end() - the episode's recovery point is acknowledged
 * @sk: the socket, locked, back in the Open state
 *
 * The reduction is complete: cwnd = ssthresh (RFC 6937 3, as Linux's
 * tcp_end_cwnd_reduction()). A later DSACK undo may still restore it.
 */
void xtcp_prr_end(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xs->snd_cwnd = xs->snd_ssthresh;
	xs->snd_cwnd_cnt = 0;
}

/* NewReno: cwnd for an ACK that delivered @delivered segments, counted in
 * reno_sacked already.
 */
static void xtcp_prr_reno_cwnd(struct sock *sk, u32 delivered)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_prr *prr = &xs->prr;
	u32 pipe, cwnd;

	prr->reno_sacked = min(prr->reno_sacked, xs->packets_out);
	pipe = xs->packets_out - prr->reno_sacked;
	cwnd = xtcp_prr_cwnd(prr, xs->snd_ssthresh, pipe, delivered, false);
	xs->snd_cwnd = min_t(u32, cwnd + prr->reno_sacked, XTCP_MAX_CWND);
}

/**
 * xtcp_prr_reno_enter() - a NewReno fast retransmit began an episode
 * @sk: the socket, locked, after xtcp_prr_init(), the window reduction
 *	(xtcp_cong_enter_recovery()) and the fast retransmission
 * @dupacks: the duplicate ACKs that led to it, each a segment delivered
 */
void xtcp_prr_reno_enter(struct sock *sk, u32 dupacks)
{
	xtcp_sk(sk)->prr.reno_sacked = dupacks;
	xtcp_prr_reno_cwnd(sk, 1);
}

/**
 * xtcp_prr_reno_dupack() - a further duplicate ACK in NewReno recovery
 * @sk: the socket, locked, in recovery without SACK
 *
 * One more segment delivered; at least the hole stays in flight, as
 * tcp_limit_reno_sacked() keeps it.
 */
void xtcp_prr_reno_dupack(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (xs->prr.reno_sacked + 1 < xs->packets_out)
		xs->prr.reno_sacked++;
	xtcp_prr_reno_cwnd(sk, 1);
}

/**
 * xtcp_prr_reno_partial_ack() - a partial ACK in NewReno recovery
 * @sk: the socket, locked, in recovery without SACK, the next hole
 *	retransmitted
 * @acked: segments it acknowledged, at least 1
 *
 * All but one of them were counted by duplicate ACKs already (as
 * tcp_remove_reno_sacks()): the ACK delivered the rest.
 */
void xtcp_prr_reno_partial_ack(struct sock *sk, u32 acked)
{
	struct xtcp_prr *prr = &xtcp_sk(sk)->prr;
	u32 covered;

	acked = max(acked, 1U);
	covered = min(acked - 1, prr->reno_sacked);
	prr->reno_sacked -= covered;
	xtcp_prr_reno_cwnd(sk, acked - covered);
}
