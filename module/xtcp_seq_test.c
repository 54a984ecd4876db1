// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for XTCP's sequence-number arithmetic (xtcp_seq.h): ordering
 * modulo 2^32 and the RFC 9293 3.10.7.4 acceptability test.
 *
 * This file also carries the module information of xtcp_kunit.ko, which
 * links every xtcp_*_test.c suite into one module.
 */
#include <kunit/test.h>
#include <linux/module.h>

#include "xtcp.h"

/* Sequence numbers just before and just after the 2^32 wrap. */
#define SEQ_HI	0xfffffff0U
#define SEQ_LO	0x00000010U

static void xtcp_seq_before_after__wrap(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, xtcp_seq_before(SEQ_HI, SEQ_LO));
	KUNIT_EXPECT_FALSE(test, xtcp_seq_before(SEQ_LO, SEQ_HI));
	KUNIT_EXPECT_TRUE(test, xtcp_seq_after(SEQ_LO, SEQ_HI));
	KUNIT_EXPECT_FALSE(test, xtcp_seq_after(SEQ_HI, SEQ_LO));
	/* Neighbours across the wrap. */
	KUNIT_EXPECT_TRUE(test, xtcp_seq_before(0xffffffffU, 0U));
	KUNIT_EXPECT_TRUE(test, xtcp_seq_after(0U, 0xffffffffU));
	/* Plain ordering away from the wrap still holds. */
	KUNIT_EXPECT_TRUE(test, xtcp_seq_before(1000U, 2000U));
	KUNIT_EXPECT_TRUE(test, xtcp_seq_after(2000U, 1000U));
	KUNIT_EXPECT_FALSE(test, xtcp_seq_after(1000U, 2000U));
	/* max/min follow sequence order, not integer order. */
	KUNIT_EXPECT_EQ(test, xtcp_seq_max(SEQ_HI, SEQ_LO), SEQ_LO);
	KUNIT_EXPECT_EQ(test, xtcp_seq_max(SEQ_LO, SEQ_HI), SEQ_LO);
	KUNIT_EXPECT_EQ(test, xtcp_seq_min(SEQ_HI, SEQ_LO), SEQ_HI);
	KUNIT_EXPECT_EQ(test, xtcp_seq_min(SEQ_LO, SEQ_HI), SEQ_HI);
}

static void xtcp_seq_before_after__equal(struct kunit *test)
{
	static const u32 vals[] = { 0U, 1U, 0x7fffffffU, 0x80000000U,
				    0xffffffffU };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vals); i++) {
		KUNIT_EXPECT_FALSE_MSG(test, xtcp_seq_before(vals[i], vals[i]),
				       "before(%#x, itself)", vals[i]);
		KUNIT_EXPECT_FALSE_MSG(test, xtcp_seq_after(vals[i], vals[i]),
				       "after(%#x, itself)", vals[i]);
	}
}

static void xtcp_seq_between__inclusive(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, xtcp_seq_between(100U, 100U, 200U));
	KUNIT_EXPECT_TRUE(test, xtcp_seq_between(150U, 100U, 200U));
	KUNIT_EXPECT_TRUE(test, xtcp_seq_between(200U, 100U, 200U));
	KUNIT_EXPECT_FALSE(test, xtcp_seq_between(99U, 100U, 200U));
	KUNIT_EXPECT_FALSE(test, xtcp_seq_between(201U, 100U, 200U));
	/* A one-number interval. */
	KUNIT_EXPECT_TRUE(test, xtcp_seq_between(7U, 7U, 7U));
	KUNIT_EXPECT_FALSE(test, xtcp_seq_between(8U, 7U, 7U));
	KUNIT_EXPECT_FALSE(test, xtcp_seq_between(6U, 7U, 7U));
}

static void xtcp_seq_between__wrap(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, xtcp_seq_between(SEQ_HI, SEQ_HI, SEQ_LO));
	KUNIT_EXPECT_TRUE(test, xtcp_seq_between(SEQ_LO, SEQ_HI, SEQ_LO));
	KUNIT_EXPECT_TRUE(test, xtcp_seq_between(0xffffffffU, SEQ_HI, SEQ_LO));
	KUNIT_EXPECT_TRUE(test, xtcp_seq_between(0U, SEQ_HI, SEQ_LO));
	KUNIT_EXPECT_FALSE(test, xtcp_seq_between(SEQ_HI - 1, SEQ_HI, SEQ_LO));
	KUNIT_EXPECT_FALSE(test, xtcp_seq_between(SEQ_LO + 1, SEQ_HI, SEQ_LO));
	KUNIT_EXPECT_FALSE(test, xtcp_seq_between(0x80000000U, SEQ_HI, SEQ_LO));
}

/* A receive window that straddles the wrap: [RCV_NXT, RCV_NXT + WND). */
#define RCV_NXT	0xfffffff8U
#define WND	0x20U

static void xtcp_seq_acceptable__empty_zero_window(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, xtcp_seq_acceptable(RCV_NXT, RCV_NXT,
						    RCV_NXT, 0));
	KUNIT_EXPECT_FALSE(test, xtcp_seq_acceptable(RCV_NXT + 1, RCV_NXT + 1,
						     RCV_NXT, 0));
	KUNIT_EXPECT_FALSE(test, xtcp_seq_acceptable(RCV_NXT - 1, RCV_NXT - 1,
						     RCV_NXT, 0));
}

static void xtcp_seq_acceptable__empty_open_window(struct kunit *test)
{
	u32 last = RCV_NXT + WND - 1;	/* 0x17, past the wrap */

	KUNIT_EXPECT_TRUE(test, xtcp_seq_acceptable(RCV_NXT, RCV_NXT,
						    RCV_NXT, WND));
	KUNIT_EXPECT_TRUE(test, xtcp_seq_acceptable(0U, 0U, RCV_NXT, WND));
	KUNIT_EXPECT_TRUE(test, xtcp_seq_acceptable(last, last, RCV_NXT, WND));
	KUNIT_EXPECT_FALSE(test, xtcp_seq_acceptable(last + 1, last + 1,
						     RCV_NXT, WND));
	KUNIT_EXPECT_FALSE(test, xtcp_seq_acceptable(RCV_NXT - 1, RCV_NXT - 1,
						     RCV_NXT, WND));
}

static void xtcp_seq_acceptable__data_zero_window(struct kunit *test)
{
	/* Data is never acceptable in a zero window, even at rcv_nxt. */
	KUNIT_EXPECT_FALSE(test, xtcp_seq_acceptable(RCV_NXT, RCV_NXT + 1,
						     RCV_NXT, 0));
	KUNIT_EXPECT_FALSE(test, xtcp_seq_acceptable(RCV_NXT - 4, RCV_NXT + 4,
						     RCV_NXT, 0));
}

static void xtcp_seq_acceptable__data_in_window(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, xtcp_seq_acceptable(RCV_NXT, RCV_NXT + 4,
						    RCV_NXT, WND));
	/* Exactly filling the window, across the wrap. */
	KUNIT_EXPECT_TRUE(test, xtcp_seq_acceptable(RCV_NXT, RCV_NXT + WND,
						    RCV_NXT, WND));
	/* Wholly after the wrap, inside the window. */
	KUNIT_EXPECT_TRUE(test, xtcp_seq_acceptable(2U, 6U, RCV_NXT, WND));
}

static void xtcp_seq_acceptable__left_edge_overlap(struct kunit *test)
{
	/* Starts before rcv_nxt, its last byte is rcv_nxt. */
	KUNIT_EXPECT_TRUE(test, xtcp_seq_acceptable(RCV_NXT - 10, RCV_NXT + 1,
						    RCV_NXT, WND));
	/* Starts before rcv_nxt, ends after the wrap. */
	KUNIT_EXPECT_TRUE(test, xtcp_seq_acceptable(RCV_NXT - 10, 4U,
						    RCV_NXT, WND));
	/* Covers the whole window and more on both sides. */
	KUNIT_EXPECT_TRUE(test, xtcp_seq_acceptable(RCV_NXT - 10,
						    RCV_NXT + WND + 10,
						    RCV_NXT, WND));
}

static void xtcp_seq_acceptable__right_edge_overlap(struct kunit *test)
{
	/* First byte is the last one the window allows. */
	KUNIT_EXPECT_TRUE(test, xtcp_seq_acceptable(RCV_NXT + WND - 1,
						    RCV_NXT + WND + 100,
						    RCV_NXT, WND));
	KUNIT_EXPECT_TRUE(test, xtcp_seq_acceptable(RCV_NXT + 8,
						    RCV_NXT + WND + 8,
						    RCV_NXT, WND));
}

static void xtcp_seq_acceptable__old(struct kunit *test)
{
	/* Ends exactly at rcv_nxt: every byte is old. */
	KUNIT_EXPECT_FALSE(test, xtcp_seq_acceptable(RCV_NXT - 100, RCV_NXT,
						     RCV_NXT, WND));
	KUNIT_EXPECT_FALSE(test, xtcp_seq_acceptable(RCV_NXT - 100,
						     RCV_NXT - 50,
						     RCV_NXT, WND));
	/* Old data across the wrap, for a window just after it. */
	KUNIT_EXPECT_FALSE(test, xtcp_seq_acceptable(SEQ_HI, 0x08U,
						     0x08U, WND));
}

static void xtcp_seq_acceptable__beyond(struct kunit *test)
{
	/* Starts exactly at the right edge. */
	KUNIT_EXPECT_FALSE(test, xtcp_seq_acceptable(RCV_NXT + WND,
						     RCV_NXT + WND + 10,
						     RCV_NXT, WND));
	KUNIT_EXPECT_FALSE(test, xtcp_seq_acceptable(RCV_NXT + WND + 1000,
						     RCV_NXT + WND + 2000,
						     RCV_NXT, WND));
}

static struct kunit_case xtcp_seq_cases[] = {
	KUNIT_CASE(xtcp_seq_before_after__wrap),
	KUNIT_CASE(xtcp_seq_before_after__equal),
	KUNIT_CASE(xtcp_seq_between__inclusive),
	KUNIT_CASE(xtcp_seq_between__wrap),
	KUNIT_CASE(xtcp_seq_acceptable__empty_zero_window),
	KUNIT_CASE(xtcp_seq_acceptable__empty_open_window),
	KUNIT_CASE(xtcp_seq_acceptable__data_zero_window),
	KUNIT_CASE(xtcp_seq_acceptable__data_in_window),
	KUNIT_CASE(xtcp_seq_acceptable__left_edge_overlap),
	KUNIT_CASE(xtcp_seq_acceptable__right_edge_overlap),
	KUNIT_CASE(xtcp_seq_acceptable__old),
	KUNIT_CASE(xtcp_seq_acceptable__beyond),
	{}
};

static struct kunit_suite xtcp_seq_suite = {
	.name = "xtcp_seq",
	.test_cases = xtcp_seq_cases,
};

kunit_test_suites(&xtcp_seq_suite);

MODULE_DESCRIPTION("KUnit tests for the XTCP transport's internal logic");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(XTCP_KUNIT);
