// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP receive path: RFC 9293 3.10.7 "SEGMENT ARRIVES" for every state,
 * acknowledgment processing (RTT sampling, window updates, duplicate ACKs,
 * NewReno fast retransmit and recovery), in-order and out-of-order data,
 * FIN handling, the handshake's last step for request sockets, and the
 * delayed-ACK policy.
 */
#define pr_fmt(fmt) "xtcp: " fmt

#include <net/inet_common.h>
#include <net/inet_connection_sock.h>

#include "xtcp.h"
#include "xtcp_trace.h"
#include "xtcp_undo.h"

#define XTCP_DUPACK_THRESH	3	/* RFC 5681 3.2 */

/* Window we are currently offering past rcv_nxt. */
static u32 xtcp_receive_window(const struct xtcp_sock *xs)
{
	s32 win = xs->rcv_wup + xs->rcv_wnd - xs->rcv_nxt;

	return win < 0 ? 0 : win;
}

/* tcpi_segs_in: a GRO skb, or segments merged in the backlog
 * (xtcp_backlog.c), count as the segments they hold (tcp_segs_in()).
 */
static void xtcp_count_segs_in(struct xtcp_sock *xs, const struct sk_buff *skb)
{
	xs->segs_in += max_t(u16, 1, skb_shinfo(skb)->gso_segs);
}

/* A segment not taken (a drop for dropwatch and skb:kfree_skb); one that
 * was processed is freed with consume_skb(), as TCP does, so tools that
 * watch drops do not see every ACK.
 */
static void xtcp_drop(struct sk_buff *skb)
{
	kfree_skb(skb);
}

/* RFC 5961 challenge ACK: answer a suspicious RST or SYN with our state,
 * within the per-socket and per-namespace limits (section 7).
 */
static void xtcp_send_challenge_ack(struct sock *sk)
{
	if (xtcp_challenge_ack_allowed(sk))
		xtcp_send_ack(sk);
}

/* ACK an out-of-window or invalid segment, at most once per
 * invalid_ratelimit_ms for a bare ACK (tcp_send_dupack() after
 * tcp_oow_rate_limited()).
 */
static void xtcp_send_oow_ack(struct sock *sk, const struct sk_buff *skb)
{
	if (!xtcp_oow_rate_limited(sock_net(sk), skb, XTCP_MIB_ACKSKIPPEDSEQ,
				   &xtcp_sk(sk)->last_oow_ack))
		xtcp_send_ack(sk);
}

/* ACK now, or within the delayed-ACK timer (RFC 5681 4.2, RFC 9293 3.8.6.3):
 * at least every second full-sized segment while the reader keeps up
 * (xtcp_quick_ack_ok()), at most delack_ms later.
 */
static void xtcp_schedule_ack(struct sock *sk, bool now)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (now || (xs->rcv_nxt - xs->rcv_wup >= 2 * xtcp_rcv_full_seg(sk) &&
		    xtcp_ack_moves_window(sk))) {
		xtcp_send_ack(sk);
		return;
	}
	if (!xs->ack_pending) {
		xs->ack_pending = 1;
		xs->ack_since_us = (u32)xtcp_clock_us(xs);
	}
	xtcp_arm_delack(sk);
}

/*
 * Free the write-queue skbs the peer acknowledged in full. Karn's rule
 * (RFC 6298 3), as tcp_clean_rtx_queue() applies it: an ACK that covers a
 * retransmitted segment gives no RTT sample, since it may answer either
 * copy; otherwise the newest segment it covers that was sent once and not
 * SACKed (a SACKed one gave its sample when it was SACKed) gives one.
 */
static void xtcp_clean_rtx_queue(struct sock *sk, s64 *rtt_us)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 now_us = xtcp_clock_us(xs);
	bool retrans_acked = false;
	struct sk_buff *skb;

	*rtt_us = -1;
	while ((skb = skb_peek(&sk->sk_write_queue))) {
		struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);

		/* Some of its segments: cut them off and free those. */
		if (xtcp_seq_after(cb->end_seq, xs->snd_una) &&
		    (xtcp_skb_pcount(skb) < 2 ||
		     xtcp_trim_acked(sk, skb, xs->snd_una) ||
		     xtcp_seq_after(cb->end_seq, xs->snd_una)))
			break;
		if (cb->sacked & XTCP_SKB_RETRANS)
			retrans_acked = true;
		else if (!(cb->sacked & XTCP_SKB_SACKED))
			*rtt_us = (u32)(now_us - cb->tx_us);
		if (!(cb->sacked & XTCP_SKB_SACKED)) {
			xtcp_rack_advance(sk, skb);
			xs->prr.delivered_cnt += xtcp_skb_pcount(skb);
		}
		xtcp_sack_unlink(sk, skb, skb != xs->send_head && xs->packets_out);
		if (skb == xs->send_head) {
			/* Resent after an RTO but acknowledged from the first
			 * transmission: it need not go out again.
			 */
			xs->send_head = skb_queue_is_last(&sk->sk_write_queue, skb) ?
					NULL : skb_queue_next(&sk->sk_write_queue, skb);
		} else {
			xs->packets_out -= min(xs->packets_out,
					       xtcp_skb_pcount(skb));
		}
		__skb_unlink(skb, &sk->sk_write_queue);
		xtcp_wmem_free_skb(sk, skb);
	}
	if (retrans_acked)
		*rtt_us = -1;
}

/* A duplicate ACK per RFC 5681 2: nothing new acknowledged, data in
 * flight, no payload, no SYN/FIN, the same window.
 */
static bool xtcp_is_dupack(const struct xtcp_sock *xs, const struct sk_buff *skb,
			   u32 ack, u32 wnd)
{
	const struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);

	return ack == xs->snd_una && xs->snd_una != xs->snd_max &&
	       cb->seq == cb->end_seq && wnd == xs->snd_wnd;
}

/* Retransmit the oldest unacknowledged segment (fast retransmit, and each
 * partial ACK during NewReno recovery). One that does not go (its last
 * copy is below us, or the send failed) is owed: xtcp_xmit_pending_rtx().
 * Return: 0 if it went or nothing is unacknowledged, else a negative errno.
 */
static int xtcp_retransmit_head(struct sock *sk)
{
	struct sk_buff *skb = skb_peek(&sk->sk_write_queue);
	struct xtcp_sock *xs = xtcp_sk(sk);
	int err = 0;

	if (skb && skb != xs->send_head)
		err = xtcp_retransmit_skb(sk, skb);
	xs->reno_rtx_owed = !!err;
	return err;
}

/**
 * xtcp_xmit_pending_rtx() - send the retransmissions recovery still owes
 * @sk: the socket, locked
 *
 * For the small-queue resume (xtcp_tsq_write()), as tcp_tsq_write() runs
 * tcp_xmit_retransmit_queue(): a retransmission skipped because the
 * segment's last copy had not left the host (xtcp_tsq_in_host_queue())
 * goes when that copy is freed, not at the next ACK or the RTO. With
 * SACK, what the scoreboard has lost and not resent, as pipe allows; with
 * NewReno, the hole at snd_una if its retransmission did not go (RFC 6582
 * sends it whatever cwnd says), restarting the RTO as the ACK path does.
 */
void xtcp_xmit_pending_rtx(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (xs->ca_state != XTCP_CA_RECOVERY)
		return;
	if (xs->sack_ok)
		xtcp_sack_xmit_pending(sk);
	else if (xs->reno_rtx_owed && !xtcp_retransmit_head(sk))
		xtcp_rearm_rto(sk);
}

static void xtcp_on_dupack(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (xs->sack_ok) {
		xtcp_sack_on_ack(sk, 0, true);
		return;
	}
	if (xs->dupacks < U8_MAX)
		xs->dupacks++;
	if (xs->ca_state == XTCP_CA_RECOVERY) {
		/* PRR, not RFC 6582's inflation, sets cwnd (xtcp_prr.c). */
		xtcp_prr_reno_dupack(sk);
		return;
	}
	/* RFC 6582 3.2 step 2: only for losses after the last recovery. */
	if (xs->ca_state == XTCP_CA_OPEN && xs->dupacks == XTCP_DUPACK_THRESH &&
	    !xtcp_seq_before(xs->snd_una, xs->high_seq)) {
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_FASTRETRANS);
		xs->high_seq = xs->snd_max;
		xtcp_prr_init(sk);
		xtcp_cong_enter_recovery(sk);
		xtcp_retransmit_head(sk);
		xtcp_prr_reno_enter(sk, xs->dupacks);
		xtcp_rearm_rto(sk);
	}
}

/* New data acknowledged: congestion control and recovery bookkeeping. */
static void xtcp_on_new_ack(struct sock *sk, u32 acked)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (xs->sack_ok) {
		xtcp_sack_on_ack(sk, acked, false);
		return;
	}
	xs->dupacks = 0;
	switch (xs->ca_state) {
	case XTCP_CA_RECOVERY:
		if (!xtcp_seq_before(xs->snd_una, xs->high_seq)) {
			xtcp_cong_exit_recovery(sk);
			xtcp_prr_end(sk);
		} else {
			/* Partial ACK: the next hole (RFC 6582 3.2 step 5),
			 * then PRR for what the ACK delivered.
			 */
			xtcp_retransmit_head(sk);
			xtcp_prr_reno_partial_ack(sk, DIV_ROUND_UP(acked,
								   xs->mss_cache));
		}
		break;
	case XTCP_CA_LOSS:
		if (!xtcp_seq_before(xs->snd_una, xs->high_seq))
			xs->ca_state = XTCP_CA_OPEN;
		xtcp_cong_on_ack(sk, acked);
		break;
	default:
		xtcp_cong_on_ack(sk, acked);
		break;
	}
}

/*
 * RFC 9293 3.10.7.4, fifth check, for ESTABLISHED and later states.
 * Return: 0 to go on with the segment, -1 to drop it.
 */
static int xtcp_ack(struct sock *sk, struct sk_buff *skb)
{
	struct xtcp_net *xn = xtcp_pernet(sock_net(sk));
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 ack = cb->ack_seq;
	u32 wnd = (u32)cb->window << xs->snd_wscale;	/* never a SYN here */
	bool dupack, sacked;
	s64 rtt_us;

	if (xtcp_seq_after(ack, xs->snd_max)) {
		/* Acknowledges something never sent. */
		xtcp_send_oow_ack(sk, skb);
		return -1;
	}
	if (xtcp_seq_before(ack, xs->snd_una - xs->max_window)) {
		/* RFC 5961 5.2: too old to be plausible. */
		xtcp_send_challenge_ack(sk);
		return -1;
	}
	xtcp_tstamp_update_recent(sk, cb->seq);

	dupack = xtcp_is_dupack(xs, skb, ack, wnd);
	sacked = xtcp_sack_ack(sk, skb);
	xtcp_tlp_ack(sk, ack, xtcp_seq_after(ack, xs->snd_una), dupack, sacked);
	/* The peer answers: persist and keepalive probes are not lost
	 * (tcp_ack() clears icsk_probes_out too). Without this a keepalive
	 * interval longer than the idle time would count answered probes
	 * until KEEPCNT and kill a healthy connection.
	 */
	xs->probes_out = 0;
	inet_csk(sk)->icsk_probes_out = 0;

	/* Window update (RFC 9293 3.10.7.4: SND.WL1/SND.WL2 rule). */
	if (!xtcp_seq_before(ack, xs->snd_una) &&
	    (xtcp_seq_before(xs->snd_wl1, cb->seq) ||
	     (xs->snd_wl1 == cb->seq && !xtcp_seq_before(ack, xs->snd_wl2)))) {
		if (wnd && !xs->snd_wnd && !xs->packets_out)
			xs->backoff = 0;	/* the window reopened */
		xs->snd_wnd = wnd;
		xs->snd_wl1 = cb->seq;
		xs->snd_wl2 = ack;
		if (wnd > xs->max_window)
			xs->max_window = wnd;
	}

	if (xtcp_seq_after(ack, xs->snd_una)) {
		u32 acked = ack - xs->snd_una;
		/* The ACK of a passive open's SYN-ACK: sampled already. */
		bool synack = xs->snd_una == xs->iss;

		xs->snd_una = ack;
		xs->rtx_stamp_ns = 0;	/* progress: a new episode if any */
		if (xtcp_seq_before(xs->snd_nxt, ack))
			xs->snd_nxt = ack;
		xs->bytes_acked += acked;
		xtcp_clean_rtx_queue(sk, &rtt_us);
		/* Karn's rule left no sample: the echoed timestamp has one. */
		if (rtt_us < 0 && !synack)
			rtt_us = xtcp_tstamp_rtt_us(sk);
		if (rtt_us >= 0) {
			xtcp_rtt_sample(&xs->rtt, (u32)rtt_us,
					xn->rto_min_ms * USEC_PER_MSEC,
					xn->rto_max_ms * USEC_PER_MSEC);
			xtcp_min_rtt_sample(sk, (u32)rtt_us);
			xs->backoff = 0;
		}
		xs->probes_out = 0;
		/* The first ACK of new data after a timeout may show it
		 * spurious: the window back before any use of it.
		 */
		if (!xtcp_undo_rto_ack(sk) && unlikely(xs->frto))
			xtcp_frto_ack(sk, true, dupack);
		xtcp_cong_pkts_acked(sk, acked, rtt_us);
		/* Before recovery, which may arm the reorder timer. */
		if (xs->snd_una != xs->snd_max) {
			xtcp_rack_set_xmit_timer(sk);
		} else {
			xs->backoff = 0;
			xtcp_stop_rto(sk);
		}
		xtcp_on_new_ack(sk, acked);
		xtcp_sndbuf_expand(sk);
		if (sk->sk_socket &&
		    test_bit(SOCK_NOSPACE, &sk->sk_socket->flags))
			sk->sk_write_space(sk);
	} else if (dupack) {
		if (unlikely(xs->frto))
			xtcp_frto_ack(sk, false, true);
		xtcp_on_dupack(sk);
	} else if (sacked) {
		xtcp_sack_on_ack(sk, 0, false);
	}
	xtcp_update_pacing_rate(sk);
	trace_xtcp_probe(sk, ack, skb->len - tcp_hdrlen(skb), xs->snd_nxt,
			 xs->snd_una, xs->snd_cwnd, xs->snd_ssthresh,
			 xs->snd_wnd, xs->rtt.srtt, xs->rcv_wnd, xs->mss_cache);
	return 0;
}

/* The peer's FIN, in sequence (RFC 9293 3.10.7.4, eighth check). */
static void xtcp_fin(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xs->fin_rcvd = 1;
	WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown | RCV_SHUTDOWN);
	sock_set_flag(sk, SOCK_DONE);

	switch (sk->sk_state) {
	case TCP_SYN_RECV:
	case TCP_ESTABLISHED:
		xtcp_set_state(sk, TCP_CLOSE_WAIT);
		break;
	case TCP_FIN_WAIT1:
		/* Our FIN is not acknowledged yet: simultaneous close. */
		xtcp_set_state(sk, TCP_CLOSING);
		break;
	default:
		break;
	}

	if (!sock_flag(sk, SOCK_DEAD)) {
		sk->sk_state_change(sk);
		if (sk->sk_shutdown == SHUTDOWN_MASK ||
		    sk->sk_state == TCP_CLOSE)
			sk_wake_async(sk, SOCK_WAKE_WAITD, POLL_HUP);
		else
			sk_wake_async(sk, SOCK_WAKE_WAITD, POLL_IN);
	}
}

/* Move out-of-order segments that became in-order to the receive queue. */
static bool xtcp_ofo_drain(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	bool fin = false;
	struct sk_buff *skb;

	while ((skb = xtcp_ofo_pop(&xs->ooo_root, xs->rcv_nxt, &xs->ooo_bytes))) {
		struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);

		xs->bytes_received += cb->end_seq - xs->rcv_nxt -
				      !!(cb->flags & XTCP_FLAG_FIN);
		xs->rcv_nxt = cb->end_seq;
		fin = cb->flags & XTCP_FLAG_FIN;
		if (skb->len)
			__skb_queue_tail(&sk->sk_receive_queue, skb);
		else
			consume_skb(skb);
		if (fin)
			break;
	}
	return fin;
}

/*
 * A segment that holds far more memory than payload (a small write in a
 * large buffer, as on loopback) is copied into a right-sized skb, so the
 * receive buffer fills with data, not slack. Only where data accumulates:
 * in-order data for an empty receive queue is read before the next
 * segment, as a request-response flow's always is, and copying it cost an
 * skb per segment that TCP does not spend.
 */
static struct sk_buff *xtcp_shrink_skb(struct sk_buff *skb)
{
	struct sk_buff *nskb;

	if (skb->len >= skb->truesize / 4)
		return skb;
	nskb = alloc_skb(skb->len, GFP_ATOMIC);
	if (!nskb)
		return skb;
	if (skb_copy_bits(skb, 0, skb_put(nskb, skb->len), skb->len)) {
		kfree_skb(nskb);
		return skb;
	}
	memcpy(nskb->cb, skb->cb, sizeof(skb->cb));
	consume_skb(skb);
	return nskb;
}

/* Room for @skb in the receive buffer? As tcp_try_rmem_schedule() asks:
 * whether the buffer is over its size before @skb, so in-window data may
 * pass it by one skb. A window nearly closed leaves a few bytes of room,
 * and the peer's segment for them is one of several segments' skbs, whose
 * head costs a kilobyte or more: requiring room for its whole truesize
 * dropped in-window data when the queued data was already compact and a
 * collapse gave nothing back. In-window data for an empty queue is always
 * taken, so a small buffer cannot stall the connection.
 */
static bool xtcp_rcvbuf_room(struct sock *sk, const struct sk_buff *skb)
{
	if (atomic_read(&sk->sk_rmem_alloc) <= READ_ONCE(sk->sk_rcvbuf))
		return true;
	return skb_queue_empty(&sk->sk_receive_queue) &&
	       RB_EMPTY_ROOT(&xtcp_sk(sk)->ooo_root);
}

static bool xtcp_rmem_fits(struct sock *sk, struct sk_buff *skb)
{
	return xtcp_rcvbuf_room(sk, skb) &&
	       sk_rmem_schedule(sk, skb, skb->truesize);
}

/*
 * Find memory for @skb: room in the socket's receive buffer, and pages of
 * XTCP's memory (net.xtcp.mem) and of the socket's memory cgroup, as
 * tcp_try_rmem_schedule() does. The receive queue is first collapsed
 * into compact skbs (xtcp_collapse_rcvq()), then out-of-order data beyond
 * @skb is pruned, last first, until it fits: the sender still has it.
 * In-order data for an empty receive queue is always taken, as TCP does,
 * so that a reader is never starved by other sockets' memory. Counts
 * what is dropped.
 * Return: true if @skb may be charged with skb_set_owner_r().
 */
static bool xtcp_try_rmem_schedule(struct sock *sk, struct sk_buff *skb,
				   bool in_order)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct net *net = sock_net(sk);
	bool pruned = false, fits = false;
	int over;

	if (xtcp_rmem_fits(sk, skb))
		return true;

	XTCP_INC_STATS(net, XTCP_MIB_PRUNECALLED);
	/* Queued data first gives back its skbs' slack (tcp_collapse()). */
	over = atomic_read(&sk->sk_rmem_alloc) + skb->truesize -
	       READ_ONCE(sk->sk_rcvbuf);
	if (xtcp_collapse_rcvq(sk, over > 0 ? over : skb->truesize) &&
	    xtcp_rmem_fits(sk, skb))
		return true;
	while (xtcp_ofo_prune_tail(&xs->ooo_root, XTCP_SKB_CB(skb)->seq,
				   &xs->ooo_bytes)) {
		pruned = true;
		fits = xtcp_rmem_fits(sk, skb);
		if (fits)
			break;
	}
	if (pruned) {
		XTCP_INC_STATS(net, XTCP_MIB_OFODROPS);
		xtcp_sack_rcv_reset(sk);
	}
	if (fits)
		return true;
	if (in_order && skb_queue_empty(&sk->sk_receive_queue)) {
		xtcp_forced_mem_schedule(sk, skb->truesize, SK_MEM_RECV);
		return true;
	}
	if (xtcp_rcvbuf_room(sk, skb))
		XTCP_INC_STATS(net, XTCP_MIB_RCVMEMDROPS);
	else
		XTCP_INC_STATS(net, XTCP_MIB_RCVPRUNED);
	return false;
}

/*
 * Queue a segment's payload and FIN (RFC 9293 3.10.7.4, seventh and eighth
 * checks). The segment passed the acceptability test. Consumes @skb.
 * Return: true if the connection went to TIME_WAIT (socket closed).
 */
static bool xtcp_data_queue(struct sock *sk, struct sk_buff *skb)
{
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	struct xtcp_sock *xs = xtcp_sk(sk);
	bool had_ofo = !RB_EMPTY_ROOT(&xs->ooo_root);
	bool fin, queued, in_order;
	u32 seq, end_seq;

	__skb_pull(skb, tcp_hdr(skb)->doff * 4);

	if (!xtcp_seq_after(cb->end_seq, xs->rcv_nxt)) {
		/* Entirely old: a duplicate. Tell the peer where we are. */
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_DUPSEGS);
		xtcp_sack_rcv_dup(sk, cb->seq, cb->end_seq);
		xtcp_drop(skb);
		xtcp_send_ack(sk);
		return false;
	}

	/* Trim what lies beyond the window we offered. */
	if (xtcp_seq_after(cb->end_seq, xs->rcv_nxt + xtcp_receive_window(xs))) {
		u32 keep = xs->rcv_nxt + xtcp_receive_window(xs) - cb->seq;

		if (keep < skb->len && pskb_trim(skb, keep)) {
			xtcp_drop(skb);
			return false;
		}
		cb->end_seq = cb->seq + skb->len;
		cb->flags &= ~XTCP_FLAG_FIN;
	}

	in_order = !xtcp_seq_after(cb->seq, xs->rcv_nxt);
	if (skb->len &&
	    (!in_order || !skb_queue_empty(&sk->sk_receive_queue)))
		skb = xtcp_shrink_skb(skb);
	cb = XTCP_SKB_CB(skb);
	if (skb->len && !xtcp_try_rmem_schedule(sk, skb, in_order)) {
		xtcp_drop(skb);
		xtcp_send_ack(sk);
		return false;
	}
	skb_dst_drop(skb);

	if (in_order) {
		/* In order (possibly with an old prefix the reader skips). */
		fin = cb->flags & XTCP_FLAG_FIN;
		seq = cb->seq;
		end_seq = cb->end_seq;
		if (!skb->len) {
			consume_skb(skb);
		} else if (!xtcp_rcvq_coalesce(sk, skb)) {
			skb_set_owner_r(skb, sk);
			__skb_queue_tail(&sk->sk_receive_queue, skb);
		}
		xtcp_sack_rcv_dup(sk, seq, xs->rcv_nxt);
		xs->bytes_received += end_seq - xs->rcv_nxt - fin;
		xs->rcv_nxt = end_seq;
		if (!fin && had_ofo)
			fin = xtcp_ofo_drain(sk);
		xtcp_rcv_rtt_measure(sk);
		xtcp_sack_rcv_advance(sk);
		if (fin) {
			xtcp_fin(sk);
			/* The peer closed first: its FIN's ACK waits, as
			 * tcp_fin()'s in CLOSE_WAIT, for the owner's reply or
			 * close(), whose segment carries it (a three-segment
			 * close instead of four, and no FIN_WAIT2 minisock on
			 * the peer), or else for the delayed-ACK timer. One
			 * that fills a hole, or ends our own close, goes now.
			 */
			if (sk->sk_state == TCP_CLOSE_WAIT && !had_ofo)
				xtcp_schedule_ack(sk, false);
			else
				xtcp_send_ack(sk);
			if (sk->sk_state == TCP_FIN_WAIT2) {
				xtcp_time_wait(sk, TCP_TIME_WAIT, 0);
				return true;
			}
		} else {
			/* Filling a hole is acknowledged at once. */
			xtcp_schedule_ack(sk, had_ofo);
		}
		if (!sock_flag(sk, SOCK_DEAD))
			sk->sk_data_ready(sk);
		return false;
	}

	/* Out of order: keep it, and send an immediate duplicate ACK. */
	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_OFOQUEUED);
	if (skb->len)
		skb_set_owner_r(skb, sk);
	seq = cb->seq;
	end_seq = cb->end_seq;
	queued = xtcp_ofo_insert(&xs->ooo_root, skb, &xs->ooo_bytes);
	if (!queued)
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_DUPSEGS);
	xtcp_sack_rcv_ofo(sk, seq, end_seq, queued);
	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_DUPACKSSENT);
	xtcp_send_ack(sk);
	return false;
}

/* SYN_SENT (RFC 9293 3.10.7.3). Return non-zero to answer with a RST. */
static int xtcp_syn_sent_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	const struct tcphdr *th = tcp_hdr(skb);
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct dst_entry *dst;
	s64 rtt_us;

	if (th->ack && (!xtcp_seq_after(cb->ack_seq, xs->iss) ||
			xtcp_seq_after(cb->ack_seq, xs->snd_max))) {
		if (th->rst)
			goto drop;
		return 1;
	}
	if (th->ack && xtcp_tstamp_synsent_reject(sk))
		return 1;
	if (th->rst) {
		if (th->ack) {
			XTCP_INC_STATS(sock_net(sk), XTCP_MIB_INRSTS);
			trace_xtcp_receive_reset(sk);
			xtcp_reset(sk, ECONNREFUSED);
		}
		goto drop;
	}
	if (!th->syn)
		goto drop;

	xtcp_tstamp_syn_rcv(sk);
	xs->irs = cb->seq;
	xs->rcv_nxt = cb->seq + 1;
	xs->copied_seq = xs->rcv_nxt;
	xs->rcv_wup = xs->rcv_nxt;
	xs->rx_mss = cb->rx_mss ? : XTCP_DEFAULT_MSS;
	/* The window of a SYN or SYN-ACK is never scaled. */
	xs->sack_ok = xs->sack_ok && xtcp_sack_syn_perm(skb);
	xs->snd_wnd = cb->window;
	xs->max_window = cb->window;
	xs->snd_wl1 = cb->seq;
	xs->snd_wl2 = cb->ack_seq;
	xtcp_wscale_syn_rcvd(sk, skb);
	/* The route connect() stored; without one the MSS connect() chose. */
	dst = __sk_dst_get(sk);
	if (dst)
		xtcp_sync_mss(sk, dst_mtu(dst));

	if (!th->ack) {
		/* Simultaneous open: our SYN becomes a SYN-ACK. */
		xtcp_set_state(sk, TCP_SYN_RECV);
		xs->snd_nxt = xs->snd_una;
		xs->send_head = skb_peek(&sk->sk_write_queue);
		xs->packets_out = 0;
		xtcp_write_xmit(sk);
		consume_skb(skb);
		return 0;
	}

	xs->snd_una = cb->ack_seq;
	xtcp_clean_rtx_queue(sk, &rtt_us);
	xtcp_stop_rto(sk);	/* the SYN is acknowledged, nothing else sent */
	if (rtt_us < 0)
		rtt_us = xtcp_tstamp_rtt_us(sk);
	if (rtt_us >= 0) {
		struct xtcp_net *xn = xtcp_pernet(sock_net(sk));

		xtcp_rtt_sample(&xs->rtt, (u32)rtt_us,
				xn->rto_min_ms * USEC_PER_MSEC,
				xn->rto_max_ms * USEC_PER_MSEC);
		xtcp_min_rtt_sample(sk, (u32)rtt_us);
	}
	xs->backoff = 0;
	xs->high_seq = xs->snd_una;
	xs->last_rcv_ns = xtcp_clock_ns(xs);
	xtcp_set_state(sk, TCP_ESTABLISHED);
	xtcp_init_buffer_space(sk);
	xtcp_update_pacing_rate(sk);
	if (sock_flag(sk, SOCK_KEEPOPEN))
		xtcp_arm_keepalive(sk, 0);
	if (!sock_flag(sk, SOCK_DEAD)) {
		sk->sk_state_change(sk);
		sk_wake_async(sk, SOCK_WAKE_IO, POLL_OUT);
	}

	if (cb->end_seq != cb->seq + 1) {
		/* Data or FIN on the SYN-ACK: queue it past the SYN. */
		cb->seq++;
		xtcp_data_queue(sk, skb);
		xtcp_write_xmit(sk);
		return 0;
	}
	xtcp_send_ack(sk);
	xtcp_write_xmit(sk);
	consume_skb(skb);
	return 0;
drop:
	xtcp_drop(skb);
	return 0;
}

/* An orphan whose FIN is acknowledged waits for the peer's in a minisock. */
static void xtcp_orphan_wait_fin(struct sock *sk)
{
	xtcp_time_wait(sk, TCP_FIN_WAIT2,
		       READ_ONCE(xtcp_pernet(sock_net(sk))->fin_timeout_ms));
}

/* A segment for a synchronized state (SYN_RECV onwards). */
static int xtcp_rcv_synchronized(struct sock *sk, struct sk_buff *skb)
{
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	const struct tcphdr *th = tcp_hdr(skb);
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 payload = skb->len - th->doff * 4;

	/* PAWS (RFC 7323 5.3): an old duplicate is dropped with an ACK. */
	if (xtcp_tstamp_paws_discard(sk, skb)) {
		xtcp_send_oow_ack(sk, skb);
		goto drop;
	}

	/* First: the sequence number (RFC 9293 3.10.7.4). */
	if (!xtcp_seq_acceptable(cb->seq, cb->end_seq, xs->rcv_nxt,
				 xtcp_receive_window(xs))) {
		if (!th->rst) {
			if (!xtcp_seq_after(cb->end_seq, xs->rcv_nxt)) {
				XTCP_INC_STATS(sock_net(sk), XTCP_MIB_DUPSEGS);
				xtcp_sack_rcv_dup(sk, cb->seq, cb->end_seq);
			}
			xtcp_send_oow_ack(sk, skb);
		}
		goto drop;
	}

	/* Second: RST. Only an exact match resets (RFC 5961 3.2). */
	if (th->rst) {
		if (cb->seq == xs->rcv_nxt) {
			XTCP_INC_STATS(sock_net(sk), XTCP_MIB_INRSTS);
			trace_xtcp_receive_reset(sk);
			xtcp_reset(sk, sk->sk_state == TCP_SYN_RECV ?
				   ECONNREFUSED : ECONNRESET);
		} else {
			xtcp_send_challenge_ack(sk);
		}
		goto drop;
	}

	/* Fourth: a SYN in a synchronized state (RFC 5961 4.2). */
	if (th->syn) {
		xtcp_send_challenge_ack(sk);
		goto drop;
	}

	/* Fifth: ACK. */
	if (!th->ack)
		goto drop;

	if (sk->sk_state == TCP_SYN_RECV) {
		if (!xtcp_seq_after(cb->ack_seq, xs->snd_una) ||
		    xtcp_seq_after(cb->ack_seq, xs->snd_max))
			return 1;
		/* No SYN: the window is scaled. */
		xs->snd_wnd = (u32)cb->window << xs->snd_wscale;
		xs->max_window = xs->snd_wnd;
		xs->snd_wl1 = cb->seq;
		xs->snd_wl2 = cb->ack_seq;
		xs->high_seq = cb->ack_seq;
		xtcp_set_state(sk, TCP_ESTABLISHED);
		xtcp_init_buffer_space(sk);
		if (sock_flag(sk, SOCK_KEEPOPEN))
			xtcp_arm_keepalive(sk, 0);
		if (!sock_flag(sk, SOCK_DEAD)) {
			sk->sk_state_change(sk);
			sk_wake_async(sk, SOCK_WAKE_IO, POLL_OUT);
		}
	}

	if (xtcp_ack(sk, skb) < 0)
		goto drop;

	switch (sk->sk_state) {
	case TCP_FIN_WAIT1:
		if (xs->snd_una != xs->write_seq)
			break;
		/* Our FIN is acknowledged. */
		xtcp_set_state(sk, TCP_FIN_WAIT2);
		WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown | SEND_SHUTDOWN);
		if (!sock_flag(sk, SOCK_DEAD)) {
			sk->sk_state_change(sk);
		} else if (!th->fin && !payload) {
			xtcp_orphan_wait_fin(sk);
			goto consume;
		}
		break;
	case TCP_CLOSING:
		if (xs->snd_una == xs->write_seq) {
			xtcp_time_wait(sk, TCP_TIME_WAIT, 0);
			goto consume;
		}
		break;
	case TCP_LAST_ACK:
		if (xs->snd_una == xs->write_seq) {
			xtcp_done(sk);
			goto consume;
		}
		break;
	}

	/* Seventh and eighth: data and FIN. */
	if (cb->end_seq != cb->seq) {
		switch (sk->sk_state) {
		case TCP_FIN_WAIT1:
		case TCP_FIN_WAIT2:
			/* Data for a socket closed by its owner: abort. */
			if ((sk->sk_shutdown & RCV_SHUTDOWN) && payload &&
			    xtcp_seq_after(cb->end_seq - th->fin, xs->rcv_nxt)) {
				XTCP_INC_STATS(sock_net(sk), XTCP_MIB_ESTABRESETS);
				xtcp_reset(sk, ECONNRESET);
				return 1;
			}
			fallthrough;
		case TCP_ESTABLISHED:
			if (xtcp_data_queue(sk, skb))
				return 0;
			if (sk->sk_state == TCP_FIN_WAIT2 &&
			    sock_flag(sk, SOCK_DEAD)) {
				/* An orphan's FIN was acknowledged by a segment
				 * whose FIN is out of order: wait for the rest
				 * in a minisock, as after a pure ACK, not as a
				 * full socket that no timer would ever free.
				 */
				xtcp_orphan_wait_fin(sk);
				return 0;
			}
			xtcp_write_xmit(sk);
			return 0;
		default:
			/* CLOSE_WAIT, CLOSING, LAST_ACK: the peer already sent
			 * its FIN; anything more is a retransmission, not
			 * taken (a drop, as TCP's old data).
			 */
			xtcp_send_ack(sk);
			goto drop;
		}
	}
	xtcp_write_xmit(sk);
consume:
	consume_skb(skb);
	return 0;
drop:
	xtcp_drop(skb);
	return 0;
}

/*
 * An ACK without SYN found the listener (no request socket): the last step
 * of a handshake answered with a SYN cookie, or a RST. Return non-zero to
 * answer with a RST.
 */
static int xtcp_listen_ack(struct sock *sk, struct sk_buff *skb)
{
	struct sock *nsk;
	int ret;

	/* Backlogged segments come here in process context: the child's
	 * hashing and its spinlock want BHs off, as in softirq input.
	 */
	local_bh_disable();
	nsk = xtcp_cookie_check(sk, skb);
	if (nsk == sk) {
		ret = 1;
	} else if (!nsk) {
		xtcp_drop(skb);
		ret = 0;
	} else {
		ret = xtcp_child_process(sk, nsk, skb);
	}
	local_bh_enable();
	return ret;
}

/* LISTEN (RFC 9293 3.10.7.2). Return non-zero to answer with a RST. */
static int xtcp_listen_rcv(struct sock *sk, struct sk_buff *skb)
{
	const struct tcphdr *th = tcp_hdr(skb);

	if (th->rst)
		goto drop;
	if (th->ack)
		return th->syn ? 1 : xtcp_listen_ack(sk, skb);
	if (th->syn) {
		int err;

		/*
		 * xtcp_v4_rcv() hands segments for a listener over in softirq
		 * context without its lock, so a SYN never waits in a backlog.
		 * Should one still come from release_sock() (BHs on), keep BHs
		 * off: the request's hash insertion takes the ehash bucket lock
		 * with a plain spin_lock() and arms a CPU-pinned timer.
		 */
		local_bh_disable();
		err = inet_csk(sk)->icsk_af_ops->conn_request(sk, skb);
		local_bh_enable();
		if (err < 0)
			goto drop;
		consume_skb(skb);
		return 0;
	}
drop:
	xtcp_drop(skb);
	return 0;
}

/**
 * xtcp_rcv_state_process() - process a segment for a full socket
 * @sk: the socket, locked by this context
 * @skb: the segment, header at skb->data, control block filled
 *
 * Return: 0 if @skb was consumed, non-zero if the caller must answer with a
 * RST and free @skb.
 */
int xtcp_rcv_state_process(struct sock *sk, struct sk_buff *skb)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	switch (sk->sk_state) {
	case TCP_CLOSE:
		/* Closed under the segment: an orphan that became a minisock
		 * while this segment waited in the backlog or on the lock.
		 * Drop it, as TCP does: the minisock answers a retransmission,
		 * while a RST here would reset a peer that did nothing wrong.
		 */
		xtcp_drop(skb);
		return 0;
	case TCP_LISTEN:
		return xtcp_listen_rcv(sk, skb);
	case TCP_SYN_SENT:
		xtcp_clock_refresh(xs);
		xtcp_count_segs_in(xs, skb);
		xtcp_tstamp_parse(sk, skb);
		return xtcp_syn_sent_rcv(sk, skb);
	default:
		xtcp_count_segs_in(xs, skb);
		xs->last_rcv_ns = xtcp_clock_refresh(xs);
		xtcp_tstamp_parse(sk, skb);
		return xtcp_rcv_synchronized(sk, skb);
	}
}

/**
 * xtcp_check_req() - a segment for a connection still in SYN_RECV
 * @sk: the listener
 * @skb: the segment
 * @req: the request socket it matched
 *
 * Return: the new child socket (locked) when the segment completes the
 * handshake, @sk when the listener should process the segment itself (it
 * then answers with a RST), or NULL when the segment is consumed or dropped.
 */
struct sock *xtcp_check_req(struct sock *sk, struct sk_buff *skb,
			    struct request_sock *req)
{
	struct xtcp_request_sock *xreq = xtcp_rsk(req);
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	const struct tcphdr *th = tcp_hdr(skb);
	const struct inet_connection_sock_af_ops *af_ops;
	struct sock *child;
	bool own_req;

	/* A retransmitted SYN: our SYN-ACK was lost, send it again, at most
	 * once per invalid_ratelimit_ms (tcp_check_req()).
	 */
	if (th->syn && !th->ack && !th->rst && cb->seq == xreq->irs) {
		if (!xtcp_oow_rate_limited(sock_net(sk), skb,
					   XTCP_MIB_ACKSKIPPEDSYNRECV,
					   &xreq->last_oow_ack))
			inet_rtx_syn_ack(sk, req);
		return NULL;
	}
	if (th->rst) {
		if (cb->seq == xreq->irs + 1) {
			XTCP_INC_STATS(sock_net(sk), XTCP_MIB_INRSTS);
			inet_csk_reqsk_queue_drop(sk, req);
		}
		return NULL;
	}
	if (th->syn || !th->ack)
		return NULL;
	if (cb->ack_seq != xreq->iss + 1)
		return sk;	/* bad ACK in SYN_RECV: the listener resets */
	if (xtcp_tstamp_check_req(sk, req, skb) ||
	    !xtcp_seq_acceptable(cb->seq, cb->end_seq, xreq->irs + 1,
				 XTCP_MAX_WINDOW)) {
		u32 ts[2];

		if (!xtcp_oow_rate_limited(sock_net(sk), skb,
					   XTCP_MIB_ACKSKIPPEDSYNRECV,
					   &xreq->last_oow_ack))
			xtcp_v4_send_ack_ts(sock_net(sk), skb, xreq->iss + 1,
					    xreq->irs + 1,
					    xtcp_wscale_field(XTCP_MAX_WINDOW,
							      inet_rsk(req)->rcv_wscale),
					    xtcp_tstamp_req_ack(req, ts) ? ts : NULL,
					    NULL);
		return NULL;
	}

	if (xtcp_defer_accept_holds(sk, req, skb))
		return NULL;	/* TCP_DEFER_ACCEPT: no data yet */
	af_ops = inet_csk(sk)->icsk_af_ops;
	child = af_ops->syn_recv_sock(sk, skb, req, NULL, req, &own_req, NULL);
	if (!child)
		return NULL;	/* accept queue full: the peer will retry */
	return inet_csk_complete_hashdance(sk, child, req, own_req);
}

/**
 * xtcp_child_process() - hand the handshake's last segment to the child
 * @parent: the listener
 * @child: the new socket, bh-locked by sk_clone_lock()
 * @skb: the segment
 *
 * Unlocks and releases @child.
 *
 * Return: non-zero if the caller must answer with a RST and free @skb.
 */
int xtcp_child_process(struct sock *parent, struct sock *child,
		       struct sk_buff *skb)
	__releases(&child->sk_lock.slock)
{
	int state = child->sk_state;
	int ret = 0;

	if (!sock_owned_by_user(child)) {
		ret = xtcp_rcv_state_process(child, skb);
		if (state == TCP_SYN_RECV && child->sk_state != state)
			parent->sk_data_ready(parent);
	} else {
		__sk_add_backlog(child, skb);
	}
	bh_unlock_sock(child);
	sock_put(child);
	return ret;
}
