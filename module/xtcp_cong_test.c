// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for XTCP's Reno arithmetic (xtcp_cong.c, RFC 5681): window
 * growth in slow start and congestion avoidance, and ssthresh after loss.
 */
#include <kunit/test.h>

#include "xtcp.h"
#include "xtcp_cong.h"

static void xtcp_reno_grow__slow_start(struct kunit *test)
{
	u32 cwnd = 10, cnt = 0;

	/* One segment per acknowledged segment. */
	KUNIT_EXPECT_EQ(test, xtcp_reno_grow(&cwnd, &cnt, 100, 1), 11U);
	KUNIT_EXPECT_EQ(test, cwnd, 11U);
	KUNIT_EXPECT_EQ(test, xtcp_reno_grow(&cwnd, &cnt, 100, 5), 16U);
	KUNIT_EXPECT_EQ(test, cwnd, 16U);
	KUNIT_EXPECT_EQ(test, cnt, 0U);
	/* Up to ssthresh exactly. */
	KUNIT_EXPECT_EQ(test, xtcp_reno_grow(&cwnd, &cnt, 20, 4), 20U);
	KUNIT_EXPECT_EQ(test, cnt, 0U);
}

static void xtcp_reno_grow__slow_start_caps_at_ssthresh(struct kunit *test)
{
	u32 cwnd = 10, cnt = 0;

	/* 2 of 5 segments reach ssthresh = 12; 3 count toward CA. */
	KUNIT_EXPECT_EQ(test, xtcp_reno_grow(&cwnd, &cnt, 12, 5), 12U);
	KUNIT_EXPECT_EQ(test, cnt, 3U);
	/* 9 more make a full window of 12: one segment more. */
	KUNIT_EXPECT_EQ(test, xtcp_reno_grow(&cwnd, &cnt, 12, 9), 13U);
	KUNIT_EXPECT_EQ(test, cnt, 0U);

	/* A leftover that is a whole window on its own grows cwnd too. */
	cwnd = 10;
	cnt = 0;
	KUNIT_EXPECT_EQ(test, xtcp_reno_grow(&cwnd, &cnt, 12, 14), 13U);
	KUNIT_EXPECT_EQ(test, cnt, 0U);
}

static void xtcp_reno_grow__congestion_avoidance(struct kunit *test)
{
	u32 cwnd = 20, cnt = 0, i;

	/* 19 single-segment ACKs: no growth yet. */
	for (i = 0; i < 19; i++)
		xtcp_reno_grow(&cwnd, &cnt, 10, 1);
	KUNIT_EXPECT_EQ(test, cwnd, 20U);
	KUNIT_EXPECT_EQ(test, cnt, 19U);
	/* The 20th completes a window: +1. */
	KUNIT_EXPECT_EQ(test, xtcp_reno_grow(&cwnd, &cnt, 10, 1), 21U);
	KUNIT_EXPECT_EQ(test, cnt, 0U);
	/* The next increase takes 21 segments. */
	KUNIT_EXPECT_EQ(test, xtcp_reno_grow(&cwnd, &cnt, 10, 20), 21U);
	KUNIT_EXPECT_EQ(test, xtcp_reno_grow(&cwnd, &cnt, 10, 1), 22U);
	KUNIT_EXPECT_EQ(test, cnt, 0U);
	/* The excess over a window carries over. */
	KUNIT_EXPECT_EQ(test, xtcp_reno_grow(&cwnd, &cnt, 10, 25), 23U);
	KUNIT_EXPECT_EQ(test, cnt, 3U);
}

static void xtcp_reno_grow__ssthresh_equal_is_ca(struct kunit *test)
{
	u32 cwnd = 10, cnt = 0;

	/* cwnd == ssthresh is congestion avoidance (RFC 5681 3.1). */
	KUNIT_EXPECT_EQ(test, xtcp_reno_grow(&cwnd, &cnt, 10, 5), 10U);
	KUNIT_EXPECT_EQ(test, cnt, 5U);
}

static void xtcp_reno_grow__cap(struct kunit *test)
{
	u32 cwnd = XTCP_MAX_CWND - 5, cnt = 0;

	/* Slow start with no real ssthresh stops at the cap. */
	KUNIT_EXPECT_EQ(test, xtcp_reno_grow(&cwnd, &cnt, U32_MAX, 100),
			XTCP_MAX_CWND);
	KUNIT_EXPECT_EQ(test, cwnd, 65535U);
	KUNIT_EXPECT_EQ(test, xtcp_reno_grow(&cwnd, &cnt, U32_MAX, 1),
			XTCP_MAX_CWND);

	/* Congestion avoidance at the cap stays there. */
	cwnd = XTCP_MAX_CWND;
	cnt = XTCP_MAX_CWND - 1;
	KUNIT_EXPECT_EQ(test, xtcp_reno_grow(&cwnd, &cnt, 10, 1),
			XTCP_MAX_CWND);
	KUNIT_EXPECT_EQ(test, cwnd, 65535U);
}

static void xtcp_reno_ssthresh_of__half_min_two(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, xtcp_reno_ssthresh_of(0), 2U);
	KUNIT_EXPECT_EQ(test, xtcp_reno_ssthresh_of(1), 2U);
	KUNIT_EXPECT_EQ(test, xtcp_reno_ssthresh_of(3), 2U);
	KUNIT_EXPECT_EQ(test, xtcp_reno_ssthresh_of(4), 2U);
	KUNIT_EXPECT_EQ(test, xtcp_reno_ssthresh_of(5), 2U);
	KUNIT_EXPECT_EQ(test, xtcp_reno_ssthresh_of(6), 3U);
	KUNIT_EXPECT_EQ(test, xtcp_reno_ssthresh_of(20), 10U);
	KUNIT_EXPECT_EQ(test, xtcp_reno_ssthresh_of(21), 10U);
	KUNIT_EXPECT_EQ(test, xtcp_reno_ssthresh_of(U32_MAX), 0x7fffffffU);
}

static struct kunit_case xtcp_cong_cases[] = {
	KUNIT_CASE(xtcp_reno_grow__slow_start),
	KUNIT_CASE(xtcp_reno_grow__slow_start_caps_at_ssthresh),
	KUNIT_CASE(xtcp_reno_grow__congestion_avoidance),
	KUNIT_CASE(xtcp_reno_grow__ssthresh_equal_is_ca),
	KUNIT_CASE(xtcp_reno_grow__cap),
	KUNIT_CASE(xtcp_reno_ssthresh_of__half_min_two),
	{}
};

static struct kunit_suite xtcp_cong_suite = {
	.name = "xtcp_cong",
	.test_cases = xtcp_cong_cases,
};

kunit_test_suites(&xtcp_cong_suite);
