// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for XTCP's window scaling and buffer autotuning arithmetic
 * (xtcp_wscale.c): the choice of shift, the rounding of the advertised
 * window, the option's bytes and the buffer sizes.
 */
#include <kunit/test.h>

#include "xtcp.h"

#define MSS	1460U

static void xtcp_wscale_choose__small_buffers(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, xtcp_wscale_choose(0), 0);
	KUNIT_EXPECT_EQ(test, xtcp_wscale_choose(4096), 0);
	KUNIT_EXPECT_EQ(test, xtcp_wscale_choose(65535), 0);
	/* One byte more than the field carries: shift 1. */
	KUNIT_EXPECT_EQ(test, xtcp_wscale_choose(65536), 1);
	KUNIT_EXPECT_EQ(test, xtcp_wscale_choose(131070), 1);
	KUNIT_EXPECT_EQ(test, xtcp_wscale_choose(131071), 2);
}

static void xtcp_wscale_choose__tcp_defaults(struct kunit *test)
{
	/* tcp_rmem[2] = 6 MiB gives TCP's 7; 4 MiB gives 7 too (65535 << 6
	 * is just under 4 MiB), 1 MiB gives 5.
	 */
	KUNIT_EXPECT_EQ(test, xtcp_wscale_choose(6U << 20), 7);
	KUNIT_EXPECT_EQ(test, xtcp_wscale_choose(4U << 20), 7);
	KUNIT_EXPECT_EQ(test, xtcp_wscale_choose(1U << 20), 5);
	KUNIT_EXPECT_EQ(test, xtcp_wscale_choose(212992), 2);
}

static void xtcp_wscale_choose__covers_space(struct kunit *test)
{
	u32 space;

	/* The chosen shift always lets the field cover the buffer, and the
	 * next smaller one would not, below the 14 cap.
	 */
	for (space = 1000; space < (1U << 30); space = space * 3 + 7) {
		u8 ws = xtcp_wscale_choose(space);

		KUNIT_EXPECT_GE(test, (u64)XTCP_MAX_WINDOW << ws, (u64)space);
		if (ws)
			KUNIT_EXPECT_LT(test, (u64)XTCP_MAX_WINDOW << (ws - 1),
					(u64)space);
	}
}

static void xtcp_wscale_choose__max_14(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, xtcp_wscale_choose(1U << 30), 14);
	KUNIT_EXPECT_EQ(test, xtcp_wscale_choose(U32_MAX), 14);
}

static void xtcp_wscale_from_peer__clamp(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, xtcp_wscale_from_peer(0), 0);
	KUNIT_EXPECT_EQ(test, xtcp_wscale_from_peer(7), 7);
	KUNIT_EXPECT_EQ(test, xtcp_wscale_from_peer(14), 14);
	/* RFC 7323 2.3: larger values are used as 14. */
	KUNIT_EXPECT_EQ(test, xtcp_wscale_from_peer(15), 14);
	KUNIT_EXPECT_EQ(test, xtcp_wscale_from_peer(255), 14);
}

static void xtcp_wscale_round__unscaled(struct kunit *test)
{
	/* Shift 0: nothing to round, as before window scaling. */
	KUNIT_EXPECT_EQ(test, xtcp_wscale_round(30000, 0, 0), 30000U);
	KUNIT_EXPECT_EQ(test, xtcp_wscale_round(1, 0, 0), 1U);
	KUNIT_EXPECT_EQ(test, xtcp_wscale_round(100000, 0, 0), 65535U);
}

static void xtcp_wscale_round__up_to_unit(struct kunit *test)
{
	/* Rounded up, never down: the peer may send what we offered. */
	KUNIT_EXPECT_EQ(test, xtcp_wscale_round(1000, 0, 7), 1024U);
	KUNIT_EXPECT_EQ(test, xtcp_wscale_round(1024, 0, 7), 1024U);
	KUNIT_EXPECT_EQ(test, xtcp_wscale_round(1025, 0, 7), 1152U);
	KUNIT_EXPECT_EQ(test, xtcp_wscale_round(1, 0, 14), 16384U);
	KUNIT_EXPECT_EQ(test, xtcp_wscale_round(0, 0, 7), 0U);
}

static void xtcp_wscale_round__never_shrinks(struct kunit *test)
{
	/* What is still open (not a multiple of the unit, rcv_nxt moved by
	 * an odd amount) is kept, rounded up: the right edge stays.
	 */
	KUNIT_EXPECT_EQ(test, xtcp_wscale_round(0, 5000, 7), 5120U);
	KUNIT_EXPECT_EQ(test, xtcp_wscale_round(4000, 5000, 7), 5120U);
	KUNIT_EXPECT_EQ(test, xtcp_wscale_round(5121, 5000, 7), 5248U);
	KUNIT_EXPECT_EQ(test, xtcp_wscale_round(0, 1, 14), 16384U);
}

static void expect_round(struct kunit *test, u32 win, u32 cur, u8 ws)
{
	u32 r = xtcp_wscale_round(win, cur, ws);
	u32 f = xtcp_wscale_field(r, ws);

	KUNIT_EXPECT_EQ(test, f << ws, r);
	KUNIT_EXPECT_GE(test, r, cur);
	KUNIT_EXPECT_LE(test, f, XTCP_MAX_WINDOW);
	KUNIT_EXPECT_LT(test, (u64)r, (u64)max(win, cur) + (1U << ws));
}

static void xtcp_wscale_round__field_roundtrip(struct kunit *test)
{
	u32 win, max;
	u8 ws;

	/* For every shift: field << shift is the window we record, never
	 * below the open window, less than one unit above the larger of the
	 * two.
	 */
	for (ws = 0; ws <= XTCP_MAX_WSCALE; ws++) {
		max = XTCP_MAX_WINDOW << ws;
		for (win = 0; win < max; win += 12345U << (ws / 2))
			expect_round(test, win, min(win / 3 + 17, max), ws);
	}
}

static void xtcp_wscale_round__cap(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, xtcp_wscale_round(U32_MAX, 0, 7), 65535U << 7);
	KUNIT_EXPECT_EQ(test, xtcp_wscale_round(U32_MAX, 0, 14), 65535U << 14);
	KUNIT_EXPECT_EQ(test, xtcp_wscale_field(65535U << 7, 7), 65535U);
	/* A SYN's window (shift 0) caps at the field's size. */
	KUNIT_EXPECT_EQ(test, xtcp_wscale_field(1U << 20, 0), 65535U);
}

static void xtcp_wscale_write__bytes(struct kunit *test)
{
	static const u8 want[] = { 1, 3, 3, 7 };
	u8 buf[4];

	KUNIT_EXPECT_EQ(test, xtcp_wscale_write(buf, 7), 4U);
	KUNIT_EXPECT_EQ(test, memcmp(buf, want, sizeof(want)), 0);
}

static void xtcp_wscale_parse__value(struct kunit *test)
{
	/* A Linux SYN: MSS, SACK_PERM, TS, NOP, WS 7. */
	static const u8 syn[] = { 2, 4, 5, 180, 4, 2, 8, 10, 0, 0, 0, 1,
				  0, 0, 0, 0, 1, 3, 3, 7 };
	static const u8 big[] = { 1, 3, 3, 15 };
	struct xtcp_options o;

	KUNIT_EXPECT_EQ(test, xtcp_parse_options(syn, sizeof(syn), true, &o), 0);
	KUNIT_EXPECT_TRUE(test, o.saw_wscale);
	KUNIT_EXPECT_EQ(test, o.wscale, 7);
	KUNIT_EXPECT_EQ(test, o.mss, 1460);
	/* The value as sent; the receiver clamps it. */
	KUNIT_EXPECT_EQ(test, xtcp_parse_options(big, sizeof(big), true, &o), 0);
	KUNIT_EXPECT_EQ(test, o.wscale, 15);
}

static void xtcp_window_space__scaled_cap(struct kunit *test)
{
	/* Half the free buffer, capped at 65535 << shift. */
	KUNIT_EXPECT_EQ(test, xtcp_window_space(6U << 20, 0, 0, 7), 3U << 20);
	KUNIT_EXPECT_EQ(test, xtcp_window_space(U32_MAX, 0, 0, 7), 65535U << 7);
	KUNIT_EXPECT_EQ(test, xtcp_window_space(1U << 20, 0, 0, 2), 65535U << 2);
	KUNIT_EXPECT_EQ(test, xtcp_window_space(1U << 20, 0, MSS, 7),
			rounddown(1U << 19, MSS));
}

static void xtcp_rcvbuf_grow__slow_start(struct kunit *test)
{
	u32 per = max_t(u32, SKB_TRUESIZE(MSS + XTCP_MAX_HEADER), 2 * MSS);
	u32 rmax = 6U << 20;
	u32 buf;

	/* Steady: twice what was read plus 16 segments, in skb memory. */
	KUNIT_EXPECT_EQ(test, xtcp_rcvbuf_grow(100U * MSS, 100U * MSS, MSS, rmax),
			216U * per);
	/* Doubling: twice the growth more (216 + 2 * 216 segments). */
	KUNIT_EXPECT_EQ(test, xtcp_rcvbuf_grow(20U * MSS, 10U * MSS, MSS, rmax),
			(56U + 2U * 56U) * per);
	/* Never above rmem[2]. */
	KUNIT_EXPECT_EQ(test, xtcp_rcvbuf_grow(4U << 20, 1U << 20, MSS, rmax), rmax);
	/* The window it gives covers the doubled rate. */
	buf = xtcp_rcvbuf_grow(64U * MSS, 32U * MSS, MSS, rmax);
	KUNIT_EXPECT_GE(test, xtcp_window_space(buf, 0, MSS, 7), 128U * MSS);
	KUNIT_EXPECT_EQ(test, xtcp_rcvbuf_grow(1000, 0, MSS, rmax), 0U);
}

static void xtcp_sndbuf_want__cwnd(struct kunit *test)
{
	u32 ten = xtcp_sndbuf_want(10, MSS);

	/* At least the initial window, twice over, in whole skbs. */
	KUNIT_EXPECT_GE(test, ten, 2U * 10U * (MSS + XTCP_MAX_HEADER));
	KUNIT_EXPECT_EQ(test, xtcp_sndbuf_want(1, MSS), ten);
	KUNIT_EXPECT_EQ(test, xtcp_sndbuf_want(100, MSS), 10U * ten);
	/* No overflow for absurd windows. */
	KUNIT_EXPECT_LE(test, xtcp_sndbuf_want(U32_MAX, MSS), (u32)INT_MAX);
}

static struct kunit_case xtcp_wscale_cases[] = {
	KUNIT_CASE(xtcp_wscale_choose__small_buffers),
	KUNIT_CASE(xtcp_wscale_choose__tcp_defaults),
	KUNIT_CASE(xtcp_wscale_choose__covers_space),
	KUNIT_CASE(xtcp_wscale_choose__max_14),
	KUNIT_CASE(xtcp_wscale_from_peer__clamp),
	KUNIT_CASE(xtcp_wscale_round__unscaled),
	KUNIT_CASE(xtcp_wscale_round__up_to_unit),
	KUNIT_CASE(xtcp_wscale_round__never_shrinks),
	KUNIT_CASE(xtcp_wscale_round__field_roundtrip),
	KUNIT_CASE(xtcp_wscale_round__cap),
	KUNIT_CASE(xtcp_wscale_write__bytes),
	KUNIT_CASE(xtcp_wscale_parse__value),
	KUNIT_CASE(xtcp_window_space__scaled_cap),
	KUNIT_CASE(xtcp_rcvbuf_grow__slow_start),
	KUNIT_CASE(xtcp_sndbuf_want__cwnd),
	{}
};

static struct kunit_suite xtcp_wscale_suite = {
	.name = "xtcp_wscale",
	.test_cases = xtcp_wscale_cases,
};

kunit_test_suites(&xtcp_wscale_suite);
