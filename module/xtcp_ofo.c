// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP out-of-order queue: an rbtree of received segments keyed by their
 * first sequence number. Insertion drops segments another one already
 * covers and removes the ones a new segment covers; partial overlaps are
 * kept and resolved when the data moves to the receive queue, where the
 * reader skips bytes it already has. Memory is charged to the socket's
 * receive buffer by the caller.
 */
#include "xtcp.h"

static struct sk_buff *xtcp_rb_skb(struct rb_node *node)
{
	return rb_entry_safe(node, struct sk_buff, rbnode);
}

static u32 xtcp_skb_len(const struct sk_buff *skb)
{
	return XTCP_SKB_CB(skb)->end_seq - XTCP_SKB_CB(skb)->seq;
}

static void xtcp_ofo_erase(struct rb_root *root, struct sk_buff *skb, u32 *bytes)
{
	rb_erase(&skb->rbnode, root);
	*bytes -= xtcp_skb_len(skb);
}

/**
 * xtcp_ofo_insert() - add a segment to the out-of-order queue
 * @root: the queue
 * @skb: the segment (control block seq/end_seq set); owned by the queue
 *	afterwards, or freed
 * @bytes: running total of sequence space held, updated
 *
 * Return: true if @skb was queued, false if it duplicated queued data and
 * was freed.
 */
bool xtcp_ofo_insert(struct rb_root *root, struct sk_buff *skb, u32 *bytes)
{
	u32 seq = XTCP_SKB_CB(skb)->seq, end_seq = XTCP_SKB_CB(skb)->end_seq;
	struct rb_node **p = &root->rb_node, *parent = NULL;
	struct sk_buff *cur, *next;

	while (*p) {
		parent = *p;
		cur = xtcp_rb_skb(parent);
		if (xtcp_seq_before(seq, XTCP_SKB_CB(cur)->seq)) {
			p = &parent->rb_left;
			continue;
		}
		if (!xtcp_seq_after(end_seq, XTCP_SKB_CB(cur)->end_seq)) {
			/* Already covered by cur. */
			kfree_skb(skb);
			return false;
		}
		if (seq == XTCP_SKB_CB(cur)->seq) {
			/* Same start, longer: replace cur. */
			rb_replace_node(&cur->rbnode, &skb->rbnode, root);
			*bytes += xtcp_skb_len(skb) - xtcp_skb_len(cur);
			kfree_skb(cur);
			goto remove_covered;
		}
		p = &parent->rb_right;
	}

	/* Every node we passed on the right, the predecessor among them,
	 * was checked for covering @skb on the way down.
	 */
	rb_link_node(&skb->rbnode, parent, p);
	rb_insert_color(&skb->rbnode, root);
	*bytes += xtcp_skb_len(skb);

remove_covered:
	/* Drop the following segments that @skb covers entirely. */
	while ((next = xtcp_rb_skb(rb_next(&skb->rbnode)))) {
		if (xtcp_seq_after(XTCP_SKB_CB(next)->end_seq, end_seq))
			break;
		xtcp_ofo_erase(root, next, bytes);
		kfree_skb(next);
	}
	return true;
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_ofo_insert);

/**
 * xtcp_ofo_pop() - take the next segment that is now in order
 * @root: the queue
 * @rcv_nxt: next sequence number expected
 * @bytes: running total, updated
 *
 * Segments wholly before @rcv_nxt are freed on the way.
 *
 * Return: a segment with seq <= @rcv_nxt < end_seq, or NULL.
 */
struct sk_buff *xtcp_ofo_pop(struct rb_root *root, u32 rcv_nxt, u32 *bytes)
{
	struct sk_buff *skb;

	while ((skb = xtcp_rb_skb(rb_first(root)))) {
		if (xtcp_seq_after(XTCP_SKB_CB(skb)->seq, rcv_nxt))
			return NULL;
		xtcp_ofo_erase(root, skb, bytes);
		if (xtcp_seq_after(XTCP_SKB_CB(skb)->end_seq, rcv_nxt))
			return skb;
		kfree_skb(skb);
	}
	return NULL;
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_ofo_pop);

/**
 * xtcp_ofo_purge() - free every queued segment
 * @root: the queue
 * @bytes: running total, reset to 0
 */
void xtcp_ofo_purge(struct rb_root *root, u32 *bytes)
{
	struct rb_node *node = rb_first(root);

	while (node) {
		struct sk_buff *skb = xtcp_rb_skb(node);

		node = rb_next(node);
		rb_erase(&skb->rbnode, root);
		kfree_skb(skb);
	}
	*bytes = 0;
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_ofo_purge);

/**
 * xtcp_ofo_prune_tail() - free the last segment to make memory available
 * @root: the queue
 * @after: only a segment starting after this sequence number is freed,
 *	so that room is never made for a segment by dropping data nearer to
 *	rcv_nxt than its own
 * @bytes: running total, updated
 *
 * The data is not lost for good: the sender still holds it.
 *
 * Return: true if a segment was freed.
 */
bool xtcp_ofo_prune_tail(struct rb_root *root, u32 after, u32 *bytes)
{
	struct sk_buff *skb = xtcp_rb_skb(rb_last(root));

	if (!skb || !xtcp_seq_after(XTCP_SKB_CB(skb)->seq, after))
		return false;
	xtcp_ofo_erase(root, skb, bytes);
	kfree_skb(skb);
	return true;
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_ofo_prune_tail);
