// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the receive-queue collapse (xtcp_collapse.c): what a
 * collapse gives back, and a collapse of a fake socket's queue that keeps
 * every unread byte, in order, at its sequence number, with the memory
 * charged to the socket following the skbs; in-order data appended to
 * the queue's tail, and not after a gap, a FIN or into a clone.
 */
#include <kunit/test.h>

#include "xtcp.h"

#define BASE	0xfffff000U	/* the data wraps the sequence space */
#define NSKBS	12
#define PAYLOAD	1000

static void xtcp_collapse_gain__estimate(struct kunit *test)
{
	u32 page = SKB_TRUESIZE(SKB_WITH_OVERHEAD(PAGE_SIZE));

	/* Twelve 1000-byte segments in 4 KiB skbs fit in four pages. */
	KUNIT_EXPECT_EQ(test, xtcp_collapse_gain(12000, 12 * page),
			8 * page);
	/* Already compact, or less memory than the copies: no gain. */
	KUNIT_EXPECT_EQ(test, xtcp_collapse_gain(3 * SKB_WITH_OVERHEAD(PAGE_SIZE),
						 3 * page), 0U);
	KUNIT_EXPECT_EQ(test, xtcp_collapse_gain(100, 200), 0U);
}

struct collapse_ctx {
	struct xtcp_sock *xs;
	struct proto prot;
};

static struct sock *collapse_sk(struct collapse_ctx *ctx)
{
	return (struct sock *)ctx->xs;
}

static u8 collapse_byte(u32 seq)
{
	return (u8)(seq * 7 + (seq >> 8));
}

/* A socket whose receive queue holds NSKBS segments of PAYLOAD bytes, each
 * in a 4 KiB head, the first starting at BASE; the third repeats the last
 * 100 bytes of the second (an old prefix the reader skips).
 */
static int collapse_ctx_init(struct kunit *test)
{
	struct collapse_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	struct sock *sk;
	u32 seq = BASE;
	int i, j;

	if (!ctx)
		return -ENOMEM;
	ctx->xs = kunit_kzalloc(test, sizeof(*ctx->xs), GFP_KERNEL);
	if (!ctx->xs)
		return -ENOMEM;
	sk = collapse_sk(ctx);
	sock_net_set(sk, &init_net);
	/* No memory accounting: sk_has_account() is false. */
	sk->sk_prot = &ctx->prot;
	skb_queue_head_init(&sk->sk_receive_queue);
	for (i = 0; i < NSKBS; i++) {
		struct sk_buff *skb = alloc_skb(3000, GFP_KERNEL);
		u8 *p;

		if (!skb)
			return -ENOMEM;
		if (i == 2)
			seq -= 100;
		p = skb_put(skb, PAYLOAD);
		for (j = 0; j < PAYLOAD; j++)
			p[j] = collapse_byte(seq + j);
		XTCP_SKB_CB(skb)->seq = seq;
		XTCP_SKB_CB(skb)->end_seq = seq + PAYLOAD;
		seq += PAYLOAD;
		skb_set_owner_r(skb, sk);
		__skb_queue_tail(&sk->sk_receive_queue, skb);
	}
	ctx->xs->rcv_nxt = seq;
	/* The reader is half way into the first skb. */
	ctx->xs->copied_seq = BASE + PAYLOAD / 2;
	test->priv = ctx;
	return 0;
}

static void collapse_ctx_exit(struct kunit *test)
{
	struct collapse_ctx *ctx = test->priv;

	__skb_queue_purge(&collapse_sk(ctx)->sk_receive_queue);
}

/* Read [copied_seq, rcv_nxt) as recvmsg does: by sequence number. */
static void collapse_check_data(struct kunit *test, struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 seq = xs->copied_seq;
	struct sk_buff *skb;
	int bad = 0;
	u8 b;

	skb_queue_walk(&sk->sk_receive_queue, skb) {
		u32 off = seq - XTCP_SKB_CB(skb)->seq;

		while (off < skb->len) {
			if (skb_copy_bits(skb, off, &b, 1) ||
			    b != collapse_byte(seq))
				bad++;
			off++;
			seq++;
		}
	}
	KUNIT_EXPECT_EQ(test, bad, 0);
	KUNIT_EXPECT_EQ(test, seq, xs->rcv_nxt);
}

static u32 collapse_truesize(struct sock *sk)
{
	struct sk_buff *skb;
	u32 sum = 0;

	skb_queue_walk(&sk->sk_receive_queue, skb)
		sum += skb->truesize;
	return sum;
}

static void xtcp_collapse_rcvq__keeps_bytes(struct kunit *test)
{
	struct collapse_ctx *ctx = test->priv;
	struct sock *sk = collapse_sk(ctx);
	u32 before = collapse_truesize(sk);

	KUNIT_EXPECT_EQ(test, (u32)atomic_read(&sk->sk_rmem_alloc), before);
	KUNIT_ASSERT_TRUE(test, xtcp_collapse_rcvq(sk, 1));
	collapse_check_data(test, sk);
	/* 11400 unread bytes: four pages, the memory charged with them. */
	KUNIT_EXPECT_EQ(test, skb_queue_len(&sk->sk_receive_queue), 4U);
	KUNIT_EXPECT_LT(test, collapse_truesize(sk), before / 2);
	KUNIT_EXPECT_EQ(test, (u32)atomic_read(&sk->sk_rmem_alloc),
			collapse_truesize(sk));
	/* Compact now: a second collapse has nothing to give back. */
	KUNIT_EXPECT_FALSE(test, xtcp_collapse_rcvq(sk, 1));
}

static void xtcp_collapse_rcvq__not_worth_it(struct kunit *test)
{
	struct collapse_ctx *ctx = test->priv;
	struct sock *sk = collapse_sk(ctx);
	u32 before = collapse_truesize(sk);

	/* More than the whole queue costs: left alone. */
	KUNIT_EXPECT_FALSE(test, xtcp_collapse_rcvq(sk, before));
	KUNIT_EXPECT_EQ(test, skb_queue_len(&sk->sk_receive_queue), NSKBS);
	collapse_check_data(test, sk);
}

static void xtcp_collapse_rcvq__compact_head_kept(struct kunit *test)
{
	struct collapse_ctx *ctx = test->priv;
	struct sock *sk = collapse_sk(ctx);
	struct sk_buff *head = skb_peek(&sk->sk_receive_queue);

	/* A head skb that is compact stays; the rest collapses after it. */
	head->truesize = head->len;
	KUNIT_ASSERT_TRUE(test, xtcp_collapse_rcvq(sk, 1));
	KUNIT_EXPECT_PTR_EQ(test, skb_peek(&sk->sk_receive_queue), head);
	collapse_check_data(test, sk);
	head->truesize = SKB_TRUESIZE(skb_end_offset(head));
}

/* In-order data for the receive queue, from rcv_nxt on. */
static struct sk_buff *collapse_next(struct kunit *test, struct sock *sk,
				     u32 off, u32 len)
{
	u32 seq = xtcp_sk(sk)->rcv_nxt + off, j;
	struct sk_buff *skb = alloc_skb(len, GFP_KERNEL);
	u8 *p;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	p = skb_put(skb, len);
	for (j = 0; j < len; j++)
		p[j] = collapse_byte(seq + j);
	XTCP_SKB_CB(skb)->seq = seq;
	XTCP_SKB_CB(skb)->end_seq = seq + len;
	return skb;
}

static void xtcp_rcvq_coalesce__appends(struct kunit *test)
{
	struct collapse_ctx *ctx = test->priv;
	struct sock *sk = collapse_sk(ctx);
	struct sk_buff *tail = skb_peek_tail(&sk->sk_receive_queue);
	struct sk_buff *skb = collapse_next(test, sk, 0, 500);

	KUNIT_ASSERT_TRUE(test, xtcp_rcvq_coalesce(sk, skb));
	ctx->xs->rcv_nxt += 500;
	KUNIT_EXPECT_PTR_EQ(test, skb_peek_tail(&sk->sk_receive_queue), tail);
	KUNIT_EXPECT_EQ(test, skb_queue_len(&sk->sk_receive_queue), NSKBS);
	KUNIT_EXPECT_EQ(test, XTCP_SKB_CB(tail)->end_seq, ctx->xs->rcv_nxt);
	KUNIT_EXPECT_EQ(test, (u32)atomic_read(&sk->sk_rmem_alloc),
			collapse_truesize(sk));
	collapse_check_data(test, sk);
}

static void xtcp_rcvq_coalesce__refuses(struct kunit *test)
{
	struct collapse_ctx *ctx = test->priv;
	struct sock *sk = collapse_sk(ctx);
	struct sk_buff *tail = skb_peek_tail(&sk->sk_receive_queue);
	struct sk_buff *gap = collapse_next(test, sk, 1, 500);
	struct sk_buff *next = collapse_next(test, sk, 0, 500);
	struct sk_buff *clone;

	/* Not where the tail's data ends. */
	KUNIT_EXPECT_FALSE(test, xtcp_rcvq_coalesce(sk, gap));
	/* Nothing after a FIN. */
	XTCP_SKB_CB(tail)->end_seq++;
	KUNIT_EXPECT_FALSE(test, xtcp_rcvq_coalesce(sk, next));
	XTCP_SKB_CB(tail)->end_seq--;
	/* A cloned tail (the sender's clone over veth) is not written. */
	clone = skb_clone(tail, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, clone);
	KUNIT_EXPECT_FALSE(test, xtcp_rcvq_coalesce(sk, next));
	kfree_skb(clone);
	KUNIT_EXPECT_EQ(test, skb_queue_len(&sk->sk_receive_queue), NSKBS);
	collapse_check_data(test, sk);
	kfree_skb(gap);
	kfree_skb(next);
}

static struct kunit_case xtcp_collapse_cases[] = {
	KUNIT_CASE(xtcp_collapse_gain__estimate),
	{}
};

static struct kunit_case xtcp_collapse_sock_cases[] = {
	KUNIT_CASE(xtcp_collapse_rcvq__keeps_bytes),
	KUNIT_CASE(xtcp_collapse_rcvq__not_worth_it),
	KUNIT_CASE(xtcp_collapse_rcvq__compact_head_kept),
	KUNIT_CASE(xtcp_rcvq_coalesce__appends),
	KUNIT_CASE(xtcp_rcvq_coalesce__refuses),
	{}
};

static struct kunit_suite xtcp_collapse_suite = {
	.name = "xtcp_collapse",
	.test_cases = xtcp_collapse_cases,
};

static struct kunit_suite xtcp_collapse_sock_suite = {
	.name = "xtcp_collapse_rcvq",
	.init = collapse_ctx_init,
	.exit = collapse_ctx_exit,
	.test_cases = xtcp_collapse_sock_cases,
};

kunit_test_suites(&xtcp_collapse_suite, &xtcp_collapse_sock_suite);
