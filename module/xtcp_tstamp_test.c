// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for XTCP's timestamp rules (xtcp_tstamp.c): PAWS, the RTT
 * sample from TSecr, the option's layout and the SYN-cookie encoding of
 * the SYN's options in TSval.
 */
#include <kunit/test.h>

#include "xtcp.h"

#define DAY	(24 * 60 * 60)

static void xtcp_paws__order(struct kunit *test)
{
	/* Equal or newer TSvals pass; older ones only within the window. */
	KUNIT_EXPECT_TRUE(test, xtcp_paws_check(1000, 50, 1000, 60, 0));
	KUNIT_EXPECT_TRUE(test, xtcp_paws_check(1000, 50, 1001, 60, 0));
	KUNIT_EXPECT_FALSE(test, xtcp_paws_check(1000, 50, 999, 60, 0));
	KUNIT_EXPECT_TRUE(test, xtcp_paws_check(1000, 50, 999, 60, 1));
	KUNIT_EXPECT_FALSE(test, xtcp_paws_check(1000, 50, 998, 60, 1));
	/* Across the 32-bit wrap: 2^31 - 1 later is newer. */
	KUNIT_EXPECT_TRUE(test, xtcp_paws_check(0xfffffff0, 50, 5, 60, 0));
	KUNIT_EXPECT_FALSE(test, xtcp_paws_check(5, 50, 0xfffffff0, 60, 0));
	KUNIT_EXPECT_TRUE(test, xtcp_paws_check(5, 50, 5U + 0x7fffffffU, 60, 0));
}

static void xtcp_paws__idle_24_days(struct kunit *test)
{
	/* RFC 7323 5.5: TS.Recent older than 24 days is invalid. */
	KUNIT_EXPECT_FALSE(test, xtcp_paws_check(1000, 100, 1, 100 + 24 * DAY - 1, 0));
	KUNIT_EXPECT_TRUE(test, xtcp_paws_check(1000, 100, 1, 100 + 24 * DAY, 0));
	KUNIT_EXPECT_TRUE(test, xtcp_paws_check(1000, 100, 1, 100 + 30 * DAY, 0));
	/* The seconds clock wraps too. */
	KUNIT_EXPECT_FALSE(test, xtcp_paws_check(1000, 0xfffffff0, 1, 20, 0));
}

static void xtcp_paws__no_ts_recent(struct kunit *test)
{
	/* A peer that sent TSval 0 in its SYN (tcp_paws_check()). */
	KUNIT_EXPECT_TRUE(test, xtcp_paws_check(0, 50, 0xf0000000, 60, 0));
}

static void xtcp_ts_rtt__samples(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, xtcp_ts_rtt_us(5250, 5000), 250 * USEC_PER_MSEC);
	/* Less than the clock's tick: 1 ms. */
	KUNIT_EXPECT_EQ(test, xtcp_ts_rtt_us(5000, 5000), USEC_PER_MSEC);
	/* Across the wrap. */
	KUNIT_EXPECT_EQ(test, xtcp_ts_rtt_us(10, 0xfffffff6), 20 * USEC_PER_MSEC);
}

static void xtcp_ts_rtt__no_sample(struct kunit *test)
{
	/* TSecr 0: the peer echoed nothing (RFC 7323 3.2). */
	KUNIT_EXPECT_EQ(test, xtcp_ts_rtt_us(5000, 0), -1);
	/* From the future, or absurdly old. */
	KUNIT_EXPECT_EQ(test, xtcp_ts_rtt_us(5000, 5001), -1);
	KUNIT_EXPECT_EQ(test, xtcp_ts_rtt_us(5000 + INT_MAX / 1000, 5000), -1);
	KUNIT_EXPECT_GT(test, xtcp_ts_rtt_us(5000 + INT_MAX / 1000 - 1, 5000), 0);
}

static void xtcp_tstamp__layout(struct kunit *test)
{
	static const u8 want[] = { 1, 1, 8, 10, 0x12, 0x34, 0x56, 0x78,
				   0x9a, 0xbc, 0xde, 0xf0 };
	u8 buf[16];

	memset(buf, 0xee, sizeof(buf));
	KUNIT_EXPECT_EQ(test, xtcp_tstamp_write(buf + 1, 0x12345678, 0x9abcdef0),
			XTCP_OLEN_TSTAMP_ALIGNED);
	KUNIT_EXPECT_EQ(test, buf[0], 0xee);
	KUNIT_EXPECT_EQ(test, buf[13], 0xee);
	KUNIT_EXPECT_EQ(test, memcmp(buf + 1, want, sizeof(want)), 0);
}

static void xtcp_tstamp__parse_values(struct kunit *test)
{
	/* Linux's SYN: MSS, SACK_PERM, TS, NOP, WS. */
	static const u8 syn[] = { 2, 4, 5, 0xb4, 4, 2, 8, 10, 0, 0, 0x30, 0x39,
				  0, 0, 0, 0, 1, 3, 3, 7 };
	/* An unaligned timestamp option after one NOP. */
	static const u8 odd[] = { 1, 8, 10, 1, 2, 3, 4, 5, 6, 7, 8, 0 };
	/* A timestamp option of the wrong length is ignored. */
	static const u8 bad[] = { 8, 8, 1, 2, 3, 4, 5, 6 };
	struct xtcp_options o;

	KUNIT_EXPECT_EQ(test, xtcp_parse_options(syn, sizeof(syn), true, &o), 0);
	KUNIT_EXPECT_TRUE(test, o.saw_tstamp);
	KUNIT_EXPECT_EQ(test, o.rcv_tsval, 12345U);
	KUNIT_EXPECT_EQ(test, o.rcv_tsecr, 0U);
	KUNIT_EXPECT_EQ(test, xtcp_parse_options(odd, sizeof(odd), false, &o), 0);
	KUNIT_EXPECT_TRUE(test, o.saw_tstamp);
	KUNIT_EXPECT_EQ(test, o.rcv_tsval, 0x01020304U);
	KUNIT_EXPECT_EQ(test, o.rcv_tsecr, 0x05060708U);
	KUNIT_EXPECT_EQ(test, xtcp_parse_options(bad, sizeof(bad), false, &o), 0);
	KUNIT_EXPECT_FALSE(test, o.saw_tstamp);
}

static void xtcp_ts_cookie__round_trip(struct kunit *test)
{
	static const u32 nows[] = { 0x40, 0x12345678, 0xffffffff, 0x1000003f };
	unsigned int i, ws, sack;

	for (i = 0; i < ARRAY_SIZE(nows); i++) {
		for (ws = 0; ws <= 15; ws++) {
			for (sack = 0; sack <= 1; sack++) {
				bool ws_ok = ws != 15, got_ws, got_sack;
				u32 ts = xtcp_ts_cookie_encode(nows[i], ws_ok, ws, sack);
				u8 got_scale;

				/* Never ahead of the clock, at most 63 ms behind. */
				KUNIT_EXPECT_LE(test, nows[i] - ts, 63U);
				xtcp_ts_cookie_decode(ts, &got_ws, &got_scale,
						      &got_sack);
				KUNIT_EXPECT_EQ(test, got_ws, ws_ok);
				KUNIT_EXPECT_EQ(test, got_scale, ws_ok ? ws : 0);
				KUNIT_EXPECT_EQ(test, got_sack, !!sack);
			}
		}
	}
}

static void xtcp_ts_cookie__bits(struct kunit *test)
{
	/* No window scale: 0xf; SACK: bit 4 (cookie_init_timestamp()). */
	KUNIT_EXPECT_EQ(test, xtcp_ts_cookie_encode(0x1000, false, 0, false),
			0x1000U - 64 + 0xf);
	KUNIT_EXPECT_EQ(test, xtcp_ts_cookie_encode(0x1058, true, 7, true),
			0x1040U | 0x10 | 7);
	KUNIT_EXPECT_EQ(test, xtcp_ts_cookie_encode(0x105f, false, 9, true),
			0x1040U | 0x1f);
}

/* Two requests alike but for their remote address, of @ops' family. */
static void xtcp_tstamp_req_pair(struct kunit *test,
				 const struct request_sock_ops *ops,
				 struct inet_request_sock **a,
				 struct inet_request_sock **b)
{
	*a = kunit_kzalloc(test, sizeof(**a), GFP_KERNEL);
	*b = kunit_kzalloc(test, sizeof(**b), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, *a);
	KUNIT_ASSERT_NOT_NULL(test, *b);
	(*a)->req.rsk_ops = ops;
	(*a)->ir_num = 5001;
	(*a)->ir_rmt_port = htons(40000);
	(*a)->ir_loc_addr = htonl(0x0a000102);
	(*a)->ir_rmt_addr = htonl(0x0a000101);
	(*a)->ir_v6_loc_addr.s6_addr32[0] = htonl(0xfd000000);
	(*a)->ir_v6_loc_addr.s6_addr32[3] = htonl(2);
	(*a)->ir_v6_rmt_addr.s6_addr32[0] = htonl(0xfd000000);
	(*a)->ir_v6_rmt_addr.s6_addr32[3] = htonl(1);
	**b = **a;
	if (ops->family == AF_INET6) {
		/* As xtcp_v6_init_req() leaves them. */
		(*a)->ir_loc_addr = 0;
		(*a)->ir_rmt_addr = 0;
		**b = **a;
		(*b)->ir_v6_rmt_addr.s6_addr32[3] = htonl(3);
	} else {
		(*b)->ir_rmt_addr = htonl(0x0a000103);
	}
}

/* An IPv4 request's offset: its IPv4 4-tuple's. */
static void xtcp_tstamp__req_offset_v4(struct kunit *test)
{
	static const struct request_sock_ops ops = { .family = AF_INET };
	struct inet_request_sock *a, *b;

	xtcp_tstamp_req_pair(test, &ops, &a, &b);
	KUNIT_EXPECT_NE(test, xtcp_tstamp_req_offset(&a->req),
			xtcp_tstamp_req_offset(&b->req));
	KUNIT_EXPECT_EQ(test, xtcp_tstamp_req_offset(&a->req),
			xtcp_tstamp_offset(a->ir_loc_addr, a->ir_rmt_addr,
					   htons(5001), htons(40000)));
}

#if IS_ENABLED(CONFIG_IPV6)
/* An IPv6 request's offset depends on its addresses, not only on its
 * ports (its IPv4 fields are 0), and is stable.
 */
static void xtcp_tstamp__req_offset_v6(struct kunit *test)
{
	static const struct request_sock_ops ops = { .family = AF_INET6 };
	struct inet_request_sock *a, *b;
	u32 off;

	xtcp_tstamp_req_pair(test, &ops, &a, &b);
	off = xtcp_tstamp_req_offset(&a->req);
	KUNIT_EXPECT_NE(test, off, xtcp_tstamp_req_offset(&b->req));
	KUNIT_EXPECT_EQ(test, off, xtcp_tstamp_req_offset(&a->req));
	KUNIT_EXPECT_EQ(test, off,
			xtcp_tstamp_offset6(&a->ir_v6_loc_addr,
					    &a->ir_v6_rmt_addr, htons(5001),
					    htons(40000)));
}
#endif

static struct kunit_case xtcp_tstamp_cases[] = {
	KUNIT_CASE(xtcp_paws__order),
	KUNIT_CASE(xtcp_paws__idle_24_days),
	KUNIT_CASE(xtcp_paws__no_ts_recent),
	KUNIT_CASE(xtcp_ts_rtt__samples),
	KUNIT_CASE(xtcp_ts_rtt__no_sample),
	KUNIT_CASE(xtcp_tstamp__layout),
	KUNIT_CASE(xtcp_tstamp__parse_values),
	KUNIT_CASE(xtcp_ts_cookie__round_trip),
	KUNIT_CASE(xtcp_ts_cookie__bits),
	KUNIT_CASE(xtcp_tstamp__req_offset_v4),
#if IS_ENABLED(CONFIG_IPV6)
	KUNIT_CASE(xtcp_tstamp__req_offset_v6),
#endif
	{}
};

static struct kunit_suite xtcp_tstamp_suite = {
	.name = "xtcp_tstamp",
	.test_cases = xtcp_tstamp_cases,
};

kunit_test_suites(&xtcp_tstamp_suite);
