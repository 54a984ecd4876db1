// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for XTCP Small Queues' limit (xtcp_tsq.c): the pacing
 * rate's millisecond, two transmissions, and the net.xtcp.limit_output_bytes
 * cap when nothing paces the socket.
 */
#include <kunit/test.h>

#include "xtcp.h"

static void xtcp_tsq_limit__rate_ms(struct kunit *test)
{
	/* 125 MB/s >> 10: 122070 bytes, under the 1 MiB cap. */
	KUNIT_EXPECT_EQ(test, xtcp_tsq_limit(2304, 125000000, 10, 1 << 20, true),
			122070UL);
	/* Paced (fq or internal): the cap does not apply. */
	KUNIT_EXPECT_EQ(test, xtcp_tsq_limit(2304, 1250000000, 10, 1 << 20,
					     false), 1220703UL);
}

static void xtcp_tsq_limit__capped(struct kunit *test)
{
	/* No RTT sample yet: no rate, the sysctl decides. */
	KUNIT_EXPECT_EQ(test, xtcp_tsq_limit(2304, ~0UL, 10, 131072, true),
			131072UL);
	KUNIT_EXPECT_EQ(test, xtcp_tsq_limit(2304, 1250000000, 10, 1 << 20,
					     true), 1UL << 20);
	/* The cap wins over two transmissions, as in TCP. */
	KUNIT_EXPECT_EQ(test, xtcp_tsq_limit(101376, 100000, 10, 131072, true),
			131072UL);
	KUNIT_EXPECT_EQ(test, xtcp_tsq_limit(2304, 125000000, 10, 0, true), 0UL);
}

static void xtcp_tsq_limit__two_transmissions(struct kunit *test)
{
	/* A slow flow: still two transmissions. */
	KUNIT_EXPECT_EQ(test, xtcp_tsq_limit(2304, 100000, 10, 1 << 20, true),
			4608UL);
	KUNIT_EXPECT_EQ(test, xtcp_tsq_limit(100000, 0, 10, 0, false),
			200000UL);
	/* Paced: no cap. */
	KUNIT_EXPECT_EQ(test, xtcp_tsq_limit(101376, 100000, 10, 131072, false),
			202752UL);
}

static void xtcp_tsq_limit__shift(struct kunit *test)
{
	/* sk_pacing_shift 8: about 4 ms; a silly shift does not overflow. */
	KUNIT_EXPECT_EQ(test, xtcp_tsq_limit(1, 1 << 20, 8, ~0UL, true),
			4096UL);
	KUNIT_EXPECT_EQ(test, xtcp_tsq_limit(1, ~0UL, 200, ~0UL, true), 2UL);
}

static struct kunit_case xtcp_tsq_cases[] = {
	KUNIT_CASE(xtcp_tsq_limit__rate_ms),
	KUNIT_CASE(xtcp_tsq_limit__capped),
	KUNIT_CASE(xtcp_tsq_limit__two_transmissions),
	KUNIT_CASE(xtcp_tsq_limit__shift),
	{}
};

static struct kunit_suite xtcp_tsq_suite = {
	.name = "xtcp_tsq",
	.test_cases = xtcp_tsq_cases,
};

kunit_test_suites(&xtcp_tsq_suite);
