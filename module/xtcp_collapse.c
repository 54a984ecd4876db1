// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP receive-queue collapse: when in-window data finds the receive
 * buffer full, the unread data is copied into page-sized skbs before
 * anything is dropped, as tcp_prune_queue() collapses TCP's queues.
 *
 * The window offers half the free buffer memory as payload
 * (xtcp_window_space()), assuming a segment's skb costs at most twice its
 * payload. Senders and drivers do worse: a frag_list GSO skb of a few
 * segments, a NIC that puts every frame in its own 4 KiB buffer, a small
 * segment in a large head. The data then outgrows the buffer its window
 * promised, and a receiver that drops it makes the sender retransmit on
 * a clean path (a slow reader over veth lost one segment in twenty). A
 * collapsed skb holds SKB_WITH_OVERHEAD(PAGE_SIZE) bytes of payload for
 * SKB_TRUESIZE of a page: about 0.87 of its memory is data.
 *
 * Called with the socket locked (bh_lock_sock or owned by the user, from
 * the backlog). Readers find their bytes by sequence number (copied_seq,
 * or the peek position), not by skb, so replacing skbs under them is safe
 * once they have released the lock.
 */
#include "xtcp.h"

/* Payload of one collapsed skb: its head and shared info fill one page. */
#define XTCP_COLLAPSE_PAYLOAD	SKB_WITH_OVERHEAD(PAGE_SIZE)

/**
 * xtcp_collapse_gain() - memory a collapse would give back
 * @payload: unread bytes in the skbs to collapse
 * @truesize: what those skbs cost now
 *
 * Return: bytes of skb memory saved by copying @payload into page-sized
 * skbs, 0 if none.
 */
u32 xtcp_collapse_gain(u32 payload, u32 truesize)
{
	u32 nskbs = DIV_ROUND_UP(payload, XTCP_COLLAPSE_PAYLOAD);
	u64 cost = (u64)nskbs * SKB_TRUESIZE(XTCP_COLLAPSE_PAYLOAD);

	return cost < truesize ? truesize - (u32)cost : 0;
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_collapse_gain);

/* Already compact: at least three quarters of its memory is payload. */
static bool xtcp_skb_compact(const struct sk_buff *skb)
{
	return (u64)skb->len * 4 >= (u64)skb->truesize * 3;
}

/* First byte after @skb's payload. */
static u32 xtcp_skb_data_end(const struct sk_buff *skb)
{
	return XTCP_SKB_CB(skb)->seq + skb->len;
}

/**
 * xtcp_rcvq_coalesce() - append in-order data to the receive queue's tail
 * @sk: the socket, locked
 * @skb: in-order data, header pulled, its memory scheduled
 *	(sk_rmem_schedule()) but not yet charged
 *
 * As tcp_try_coalesce(): data that starts where the tail's ends (no old
 * prefix, no FIN on the tail) is copied into the tail's room or its
 * fragments are moved over (skb_try_coalesce(), which refuses a cloned
 * tail), and only the truesize the tail grew by is charged. The reader
 * then finds one skb where there were two.
 *
 * Return: true if @skb was merged and freed.
 */
bool xtcp_rcvq_coalesce(struct sock *sk, struct sk_buff *skb)
{
	struct sk_buff *tail = skb_peek_tail(&sk->sk_receive_queue);
	struct xtcp_skb_cb *tcb;
	bool stolen;
	int delta;

	if (!tail)
		return false;
	tcb = XTCP_SKB_CB(tail);
	if (xtcp_skb_data_end(tail) != XTCP_SKB_CB(skb)->seq ||
	    tcb->end_seq != xtcp_skb_data_end(tail))
		return false;
	if (!skb_try_coalesce(tail, skb, &stolen, &delta))
		return false;
	atomic_add(delta, &sk->sk_rmem_alloc);
	sk_mem_charge(sk, delta);
	tcb->end_seq = XTCP_SKB_CB(skb)->end_seq;
	tcb->flags |= XTCP_SKB_CB(skb)->flags;
	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_RCVCOALESCE);
	kfree_skb_partial(skb, stolen);
	return true;
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_rcvq_coalesce);

/* Unlink and free @skb from the receive queue (sock_rfree uncharges it). */
static void xtcp_collapse_free(struct sock *sk, struct sk_buff *skb)
{
	__skb_unlink(skb, &sk->sk_receive_queue);
	consume_skb(skb);
}

/*
 * Copy [*seq, *seq + len) from the skbs at and after @from into @nskb,
 * freeing each one whose payload has all been copied. Return the skb the
 * next copy starts at (NULL once the queue is done).
 */
static struct sk_buff *xtcp_collapse_fill(struct sock *sk,
					  struct sk_buff *from,
					  struct sk_buff *nskb, u32 *seq,
					  u32 len)
{
	struct sk_buff_head *q = &sk->sk_receive_queue;

	while (len && from) {
		struct sk_buff *next = skb_queue_is_last(q, from) ? NULL :
				       skb_queue_next(q, from);
		u32 off = *seq - XTCP_SKB_CB(from)->seq;
		u32 take;

		if (off < from->len) {
			take = min(from->len - off, len);
			/* Within the skb's bounds: cannot fail. */
			if (WARN_ON_ONCE(skb_copy_bits(from, off,
						       skb_put(nskb, take),
						       take)))
				return NULL;
			*seq += take;
			len -= take;
			if (off + take < from->len)
				return from;
		}
		xtcp_collapse_free(sk, from);
		from = next;
	}
	return from;
}

/**
 * xtcp_collapse_rcvq() - copy wasteful receive-queue skbs into compact ones
 * @sk: the socket, locked
 * @need: bytes of skb memory wanted back
 *
 * Collapses from the first skb that is not compact to the end of the
 * queue, only if that gives back at least @need: a queue already compact
 * is not copied again for nothing. The copies are charged to the socket
 * before the originals are freed, as tcp_collapse() does.
 *
 * Return: true if the queue was collapsed.
 */
bool xtcp_collapse_rcvq(struct sock *sk, u32 need)
{
	struct sk_buff_head *q = &sk->sk_receive_queue;
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb, *start = NULL, *prev, *nskb;
	u32 seq, end, truesize = 0;

	skb_queue_walk(q, skb) {
		if (!start && xtcp_skb_data_end(skb) != XTCP_SKB_CB(skb)->seq &&
		    xtcp_seq_after(xtcp_skb_data_end(skb), xs->copied_seq) &&
		    !xtcp_skb_compact(skb))
			start = skb;
		if (start)
			truesize += skb->truesize;
	}
	if (!start)
		return false;
	seq = XTCP_SKB_CB(start)->seq;
	if (xtcp_seq_before(seq, xs->copied_seq))
		seq = xs->copied_seq;
	end = xtcp_skb_data_end(skb_peek_tail(q));
	if (!xtcp_seq_after(end, seq) ||
	    xtcp_collapse_gain(end - seq, truesize) < need)
		return false;

	prev = skb_queue_is_first(q, start) ? (struct sk_buff *)q :
					      skb_queue_prev(q, start);
	skb = start;
	while (skb && xtcp_seq_before(seq, end)) {
		u32 len = min_t(u32, end - seq, XTCP_COLLAPSE_PAYLOAD);

		nskb = alloc_skb(len, GFP_ATOMIC);
		if (!nskb)
			break;	/* what is left stays as it was */
		memset(XTCP_SKB_CB(nskb), 0, sizeof(struct xtcp_skb_cb));
		XTCP_SKB_CB(nskb)->seq = seq;
		skb = xtcp_collapse_fill(sk, skb, nskb, &seq, len);
		XTCP_SKB_CB(nskb)->end_seq = seq;
		skb_set_owner_r(nskb, sk);
		__skb_queue_after(q, prev, nskb);
		prev = nskb;
	}
	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_RCVCOLLAPSED);
	return true;
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_collapse_rcvq);
