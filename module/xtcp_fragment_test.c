// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for write-queue skbs of several segments (xtcp_fragment.c):
 * the segment count, and cutting an skb of page fragments on a fake
 * socket's write queue: every byte kept, in order, at its sequence
 * number; FIN, PSH and the segment counts where they belong; packets_out
 * unchanged by a cut, or by a late ACK after go-back-N; the memory charged
 * following the skbs; no cut of a sent skb in the middle of a queue past
 * twice its send buffer; a clone in flight untouched.
 */
#include <kunit/test.h>

#include "xtcp.h"

#define BASE	0xffffe000U	/* the data wraps the sequence space */
#define MSS	1000
#define LEN	10000		/* bytes of the skb under test, in 3 pages */

static void xtcp_pcount_of__rounds_up(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, xtcp_pcount_of(0, MSS), 1U);
	KUNIT_EXPECT_EQ(test, xtcp_pcount_of(1, MSS), 1U);
	KUNIT_EXPECT_EQ(test, xtcp_pcount_of(MSS, MSS), 1U);
	KUNIT_EXPECT_EQ(test, xtcp_pcount_of(MSS + 1, MSS), 2U);
	KUNIT_EXPECT_EQ(test, xtcp_pcount_of(65160, 1448), 45U);
}

struct frag_ctx {
	struct xtcp_sock *xs;
	struct proto prot;
	struct sk_buff *skb;
};

static struct sock *frag_sk(struct frag_ctx *ctx)
{
	return (struct sock *)ctx->xs;
}

static u8 frag_byte(u32 seq)
{
	return (u8)(seq * 7 + (seq >> 8));
}

/* A fake socket whose write queue holds one unsent skb of LEN bytes at
 * BASE, in page fragments, with FIN and PSH, as sendmsg() builds them.
 */
static int frag_ctx_init(struct kunit *test)
{
	struct frag_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	struct sk_buff *skb;
	struct sock *sk;
	u32 off = 0;
	int i = 0;

	if (!ctx)
		return -ENOMEM;
	ctx->xs = kunit_kzalloc(test, sizeof(*ctx->xs), GFP_KERNEL);
	if (!ctx->xs)
		return -ENOMEM;
	sk = frag_sk(ctx);
	sock_net_set(sk, &init_net);
	/* No memory accounting (sk_has_account() is false), and room
	 * enough that the forced schedule takes nothing from the module.
	 */
	sk->sk_prot = &ctx->prot;
	sk->sk_forward_alloc = 1 << 20;
	sk->sk_sndbuf = 1 << 20;
	skb_queue_head_init(&sk->sk_write_queue);
	ctx->xs->mss_cache = MSS;

	skb = alloc_skb_fclone(XTCP_MAX_HEADER, GFP_KERNEL);
	if (!skb)
		return -ENOMEM;
	skb_reserve(skb, XTCP_MAX_HEADER);
	skb->ip_summed = CHECKSUM_PARTIAL;
	while (off < LEN) {
		struct page *page = alloc_page(GFP_KERNEL);
		u32 n = min_t(u32, LEN - off, PAGE_SIZE), j;
		u8 *p;

		if (!page) {
			kfree_skb(skb);
			return -ENOMEM;
		}
		p = page_address(page);
		for (j = 0; j < n; j++)
			p[j] = frag_byte(BASE + off + j);
		skb_fill_page_desc(skb, i++, page, 0, n);
		skb->len += n;
		skb->data_len += n;
		skb->truesize += n;
		off += n;
	}
	memset(XTCP_SKB_CB(skb), 0, sizeof(struct xtcp_skb_cb));
	XTCP_SKB_CB(skb)->seq = BASE;
	XTCP_SKB_CB(skb)->end_seq = BASE + LEN + 1;
	XTCP_SKB_CB(skb)->flags = XTCP_FLAG_FIN | XTCP_FLAG_PSH;
	__skb_queue_tail(&sk->sk_write_queue, skb);
	sk->sk_wmem_queued = skb->truesize;
	ctx->skb = skb;
	test->priv = ctx;
	return 0;
}

static void frag_ctx_exit(struct kunit *test)
{
	struct frag_ctx *ctx = test->priv;

	__skb_queue_purge(&frag_sk(ctx)->sk_write_queue);
}

/* Mark the skb sent in full as one super-packet: LEN / MSS segments. */
static void frag_ctx_sent(struct frag_ctx *ctx)
{
	struct xtcp_sock *xs = ctx->xs;

	xtcp_skb_set_pcount(ctx->skb, MSS);
	xs->snd_una = BASE;
	xs->snd_nxt = BASE + LEN + 1;
	xs->snd_max = xs->snd_nxt;
	xs->packets_out = xtcp_skb_pcount(ctx->skb);
}

/* Every byte at its sequence number, the skbs contiguous from BASE, and
 * the queue's truesize what the socket was charged.
 */
static void frag_check_queue(struct kunit *test, struct sock *sk)
{
	u32 seq = BASE, truesize = 0, off;
	struct sk_buff *skb;
	int bad = 0;
	u8 b;

	skb_queue_walk(&sk->sk_write_queue, skb) {
		KUNIT_EXPECT_EQ(test, XTCP_SKB_CB(skb)->seq, seq);
		for (off = 0; off < skb->len; off++)
			if (skb_copy_bits(skb, off, &b, 1) ||
			    b != frag_byte(seq + off))
				bad++;
		seq += skb->len;
		truesize += skb->truesize;
	}
	KUNIT_EXPECT_EQ(test, bad, 0);
	KUNIT_EXPECT_EQ(test, seq, BASE + LEN);
	KUNIT_EXPECT_EQ(test, (u32)sk->sk_wmem_queued, truesize);
}

static void xtcp_fragment__unsent(struct kunit *test)
{
	struct frag_ctx *ctx = test->priv;
	struct sock *sk = frag_sk(ctx);
	struct sk_buff *skb = ctx->skb, *rest;

	/* Inside the second page. */
	KUNIT_ASSERT_EQ(test, xtcp_fragment(sk, skb, 5500, GFP_KERNEL), 0);
	KUNIT_ASSERT_EQ(test, skb_queue_len(&sk->sk_write_queue), 2U);
	rest = skb_queue_next(&sk->sk_write_queue, skb);
	KUNIT_EXPECT_EQ(test, skb->len, 5500U);
	KUNIT_EXPECT_EQ(test, rest->len, (u32)LEN - 5500);
	KUNIT_EXPECT_EQ(test, XTCP_SKB_CB(skb)->end_seq, BASE + 5500);
	KUNIT_EXPECT_EQ(test, XTCP_SKB_CB(rest)->end_seq, BASE + LEN + 1);
	/* The FIN and the push go with the last byte. */
	KUNIT_EXPECT_EQ(test, XTCP_SKB_CB(skb)->flags, 0);
	KUNIT_EXPECT_EQ(test, XTCP_SKB_CB(rest)->flags,
			XTCP_FLAG_FIN | XTCP_FLAG_PSH);
	/* Unsent: no segment count yet. */
	KUNIT_EXPECT_EQ(test, XTCP_SKB_CB(skb)->pcount, 0);
	KUNIT_EXPECT_EQ(test, XTCP_SKB_CB(rest)->pcount, 0);
	frag_check_queue(test, sk);
}

static void xtcp_unbundle__one_skb_per_segment(struct kunit *test)
{
	struct frag_ctx *ctx = test->priv;
	struct sock *sk = frag_sk(ctx);
	struct sk_buff *skb;
	u32 n = 0;

	frag_ctx_sent(ctx);
	XTCP_SKB_CB(ctx->skb)->tx_us = 12345;
	KUNIT_ASSERT_EQ(test, xtcp_skb_pcount(ctx->skb), (u32)LEN / MSS);
	KUNIT_ASSERT_EQ(test, xtcp_unbundle(sk, ctx->skb, GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, skb_queue_len(&sk->sk_write_queue), LEN / MSS);
	skb_queue_walk(&sk->sk_write_queue, skb) {
		KUNIT_EXPECT_EQ(test, skb->len, (u32)MSS);
		KUNIT_EXPECT_EQ(test, xtcp_skb_pcount(skb), 1U);
		KUNIT_EXPECT_EQ(test, XTCP_SKB_CB(skb)->tx_us, 12345U);
		n++;
	}
	KUNIT_EXPECT_PTR_EQ(test, skb_peek(&sk->sk_write_queue), ctx->skb);
	KUNIT_EXPECT_EQ(test, ctx->xs->packets_out, n);
	KUNIT_EXPECT_TRUE(test, XTCP_SKB_CB(skb_peek_tail(&sk->sk_write_queue))->flags &
			  XTCP_FLAG_FIN);
	frag_check_queue(test, sk);
}

static void xtcp_trim_acked__whole_segments(struct kunit *test)
{
	struct frag_ctx *ctx = test->priv;
	struct sock *sk = frag_sk(ctx);
	struct sk_buff *skb = ctx->skb, *rest;

	frag_ctx_sent(ctx);
	/* Half a segment acknowledged: nothing whole to cut off. */
	KUNIT_EXPECT_EQ(test, xtcp_trim_acked(sk, skb, BASE + MSS / 2), 0);
	KUNIT_EXPECT_EQ(test, skb_queue_len(&sk->sk_write_queue), 1U);
	/* Three and a half: three segments become an skb of their own. */
	KUNIT_ASSERT_EQ(test, xtcp_trim_acked(sk, skb, BASE + 3 * MSS + 500),
			0);
	KUNIT_ASSERT_EQ(test, skb_queue_len(&sk->sk_write_queue), 2U);
	rest = skb_queue_next(&sk->sk_write_queue, skb);
	KUNIT_EXPECT_EQ(test, skb->len, 3U * MSS);
	KUNIT_EXPECT_EQ(test, xtcp_skb_pcount(skb), 3U);
	KUNIT_EXPECT_EQ(test, xtcp_skb_pcount(rest), (u32)LEN / MSS - 3);
	KUNIT_EXPECT_EQ(test, ctx->xs->packets_out, (u32)LEN / MSS);
	frag_check_queue(test, sk);
}

static void xtcp_trim_acked__after_go_back_n(struct kunit *test)
{
	struct frag_ctx *ctx = test->priv;
	struct sock *sk = frag_sk(ctx);
	struct xtcp_sock *xs = ctx->xs;

	frag_ctx_sent(ctx);
	/* A timeout: nothing counts as in flight, snd_nxt back at snd_una.
	 * Then a late ACK of the first transmission moves snd_nxt into the
	 * skb, which was not sent again: no count to take from.
	 */
	xs->packets_out = 0;
	xs->snd_nxt = BASE + 3 * MSS + 500;
	KUNIT_ASSERT_EQ(test, xtcp_trim_acked(sk, ctx->skb, xs->snd_nxt), 0);
	KUNIT_EXPECT_EQ(test, skb_queue_len(&sk->sk_write_queue), 2U);
	KUNIT_EXPECT_EQ(test, xs->packets_out, 0U);
	frag_check_queue(test, sk);
}

static void xtcp_fragment__queue_too_big(struct kunit *test)
{
	struct frag_ctx *ctx = test->priv;
	struct sock *sk = frag_sk(ctx);
	struct sk_buff *mid;

	frag_ctx_sent(ctx);
	KUNIT_ASSERT_EQ(test, xtcp_fragment(sk, ctx->skb, 3 * MSS, GFP_KERNEL), 0);
	mid = skb_queue_next(&sk->sk_write_queue, ctx->skb);
	KUNIT_ASSERT_EQ(test, xtcp_fragment(sk, mid, 4 * MSS, GFP_KERNEL), 0);
	/* The queue is now far past twice the send buffer: a sent skb in
	 * the middle is not cut; the first and the last still are.
	 */
	sk->sk_sndbuf = 1;
	KUNIT_EXPECT_EQ(test, xtcp_fragment(sk, mid, MSS, GFP_KERNEL), -ENOMEM);
	KUNIT_EXPECT_EQ(test, skb_queue_len(&sk->sk_write_queue), 3U);
	KUNIT_EXPECT_EQ(test, xtcp_fragment(sk, ctx->skb, MSS, GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, xtcp_unbundle(sk, skb_peek_tail(&sk->sk_write_queue),
					    GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, ctx->xs->packets_out, (u32)LEN / MSS);
	frag_check_queue(test, sk);
}

static void xtcp_fragment__clone_in_flight_untouched(struct kunit *test)
{
	struct frag_ctx *ctx = test->priv;
	struct sock *sk = frag_sk(ctx);
	struct sk_buff *clone;
	int bad = 0;
	u32 off;
	u8 b;

	frag_ctx_sent(ctx);
	/* A transmission's clone, still below us. */
	clone = skb_clone(ctx->skb, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, clone);
	KUNIT_ASSERT_EQ(test, xtcp_unbundle(sk, ctx->skb, GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, clone->len, (u32)LEN);
	KUNIT_EXPECT_EQ(test, skb_shinfo(clone)->nr_frags, 3);
	for (off = 0; off < clone->len; off++)
		if (skb_copy_bits(clone, off, &b, 1) ||
		    b != frag_byte(BASE + off))
			bad++;
	KUNIT_EXPECT_EQ(test, bad, 0);
	kfree_skb(clone);
	frag_check_queue(test, sk);
}

static struct kunit_case xtcp_fragment_cases[] = {
	KUNIT_CASE(xtcp_pcount_of__rounds_up),
	{}
};

static struct kunit_case xtcp_fragment_sock_cases[] = {
	KUNIT_CASE(xtcp_fragment__unsent),
	KUNIT_CASE(xtcp_unbundle__one_skb_per_segment),
	KUNIT_CASE(xtcp_trim_acked__whole_segments),
	KUNIT_CASE(xtcp_trim_acked__after_go_back_n),
	KUNIT_CASE(xtcp_fragment__queue_too_big),
	KUNIT_CASE(xtcp_fragment__clone_in_flight_untouched),
	{}
};

static struct kunit_suite xtcp_fragment_suite = {
	.name = "xtcp_fragment",
	.test_cases = xtcp_fragment_cases,
};

static struct kunit_suite xtcp_fragment_sock_suite = {
	.name = "xtcp_fragment_wq",
	.init = frag_ctx_init,
	.exit = frag_ctx_exit,
	.test_cases = xtcp_fragment_sock_cases,
};

kunit_test_suites(&xtcp_fragment_suite, &xtcp_fragment_sock_suite);
