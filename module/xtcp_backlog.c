// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP socket backlog: segments that arrive while a process owns the
 * socket wait in sk_backlog until release_sock() hands them to the
 * family's do_rcv. As tcp_add_backlog() does for TCP:
 *
 * - a data segment that continues the backlog's last one is merged into
 *   it (skb_try_coalesce()): a burst that found the reader copying then
 *   costs one skb and one pass through the input path, not one per frame;
 * - the bound is twice the receive buffer, half the send buffer and
 *   64 KiB. sk_backlog.len is reset only when release_sock() has drained
 *   the whole backlog, while the segments it already ran are charged to
 *   the receive queue too, and the ACKs they caused let the peer send
 *   more in the meantime: a bound of one receive buffer dropped in-window
 *   data from a bulk flow at full speed (BacklogDrop).
 *
 * Called from softirq with the socket bh-locked and owned by a process.
 */
#include "xtcp.h"

/**
 * xtcp_backlog_limit() - bound on backlog plus receive queue memory
 * @rcvbuf: the socket's receive buffer (SO_RCVBUF)
 * @sndbuf: its send buffer (SO_SNDBUF)
 *
 * What sk_add_backlog() compares with sk_backlog.len + sk_rmem_alloc.
 *
 * Return: 2 * @rcvbuf + @sndbuf / 2 + 64 KiB, at most UINT_MAX.
 */
u32 xtcp_backlog_limit(u32 rcvbuf, u32 sndbuf)
{
	u64 limit = 2ULL * rcvbuf + sndbuf / 2 + SZ_64K;

	return min_t(u64, limit, UINT_MAX);
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_backlog_limit);

/**
 * xtcp_backlog_can_merge() - may @skb's payload join @tail's?
 * @tail: the last segment in the backlog, header at ->data
 * @skb: the new segment, header at ->data, its control block filled
 *
 * Only a segment that carries data (or a FIN) right after @tail's, with
 * the same flags but FIN and PSH and the same option bytes (so the same
 * timestamps and SACK blocks): what the input path reads from the header
 * of the merged skb then holds for every byte in it. Pure ACKs are never
 * merged, since a sender without SACK counts each duplicate.
 *
 * Return: true if the two may be merged.
 */
bool xtcp_backlog_can_merge(const struct sk_buff *tail,
			    const struct sk_buff *skb)
{
	const struct xtcp_skb_cb *tcb = XTCP_SKB_CB(tail);
	const struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	const struct tcphdr *tth = (const struct tcphdr *)tail->data;
	const struct tcphdr *th = (const struct tcphdr *)skb->data;

	if (tcb->end_seq != cb->seq || tcb->seq == tcb->end_seq ||
	    cb->seq == cb->end_seq)
		return false;
	if ((tcb->flags | cb->flags) &
	    (XTCP_FLAG_SYN | XTCP_FLAG_RST | XTCP_FLAG_URG))
		return false;
	if (!(tcb->flags & cb->flags & XTCP_FLAG_ACK) ||
	    (tcb->flags & XTCP_FLAG_FIN))
		return false;
	if ((tcb->flags ^ cb->flags) & ~(XTCP_FLAG_FIN | XTCP_FLAG_PSH))
		return false;
	if (tth->doff != th->doff)
		return false;
	return !memcmp(tth + 1, th + 1, th->doff * 4 - sizeof(*th));
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_backlog_can_merge);

/**
 * xtcp_backlog_merge() - append @skb's payload to @tail
 * @tail: the backlog's last segment
 * @skb: the next one, xtcp_backlog_can_merge() true
 * @delta: set to the truesize @tail grew by
 *
 * On success @tail ends where @skb ended, carries the newer of the two
 * acknowledgments and windows, @skb's FIN and receive time, and counts
 * both segments in its GSO fields; the caller frees @skb with
 * kfree_skb_partial(). skb_try_coalesce() refuses a cloned @tail (over
 * veth, the sender's own clone), a frag_list, or too many fragments.
 *
 * Return: 1 if @tail took @skb's head as a fragment (only the sk_buff is
 * left to free), 0 if the payload was copied or its fragments moved, or
 * -EBUSY if nothing was merged and @skb is unchanged.
 */
int xtcp_backlog_merge(struct sk_buff *tail, struct sk_buff *skb, int *delta)
{
	struct xtcp_skb_cb *tcb = XTCP_SKB_CB(tail);
	const struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	const struct tcphdr *th = (const struct tcphdr *)skb->data;
	struct tcphdr *tth = (struct tcphdr *)tail->data;
	struct skb_shared_info *tsh = skb_shinfo(tail);
	const struct skb_shared_info *sh = skb_shinfo(skb);
	unsigned int hdrlen = th->doff * 4;
	u32 size = sh->gso_size ? : skb->len - hdrlen;
	u32 segs = sh->gso_segs ? : 1;
	u32 tsize = tsh->gso_size ? : tail->len - hdrlen;
	u32 tsegs = tsh->gso_segs ? : 1;
	ktime_t hwtstamp = skb_hwtstamps(skb)->hwtstamp;
	__be16 window = th->window;
	__be32 ack_seq = th->ack_seq;
	ktime_t tstamp = skb->tstamp;
	bool fin = th->fin, stolen;

	__skb_pull(skb, hdrlen);
	if (!skb_try_coalesce(tail, skb, &stolen, delta)) {
		__skb_push(skb, hdrlen);
		return -EBUSY;
	}
	/* @skb's header may now be part of @tail: use only what was read. */
	tcb->end_seq = cb->end_seq;
	if (!xtcp_seq_before(cb->ack_seq, tcb->ack_seq)) {
		tcb->ack_seq = cb->ack_seq;
		tcb->window = cb->window;
		tth->ack_seq = ack_seq;
		tth->window = window;
	}
	tcb->flags |= cb->flags;
	tth->fin |= fin;
	if (tstamp) {
		tail->tstamp = tstamp;
		skb_hwtstamps(tail)->hwtstamp = hwtstamp;
	}
	tsh->gso_size = max(size, tsize);
	tsh->gso_segs = min_t(u32, segs + tsegs, 0xffff);
	return stolen;
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_backlog_merge);

/**
 * xtcp_add_backlog() - queue a segment for the process that owns @sk
 * @sk: a full socket, bh-locked, owned by a process
 * @skb: the segment, checksum verified, control block filled
 *
 * Merges @skb into the backlog's last segment if it can, whatever the
 * bound (the merged skb is bounded by its fragment slots), else queues it
 * within xtcp_backlog_limit().
 *
 * Return: true if @skb was not queued; the caller unlocks, counts
 * BacklogDrop and frees it.
 */
bool xtcp_add_backlog(struct sock *sk, struct sk_buff *skb)
{
	struct sk_buff *tail = sk->sk_backlog.tail;
	int delta, ret;

	if (tail && xtcp_backlog_can_merge(tail, skb)) {
		ret = xtcp_backlog_merge(tail, skb, &delta);
		if (ret >= 0) {
			sk->sk_backlog.len += delta;
			XTCP_INC_STATS(sock_net(sk), XTCP_MIB_BACKLOGCOALESCE);
			kfree_skb_partial(skb, ret);
			return false;
		}
	}
	return sk_add_backlog(sk, skb,
			      xtcp_backlog_limit(READ_ONCE(sk->sk_rcvbuf),
						 READ_ONCE(sk->sk_sndbuf)));
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_add_backlog);
