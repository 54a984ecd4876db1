// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for XTCP's Proportional Rate Reduction (xtcp_prr.c): the
 * proportional part, the slow start reduction bound, rounding, the fast
 * retransmit that always goes, and a whole episode in which what is sent
 * converges to ssthresh.
 */
#include <kunit/test.h>

#include "xtcp.h"

/* One ACK: PRR's cwnd, and what it lets go is sent (prr_out grows). */
static u32 prr_step(struct xtcp_prr *prr, u32 ssthresh, u32 pipe,
		    u32 delivered, bool bonus)
{
	u32 cwnd = xtcp_prr_cwnd(prr, ssthresh, pipe, delivered, bonus);
	u32 sndcnt = cwnd > pipe ? cwnd - pipe : 0;

	prr->out += sndcnt;
	return sndcnt;
}

static void xtcp_prr_cwnd__proportional(struct kunit *test)
{
	/* CUBIC: ssthresh 7 of 10; pipe stays above it. */
	static const u32 want[] = { 1, 2, 3, 3, 4, 5, 5, 6, 7, 7 };
	struct xtcp_prr prr = { .prior_cwnd = 10 };
	unsigned int d;

	for (d = 0; d < ARRAY_SIZE(want); d++) {
		prr_step(&prr, 7, 9, 1, false);
		KUNIT_EXPECT_EQ_MSG(test, prr.out, want[d], "delivered %u", d + 1);
	}
	/* Reno: one of two. */
	prr = (struct xtcp_prr){ .prior_cwnd = 20 };
	for (d = 1; d <= 10; d++) {
		prr_step(&prr, 10, 15, 1, false);
		KUNIT_EXPECT_EQ(test, prr.out, (d + 1) / 2);
	}
	/* A stretch ACK delivering 4: ceil(4 * 7 / 10) at once. */
	prr = (struct xtcp_prr){ .prior_cwnd = 10 };
	KUNIT_EXPECT_EQ(test, xtcp_prr_cwnd(&prr, 7, 12, 4, true), 15U);
	KUNIT_EXPECT_EQ(test, prr.delivered, 4U);
}

static void xtcp_prr_cwnd__rounding(struct kunit *test)
{
	struct xtcp_prr prr = { .prior_cwnd = 20, .delivered = 1, .out = 1 };

	/* ceil(2 * 15 / 20) = 2: one more. */
	KUNIT_EXPECT_EQ(test, xtcp_prr_cwnd(&prr, 15, 17, 1, false), 18U);
	/* Exact: 4 * 15 / 20 = 3, with 3 out: nothing. */
	prr = (struct xtcp_prr){ .prior_cwnd = 20, .delivered = 3, .out = 3 };
	KUNIT_EXPECT_EQ(test, xtcp_prr_cwnd(&prr, 15, 17, 1, false), 17U);
	/* More out than the share (a probe went): nothing, cwnd not below
	 * pipe.
	 */
	prr = (struct xtcp_prr){ .prior_cwnd = 20, .delivered = 1, .out = 5 };
	KUNIT_EXPECT_EQ(test, xtcp_prr_cwnd(&prr, 15, 17, 1, false), 17U);
	/* The first segment of the episode goes whatever the arithmetic:
	 * pipe already at ssthresh leaves no room.
	 */
	prr = (struct xtcp_prr){ .prior_cwnd = 10 };
	KUNIT_EXPECT_EQ(test, xtcp_prr_cwnd(&prr, 7, 7, 1, false), 8U);
	prr = (struct xtcp_prr){ .prior_cwnd = 10, .out = 1 };
	KUNIT_EXPECT_EQ(test, xtcp_prr_cwnd(&prr, 7, 7, 1, false), 7U);
	/* No prior window (never 0 in use): no division by zero. */
	prr = (struct xtcp_prr){ .out = 1 };
	KUNIT_EXPECT_EQ(test, xtcp_prr_cwnd(&prr, 2, 5, 1, false), 6U);
}

static void xtcp_prr_cwnd__ssrb(struct kunit *test)
{
	struct xtcp_prr prr = { .prior_cwnd = 10, .delivered = 6, .out = 6 };

	/* pipe 5 <= ssthresh 7: catch up by what was delivered (3), at most
	 * to ssthresh (2 more).
	 */
	KUNIT_EXPECT_EQ(test, xtcp_prr_cwnd(&prr, 7, 5, 3, false), 7U);
	/* Far below: delivered - out = 3 of the episode, at most. */
	prr = (struct xtcp_prr){ .prior_cwnd = 10, .delivered = 6, .out = 6 };
	KUNIT_EXPECT_EQ(test, xtcp_prr_cwnd(&prr, 7, 1, 3, false), 4U);
	/* ... one more when snd_una advanced with no new loss. */
	prr = (struct xtcp_prr){ .prior_cwnd = 10, .delivered = 6, .out = 6 };
	KUNIT_EXPECT_EQ(test, xtcp_prr_cwnd(&prr, 7, 1, 3, true), 5U);
	/* Ahead of what was delivered: this ACK's delivery, no less. */
	prr = (struct xtcp_prr){ .prior_cwnd = 10, .delivered = 2, .out = 6 };
	KUNIT_EXPECT_EQ(test, xtcp_prr_cwnd(&prr, 7, 1, 2, false), 3U);
	KUNIT_EXPECT_EQ(test, prr.delivered, 4U);
}

/* One segment of a flight of @flight is lost; every other one is SACKed,
 * one per ACK. When all of them are, pipe is ssthresh and PRR has sent
 * ssthresh segments (the retransmission included), never a burst.
 */
static void xtcp_prr_episode__converges(struct kunit *test)
{
	static const u32 cases[][2] = {
		{ 10, 7 }, { 20, 14 }, { 20, 10 }, { 33, 23 }, { 8, 4 },
		{ 100, 70 }, { 4, 2 }, { 3, 2 },
	};
	unsigned int i, d;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		u32 flight = cases[i][0], ssthresh = cases[i][1];
		struct xtcp_prr prr = { .prior_cwnd = flight };
		u32 pipe = flight - 1;

		for (d = 1; d < flight; d++) {
			u32 sndcnt;

			pipe--;
			sndcnt = prr_step(&prr, ssthresh, pipe, 1, false);
			KUNIT_EXPECT_LE(test, sndcnt, 1U);
			pipe += sndcnt;
			KUNIT_EXPECT_LE(test, pipe, flight - 1);
		}
		KUNIT_EXPECT_EQ_MSG(test, pipe, ssthresh, "flight %u", flight);
		KUNIT_EXPECT_EQ_MSG(test, prr.out, ssthresh, "flight %u",
				    flight);
	}
}

static struct kunit_case xtcp_prr_cases[] = {
	KUNIT_CASE(xtcp_prr_cwnd__proportional),
	KUNIT_CASE(xtcp_prr_cwnd__rounding),
	KUNIT_CASE(xtcp_prr_cwnd__ssrb),
	KUNIT_CASE(xtcp_prr_episode__converges),
	{}
};

static struct kunit_suite xtcp_prr_suite = {
	.name = "xtcp_prr",
	.test_cases = xtcp_prr_cases,
};

kunit_test_suites(&xtcp_prr_suite);
