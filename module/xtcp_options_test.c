// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for XTCP's header-option parser and writer (xtcp_options.c).
 */
#include <kunit/test.h>

#include "xtcp.h"

/* Parse @buf (all of it) after poisoning @opts, so stale fields show. */
static int parse(const u8 *buf, unsigned int len, bool syn,
		 struct xtcp_options *opts)
{
	memset(opts, 0xff, sizeof(*opts));
	return xtcp_parse_options(buf, len, syn, opts);
}

static void expect_flags(struct kunit *test, const struct xtcp_options *o,
			 bool wscale, bool sack_perm, bool tstamp)
{
	KUNIT_EXPECT_EQ(test, !!o->saw_wscale, wscale);
	KUNIT_EXPECT_EQ(test, !!o->saw_sack_perm, sack_perm);
	KUNIT_EXPECT_EQ(test, !!o->saw_tstamp, tstamp);
}

static void expect_bytes(struct kunit *test, const u8 *got, const u8 *want,
			 unsigned int len)
{
	if (memcmp(got, want, len))
		KUNIT_FAIL(test, "wrote %*ph, want %*ph", len, got, len, want);
}

static void xtcp_parse_options__empty(struct kunit *test)
{
	static const u8 buf[] = { 0 };
	struct xtcp_options o;

	KUNIT_EXPECT_EQ(test, parse(buf, 0, true, &o), 0);
	KUNIT_EXPECT_EQ(test, o.mss, 0);
	expect_flags(test, &o, false, false, false);
}

static void xtcp_parse_options__mss_on_syn(struct kunit *test)
{
	static const u8 buf[] = { 2, 4, 0x05, 0xb4 };
	/* After one NOP: the value is unaligned. */
	static const u8 odd[] = { 1, 2, 4, 0x12, 0x34, 0, 0, 0 };
	struct xtcp_options o;

	KUNIT_EXPECT_EQ(test, parse(buf, sizeof(buf), true, &o), 0);
	KUNIT_EXPECT_EQ(test, o.mss, 1460);
	expect_flags(test, &o, false, false, false);

	KUNIT_EXPECT_EQ(test, parse(odd, sizeof(odd), true, &o), 0);
	KUNIT_EXPECT_EQ(test, o.mss, 0x1234);
}

static void xtcp_parse_options__mss_without_syn(struct kunit *test)
{
	static const u8 buf[] = { 2, 4, 0x05, 0xb4 };
	struct xtcp_options o;

	KUNIT_EXPECT_EQ(test, parse(buf, sizeof(buf), false, &o), 0);
	KUNIT_EXPECT_EQ(test, o.mss, 0);
}

static void xtcp_parse_options__nop_eol(struct kunit *test)
{
	static const u8 nops[] = { 1, 1, 1, 2, 4, 0x02, 0x18, 1 };
	/* Nothing after EOL is parsed, valid or not. */
	static const u8 eol_mss[] = { 1, 0, 2, 4, 0x05, 0xb4, 0, 0 };
	static const u8 eol_junk[] = { 0, 0xfe, 0, 2 };
	struct xtcp_options o;

	KUNIT_EXPECT_EQ(test, parse(nops, sizeof(nops), true, &o), 0);
	KUNIT_EXPECT_EQ(test, o.mss, 536);

	KUNIT_EXPECT_EQ(test, parse(eol_mss, sizeof(eol_mss), true, &o), 0);
	KUNIT_EXPECT_EQ(test, o.mss, 0);

	KUNIT_EXPECT_EQ(test, parse(eol_junk, sizeof(eol_junk), true, &o), 0);
	KUNIT_EXPECT_EQ(test, o.mss, 0);
	expect_flags(test, &o, false, false, false);
}

static void xtcp_parse_options__unknown_skipped(struct kunit *test)
{
	/*
	 * Kind 253 (RFC 4727 experiment), length 6: its data looks like
	 * SACK-permitted and window-scale options, which must not be seen.
	 * Then a SACK block (known kind, skipped the same way) and the MSS.
	 */
	static const u8 buf[] = {
		253, 6, 4, 2, 3, 3,
		5, 10, 0, 0, 0, 1, 0, 0, 0, 2,
		2, 4, 0x05, 0xb4,
	};
	struct xtcp_options o;

	KUNIT_EXPECT_EQ(test, parse(buf, sizeof(buf), true, &o), 0);
	KUNIT_EXPECT_EQ(test, o.mss, 1460);
	expect_flags(test, &o, false, false, false);
}

static void xtcp_parse_options__flags(struct kunit *test)
{
	/* A Linux TCP SYN: MSS, SACK-permitted, timestamps, NOP, wscale. */
	static const u8 linux_syn[] = {
		2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0x12, 0x34, 0x56, 0x78,
		0, 0, 0, 0, 1, 3, 3, 7,
	};
	static const u8 wscale[] = { 1, 3, 3, 14 };
	static const u8 sack_perm[] = { 1, 1, 4, 2 };
	static const u8 tstamp[] = { 1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0 };
	struct xtcp_options o;

	KUNIT_EXPECT_EQ(test, parse(linux_syn, sizeof(linux_syn), true, &o), 0);
	KUNIT_EXPECT_EQ(test, o.mss, 1460);
	expect_flags(test, &o, true, true, true);

	KUNIT_EXPECT_EQ(test, parse(wscale, sizeof(wscale), true, &o), 0);
	expect_flags(test, &o, true, false, false);
	KUNIT_EXPECT_EQ(test, parse(sack_perm, sizeof(sack_perm), true, &o), 0);
	expect_flags(test, &o, false, true, false);
	KUNIT_EXPECT_EQ(test, parse(tstamp, sizeof(tstamp), false, &o), 0);
	expect_flags(test, &o, false, false, true);
}

static void xtcp_parse_options__bad_length(struct kunit *test)
{
	static const u8 len0[] = { 253, 0, 1, 1 };
	static const u8 len1[] = { 253, 1, 1, 1 };
	static const u8 nop_len0[] = { 1, 1, 253, 0 };
	struct xtcp_options o;

	KUNIT_EXPECT_EQ(test, parse(len0, sizeof(len0), true, &o), -EINVAL);
	KUNIT_EXPECT_EQ(test, parse(len1, sizeof(len1), true, &o), -EINVAL);
	KUNIT_EXPECT_EQ(test, parse(nop_len0, sizeof(nop_len0), false, &o),
			-EINVAL);
}

static void xtcp_parse_options__beyond_list(struct kunit *test)
{
	/* The buffer holds the whole option; the list given is shorter. */
	static const u8 mss[] = { 2, 4, 0x05, 0xb4 };
	static const u8 unknown[] = { 1, 253, 8, 0, 0, 0, 0, 0, 0, 0 };
	struct xtcp_options o;

	KUNIT_EXPECT_EQ(test, parse(mss, 3, true, &o), -EINVAL);
	KUNIT_EXPECT_EQ(test, parse(unknown, 8, true, &o), -EINVAL);
	/* The same lists at full length are fine. */
	KUNIT_EXPECT_EQ(test, parse(mss, sizeof(mss), true, &o), 0);
	KUNIT_EXPECT_EQ(test, parse(unknown, 9, true, &o), 0);
}

static void xtcp_parse_options__truncated(struct kunit *test)
{
	/* The last byte of the list is a kind with no room for a length. */
	static const u8 buf[] = { 1, 1, 1, 253, 4 };
	static const u8 mss[] = { 2, 4 };
	struct xtcp_options o;

	KUNIT_EXPECT_EQ(test, parse(buf, 4, true, &o), -EINVAL);
	KUNIT_EXPECT_EQ(test, parse(mss, 1, true, &o), -EINVAL);
}

/*
 * A known option of the wrong length is ignored, as TCP ignores it, and
 * skipped by its length: the segment is not dropped and the options after
 * it still count.
 */
static void xtcp_parse_options__wrong_length(struct kunit *test)
{
	static const u8 mss3[] = { 2, 3, 0x05, 1 };
	static const u8 mss6[] = { 2, 6, 0x05, 0xb4, 0, 0 };
	static const u8 wscale4[] = { 3, 4, 7, 0 };
	static const u8 sack_perm3[] = { 4, 3, 0, 1 };
	static const u8 tstamp8[] = { 8, 8, 0, 0, 0, 1, 0, 0 };
	/* MSS of length 3, a NOP, then a good MSS of 1000. */
	static const u8 then_mss[] = { 2, 3, 0x05, 1, 2, 4, 0x03, 0xe8 };
	struct xtcp_options o;

	KUNIT_EXPECT_EQ(test, parse(mss3, sizeof(mss3), true, &o), 0);
	KUNIT_EXPECT_EQ(test, o.mss, 0);
	KUNIT_EXPECT_EQ(test, parse(mss6, sizeof(mss6), true, &o), 0);
	KUNIT_EXPECT_EQ(test, o.mss, 0);
	KUNIT_EXPECT_EQ(test, parse(mss6, sizeof(mss6), false, &o), 0);
	KUNIT_EXPECT_EQ(test, o.mss, 0);
	KUNIT_EXPECT_EQ(test, parse(wscale4, sizeof(wscale4), true, &o), 0);
	expect_flags(test, &o, false, false, false);
	KUNIT_EXPECT_EQ(test, parse(sack_perm3, sizeof(sack_perm3), true, &o), 0);
	expect_flags(test, &o, false, false, false);
	KUNIT_EXPECT_EQ(test, parse(tstamp8, sizeof(tstamp8), true, &o), 0);
	expect_flags(test, &o, false, false, false);
	KUNIT_EXPECT_EQ(test, parse(then_mss, sizeof(then_mss), true, &o), 0);
	KUNIT_EXPECT_EQ(test, o.mss, 1000);
}

static void xtcp_write_syn_options__mss(struct kunit *test)
{
	static const u8 want[] = { 2, 4, 0x05, 0xb4, 0xaa, 0xaa, 0xaa, 0xaa };
	static const u8 want2[] = { 2, 4, 0x12, 0x34 };
	u8 buf[8];
	struct xtcp_options o;

	memset(buf, 0xaa, sizeof(buf));
	KUNIT_EXPECT_EQ(test, xtcp_write_syn_options(buf, 1460), 4U);
	/* Exactly four bytes written, nothing after them. */
	expect_bytes(test, buf, want, sizeof(want));

	memset(buf, 0xaa, sizeof(buf));
	KUNIT_EXPECT_EQ(test, xtcp_write_syn_options(buf + 1, 0x1234), 4U);
	expect_bytes(test, buf + 1, want2, sizeof(want2));
	KUNIT_EXPECT_EQ(test, buf[0], 0xaa);
	KUNIT_EXPECT_EQ(test, buf[5], 0xaa);

	/* What we write, we parse back. */
	KUNIT_EXPECT_EQ(test, parse(buf + 1, 4, true, &o), 0);
	KUNIT_EXPECT_EQ(test, o.mss, 0x1234);
}

/* A header (20 bytes) followed by @opts, data offset covering both. */
static bool tstamp_only(const u8 *opts, unsigned int len)
{
	u8 buf[XTCP_MAX_HDR_LEN] = {};
	struct tcphdr *th = (struct tcphdr *)buf;

	memcpy(buf + XTCP_HDR_LEN, opts, len);
	th->doff = (XTCP_HDR_LEN + len) / 4;
	return xtcp_opts_tstamp_only(th);
}

/* The fast path takes exactly NOP, NOP, timestamps and nothing else. */
static void xtcp_opts_tstamp_only__layouts(struct kunit *test)
{
	static const u8 aligned[] = { 1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2 };
	/* Timestamps first, two NOPs after: well formed, not the layout. */
	static const u8 nops_after[] = { 8, 10, 0, 0, 0, 1, 0, 0, 0, 2, 1, 1 };
	static const u8 bad_len[] = { 1, 1, 8, 12, 0, 0, 0, 1, 0, 0, 0, 2 };
	static const u8 unknown[] = { 1, 1, 99, 10, 0, 0, 0, 1, 0, 0, 0, 2 };
	/* The timestamps, then a SACK block: SACK must not be skipped. */
	static const u8 with_sack[] = { 1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2,
					1, 1, 5, 10, 0, 0, 0, 9, 0, 0, 0, 10 };
	struct xtcp_options o;

	KUNIT_EXPECT_TRUE(test, tstamp_only(aligned, sizeof(aligned)));
	KUNIT_EXPECT_FALSE(test, tstamp_only(nops_after, sizeof(nops_after)));
	KUNIT_EXPECT_FALSE(test, tstamp_only(bad_len, sizeof(bad_len)));
	KUNIT_EXPECT_FALSE(test, tstamp_only(unknown, sizeof(unknown)));
	KUNIT_EXPECT_FALSE(test, tstamp_only(with_sack, sizeof(with_sack)));
	KUNIT_EXPECT_FALSE(test, tstamp_only(aligned, 0));
	/* Whatever the fast path takes, the full parser reads the same. */
	KUNIT_EXPECT_EQ(test, parse(aligned, sizeof(aligned), true, &o), 0);
	expect_flags(test, &o, false, false, true);
	KUNIT_EXPECT_EQ(test, o.num_sacks, 0);
	KUNIT_EXPECT_EQ(test, o.mss, 0);
}

static struct kunit_case xtcp_options_cases[] = {
	KUNIT_CASE(xtcp_parse_options__empty),
	KUNIT_CASE(xtcp_parse_options__mss_on_syn),
	KUNIT_CASE(xtcp_parse_options__mss_without_syn),
	KUNIT_CASE(xtcp_parse_options__nop_eol),
	KUNIT_CASE(xtcp_parse_options__unknown_skipped),
	KUNIT_CASE(xtcp_parse_options__flags),
	KUNIT_CASE(xtcp_parse_options__bad_length),
	KUNIT_CASE(xtcp_parse_options__beyond_list),
	KUNIT_CASE(xtcp_parse_options__truncated),
	KUNIT_CASE(xtcp_parse_options__wrong_length),
	KUNIT_CASE(xtcp_write_syn_options__mss),
	KUNIT_CASE(xtcp_opts_tstamp_only__layouts),
	{}
};

static struct kunit_suite xtcp_options_suite = {
	.name = "xtcp_options",
	.test_cases = xtcp_options_cases,
};

kunit_test_suites(&xtcp_options_suite);
