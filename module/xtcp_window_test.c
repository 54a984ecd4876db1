// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for XTCP's receive-window arithmetic (xtcp_window.c): the
 * space the buffer can offer and the receiver SWS avoidance on top of it.
 */
#include <kunit/test.h>

#include "xtcp.h"
#include "xtcp_rack.h"

#define MSS	1460U
#define FULL	65535U	/* window of an empty, large buffer */

static void xtcp_window_space__half_free(struct kunit *test)
{
	/* (100000 - 40000) / 2 = 30000 = 30 * 1000. */
	KUNIT_EXPECT_EQ(test, xtcp_window_space(100000, 40000, 1000, 0), 30000U);
	/* Odd free space, no rounding without an MSS. */
	KUNIT_EXPECT_EQ(test, xtcp_window_space(10001, 0, 0, 0), 5000U);
	KUNIT_EXPECT_EQ(test, xtcp_window_space(20000, 1, 0, 0), 9999U);
}

static void xtcp_window_space__mss_multiple(struct kunit *test)
{
	/* 50000 / 1460 = 34.2: 34 segments. */
	KUNIT_EXPECT_EQ(test, xtcp_window_space(100000, 0, MSS, 0), 34U * MSS);
	/* 10000 / 1460 = 6.8: rounded down, not to nearest. */
	KUNIT_EXPECT_EQ(test, xtcp_window_space(30000, 10000, MSS, 0), 6U * MSS);
	/* Already a multiple. */
	KUNIT_EXPECT_EQ(test, xtcp_window_space(4U * MSS, 0, MSS, 0), 2U * MSS);
}

static void xtcp_window_space__full(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, xtcp_window_space(100000, 100000, MSS, 0), 0U);
	/* Overcommitted (rmem_alloc may exceed rcvbuf). */
	KUNIT_EXPECT_EQ(test, xtcp_window_space(100000, 150000, MSS, 0), 0U);
	KUNIT_EXPECT_EQ(test, xtcp_window_space(0, 0, MSS, 0), 0U);
}

static void xtcp_window_space__cap(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, xtcp_window_space(1U << 20, 0, 0, 0), 65535U);
	KUNIT_EXPECT_EQ(test, xtcp_window_space(U32_MAX, 0, 0, 0), 65535U);
	/* Capped first, then rounded: 65535 / 1460 = 44.9 segments. */
	KUNIT_EXPECT_EQ(test, xtcp_window_space(1U << 20, 0, MSS, 0), 44U * MSS);
	/* Just above the cap from half of the free memory. */
	KUNIT_EXPECT_EQ(test, xtcp_window_space(131074, 0, 1, 0), 65535U);
}

static void xtcp_choose_window__never_shrinks(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, xtcp_choose_window(20000, 10000, FULL, MSS), 20000U);
	KUNIT_EXPECT_EQ(test, xtcp_choose_window(20000, 0, FULL, MSS), 20000U);
	KUNIT_EXPECT_EQ(test, xtcp_choose_window(20000, 20000, FULL, MSS), 20000U);
	KUNIT_EXPECT_EQ(test, xtcp_choose_window(MSS / 2, 0, FULL, MSS), MSS / 2);
}

static void xtcp_choose_window__sws_small_increase(struct kunit *test)
{
	/* Less than one MSS more than the open window: keep it. */
	KUNIT_EXPECT_EQ(test, xtcp_choose_window(20000, 20500, FULL, MSS), 20000U);
	KUNIT_EXPECT_EQ(test, xtcp_choose_window(20000, 20000 + MSS - 1, FULL, MSS),
			20000U);
	KUNIT_EXPECT_EQ(test, xtcp_choose_window(MSS + 2, 2U * MSS + 1, FULL, MSS),
			MSS + 2);
}

static void xtcp_choose_window__opens_by_mss(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, xtcp_choose_window(20000, 20000 + MSS, FULL, MSS),
			20000U + MSS);
	KUNIT_EXPECT_EQ(test, xtcp_choose_window(20000, 40000, FULL, MSS), 40000U);
	/* From a closed window, one MSS of space opens it. */
	KUNIT_EXPECT_EQ(test, xtcp_choose_window(0, MSS, FULL, MSS), MSS);
	KUNIT_EXPECT_EQ(test, xtcp_choose_window(0, 10U * MSS, FULL, MSS), 10U * MSS);
}

static void xtcp_choose_window__small_buffer_step(struct kunit *test)
{
	/*
	 * A buffer smaller than two MSS opens in steps of half the buffer
	 * (RFC 9293 3.8.6.2.2: min(Fr * RCV.BUFF, Eff.snd.MSS)).
	 */
	KUNIT_EXPECT_EQ(test, xtcp_choose_window(100, 600, 600, MSS), 600U);
	KUNIT_EXPECT_EQ(test, xtcp_choose_window(400, 600, 600, MSS), 400U);
}

static void xtcp_choose_window__buffer_below_mss_opens(struct kunit *test)
{
	/*
	 * A 4 KiB window behind a 64 KiB loopback MSS must still open, or
	 * the window offered in the SYN-ACK would shrink to zero.
	 */
	KUNIT_EXPECT_EQ(test, xtcp_choose_window(0, 4096, 4096, 65495), 4096U);
	KUNIT_EXPECT_EQ(test, xtcp_choose_window(0, 1000, 4096, 65495), 0U);
}

static void xtcp_choose_window__tiny_space_closed(struct kunit *test)
{
	/* Less than one MSS of space behind a closed window: stay closed. */
	KUNIT_EXPECT_EQ(test, xtcp_choose_window(0, 500, FULL, MSS), 0U);
	KUNIT_EXPECT_EQ(test, xtcp_choose_window(0, MSS - 1, FULL, MSS), 0U);
	KUNIT_EXPECT_EQ(test, xtcp_choose_window(0, 1, FULL, MSS), 0U);
	KUNIT_EXPECT_EQ(test, xtcp_choose_window(0, 0, FULL, MSS), 0U);
}

/* Two full segments are acknowledged at once while the buffer is at most
 * half full; past that the ACK waits for a reader at work on the socket,
 * unless the reader waits for SO_RCVLOWAT bytes not all there.
 */
static void xtcp_quick_ack_ok__half_full(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, xtcp_quick_ack_ok(FULL, FULL, 0, 1, true));
	KUNIT_EXPECT_TRUE(test, xtcp_quick_ack_ok((FULL + 1) / 2, FULL, 0, 1, true));
	KUNIT_EXPECT_FALSE(test, xtcp_quick_ack_ok(FULL / 2, FULL, 3000, 1, true));
	KUNIT_EXPECT_FALSE(test, xtcp_quick_ack_ok(0, FULL, 60000, 1, true));
	/* A window clamped below the buffer: its ceiling is the clamp. */
	KUNIT_EXPECT_TRUE(test, xtcp_quick_ack_ok(FULL, 4096, 3000, 1, true));
}

static void xtcp_quick_ack_ok__rcvlowat(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, xtcp_quick_ack_ok(0, FULL, 60000, 65536, true));
	KUNIT_EXPECT_FALSE(test, xtcp_quick_ack_ok(0, FULL, 65536, 65536, true));
	KUNIT_EXPECT_FALSE(test, xtcp_quick_ack_ok(0, FULL, 0x80000000U, INT_MAX,
						   true));
	/* The largest window over a full buffer does not overflow. */
	KUNIT_EXPECT_TRUE(test, xtcp_quick_ack_ok(0x80000000U, U32_MAX, 0, 1, true));
}

/* No reader at work: nothing would send the held ACK but the timer. */
static void xtcp_quick_ack_ok__no_reader(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, xtcp_quick_ack_ok(0, FULL, 60000, 1, false));
	KUNIT_EXPECT_TRUE(test, xtcp_quick_ack_ok(FULL / 4, FULL, 40000, 1, false));
}

/* An ACK held for the owner goes before the sender's loss probe could. */
static void xtcp_ack_delay_us__held(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, xtcp_ack_delay_us(40, false), 40000U);
	KUNIT_EXPECT_EQ(test, xtcp_ack_delay_us(40, true), XTCP_ACK_HOLD_US);
	KUNIT_EXPECT_LT(test, xtcp_ack_delay_us(500, true), XTCP_TLP_MIN_US);
	/* A delayed-ACK time below the hold is kept. */
	KUNIT_EXPECT_EQ(test, xtcp_ack_delay_us(1, true), 1000U);
	KUNIT_EXPECT_EQ(test, xtcp_ack_delay_us(1, false), 1000U);
}

static struct kunit_case xtcp_window_cases[] = {
	KUNIT_CASE(xtcp_window_space__half_free),
	KUNIT_CASE(xtcp_window_space__mss_multiple),
	KUNIT_CASE(xtcp_window_space__full),
	KUNIT_CASE(xtcp_window_space__cap),
	KUNIT_CASE(xtcp_choose_window__never_shrinks),
	KUNIT_CASE(xtcp_quick_ack_ok__half_full),
	KUNIT_CASE(xtcp_quick_ack_ok__rcvlowat),
	KUNIT_CASE(xtcp_quick_ack_ok__no_reader),
	KUNIT_CASE(xtcp_ack_delay_us__held),
	KUNIT_CASE(xtcp_choose_window__sws_small_increase),
	KUNIT_CASE(xtcp_choose_window__opens_by_mss),
	KUNIT_CASE(xtcp_choose_window__small_buffer_step),
	KUNIT_CASE(xtcp_choose_window__buffer_below_mss_opens),
	KUNIT_CASE(xtcp_choose_window__tiny_space_closed),
	{}
};

static struct kunit_suite xtcp_window_suite = {
	.name = "xtcp_window",
	.test_cases = xtcp_window_cases,
};

kunit_test_suites(&xtcp_window_suite);
