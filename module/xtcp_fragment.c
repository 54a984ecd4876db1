// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP write-queue skbs of many segments, and cutting them.
 *
 * sendmsg() copies user bytes into page fragments of the tail skb until it
 * holds a size goal of data (xtcp_size_goal(): up to a 64 KiB super-packet
 * when the route can take GSO, else one MSS), as TCP fills its skbs. When
 * such an skb first leaves, xtcp_skb_set_pcount() records how many
 * segments it is (pcount) and of what size (seg_size); it goes out as one
 * GSO super-packet, and packets_out counts its segments.
 *
 * The recovery machinery works on single segments: the SACK scoreboard,
 * RFC 6675's IsLost(), RACK's marks, retransmissions and the loss probe
 * mark whole skbs. So an skb of several segments stays whole only while it
 * is unsent, or sent once and unmarked; the first event that would mark or
 * resend part of it (a SACK block over it, a loss, a retransmission, a
 * probe) cuts it into one skb per segment first (xtcp_unbundle()). A
 * cumulative ACK that covers some of its segments cuts off those
 * (xtcp_trim_acked()). On a clean path an skb is cut at most once per ACK
 * that ends inside it; under loss the cost is what one skb per segment
 * always cost.
 *
 * Cutting (xtcp_fragment(), as tcp_fragment()) moves the page fragments
 * after the cut to a new skb with skb_split(); only a new head is
 * allocated, and it is charged whatever the limits say, since the queue
 * holds no more data than before. A clone still below us shares the
 * fragment array, so the skb is uncloned first. A cut skb's stored payload
 * checksum (CHECKSUM_NONE) no longer fits either piece: both are marked to
 * have theirs computed when they are next sent (xtcp_payload_csum()).
 *
 * Called with the socket locked.
 */
#include "xtcp.h"
#include "xtcp_pacing.h"

/**
 * xtcp_pcount_of() - segments of @len bytes cut at @seg_size
 * @len: payload bytes
 * @seg_size: segment size, not 0
 *
 * Return: segments, at least 1 (a FIN or an empty skb is one).
 */
u32 xtcp_pcount_of(u32 len, u32 seg_size)
{
	return max(DIV_ROUND_UP(len, seg_size), 1U);
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_pcount_of);

/**
 * xtcp_skb_set_pcount() - fix the segments of an skb about to be sent
 * @skb: an unsent write-queue skb
 * @mss: the sending MSS now
 */
void xtcp_skb_set_pcount(struct sk_buff *skb, u32 mss)
{
	XTCP_SKB_CB(skb)->pcount = xtcp_pcount_of(skb->len, mss);
	XTCP_SKB_CB(skb)->seg_size = mss;
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_skb_set_pcount);

/**
 * xtcp_size_goal() - payload bytes one write-queue skb may hold
 * @sk: the socket
 *
 * As tcp_xmit_size_goal(), the pacing rate does not bound it: a slow flow
 * still queues its data in skbs of a whole super-packet, a head per 64 KiB
 * rather than per pacing burst, and xtcp_cut_to_send() cuts each to the
 * burst when it leaves (as tcp_write_xmit() with tcp_tso_autosize()).
 *
 * Return: one MSS when the route takes no GSO; else as many segments as a
 * super-packet may carry (xtcp_gso_size_goal(), the device's limit).
 */
u32 xtcp_size_goal(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 mss = xs->mss_cache, segs;

	if (!sk_can_gso(sk))
		return mss;
	segs = min_t(u32, xtcp_gso_size_goal(sk->sk_gso_max_size,
					     xs->max_window, mss),
		     sk->sk_gso_max_segs);
	return mss * max(segs, 1U);
}

/* Is @skb counted in packets_out: sent, and all of it below snd_nxt?
 * After go-back-N nothing past snd_nxt is; a late ACK may then move
 * snd_nxt into an skb that was not sent again (as tcp_fragment() asks).
 */
static bool xtcp_skb_counted(const struct xtcp_sock *xs,
			     const struct sk_buff *skb)
{
	const struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);

	return cb->pcount && !xtcp_seq_after(cb->end_seq, xs->snd_nxt);
}

/*
 * As tcp_fragment() for its retransmission queue: a peer that SACKs every
 * other segment of a tiny MSS would have each sent skb cut into a head per
 * segment, memory no send buffer limited. Past twice the send buffer,
 * only the first skb and the last one sent are cut (progress at snd_una,
 * and the loss probe); WqueueTooBig counts the refusals.
 */
static bool xtcp_wqueue_too_big(struct sock *sk, const struct sk_buff *skb)
{
	const struct xtcp_sock *xs = xtcp_sk(sk);

	if (!XTCP_SKB_CB(skb)->pcount ||
	    (READ_ONCE(sk->sk_wmem_queued) >> 1) <= READ_ONCE(sk->sk_sndbuf))
		return false;
	if (skb_queue_is_first(&sk->sk_write_queue, skb) ||
	    skb_queue_is_last(&sk->sk_write_queue, skb) ||
	    skb_queue_next(&sk->sk_write_queue, skb) == xs->send_head)
		return false;
	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_WQUEUETOOBIG);
	return true;
}

/* skb_unclone_keeptruesize(), whose body is not exported: a private copy
 * of the head and fragment array, with the charged truesize unchanged.
 */
static int xtcp_unclone(struct sk_buff *skb, gfp_t gfp)
{
	unsigned int truesize = skb->truesize;
	int err;

	if (!skb_cloned(skb))
		return 0;
	err = pskb_expand_head(skb, 0, 0, gfp);
	skb->truesize = truesize;
	return err;
}

/**
 * xtcp_fragment() - cut a write-queue skb after @len bytes of payload
 * @sk: the socket, locked
 * @skb: the skb; keeps the first @len bytes
 * @len: 0 < @len < skb->len
 * @gfp: allocation mode
 *
 * The rest becomes a new skb right after @skb, with the sequence numbers,
 * transmission time, retransmitted bit and FIN that are its; SACK, loss
 * and retransmission-out marks stay with @skb. A sent skb's segment count
 * is shared out by its segment size, and packets_out follows.
 *
 * Return: 0, or -ENOMEM (nothing changed: no memory, or a sent skb of a
 * write queue already twice its send buffer).
 */
int xtcp_fragment(struct sock *sk, struct sk_buff *skb, u32 len, gfp_t gfp)
{
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb), *ncb;
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 nsize, nlen, seg = cb->seg_size;
	bool counted = xtcp_skb_counted(xs, skb);
	struct sk_buff *nskb;

	if (WARN_ON_ONCE(!len || len >= skb->len))
		return -EINVAL;
	if (unlikely(xtcp_wqueue_too_big(sk, skb)))
		return -ENOMEM;
	/* A clone below us shares the fragment array skb_split() rewrites. */
	if (xtcp_unclone(skb, gfp))
		return -ENOMEM;
	nsize = skb_headlen(skb) > len ? skb_headlen(skb) - len : 0;
	nskb = alloc_skb_fclone(XTCP_MAX_HEADER + nsize, gfp);
	if (!nskb)
		return -ENOMEM;
	skb_reserve(nskb, XTCP_MAX_HEADER);
	/* As tcp_fragment(): the queue holds the same data, so the cut must
	 * not fail for want of memory.
	 */
	xtcp_forced_mem_schedule(sk, nskb->truesize, SK_MEM_SEND);
	sk_wmem_queued_add(sk, nskb->truesize);
	sk_mem_charge(sk, nskb->truesize);

	skb_split(skb, nskb, len);
	/* Page bytes were charged one for one when copied in: their
	 * truesize moves with them.
	 */
	nlen = nskb->len - nsize;
	nskb->truesize += nlen;
	skb->truesize -= nlen;
	if (skb->ip_summed == CHECKSUM_NONE)
		skb->ip_summed = CHECKSUM_PARTIAL;
	nskb->ip_summed = skb->ip_summed;
	nskb->csum = 0;
	/* Set for its last transmission; each one sets them anew. */
	skb_shinfo(skb)->gso_size = 0;
	skb_shinfo(skb)->gso_segs = 0;
	skb_shinfo(skb)->gso_type = 0;

	ncb = XTCP_SKB_CB(nskb);
	memset(ncb, 0, sizeof(*ncb));
	ncb->seq = cb->seq + len;
	ncb->end_seq = cb->end_seq;
	/* Sent with @skb, if it was: RACK and the RTT need its time. */
	ncb->tx_us = cb->tx_us;
	ncb->flags = cb->flags & ~XTCP_FLAG_SYN;
	ncb->sacked = cb->sacked & ~XTCP_SKB_SCOREBOARD;
	cb->end_seq = cb->seq + len;
	cb->flags &= ~(XTCP_FLAG_FIN | XTCP_FLAG_PSH);

	if (cb->pcount) {
		u32 before = cb->pcount;

		cb->pcount = xtcp_pcount_of(len, seg);
		ncb->pcount = xtcp_pcount_of(nskb->len, seg);
		ncb->seg_size = seg;
		if (counted)
			xs->packets_out += cb->pcount + ncb->pcount - before;
	}
	__skb_queue_after(&sk->sk_write_queue, skb, nskb);
	return 0;
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_fragment);

/**
 * xtcp_unbundle() - cut a sent skb into one skb per segment
 * @sk: the socket, locked
 * @skb: a write-queue skb; stays the first segment
 * @gfp: allocation mode
 *
 * Before anything marks or resends part of it (see above). Not while the
 * copy it was last sent as still waits below us (xtcp_tsq_in_host_queue()):
 * that copy is what keeps its segments from being sent again before they
 * have left the host, and only the first piece would still be tied to it.
 *
 * Return: 0; -EBUSY (nothing cut) while that copy is below us; -ENOMEM
 * with the cuts made so far kept.
 */
int xtcp_unbundle(struct sock *sk, struct sk_buff *skb, gfp_t gfp)
{
	int err;

	if (xtcp_skb_pcount(skb) > 1 && skb_fclone_busy(sk, skb))
		return -EBUSY;

	while (xtcp_skb_pcount(skb) > 1) {
		err = xtcp_fragment(sk, skb, XTCP_SKB_CB(skb)->seg_size, gfp);
		if (err)
			return err;
		skb = skb_queue_next(&sk->sk_write_queue, skb);
	}
	return 0;
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_unbundle);

/**
 * xtcp_one_segment() - make @skb one segment before it is marked
 * @sk: the socket, locked
 * @skb: a sent write-queue skb about to be SACKed, marked lost or resent
 *
 * The marks are per segment: an skb of several is cut first
 * (xtcp_unbundle()); a walk over the write queue meets the other segments
 * next.
 *
 * Return: true if @skb is one segment now; false if it could not be cut
 * (no memory, or its copy still waits below us): leave it unmarked.
 */
bool xtcp_one_segment(struct sock *sk, struct sk_buff *skb)
{
	if (xtcp_skb_pcount(skb) > 1)
		xtcp_unbundle(sk, skb, GFP_ATOMIC);
	return xtcp_skb_pcount(skb) == 1;
}

/**
 * xtcp_trim_acked() - cut off the segments of @skb an ACK covers
 * @sk: the socket, locked
 * @skb: a sent write-queue skb with @una inside it
 * @una: the new snd_una
 *
 * The whole segments below @una become an skb of their own, which the
 * caller frees as acknowledged.
 *
 * Return: 0 if they were cut off (or none are whole), else -ENOMEM.
 */
int xtcp_trim_acked(struct sock *sk, struct sk_buff *skb, u32 una)
{
	const struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	u32 seg = cb->seg_size, len;

	if (xtcp_skb_pcount(skb) < 2 || !seg)
		return 0;
	len = rounddown(una - cb->seq, seg);
	if (!len || len >= skb->len)
		return 0;
	return xtcp_fragment(sk, skb, len, GFP_ATOMIC);
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_trim_acked);
