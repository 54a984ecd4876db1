// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for XTCP's segment checksum (xtcp_v4_csum() in
 * xtcp_output.c): RFC 9293 3.1's checksum over the IPv4 pseudo-header,
 * with XTCP's protocol number 253 in place of TCP's 6. The expected values
 * come from a plain RFC 1071 sum computed here, byte by byte. Also the
 * CHECKSUM_PARTIAL form of it (xtcp_csum_set_partial()).
 */
#include <kunit/test.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <net/checksum.h>

#include "xtcp.h"

#define CSUM_OFF	16	/* checksum field in the header */

struct csum_vector {
	__be32 saddr;
	__be32 daddr;
	unsigned int len;
	u16 want;	/* expected checksum, worked out offline */
	u8 bytes[40];
};

/* Header (checksum field zero) and payload. */
static const struct csum_vector vectors[] = {
	{	/* 192.0.2.1:12345 -> 198.51.100.7:8080, PSH|ACK, "hello" */
		.saddr = htonl(0xc0000201), .daddr = htonl(0xc6336407),
		.len = 25, .want = 0xc971,
		.bytes = {
			0x30, 0x39, 0x1f, 0x90, 0x01, 0x02, 0x03, 0x04,
			0xa0, 0xb0, 0xc0, 0xd0, 0x50, 0x18, 0xff, 0xff,
			0x00, 0x00, 0x00, 0x00, 'h', 'e', 'l', 'l', 'o',
		},
	},
	{	/* 10.0.0.1 -> 10.0.0.2, SYN with MSS 1460, no payload */
		.saddr = htonl(0x0a000001), .daddr = htonl(0x0a000002),
		.len = 24, .want = 0x6a4e,
		.bytes = {
			0x80, 0x00, 0x00, 0x50, 0xde, 0xad, 0xbe, 0xef,
			0x00, 0x00, 0x00, 0x00, 0x60, 0x02, 0xfa, 0xf0,
			0x00, 0x00, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4,
		},
	},
	{	/* Many carries: all-ones addresses and data */
		.saddr = htonl(0xffffffff), .daddr = htonl(0xfffffffe),
		.len = 31, .want = 0xb0a4,
		.bytes = {
			0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			0xff, 0xff, 0xff, 0xff, 0x50, 0x3f, 0xff, 0xff,
			0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
		},
	},
};

/*
 * RFC 1071 ones'-complement sum, folded but not complemented, of the
 * pseudo-header (saddr, daddr, zero, @proto, length) and @len bytes, as
 * 16-bit big-endian words; an odd last byte is padded with a zero.
 */
static u16 ref_sum(__be32 saddr, __be32 daddr, u8 proto, const u8 *buf,
		   unsigned int len)
{
	u32 s = ntohl(saddr), d = ntohl(daddr);
	u32 sum = 0;
	unsigned int i;

	sum += s >> 16;
	sum += s & 0xffff;
	sum += d >> 16;
	sum += d & 0xffff;
	sum += proto;
	sum += len;
	for (i = 0; i + 1 < len; i += 2)
		sum += (buf[i] << 8) | buf[i + 1];
	if (len & 1)
		sum += buf[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

static u16 ref_csum(const struct csum_vector *v, const u8 *buf, u8 proto)
{
	return (u16)~ref_sum(v->saddr, v->daddr, proto, buf, v->len);
}

/* The checksum field as a host-order number. */
static u16 csum_field(const u8 *buf)
{
	return (buf[CSUM_OFF] << 8) | buf[CSUM_OFF + 1];
}

/* xtcp_v4_csum() over @buf, written into its checksum field. */
static void xtcp_fill_csum(const struct csum_vector *v, u8 *buf)
{
	__sum16 csum = xtcp_v4_csum(v->saddr, v->daddr, v->len,
				    csum_partial(buf, v->len, 0));

	memcpy(buf + CSUM_OFF, &csum, sizeof(csum));
}

static void xtcp_v4_csum__matches_rfc1071(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vectors); i++) {
		const struct csum_vector *v = &vectors[i];
		u8 buf[sizeof(v->bytes)];

		memcpy(buf, v->bytes, sizeof(buf));
		xtcp_fill_csum(v, buf);
		KUNIT_EXPECT_EQ_MSG(test, csum_field(buf),
				    ref_csum(v, v->bytes, 253), "vector %u", i);
	}
}

static void xtcp_v4_csum__known_answer(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vectors); i++) {
		const struct csum_vector *v = &vectors[i];
		u8 buf[sizeof(v->bytes)];

		memcpy(buf, v->bytes, sizeof(buf));
		xtcp_fill_csum(v, buf);
		KUNIT_EXPECT_EQ_MSG(test, csum_field(buf), v->want,
				    "vector %u", i);
	}
}

static void xtcp_v4_csum__verifies_to_zero(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vectors); i++) {
		const struct csum_vector *v = &vectors[i];
		u8 buf[sizeof(v->bytes)];

		memcpy(buf, v->bytes, sizeof(buf));
		xtcp_fill_csum(v, buf);
		/* The whole segment, checksum included, sums to -0. */
		KUNIT_EXPECT_EQ_MSG(test, ref_sum(v->saddr, v->daddr, 253, buf,
						  v->len),
				    0xffff, "vector %u", i);
		/* And the receive-side check over it gives 0. */
		KUNIT_EXPECT_EQ_MSG(test,
				    (__force u16)xtcp_v4_csum(v->saddr, v->daddr,
							      v->len,
							      csum_partial(buf, v->len, 0)),
				    0, "vector %u", i);
	}
}

static void xtcp_v4_csum__not_tcp(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vectors); i++) {
		const struct csum_vector *v = &vectors[i];
		__wsum base = csum_partial(v->bytes, v->len, 0);
		__sum16 xtcp = xtcp_v4_csum(v->saddr, v->daddr, v->len, base);
		__sum16 tcp = csum_tcpudp_magic(v->saddr, v->daddr, v->len,
						IPPROTO_TCP, base);

		KUNIT_EXPECT_NE_MSG(test, (__force u16)xtcp, (__force u16)tcp,
				    "vector %u", i);
		KUNIT_EXPECT_NE_MSG(test, ref_csum(v, v->bytes, 253),
				    ref_csum(v, v->bytes, IPPROTO_TCP),
				    "vector %u", i);
	}
}

/*
 * xtcp_csum_set_partial() leaves the sum to a device or to
 * skb_checksum_help(): finished that way, the field must hold the same
 * checksum as a software sum, and csum_offset must not be TCP's or UDP's
 * (a NETIF_F_IP_CSUM device would be handed the segment).
 */
static void xtcp_csum_set_partial__help_finishes_it(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vectors); i++) {
		const struct csum_vector *v = &vectors[i];
		struct sk_buff *skb;
		u8 *data;

		skb = alloc_skb(64 + v->len, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, skb);
		skb_reserve(skb, 64);
		data = skb_put_data(skb, v->bytes, v->len);
		skb_reset_transport_header(skb);

		xtcp_csum_set_partial(skb, v->saddr, v->daddr);
		KUNIT_EXPECT_TRUE_MSG(test, skb->ip_summed == CHECKSUM_PARTIAL,
				      "vector %u", i);
		KUNIT_EXPECT_NE_MSG(test, skb->csum_offset, 16, "vector %u", i);
		KUNIT_EXPECT_NE_MSG(test, skb->csum_offset, 6, "vector %u", i);
		KUNIT_EXPECT_EQ_MSG(test, skb->csum_start + skb->csum_offset,
				    skb_transport_header(skb) - skb->head + CSUM_OFF,
				    "vector %u", i);
		KUNIT_EXPECT_EQ_MSG(test, skb_checksum_help(skb), 0,
				    "vector %u", i);
		KUNIT_EXPECT_EQ_MSG(test, csum_field(data), v->want,
				    "vector %u", i);
		kfree_skb(skb);
	}
}

static struct kunit_case xtcp_csum_cases[] = {
	KUNIT_CASE(xtcp_v4_csum__matches_rfc1071),
	KUNIT_CASE(xtcp_v4_csum__known_answer),
	KUNIT_CASE(xtcp_v4_csum__verifies_to_zero),
	KUNIT_CASE(xtcp_v4_csum__not_tcp),
	KUNIT_CASE(xtcp_csum_set_partial__help_finishes_it),
	{}
};

static struct kunit_suite xtcp_csum_suite = {
	.name = "xtcp_csum",
	.test_cases = xtcp_csum_cases,
};

kunit_test_suites(&xtcp_csum_suite);
