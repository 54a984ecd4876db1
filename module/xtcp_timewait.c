// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP TIME_WAIT (RFC 9293 3.10.7.4): after the close, a small inet
 * timewait socket replaces the full one for 2*MSL, holds the port, re-ACKs
 * a retransmitted FIN and restarts its timer. The same minisock, in the
 * FIN_WAIT2 substate, waits for the peer's FIN on behalf of an orphan.
 */
#define pr_fmt(fmt) "xtcp: " fmt

#include <net/inet_hashtables.h>
#include <net/inet_timewait_sock.h>

#include "xtcp.h"

struct timewait_sock_ops xtcp_timewait_sock_ops = {
	.twsk_obj_size	= sizeof(struct xtcp_timewait_sock),
};

/**
 * xtcp_time_wait() - replace a closing socket by a timewait minisock
 * @sk: the socket, locked; closed (xtcp_done()) on return
 * @state: TCP_TIME_WAIT, or TCP_FIN_WAIT2 for an orphan awaiting a FIN
 * @timeo_ms: lifetime for TCP_FIN_WAIT2 (TIME_WAIT uses the sysctl)
 */
void xtcp_time_wait(struct sock *sk, int state, int timeo_ms)
{
	struct xtcp_net *xn = xtcp_pernet(sock_net(sk));
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct inet_timewait_sock *tw;

	/* TCP_LINGER2: no FIN_WAIT2 wait at all (a reset, as tcp_close()
	 * sends), or the socket's own lifetime instead of fin_timeout_ms.
	 */
	if (state == TCP_FIN_WAIT2 && xs->linger2_ms < 0) {
		xtcp_send_active_reset(sk, GFP_ATOMIC);
		goto done;
	}
	if (state == TCP_FIN_WAIT2 && xs->linger2_ms > 0)
		timeo_ms = xs->linger2_ms;

	tw = inet_twsk_alloc(sk, &xn->death_row, state);
	if (tw) {
		struct xtcp_timewait_sock *xtw = xtcp_twsk((struct sock *)tw);

		s32 wnd = xs->rcv_wup + xs->rcv_wnd - xs->rcv_nxt;

		xtw->rcv_nxt = xs->rcv_nxt;
		xtw->snd_nxt = xs->snd_max;
		xtw->rcv_wnd = max(wnd, 0);
		xtw->last_oow_ack = 0;
		xtcp_tstamp_time_wait(sk, xtw);
		xtw->max_window = max(xs->max_window, XTCP_MAX_WINDOW);
		tw->tw_rcv_wscale = xs->rcv_wscale;
		xtcp_v6_time_wait(tw, sk);
		tw->tw_txhash = sk->sk_txhash;
		tw->tw_mark = sk->sk_mark;
		tw->tw_priority = sk->sk_priority;
		if (state == TCP_TIME_WAIT) {
			timeo_ms = READ_ONCE(xn->tw_timeout_ms);
			XTCP_INC_STATS(sock_net(sk), XTCP_MIB_TIMEWAITS);
		}
		/* The timer is pinned: keep BHs off until it is hashed. */
		local_bh_disable();
		inet_twsk_schedule(tw, msecs_to_jiffies(timeo_ms));
		inet_twsk_hashdance(tw, sk, &xtcp_hashinfo);
		local_bh_enable();
	} else {
		/* No minisock (max_tw_buckets or no memory): the socket just
		 * goes, as tcp_time_wait() does; count it (TCPTimeWaitOverflow).
		 */
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_TIMEWAITOVERFLOW);
	}
done:
	xtcp_done(sk);
}

/* tcp_in_window(): does [@seq, @end_seq) touch [@s_win, @e_win]? A
 * segment starting at rcv_nxt always does, so a FIN is taken even with a
 * zero window.
 */
static bool xtcp_tw_in_window(u32 seq, u32 end_seq, u32 s_win, u32 e_win)
{
	if (seq == s_win)
		return true;
	if (xtcp_seq_after(end_seq, s_win) && xtcp_seq_before(seq, e_win))
		return true;
	return seq == e_win && seq == end_seq;
}

/* ACK @skb with the minisock's state (and timestamps, if in use). */
static void xtcp_tw_send_ack(struct inet_timewait_sock *tw, struct sk_buff *skb)
{
	struct xtcp_timewait_sock *xtw = xtcp_twsk((struct sock *)tw);
	u32 ts[2];

	xtcp_v4_send_ack_ts(twsk_net(tw), skb, xtw->snd_nxt, xtw->rcv_nxt,
			    xtcp_wscale_field(xtw->rcv_wnd, tw->tw_rcv_wscale),
			    xtcp_tstamp_tw_ack(xtw, ts) ? ts : NULL, tw);
}

/* ACK @skb with the minisock's state unless the per-socket limit says no.
 * @strict limits data and FIN segments too (TIME_WAIT, where only those
 * are answered); otherwise they are always answered.
 * Return: true if the ACK went.
 */
static bool xtcp_tw_ack(struct inet_timewait_sock *tw, struct sk_buff *skb,
			int mib, bool strict)
{
	struct xtcp_timewait_sock *xtw = xtcp_twsk((struct sock *)tw);
	struct net *net = twsk_net(tw);

	if (strict ? xtcp_rate_limited(net, mib, &xtw->last_oow_ack) :
		     xtcp_oow_rate_limited(net, skb, mib, &xtw->last_oow_ack))
		return false;
	xtcp_tw_send_ack(tw, skb);
	return true;
}

/*
 * An orphan waiting for the peer's FIN (tcp_timewait_state_process() for
 * FIN_WAIT2, with RFC 5961's checks): only a segment in the window, with an
 * ACK flag and a plausible acknowledgment number, can move or kill it.
 * Return: true if the minisock must be killed (after an optional RST).
 */
static bool xtcp_fin_wait2_rcv(struct inet_timewait_sock *tw,
			       struct sk_buff *skb, bool paws_reject)
{
	struct xtcp_timewait_sock *xtw = xtcp_twsk((struct sock *)tw);
	struct xtcp_net *xn = xtcp_pernet(twsk_net(tw));
	const struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	const struct tcphdr *th = tcp_hdr(skb);
	struct net *net = twsk_net(tw);

	/* First: PAWS and the sequence number. Out of the window: ACK, drop. */
	if (paws_reject ||
	    !xtcp_tw_in_window(cb->seq, cb->end_seq, xtw->rcv_nxt,
			       xtw->rcv_nxt + xtw->rcv_wnd)) {
		if (!th->rst)
			xtcp_tw_ack(tw, skb, XTCP_MIB_ACKSKIPPEDFINWAIT2, false);
		return false;
	}
	/* Second: RST, only an exact match kills (RFC 5961 3.2). Fourth: a
	 * SYN (RFC 5961 4.2). Both get a challenge ACK otherwise.
	 */
	if (th->rst && cb->seq == xtw->rcv_nxt) {
		XTCP_INC_STATS(net, XTCP_MIB_INRSTS);
		return true;
	}
	if (th->rst || th->syn) {
		if (xtcp_tw_ack(tw, skb, XTCP_MIB_ACKSKIPPEDFINWAIT2, true))
			XTCP_INC_STATS(net, XTCP_MIB_CHALLENGEACKS);
		return false;
	}
	/* Fifth: no ACK, drop; an ACK of what we never sent or far too old
	 * (RFC 5961 5.2): ACK and drop. Everything we sent was acknowledged.
	 */
	if (!th->ack)
		return false;
	if (!xtcp_seq_between(cb->ack_seq, xtw->snd_nxt - xtw->max_window,
			      xtw->snd_nxt)) {
		xtcp_tw_ack(tw, skb, XTCP_MIB_ACKSKIPPEDFINWAIT2, true);
		return false;
	}
	/* A bare or old segment changes nothing. */
	if (cb->seq == cb->end_seq || !xtcp_seq_after(cb->end_seq, xtw->rcv_nxt))
		return false;
	if (th->fin && cb->end_seq == xtw->rcv_nxt + 1) {
		/* The peer's FIN: ACK it and wait 2*MSL. */
		xtw->rcv_nxt = cb->end_seq;
		xtcp_tstamp_tw_update(xtw, skb);
		tw->tw_substate = TCP_TIME_WAIT;
		xtcp_tw_send_ack(tw, skb);
		inet_twsk_reschedule(tw, msecs_to_jiffies(READ_ONCE(xn->tw_timeout_ms)));
		XTCP_INC_STATS(net, XTCP_MIB_TIMEWAITS);
		return false;
	}
	/* New data for a socket nobody will read. */
	xtcp_v4_send_reset(NULL, skb);
	return true;
}

/**
 * xtcp_timewait_rcv() - a segment for a TIME_WAIT or FIN_WAIT2 minisock
 * @tw: the minisock, referenced by the lookup (released here)
 * @skb: the segment
 *
 * Return: NULL when @skb was consumed here; or, for a new SYN that a
 * listener takes, that listener (not referenced, RCU-protected), with the
 * TIME_WAIT entry gone and the ISN to use in the control block's tw_isn:
 * the caller processes @skb there.
 */
struct sock *xtcp_timewait_rcv(struct inet_timewait_sock *tw,
			       struct sk_buff *skb)
{
	struct xtcp_timewait_sock *xtw = xtcp_twsk((struct sock *)tw);
	struct xtcp_net *xn = xtcp_pernet(twsk_net(tw));
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	const struct tcphdr *th = tcp_hdr(skb);
	struct net *net = twsk_net(tw);
	bool paws_reject, newer;

	/* PAWS (RFC 7323 5.3, tcp_timewait_state_process()). */
	paws_reject = xtcp_tstamp_tw_paws(xtw, skb, &newer);
	if (paws_reject)
		XTCP_INC_STATS(net, XTCP_MIB_PAWSESTABREJECTED);

	if (tw->tw_substate == TCP_FIN_WAIT2) {
		if (xtcp_fin_wait2_rcv(tw, skb, paws_reject))
			goto kill;
		goto out;
	}

	/* TIME_WAIT. */
	if (th->rst) {
		if (cb->seq == xtw->rcv_nxt)
			goto kill;
		goto out;
	}
	if (th->syn && !th->ack && !paws_reject &&
	    (xtcp_seq_after(cb->seq, xtw->rcv_nxt) || newer)) {
		struct sock *lsk;

		/* A new incarnation: the listener answers this SYN at once,
		 * from above the old connection's sequence space. A newer
		 * TSval tells a new SYN from an old duplicate whatever its
		 * sequence number (RFC 6191).
		 */
		if (xtcp_skb_is_v6(skb))
			lsk = xtcp_v6_tw_listener(net, skb);
		else
			lsk = __inet_lookup_listener(net, &xtcp_hashinfo, skb,
						     th->doff * 4,
						     ip_hdr(skb)->saddr,
						     th->source,
						     ip_hdr(skb)->daddr,
						     ntohs(th->dest),
						     inet_iif(skb),
						     inet_sdif(skb));
		if (lsk) {
			cb->tw_isn = xtw->snd_nxt + XTCP_MAX_WINDOW + 2 ? : 1;
			inet_twsk_deschedule_put(tw);
			return lsk;
		}
		/* No listener: an ACK, as for any old segment. */
	}
	if (paws_reject) {
		/* An old duplicate: ACK (within the limit) and drop. */
		xtcp_tw_ack(tw, skb, XTCP_MIB_ACKSKIPPEDTIMEWAIT, true);
		goto out;
	}
	if (th->fin || th->syn || cb->end_seq != cb->seq) {
		/* A retransmitted FIN: our ACK of it was lost. ACK again
		 * (within the rate limit) and restart 2*MSL.
		 */
		if (xtcp_tw_ack(tw, skb, XTCP_MIB_ACKSKIPPEDTIMEWAIT, true) &&
		    th->fin)
			XTCP_INC_STATS(net, XTCP_MIB_TWREACKS);
		if (th->fin)
			inet_twsk_reschedule(tw, msecs_to_jiffies(READ_ONCE(xn->tw_timeout_ms)));
	}
out:
	inet_twsk_put(tw);
	consume_skb(skb);
	return NULL;
kill:
	/* Drops the timer's and our references. */
	inet_twsk_deschedule_put(tw);
	consume_skb(skb);
	return NULL;
}
