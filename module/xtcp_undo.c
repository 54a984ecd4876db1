// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP: undoing a spurious retransmission timeout, with timestamps (the
 * Eifel detection, RFC 3522) or DSACKs (RFC 3708), as Linux's
 * tcp_try_undo_loss() does.
 *
 * A timeout whose data was delayed, not lost (a delay spike, an ACK held
 * on a stalled CPU's backlog, a copy waiting in a slow qdisc) costs the
 * flow its window: ssthresh is cut, cwnd starts again at one segment, and
 * go-back-N sends again what is in flight, which all arrives twice.
 *
 * Detection (RFC 3522 2): the timeout notes our TSval clock. If the first
 * ACK after it that acknowledges new data echoes an older TSval, that ACK
 * was sent for a transmission from before the timeout: the original
 * arrived, and the timeout was spurious. (TS.Recent at the receiver only
 * moves forward, and a retransmission that filled a hole is echoed, RFC
 * 7323 4.3, so an ACK for a retransmission never echoes an older TSval.)
 * Only that first ACK decides; a TSecr of 0 says nothing (RFC 7323 3.2).
 * Nor does one older than the oldest data in flight at the timeout (the
 * head's last transmission): an honest peer's TS.Recent comes from a
 * segment at or above snd_una, so only a broken or hostile peer echoes
 * that, and it must not win back the window a real loss cost. (A peer
 * can still lie about what it received, as with any ACK.)
 *
 * With SACK, and with or without timestamps, the timeout is also found
 * spurious once every retransmission since it came back as a duplicate
 * (a DSACK, RFC 2883; RFC 3708 2): the timeout arms the SACK scoreboard's
 * undo as an episode of its own (XTCP_UNDO_LOSS), whose retransmissions
 * and DSACKs xtcp_sack.c counts as for fast recovery, and calls
 * xtcp_undo_rto() when the count reaches zero. That can come after the
 * Loss state ended (the originals' ACK ends it, the DSACK of the
 * retransmission follows), as Linux's tcp_try_undo_dsack() undoes in the
 * Open state. It is the only evidence from a peer without timestamps
 * that gives SACK; one without either has F-RTO (RFC 5682,
 * xtcp_frto.c), armed here too. A later timeout, or a window
 * reduction a loss probe's repair makes (xtcp_cong_cwr()), ends the
 * episode.
 *
 * Response (RFC 3522 and 4015's essentials, as Linux): cwnd and ssthresh
 * come back to what they were before the timeout (xtcp_cong_undo(): CUBIC
 * re-arms HyStart++ if that is the initial slow start), and go-back-N is taken
 * back: the segments it has not sent again yet are in flight from their
 * last transmission (xtcp_undo_go_back_n()), so new data follows snd_max
 * instead of duplicates, and the lost and retransmitted marks go. The RTT
 * sample the ACK's TSecr gives (xtcp_tstamp_rtt_us()) includes the delay
 * that caused the timeout, so the RTO grows with it. A SACK connection is
 * Open again, with the recovery point at what go-back-N had resent;
 * NewReno's stays in the Loss state until snd_una passes the
 * point the timeout had reached, as Linux's, so that duplicate ACKs from
 * segments resent before the undo start no fast retransmit. Counts
 * LossUndo.
 *
 * Only a timeout that is the first retransmission of its episode can be
 * undone: not one from fast recovery, nor one with a tail loss probe's
 * retransmission in flight (the reference would be that earlier
 * retransmission, as Linux's retrans_stamp). After a path MTU decrease
 * (xtcp_pmtu_shrink()) what went out at the old size was lost whatever
 * the ACKs say: that go-back-N disarms the undo, and a timeout during it
 * is not armed, nor is the DSACK undo.
 */
#define pr_fmt(fmt) "xtcp: " fmt

#include "xtcp.h"
#include "xtcp_undo.h"

/**
 * xtcp_rto_spurious() - does an ACK show a retransmission timeout spurious?
 * @saw_tstamp: the ACK carries a timestamp option
 * @tsecr: its TSecr
 * @lo: the TSval of the oldest data in flight when the timeout fired
 * @rto_tsval: our TSval clock when the timeout fired
 *
 * Return: true if the ACK echoes a TSval older than the timeout (RFC 3522
 * 2) but not older than any data then in flight, compared in serial number
 * arithmetic; never for TSecr 0.
 */
bool xtcp_rto_spurious(bool saw_tstamp, u32 tsecr, u32 lo, u32 rto_tsval)
{
	return saw_tstamp && tsecr && (s32)(tsecr - rto_tsval) < 0 &&
	       (s32)(tsecr - lo) >= 0;
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_rto_spurious);

/* Is any segment in flight a retransmission (a tail loss probe's)? Then
 * the timeout is not the first retransmission of the episode.
 */
static bool xtcp_undo_rtx_in_flight(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb;

	skb_queue_walk(&sk->sk_write_queue, skb) {
		if (skb == xs->send_head)
			break;
		if (XTCP_SKB_CB(skb)->sacked & XTCP_SKB_RETRANS)
			return true;
	}
	return false;
}

/**
 * xtcp_undo_rto_begin() - a retransmission timeout is about to cut the window
 * @sk: the socket, locked, before xtcp_cong_on_rto()
 *
 * The first timeout from the Open state notes the window; with
 * timestamps, the TSval clock and the TSval of the oldest data in flight
 * (the head's last transmission); with SACK, it starts the DSACK count of
 * its retransmissions. A later one of the same series keeps the first's
 * (the first ACK of new data may still show them all spurious).
 * Without either, F-RTO is armed instead if net.xtcp.frto allows. Not
 * armed from fast recovery, during a path MTU go-back-N, or with a
 * retransmission in flight already (a tail loss probe): then the timeout
 * is not the episode's first retransmission. Any timeout ends F-RTO.
 */
void xtcp_undo_rto_begin(struct sock *sk)
{
	struct sk_buff *head = skb_peek(&sk->sk_write_queue);
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 now_tsval, age_us;

	/* A timeout during F-RTO ends it (RFC 5682 2.1): go-back-N. */
	xs->frto = 0;
	if (xs->ca_state == XTCP_CA_LOSS)
		return;
	xs->undo_rto = 0;
	/* An earlier timeout's episode ends here, undone or not: this
	 * timeout's retransmissions are not its own.
	 */
	if (xs->sack.undo_active == XTCP_UNDO_LOSS)
		xs->sack.undo_active = 0;
	if (xs->ca_state != XTCP_CA_OPEN || !head || head == xs->send_head ||
	    xs->snd_nxt != xs->snd_max || xtcp_undo_rtx_in_flight(sk))
		return;
	/* Without timestamps or SACK, only F-RTO can tell (xtcp_frto.c). */
	xs->frto = !xs->tstamp_ok && !xs->sack_ok &&
		   READ_ONCE(xtcp_pernet(sock_net(sk))->frto);
	if (!xs->tstamp_ok && !xs->sack_ok && !xs->frto)
		return;
	/* Go-back-N ends any other SACK episode (xtcp_sack_go_back_n()):
	 * its prior window is free, and a new one begins only out of Loss.
	 */
	xs->sack.prior_cwnd = xs->snd_cwnd;
	xs->sack.prior_ssthresh = xs->snd_ssthresh;
	if (xs->sack_ok) {
		xs->sack.undo_active = XTCP_UNDO_LOSS;
		xs->sack.undo_marker = xs->snd_una;
		xs->sack.undo_retrans = -1;
	}
	if (!xs->tstamp_ok)
		return;
	now_tsval = xtcp_clock_ms(xs) + xs->ts_offset;
	age_us = (u32)xtcp_clock_us(xs) - XTCP_SKB_CB(head)->tx_us;
	xs->undo_rto = 1;
	xs->undo_tsval = now_tsval;
	/* Rounded down, and a tick more: the clocks are read apart. */
	xs->undo_tsval_lo = now_tsval - DIV_ROUND_UP(age_us, USEC_PER_MSEC) - 1;
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_undo_rto_begin);

/**
 * xtcp_undo_rto() - undo a timeout found spurious
 * @sk: the socket, locked: from xtcp_undo_rto_ack(), or from
 *	xtcp_sack_on_ack() once the DSACKs of the timeout's episode covered
 *	all its retransmissions (in the Loss state or after it ended)
 *
 * The window before the timeout comes back, go-back-N is taken back, the
 * backoff is gone (a running RTO restarts without it), and a SACK
 * connection is Open. Counts LossUndo.
 */
void xtcp_undo_rto(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xs->undo_rto = 0;
	xtcp_cong_undo(sk, xs->sack.prior_cwnd, xs->sack.prior_ssthresh);
	xs->dupacks = 0;
	xs->backoff = 0;
	xtcp_sack_undo_loss(sk);
	if (xs->sack_ok) {
		/* Open again; duplicate ACKs for what go-back-N resent start
		 * no recovery (xtcp_sack_time_to_recover()), losses above do.
		 */
		xs->ca_state = XTCP_CA_OPEN;
		xs->high_seq = xs->snd_nxt;
	}
	xtcp_undo_go_back_n(sk);
	if (xs->rtx_mode == XTCP_RTX_RETRANS && xs->packets_out)
		xtcp_rearm_rto(sk);
	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_LOSSUNDO);
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_undo_rto);

/**
 * xtcp_undo_rto_ack() - undo a timeout the first ACK of new data shows spurious
 * @sk: the socket, locked, snd_una just advanced, the acknowledged skbs
 *	freed
 *
 * Return: true if the timeout was undone.
 */
bool xtcp_undo_rto_ack(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (!xs->undo_rto)
		return false;
	xs->undo_rto = 0;
	if (xs->ca_state != XTCP_CA_LOSS ||
	    !xtcp_rto_spurious(xs->rx_opt.saw_tstamp, xs->rx_opt.rcv_tsecr,
			       xs->undo_tsval_lo, xs->undo_tsval))
		return false;
	xtcp_undo_rto(sk);
	return true;
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_undo_rto_ack);

