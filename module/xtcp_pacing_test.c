// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for XTCP's pacing arithmetic (xtcp_pacing.c): the rate from
 * cwnd and srtt, the ratio in slow start and congestion avoidance, the time
 * a segment takes at a rate, and the super-packet size goal.
 */
#include <kunit/test.h>

#include "xtcp.h"

static void xtcp_pacing_rate__cwnd_over_srtt(struct kunit *test)
{
	/* 1000 B x 10 / 100 ms = 100 kB/s; 200 % in slow start. */
	KUNIT_EXPECT_EQ(test, xtcp_pacing_rate_calc(1000, 10, 100000, 200),
			200000ULL);
	KUNIT_EXPECT_EQ(test, xtcp_pacing_rate_calc(1000, 10, 100000, 120),
			120000ULL);
	/* 1448 B x 20 / 12345 us x 100 %: 2345808 B/s, rounded down. */
	KUNIT_EXPECT_EQ(test, xtcp_pacing_rate_calc(1448, 20, 12345, 100),
			2345889ULL);
	KUNIT_EXPECT_EQ(test, xtcp_pacing_rate_calc(1448, 20, 100000, 0), 0ULL);
}

static void xtcp_pacing_rate__no_rtt_no_limit(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, xtcp_pacing_rate_calc(1448, 10, 0, 200), U64_MAX);
}

static void xtcp_pacing_rate__no_overflow(struct kunit *test)
{
	/* 65535 B x 2^31 x 1000 % / 1 us: 1.4e21, past u64 before dividing;
	 * with srtt 2^20 us the result fits: 65535 x 2^31 x 10^7 / 2^20.
	 */
	KUNIT_EXPECT_EQ(test,
			xtcp_pacing_rate_calc(65535, 1U << 31, 1U << 20, 1000),
			65535ULL * 2048 * 10000000);
}

static void xtcp_pacing_ratio__half_ssthresh(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, xtcp_pacing_ratio(10, U32_MAX, 200, 120), 200U);
	KUNIT_EXPECT_EQ(test, xtcp_pacing_ratio(49, 100, 200, 120), 200U);
	/* Half of ssthresh: slowing down before slow start ends. */
	KUNIT_EXPECT_EQ(test, xtcp_pacing_ratio(50, 100, 200, 120), 120U);
	KUNIT_EXPECT_EQ(test, xtcp_pacing_ratio(200, 100, 200, 120), 120U);
}

static void xtcp_pacing_len_ns__time_at_rate(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, xtcp_pacing_len_ns(1000, 100000), 10000000ULL);
	KUNIT_EXPECT_EQ(test, xtcp_pacing_len_ns(1448, 1000000000), 1448ULL);
	KUNIT_EXPECT_EQ(test, xtcp_pacing_len_ns(64000, 3), 21333333333333ULL);
}

static void xtcp_pacing_burst__size_goal(struct kunit *test)
{
	static const struct {
		unsigned long rate;
		u32 srtt_us, gso_max_size, mss, segs;
	} cases[] = {
		/* 100 MB/s >> 10 = 97656 B, ~1 ms: 67 segments of 1448, or
		 * what the device takes; no RTT allowance at 64 ms.
		 */
		{ 100000000, 64000, 200000, 1448, 67 },
		{ 100000000, 64000, 65536, 1448, 45 },
		/* Slow: at least two segments. */
		{ 100000, 64000, 65536, 1448, 2 },
		/* No rate: the device's limit. */
		{ ~0UL, 64000, 65536, 1448, 45 },
		/* Close peers: srtt 1 ms adds half the device's size,
		 * 100 us all of it.
		 */
		{ 100000, 1000, 65536, 1000, 32 },
		{ 100000, 100, 65536, 1000, 65 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		KUNIT_EXPECT_EQ_MSG(test,
				    xtcp_pacing_burst_segs(cases[i].rate, 10,
							   cases[i].srtt_us,
							   cases[i].gso_max_size,
							   cases[i].mss),
				    cases[i].segs, "case %u", i);
}

/* The close-peer bonus follows the path's min_RTT, as tcp_tso_autosize():
 * one slow sample in srtt must not shrink the bursts.
 */
static void xtcp_pacing_max_segs__path_rtt(struct kunit *test)
{
	struct xtcp_sock *xs = kunit_kzalloc(test, sizeof(*xs), GFP_KERNEL);
	struct sock *sk = (struct sock *)xs;

	KUNIT_ASSERT_NOT_NULL(test, xs);
	sk->sk_pacing_rate = 100000;
	sk->sk_pacing_shift = 10;
	sk->sk_gso_max_size = 65536;
	xs->mss_cache = 1000;
	/* srtt 50 ms after a slow sample; min_RTT 100 us: the whole 64 KiB. */
	xs->rtt.srtt = 50000;
	xs->rack.min_rtt_us = 100;
	KUNIT_EXPECT_EQ(test, xtcp_pacing_max_segs(sk), 65U);
	/* A far path (min_RTT 64 ms) under a small srtt: the rate's two. */
	xs->rtt.srtt = 100;
	xs->rack.min_rtt_us = 64000;
	KUNIT_EXPECT_EQ(test, xtcp_pacing_max_segs(sk), 2U);
	/* No sample yet: no bonus, as tcp_min_rtt()'s ~0U. */
	xs->rack.min_rtt_us = 0;
	KUNIT_EXPECT_EQ(test, xtcp_pacing_max_segs(sk), 2U);
}

static struct kunit_case xtcp_pacing_cases[] = {
	KUNIT_CASE(xtcp_pacing_rate__cwnd_over_srtt),
	KUNIT_CASE(xtcp_pacing_rate__no_rtt_no_limit),
	KUNIT_CASE(xtcp_pacing_rate__no_overflow),
	KUNIT_CASE(xtcp_pacing_ratio__half_ssthresh),
	KUNIT_CASE(xtcp_pacing_len_ns__time_at_rate),
	KUNIT_CASE(xtcp_pacing_burst__size_goal),
	KUNIT_CASE(xtcp_pacing_max_segs__path_rtt),
	{}
};

static struct kunit_suite xtcp_pacing_suite = {
	.name = "xtcp_pacing",
	.test_cases = xtcp_pacing_cases,
};

kunit_test_suites(&xtcp_pacing_suite);
