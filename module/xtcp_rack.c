// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP RACK-TLP (RFC 8985): loss detection by time, and tail loss probes.
 *
 * RACK: every segment delivered (SACKed, or cumulatively acknowledged
 * without having been SACKed) that is not an ambiguous retransmission
 * (RFC 8985 6.2 step 1: the echoed timestamp predates the retransmission,
 * or its RTT is below min_RTT) becomes the RACK segment if it was sent
 * after the current one, and its RTT becomes RACK.rtt. A segment sent
 * before the RACK segment and still neither acknowledged nor SACKed is
 * lost once RACK.rtt + reo_wnd has passed since it was sent; one not yet
 * past that arms the reorder timer, a mode of the retransmission hrtimer
 * (XTCP_RTX_REO), as Linux's ICSK_TIME_REO_TIMEOUT. Lost segments go to the
 * RFC 6675 machinery of xtcp_sack.c, which retransmits them as pipe allows
 * (xtcp_sack_recover()). RACK needs SACK: without it the NewReno path of
 * xtcp_input.c runs unchanged, and with net.xtcp.recovery bit 0 clear the
 * RFC 6675 DupThresh rule does.
 *
 * The reorder window (6.2 step 4) is min_RTT / 4 times reo_wnd_mult, at
 * most SRTT. min_RTT is the least RTT sample of the last
 * net.xtcp.min_rtt_wlen seconds (tcp_min_rtt_wlen; samples from ACKs and
 * SACKs of segments never retransmitted), so that it follows a route
 * change to a longer path. Before any reordering was seen it is 0 in recovery and once
 * DupThresh segments are SACKed (as tcp_rack_reo_wnd()), so RACK is never
 * slower than DupThresh. A DSACK grows reo_wnd_mult once per round trip;
 * after 16 recoveries without one it falls back to 1.
 *
 * RACK runs in every state, the Loss state after a retransmission timeout
 * too (RFC 8985 6.2 says nothing of states; tcp_fastretrans_alert() does
 * the same): there everything below the send head went again after the
 * timeout, in sequence order, so RACK sees which of those retransmissions
 * were lost once a later one is delivered, and the connection enters
 * recovery to send them a third time (xtcp_sack_recover()) rather than
 * wait for the backed-off timer.
 *
 * The walk over the write queue stops at the first segment sent after
 * the RACK segment that was never retransmitted: original transmissions
 * leave in sequence order, so every later one was sent later still, and a
 * retransmission beyond it was sent after its own original.
 *
 * TLP (RFC 8985 7): after new data is sent, or new data acknowledged, in
 * the Open state, the retransmission hrtimer is armed for the probe
 * timeout (XTCP_RTX_TLP): 2 * SRTT, plus the worst-case delayed ACK when
 * one segment is in flight, at least 10 ms, at most what is left of the
 * RTO, counted from the last transmission of the segment at snd_una (as
 * tcp_rto_delta_us()). On expiry it sends one new segment, past the
 * congestion window and Nagle, or else the last segment sent again, and
 * arms the RTO. One probe at a time: with one outstanding, the expiry
 * arms the RTO for what is left of it, so data sent after a probe never
 * postpones the RTO.
 * The probe's ACK tells (7.4): a DSACK of it or a pure duplicate ACK means
 * nothing was lost; an ACK beyond it without a DSACK means the probe
 * repaired a loss, and cwnd is reduced once (TLPRecovery).
 */
#define pr_fmt(fmt) "xtcp: " fmt

#include "xtcp.h"
#include "xtcp_cong.h"

/**
 * xtcp_rack_sent_after() - RFC 8985 RACK_sent_after()
 * @t1: transmission time of the first segment, tx_us clock
 * @seq1: its end_seq
 * @t2: transmission time of the second segment
 * @seq2: its end_seq
 *
 * Return: true if the first segment was sent after the second; at the
 * same time the one with the higher sequence number was sent later.
 */
bool xtcp_rack_sent_after(u32 t1, u32 seq1, u32 t2, u32 seq2)
{
	return (s32)(t1 - t2) > 0 || (t1 == t2 && xtcp_seq_after(seq1, seq2));
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_rack_sent_after);

/**
 * xtcp_rack_reo_wnd_of() - the reordering window (RFC 8985 6.2 step 4)
 * @min_rtt_us: RACK.min_RTT, 0 if none
 * @srtt_us: SRTT, 0 if none
 * @mult: RACK.reo_wnd_mult
 * @reord_seen: reordering was observed on the connection
 * @recovering: in fast recovery or after an RTO
 * @sacked_out: segments SACKed
 * @sysctl: net.xtcp.recovery
 *
 * Return: the window in microseconds.
 */
u32 xtcp_rack_reo_wnd_of(u32 min_rtt_us, u32 srtt_us, u8 mult,
			 bool reord_seen, bool recovering, u32 sacked_out,
			 int sysctl)
{
	if (!reord_seen) {
		if (recovering)
			return 0;
		if (sacked_out >= XTCP_SACK_DUPTHRESH &&
		    !(sysctl & XTCP_RACK_NO_DUPTHRESH))
			return 0;
	}
	return min_t(u64, (u64)(min_rtt_us / 4) * mult, srtt_us);
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_rack_reo_wnd_of);

/**
 * xtcp_rack_remaining() - time left before a segment counts as lost
 * @now_us: now, tx_us clock
 * @tx_us: when the segment was sent
 * @rtt_us: RACK.rtt
 * @reo_wnd_us: the reordering window
 *
 * Return: microseconds left; 0 or less: lost (RFC 8985 6.2 step 5).
 */
s32 xtcp_rack_remaining(u32 now_us, u32 tx_us, u32 rtt_us, u32 reo_wnd_us)
{
	return (s32)(rtt_us + reo_wnd_us - (now_us - tx_us));
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_rack_remaining);

/**
 * xtcp_rack_reo_adapt() - adapt reo_wnd_mult to DSACKs (RFC 8985 6.2 step 4)
 * @r: the RACK state
 * @dsack: the ACK carried a DSACK
 * @exited: the ACK ended a recovery episode
 * @snd_una: snd_una after the ACK
 * @snd_nxt: snd_nxt
 *
 * At most one increase per round trip (dsack_round); the increase lasts
 * XTCP_RACK_REO_PERSIST recoveries without a DSACK.
 */
void xtcp_rack_reo_adapt(struct xtcp_rack *r, bool dsack, bool exited,
			 u32 snd_una, u32 snd_nxt)
{
	if (r->dsack_round_on && !xtcp_seq_before(snd_una, r->dsack_round))
		r->dsack_round_on = 0;
	if (!r->dsack_round_on && dsack) {
		r->dsack_round_on = 1;
		r->dsack_round = snd_nxt;
		if (r->reo_wnd_mult < U8_MAX)
			r->reo_wnd_mult++;
		r->reo_wnd_persist = XTCP_RACK_REO_PERSIST;
	} else if (exited && r->reo_wnd_persist) {
		if (!--r->reo_wnd_persist)
			r->reo_wnd_mult = 1;
	}
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_rack_reo_adapt);

/**
 * xtcp_tlp_pto_us() - the probe timeout (RFC 8985 7.2)
 * @srtt_us: SRTT, 0 if none
 * @packets_out: segments in flight
 * @rto_left_us: time until the RTO would fire, 0 for no limit
 *
 * Return: 2 * SRTT (1 s without a sample), plus WCDelAckT with one
 * segment in flight, at least XTCP_TLP_MIN_US, at most @rto_left_us.
 */
u32 xtcp_tlp_pto_us(u32 srtt_us, u32 packets_out, u32 rto_left_us)
{
	u64 pto = XTCP_TLP_INIT_US;

	if (srtt_us) {
		pto = 2ULL * srtt_us;
		if (packets_out == 1)
			pto += XTCP_TLP_WCDELACK_US;
	}
	pto = max_t(u64, pto, XTCP_TLP_MIN_US);
	if (rto_left_us)
		pto = min_t(u64, pto, rto_left_us);
	return pto;
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_tlp_pto_us);

/**
 * xtcp_min_rtt_update() - fold an RTT sample into a windowed minimum
 * @m: the filter; all zero: no sample yet
 * @win: the window, in the unit of @now
 * @now: the time of the sample
 * @rtt_us: the sample, microseconds (0 counts as 1)
 *
 * The minimum of the samples of the last @win, as tcp_update_rtt_min():
 * the kernel exports minmax_running_max() only, so the filter keeps the
 * complements of the samples, whose maximum is the minimum sought.
 *
 * Return: the minimum, microseconds.
 */
u32 xtcp_min_rtt_update(struct minmax *m, u32 win, u32 now, u32 rtt_us)
{
	return ~minmax_running_max(m, win, now, ~max(rtt_us, 1U));
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_min_rtt_update);

/**
 * xtcp_min_rtt_sample() - an RTT sample for min_RTT
 * @sk: the socket, locked
 * @rtt_us: RTT of a segment never retransmitted, microseconds
 *
 * A sample counts for net.xtcp.min_rtt_wlen seconds (tcp_min_rtt_wlen), so
 * a route change to a longer path lifts min_RTT, and the reorder window
 * with it, within that time.
 */
void xtcp_min_rtt_sample(struct sock *sk, u32 rtt_us)
{
	struct xtcp_rack *r = &xtcp_sk(sk)->rack;
	u32 wlen = READ_ONCE(xtcp_pernet(sock_net(sk))->min_rtt_wlen);

	r->min_rtt_us = xtcp_min_rtt_update(&r->min_rtt_win, wlen * HZ,
					    (u32)jiffies, rtt_us);
}

static int xtcp_rack_sysctl(const struct sock *sk)
{
	return READ_ONCE(xtcp_pernet(sock_net(sk))->recovery);
}

/**
 * xtcp_rack_init() - a new connection: nothing delivered, no probe
 * @sk: the socket
 */
void xtcp_rack_init(struct sock *sk)
{
	struct xtcp_rack *r = &xtcp_sk(sk)->rack;

	memset(r, 0, sizeof(*r));
	r->reo_wnd_mult = 1;
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_rack_init);

/**
 * xtcp_rack_enabled() - is RACK-TLP the loss detector of @sk?
 * @sk: the socket
 *
 * Return: true with SACK in use and net.xtcp.recovery bit 0 set.
 */
bool xtcp_rack_enabled(const struct sock *sk)
{
	return xtcp_sk(sk)->sack_ok &&
	       (xtcp_rack_sysctl(sk) & XTCP_RACK_LOSS_DETECTION);
}

/* Did the ACK being processed echo a timestamp older than the last
 * transmission of a segment sent @age_us ago? Then it acknowledges an
 * earlier transmission (RFC 8985 6.2 step 1).
 */
static bool xtcp_rack_ts_older(const struct xtcp_sock *xs, u32 age_us)
{
	u32 tsval;

	if (!xs->rx_opt.saw_tstamp || !xs->rx_opt.rcv_tsecr)
		return false;
	tsval = xtcp_clock_ms(xs) + xs->ts_offset -
		DIV_ROUND_UP(age_us, USEC_PER_MSEC);
	return xtcp_seq_before(xs->rx_opt.rcv_tsecr, tsval);
}

/**
 * xtcp_rack_advance() - a segment was delivered (RFC 8985 6.2 steps 1-3)
 * @sk: the socket, locked
 * @skb: the write-queue skb newly SACKed or cumulatively acknowledged
 *
 * Counts RACKReorder when a segment never retransmitted is delivered
 * below the highest one delivered before it.
 */
void xtcp_rack_advance(struct sock *sk, const struct sk_buff *skb)
{
	const struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_rack *r = &xs->rack;
	bool retrans = cb->sacked & XTCP_SKB_RETRANS;
	u32 rtt = (u32)xtcp_clock_us(xs) - cb->tx_us;

	if (!xtcp_rack_enabled(sk))
		return;
	if (retrans && (xtcp_rack_ts_older(xs, rtt) ||
			(r->min_rtt_us && rtt < r->min_rtt_us)))
		return;	/* ambiguous: the original may have been delivered */

	if (!r->fack_ok || xtcp_seq_after(cb->end_seq, r->fack)) {
		r->fack = cb->end_seq;
		r->fack_ok = 1;
	} else if (!retrans && xtcp_seq_before(cb->end_seq, r->fack)) {
		if (!r->reord_seen)
			XTCP_INC_STATS(sock_net(sk), XTCP_MIB_RACKREORDER);
		r->reord_seen = 1;
	}
	if (!retrans)
		xtcp_min_rtt_sample(sk, rtt);

	r->rtt_us = rtt;
	r->advanced = 1;
	if (!r->valid || xtcp_rack_sent_after(cb->tx_us, cb->end_seq,
					      r->xmit_us, r->end_seq)) {
		r->xmit_us = cb->tx_us;
		r->end_seq = cb->end_seq;
		r->valid = 1;
	}
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_rack_advance);

static u32 xtcp_rack_reo_wnd(const struct sock *sk)
{
	const struct xtcp_sock *xs = xtcp_sk(sk);

	return xtcp_rack_reo_wnd_of(xs->rack.min_rtt_us, xs->rtt.srtt,
				    xs->rack.reo_wnd_mult, xs->rack.reord_seen,
				    xs->ca_state != XTCP_CA_OPEN,
				    xs->sack.sacked_out, xtcp_rack_sysctl(sk));
}

/* RFC 8985 6.2 step 5: mark what is lost; arm the reorder timer for what
 * may still be. Return: segments newly marked lost.
 */
static u32 xtcp_rack_detect_loss(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_rack *r = &xs->rack;
	u32 now = (u32)xtcp_clock_us(xs), reo_wnd = xtcp_rack_reo_wnd(sk);
	u32 lost = 0, timeout = 0;
	struct sk_buff *skb;

	if (!r->valid)
		return 0;
	skb_queue_walk(&sk->sk_write_queue, skb) {
		struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
		s32 left;

		if (skb == xs->send_head)
			break;
		if ((cb->sacked & XTCP_SKB_SACKED) ||
		    (cb->sacked & (XTCP_SKB_LOST | XTCP_SKB_RTX_OUT)) ==
		    XTCP_SKB_LOST)
			continue;	/* delivered, or waiting to be resent */
		if (!xtcp_rack_sent_after(r->xmit_us, r->end_seq, cb->tx_us,
					  cb->end_seq)) {
			if (!(cb->sacked & XTCP_SKB_RETRANS))
				break;	/* and so was everything after it */
			continue;
		}
		left = xtcp_rack_remaining(now, cb->tx_us, r->rtt_us, reo_wnd);
		if (left <= 0) {
			if (xtcp_sack_mark_skb_lost(sk, skb))
				lost++;
		} else {
			timeout = max_t(u32, timeout, left);
		}
	}
	if (timeout)
		xtcp_rtx_arm_mode(sk, XTCP_RTX_REO,
				  min(timeout + XTCP_RACK_TIMER_SLACK_US,
				      xtcp_rto_with_backoff(xs)));
	return lost;
}

/**
 * xtcp_rack_on_ack() - RACK's part of an ACK's processing
 * @sk: the socket, locked, SACK and RACK in use, snd_una moved
 * @exited_recovery: the ACK ended a recovery episode
 *
 * Adapts the reordering window and, if a segment was delivered, marks
 * what is lost (xtcp_sack_recover() then retransmits it).
 */
void xtcp_rack_on_ack(struct sock *sk, bool exited_recovery)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_rack *r = &xs->rack;

	if (!(xtcp_rack_sysctl(sk) & XTCP_RACK_STATIC_REO_WND))
		xtcp_rack_reo_adapt(r, r->ack_dsack, exited_recovery,
				    xs->snd_una, xs->snd_nxt);
	if (!r->advanced)
		return;
	r->advanced = 0;
	xtcp_rack_detect_loss(sk);
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_rack_on_ack);

/* The time left until one RTO after the last transmission of the segment
 * at snd_una, at least 1 us (tcp_rto_delta_us()): a probe or reorder
 * timeout that takes the timer's place must not push the RTO back.
 */
static u32 xtcp_rto_left_us(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *head = skb_peek(&sk->sk_write_queue);
	u32 rto = xtcp_rto_with_backoff(xs);
	s32 left;

	if (!head || head == xs->send_head)
		return rto;
	left = rto - ((u32)xtcp_clock_us(xs) - XTCP_SKB_CB(head)->tx_us);
	return clamp_t(s32, left, 1, rto);
}

/* Arm the probe timeout if RFC 8985 7.2 allows one now.
 * @advancing: the RTO is being restarted from now (an ACK of new data)
 */
static bool xtcp_tlp_schedule(struct sock *sk, bool advancing)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 rto_left;

	if (!xtcp_rack_enabled(sk) || !xs->packets_out ||
	    xs->ca_state != XTCP_CA_OPEN || xs->rtx_mode == XTCP_RTX_REO ||
	    ((1 << sk->sk_state) & (TCPF_SYN_SENT | TCPF_SYN_RECV)))
		return false;
	rto_left = advancing ? xtcp_rto_with_backoff(xs) : xtcp_rto_left_us(sk);
	xtcp_rtx_arm_mode(sk, XTCP_RTX_TLP,
			  xtcp_tlp_pto_us(xs->rtt.srtt, xs->packets_out,
					  rto_left));
	return true;
}

/**
 * xtcp_rack_set_xmit_timer() - new data acknowledged, some still out
 * @sk: the socket, locked
 *
 * Arms the probe timeout if allowed, else restarts the RTO (RFC 6298 5.3).
 */
void xtcp_rack_set_xmit_timer(struct sock *sk)
{
	if (!xtcp_tlp_schedule(sk, true))
		xtcp_rearm_rto(sk);
}

/**
 * xtcp_rack_on_send() - xtcp_write_xmit() sent new data
 * @sk: the socket, locked
 *
 * Arms the probe timeout if RFC 8985 7.2 allows one, which takes the
 * timer's place (never later than the RTO would fire); else starts the
 * RTO if it is not running (RFC 6298 5.1; a probe timeout does not count
 * as running, a reorder timeout does). One hrtimer start per send, not
 * one for the RTO and another for the probe that replaced it.
 */
void xtcp_rack_on_send(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (xtcp_tlp_schedule(sk, false))
		return;
	if (xs->rtx_mode != XTCP_RTX_RETRANS && xs->rtx_mode != XTCP_RTX_REO)
		xtcp_rearm_rto(sk);
}

/**
 * xtcp_rack_on_rto() - the retransmission timeout fired
 * @sk: the socket, locked
 */
void xtcp_rack_on_rto(struct sock *sk)
{
	xtcp_sk(sk)->rack.tlp_out = 0;
}

/**
 * xtcp_rack_reo_timeout() - the reorder timer fired
 * @sk: the socket, locked; rtx_mode was cleared
 *
 * Marks what is lost by now (counts RACKReoTimeouts if anything), starts
 * or continues recovery, and leaves a timer running.
 */
void xtcp_rack_reo_timeout(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (xs->snd_una == xs->snd_max)
		return;
	if (xtcp_rack_enabled(sk) && xtcp_rack_detect_loss(sk)) {
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_RACKREOTIMEOUTS);
		xtcp_sack_recover(sk);
	}
	if (xs->rtx_mode == XTCP_RTX_NONE)
		xtcp_rack_set_xmit_timer(sk);
}

/* The last segment sent: the one before the send head. */
static struct sk_buff *xtcp_tlp_last_sent(struct sock *sk)
{
	struct sk_buff *head = xtcp_sk(sk)->send_head;

	if (!head)
		return skb_peek_tail(&sk->sk_write_queue);
	if (skb_queue_is_first(&sk->sk_write_queue, head))
		return NULL;
	return skb_queue_prev(&sk->sk_write_queue, head);
}

/**
 * xtcp_tlp_fire() - the probe timeout fired (RFC 8985 7.3)
 * @sk: the socket, locked; rtx_mode was cleared
 *
 * Sends new data if there is any the peer's window takes, else the last
 * segment again, once per probe episode; counts TLPProbes. The RTO runs
 * afterwards in every case: from now after a probe, else (a probe is
 * outstanding already) one RTO after the segment at snd_una last left,
 * as tcp_send_loss_probe(), so that data sent meanwhile, which armed
 * this timer, does not postpone the RTO.
 */
void xtcp_tlp_fire(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_rack *r = &xs->rack;
	u32 nxt = xs->snd_nxt;
	struct sk_buff *skb;

	if (xs->snd_una == xs->snd_max)
		return;
	if (xs->ca_state != XTCP_CA_OPEN || !xtcp_rack_enabled(sk) ||
	    r->tlp_out)
		goto rearm;

	r->tlp_retrans = 0;
	if (xs->send_head && !xtcp_send_new_one(sk) &&
	    xtcp_seq_after(xs->snd_nxt, nxt))
		goto sent;
	skb = xtcp_tlp_last_sent(sk);
	/* The probe is the last segment, not the last skb. */
	if (skb && xtcp_skb_pcount(skb) > 1) {
		if (xtcp_unbundle(sk, skb, GFP_ATOMIC))
			goto rearm;
		skb = xtcp_tlp_last_sent(sk);
	}
	if (!skb || xtcp_seq_before(XTCP_SKB_CB(skb)->seq, xs->snd_una) ||
	    xtcp_retransmit_skb(sk, skb))
		goto rearm;
	r->tlp_retrans = 1;
sent:
	r->tlp_out = 1;
	r->tlp_high_seq = xs->snd_nxt;
	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_TLPPROBES);
	xtcp_rearm_rto(sk);
	return;
rearm:
	xtcp_rtx_arm_mode(sk, XTCP_RTX_RETRANS, xtcp_rto_left_us(sk));
}

/**
 * xtcp_tlp_ack() - what an ACK says about the outstanding probe (7.4)
 * @sk: the socket, locked, after the ACK's SACK blocks, before snd_una moves
 * @ack: the ACK's acknowledgment number
 * @advanced: it acknowledges new data
 * @dupack: it is a duplicate ACK (RFC 5681 2)
 * @sacked: its SACK blocks covered new data or carried a DSACK
 *
 * Counts TLPRecovery when the probe repaired a loss.
 */
void xtcp_tlp_ack(struct sock *sk, u32 ack, bool advanced, bool dupack,
		  bool sacked)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_rack *r = &xs->rack;

	if (!r->tlp_out || xtcp_seq_before(ack, r->tlp_high_seq))
		return;
	if (!r->tlp_retrans || r->ack_dsack) {
		/* New data, or the original and the probe both arrived. */
		r->tlp_out = 0;
	} else if (xtcp_seq_after(ack, r->tlp_high_seq)) {
		/* No DSACK came for the probe: it repaired a loss. */
		r->tlp_out = 0;
		if (xs->ca_state == XTCP_CA_OPEN)
			xtcp_cong_cwr(sk);
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_TLPRECOVERY);
	} else if (!advanced && dupack && !sacked) {
		r->tlp_out = 0;
	}
}
