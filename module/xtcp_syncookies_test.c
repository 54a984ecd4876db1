// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for XTCP's SYN cookies (the pure part of xtcp_syncookies.c):
 * the MSS table, the encode/decode round trip of the MSS index and the
 * tick, and the rejection of a wrong hash, a too-old or future tick, and a
 * cookie presented for another 4-tuple, peer ISN or secret; the IPv6
 * variant.
 */
#include <kunit/test.h>
#include <linux/siphash.h>

#include "xtcp.h"

static const siphash_key_t key = { { 0x0706050403020100ULL,
				     0x0f0e0d0c0b0a0908ULL } };
static const siphash_key_t other_key = { { 0x0706050403020100ULL,
					   0x0f0e0d0c0b0a0909ULL } };

#define SADDR	htonl(0x0a630102)	/* 10.99.1.2 */
#define DADDR	htonl(0x0a000102)	/* 10.0.1.2 */
#define SPORT	htons(40000)
#define DPORT	htons(10001)
#define IRS	0x12345678U

static void xtcp_cookie__mss_table(struct kunit *test)
{
	unsigned int i;

	KUNIT_EXPECT_EQ(test, xtcp_cookie_mss(0), XTCP_MIN_MSS);
	KUNIT_EXPECT_EQ(test, xtcp_cookie_mss_index(0), 0U);
	KUNIT_EXPECT_EQ(test, xtcp_cookie_mss_index(XTCP_MIN_MSS - 1), 0U);
	KUNIT_EXPECT_EQ(test, xtcp_cookie_mss(xtcp_cookie_mss_index(536)), 536);
	KUNIT_EXPECT_EQ(test, xtcp_cookie_mss(xtcp_cookie_mss_index(1460)),
			1460);
	KUNIT_EXPECT_EQ(test, xtcp_cookie_mss(xtcp_cookie_mss_index(1459)),
			1440);
	KUNIT_EXPECT_EQ(test, xtcp_cookie_mss(xtcp_cookie_mss_index(65495)),
			8960);
	for (i = 0; i < XTCP_COOKIE_MSS_NUM; i++) {
		u16 mss = xtcp_cookie_mss(i);

		KUNIT_EXPECT_EQ_MSG(test, xtcp_cookie_mss_index(mss), i,
				    "mss %u", mss);
		/* Never more than the peer offered (above the floor). */
		KUNIT_EXPECT_LE(test, xtcp_cookie_mss(xtcp_cookie_mss_index(mss + 1)),
				mss + 1);
		if (i)
			KUNIT_EXPECT_GT(test, mss, xtcp_cookie_mss(i - 1));
	}
}

static void xtcp_cookie__round_trip(struct kunit *test)
{
	static const u32 ticks[] = { 0, 1, 31, 32, 33, 1000, 0x7ffffff,
				     0xffffffe, 0xfffffff };
	unsigned int t, idx, age;

	for (t = 0; t < ARRAY_SIZE(ticks); t++) {
		for (idx = 0; idx < XTCP_COOKIE_MSS_NUM; idx++) {
			u32 c = xtcp_cookie_encode(&key, SADDR, DADDR, SPORT,
						   DPORT, IRS + idx, ticks[t],
						   idx);

			for (age = 0; age <= XTCP_COOKIE_MAX_AGE; age++)
				KUNIT_EXPECT_EQ_MSG(test,
						    xtcp_cookie_decode(&key, SADDR, DADDR, SPORT,
								       DPORT, IRS + idx, c,
								       ticks[t] + age),
						    (int)idx,
						    "tick %u idx %u age %u",
						    ticks[t], idx, age);
		}
	}
}

static void xtcp_cookie__wrong_hash(struct kunit *test)
{
	u32 c = xtcp_cookie_encode(&key, SADDR, DADDR, SPORT, DPORT, IRS, 100,
				   6);
	unsigned int bit;

	/* Any flipped bit of the 24 hash bits fails the hash check. */
	for (bit = 8; bit < 32; bit++)
		KUNIT_EXPECT_EQ_MSG(test,
				    xtcp_cookie_decode(&key, SADDR, DADDR, SPORT,
						       DPORT, IRS, c ^ BIT(bit), 100),
				    -EBADMSG, "bit %u", bit);
	/* Another MSS index in the low bits changes the hash too. */
	KUNIT_EXPECT_EQ(test,
			xtcp_cookie_decode(&key, SADDR, DADDR, SPORT, DPORT,
					   IRS, c ^ 1, 100),
			-EBADMSG);
	/* Another secret (another boot). */
	KUNIT_EXPECT_LT(test,
			xtcp_cookie_decode(&other_key, SADDR, DADDR, SPORT,
					   DPORT, IRS, c, 100),
			0);
	/* Zero and all-ones cookies are no valid cookie here. */
	KUNIT_EXPECT_LT(test,
			xtcp_cookie_decode(&key, SADDR, DADDR, SPORT, DPORT,
					   IRS, 0, 100), 0);
	KUNIT_EXPECT_LT(test,
			xtcp_cookie_decode(&key, SADDR, DADDR, SPORT, DPORT,
					   IRS, ~0U, 100), 0);
}

static void xtcp_cookie__too_old(struct kunit *test)
{
	u32 c = xtcp_cookie_encode(&key, SADDR, DADDR, SPORT, DPORT, IRS, 500,
				   2);
	unsigned int age;

	KUNIT_EXPECT_EQ(test,
			xtcp_cookie_decode(&key, SADDR, DADDR, SPORT, DPORT,
					   IRS, c, 500 + XTCP_COOKIE_MAX_AGE),
			2);
	for (age = XTCP_COOKIE_MAX_AGE + 1; age < 70; age++) {
		/* Ages that wrap the 5 tick bits back to a young value
		 * reach the hash, which holds the whole tick.
		 */
		int want = ((age & 31) <= XTCP_COOKIE_MAX_AGE) ? -EBADMSG :
			   -ESTALE;

		KUNIT_EXPECT_EQ_MSG(test,
				    xtcp_cookie_decode(&key, SADDR, DADDR, SPORT,
						       DPORT, IRS, c, 500 + age),
				    want, "age %u", age);
	}
	/* A cookie from the future (clock went back, or forged). */
	KUNIT_EXPECT_EQ(test,
			xtcp_cookie_decode(&key, SADDR, DADDR, SPORT, DPORT,
					   IRS, c, 499),
			-ESTALE);
}

static void xtcp_cookie__wrong_tuple(struct kunit *test)
{
	u32 c = xtcp_cookie_encode(&key, SADDR, DADDR, SPORT, DPORT, IRS, 77,
				   5);

	KUNIT_EXPECT_EQ(test,
			xtcp_cookie_decode(&key, SADDR, DADDR, SPORT, DPORT,
					   IRS, c, 77), 5);
	KUNIT_EXPECT_LT(test,
			xtcp_cookie_decode(&key, htonl(0x0a630103), DADDR,
					   SPORT, DPORT, IRS, c, 77), 0);
	KUNIT_EXPECT_LT(test,
			xtcp_cookie_decode(&key, SADDR, htonl(0x0a000103),
					   SPORT, DPORT, IRS, c, 77), 0);
	KUNIT_EXPECT_LT(test,
			xtcp_cookie_decode(&key, SADDR, DADDR, htons(40001),
					   DPORT, IRS, c, 77), 0);
	KUNIT_EXPECT_LT(test,
			xtcp_cookie_decode(&key, SADDR, DADDR, SPORT,
					   htons(10002), IRS, c, 77), 0);
	/* Swapped ends: the reply direction is not the same tuple. */
	KUNIT_EXPECT_LT(test,
			xtcp_cookie_decode(&key, DADDR, SADDR, DPORT, SPORT,
					   IRS, c, 77), 0);
	/* Another peer ISN (an ACK whose sequence number is not ISN + 1). */
	KUNIT_EXPECT_LT(test,
			xtcp_cookie_decode(&key, SADDR, DADDR, SPORT, DPORT,
					   IRS + 1, c, 77), 0);
}

/* IPv6: a round trip, and every byte of either address in the hash. */
static void xtcp_cookie__v6(struct kunit *test)
{
	const struct in6_addr s6 = { { { 0xfd, 0, 0, 0, 0, 0, 0, 1,
					 0, 0, 0, 0, 0, 0, 0, 2 } } };
	const struct in6_addr d6 = { { { 0xfd, 0, 0, 0, 0, 0, 0, 1,
					 0, 0, 0, 0, 0, 0, 0, 1 } } };
	unsigned int idx, i;
	u32 c;

	for (idx = 0; idx < XTCP_COOKIE_MSS_NUM; idx++) {
		c = xtcp_cookie_encode6(&key, &s6, &d6, SPORT, DPORT, IRS, 300,
					idx);
		KUNIT_EXPECT_EQ(test,
				xtcp_cookie_decode6(&key, &s6, &d6, SPORT, DPORT,
						    IRS, c, 300 + 1), (int)idx);
	}
	c = xtcp_cookie_encode6(&key, &s6, &d6, SPORT, DPORT, IRS, 300, 3);
	for (i = 0; i < 32; i++) {
		struct in6_addr x[2] = { s6, d6 };

		x[i / 16].s6_addr[i % 16] ^= 0x80;
		KUNIT_EXPECT_LT_MSG(test,
				    xtcp_cookie_decode6(&key, &x[0], &x[1], SPORT,
							DPORT, IRS, c, 300),
				    0, "address byte %u", i);
	}
	KUNIT_EXPECT_LT(test,
			xtcp_cookie_decode6(&key, &d6, &s6, DPORT, SPORT, IRS,
					    c, 300), 0);
	KUNIT_EXPECT_LT(test,
			xtcp_cookie_decode6(&other_key, &s6, &d6, SPORT, DPORT,
					    IRS, c, 300), 0);
	KUNIT_EXPECT_LT(test,
			xtcp_cookie_decode6(&key, &s6, &d6, SPORT, DPORT,
					    IRS, c, 300 + XTCP_COOKIE_MAX_AGE + 1),
			0);
}

static struct kunit_case xtcp_syncookies_cases[] = {
	KUNIT_CASE(xtcp_cookie__mss_table),
	KUNIT_CASE(xtcp_cookie__round_trip),
	KUNIT_CASE(xtcp_cookie__wrong_hash),
	KUNIT_CASE(xtcp_cookie__too_old),
	KUNIT_CASE(xtcp_cookie__wrong_tuple),
	KUNIT_CASE(xtcp_cookie__v6),
	{}
};

static struct kunit_suite xtcp_syncookies_suite = {
	.name = "xtcp_syncookies",
	.test_cases = xtcp_syncookies_cases,
};

kunit_test_suites(&xtcp_syncookies_suite);
