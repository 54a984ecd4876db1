// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for XTCP's RFC 6298 round-trip estimator and retransmission
 * timeout backoff (xtcp_rtt.c). All times in microseconds.
 */
#include <kunit/test.h>

#include "xtcp.h"

#define MIN_US	XTCP_RTO_MIN_US		/* 200 ms */
#define MAX_US	XTCP_RTO_MAX_US		/* 120 s */

static void xtcp_rtt_init__one_second(struct kunit *test)
{
	struct xtcp_rtt rtt = { .srtt = 123, .rttvar = 456, .rto = 789 };

	xtcp_rtt_init(&rtt);
	KUNIT_EXPECT_EQ(test, rtt.srtt, 0U);
	KUNIT_EXPECT_EQ(test, rtt.rttvar, 0U);
	KUNIT_EXPECT_EQ(test, rtt.rto, 1000000U);
}

static void xtcp_rtt_sample__first(struct kunit *test)
{
	struct xtcp_rtt rtt;

	/* RFC 6298 2.2: SRTT = R, RTTVAR = R/2, RTO = SRTT + 4 * RTTVAR. */
	xtcp_rtt_init(&rtt);
	xtcp_rtt_sample(&rtt, 100000, MIN_US, MAX_US);
	KUNIT_EXPECT_EQ(test, rtt.srtt, 100000U);
	KUNIT_EXPECT_EQ(test, rtt.rttvar, 50000U);
	KUNIT_EXPECT_EQ(test, rtt.rto, 300000U);
}

static void xtcp_rtt_sample__second_larger(struct kunit *test)
{
	struct xtcp_rtt rtt;

	xtcp_rtt_init(&rtt);
	xtcp_rtt_sample(&rtt, 100000, MIN_US, MAX_US);
	/*
	 * RFC 6298 2.3 with R' = 200 ms, RTTVAR updated with the old SRTT:
	 * RTTVAR = 3/4 * 50000 + 1/4 * |100000 - 200000| = 62500
	 * SRTT = 7/8 * 100000 + 1/8 * 200000 = 112500
	 * RTO = 112500 + 4 * 62500 = 362500
	 */
	xtcp_rtt_sample(&rtt, 200000, MIN_US, MAX_US);
	KUNIT_EXPECT_EQ(test, rtt.rttvar, 62500U);
	KUNIT_EXPECT_EQ(test, rtt.srtt, 112500U);
	KUNIT_EXPECT_EQ(test, rtt.rto, 362500U);
}

static void xtcp_rtt_sample__second_smaller(struct kunit *test)
{
	struct xtcp_rtt rtt;

	xtcp_rtt_init(&rtt);
	xtcp_rtt_sample(&rtt, 100000, MIN_US, MAX_US);
	/*
	 * R' = 20 ms: RTTVAR = 37500 + 80000 / 4 = 57500,
	 * SRTT = 87500 + 2500 = 90000, RTO = 90000 + 230000 = 320000.
	 */
	xtcp_rtt_sample(&rtt, 20000, MIN_US, MAX_US);
	KUNIT_EXPECT_EQ(test, rtt.rttvar, 57500U);
	KUNIT_EXPECT_EQ(test, rtt.srtt, 90000U);
	KUNIT_EXPECT_EQ(test, rtt.rto, 320000U);
}

static void xtcp_rtt_sample__clamp_min(struct kunit *test)
{
	struct xtcp_rtt rtt;

	/* 10 ms gives SRTT + 4 * RTTVAR = 30 ms, below the 200 ms floor. */
	xtcp_rtt_init(&rtt);
	xtcp_rtt_sample(&rtt, 10000, MIN_US, MAX_US);
	KUNIT_EXPECT_EQ(test, rtt.srtt, 10000U);
	KUNIT_EXPECT_EQ(test, rtt.rttvar, 5000U);
	KUNIT_EXPECT_EQ(test, rtt.rto, 200000U);
}

static void xtcp_rtt_sample__clamp_max(struct kunit *test)
{
	struct xtcp_rtt rtt;

	/* 100 s gives 300 s, above the 120 s ceiling. */
	xtcp_rtt_init(&rtt);
	xtcp_rtt_sample(&rtt, 100000000, MIN_US, MAX_US);
	KUNIT_EXPECT_EQ(test, rtt.srtt, 100000000U);
	KUNIT_EXPECT_EQ(test, rtt.rto, 120000000U);

	/* SRTT + 4 * RTTVAR beyond 2^32 must not wrap to a small RTO. */
	xtcp_rtt_init(&rtt);
	xtcp_rtt_sample(&rtt, 0xffffffffU, MIN_US, MAX_US);
	KUNIT_EXPECT_EQ(test, rtt.rto, 120000000U);
	xtcp_rtt_sample(&rtt, 0xffffffffU, MIN_US, MAX_US);
	KUNIT_EXPECT_EQ(test, rtt.rto, 120000000U);
}

static void xtcp_rtt_sample__granularity(struct kunit *test)
{
	struct xtcp_rtt rtt;

	/*
	 * With no floor, RTO = SRTT + max(G, 4 * RTTVAR), G = 1 ms: identical
	 * samples drive RTTVAR to zero and leave G.
	 */
	xtcp_rtt_init(&rtt);
	xtcp_rtt_sample(&rtt, 50000, 0, MAX_US);
	KUNIT_EXPECT_EQ(test, rtt.rto, 150000U);
	rtt.rttvar = 0;
	xtcp_rtt_sample(&rtt, 50000, 0, MAX_US);
	KUNIT_EXPECT_EQ(test, rtt.srtt, 50000U);
	KUNIT_EXPECT_EQ(test, rtt.rttvar, 0U);
	KUNIT_EXPECT_EQ(test, rtt.rto, 51000U);
}

static void xtcp_rtt_sample__zero_is_one_us(struct kunit *test)
{
	struct xtcp_rtt rtt;

	/* A 0 us sample counts as 1 us: SRTT = 1 marks "have a sample". */
	xtcp_rtt_init(&rtt);
	xtcp_rtt_sample(&rtt, 0, 0, MAX_US);
	KUNIT_EXPECT_EQ(test, rtt.srtt, 1U);
	KUNIT_EXPECT_EQ(test, rtt.rttvar, 0U);
	KUNIT_EXPECT_EQ(test, rtt.rto, 1001U);

	/*
	 * So the next sample is a 2.3 update, not a first sample:
	 * RTTVAR = 0 + 99999 / 4 = 24999, SRTT = 1 + 100000 / 8 = 12501.
	 */
	xtcp_rtt_sample(&rtt, 100000, MIN_US, MAX_US);
	KUNIT_EXPECT_EQ(test, rtt.rttvar, 24999U);
	KUNIT_EXPECT_EQ(test, rtt.srtt, 12501U);
	KUNIT_EXPECT_EQ(test, rtt.rto, 200000U);
}

static void xtcp_rto_backoff__doubling(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, xtcp_rto_backoff(300000, 0, MAX_US), 300000U);
	KUNIT_EXPECT_EQ(test, xtcp_rto_backoff(300000, 1, MAX_US), 600000U);
	KUNIT_EXPECT_EQ(test, xtcp_rto_backoff(300000, 2, MAX_US), 1200000U);
	KUNIT_EXPECT_EQ(test, xtcp_rto_backoff(300000, 5, MAX_US), 9600000U);
}

static void xtcp_rto_backoff__cap(struct kunit *test)
{
	/* 200 ms << 9 = 102.4 s fits; << 10 = 204.8 s is capped. */
	KUNIT_EXPECT_EQ(test, xtcp_rto_backoff(200000, 9, MAX_US), 102400000U);
	KUNIT_EXPECT_EQ(test, xtcp_rto_backoff(200000, 10, MAX_US), 120000000U);
	/* Exactly the ceiling is not above it. */
	KUNIT_EXPECT_EQ(test, xtcp_rto_backoff(60000000, 1, MAX_US), 120000000U);
	/* An RTO already above the ceiling comes down to it. */
	KUNIT_EXPECT_EQ(test, xtcp_rto_backoff(200000000, 0, MAX_US),
			120000000U);
}

static void xtcp_rto_backoff__no_overflow(struct kunit *test)
{
	/* 1 << 20 << 12 is 2^32: a 32-bit shift would give 0. */
	KUNIT_EXPECT_EQ(test, xtcp_rto_backoff(1U << 20, 12, MAX_US),
			120000000U);
	/* With no practical ceiling, the largest in-range result is exact. */
	KUNIT_EXPECT_EQ(test, xtcp_rto_backoff(1, 31, U32_MAX), 0x80000000U);
	KUNIT_EXPECT_EQ(test, xtcp_rto_backoff(3, 31, U32_MAX), U32_MAX);
	/*
	 * Backoff >= 32: a shift by the width is undefined and x86 masks
	 * the count (200000 << 32 would come out as 200000).
	 */
	KUNIT_EXPECT_EQ(test, xtcp_rto_backoff(200000, 31, MAX_US), 120000000U);
	KUNIT_EXPECT_EQ(test, xtcp_rto_backoff(200000, 32, MAX_US), 120000000U);
	KUNIT_EXPECT_EQ(test, xtcp_rto_backoff(200000, 33, MAX_US), 120000000U);
	KUNIT_EXPECT_EQ(test, xtcp_rto_backoff(200000, 64, MAX_US), 120000000U);
	KUNIT_EXPECT_EQ(test, xtcp_rto_backoff(200000, 255, MAX_US), 120000000U);
	KUNIT_EXPECT_EQ(test, xtcp_rto_backoff(200000, UINT_MAX, MAX_US),
			120000000U);
}

static void xtcp_retrans_timeout__tcp_figures(struct kunit *test)
{
	/* tcp_retries2 = 15 with TCP_RTO_MIN 200 ms: the documented 924.6 s
	 * (1023 * 200 ms while doubling, then 6 * 120 s at the ceiling).
	 */
	KUNIT_EXPECT_EQ(test, xtcp_retrans_timeout(15, MIN_US, MAX_US),
			924600000ULL);
	/* tcp_syn_retries = 6 with a 1 s initial RTO: 127 s. */
	KUNIT_EXPECT_EQ(test, xtcp_retrans_timeout(6, 1000000, MAX_US),
			127000000ULL);
	/* No retransmission: one RTO. */
	KUNIT_EXPECT_EQ(test, xtcp_retrans_timeout(0, MIN_US, MAX_US),
			(u64)MIN_US);
	/* The ceiling reached exactly (200 ms << 9 = 102.4 s < 120 s). */
	KUNIT_EXPECT_EQ(test, xtcp_retrans_timeout(9, MIN_US, MAX_US),
			204600000ULL);
	KUNIT_EXPECT_EQ(test, xtcp_retrans_timeout(10, MIN_US, MAX_US),
			324600000ULL);
}

static void xtcp_retrans_timeout__is_the_sum_of_backoffs(struct kunit *test)
{
	static const u32 rtos[] = { 0, 1, 3, 1000, 200000, 1000000, 119999999,
				    120000000, 200000000, U32_MAX };
	static const u32 maxes[] = { 1, 1000, 50000, MAX_US, U32_MAX };
	unsigned int r, m, b;

	/* Independent reference: add up the RTOs one timeout at a time. */
	for (r = 0; r < ARRAY_SIZE(rtos); r++) {
		for (m = 0; m < ARRAY_SIZE(maxes); m++) {
			u32 rto = rtos[r] ? rtos[r] : 1;
			u64 sum = 0, t;

			for (b = 0; b <= 255; b++) {
				sum += xtcp_rto_backoff(rto, b, maxes[m]);
				t = xtcp_retrans_timeout(b, rtos[r], maxes[m]);
				KUNIT_ASSERT_EQ_MSG(test, t, sum,
						    "rto %u max %u boundary %u",
						    rtos[r], maxes[m], b);
			}
		}
	}
}

static void xtcp_retrans_timeout__bounded(struct kunit *test)
{
	/* retries2 = 255, the largest the sysctl takes, with the default
	 * bounds: about 8.3 hours, not forever.
	 */
	u64 t = xtcp_retrans_timeout(255, MIN_US, MAX_US);

	KUNIT_EXPECT_EQ(test, t, 204600000ULL + 246ULL * MAX_US);
	KUNIT_EXPECT_LE(test, t, 256ULL * MAX_US);
	/* With rto_max 50 ms, as the kselftest sets it: 12.8 s at most. */
	KUNIT_EXPECT_LE(test, xtcp_retrans_timeout(255, 10000, 50000),
			256ULL * 50000);
	KUNIT_EXPECT_GE(test, xtcp_retrans_timeout(255, 10000, 50000),
			250ULL * 50000);
}

static struct kunit_case xtcp_rtt_cases[] = {
	KUNIT_CASE(xtcp_rtt_init__one_second),
	KUNIT_CASE(xtcp_rtt_sample__first),
	KUNIT_CASE(xtcp_rtt_sample__second_larger),
	KUNIT_CASE(xtcp_rtt_sample__second_smaller),
	KUNIT_CASE(xtcp_rtt_sample__clamp_min),
	KUNIT_CASE(xtcp_rtt_sample__clamp_max),
	KUNIT_CASE(xtcp_rtt_sample__granularity),
	KUNIT_CASE(xtcp_rtt_sample__zero_is_one_us),
	KUNIT_CASE(xtcp_rto_backoff__doubling),
	KUNIT_CASE(xtcp_rto_backoff__cap),
	KUNIT_CASE(xtcp_rto_backoff__no_overflow),
	KUNIT_CASE(xtcp_retrans_timeout__tcp_figures),
	KUNIT_CASE(xtcp_retrans_timeout__is_the_sum_of_backoffs),
	KUNIT_CASE(xtcp_retrans_timeout__bounded),
	{}
};

static struct kunit_suite xtcp_rtt_suite = {
	.name = "xtcp_rtt",
	.test_cases = xtcp_rtt_cases,
};

kunit_test_suites(&xtcp_rtt_suite);
