// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for XTCP's out-of-order queue (xtcp_ofo.c) with real skbs.
 *
 * Each skb gets an id in skb->mark and a destructor that records, in the
 * test's context, which ids were freed and how often, so a test can tell
 * which segments the queue freed, and that none was freed twice. Every
 * skb a test allocates is freed before the test ends (the exit hook
 * purges what a failed assertion left queued).
 */
#include <kunit/test.h>
#include <linux/skbuff.h>

#include "xtcp.h"

#define OFO_MAX_SKBS	32

struct xtcp_ofo_ctx {
	struct rb_root root;
	u32 bytes;
	unsigned int allocated;
	unsigned int freed;
	u32 freed_mask;		/* bit i: skb with id i was freed */
};

/* The context of the running test, for the skb destructor. */
static struct xtcp_ofo_ctx *xtcp_ofo_cur;

static void xtcp_ofo_test_destructor(struct sk_buff *skb)
{
	struct xtcp_ofo_ctx *ctx = xtcp_ofo_cur;

	if (WARN_ON_ONCE(!ctx))
		return;
	ctx->freed++;
	ctx->freed_mask |= BIT(skb->mark);
}

/* A segment [seq, end_seq) with id ctx->allocated. */
static struct sk_buff *seg(struct kunit *test, u32 seq, u32 end_seq)
{
	struct xtcp_ofo_ctx *ctx = test->priv;
	struct sk_buff *skb;

	KUNIT_ASSERT_LT(test, ctx->allocated, OFO_MAX_SKBS);
	skb = alloc_skb(0, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	memset(skb->cb, 0, sizeof(skb->cb));
	XTCP_SKB_CB(skb)->seq = seq;
	XTCP_SKB_CB(skb)->end_seq = end_seq;
	skb->mark = ctx->allocated++;
	skb->destructor = xtcp_ofo_test_destructor;
	return skb;
}

static bool insert(struct kunit *test, struct sk_buff *skb)
{
	struct xtcp_ofo_ctx *ctx = test->priv;

	return xtcp_ofo_insert(&ctx->root, skb, &ctx->bytes);
}

static struct sk_buff *pop(struct kunit *test, u32 rcv_nxt)
{
	struct xtcp_ofo_ctx *ctx = test->priv;

	return xtcp_ofo_pop(&ctx->root, rcv_nxt, &ctx->bytes);
}

/*
 * Check the queue holds exactly the segments @seqs (pairs of seq, end_seq)
 * in order, and that the byte counter is their total length.
 */
static void expect_queue(struct kunit *test, const u32 *seqs, unsigned int n)
{
	struct xtcp_ofo_ctx *ctx = test->priv;
	struct rb_node *node;
	unsigned int i = 0;
	u32 total = 0;

	for (node = rb_first(&ctx->root); node; node = rb_next(node), i++) {
		struct sk_buff *skb = rb_entry(node, struct sk_buff, rbnode);
		u32 seq = XTCP_SKB_CB(skb)->seq;
		u32 end_seq = XTCP_SKB_CB(skb)->end_seq;

		total += end_seq - seq;
		if (i >= n || seq != seqs[2 * i] || end_seq != seqs[2 * i + 1]) {
			KUNIT_FAIL(test, "queue[%u] is [%#x, %#x)", i, seq,
				   end_seq);
			return;
		}
	}
	KUNIT_EXPECT_EQ_MSG(test, i, n, "queue length");
	KUNIT_EXPECT_EQ_MSG(test, ctx->bytes, total, "byte counter");
}

#define EXPECT_QUEUE(test, ...) do {					\
	static const u32 xq_seqs[] = { __VA_ARGS__ };			\
	expect_queue(test, xq_seqs, ARRAY_SIZE(xq_seqs) / 2);		\
} while (0)

static void expect_empty(struct kunit *test)
{
	struct xtcp_ofo_ctx *ctx = test->priv;

	KUNIT_EXPECT_TRUE(test, RB_EMPTY_ROOT(&ctx->root));
	KUNIT_EXPECT_EQ(test, ctx->bytes, 0U);
}

/* Pop a segment, check it is @want, free it. */
static void expect_pop(struct kunit *test, u32 rcv_nxt, struct sk_buff *want)
{
	struct sk_buff *skb = pop(test, rcv_nxt);

	KUNIT_EXPECT_PTR_EQ(test, skb, want);
	kfree_skb(skb);
}

static void expect_pop_null(struct kunit *test, u32 rcv_nxt)
{
	struct sk_buff *skb = pop(test, rcv_nxt);

	KUNIT_EXPECT_NULL(test, skb);
	kfree_skb(skb);
}

/* Empty the queue and check every skb was freed exactly once. */
static void finish(struct kunit *test)
{
	struct xtcp_ofo_ctx *ctx = test->priv;

	xtcp_ofo_purge(&ctx->root, &ctx->bytes);
	KUNIT_EXPECT_EQ(test, ctx->freed, ctx->allocated);
	KUNIT_EXPECT_EQ(test, ctx->freed_mask,
			(u32)(BIT_ULL(ctx->allocated) - 1));
}

static void xtcp_ofo_insert__ordered(struct kunit *test)
{
	struct xtcp_ofo_ctx *ctx = test->priv;

	KUNIT_EXPECT_TRUE(test, insert(test, seg(test, 300, 400)));
	KUNIT_EXPECT_TRUE(test, insert(test, seg(test, 100, 200)));
	KUNIT_EXPECT_TRUE(test, insert(test, seg(test, 500, 600)));
	KUNIT_EXPECT_TRUE(test, insert(test, seg(test, 200, 250)));
	EXPECT_QUEUE(test, 100, 200, 200, 250, 300, 400, 500, 600);
	KUNIT_EXPECT_EQ(test, ctx->bytes, 350U);
	KUNIT_EXPECT_EQ(test, ctx->freed, 0U);
	finish(test);
}

static void xtcp_ofo_insert__duplicate_freed(struct kunit *test)
{
	struct xtcp_ofo_ctx *ctx = test->priv;

	KUNIT_EXPECT_TRUE(test, insert(test, seg(test, 100, 300)));	/* 0 */
	KUNIT_EXPECT_TRUE(test, insert(test, seg(test, 400, 500)));	/* 1 */
	/* Exact duplicate. */
	KUNIT_EXPECT_FALSE(test, insert(test, seg(test, 100, 300)));	/* 2 */
	KUNIT_EXPECT_EQ(test, ctx->freed_mask, BIT(2));
	/* Same start, shorter. */
	KUNIT_EXPECT_FALSE(test, insert(test, seg(test, 100, 200)));	/* 3 */
	/* Strictly inside. */
	KUNIT_EXPECT_FALSE(test, insert(test, seg(test, 150, 250)));	/* 4 */
	/* Same end, later start. */
	KUNIT_EXPECT_FALSE(test, insert(test, seg(test, 420, 500)));	/* 5 */
	KUNIT_EXPECT_EQ(test, ctx->freed, 4U);
	KUNIT_EXPECT_EQ(test, ctx->freed_mask, BIT(2) | BIT(3) | BIT(4) | BIT(5));
	EXPECT_QUEUE(test, 100, 300, 400, 500);
	KUNIT_EXPECT_EQ(test, ctx->bytes, 300U);
	finish(test);
}

static void xtcp_ofo_insert__covered_by_overlapping(struct kunit *test)
{
	struct xtcp_ofo_ctx *ctx = test->priv;

	/* Two partially overlapping segments both stay. */
	KUNIT_EXPECT_TRUE(test, insert(test, seg(test, 100, 300)));	/* 0 */
	KUNIT_EXPECT_TRUE(test, insert(test, seg(test, 200, 400)));	/* 1 */
	/* Covered by the second only. */
	KUNIT_EXPECT_FALSE(test, insert(test, seg(test, 310, 390)));	/* 2 */
	/* Covered by the first (and the second). */
	KUNIT_EXPECT_FALSE(test, insert(test, seg(test, 210, 290)));	/* 3 */
	/* Covered by neither alone: kept, though the union covers it. */
	KUNIT_EXPECT_TRUE(test, insert(test, seg(test, 150, 350)));	/* 4 */
	KUNIT_EXPECT_EQ(test, ctx->freed_mask, BIT(2) | BIT(3));
	EXPECT_QUEUE(test, 100, 300, 150, 350, 200, 400);
	finish(test);
}

static void xtcp_ofo_insert__covers_queued(struct kunit *test)
{
	struct xtcp_ofo_ctx *ctx = test->priv;

	KUNIT_EXPECT_TRUE(test, insert(test, seg(test, 200, 300)));	/* 0 */
	KUNIT_EXPECT_TRUE(test, insert(test, seg(test, 400, 500)));	/* 1 */
	KUNIT_EXPECT_TRUE(test, insert(test, seg(test, 600, 700)));	/* 2 */
	KUNIT_EXPECT_TRUE(test, insert(test, seg(test, 50, 60)));	/* 3 */
	/* Covers 0 and 1 wholly, 2 not at all. */
	KUNIT_EXPECT_TRUE(test, insert(test, seg(test, 150, 550)));	/* 4 */
	KUNIT_EXPECT_EQ(test, ctx->freed_mask, BIT(0) | BIT(1));
	EXPECT_QUEUE(test, 50, 60, 150, 550, 600, 700);
	KUNIT_EXPECT_EQ(test, ctx->bytes, 510U);
	/* Covers 2 exactly at its end, and reaches back over 4's tail. */
	KUNIT_EXPECT_TRUE(test, insert(test, seg(test, 500, 700)));	/* 5 */
	KUNIT_EXPECT_EQ(test, ctx->freed_mask, BIT(0) | BIT(1) | BIT(2));
	EXPECT_QUEUE(test, 50, 60, 150, 550, 500, 700);
	finish(test);
}

static void xtcp_ofo_insert__same_start_longer(struct kunit *test)
{
	struct xtcp_ofo_ctx *ctx = test->priv;

	KUNIT_EXPECT_TRUE(test, insert(test, seg(test, 100, 200)));	/* 0 */
	KUNIT_EXPECT_TRUE(test, insert(test, seg(test, 250, 300)));	/* 1 */
	KUNIT_EXPECT_TRUE(test, insert(test, seg(test, 350, 450)));	/* 2 */
	/* Replaces 0, and covers 1. */
	KUNIT_EXPECT_TRUE(test, insert(test, seg(test, 100, 320)));	/* 3 */
	KUNIT_EXPECT_EQ(test, ctx->freed_mask, BIT(0) | BIT(1));
	EXPECT_QUEUE(test, 100, 320, 350, 450);
	KUNIT_EXPECT_EQ(test, ctx->bytes, 320U);
	finish(test);
}

static void xtcp_ofo_pop__in_order(struct kunit *test)
{
	struct sk_buff *a = seg(test, 100, 200);
	struct sk_buff *b = seg(test, 200, 300);
	struct sk_buff *c = seg(test, 400, 500);

	insert(test, c);
	insert(test, a);
	insert(test, b);
	/* Hole before the first segment. */
	expect_pop_null(test, 50);
	EXPECT_QUEUE(test, 100, 200, 200, 300, 400, 500);
	expect_pop(test, 100, a);
	EXPECT_QUEUE(test, 200, 300, 400, 500);
	expect_pop(test, 200, b);
	/* Hole [300, 400). */
	expect_pop_null(test, 300);
	EXPECT_QUEUE(test, 400, 500);
	expect_pop(test, 400, c);
	expect_empty(test);
	expect_pop_null(test, 500);
	finish(test);
}

static void xtcp_ofo_pop__partly_old(struct kunit *test)
{
	struct sk_buff *a = seg(test, 100, 200);

	insert(test, a);
	/* seq < rcv_nxt < end_seq: still has new data. */
	expect_pop(test, 150, a);
	expect_empty(test);
	finish(test);
}

static void xtcp_ofo_pop__frees_old(struct kunit *test)
{
	struct xtcp_ofo_ctx *ctx = test->priv;
	struct sk_buff *d;

	insert(test, seg(test, 100, 200));				/* 0 */
	insert(test, seg(test, 250, 300));				/* 1 */
	insert(test, seg(test, 320, 400));				/* 2 */
	d = seg(test, 350, 450);					/* 3 */
	insert(test, d);
	/* 0 and 1 are wholly old; 2 ends exactly at rcv_nxt: old too. */
	expect_pop(test, 400, d);
	KUNIT_EXPECT_EQ(test, ctx->freed_mask, BIT(0) | BIT(1) | BIT(2) |
			BIT(3));
	expect_empty(test);

	/* Old segments go even when the pop then stops at a hole. */
	insert(test, seg(test, 500, 600));				/* 4 */
	insert(test, seg(test, 700, 800));				/* 5 */
	expect_pop_null(test, 650);
	KUNIT_EXPECT_TRUE(test, ctx->freed_mask & BIT(4));
	EXPECT_QUEUE(test, 700, 800);
	finish(test);
}

static void xtcp_ofo_queue__wraparound(struct kunit *test)
{
	struct xtcp_ofo_ctx *ctx = test->priv;
	struct sk_buff *big, *last;

	insert(test, seg(test, 0x00000000U, 0x00000010U));		/* 0 */
	insert(test, seg(test, 0xfffffff0U, 0x00000000U));		/* 1 */
	last = seg(test, 0x00000020U, 0x00000030U);			/* 2 */
	insert(test, last);
	/* Ordered by sequence, not by integer value. */
	EXPECT_QUEUE(test, 0xfffffff0U, 0x0U, 0x0U, 0x10U, 0x20U, 0x30U);
	KUNIT_EXPECT_EQ(test, ctx->bytes, 0x30U);

	/* Covers 1 and 0 across the wrap. */
	big = seg(test, 0xffffffe8U, 0x00000018U);			/* 3 */
	KUNIT_EXPECT_TRUE(test, insert(test, big));
	KUNIT_EXPECT_EQ(test, ctx->freed_mask, BIT(0) | BIT(1));
	EXPECT_QUEUE(test, 0xffffffe8U, 0x18U, 0x20U, 0x30U);
	KUNIT_EXPECT_EQ(test, ctx->bytes, 0x40U);

	/* Covered across the wrap. */
	KUNIT_EXPECT_FALSE(test, insert(test, seg(test, 0xfffffff8U, 0x8U)));
	KUNIT_EXPECT_EQ(test, ctx->freed_mask, BIT(0) | BIT(1) | BIT(4));

	expect_pop_null(test, 0xffffffe0U);
	expect_pop(test, 0xffffffe8U, big);
	expect_pop_null(test, 0x18U);
	expect_pop(test, 0x20U, last);
	expect_empty(test);
	finish(test);
}

static void xtcp_ofo_purge__frees_all(struct kunit *test)
{
	struct xtcp_ofo_ctx *ctx = test->priv;

	insert(test, seg(test, 100, 200));
	insert(test, seg(test, 300, 400));
	insert(test, seg(test, 500, 600));
	insert(test, seg(test, 150, 250));
	xtcp_ofo_purge(&ctx->root, &ctx->bytes);
	expect_empty(test);
	KUNIT_EXPECT_EQ(test, ctx->freed, 4U);
	finish(test);
}

/* Pruning frees the last segment, and only one that starts after @after. */
static void xtcp_ofo_prune_tail__last_after_only(struct kunit *test)
{
	struct xtcp_ofo_ctx *ctx = test->priv;

	insert(test, seg(test, 100, 200));				/* 0 */
	insert(test, seg(test, 300, 400));				/* 1 */
	insert(test, seg(test, 500, 600));				/* 2 */

	KUNIT_EXPECT_TRUE(test, xtcp_ofo_prune_tail(&ctx->root, 250,
						    &ctx->bytes));
	KUNIT_EXPECT_EQ(test, ctx->freed_mask, BIT(2));
	EXPECT_QUEUE(test, 100U, 200U, 300U, 400U);

	/* The last segment starts at @after: it is kept. */
	KUNIT_EXPECT_FALSE(test, xtcp_ofo_prune_tail(&ctx->root, 300,
						     &ctx->bytes));
	EXPECT_QUEUE(test, 100U, 200U, 300U, 400U);

	/* Across the wrap: 0xfffffff0 is before 300. */
	KUNIT_EXPECT_TRUE(test, xtcp_ofo_prune_tail(&ctx->root, 0xfffffff0U,
						    &ctx->bytes));
	KUNIT_EXPECT_TRUE(test, xtcp_ofo_prune_tail(&ctx->root, 0xfffffff0U,
						    &ctx->bytes));
	KUNIT_EXPECT_EQ(test, ctx->freed_mask, BIT(0) | BIT(1) | BIT(2));
	expect_empty(test);
	KUNIT_EXPECT_FALSE(test, xtcp_ofo_prune_tail(&ctx->root, 0,
						     &ctx->bytes));
	finish(test);
}

static int xtcp_ofo_test_init(struct kunit *test)
{
	struct xtcp_ofo_ctx *ctx;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	ctx->root = RB_ROOT;
	test->priv = ctx;
	xtcp_ofo_cur = ctx;
	return 0;
}

static void xtcp_ofo_test_exit(struct kunit *test)
{
	struct xtcp_ofo_ctx *ctx = test->priv;

	/* After a failed assertion: free whatever is still queued. */
	xtcp_ofo_purge(&ctx->root, &ctx->bytes);
	xtcp_ofo_cur = NULL;
}

static struct kunit_case xtcp_ofo_cases[] = {
	KUNIT_CASE(xtcp_ofo_insert__ordered),
	KUNIT_CASE(xtcp_ofo_insert__duplicate_freed),
	KUNIT_CASE(xtcp_ofo_insert__covered_by_overlapping),
	KUNIT_CASE(xtcp_ofo_insert__covers_queued),
	KUNIT_CASE(xtcp_ofo_insert__same_start_longer),
	KUNIT_CASE(xtcp_ofo_pop__in_order),
	KUNIT_CASE(xtcp_ofo_pop__partly_old),
	KUNIT_CASE(xtcp_ofo_pop__frees_old),
	KUNIT_CASE(xtcp_ofo_queue__wraparound),
	KUNIT_CASE(xtcp_ofo_purge__frees_all),
	KUNIT_CASE(xtcp_ofo_prune_tail__last_after_only),
	{}
};

static struct kunit_suite xtcp_ofo_suite = {
	.name = "xtcp_ofo",
	.init = xtcp_ofo_test_init,
	.exit = xtcp_ofo_test_exit,
	.test_cases = xtcp_ofo_cases,
};

kunit_test_suites(&xtcp_ofo_suite);
