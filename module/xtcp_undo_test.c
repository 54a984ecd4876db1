// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the undo of a spurious retransmission timeout
 * (xtcp_undo.c): the Eifel test on TSecr (older than the timeout, not
 * older than the data then in flight, serial arithmetic, never 0), and on
 * a fake socket after go-back-N and the first ACK of new data: the window
 * restored, snd_nxt back at snd_max with every segment in flight counted
 * once, SACKed ones as SACKed, a FIN added since sent again; nothing undone
 * for an ACK that answers a retransmission or echoes fiction, and no undo
 * armed for a timeout that is not its episode's first retransmission.
 * F-RTO (xtcp_frto.c): the step an ACK calls for, its arming without
 * timestamps or SACK, the undo of step 3b, and the fallbacks that leave
 * go-back-N alone.
 */
#include <kunit/test.h>

#include "xtcp.h"
#include "xtcp_cong.h"
#include "xtcp_undo.h"

#define BASE	0xfffff000U	/* the data wraps the sequence space */
#define MSS	1000
#define NSEG	7		/* segments 2-5 sent, 6 unsent (0-1 acked) */
#define TS_RTO	0xfffffff0U	/* our TSval clock at the timeout */
#define TS_LO	(TS_RTO - 1000)	/* the oldest data in flight then */

static void xtcp_rto_spurious__eifel(struct kunit *test)
{
	/* Echoes a TSval from before the timeout: the original answered. */
	KUNIT_EXPECT_TRUE(test, xtcp_rto_spurious(true, TS_RTO - 1, TS_LO, TS_RTO));
	KUNIT_EXPECT_TRUE(test, xtcp_rto_spurious(true, TS_LO, TS_LO, TS_RTO));
	KUNIT_EXPECT_TRUE(test, xtcp_rto_spurious(true, 100, 50, 200));
	/* The timeout's own retransmission, or anything later. */
	KUNIT_EXPECT_FALSE(test, xtcp_rto_spurious(true, TS_RTO, TS_LO, TS_RTO));
	KUNIT_EXPECT_FALSE(test, xtcp_rto_spurious(true, TS_RTO + 1, TS_LO, TS_RTO));
	/* Across the wrap: 0x10 is after 0xfffffff0, 0xffffffe0 before 5. */
	KUNIT_EXPECT_FALSE(test, xtcp_rto_spurious(true, 0x10, TS_LO, TS_RTO));
	KUNIT_EXPECT_TRUE(test, xtcp_rto_spurious(true, 0xffffffe0U,
						  0xffffff00U, 5));
	/* Older than anything in flight: no honest peer echoes that. */
	KUNIT_EXPECT_FALSE(test, xtcp_rto_spurious(true, TS_LO - 1, TS_LO, TS_RTO));
	KUNIT_EXPECT_FALSE(test, xtcp_rto_spurious(true, TS_RTO + 0x80000000U,
						   TS_LO, TS_RTO));
	/* No option, or TSecr 0 (RFC 7323 3.2): no evidence. */
	KUNIT_EXPECT_FALSE(test, xtcp_rto_spurious(false, 100, 50, 200));
	KUNIT_EXPECT_FALSE(test, xtcp_rto_spurious(true, 0, 0, 200));
}

static void xtcp_frto_step__table(struct kunit *test)
{
	static const struct {
		bool sent, advanced, dupack, all, rtx;
		enum xtcp_frto_step want;
	} c[] = {
		/* Step 2: the first ACK after the timeout. */
		{ false, true, false, false, true, XTCP_FRTO_NEW },
		{ false, true, false, true, true, XTCP_FRTO_OFF },
		/* Only a part of the retransmission: the rest is no proof. */
		{ false, true, false, false, false, XTCP_FRTO_OFF },
		{ false, false, true, false, false, XTCP_FRTO_OFF },
		{ false, false, false, false, false, XTCP_FRTO_WAIT },
		/* Step 3: after new data went. */
		{ true, true, false, false, true, XTCP_FRTO_UNDO },
		{ true, true, false, true, true, XTCP_FRTO_UNDO },
		{ true, false, true, false, true, XTCP_FRTO_LOSS },
		{ true, false, false, false, true, XTCP_FRTO_WAIT },
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(c); i++)
		KUNIT_EXPECT_EQ_MSG(test, xtcp_frto_step(c[i].sent, c[i].advanced,
							 c[i].dupack, c[i].all,
							 c[i].rtx),
				    c[i].want, "case %d", i);
}

struct undo_ctx {
	struct xtcp_sock *xs;
	struct proto prot;
	struct xtcp_cong_ops cong;	/* no undo hook */
	struct sk_buff *skb[NSEG];	/* [2] to [6]; 0 and 1 are freed */
};

static struct sock *undo_sk(struct undo_ctx *ctx)
{
	return (struct sock *)ctx->xs;
}

static u32 at(int i)
{
	return BASE + i * MSS;
}

/* A fake socket as xtcp_ack() hands it to xtcp_undo_rto_ack(): segments
 * 0-5 were sent (snd_max at 6), the timeout cut cwnd from 20 to 1 and
 * ssthresh from 30 to 10, go-back-N resent segment 0; the first ACK of new
 * data acknowledged 0 and 1 (their skbs freed, snd_nxt moved up to the
 * ACK, the send head at 2, nothing counted in flight). 6 is unsent.
 */
static int undo_ctx_init(struct kunit *test)
{
	struct undo_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	struct xtcp_sock *xs;
	struct sock *sk;
	int i;

	if (!ctx)
		return -ENOMEM;
	ctx->xs = kunit_kzalloc(test, sizeof(*ctx->xs), GFP_KERNEL);
	if (!ctx->xs)
		return -ENOMEM;
	xs = ctx->xs;
	sk = undo_sk(ctx);
	sock_net_set(sk, &init_net);
	sk->sk_prot = &ctx->prot;
	skb_queue_head_init(&sk->sk_write_queue);
	xs->mss_cache = MSS;
	for (i = 2; i < NSEG; i++) {
		struct sk_buff *skb = alloc_skb(0, GFP_KERNEL);

		if (!skb)
			return -ENOMEM;
		memset(XTCP_SKB_CB(skb), 0, sizeof(struct xtcp_skb_cb));
		XTCP_SKB_CB(skb)->seq = at(i);
		XTCP_SKB_CB(skb)->end_seq = at(i + 1);
		if (i < NSEG - 1)
			XTCP_SKB_CB(skb)->pcount = 1;
		__skb_queue_tail(&sk->sk_write_queue, skb);
		ctx->skb[i] = skb;
	}
	xs->snd_una = at(2);
	xs->snd_nxt = at(2);
	xs->snd_max = at(NSEG - 1);
	xs->send_head = ctx->skb[2];
	xs->packets_out = 0;
	xs->snd_cwnd = 1;
	xs->snd_ssthresh = 10;
	xs->high_seq = at(NSEG - 1);
	xs->ca_state = XTCP_CA_LOSS;
	xs->tstamp_ok = 1;
	xs->undo_rto = 1;
	xs->sack.prior_cwnd = 20;
	xs->sack.prior_ssthresh = 30;
	xs->undo_tsval = TS_RTO;
	xs->undo_tsval_lo = TS_LO;
	xs->rx_opt.saw_tstamp = 1;
	xs->backoff = 1;
	xs->cong = &ctx->cong;
	test->priv = ctx;
	return 0;
}

static void undo_ctx_exit(struct kunit *test)
{
	struct undo_ctx *ctx = test->priv;

	__skb_queue_purge(&undo_sk(ctx)->sk_write_queue);
}

/* With SACK: go-back-N resent 2 as well (lost and retransmitted marks). */
static void undo_sack_resent_2(struct undo_ctx *ctx)
{
	struct xtcp_sock *xs = ctx->xs;

	xs->sack_ok = 1;
	XTCP_SKB_CB(ctx->skb[2])->sacked = XTCP_SKB_RETRANS | XTCP_SKB_LOST |
					   XTCP_SKB_RTX_OUT;
	xs->sack.lost_out = 1;
	xs->sack.retrans_out = 1;
	xs->snd_nxt = at(3);
	xs->send_head = ctx->skb[3];
	xs->packets_out = 1;
}

static void xtcp_undo_rto_ack__spurious(struct kunit *test)
{
	struct undo_ctx *ctx = test->priv;
	struct xtcp_sock *xs = ctx->xs;

	xs->rx_opt.rcv_tsecr = TS_RTO - 250;
	KUNIT_ASSERT_TRUE(test, xtcp_undo_rto_ack(undo_sk(ctx)));
	KUNIT_EXPECT_EQ(test, xs->snd_cwnd, 20U);
	KUNIT_EXPECT_EQ(test, xs->snd_ssthresh, 30U);
	KUNIT_EXPECT_EQ(test, xs->backoff, (u8)0);
	/* Go-back-N taken back: 2-5 in flight once each, 6 next. */
	KUNIT_EXPECT_EQ(test, xs->snd_nxt, at(NSEG - 1));
	KUNIT_EXPECT_EQ(test, xs->snd_max, at(NSEG - 1));
	KUNIT_EXPECT_PTR_EQ(test, xs->send_head, ctx->skb[NSEG - 1]);
	KUNIT_EXPECT_EQ(test, xs->packets_out, 4U);
	/* NewReno stays in Loss until snd_una passes high_seq. */
	KUNIT_EXPECT_EQ(test, xs->ca_state, (u8)XTCP_CA_LOSS);
	KUNIT_EXPECT_EQ(test, xs->high_seq, at(NSEG - 1));
	KUNIT_EXPECT_FALSE(test, xs->undo_rto);
	/* Once only. */
	KUNIT_EXPECT_FALSE(test, xtcp_undo_rto_ack(undo_sk(ctx)));
}

static void xtcp_undo_rto_ack__sack(struct kunit *test)
{
	struct undo_ctx *ctx = test->priv;
	struct xtcp_sock *xs = ctx->xs;

	undo_sack_resent_2(ctx);
	/* 4 was SACKed before the timeout, and go-back-N had not passed it. */
	XTCP_SKB_CB(ctx->skb[4])->sacked = XTCP_SKB_SACKED;
	xs->rx_opt.rcv_tsecr = TS_LO;
	KUNIT_ASSERT_TRUE(test, xtcp_undo_rto_ack(undo_sk(ctx)));
	KUNIT_EXPECT_EQ(test, xs->ca_state, (u8)XTCP_CA_OPEN);
	/* Duplicate ACKs for what go-back-N resent start no recovery. */
	KUNIT_EXPECT_EQ(test, xs->high_seq, at(3));
	KUNIT_EXPECT_EQ(test, xs->packets_out, 4U);
	KUNIT_EXPECT_EQ(test, xs->sack.sacked_out, 1U);
	KUNIT_EXPECT_EQ(test, xs->sack.lost_out, 0U);
	KUNIT_EXPECT_EQ(test, xs->sack.retrans_out, 0U);
	KUNIT_EXPECT_EQ(test, XTCP_SKB_CB(ctx->skb[2])->sacked &
			(XTCP_SKB_LOST | XTCP_SKB_RTX_OUT), 0);
	KUNIT_EXPECT_EQ(test, xtcp_packets_in_flight(xs), 3U);
}

static void xtcp_undo_rto_ack__fin_added(struct kunit *test)
{
	struct undo_ctx *ctx = test->priv;
	struct xtcp_sock *xs = ctx->xs;

	/* close() after go-back-N put the FIN on the last sent skb, which
	 * was never sent with it: it must go out again, FIN and all.
	 */
	__skb_unlink(ctx->skb[NSEG - 1], &undo_sk(ctx)->sk_write_queue);
	kfree_skb(ctx->skb[NSEG - 1]);
	XTCP_SKB_CB(ctx->skb[NSEG - 2])->end_seq++;
	XTCP_SKB_CB(ctx->skb[NSEG - 2])->flags |= XTCP_FLAG_FIN;
	xs->rx_opt.rcv_tsecr = TS_RTO - 1;
	KUNIT_ASSERT_TRUE(test, xtcp_undo_rto_ack(undo_sk(ctx)));
	KUNIT_EXPECT_EQ(test, xs->snd_nxt, at(NSEG - 2));
	KUNIT_EXPECT_EQ(test, xs->snd_max, at(NSEG - 1));
	KUNIT_EXPECT_PTR_EQ(test, xs->send_head, ctx->skb[NSEG - 2]);
	KUNIT_EXPECT_EQ(test, xs->packets_out, 3U);
}

static void xtcp_undo_rto_ack__cubic_hystart(struct kunit *test)
{
	struct undo_ctx *ctx = test->priv;
	struct xtcp_cubic *ca = xtcp_cong_priv(undo_sk(ctx));
	struct xtcp_sock *xs = ctx->xs;

	/* The timeout ended the initial slow start, HyStart++ with it; the
	 * undo brings that slow start back, and HyStart++ with it.
	 */
	xs->cong = &xtcp_cubic;
	xtcp_cubic_reset(ca);
	ca->epochs = 3;
	ca->w_max = 20;
	xs->sack.prior_ssthresh = XTCP_MAX_CWND;
	xs->rx_opt.rcv_tsecr = TS_RTO - 1;
	KUNIT_ASSERT_TRUE(test, xtcp_undo_rto_ack(undo_sk(ctx)));
	KUNIT_EXPECT_EQ(test, xs->snd_ssthresh, XTCP_MAX_CWND);
	KUNIT_EXPECT_EQ(test, ca->hs_state, (u8)XTCP_HS_SS);
	KUNIT_EXPECT_EQ(test, ca->w_max, 0U);
	KUNIT_EXPECT_EQ(test, ca->epochs, 3U);
}

static void xtcp_undo_rto_ack__cubic_later(struct kunit *test)
{
	struct undo_ctx *ctx = test->priv;
	struct xtcp_cubic *ca = xtcp_cong_priv(undo_sk(ctx));
	struct xtcp_sock *xs = ctx->xs;

	/* Past the initial slow start: CUBIC's state stays as it is. */
	xs->cong = &xtcp_cubic;
	xtcp_cubic_reset(ca);
	ca->w_max = 20;
	xs->rx_opt.rcv_tsecr = TS_RTO - 1;
	KUNIT_ASSERT_TRUE(test, xtcp_undo_rto_ack(undo_sk(ctx)));
	KUNIT_EXPECT_EQ(test, xs->snd_ssthresh, 30U);
	KUNIT_EXPECT_EQ(test, ca->hs_state, (u8)XTCP_HS_OFF);
	KUNIT_EXPECT_EQ(test, ca->w_max, 20U);
}

static void xtcp_undo_rto_ack__genuine(struct kunit *test)
{
	struct undo_ctx *ctx = test->priv;
	struct xtcp_sock *xs = ctx->xs;

	/* The ACK echoes the retransmission: the loss was real. */
	xs->rx_opt.rcv_tsecr = TS_RTO + 3;
	KUNIT_EXPECT_FALSE(test, xtcp_undo_rto_ack(undo_sk(ctx)));
	KUNIT_EXPECT_EQ(test, xs->snd_cwnd, 1U);
	KUNIT_EXPECT_EQ(test, xs->snd_ssthresh, 10U);
	KUNIT_EXPECT_EQ(test, xs->snd_nxt, at(2));
	KUNIT_EXPECT_PTR_EQ(test, xs->send_head, ctx->skb[2]);
	KUNIT_EXPECT_EQ(test, xs->packets_out, 0U);
	/* Only the first ACK of new data decides. */
	KUNIT_EXPECT_FALSE(test, xs->undo_rto);
	xs->rx_opt.rcv_tsecr = TS_RTO - 1;
	KUNIT_EXPECT_FALSE(test, xtcp_undo_rto_ack(undo_sk(ctx)));
}

static void xtcp_undo_rto_ack__no_evidence(struct kunit *test)
{
	struct undo_ctx *ctx = test->priv;
	struct xtcp_sock *xs = ctx->xs;

	/* Older than anything in flight: a peer's fiction. */
	xs->rx_opt.rcv_tsecr = TS_LO - 1;
	KUNIT_EXPECT_FALSE(test, xtcp_undo_rto_ack(undo_sk(ctx)));
	KUNIT_EXPECT_EQ(test, xs->snd_cwnd, 1U);
	/* No timestamps in the segment. */
	xs->undo_rto = 1;
	xs->rx_opt.rcv_tsecr = TS_RTO - 1;
	xs->rx_opt.saw_tstamp = 0;
	KUNIT_EXPECT_FALSE(test, xtcp_undo_rto_ack(undo_sk(ctx)));
	KUNIT_EXPECT_EQ(test, xs->snd_cwnd, 1U);
	KUNIT_EXPECT_EQ(test, xs->snd_nxt, at(2));
}

/* The fake socket just before a timeout: Open, 2-5 in flight, 6 unsent,
 * cwnd 12 and ssthresh 40.
 */
static void undo_before_timeout(struct undo_ctx *ctx)
{
	struct xtcp_sock *xs = ctx->xs;

	xs->ca_state = XTCP_CA_OPEN;
	xs->undo_rto = 0;
	xs->snd_nxt = at(NSEG - 1);
	xs->send_head = ctx->skb[NSEG - 1];
	xs->packets_out = 4;
	xs->snd_cwnd = 12;
	xs->snd_ssthresh = 40;
}

static void xtcp_undo_rto_begin__first_timeout(struct kunit *test)
{
	struct undo_ctx *ctx = test->priv;
	struct xtcp_sock *xs = ctx->xs;

	/* From Open, all of 2-5 in flight, 2 sent 300 ms ago. */
	undo_before_timeout(ctx);
	xs->ts_offset = 1000;
	xs->clock_ns = 5 * NSEC_PER_SEC;
	XTCP_SKB_CB(ctx->skb[2])->tx_us = 4700000;
	xtcp_undo_rto_begin(undo_sk(ctx));
	KUNIT_EXPECT_TRUE(test, xs->undo_rto);
	KUNIT_EXPECT_EQ(test, xs->sack.prior_cwnd, 12U);
	KUNIT_EXPECT_EQ(test, xs->sack.prior_ssthresh, 40U);
	KUNIT_EXPECT_EQ(test, xs->undo_tsval, 6000U);
	KUNIT_EXPECT_EQ(test, xs->undo_tsval_lo, 5699U);
	/* A second timeout of the series keeps the first's. */
	xs->ca_state = XTCP_CA_LOSS;
	xs->snd_cwnd = 1;
	xs->clock_ns = 6 * NSEC_PER_SEC;
	xtcp_undo_rto_begin(undo_sk(ctx));
	KUNIT_EXPECT_TRUE(test, xs->undo_rto);
	KUNIT_EXPECT_EQ(test, xs->sack.prior_cwnd, 12U);
	KUNIT_EXPECT_EQ(test, xs->undo_tsval, 6000U);
}

static void xtcp_undo_rto_begin__not_first(struct kunit *test)
{
	struct undo_ctx *ctx = test->priv;
	struct xtcp_sock *xs = ctx->xs;

	xs->ca_state = XTCP_CA_OPEN;
	xs->snd_nxt = at(NSEG - 1);
	xs->send_head = ctx->skb[NSEG - 1];
	/* A tail loss probe resent 5: the timeout is not the first. */
	XTCP_SKB_CB(ctx->skb[5])->sacked = XTCP_SKB_RETRANS;
	xtcp_undo_rto_begin(undo_sk(ctx));
	KUNIT_EXPECT_FALSE(test, xs->undo_rto);
	XTCP_SKB_CB(ctx->skb[5])->sacked = 0;
	/* During a path MTU go-back-N: what it has not resent was lost. */
	xs->snd_nxt = at(3);
	xs->send_head = ctx->skb[3];
	xtcp_undo_rto_begin(undo_sk(ctx));
	KUNIT_EXPECT_FALSE(test, xs->undo_rto);
	/* From fast recovery. */
	xs->snd_nxt = at(NSEG - 1);
	xs->send_head = ctx->skb[NSEG - 1];
	xs->ca_state = XTCP_CA_RECOVERY;
	xs->undo_rto = 1;
	xtcp_undo_rto_begin(undo_sk(ctx));
	KUNIT_EXPECT_FALSE(test, xs->undo_rto);
	/* Without timestamps: nothing to undo by. */
	xs->ca_state = XTCP_CA_OPEN;
	xs->tstamp_ok = 0;
	xtcp_undo_rto_begin(undo_sk(ctx));
	KUNIT_EXPECT_FALSE(test, xs->undo_rto);
	/* And with them all, it arms. */
	xs->tstamp_ok = 1;
	xtcp_undo_rto_begin(undo_sk(ctx));
	KUNIT_EXPECT_TRUE(test, xs->undo_rto);
}

/* Without timestamps, with SACK: the timeout arms the DSACK count only. */
static void xtcp_undo_rto_begin__dsack(struct kunit *test)
{
	struct undo_ctx *ctx = test->priv;
	struct xtcp_sock *xs = ctx->xs;

	xs->ca_state = XTCP_CA_OPEN;
	xs->undo_rto = 0;
	xs->tstamp_ok = 0;
	xs->sack_ok = 1;
	xs->sack.undo_active = XTCP_UNDO_RECOVERY;	/* an older episode */
	xs->sack.undo_retrans = 3;
	xs->snd_nxt = at(NSEG - 1);
	xs->send_head = ctx->skb[NSEG - 1];
	xs->snd_cwnd = 12;
	xs->snd_ssthresh = 40;
	xtcp_undo_rto_begin(undo_sk(ctx));
	KUNIT_EXPECT_FALSE(test, xs->undo_rto);
	KUNIT_EXPECT_EQ(test, xs->sack.undo_active, (u8)XTCP_UNDO_LOSS);
	KUNIT_EXPECT_EQ(test, xs->sack.undo_marker, at(2));
	KUNIT_EXPECT_EQ(test, xs->sack.undo_retrans, -1);
	KUNIT_EXPECT_EQ(test, xs->sack.prior_cwnd, 12U);
	KUNIT_EXPECT_EQ(test, xs->sack.prior_ssthresh, 40U);
	/* Go-back-N keeps the timeout's own episode, ends any other. */
	xtcp_sack_go_back_n(undo_sk(ctx));
	KUNIT_EXPECT_EQ(test, xs->sack.undo_active, (u8)XTCP_UNDO_LOSS);
	xs->sack.undo_active = XTCP_UNDO_RECOVERY;
	xtcp_sack_go_back_n(undo_sk(ctx));
	KUNIT_EXPECT_EQ(test, xs->sack.undo_active, (u8)0);
	/* Neither timestamps nor SACK: no DSACK count, F-RTO instead
	 * (init_net's net.xtcp.frto is 1).
	 */
	xs->sack_ok = 0;
	xs->sack.prior_cwnd = 0;
	xtcp_undo_rto_begin(undo_sk(ctx));
	KUNIT_EXPECT_EQ(test, xs->sack.undo_active, (u8)0);
	KUNIT_EXPECT_TRUE(test, xs->frto);
	KUNIT_EXPECT_EQ(test, xs->sack.prior_cwnd, 12U);
}

/* Every retransmission since the timeout DSACKed: undone as by Eifel. */
static void xtcp_undo_rto__all_duplicates(struct kunit *test)
{
	struct undo_ctx *ctx = test->priv;
	struct xtcp_sock *xs = ctx->xs;

	xs->tstamp_ok = 0;
	xs->undo_rto = 0;
	undo_sack_resent_2(ctx);
	xs->sack.undo_active = XTCP_UNDO_LOSS;
	xs->sack.undo_retrans = 0;
	xtcp_undo_rto(undo_sk(ctx));
	KUNIT_EXPECT_EQ(test, xs->snd_cwnd, 20U);
	KUNIT_EXPECT_EQ(test, xs->snd_ssthresh, 30U);
	KUNIT_EXPECT_EQ(test, xs->backoff, (u8)0);
	KUNIT_EXPECT_EQ(test, xs->ca_state, (u8)XTCP_CA_OPEN);
	KUNIT_EXPECT_EQ(test, xs->high_seq, at(3));
	KUNIT_EXPECT_EQ(test, xs->packets_out, 4U);
	KUNIT_EXPECT_PTR_EQ(test, xs->send_head, ctx->skb[NSEG - 1]);
	KUNIT_EXPECT_EQ(test, xs->sack.retrans_out, 0U);
	/* Once only. */
	KUNIT_EXPECT_EQ(test, xs->sack.undo_active, (u8)0);
}

static void xtcp_undo_rto_begin__frto(struct kunit *test)
{
	struct undo_ctx *ctx = test->priv;
	struct xtcp_sock *xs = ctx->xs;

	/* No timestamps, no SACK: F-RTO (net.xtcp.frto is 1 by default). */
	undo_before_timeout(ctx);
	xs->tstamp_ok = 0;
	xtcp_undo_rto_begin(undo_sk(ctx));
	KUNIT_EXPECT_TRUE(test, xs->frto);
	KUNIT_EXPECT_FALSE(test, xs->undo_rto);
	KUNIT_EXPECT_EQ(test, xs->sack.prior_cwnd, 12U);
	KUNIT_EXPECT_EQ(test, xs->sack.prior_ssthresh, 40U);
	/* A second timeout ends it; the first's window stays noted. */
	xs->ca_state = XTCP_CA_LOSS;
	xtcp_undo_rto_begin(undo_sk(ctx));
	KUNIT_EXPECT_FALSE(test, xs->frto);
	KUNIT_EXPECT_EQ(test, xs->sack.prior_cwnd, 12U);
	/* With timestamps the first ACK decides: no F-RTO. */
	xs->tstamp_ok = 1;
	xs->ca_state = XTCP_CA_OPEN;
	xtcp_undo_rto_begin(undo_sk(ctx));
	KUNIT_EXPECT_FALSE(test, xs->frto);
	KUNIT_EXPECT_TRUE(test, xs->undo_rto);
}

/* The fake socket after F-RTO's step 2b: go-back-N taken back, segment 6
 * sent new (snd_max past high_seq), everything in flight.
 */
static void frto_sent_new(struct undo_ctx *ctx)
{
	struct xtcp_sock *xs = ctx->xs;

	xs->tstamp_ok = 0;
	xs->undo_rto = 0;
	xs->frto = 1;
	xs->snd_nxt = at(NSEG);
	xs->snd_max = at(NSEG);
	xs->send_head = NULL;
	xs->packets_out = 5;
	xs->snd_cwnd = 2;
}

static void xtcp_frto_ack__spurious(struct kunit *test)
{
	struct undo_ctx *ctx = test->priv;
	struct xtcp_sock *xs = ctx->xs;

	frto_sent_new(ctx);
	/* A window update decides nothing. */
	KUNIT_EXPECT_FALSE(test, xtcp_frto_ack(undo_sk(ctx), false, false));
	KUNIT_EXPECT_TRUE(test, xs->frto);
	/* Step 3b: the ACK of original 2, never sent again. */
	xs->snd_una = at(3);
	KUNIT_EXPECT_TRUE(test, xtcp_frto_ack(undo_sk(ctx), true, false));
	KUNIT_EXPECT_FALSE(test, xs->frto);
	KUNIT_EXPECT_EQ(test, xs->snd_cwnd, 20U);
	KUNIT_EXPECT_EQ(test, xs->snd_ssthresh, 30U);
	KUNIT_EXPECT_EQ(test, xs->ca_state, (u8)XTCP_CA_OPEN);
	KUNIT_EXPECT_EQ(test, xs->high_seq, at(3));
	KUNIT_EXPECT_EQ(test, xs->backoff, (u8)0);
	KUNIT_EXPECT_EQ(test, xs->packets_out, 5U);
	KUNIT_EXPECT_EQ(test, xs->snd_nxt, at(NSEG));
}

static void xtcp_frto_ack__fallback(struct kunit *test)
{
	struct undo_ctx *ctx = test->priv;
	struct xtcp_sock *xs = ctx->xs;

	/* Step 2a: a duplicate ACK first: go-back-N goes on, untouched. */
	xs->tstamp_ok = 0;
	xs->undo_rto = 0;
	xs->frto = 1;
	KUNIT_EXPECT_FALSE(test, xtcp_frto_ack(undo_sk(ctx), false, true));
	KUNIT_EXPECT_FALSE(test, xs->frto);
	KUNIT_EXPECT_EQ(test, xs->snd_cwnd, 1U);
	KUNIT_EXPECT_PTR_EQ(test, xs->send_head, ctx->skb[2]);
	KUNIT_EXPECT_EQ(test, xs->packets_out, 0U);
	/* An ACK of everything sent before the timeout: nothing to ask. */
	xs->frto = 1;
	xs->snd_una = at(NSEG - 1);
	KUNIT_EXPECT_FALSE(test, xtcp_frto_ack(undo_sk(ctx), true, false));
	KUNIT_EXPECT_FALSE(test, xs->frto);
	KUNIT_EXPECT_EQ(test, xs->snd_cwnd, 1U);
	/* Out of the Loss state (an undo came first): F-RTO is over. */
	frto_sent_new(ctx);
	xs->ca_state = XTCP_CA_OPEN;
	KUNIT_EXPECT_FALSE(test, xtcp_frto_ack(undo_sk(ctx), true, false));
	KUNIT_EXPECT_FALSE(test, xs->frto);
	KUNIT_EXPECT_EQ(test, xs->snd_cwnd, 2U);
}

static struct kunit_case xtcp_undo_cases[] = {
	KUNIT_CASE(xtcp_rto_spurious__eifel),
	KUNIT_CASE(xtcp_frto_step__table),
	{}
};

static struct kunit_case xtcp_undo_sock_cases[] = {
	KUNIT_CASE(xtcp_undo_rto_ack__spurious),
	KUNIT_CASE(xtcp_undo_rto_ack__sack),
	KUNIT_CASE(xtcp_undo_rto_ack__fin_added),
	KUNIT_CASE(xtcp_undo_rto_ack__cubic_hystart),
	KUNIT_CASE(xtcp_undo_rto_ack__cubic_later),
	KUNIT_CASE(xtcp_undo_rto_ack__genuine),
	KUNIT_CASE(xtcp_undo_rto_ack__no_evidence),
	KUNIT_CASE(xtcp_undo_rto_begin__first_timeout),
	KUNIT_CASE(xtcp_undo_rto_begin__not_first),
	KUNIT_CASE(xtcp_undo_rto_begin__dsack),
	KUNIT_CASE(xtcp_undo_rto__all_duplicates),
	KUNIT_CASE(xtcp_undo_rto_begin__frto),
	KUNIT_CASE(xtcp_frto_ack__spurious),
	KUNIT_CASE(xtcp_frto_ack__fallback),
	{}
};

static struct kunit_suite xtcp_undo_suite = {
	.name = "xtcp_undo",
	.test_cases = xtcp_undo_cases,
};

static struct kunit_suite xtcp_undo_sock_suite = {
	.name = "xtcp_undo_rto",
	.init = undo_ctx_init,
	.exit = undo_ctx_exit,
	.test_cases = xtcp_undo_sock_cases,
};

kunit_test_suites(&xtcp_undo_suite, &xtcp_undo_sock_suite);
