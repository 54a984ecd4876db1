// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the socket backlog (xtcp_backlog.c): its bound, which
 * segments may be merged, and a merge that keeps every byte, the newer
 * acknowledgment and the FIN; a fake socket's backlog that merges a
 * contiguous segment and drops one over the bound.
 */
#include <kunit/test.h>

#include "xtcp.h"

#define SEQ	0xfffffe00U	/* the payload wraps the sequence space */
#define ACK	1000U
#define HDR	(XTCP_HDR_LEN + 12)	/* NOP NOP timestamps */

static void xtcp_backlog_limit__as_tcp(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, xtcp_backlog_limit(100000, 40000),
			200000U + 20000U + SZ_64K);
	KUNIT_EXPECT_EQ(test, xtcp_backlog_limit(0, 0), (u32)SZ_64K);
	KUNIT_EXPECT_EQ(test, xtcp_backlog_limit(INT_MAX, INT_MAX), UINT_MAX);
}

static u8 bl_byte(u32 seq)
{
	return (u8)(seq * 13 + (seq >> 8));
}

/* A segment as xtcp_rcv() leaves it: header at ->data, timestamps with
 * @tsval, @len bytes of payload from @seq, control block filled. Room
 * for @room more bytes behind it.
 */
static struct sk_buff *bl_seg(struct kunit *test, u32 seq, u32 len,
			      u32 ack, u8 flags, u32 tsval, u32 room)
{
	struct sk_buff *skb = alloc_skb(HDR + len + room, GFP_KERNEL);
	struct xtcp_skb_cb *cb;
	struct tcphdr *th;
	__be32 *opt;
	u8 *p;
	u32 i;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	th = skb_put_zero(skb, HDR);
	th->doff = HDR / 4;
	th->seq = htonl(seq);
	th->ack_seq = htonl(ack);
	th->window = htons(ack & 0xffff);
	th->fin = !!(flags & XTCP_FLAG_FIN);
	th->ack = !!(flags & XTCP_FLAG_ACK);
	opt = (__be32 *)(th + 1);
	opt[0] = htonl(0x0101080a);
	opt[1] = htonl(tsval);
	opt[2] = htonl(7);
	skb_reset_transport_header(skb);
	p = skb_put(skb, len);
	for (i = 0; i < len; i++)
		p[i] = bl_byte(seq + i);
	cb = XTCP_SKB_CB(skb);
	cb->seq = seq;
	cb->end_seq = seq + len + !!(flags & XTCP_FLAG_FIN);
	cb->ack_seq = ack;
	cb->window = ack & 0xffff;
	cb->flags = flags;
	return skb;
}

static void bl_expect_bytes(struct kunit *test, const struct sk_buff *skb,
			    u32 seq, u32 len)
{
	u8 *buf = kunit_kmalloc(test, len, GFP_KERNEL);
	u32 i;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_EQ(test, skb->len, HDR + len);
	KUNIT_ASSERT_EQ(test, skb_copy_bits(skb, HDR, buf, len), 0);
	for (i = 0; i < len; i++)
		if (buf[i] != bl_byte(seq + i))
			break;
	KUNIT_EXPECT_EQ(test, i, len);
}

static void xtcp_backlog_can_merge__rules(struct kunit *test)
{
	const u8 a = XTCP_FLAG_ACK;
	struct sk_buff *tail = bl_seg(test, SEQ, 1000, ACK, a, 5, 0);
	struct sk_buff *s[] = {
		bl_seg(test, SEQ + 1000, 500, ACK, a, 5, 0),	/* next */
		bl_seg(test, SEQ + 1001, 500, ACK, a, 5, 0),	/* a gap */
		bl_seg(test, SEQ + 1000, 500, ACK, a, 6, 0),	/* TSval */
		bl_seg(test, SEQ + 1000, 0, ACK, a, 5, 0),	/* pure ACK */
		bl_seg(test, SEQ + 1000, 500, ACK, a | XTCP_FLAG_URG, 5, 0),
		bl_seg(test, SEQ + 1000, 500, ACK, 0, 5, 0),	/* no ACK */
		bl_seg(test, SEQ + 1000, 500, ACK, a | XTCP_FLAG_PSH |
		       XTCP_FLAG_FIN, 5, 0),			/* PSH, FIN */
		bl_seg(test, SEQ + 1000, 500, ACK, a | 0x40, 5, 0),	/* ECE */
	};
	const bool want[] = { true, false, false, false, false, false, true,
			      false };
	struct sk_buff *fin = bl_seg(test, SEQ, 1000, ACK, a | XTCP_FLAG_FIN,
				     5, 0);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(s); i++) {
		KUNIT_EXPECT_EQ_MSG(test, xtcp_backlog_can_merge(tail, s[i]),
				    want[i], "segment %u", i);
	}
	/* Nothing follows a FIN. */
	XTCP_SKB_CB(s[0])->seq = SEQ + 1001;
	KUNIT_EXPECT_FALSE(test, xtcp_backlog_can_merge(fin, s[0]));
	for (i = 0; i < ARRAY_SIZE(s); i++)
		kfree_skb(s[i]);
	kfree_skb(fin);
	kfree_skb(tail);
}

static void xtcp_backlog_merge__bytes_ack_fin(struct kunit *test)
{
	const u8 a = XTCP_FLAG_ACK;
	struct sk_buff *tail = bl_seg(test, SEQ, 1000, ACK, a, 5, 3000);
	struct sk_buff *skb = bl_seg(test, SEQ + 1000, 700, ACK + 50,
				     a | XTCP_FLAG_FIN, 5, 0);
	struct sk_buff *old = bl_seg(test, SEQ + 1701, 800, ACK, a, 5, 0);
	int delta = -1, ret;

	KUNIT_ASSERT_TRUE(test, xtcp_backlog_can_merge(tail, skb));
	ret = xtcp_backlog_merge(tail, skb, &delta);
	KUNIT_ASSERT_GE(test, ret, 0);
	kfree_skb_partial(skb, ret);
	bl_expect_bytes(test, tail, SEQ, 1700);
	KUNIT_EXPECT_EQ(test, XTCP_SKB_CB(tail)->end_seq, SEQ + 1701);
	KUNIT_EXPECT_EQ(test, XTCP_SKB_CB(tail)->ack_seq, ACK + 50);
	KUNIT_EXPECT_EQ(test, XTCP_SKB_CB(tail)->window, (u16)(ACK + 50));
	KUNIT_EXPECT_EQ(test, ntohl(tcp_hdr(tail)->ack_seq), ACK + 50);
	KUNIT_EXPECT_TRUE(test, XTCP_SKB_CB(tail)->flags & XTCP_FLAG_FIN);
	KUNIT_EXPECT_TRUE(test, tcp_hdr(tail)->fin);
	KUNIT_EXPECT_EQ(test, skb_shinfo(tail)->gso_segs, 2);
	KUNIT_EXPECT_EQ(test, skb_shinfo(tail)->gso_size, 1000);

	/* After a FIN nothing more is merged. */
	KUNIT_EXPECT_FALSE(test, xtcp_backlog_can_merge(tail, old));
	kfree_skb(old);
	kfree_skb(tail);
}

static void xtcp_backlog_merge__older_ack_kept(struct kunit *test)
{
	const u8 a = XTCP_FLAG_ACK;
	struct sk_buff *tail = bl_seg(test, SEQ, 100, ACK + 9, a, 5, 3000);
	struct sk_buff *skb = bl_seg(test, SEQ + 100, 200, ACK, a, 5, 0);
	int delta, ret;

	ret = xtcp_backlog_merge(tail, skb, &delta);
	KUNIT_ASSERT_GE(test, ret, 0);
	kfree_skb_partial(skb, ret);
	bl_expect_bytes(test, tail, SEQ, 300);
	KUNIT_EXPECT_EQ(test, XTCP_SKB_CB(tail)->ack_seq, ACK + 9);
	KUNIT_EXPECT_EQ(test, XTCP_SKB_CB(tail)->window, (u16)(ACK + 9));
	kfree_skb(tail);
}

/* Payload in a page fragment, no tailroom: the fragment moves over. */
static void xtcp_backlog_merge__page_frag(struct kunit *test)
{
	const u8 a = XTCP_FLAG_ACK;
	struct sk_buff *tail = bl_seg(test, SEQ, 100, ACK, a, 5, 0);
	struct sk_buff *skb = bl_seg(test, SEQ + 100, 0, ACK, a, 5, 0);
	struct page *page = alloc_page(GFP_KERNEL);
	u32 tsize, i;
	int delta, ret;
	u8 *p;

	KUNIT_ASSERT_NOT_NULL(test, page);
	p = page_address(page);
	for (i = 0; i < 2000; i++)
		p[i] = bl_byte(SEQ + 100 + i);
	skb_add_rx_frag(skb, 0, page, 0, 2000, PAGE_SIZE);
	XTCP_SKB_CB(skb)->end_seq = SEQ + 2100;
	tsize = tail->truesize;
	ret = xtcp_backlog_merge(tail, skb, &delta);
	KUNIT_ASSERT_GE(test, ret, 0);
	kfree_skb_partial(skb, ret);
	bl_expect_bytes(test, tail, SEQ, 2100);
	KUNIT_EXPECT_EQ(test, skb_shinfo(tail)->nr_frags, 1);
	KUNIT_EXPECT_EQ(test, tail->truesize, tsize + delta);
	KUNIT_EXPECT_GE(test, delta, (int)PAGE_SIZE);
	kfree_skb(tail);
}

/* A cloned tail (over veth, the sender's clone) takes nothing. */
static void xtcp_backlog_merge__cloned_tail(struct kunit *test)
{
	const u8 a = XTCP_FLAG_ACK;
	struct sk_buff *tail = bl_seg(test, SEQ, 100, ACK, a, 5, 3000);
	struct sk_buff *skb = bl_seg(test, SEQ + 100, 200, ACK + 1, a, 5, 0);
	struct sk_buff *clone = skb_clone(tail, GFP_KERNEL);
	u8 *data = skb->data;
	int delta;

	KUNIT_ASSERT_NOT_NULL(test, clone);
	KUNIT_EXPECT_EQ(test, xtcp_backlog_merge(tail, skb, &delta), -EBUSY);
	KUNIT_EXPECT_PTR_EQ(test, skb->data, data);
	KUNIT_EXPECT_EQ(test, skb->len, HDR + 200);
	KUNIT_EXPECT_EQ(test, tail->len, HDR + 100);
	KUNIT_EXPECT_EQ(test, XTCP_SKB_CB(tail)->end_seq, SEQ + 100);
	kfree_skb(clone);
	kfree_skb(skb);
	kfree_skb(tail);
}

struct bl_ctx {
	struct xtcp_sock *xs;
	struct proto prot;
};

static void bl_free_backlog(struct sock *sk)
{
	struct sk_buff *skb = sk->sk_backlog.head, *next;

	while (skb) {
		next = skb->next;
		skb_mark_not_on_list(skb);
		kfree_skb(skb);
		skb = next;
	}
	sk->sk_backlog.head = NULL;
	sk->sk_backlog.tail = NULL;
	sk->sk_backlog.len = 0;
}

/* A fake owned socket: a contiguous segment joins the backlog's tail, a
 * gap is queued, and the bound drops what would pass it.
 */
static void xtcp_add_backlog__merge_queue_drop(struct kunit *test)
{
	const u8 a = XTCP_FLAG_ACK;
	struct bl_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	struct sk_buff *s1, *s2, *s3, *s4;
	struct sock *sk;
	u32 len;

	KUNIT_ASSERT_NOT_NULL(test, ctx);
	ctx->xs = kunit_kzalloc(test, sizeof(*ctx->xs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx->xs);
	sk = (struct sock *)ctx->xs;
	sock_net_set(sk, &init_net);
	sk->sk_prot = &ctx->prot;
	sk->sk_rcvbuf = 4096;
	sk->sk_sndbuf = 4096;

	s1 = bl_seg(test, SEQ, 1000, ACK, a, 5, 3000);
	s2 = bl_seg(test, SEQ + 1000, 1000, ACK, a, 5, 0);
	s3 = bl_seg(test, SEQ + 3000, 1000, ACK, a, 5, 0);
	s4 = bl_seg(test, SEQ + 4000, 1000, ACK, a, 5, 0);

	KUNIT_EXPECT_FALSE(test, xtcp_add_backlog(sk, s1));
	len = sk->sk_backlog.len;
	KUNIT_EXPECT_EQ(test, len, s1->truesize);
	KUNIT_EXPECT_FALSE(test, xtcp_add_backlog(sk, s2));
	KUNIT_EXPECT_PTR_EQ(test, sk->sk_backlog.tail, s1);
	KUNIT_EXPECT_EQ(test, sk->sk_backlog.len, s1->truesize);
	bl_expect_bytes(test, s1, SEQ, 2000);
	KUNIT_EXPECT_FALSE(test, xtcp_add_backlog(sk, s3));
	KUNIT_EXPECT_PTR_EQ(test, sk->sk_backlog.tail, s3);

	/* Over the bound: the socket's queues already hold it all. */
	atomic_set(&sk->sk_rmem_alloc, xtcp_backlog_limit(4096, 4096));
	XTCP_SKB_CB(s4)->seq = SEQ + 4001;	/* not mergeable */
	KUNIT_EXPECT_TRUE(test, xtcp_add_backlog(sk, s4));
	KUNIT_EXPECT_PTR_EQ(test, sk->sk_backlog.tail, s3);
	atomic_set(&sk->sk_rmem_alloc, 0);
	kfree_skb(s4);
	bl_free_backlog(sk);
}

static struct kunit_case xtcp_backlog_cases[] = {
	KUNIT_CASE(xtcp_backlog_limit__as_tcp),
	KUNIT_CASE(xtcp_backlog_can_merge__rules),
	KUNIT_CASE(xtcp_backlog_merge__bytes_ack_fin),
	KUNIT_CASE(xtcp_backlog_merge__older_ack_kept),
	KUNIT_CASE(xtcp_backlog_merge__page_frag),
	KUNIT_CASE(xtcp_backlog_merge__cloned_tail),
	KUNIT_CASE(xtcp_add_backlog__merge_queue_drop),
	{}
};

static struct kunit_suite xtcp_backlog_suite = {
	.name = "xtcp_backlog",
	.test_cases = xtcp_backlog_cases,
};

kunit_test_suite(xtcp_backlog_suite);

MODULE_IMPORT_NS(XTCP_KUNIT);
