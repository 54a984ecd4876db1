// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP TIME_WAIT (RFC 9293 3.10.7.4): after the close, a small inet
 * timewait socket replaces the full one for 2*MSL, holds the port, re-ACKs
 * a retransmitted FIN and restarts its timer. The same minisock, in the
 * FIN_WAIT2 substate, waits for the peer's FIN on behalf of an orphan.
 */
#define pr_fmt(fmt) "xtcp: " fmt

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

	tw = inet_twsk_alloc(sk, &xn->death_row, state);
	if (tw) {
		struct xtcp_timewait_sock *xtw = xtcp_twsk((struct sock *)tw);

		xtw->rcv_nxt = xs->rcv_nxt;
		xtw->snd_nxt = xs->snd_max;
		xtw->rcv_wnd = xs->rcv_wnd;
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
	}
	xtcp_done(sk);
}

/**
 * xtcp_timewait_rcv() - a segment for a TIME_WAIT or FIN_WAIT2 minisock
 * @tw: the minisock, referenced by the lookup (released here)
 * @skb: the segment (consumed)
 */
void xtcp_timewait_rcv(struct inet_timewait_sock *tw, struct sk_buff *skb)
{
	struct xtcp_timewait_sock *xtw = xtcp_twsk((struct sock *)tw);
	struct xtcp_net *xn = xtcp_pernet(twsk_net(tw));
	const struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	const struct tcphdr *th = tcp_hdr(skb);
	struct net *net = twsk_net(tw);

	if (th->rst) {
		if (cb->seq == xtw->rcv_nxt)
			goto kill;
		goto out;
	}

	if (tw->tw_substate == TCP_FIN_WAIT2) {
		if (th->fin && cb->seq == xtw->rcv_nxt &&
		    cb->end_seq == xtw->rcv_nxt + 1) {
			/* The peer's FIN: ACK it and wait 2*MSL. */
			xtw->rcv_nxt++;
			tw->tw_substate = TCP_TIME_WAIT;
			xtcp_v4_send_ack(net, skb, xtw->snd_nxt, xtw->rcv_nxt,
					 xtw->rcv_wnd);
			inet_twsk_reschedule(tw, msecs_to_jiffies(READ_ONCE(xn->tw_timeout_ms)));
			XTCP_INC_STATS(net, XTCP_MIB_TIMEWAITS);
		} else if (cb->end_seq != cb->seq && xtcp_seq_after(cb->end_seq, xtw->rcv_nxt)) {
			/* New data for a socket nobody will read. */
			xtcp_v4_send_reset(NULL, skb);
			goto kill;
		}
		goto out;
	}

	/* TIME_WAIT. */
	if (th->syn && !th->ack && xtcp_seq_after(cb->seq, xtw->rcv_nxt)) {
		/* A new incarnation: make room; its SYN retransmission will
		 * find the listener.
		 */
		goto kill;
	}
	if (th->fin) {
		/* Our ACK of the FIN was lost: ACK again, restart 2*MSL. */
		xtcp_v4_send_ack(net, skb, xtw->snd_nxt, xtw->rcv_nxt,
				 xtw->rcv_wnd);
		inet_twsk_reschedule(tw, msecs_to_jiffies(READ_ONCE(xn->tw_timeout_ms)));
		XTCP_INC_STATS(net, XTCP_MIB_TWREACKS);
	} else if (cb->end_seq != cb->seq) {
		xtcp_v4_send_ack(net, skb, xtw->snd_nxt, xtw->rcv_nxt,
				 xtw->rcv_wnd);
	}
out:
	inet_twsk_put(tw);
	consume_skb(skb);
	return;
kill:
	/* Drops the timer's and our references. */
	inet_twsk_deschedule_put(tw);
	consume_skb(skb);
}
