// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP selective acknowledgments.
 *
 * Negotiation (RFC 2018 2): a SYN offers SACK-permitted when net.xtcp.sack
 * is set; a SYN-ACK carries it only if the SYN did; both ends then use it.
 * A SYN answered with a cookie does not offer it (the cookie has no room to
 * remember it).
 *
 * Receiver (RFC 2018 4, RFC 2883): the blocks of out-of-order data to
 * report are kept in a small array, most recent first, updated when a
 * segment joins the out-of-order queue and when rcv_nxt advances, and
 * forgotten when that queue is pruned. A duplicate segment is reported
 * once as the first block (DSACK) when net.xtcp.dsack is set.
 *
 * Sender: each ACK's blocks are validated (as tcp_is_sackblock_valid():
 * nothing outside snd_una..snd_max is believed, a DSACK below snd_una only
 * within the recovery episode and a window) and mark the write-queue skbs
 * they cover entirely (XTCP_SKB_SACKED). The blocks of the previous ACK
 * are remembered, so a block that only grew costs the walk over its new
 * part, which starts from where the last walk ended (tag_hint). Recovery
 * follows RFC 6675: an skb with DupThresh SACKed skbs above it is lost
 * (the marker walks forward from lost_hint once per skb and episode), pipe
 * is packets_out - sacked_out - lost_out + retrans_out, and every lost skb
 * is retransmitted as pipe allows, in one round trip, before new data;
 * PRR (xtcp_prr.c) sets cwnd on each ACK of the episode.
 * After a timeout the go-back-N pass skips SACKed skbs, unless the peer
 * reneged (the skb at snd_una is SACKed): then the marks are forgotten.
 * When every retransmission of a recovery episode comes back as a DSACK,
 * the episode was spurious (reordering): cwnd and ssthresh are restored.
 */
#define pr_fmt(fmt) "xtcp: " fmt

#include <asm/unaligned.h>

#include "xtcp.h"
#include "xtcp_cong.h"
#include "xtcp_undo.h"

/* NOP, NOP, kind, length before the blocks on a non-SYN segment. */
#define XTCP_SACK_OPT_HDR	4

static struct sk_buff *xtcp_wq_next(struct sock *sk, struct sk_buff *skb)
{
	return skb_queue_is_last(&sk->sk_write_queue, skb) ? NULL :
	       skb_queue_next(&sk->sk_write_queue, skb);
}

static struct sk_buff *xtcp_wq_prev(struct sock *sk, struct sk_buff *skb)
{
	return skb_queue_is_first(&sk->sk_write_queue, skb) ? NULL :
	       skb_queue_prev(&sk->sk_write_queue, skb);
}

/**
 * xtcp_sack_init() - forget all SACK state (a new connection)
 * @sk: the socket
 */
void xtcp_sack_init(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	memset(&xs->sack, 0, sizeof(xs->sack));
	xs->sack.undo_retrans = -1;
	xtcp_rack_init(sk);
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_sack_init);

/**
 * xtcp_sack_syn_perm() - did this SYN or SYN-ACK offer SACK-permitted?
 * @skb: the segment, transport header set
 *
 * Return: true if it carried a well-formed SACK-permitted option.
 */
bool xtcp_sack_syn_perm(const struct sk_buff *skb)
{
	const struct tcphdr *th = tcp_hdr(skb);
	struct xtcp_options opts;

	if (th->doff <= XTCP_HDR_LEN / 4)
		return false;
	if (xtcp_parse_options((const u8 *)(th + 1),
			       th->doff * 4 - XTCP_HDR_LEN, true, &opts))
		return false;
	return opts.saw_sack_perm;
}

/**
 * xtcp_sack_write_syn() - SACK-permitted in a SYN or SYN-ACK
 * @ptr: after the MSS option: where the timestamps were written, or where
 *	the option goes
 * @sack: offer it (nothing is written otherwise)
 * @before_ts: timestamps follow at @ptr (NOP, NOP, TS): SACK-permitted
 *	takes the place of their two NOPs, as Linux lays it out
 *
 * Return: bytes added: 4 (NOP, NOP, SACK-permitted) without timestamps,
 * else 0.
 */
unsigned int xtcp_sack_write_syn(u8 *ptr, bool sack, bool before_ts)
{
	if (!sack)
		return 0;
	if (!before_ts) {
		*ptr++ = XTCP_OPT_NOP;
		*ptr++ = XTCP_OPT_NOP;
	}
	ptr[0] = XTCP_OPT_SACK_PERM;
	ptr[1] = XTCP_OLEN_SACK_PERM;
	return before_ts ? 0 : 4;
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_sack_write_syn);

/**
 * xtcp_sack_opt_len() - option bytes of SACK blocks for the next segment
 * @sk: the socket, locked, not sending a SYN or RST
 * @payload: bytes of data the segment carries
 * @used: option bytes the segment already carries (timestamps)
 *
 * A data segment carries only the blocks that fit in the MSS with its
 * data; a pure ACK carries all that fit in the 40 bytes of options with
 * @used (4 blocks without timestamps, 3 with).
 *
 * Return: 0, or the bytes to reserve for xtcp_sack_write_blocks().
 */
unsigned int xtcp_sack_opt_len(struct sock *sk, unsigned int payload,
			       unsigned int used)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	unsigned int n;

	if (!xs->sack_ok || used + XTCP_SACK_OPT_HDR +
	    XTCP_OLEN_SACK_PERBLOCK > XTCP_MAX_OPT_LEN)
		return 0;
	n = min_t(unsigned int, xs->sack.num_blocks + xs->sack.dsack_pending,
		  XTCP_NUM_SACKS);
	n = min_t(unsigned int, n, (XTCP_MAX_OPT_LEN - used - XTCP_SACK_OPT_HDR) /
				   XTCP_OLEN_SACK_PERBLOCK);
	if (!n)
		return 0;
	if (payload) {
		unsigned int room = xs->mss_cache > payload ?
				    xs->mss_cache - payload : 0;

		if (room < XTCP_SACK_OPT_HDR + XTCP_OLEN_SACK_PERBLOCK)
			return 0;
		n = min(n, (room - XTCP_SACK_OPT_HDR) / XTCP_OLEN_SACK_PERBLOCK);
	}
	return XTCP_SACK_OPT_HDR + n * XTCP_OLEN_SACK_PERBLOCK;
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_sack_opt_len);

static u8 *xtcp_sack_put_block(u8 *ptr, const struct xtcp_sack_block *b)
{
	put_unaligned_be32(b->start_seq, ptr);
	put_unaligned_be32(b->end_seq, ptr + 4);
	return ptr + XTCP_OLEN_SACK_PERBLOCK;
}

/**
 * xtcp_sack_write_blocks() - write NOP, NOP, SACK and the blocks
 * @sk: the socket, locked
 * @ptr: where the option goes
 * @len: what xtcp_sack_opt_len() returned, not 0
 *
 * A pending DSACK goes first, and only once (RFC 2883 4).
 */
void xtcp_sack_write_blocks(struct sock *sk, u8 *ptr, unsigned int len)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	unsigned int n = (len - XTCP_SACK_OPT_HDR) / XTCP_OLEN_SACK_PERBLOCK;
	unsigned int i;

	ptr[0] = XTCP_OPT_NOP;
	ptr[1] = XTCP_OPT_NOP;
	ptr[2] = XTCP_OPT_SACK;
	ptr[3] = XTCP_OLEN_SACK_BASE + n * XTCP_OLEN_SACK_PERBLOCK;
	ptr += XTCP_SACK_OPT_HDR;
	if (xs->sack.dsack_pending) {
		ptr = xtcp_sack_put_block(ptr, &xs->sack.dsack);
		xs->sack.dsack_pending = 0;
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_DSACKSENT);
		n--;
	}
	for (i = 0; i < n && i < xs->sack.num_blocks; i++)
		ptr = xtcp_sack_put_block(ptr, &xs->sack.blocks[i]);
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_sack_write_blocks);

/* Do the two ranges overlap or touch? */
static bool xtcp_sack_touch(const struct xtcp_sack_block *b, u32 seq,
			    u32 end_seq)
{
	return !xtcp_seq_after(b->start_seq, end_seq) &&
	       !xtcp_seq_before(b->end_seq, seq);
}

/**
 * xtcp_sack_add_block() - report a newly received out-of-order range
 * @blocks: the receiver's blocks, most recent first
 * @num: valid entries of @blocks
 * @seq: first sequence number received
 * @end_seq: sequence number after the last one
 *
 * The range merges with every block it overlaps or touches, and the result
 * becomes the first block (RFC 2018 4: the block holding the segment that
 * triggered the ACK first, then the most recently reported others). When
 * the array is full the oldest block is forgotten.
 *
 * Return: the new number of blocks.
 */
unsigned int xtcp_sack_add_block(struct xtcp_sack_block *blocks,
				 unsigned int num, u32 seq, u32 end_seq)
{
	struct xtcp_sack_block out[XTCP_NUM_SACKS];
	bool used[XTCP_NUM_SACKS] = {};
	unsigned int i, n = 1;
	bool merged;

	num = min_t(unsigned int, num, XTCP_NUM_SACKS);
	do {
		merged = false;
		for (i = 0; i < num; i++) {
			if (used[i] || !xtcp_sack_touch(&blocks[i], seq, end_seq))
				continue;
			if (xtcp_seq_before(blocks[i].start_seq, seq))
				seq = blocks[i].start_seq;
			if (xtcp_seq_after(blocks[i].end_seq, end_seq))
				end_seq = blocks[i].end_seq;
			used[i] = true;
			merged = true;
		}
	} while (merged);

	out[0].start_seq = seq;
	out[0].end_seq = end_seq;
	for (i = 0; i < num && n < XTCP_NUM_SACKS; i++)
		if (!used[i])
			out[n++] = blocks[i];
	memcpy(blocks, out, n * sizeof(*out));
	return n;
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_sack_add_block);

/**
 * xtcp_sack_remove_below() - drop the blocks rcv_nxt has reached
 * @blocks: the receiver's blocks
 * @num: valid entries
 * @rcv_nxt: next sequence number expected
 *
 * Return: the new number of blocks, order kept.
 */
unsigned int xtcp_sack_remove_below(struct xtcp_sack_block *blocks,
				    unsigned int num, u32 rcv_nxt)
{
	unsigned int i, n = 0;

	for (i = 0; i < num && i < XTCP_NUM_SACKS; i++)
		if (xtcp_seq_after(blocks[i].start_seq, rcv_nxt))
			blocks[n++] = blocks[i];
	return n;
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_sack_remove_below);

/**
 * xtcp_sack_rcv_dup() - a duplicate arrived: report it as a DSACK
 * @sk: the socket, locked
 * @seq: first duplicate sequence number
 * @end_seq: after the last; trimmed to rcv_nxt for old data
 */
void xtcp_sack_rcv_dup(struct sock *sk, u32 seq, u32 end_seq)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (!xs->sack_ok || !READ_ONCE(xtcp_pernet(sock_net(sk))->dsack))
		return;
	if (xtcp_seq_before(seq, xs->rcv_nxt) &&
	    xtcp_seq_after(end_seq, xs->rcv_nxt))
		end_seq = xs->rcv_nxt;
	if (!xtcp_seq_before(seq, end_seq))
		return;
	xs->sack.dsack.start_seq = seq;
	xs->sack.dsack.end_seq = end_seq;
	xs->sack.dsack_pending = 1;
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_sack_rcv_dup);

static u32 xtcp_rb_seq(const struct rb_node *n)
{
	return XTCP_SKB_CB(rb_entry(n, struct sk_buff, rbnode))->seq;
}

static u32 xtcp_rb_end_seq(const struct rb_node *n)
{
	return XTCP_SKB_CB(rb_entry(n, struct sk_buff, rbnode))->end_seq;
}

/* The last queued segment starting before @seq (@at: or at it). */
static struct rb_node *xtcp_sack_ofo_last(struct rb_root *root, u32 seq,
					  bool at)
{
	struct rb_node *n = root->rb_node, *last = NULL;

	while (n) {
		u32 s = xtcp_rb_seq(n);

		if (xtcp_seq_before(s, seq) || (at && s == seq)) {
			last = n;
			n = n->rb_right;
		} else {
			n = n->rb_left;
		}
	}
	return last;
}

/*
 * Grow [*seq, *end_seq) over the out-of-order data contiguous with it, so
 * that the first block reports all of it even when the array forgot an
 * older block (RFC 2018 4). Costs a lookup, and a step per queued segment
 * the block grows over, which it then holds.
 */
static void xtcp_sack_ofo_extent(struct rb_root *root, u32 *seq, u32 *end_seq)
{
	struct rb_node *n;

	for (n = xtcp_sack_ofo_last(root, *seq, false); n; n = rb_prev(n)) {
		if (xtcp_seq_before(xtcp_rb_end_seq(n), *seq))
			break;
		if (xtcp_seq_before(xtcp_rb_seq(n), *seq))
			*seq = xtcp_rb_seq(n);
	}
	for (n = xtcp_sack_ofo_last(root, *end_seq, true); n; n = rb_next(n)) {
		if (xtcp_seq_after(xtcp_rb_seq(n), *end_seq))
			break;
		if (xtcp_seq_after(xtcp_rb_end_seq(n), *end_seq))
			*end_seq = xtcp_rb_end_seq(n);
	}
}

/**
 * xtcp_sack_rcv_ofo() - an out-of-order segment arrived
 * @sk: the socket, locked
 * @seq: its first sequence number
 * @end_seq: after its last
 * @queued: it was queued; false: it duplicated queued data (DSACK)
 */
void xtcp_sack_rcv_ofo(struct sock *sk, u32 seq, u32 end_seq, bool queued)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (!xs->sack_ok)
		return;
	if (!queued) {
		xtcp_sack_rcv_dup(sk, seq, end_seq);
		return;
	}
	xtcp_sack_ofo_extent(&xs->ooo_root, &seq, &end_seq);
	xs->sack.num_blocks = xtcp_sack_add_block(xs->sack.blocks,
						  xs->sack.num_blocks,
						  seq, end_seq);
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_sack_rcv_ofo);

/**
 * xtcp_sack_rcv_advance() - rcv_nxt moved: drop the blocks it reached
 * @sk: the socket, locked
 */
void xtcp_sack_rcv_advance(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (!xs->sack.num_blocks)
		return;
	if (RB_EMPTY_ROOT(&xs->ooo_root))
		xs->sack.num_blocks = 0;
	else
		xs->sack.num_blocks = xtcp_sack_remove_below(xs->sack.blocks,
							     xs->sack.num_blocks,
							     xs->rcv_nxt);
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_sack_rcv_advance);

/**
 * xtcp_sack_rcv_reset() - out-of-order data was pruned: report none of it
 * @sk: the socket, locked
 *
 * As tcp_prune_ofo_queue() resets its blocks: the pruned data must not
 * stay SACKed. Later arrivals are reported afresh.
 */
void xtcp_sack_rcv_reset(struct sock *sk)
{
	xtcp_sk(sk)->sack.num_blocks = 0;
}

/**
 * xtcp_sack_block_valid() - may a received SACK block be believed?
 * @start_seq: block start
 * @end_seq: block end
 * @dsack: the block is a DSACK (first block, below the ACK or inside the
 *	second block)
 * @snd_una: the oldest unacknowledged sequence number before this ACK
 * @snd_max: the highest sequence number sent
 * @max_window: the largest window the peer offered
 * @undo_active: an episode (fast recovery or a timeout's) may be undone
 * @undo_marker: snd_una when that episode began
 *
 * As tcp_is_sackblock_valid(): a block must lie within what was sent and
 * is not acknowledged, be non-empty and shorter than 2^31; a DSACK may lie
 * below snd_una, but only within the current episode and the last window.
 *
 * Return: true if the block may be used.
 */
bool xtcp_sack_block_valid(u32 start_seq, u32 end_seq, bool dsack,
			   u32 snd_una, u32 snd_max, u32 max_window,
			   bool undo_active, u32 undo_marker)
{
	if (xtcp_seq_after(end_seq, snd_max) ||
	    !xtcp_seq_before(start_seq, end_seq))
		return false;
	if (xtcp_seq_after(start_seq, snd_una))
		return true;
	if (!dsack || !undo_active)
		return false;
	if (xtcp_seq_after(end_seq, snd_una))
		return false;	/* a DSACK straddling snd_una */
	if (!xtcp_seq_before(start_seq, undo_marker))
		return true;
	if (!xtcp_seq_after(end_seq, undo_marker))
		return false;
	return !xtcp_seq_before(start_seq, end_seq - max_window);
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_sack_block_valid);

/**
 * xtcp_sack_is_dsack() - is the first block of an ACK a DSACK?
 * @sacks: the blocks as received
 * @num: how many
 * @ack: the ACK's acknowledgment number
 *
 * RFC 2883 4: below the cumulative ACK, or inside the second block.
 *
 * Return: true for a DSACK.
 */
bool xtcp_sack_is_dsack(const struct xtcp_sack_block *sacks,
			unsigned int num, u32 ack)
{
	if (!num)
		return false;
	if (xtcp_seq_before(sacks[0].start_seq, ack))
		return true;
	return num > 1 &&
	       !xtcp_seq_before(sacks[0].start_seq, sacks[1].start_seq) &&
	       !xtcp_seq_after(sacks[0].end_seq, sacks[1].end_seq);
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_sack_is_dsack);

/* The skb holding @seq, or the first one after it; walks from the head or
 * from the last walk's end, whichever is nearer in sequence space.
 */
static struct sk_buff *xtcp_sack_find(struct sock *sk, u32 seq)
{
	struct sk_buff *head = skb_peek(&sk->sk_write_queue);
	struct sk_buff *hint = xtcp_sk(sk)->sack.tag_hint;
	struct sk_buff *skb = head, *prev;

	if (!head)
		return NULL;
	if (hint) {
		u32 from_head = seq - XTCP_SKB_CB(head)->seq;
		u32 hint_seq = XTCP_SKB_CB(hint)->seq;
		u32 from_hint = xtcp_seq_after(seq, hint_seq) ? seq - hint_seq :
				hint_seq - seq;

		if (from_hint < from_head)
			skb = hint;
	}
	while (xtcp_seq_after(XTCP_SKB_CB(skb)->seq, seq) &&
	       (prev = xtcp_wq_prev(sk, skb)))
		skb = prev;
	while (skb && !xtcp_seq_after(XTCP_SKB_CB(skb)->end_seq, seq))
		skb = xtcp_wq_next(sk, skb);
	return skb;
}

/*
 * A valid DSACK: retransmissions of the episode that were not needed. As
 * tcp_dsack_seen(), a range longer than any window the peer offered is
 * dubious and counts nothing. Data still queued counts only if it was
 * sent again (tcp_sacktag_one()); what is acknowledged already is counted
 * blind, as tcp_check_dsack() does.
 */
static void xtcp_sack_dsack_undo(struct sock *sk,
				 const struct xtcp_sack_block *b, u32 una)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 len = b->end_seq - b->start_seq, segs;
	struct sk_buff *skb;

	if (!xs->sack.undo_active || xs->sack.undo_retrans <= 0)
		return;
	if (!xtcp_seq_after(b->end_seq, xs->sack.undo_marker) ||
	    !xtcp_seq_before(b->start_seq, xs->high_seq) ||
	    len > xs->max_window)
		return;
	if (!xtcp_seq_before(b->start_seq, una)) {
		skb = xtcp_sack_find(sk, b->start_seq);
		if (!skb || xtcp_seq_after(XTCP_SKB_CB(skb)->seq, b->start_seq) ||
		    !(XTCP_SKB_CB(skb)->sacked & XTCP_SKB_RETRANS))
			return;
	}
	segs = DIV_ROUND_UP(len, xs->mss_cache);
	segs = clamp_t(u32, segs, 1, xs->sack.undo_retrans);
	xs->sack.undo_retrans -= segs;
}

/* Mark one skb lost: counted in lost_out, and once in the lifetime count
 * that tells PRR whether an ACK found a new loss.
 */
static void xtcp_sack_set_lost(struct xtcp_sock *xs, struct xtcp_skb_cb *cb)
{
	cb->sacked |= XTCP_SKB_LOST;
	xs->sack.lost_out++;
	xs->prr.lost_cnt++;
}

/* Mark one skb SACKed, taking it out of the lost and retransmitted ones. */
static void xtcp_sack_mark(struct sock *sk, struct sk_buff *skb)
{
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *lost_hint = xs->sack.lost_hint;

	if (cb->sacked & XTCP_SKB_LOST)
		xs->sack.lost_out--;
	if (cb->sacked & XTCP_SKB_RTX_OUT)
		xs->sack.retrans_out--;
	cb->sacked &= ~(XTCP_SKB_LOST | XTCP_SKB_RTX_OUT);
	cb->sacked |= XTCP_SKB_SACKED;
	/* Only what is below snd_nxt is in packets_out (go-back-N). */
	if (xtcp_seq_before(cb->seq, xs->snd_nxt))
		xs->sack.sacked_out++;
	xs->prr.delivered_cnt++;
	if (lost_hint &&
	    xtcp_seq_before(cb->seq, XTCP_SKB_CB(lost_hint)->seq))
		xs->sack.lost_cnt_hint++;
	xtcp_rack_advance(sk, skb);
}

/* Tag the skbs one valid block covers entirely. Return: any newly. */
static bool xtcp_sack_tag_block(struct sock *sk, const struct xtcp_sack_block *b)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 start = b->start_seq, end = b->end_seq;
	struct sk_buff *skb;
	bool news = false;
	unsigned int i, pass;

	/* What the previous ACK's blocks covered is tagged already. */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < xs->sack.num_cache; i++) {
			const struct xtcp_sack_block *c = &xs->sack.cache[i];

			if (!xtcp_seq_after(c->start_seq, start) &&
			    xtcp_seq_after(c->end_seq, start))
				start = c->end_seq;
			if (xtcp_seq_before(c->start_seq, end) &&
			    !xtcp_seq_before(c->end_seq, end) &&
			    xtcp_seq_after(c->start_seq, start))
				end = c->start_seq;
		}
	}
	if (!xtcp_seq_before(start, end))
		return false;

	for (skb = xtcp_sack_find(sk, start); skb; skb = xtcp_wq_next(sk, skb)) {
		struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);

		if (!xtcp_seq_before(cb->seq, end))
			break;
		if (!xtcp_one_segment(sk, skb))
			continue;
		/* Only an skb the block covers in full counts. */
		if (xtcp_seq_before(cb->seq, b->start_seq) ||
		    xtcp_seq_after(cb->end_seq, b->end_seq) ||
		    (cb->sacked & XTCP_SKB_SACKED))
			continue;
		xtcp_sack_mark(sk, skb);
		news = true;
	}
	xs->sack.tag_hint = skb;
	return news;
}

/**
 * xtcp_sack_ack() - take the SACK blocks of an acceptable ACK
 * @sk: the socket, locked, SACK in use or not
 * @skb: the segment, before snd_una moves
 *
 * Counts SACKBlocksReceived, SACKBlocksIgnored (blocks that fail
 * xtcp_sack_block_valid()), DSACKRecv.
 *
 * Return: true if the blocks SACKed skbs not SACKed before, or carried a
 * valid DSACK: the recovery machinery must look (xtcp_sack_on_ack()).
 */
bool xtcp_sack_ack(struct sock *sk, const struct sk_buff *skb)
{
	const struct tcphdr *th = tcp_hdr(skb);
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_sack_block blocks[XTCP_NUM_SACKS];
	struct net *net = sock_net(sk);
	unsigned int i, j, n = 0;
	struct xtcp_options opts;
	bool dsack, news = false;
	u32 ack, una;

	xs->rack.ack_dsack = 0;
	if (!xs->sack_ok || th->doff <= XTCP_HDR_LEN / 4 ||
	    xtcp_opts_tstamp_only(th))
		return false;
	if (xtcp_parse_options((const u8 *)(th + 1),
			       th->doff * 4 - XTCP_HDR_LEN, false, &opts) ||
	    !opts.num_sacks)
		return false;

	XTCP_ADD_STATS(net, XTCP_MIB_SACKBLOCKSRECEIVED, opts.num_sacks);
	ack = XTCP_SKB_CB(skb)->ack_seq;
	dsack = xtcp_sack_is_dsack(opts.sacks, opts.num_sacks, ack);
	/* Blocks are judged against the snd_una this ACK makes, as Linux
	 * does after tcp_snd_una_update(): a DSACK of what the same ACK
	 * acknowledges is not one straddling snd_una.
	 */
	una = xtcp_seq_after(ack, xs->snd_una) &&
	      !xtcp_seq_after(ack, xs->snd_max) ? ack : xs->snd_una;
	for (i = 0; i < opts.num_sacks; i++) {
		struct xtcp_sack_block *b = &opts.sacks[i];
		bool is_dsack = dsack && !i;

		if (!xtcp_sack_block_valid(b->start_seq, b->end_seq, is_dsack,
					   una, xs->snd_max,
					   xs->max_window,
					   xs->sack.undo_active,
					   xs->sack.undo_marker)) {
			XTCP_INC_STATS(net, XTCP_MIB_SACKBLOCKSIGNORED);
			continue;
		}
		if (is_dsack) {
			XTCP_INC_STATS(net, XTCP_MIB_DSACKRECV);
			xs->rack.ack_dsack = 1;
			xtcp_sack_dsack_undo(sk, b, una);
			news = true;
			continue;
		}
		/* Keep them in sequence order: one forward walk each. */
		for (j = n; j > 0 && xtcp_seq_before(b->start_seq,
						     blocks[j - 1].start_seq); j--)
			blocks[j] = blocks[j - 1];
		blocks[j] = *b;
		n++;
	}

	for (i = 0; i < n; i++)
		news |= xtcp_sack_tag_block(sk, &blocks[i]);
	memcpy(xs->sack.cache, blocks, n * sizeof(blocks[0]));
	xs->sack.num_cache = n;
	return news;
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_sack_ack);

/**
 * xtcp_sack_mark_lost() - mark what RFC 6675 IsLost() says is lost
 * @sk: the socket, locked, in SACK recovery
 *
 * An skb not SACKed with DupThresh SACKed skbs above it is lost. The walk
 * goes on from where the last one stopped (lost_hint): marks only grow
 * within an episode, so each skb is examined once per episode.
 */
void xtcp_sack_mark_lost(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb = xs->sack.lost_hint;
	u32 cnt = xs->sack.lost_cnt_hint;

	if (!skb) {
		skb = skb_peek(&sk->sk_write_queue);
		cnt = 0;
	}
	while (skb && skb != xs->send_head) {
		struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
		u32 sacked = !!(cb->sacked & XTCP_SKB_SACKED);

		if (xs->sack.sacked_out < cnt + sacked + XTCP_SACK_DUPTHRESH)
			break;
		if (!sacked && !(cb->sacked & XTCP_SKB_LOST)) {
			if (!xtcp_one_segment(sk, skb))
				break;
			xtcp_sack_set_lost(xs, cb);
		}
		cnt += sacked;
		skb = xtcp_wq_next(sk, skb);
	}
	xs->sack.lost_hint = skb;
	xs->sack.lost_cnt_hint = skb ? cnt : 0;
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_sack_mark_lost);

/* RFC 6675 NextSeg() rule 1: retransmit lost skbs while pipe < cwnd.
 * @force: the first one goes whatever pipe says (RFC 6675 5, step 4.3).
 */
static void xtcp_sack_xmit_lost(struct sock *sk, bool force)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *head = skb_peek(&sk->sk_write_queue);
	struct sk_buff *skb = xs->sack.rtx_hint ? : head;

	for (; skb && skb != xs->send_head; skb = xtcp_wq_next(sk, skb)) {
		struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);

		if (skb == xs->sack.lost_hint && !(cb->sacked & XTCP_SKB_LOST))
			break;	/* nothing further on is lost */
		if ((cb->sacked & XTCP_SKB_SCOREBOARD) != XTCP_SKB_LOST)
			continue;
		if (!force && xtcp_packets_in_flight(xs) >= xs->snd_cwnd)
			break;
		if (xtcp_retransmit_skb(sk, skb))
			break;
		force = false;
		cb->sacked |= XTCP_SKB_RTX_OUT;
		xs->sack.retrans_out++;
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_SACKRETRANS);
		if (skb == head && xs->rtx_mode != XTCP_RTX_REO)
			xtcp_rearm_rto(sk);
	}
	xs->sack.rtx_hint = skb;
}

/* Enter SACK loss recovery (RFC 6675 5, steps 4.1-4.2); the caller sends
 * (step 4.3) once PRR has set cwnd.
 */
static void xtcp_sack_enter_recovery(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *head = skb_peek(&sk->sk_write_queue);
	struct net *net = sock_net(sk);

	XTCP_INC_STATS(net, XTCP_MIB_FASTRETRANS);
	XTCP_INC_STATS(net, XTCP_MIB_SACKRECOVERY);
	xs->sack.prior_cwnd = xs->snd_cwnd;
	xs->sack.prior_ssthresh = xs->snd_ssthresh;
	xs->sack.undo_marker = xs->snd_una;
	xs->sack.undo_retrans = -1;
	xs->sack.undo_active = XTCP_UNDO_RECOVERY;
	xs->high_seq = xs->snd_max;
	xtcp_prr_init(sk);
	xtcp_cong_enter_recovery(sk);

	xs->sack.lost_hint = NULL;
	xs->sack.lost_cnt_hint = 0;
	xs->sack.rtx_hint = NULL;
	xs->rack.tlp_out = 0;
	/* RACK marked what is lost already. Else the head is lost: three
	 * duplicate ACKs or IsLost(snd_una).
	 */
	if (!xtcp_rack_enabled(sk)) {
		if (head && head != xs->send_head &&
		    !(XTCP_SKB_CB(head)->sacked &
		      (XTCP_SKB_SACKED | XTCP_SKB_LOST)) &&
		    xtcp_one_segment(sk, head))
			xtcp_sack_set_lost(xs, XTCP_SKB_CB(head));
		xtcp_sack_mark_lost(sk);
	}
}

/* Forget the lost and retransmitted marks (and, @sacked, the SACK ones). */
static void xtcp_sack_clear_marks(struct sock *sk, bool sacked)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u8 mask = XTCP_SKB_LOST | XTCP_SKB_RTX_OUT;
	struct sk_buff *skb;

	if (sacked)
		mask |= XTCP_SKB_SACKED;
	skb_queue_walk(&sk->sk_write_queue, skb) {
		if (skb == xs->send_head && !sacked)
			break;
		XTCP_SKB_CB(skb)->sacked &= ~mask;
	}
	xs->sack.lost_out = 0;
	xs->sack.retrans_out = 0;
	xs->sack.lost_hint = NULL;
	xs->sack.lost_cnt_hint = 0;
	xs->sack.rtx_hint = NULL;
	if (sacked) {
		xs->sack.sacked_out = 0;
		xs->sack.num_cache = 0;
		xs->sack.tag_hint = NULL;
	}
}

/* Every retransmission of the episode came back as a duplicate: it was
 * reordering, not loss. Restore the window (RFC 2883 5, RFC 3708). For a
 * timeout's episode, xtcp_undo.c takes go-back-N back as well.
 */
static void xtcp_sack_try_undo(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (!xs->sack.undo_active || xs->sack.undo_retrans)
		return;
	if (xs->sack.undo_active == XTCP_UNDO_LOSS) {
		xtcp_undo_rto(sk);
		return;
	}
	if (xs->ca_state == XTCP_CA_LOSS)
		return;
	xs->sack.undo_active = 0;
	xtcp_cong_undo(sk, xs->sack.prior_cwnd, xs->sack.prior_ssthresh);
	xs->ca_state = XTCP_CA_OPEN;
	xs->dupacks = 0;
	xtcp_sack_clear_marks(sk, false);
	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_SPURIOUSRETRANSUNDO);
}

/* Is it time to enter recovery (RFC 6675 5; RFC 8985 6.3, as
 * tcp_time_to_recover() with RACK: a segment marked lost, not DupThresh)?
 * Only for losses after the last episode (RFC 6582 3.2 step 2); in the
 * Loss state after a timeout, once RACK found one of go-back-N's
 * retransmissions lost (as tcp_fastretrans_alert() on FLAG_LOST_RETRANS).
 */
static bool xtcp_sack_time_to_recover(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (xs->snd_una == xs->snd_max)
		return false;
	/* After a timeout: RACK found a retransmission lost. */
	if (xs->ca_state == XTCP_CA_LOSS)
		return xs->sack.lost_out;
	if (xtcp_seq_before(xs->snd_una, xs->high_seq))
		return false;
	if (xtcp_rack_enabled(sk))
		return xs->sack.lost_out;
	return xs->dupacks >= XTCP_SACK_DUPTHRESH ||
	       xs->sack.sacked_out >= XTCP_SACK_DUPTHRESH;
}

/* After the losses are marked: enter recovery if it is time, and in
 * recovery let PRR set cwnd for what the ACK delivered (@delivered
 * segments, @bonus as xtcp_prr_ack()), then retransmit what is lost as
 * pipe allows. The ACK (or timer) that begins an episode counts as one
 * delivered segment at least, and its first retransmission goes anyway.
 */
static void xtcp_sack_recover_ack(struct sock *sk, u32 delivered, bool bonus)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	bool entered = false;

	if (xs->ca_state == XTCP_CA_OPEN ||
	    (xs->ca_state == XTCP_CA_LOSS && xtcp_rack_enabled(sk))) {
		if (!xtcp_sack_time_to_recover(sk))
			return;
		xtcp_sack_enter_recovery(sk);
		delivered = max(delivered, 1U);
		entered = true;
	} else if (xs->ca_state != XTCP_CA_RECOVERY) {
		return;
	}
	xtcp_prr_ack(sk, delivered, bonus);
	xtcp_sack_xmit_lost(sk, entered);
}

/**
 * xtcp_sack_on_ack() - loss recovery for a SACK connection (RFC 6675)
 * @sk: the socket, locked, SACK in use, snd_una already moved
 * @acked: bytes newly acknowledged (0 for a duplicate or SACK-only ACK)
 * @dupack: the ACK is a duplicate ACK (RFC 5681 2)
 *
 * Ends recovery at the recovery point, undoes a spurious episode, enters
 * recovery on the third duplicate ACK or when the segment at snd_una is
 * lost by the SACK rule, and in recovery sets cwnd by PRR (xtcp_prr.c)
 * for what the ACK delivered and retransmits what is lost as pipe allows.
 * New data follows from xtcp_write_xmit(), which uses pipe too.
 */
void xtcp_sack_on_ack(struct sock *sk, u32 acked, bool dupack)
{
	u32 delivered = xtcp_prr_take_delivered(sk);
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 lost_cnt = xs->prr.lost_cnt;
	u8 prior_state = xs->ca_state;

	if (acked)
		xs->dupacks = 0;
	else if (dupack && xs->dupacks < U8_MAX)
		xs->dupacks++;

	switch (xs->ca_state) {
	case XTCP_CA_RECOVERY:
		if (!xtcp_seq_before(xs->snd_una, xs->high_seq)) {
			xtcp_cong_exit_recovery(sk);
			xtcp_prr_end(sk);
		}
		break;
	case XTCP_CA_LOSS:
		if (!xtcp_seq_before(xs->snd_una, xs->high_seq))
			xs->ca_state = XTCP_CA_OPEN;
		if (acked)
			xtcp_cong_on_ack(sk, acked);
		break;
	default:
		if (acked)
			xtcp_cong_on_ack(sk, acked);
		break;
	}
	xtcp_sack_try_undo(sk);

	if (xtcp_rack_enabled(sk)) {
		/* RFC 8985: RACK marks what is lost, not DupThresh. */
		xtcp_rack_on_ack(sk, prior_state != XTCP_CA_OPEN &&
				 xs->ca_state == XTCP_CA_OPEN);
	} else if (xs->ca_state == XTCP_CA_RECOVERY) {
		xtcp_sack_mark_lost(sk);
	}
	xtcp_sack_recover_ack(sk, delivered,
			      acked && lost_cnt == xs->prr.lost_cnt);
}

/**
 * xtcp_sack_recover() - act on what RACK marked lost
 * @sk: the socket, locked, SACK and RACK in use
 *
 * Enters recovery when a segment is lost (RFC 8985 6.3, as
 * tcp_time_to_recover() with RACK: lost_out, not DupThresh; PRR's first
 * cwnd counts one segment delivered, as tcp_rack_reo_timeout()), and in
 * recovery retransmits what is lost as pipe allows.
 */
void xtcp_sack_recover(struct sock *sk)
{
	/* Not an ACK: PRR sets cwnd only when recovery begins here. */
	xtcp_sack_recover_ack(sk, 0, false);
}

/**
 * xtcp_sack_xmit_pending() - retransmit what is lost and not yet resent
 * @sk: the socket, locked
 *
 * For the small-queue resume (xtcp_xmit_pending_rtx()): a lost segment
 * whose last copy had not left the host was skipped
 * (xtcp_tsq_in_host_queue()); the freeing of that copy sends it, as pipe
 * allows, rather than the next ACK or the RTO.
 */
void xtcp_sack_xmit_pending(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (xs->ca_state != XTCP_CA_RECOVERY ||
	    xs->sack.lost_out <= xs->sack.retrans_out ||
	    xtcp_packets_in_flight(xs) >= xs->snd_cwnd)
		return;
	xtcp_sack_xmit_lost(sk, false);
}

/**
 * xtcp_sack_mark_skb_lost() - RACK says this sent segment is lost
 * @sk: the socket, locked
 * @skb: a sent, unacknowledged, not SACKed write-queue skb
 *
 * A retransmission in flight that is lost (RFC 8985 6.2: RACK detects
 * lost retransmissions too) is no longer counted in retrans_out, and is
 * sent again. Counts LostRetransmit.
 *
 * Return: true if it is marked lost now (or was already).
 */
bool xtcp_sack_mark_skb_lost(struct sock *sk, struct sk_buff *skb)
{
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *hint = xs->sack.rtx_hint;

	if (cb->sacked & XTCP_SKB_SACKED)
		return false;
	/* One still waiting below us whole is not lost yet. */
	if (!xtcp_one_segment(sk, skb))
		return false;
	if (cb->sacked & XTCP_SKB_RTX_OUT) {
		cb->sacked &= ~XTCP_SKB_RTX_OUT;
		if (xs->sack.retrans_out)
			xs->sack.retrans_out--;
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_LOSTRETRANSMIT);
	} else if (xs->ca_state == XTCP_CA_LOSS &&
		   (cb->sacked & XTCP_SKB_RETRANS)) {
		/* Sent again by go-back-N after the timeout, and lost. */
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_LOSTRETRANSMIT);
	}
	if (!(cb->sacked & XTCP_SKB_LOST))
		xtcp_sack_set_lost(xs, cb);
	/* Recovery's next walk must reach it. */
	if (hint && xtcp_seq_before(cb->seq, XTCP_SKB_CB(hint)->seq))
		xs->sack.rtx_hint = skb;
	return true;
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_sack_mark_skb_lost);

/**
 * xtcp_sack_unlink() - a write-queue skb is about to be freed
 * @sk: the socket, locked
 * @skb: the skb, still linked
 * @counted: it is counted in packets_out (below snd_nxt)
 */
void xtcp_sack_unlink(struct sock *sk, struct sk_buff *skb, bool counted)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u8 s = XTCP_SKB_CB(skb)->sacked;

	if (counted && (s & XTCP_SKB_SACKED) && xs->sack.sacked_out)
		xs->sack.sacked_out--;
	if ((s & XTCP_SKB_LOST) && xs->sack.lost_out)
		xs->sack.lost_out--;
	if ((s & XTCP_SKB_RTX_OUT) && xs->sack.retrans_out)
		xs->sack.retrans_out--;
	if (skb == xs->sack.lost_hint) {
		xs->sack.lost_hint = NULL;
		xs->sack.lost_cnt_hint = 0;
	} else if (xs->sack.lost_hint && (s & XTCP_SKB_SACKED) &&
		   xs->sack.lost_cnt_hint) {
		xs->sack.lost_cnt_hint--;
	}
	if (skb == xs->sack.rtx_hint)
		xs->sack.rtx_hint = NULL;
	if (skb == xs->sack.tag_hint)
		xs->sack.tag_hint = NULL;
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_sack_unlink);

/**
 * xtcp_sack_on_retransmit() - a segment is being sent again
 * @sk: the socket, locked
 * @skb: the segment
 *
 * Counts the segments the episode sends again (one by one in fast
 * recovery, in super-packets in go-back-N), for its undo.
 */
void xtcp_sack_on_retransmit(struct sock *sk, struct sk_buff *skb)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (!xs->sack.undo_active)
		return;
	if (xs->sack.undo_retrans < 0)
		xs->sack.undo_retrans = 0;
	xs->sack.undo_retrans += max_t(u32, xtcp_skb_pcount(skb), 1);
}

/**
 * xtcp_sack_skip_sent() - may go-back-N pass over the send head unsent?
 * @sk: the socket, locked
 * @skb: the send head
 *
 * After a timeout, a segment the peer SACKed is not sent again (RFC 6675
 * 5.1); it counts as sent (and SACKed) once go-back-N passes it. Counts
 * SACKSkippedRetrans.
 *
 * Return: true if the caller must treat @skb as sent without sending it.
 */
bool xtcp_sack_skip_sent(struct sock *sk, struct sk_buff *skb)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (!(XTCP_SKB_CB(skb)->sacked & XTCP_SKB_SACKED) ||
	    !xtcp_seq_before(XTCP_SKB_CB(skb)->seq, xs->snd_max))
		return false;
	xs->sack.sacked_out++;
	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_SACKSKIPPEDRETRANS);
	return true;
}

/**
 * xtcp_sack_go_back_n() - everything in flight is about to be resent
 * @sk: the socket, locked, snd_nxt not yet moved back
 *
 * After a timeout (or a path MTU decrease) nothing is in flight any more:
 * the lost and retransmitted marks go, and so does the undo of any episode
 * but the timeout's own (XTCP_UNDO_LOSS, armed by xtcp_undo_rto_begin()
 * just before, or by the first timeout of the series). If the skb
 * at snd_una is SACKed, the peer dropped data it had SACKed (reneging,
 * RFC 2018 8): every SACK mark goes too, and that data is sent again.
 * Counts SACKReneging.
 */
void xtcp_sack_go_back_n(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *head = skb_peek(&sk->sk_write_queue);
	bool reneg;

	if (!xs->sack_ok)
		return;
	reneg = head && (XTCP_SKB_CB(head)->sacked & XTCP_SKB_SACKED);
	if (reneg)
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_SACKRENEGING);
	xtcp_sack_clear_marks(sk, reneg);
	xs->sack.sacked_out = 0;	/* nothing below snd_nxt any more */
	if (xs->sack.undo_active != XTCP_UNDO_LOSS)
		xs->sack.undo_active = 0;
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_sack_go_back_n);

/**
 * xtcp_sack_undo_loss() - a timeout was spurious: nothing is lost
 * @sk: the socket, locked, before go-back-N is taken back
 *
 * The lost and retransmitted marks of what go-back-N sent again go, as
 * after a DSACK undo; the SACK marks stay. The episode is over: its
 * DSACKs undo nothing more.
 */
void xtcp_sack_undo_loss(struct sock *sk)
{
	if (xtcp_sk(sk)->sack_ok)
		xtcp_sack_clear_marks(sk, false);
	xtcp_sk(sk)->sack.undo_active = 0;
}

/**
 * xtcp_sack_purge() - the write queue was emptied: no scoreboard left
 * @sk: the socket, locked
 */
void xtcp_sack_purge(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xs->sack.sacked_out = 0;
	xs->sack.lost_out = 0;
	xs->sack.retrans_out = 0;
	xs->sack.lost_hint = NULL;
	xs->sack.lost_cnt_hint = 0;
	xs->sack.rtx_hint = NULL;
	xs->sack.tag_hint = NULL;
	xs->sack.num_cache = 0;
	xs->sack.undo_active = 0;
}
