// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for XTCP's RACK-TLP (xtcp_rack.c): the "sent after"
 * order, the reordering window and its DSACK adaptation, the time left
 * before a segment is lost, the probe timeout, and loss marking on a
 * socket that is never connected (a zeroed xtcp_sock with a write queue
 * of bare skbs whose transmission times are set by hand).
 */
#include <kunit/test.h>
#include <net/net_namespace.h>

#include "xtcp.h"

#define BASE	4294960000U	/* wraps within the test's sequence range */

static void xtcp_rack_sent_after__time_then_seq(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, xtcp_rack_sent_after(2000, 10, 1000, 20));
	KUNIT_EXPECT_FALSE(test, xtcp_rack_sent_after(1000, 20, 2000, 10));
	/* Same time (one GSO super-packet): the higher end_seq is later. */
	KUNIT_EXPECT_TRUE(test, xtcp_rack_sent_after(1000, 30, 1000, 20));
	KUNIT_EXPECT_FALSE(test, xtcp_rack_sent_after(1000, 20, 1000, 30));
	KUNIT_EXPECT_FALSE(test, xtcp_rack_sent_after(1000, 20, 1000, 20));
	/* Both clocks wrap: the microsecond one and sequence space. */
	KUNIT_EXPECT_TRUE(test, xtcp_rack_sent_after(5, 0, 0xfffffff0U, 0));
	KUNIT_EXPECT_TRUE(test, xtcp_rack_sent_after(7, 3, 7, 0xfffffff0U));
}

static void xtcp_rack_reo_wnd_of__rfc8985(struct kunit *test)
{
	/* min_RTT / 4 by default. */
	KUNIT_EXPECT_EQ(test, xtcp_rack_reo_wnd_of(8000, 20000, 1, false,
						   false, 0, 1), 2000U);
	/* Steps of min_RTT / 4 after DSACKs, bounded by SRTT. */
	KUNIT_EXPECT_EQ(test, xtcp_rack_reo_wnd_of(8000, 20000, 3, false,
						   false, 2, 1), 6000U);
	KUNIT_EXPECT_EQ(test, xtcp_rack_reo_wnd_of(8000, 20000, 20, true,
						   false, 0, 1), 20000U);
	/* No reordering seen: 0 in recovery and at DupThresh SACKed. */
	KUNIT_EXPECT_EQ(test, xtcp_rack_reo_wnd_of(8000, 20000, 1, false,
						   true, 0, 1), 0U);
	KUNIT_EXPECT_EQ(test, xtcp_rack_reo_wnd_of(8000, 20000, 1, false,
						   false, 3, 1), 0U);
	/* ... unless told not to use DupThresh (bit 2). */
	KUNIT_EXPECT_EQ(test, xtcp_rack_reo_wnd_of(8000, 20000, 1, false,
						   false, 3,
						   XTCP_RACK_LOSS_DETECTION |
						   XTCP_RACK_NO_DUPTHRESH), 2000U);
	/* Reordering seen: the window holds in recovery too. */
	KUNIT_EXPECT_EQ(test, xtcp_rack_reo_wnd_of(8000, 20000, 1, true,
						   true, 5, 1), 2000U);
	/* No RTT sample yet: no window. */
	KUNIT_EXPECT_EQ(test, xtcp_rack_reo_wnd_of(0, 0, 1, true, false, 0,
						   1), 0U);
}

static void xtcp_rack_remaining__sign(struct kunit *test)
{
	/* Sent at 1000, RACK.rtt 500, reo_wnd 100: lost from 1600 on. */
	KUNIT_EXPECT_EQ(test, xtcp_rack_remaining(1400, 1000, 500, 100), 200);
	KUNIT_EXPECT_EQ(test, xtcp_rack_remaining(1600, 1000, 500, 100), 0);
	KUNIT_EXPECT_EQ(test, xtcp_rack_remaining(1700, 1000, 500, 100), -100);
	/* Across the wrap of the microsecond clock. */
	KUNIT_EXPECT_EQ(test, xtcp_rack_remaining(100, 0xffffff00U, 500, 0),
			144);
}

static void xtcp_rack_reo_adapt__dsack_rounds(struct kunit *test)
{
	struct xtcp_rack r = { .reo_wnd_mult = 1 };
	int i;

	/* A DSACK: one more step, for 16 recoveries, once per round. */
	xtcp_rack_reo_adapt(&r, true, false, 1000, 5000);
	KUNIT_EXPECT_EQ(test, r.reo_wnd_mult, 2);
	KUNIT_EXPECT_EQ(test, r.reo_wnd_persist, XTCP_RACK_REO_PERSIST);
	xtcp_rack_reo_adapt(&r, true, false, 4999, 6000);
	KUNIT_EXPECT_EQ(test, r.reo_wnd_mult, 2);
	/* The round ended (snd_una reached 5000): the next DSACK counts. */
	xtcp_rack_reo_adapt(&r, true, false, 5000, 9000);
	KUNIT_EXPECT_EQ(test, r.reo_wnd_mult, 3);
	/* 16 recoveries without a DSACK: back to 1. */
	for (i = 0; i < XTCP_RACK_REO_PERSIST - 1; i++)
		xtcp_rack_reo_adapt(&r, false, true, 9000 + i, 9000 + i);
	KUNIT_EXPECT_EQ(test, r.reo_wnd_mult, 3);
	xtcp_rack_reo_adapt(&r, false, true, 9100, 9100);
	KUNIT_EXPECT_EQ(test, r.reo_wnd_mult, 1);
	/* An ACK that ends no recovery changes nothing. */
	xtcp_rack_reo_adapt(&r, false, false, 9200, 9200);
	KUNIT_EXPECT_EQ(test, r.reo_wnd_mult, 1);
}

/* min_RTT is the minimum over a window (tcp_min_rtt_wlen), not over the
 * connection's life: once the path lengthens and the short samples age
 * out, it rises to the best sample still in the window. The clock wraps
 * on the way.
 */
static void xtcp_min_rtt_update__window_expires(struct kunit *test)
{
	static const struct {
		u32 win, dt, rtt, min;
	} steps[] = {
		{ 1000, 0, 10000, 10000 },
		{ 1000, 100, 50000, 10000 },
		{ 1000, 900, 40000, 10000 },
		{ 1000, 1000, 60000, 10000 },
		/* 10 ms is more than a window old: 40 ms is the least left. */
		{ 1000, 1001, 50000, 40000 },
		/* Nothing left in the window: the new sample alone. */
		{ 1000, 2500, 45000, 45000 },
		/* A shorter path shows at once. */
		{ 1000, 2501, 20000, 20000 },
		/* 0 counts as 1 us, so that 0 keeps meaning "none". */
		{ 1000, 2502, 0, 1 },
		/* A zero window keeps the samples of the current tick only. */
		{ 0, 2503, 30000, 30000 },
		{ 0, 2503, 35000, 30000 },
	};
	const u32 t0 = 0xffffff00U;
	struct minmax m = {};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(steps); i++)
		KUNIT_EXPECT_EQ_MSG(test,
				    xtcp_min_rtt_update(&m, steps[i].win,
							t0 + steps[i].dt,
							steps[i].rtt),
				    steps[i].min, "step %u", i);
}

static void xtcp_tlp_pto_us__rfc8985(struct kunit *test)
{
	/* 2 * SRTT with several segments in flight. */
	KUNIT_EXPECT_EQ(test, xtcp_tlp_pto_us(30000, 4, 0), 60000U);
	/* One segment: plus the worst-case delayed ACK. */
	KUNIT_EXPECT_EQ(test, xtcp_tlp_pto_us(30000, 1, 0), 260000U);
	/* Never later than the RTO. */
	KUNIT_EXPECT_EQ(test, xtcp_tlp_pto_us(30000, 1, 230000), 230000U);
	KUNIT_EXPECT_EQ(test, xtcp_tlp_pto_us(30000, 4, 230000), 60000U);
	/* A floor for tiny RTTs, and 1 s before any sample. */
	KUNIT_EXPECT_EQ(test, xtcp_tlp_pto_us(100, 5, 0), XTCP_TLP_MIN_US);
	KUNIT_EXPECT_EQ(test, xtcp_tlp_pto_us(0, 5, 0), XTCP_TLP_INIT_US);
	KUNIT_EXPECT_EQ(test, xtcp_tlp_pto_us(0, 5, 300000), 300000U);
}

/* A socket that never connects, with @n sent skbs of 1000 bytes. */
struct rack_ctx {
	struct xtcp_sock *xs;
	struct sk_buff *skbs[8];
};

static struct sock *rack_sk(struct rack_ctx *ctx)
{
	return (struct sock *)ctx->xs;
}

static u32 rack_now_us(void)
{
	return div_u64(ktime_get_ns(), NSEC_PER_USEC);
}

static int rack_ctx_init(struct kunit *test)
{
	struct rack_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	struct xtcp_sock *xs;
	struct sock *sk;
	u32 now = rack_now_us();
	unsigned int i;

	if (!ctx)
		return -ENOMEM;
	xs = kunit_kzalloc(test, sizeof(*xs), GFP_KERNEL);
	if (!xs)
		return -ENOMEM;
	ctx->xs = xs;
	sk = rack_sk(ctx);
	sock_net_set(sk, &init_net);
	skb_queue_head_init(&sk->sk_write_queue);
	/* The reorder timer may be armed: a reference for it to take. */
	refcount_set(&sk->sk_refcnt, 1);
	/* Should it fire before the case ends (a vCPU stalled past its
	 * 12 ms), it finds the socket owned, as by a user, and only defers:
	 * nothing runs on this fake socket, and its lock is a real one.
	 */
	spin_lock_init(&sk->sk_lock.slock);
	sk->sk_lock.owned = 1;
	xtcp_init_timers(sk);
	xs->sack_ok = 1;
	xtcp_sack_init(sk);
	xs->mss_cache = 1000;
	for (i = 0; i < ARRAY_SIZE(ctx->skbs); i++) {
		struct sk_buff *skb = alloc_skb(0, GFP_KERNEL);

		if (!skb)
			return -ENOMEM;
		XTCP_SKB_CB(skb)->seq = BASE + 1000 * i;
		XTCP_SKB_CB(skb)->end_seq = BASE + 1000 * (i + 1);
		XTCP_SKB_CB(skb)->sacked = 0;
		/* Sent 50 ms ago, 100 us apart. */
		XTCP_SKB_CB(skb)->tx_us = now - 50000 + 100 * i;
		__skb_queue_tail(&sk->sk_write_queue, skb);
		ctx->skbs[i] = skb;
	}
	xs->snd_una = BASE;
	xs->snd_nxt = BASE + 1000U * (u32)ARRAY_SIZE(ctx->skbs);
	xs->snd_max = xs->snd_nxt;
	xs->packets_out = ARRAY_SIZE(ctx->skbs);
	xs->rtt.srtt = 50000;
	xs->rtt.rto = USEC_PER_SEC;
	xs->ca_state = XTCP_CA_OPEN;
	test->priv = ctx;
	return 0;
}

static void rack_ctx_exit(struct kunit *test)
{
	struct rack_ctx *ctx = test->priv;

	xtcp_clear_timers(rack_sk(ctx));
	__skb_queue_purge(&rack_sk(ctx)->sk_write_queue);
}

/* The peer SACKed skb @i: an ACK, processed at its own clock reading. */
static void rack_sack(struct rack_ctx *ctx, unsigned int i)
{
	xtcp_clock_refresh(ctx->xs);
	XTCP_SKB_CB(ctx->skbs[i])->sacked |= XTCP_SKB_SACKED;
	ctx->xs->sack.sacked_out++;
	xtcp_rack_advance(rack_sk(ctx), ctx->skbs[i]);
}

static bool rack_lost(struct rack_ctx *ctx, unsigned int i)
{
	return XTCP_SKB_CB(ctx->skbs[i])->sacked & XTCP_SKB_LOST;
}

/* Three SACKed (DupThresh, no reordering seen: reo_wnd 0): whatever was
 * sent before the most recently sent of them is lost; what was sent
 * after it, including a retransmission of an earlier skb, is not.
 */
static void xtcp_rack_detect__sent_before_delivered(struct kunit *test)
{
	struct rack_ctx *ctx = test->priv;
	struct xtcp_sock *xs = ctx->xs;

	/* skb 1 was retransmitted just now: sent after the SACKed ones. */
	XTCP_SKB_CB(ctx->skbs[1])->sacked |= XTCP_SKB_RETRANS;
	XTCP_SKB_CB(ctx->skbs[1])->tx_us = rack_now_us() + 1000;
	rack_sack(ctx, 3);
	rack_sack(ctx, 4);
	rack_sack(ctx, 5);
	KUNIT_EXPECT_EQ(test, xs->rack.end_seq, BASE + 6000);
	xtcp_rack_on_ack(rack_sk(ctx), false);
	KUNIT_EXPECT_TRUE(test, rack_lost(ctx, 0));
	KUNIT_EXPECT_FALSE(test, rack_lost(ctx, 1));
	KUNIT_EXPECT_TRUE(test, rack_lost(ctx, 2));
	KUNIT_EXPECT_FALSE(test, rack_lost(ctx, 6));
	KUNIT_EXPECT_FALSE(test, rack_lost(ctx, 7));
	KUNIT_EXPECT_EQ(test, xs->sack.lost_out, 2U);
	KUNIT_EXPECT_FALSE(test, xs->rack.reord_seen);
	KUNIT_EXPECT_FALSE(test, xs->rack.advanced);

	/* Nothing delivered since: no second walk. */
	XTCP_SKB_CB(ctx->skbs[0])->sacked &= ~XTCP_SKB_LOST;
	xtcp_rack_on_ack(rack_sk(ctx), false);
	KUNIT_EXPECT_FALSE(test, rack_lost(ctx, 0));
}

/* A retransmission delivered sooner than min_RTT after it left is
 * ambiguous (the original may have arrived): it does not move RACK.
 * A skb never retransmitted delivered below the highest delivered one
 * is reordering.
 */
static void xtcp_rack_advance__ambiguous_and_reordering(struct kunit *test)
{
	struct rack_ctx *ctx = test->priv;
	struct xtcp_sock *xs = ctx->xs;
	ktime_t before;

	rack_sack(ctx, 5);
	KUNIT_EXPECT_TRUE(test, xs->rack.valid);
	KUNIT_EXPECT_GE(test, xs->rack.min_rtt_us, 49000U);
	KUNIT_EXPECT_EQ(test, xs->rack.fack, BASE + 6000);

	XTCP_SKB_CB(ctx->skbs[6])->sacked |= XTCP_SKB_RETRANS;
	XTCP_SKB_CB(ctx->skbs[6])->tx_us = rack_now_us() - 1000;
	rack_sack(ctx, 6);
	KUNIT_EXPECT_EQ(test, xs->rack.end_seq, BASE + 6000);
	KUNIT_EXPECT_EQ(test, xs->rack.fack, BASE + 6000);

	rack_sack(ctx, 2);
	KUNIT_EXPECT_TRUE(test, xs->rack.reord_seen);
	KUNIT_EXPECT_EQ(test, xs->rack.end_seq, BASE + 6000);

	/* Reordering seen: reo_wnd is min_RTT / 4 (12 ms) even at
	 * DupThresh, and skbs sent 100-500 us before the RACK one are not
	 * lost yet: the reorder timer waits for them. The deadline counts
	 * from skb 4's delivery: measured from just before it, so that a
	 * stalled vCPU after the timer is armed does not fail the test.
	 * min_RTT is the first sample's: a vCPU stalled while it was taken
	 * makes it, and so the window, larger than the 50 ms sent, so the
	 * upper bound is the window measured plus 2 ms.
	 */
	before = ktime_get();
	rack_sack(ctx, 4);
	KUNIT_EXPECT_EQ(test, xs->sack.sacked_out, 4U);
	xtcp_rack_on_ack(rack_sk(ctx), false);
	KUNIT_EXPECT_EQ(test, xs->sack.lost_out, 0U);
	KUNIT_EXPECT_EQ(test, xs->rtx_mode, XTCP_RTX_REO);
	KUNIT_EXPECT_LE(test, ktime_us_delta(xs->rtx_deadline, ktime_get()),
			(s64)(xs->rack.min_rtt_us / 4) + 2000);
	KUNIT_EXPECT_GE(test, ktime_us_delta(xs->rtx_deadline, before),
			9000LL);
}

static struct kunit_case xtcp_rack_cases[] = {
	KUNIT_CASE(xtcp_rack_sent_after__time_then_seq),
	KUNIT_CASE(xtcp_rack_reo_wnd_of__rfc8985),
	KUNIT_CASE(xtcp_rack_remaining__sign),
	KUNIT_CASE(xtcp_rack_reo_adapt__dsack_rounds),
	KUNIT_CASE(xtcp_tlp_pto_us__rfc8985),
	KUNIT_CASE(xtcp_min_rtt_update__window_expires),
	{}
};

static struct kunit_suite xtcp_rack_suite = {
	.name = "xtcp_rack",
	.test_cases = xtcp_rack_cases,
};

static struct kunit_case xtcp_rack_sock_cases[] = {
	KUNIT_CASE(xtcp_rack_detect__sent_before_delivered),
	KUNIT_CASE(xtcp_rack_advance__ambiguous_and_reordering),
	{}
};

static struct kunit_suite xtcp_rack_sock_suite = {
	.name = "xtcp_rack_sock",
	.init = rack_ctx_init,
	.exit = rack_ctx_exit,
	.test_cases = xtcp_rack_sock_cases,
};

kunit_test_suites(&xtcp_rack_suite, &xtcp_rack_sock_suite);
