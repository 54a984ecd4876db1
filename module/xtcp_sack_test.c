// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for XTCP's SACK (xtcp_sack.c): option parsing, the
 * receiver's blocks (order, merging, DSACK, option writing), block
 * validation, and the sender's scoreboard on a socket that is never
 * connected (a zeroed xtcp_sock with a write queue of bare skbs).
 */
#include <asm/unaligned.h>
#include <kunit/test.h>
#include <net/net_namespace.h>

#include "xtcp.h"

#define BASE	1000000000U

static void expect_block(struct kunit *test, const struct xtcp_sack_block *b,
			 u32 start, u32 end)
{
	KUNIT_EXPECT_EQ(test, b->start_seq, start);
	KUNIT_EXPECT_EQ(test, b->end_seq, end);
}

static void xtcp_parse_options__sack_blocks(struct kunit *test)
{
	static const u8 two[] = { 1, 1, 5, 18,
				  0, 0, 0, 100, 0, 0, 0, 200,
				  0xff, 0xff, 0xff, 0xf0, 0, 0, 0, 16 };
	static const u8 bad_len[] = { 5, 11, 0, 0, 0, 1, 0, 0, 0, 2, 0 };
	static const u8 five[] = { 5, 42,
				   0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4,
				   0, 0, 0, 5, 0, 0, 0, 6, 0, 0, 0, 7, 0, 0, 0, 8,
				   0, 0, 0, 9, 0, 0, 0, 10 };
	struct xtcp_options o;

	KUNIT_ASSERT_EQ(test, xtcp_parse_options(two, sizeof(two), false, &o), 0);
	KUNIT_ASSERT_EQ(test, o.num_sacks, 2);
	expect_block(test, &o.sacks[0], 100, 200);
	expect_block(test, &o.sacks[1], 0xfffffff0U, 16);

	/* On a SYN a SACK option means nothing. */
	KUNIT_ASSERT_EQ(test, xtcp_parse_options(two, sizeof(two), true, &o), 0);
	KUNIT_EXPECT_EQ(test, o.num_sacks, 0);

	/* A length that is not 2 + 8n: skipped. */
	KUNIT_ASSERT_EQ(test, xtcp_parse_options(bad_len, sizeof(bad_len), false,
						 &o), 0);
	KUNIT_EXPECT_EQ(test, o.num_sacks, 0);

	/* Five blocks cannot fit in 40 bytes; never more than four kept. */
	KUNIT_ASSERT_EQ(test, xtcp_parse_options(five, sizeof(five), false, &o), 0);
	KUNIT_EXPECT_EQ(test, o.num_sacks, XTCP_NUM_SACKS);
	expect_block(test, &o.sacks[3], 7, 8);
}

static void xtcp_sack_add_block__order_and_merge(struct kunit *test)
{
	struct xtcp_sack_block b[XTCP_NUM_SACKS];
	unsigned int n = 0;

	n = xtcp_sack_add_block(b, n, 100, 200);
	n = xtcp_sack_add_block(b, n, 300, 400);
	KUNIT_ASSERT_EQ(test, n, 2U);
	expect_block(test, &b[0], 300, 400);	/* the newest first */
	expect_block(test, &b[1], 100, 200);

	/* Filling the gap merges both into the first block. */
	n = xtcp_sack_add_block(b, n, 200, 300);
	KUNIT_ASSERT_EQ(test, n, 1U);
	expect_block(test, &b[0], 100, 400);

	n = xtcp_sack_add_block(b, n, 500, 600);
	n = xtcp_sack_add_block(b, n, 700, 800);
	n = xtcp_sack_add_block(b, n, 900, 1000);
	KUNIT_ASSERT_EQ(test, n, 4U);
	/* A fifth range: the oldest block is forgotten. */
	n = xtcp_sack_add_block(b, n, 1100, 1200);
	KUNIT_ASSERT_EQ(test, n, 4U);
	expect_block(test, &b[0], 1100, 1200);
	expect_block(test, &b[1], 900, 1000);
	expect_block(test, &b[2], 700, 800);
	expect_block(test, &b[3], 500, 600);

	/* A duplicate inside a block moves it to the front. */
	n = xtcp_sack_add_block(b, n, 720, 780);
	KUNIT_ASSERT_EQ(test, n, 4U);
	expect_block(test, &b[0], 700, 800);
	expect_block(test, &b[1], 1100, 1200);

	/* Around the sequence number wrap. */
	n = xtcp_sack_add_block(b, 0, 0xffffff00U, 0x10);
	n = xtcp_sack_add_block(b, n, 0x10, 0x20);
	KUNIT_ASSERT_EQ(test, n, 1U);
	expect_block(test, &b[0], 0xffffff00U, 0x20);
}

static void xtcp_sack_remove_below__keeps_order(struct kunit *test)
{
	struct xtcp_sack_block b[XTCP_NUM_SACKS] = {
		{ 500, 600 }, { 100, 200 }, { 700, 800 }, { 300, 400 },
	};

	KUNIT_ASSERT_EQ(test, xtcp_sack_remove_below(b, 4, 50), 4U);
	KUNIT_ASSERT_EQ(test, xtcp_sack_remove_below(b, 4, 400), 2U);
	expect_block(test, &b[0], 500, 600);
	expect_block(test, &b[1], 700, 800);
	KUNIT_EXPECT_EQ(test, xtcp_sack_remove_below(b, 2, 800), 0U);
}

static void xtcp_sack_block_valid__rules(struct kunit *test)
{
	u32 una = BASE, max = BASE + 10000, win = 65535;

	/* Inside what was sent and not acknowledged. */
	KUNIT_EXPECT_TRUE(test, xtcp_sack_block_valid(una + 1000, una + 2000,
						      false, una, max, win,
						      false, 0));
	KUNIT_EXPECT_TRUE(test, xtcp_sack_block_valid(una + 1, max, false, una,
						      max, win, false, 0));
	/* Beyond snd_max, empty, reversed, 2^31 long. */
	KUNIT_EXPECT_FALSE(test, xtcp_sack_block_valid(una + 1000, max + 1,
						       false, una, max, win,
						       false, 0));
	KUNIT_EXPECT_FALSE(test, xtcp_sack_block_valid(una + 1000, una + 1000,
						       false, una, max, win,
						       false, 0));
	KUNIT_EXPECT_FALSE(test, xtcp_sack_block_valid(una + 2000, una + 1000,
						       false, una, max, win,
						       false, 0));
	KUNIT_EXPECT_FALSE(test, xtcp_sack_block_valid(una + 1000,
						       una + 1000 + (1U << 31),
						       false, una, max, win,
						       false, 0));
	/* At or below snd_una: only a DSACK, only within an episode. */
	KUNIT_EXPECT_FALSE(test, xtcp_sack_block_valid(una, una + 1000, false,
						       una, max, win, false, 0));
	KUNIT_EXPECT_FALSE(test, xtcp_sack_block_valid(una - 1000, una, true,
						       una, max, win, false, 0));
	KUNIT_EXPECT_TRUE(test, xtcp_sack_block_valid(una - 1000, una, true,
						      una, max, win, true,
						      una - 5000));
	/* Straddling snd_una. */
	KUNIT_EXPECT_FALSE(test, xtcp_sack_block_valid(una - 1000, una + 1000,
						       true, una, max, win, true,
						       una - 5000));
	/* Before the episode: only within the last window. */
	KUNIT_EXPECT_TRUE(test, xtcp_sack_block_valid(una - 9000, una - 4000,
						      true, una, max, win, true,
						      una - 5000));
	KUNIT_EXPECT_FALSE(test, xtcp_sack_block_valid(una - 9000, una - 6000,
						       true, una, max, win, true,
						       una - 5000));
	KUNIT_EXPECT_FALSE(test, xtcp_sack_block_valid(una - 200000,
						       una - 4000, true, una,
						       max, win, true,
						       una - 5000));
}

static void xtcp_sack_is_dsack__rfc2883(struct kunit *test)
{
	struct xtcp_sack_block below[] = { { 100, 200 }, { 500, 600 } };
	struct xtcp_sack_block inside[] = { { 520, 540 }, { 500, 600 } };
	struct xtcp_sack_block plain[] = { { 300, 400 }, { 500, 600 } };

	KUNIT_EXPECT_TRUE(test, xtcp_sack_is_dsack(below, 2, 250));
	KUNIT_EXPECT_TRUE(test, xtcp_sack_is_dsack(inside, 2, 250));
	KUNIT_EXPECT_FALSE(test, xtcp_sack_is_dsack(plain, 2, 250));
	KUNIT_EXPECT_FALSE(test, xtcp_sack_is_dsack(inside, 1, 250));
	KUNIT_EXPECT_FALSE(test, xtcp_sack_is_dsack(plain, 0, 250));
}

/* A socket that never connects: enough of one for the scoreboard. */
struct sack_ctx {
	struct xtcp_sock *xs;
	struct sk_buff *skbs[16];
	unsigned int n;
};

static struct sock *ctx_sk(struct sack_ctx *ctx)
{
	return (struct sock *)ctx->xs;
}

static int sack_ctx_init(struct kunit *test)
{
	struct sack_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	struct sock *sk;

	if (!ctx)
		return -ENOMEM;
	ctx->xs = kunit_kzalloc(test, sizeof(*ctx->xs), GFP_KERNEL);
	if (!ctx->xs)
		return -ENOMEM;
	sk = ctx_sk(ctx);
	sock_net_set(sk, &init_net);
	skb_queue_head_init(&sk->sk_write_queue);
	xtcp_sack_init(sk);
	ctx->xs->sack_ok = 1;
	ctx->xs->mss_cache = 1000;
	ctx->xs->max_window = 65535;
	test->priv = ctx;
	return 0;
}

static void sack_ctx_exit(struct kunit *test)
{
	struct sack_ctx *ctx = test->priv;

	__skb_queue_purge(&ctx_sk(ctx)->sk_write_queue);
}

/* @n skbs of 1000 bytes from BASE, all sent, none acknowledged. */
static void sack_ctx_fill(struct kunit *test, unsigned int n)
{
	struct sack_ctx *ctx = test->priv;
	struct xtcp_sock *xs = ctx->xs;
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct sk_buff *skb = alloc_skb(0, GFP_KERNEL);

		KUNIT_ASSERT_NOT_NULL(test, skb);
		XTCP_SKB_CB(skb)->seq = BASE + 1000 * i;
		XTCP_SKB_CB(skb)->end_seq = BASE + 1000 * (i + 1);
		XTCP_SKB_CB(skb)->sacked = 0;
		__skb_queue_tail(&ctx_sk(ctx)->sk_write_queue, skb);
		ctx->skbs[i] = skb;
	}
	ctx->n = n;
	xs->snd_una = BASE;
	xs->snd_nxt = BASE + 1000 * n;
	xs->snd_max = xs->snd_nxt;
	xs->high_seq = BASE;
	xs->packets_out = n;
	xs->send_head = NULL;
	xs->snd_cwnd = n;
}

/* An ACK of snd_una carrying @nb blocks (seq offsets from BASE). */
static bool sack_ctx_ack(struct kunit *test, const u32 (*blocks)[2],
			 unsigned int nb)
{
	struct sack_ctx *ctx = test->priv;
	struct sk_buff *skb = alloc_skb(64, GFP_KERNEL);
	unsigned int olen = 4 + 8 * nb, i;
	struct tcphdr *th;
	u8 *p;
	bool ret;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_reset_transport_header(skb);
	th = skb_put_zero(skb, sizeof(*th) + olen);
	th->doff = (sizeof(*th) + olen) / 4;
	p = (u8 *)(th + 1);
	p[0] = XTCP_OPT_NOP;
	p[1] = XTCP_OPT_NOP;
	p[2] = XTCP_OPT_SACK;
	p[3] = 2 + 8 * nb;
	for (i = 0; i < nb; i++) {
		put_unaligned_be32(BASE + blocks[i][0], p + 4 + 8 * i);
		put_unaligned_be32(BASE + blocks[i][1], p + 8 + 8 * i);
	}
	XTCP_SKB_CB(skb)->ack_seq = ctx->xs->snd_una;
	ret = xtcp_sack_ack(ctx_sk(ctx), skb);
	kfree_skb(skb);
	return ret;
}

static bool sacked(struct sack_ctx *ctx, unsigned int i)
{
	return XTCP_SKB_CB(ctx->skbs[i])->sacked & XTCP_SKB_SACKED;
}

static void xtcp_sack_ack__tags_covered_skbs(struct kunit *test)
{
	static const u32 one[][2] = { { 1000, 3000 } };
	static const u32 partial[][2] = { { 3500, 5000 }, { 1000, 3000 } };
	static const u32 bogus[][2] = { { 5000, 20000 }, { 0, 1000 } };
	struct sack_ctx *ctx = test->priv;
	struct xtcp_sock *xs = ctx->xs;

	sack_ctx_fill(test, 10);
	KUNIT_EXPECT_TRUE(test, sack_ctx_ack(test, one, 1));
	KUNIT_EXPECT_TRUE(test, sacked(ctx, 1));
	KUNIT_EXPECT_TRUE(test, sacked(ctx, 2));
	KUNIT_EXPECT_FALSE(test, sacked(ctx, 0));
	KUNIT_EXPECT_EQ(test, xs->sack.sacked_out, 2U);

	/* The same again: nothing new. */
	KUNIT_EXPECT_FALSE(test, sack_ctx_ack(test, one, 1));
	KUNIT_EXPECT_EQ(test, xs->sack.sacked_out, 2U);

	/* Half of skb 3 is not enough: only skb 4. */
	KUNIT_EXPECT_TRUE(test, sack_ctx_ack(test, partial, 2));
	KUNIT_EXPECT_FALSE(test, sacked(ctx, 3));
	KUNIT_EXPECT_TRUE(test, sacked(ctx, 4));
	KUNIT_EXPECT_EQ(test, xs->sack.sacked_out, 3U);
	KUNIT_EXPECT_EQ(test, xtcp_packets_in_flight(xs), 7U);

	/* Beyond snd_max, and at snd_una without an episode: ignored. */
	KUNIT_EXPECT_FALSE(test, sack_ctx_ack(test, bogus, 2));
	KUNIT_EXPECT_FALSE(test, sacked(ctx, 0));
	KUNIT_EXPECT_FALSE(test, sacked(ctx, 9));
	KUNIT_EXPECT_EQ(test, xs->sack.sacked_out, 3U);
}

static void xtcp_sack_mark_lost__dupthresh(struct kunit *test)
{
	static const u32 blocks[][2] = { { 2000, 4000 }, { 5000, 6000 } };
	static const u32 more[][2] = { { 7000, 9000 }, { 5000, 6000 },
				       { 2000, 4000 } };
	struct sack_ctx *ctx = test->priv;
	struct xtcp_sock *xs = ctx->xs;
	struct sock *sk = ctx_sk(ctx);
	unsigned int i;

	sack_ctx_fill(test, 10);
	xs->ca_state = XTCP_CA_RECOVERY;
	sack_ctx_ack(test, blocks, 2);	/* 2, 3, 5 SACKed */
	xtcp_sack_mark_lost(sk);
	/* 0 and 1 have three SACKed above; 4 has one. */
	KUNIT_EXPECT_TRUE(test, XTCP_SKB_CB(ctx->skbs[0])->sacked & XTCP_SKB_LOST);
	KUNIT_EXPECT_TRUE(test, XTCP_SKB_CB(ctx->skbs[1])->sacked & XTCP_SKB_LOST);
	KUNIT_EXPECT_FALSE(test, XTCP_SKB_CB(ctx->skbs[4])->sacked & XTCP_SKB_LOST);
	KUNIT_EXPECT_EQ(test, xs->sack.lost_out, 2U);
	KUNIT_EXPECT_EQ(test, xtcp_packets_in_flight(xs), 5U);

	sack_ctx_ack(test, more, 3);	/* 7, 8 too */
	xtcp_sack_mark_lost(sk);
	/* 4 now has three above (5, 7, 8); 6 has two, 9 none. */
	KUNIT_EXPECT_TRUE(test, XTCP_SKB_CB(ctx->skbs[4])->sacked & XTCP_SKB_LOST);
	KUNIT_EXPECT_FALSE(test, XTCP_SKB_CB(ctx->skbs[6])->sacked & XTCP_SKB_LOST);
	KUNIT_EXPECT_FALSE(test, XTCP_SKB_CB(ctx->skbs[9])->sacked & XTCP_SKB_LOST);
	KUNIT_EXPECT_EQ(test, xs->sack.lost_out, 3U);
	KUNIT_EXPECT_EQ(test, xs->sack.sacked_out, 5U);

	/* The cumulative ACK takes 0-3: the counters follow the marks. */
	for (i = 0; i < 4; i++) {
		xtcp_sack_unlink(sk, ctx->skbs[i], true);
		__skb_unlink(ctx->skbs[i], &sk->sk_write_queue);
		kfree_skb(ctx->skbs[i]);
		xs->packets_out--;
	}
	xs->snd_una = BASE + 4000;
	KUNIT_EXPECT_EQ(test, xs->sack.lost_out, 1U);
	KUNIT_EXPECT_EQ(test, xs->sack.sacked_out, 3U);
	KUNIT_EXPECT_EQ(test, xs->sack.lost_cnt_hint, 0U);
	xtcp_sack_mark_lost(sk);
	KUNIT_EXPECT_EQ(test, xs->sack.lost_out, 1U);
}

static void xtcp_sack_go_back_n__renege(struct kunit *test)
{
	static const u32 blocks[][2] = { { 1000, 3000 } };
	struct sack_ctx *ctx = test->priv;
	struct xtcp_sock *xs = ctx->xs;
	struct sock *sk = ctx_sk(ctx);

	sack_ctx_fill(test, 4);
	sack_ctx_ack(test, blocks, 1);
	/* A timeout with snd_una not SACKed: the marks stay. */
	xtcp_sack_go_back_n(sk);
	KUNIT_EXPECT_TRUE(test, sacked(ctx, 1));
	KUNIT_EXPECT_EQ(test, xs->sack.sacked_out, 0U);

	/* The peer acknowledged skb 0 only: skb 1, at snd_una, was SACKed. */
	xtcp_sack_unlink(sk, ctx->skbs[0], false);
	__skb_unlink(ctx->skbs[0], &sk->sk_write_queue);
	kfree_skb(ctx->skbs[0]);
	xs->snd_una = BASE + 1000;
	xtcp_sack_go_back_n(sk);
	KUNIT_EXPECT_FALSE(test, sacked(ctx, 1));
	KUNIT_EXPECT_FALSE(test, sacked(ctx, 2));
	KUNIT_EXPECT_EQ(test, xs->sack.num_cache, 0);
}

static void xtcp_sack_rcv__blocks_and_dsack(struct kunit *test)
{
	struct sack_ctx *ctx = test->priv;
	struct xtcp_sock *xs = ctx->xs;
	struct sock *sk = ctx_sk(ctx);
	u8 opt[40];
	unsigned int len;

	xs->ooo_root = RB_ROOT;
	xs->rcv_nxt = BASE;
	xtcp_sack_rcv_ofo(sk, BASE + 100, BASE + 200, true);
	xtcp_sack_rcv_ofo(sk, BASE + 300, BASE + 400, true);
	xtcp_sack_rcv_dup(sk, BASE - 100, BASE);
	len = xtcp_sack_opt_len(sk, 0, 0);
	KUNIT_ASSERT_EQ(test, len, 4U + 3 * 8);
	xtcp_sack_write_blocks(sk, opt, len);
	KUNIT_EXPECT_EQ(test, opt[2], XTCP_OPT_SACK);
	KUNIT_EXPECT_EQ(test, opt[3], 2 + 3 * 8);
	KUNIT_EXPECT_EQ(test, get_unaligned_be32(opt + 4), BASE - 100);
	KUNIT_EXPECT_EQ(test, get_unaligned_be32(opt + 12), BASE + 300);
	KUNIT_EXPECT_EQ(test, get_unaligned_be32(opt + 20), BASE + 100);
	/* The DSACK went once. */
	KUNIT_EXPECT_EQ(test, xtcp_sack_opt_len(sk, 0, 0), 4U + 2 * 8);
	/* A full-sized data segment has no room for blocks; a small one has. */
	KUNIT_EXPECT_EQ(test, xtcp_sack_opt_len(sk, 1000, 0), 0U);
	KUNIT_EXPECT_EQ(test, xtcp_sack_opt_len(sk, 990, 0), 0U);
	KUNIT_EXPECT_EQ(test, xtcp_sack_opt_len(sk, 988, 0), 4U + 8);
	/* A duplicate of queued out-of-order data: a DSACK. */
	xtcp_sack_rcv_ofo(sk, BASE + 100, BASE + 200, false);
	KUNIT_EXPECT_EQ(test, xtcp_sack_opt_len(sk, 0, 0), 4U + 3 * 8);
	/* With timestamps (12 bytes) at most 3 blocks fit. */
	xtcp_sack_rcv_ofo(sk, BASE + 500, BASE + 600, true);
	xtcp_sack_rcv_ofo(sk, BASE + 700, BASE + 800, true);
	KUNIT_EXPECT_EQ(test, xtcp_sack_opt_len(sk, 0, 0), 4U + 4 * 8);
	KUNIT_EXPECT_EQ(test, xtcp_sack_opt_len(sk, 0, 12), 4U + 3 * 8);
	/* rcv_nxt passes everything (the out-of-order queue is empty). */
	xs->rcv_nxt = BASE + 800;
	xtcp_sack_rcv_advance(sk);
	KUNIT_EXPECT_EQ(test, xs->sack.num_blocks, 0);
}

static struct kunit_case xtcp_sack_cases[] = {
	KUNIT_CASE(xtcp_parse_options__sack_blocks),
	KUNIT_CASE(xtcp_sack_add_block__order_and_merge),
	KUNIT_CASE(xtcp_sack_remove_below__keeps_order),
	KUNIT_CASE(xtcp_sack_block_valid__rules),
	KUNIT_CASE(xtcp_sack_is_dsack__rfc2883),
	KUNIT_CASE(xtcp_sack_ack__tags_covered_skbs),
	KUNIT_CASE(xtcp_sack_mark_lost__dupthresh),
	KUNIT_CASE(xtcp_sack_go_back_n__renege),
	KUNIT_CASE(xtcp_sack_rcv__blocks_and_dsack),
	{}
};

static struct kunit_suite xtcp_sack_suite = {
	.name = "xtcp_sack",
	.init = sack_ctx_init,
	.exit = sack_ctx_exit,
	.test_cases = xtcp_sack_cases,
};

kunit_test_suites(&xtcp_sack_suite);
