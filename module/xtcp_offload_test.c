// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for XTCP's offloads (xtcp_offload.c): how many segments one
 * super-packet may carry, and how the stack's skb_gso_segment() cuts one
 * up through xtcp4_gso_segment() and xtcp6_gso_segment(): sequence
 * numbers, flags, IP lengths, and a valid XTCP checksum over the IPv4 or
 * IPv6 pseudo-header on every segment for each kind of device (generic
 * checksum, TCP/UDP-only checksum, none), from a linear super-packet and
 * from one built as XTCP's sender builds them (a frag_list of segments);
 * over IPv6 also the pseudo-header the sender seeded (a final destination
 * other than the IP header's) and a super-packet without a seed.
 */
#include <kunit/test.h>
#include <linux/etherdevice.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <net/checksum.h>
#include <net/ip.h>
#include <net/ipv6.h>

#include "xtcp.h"

#define MSS	1460U
#define GSO_MAX	(65536U - 321U)	/* veth's gso_max_size less MAX_TCP_HEADER + 1 */

static void xtcp_gso_size_goal__device_bound(struct kunit *test)
{
	/* A large window: the device's limit, in whole segments. */
	KUNIT_EXPECT_EQ(test, xtcp_gso_size_goal(GSO_MAX, 1U << 20, MSS),
			GSO_MAX / MSS);
	KUNIT_EXPECT_EQ(test, xtcp_gso_size_goal(GSO_MAX, 1U << 20, MSS), 44U);
}

static void xtcp_gso_size_goal__half_window(struct kunit *test)
{
	/* 65535 / 2 = 32767: 22 segments, so two super-packets fly at once. */
	KUNIT_EXPECT_EQ(test, xtcp_gso_size_goal(GSO_MAX, 65535, MSS), 22U);
	/* 10 segments' window: 5 per super-packet. */
	KUNIT_EXPECT_EQ(test, xtcp_gso_size_goal(GSO_MAX, 10 * MSS, MSS), 5U);
}

static void xtcp_gso_size_goal__at_least_one(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, xtcp_gso_size_goal(GSO_MAX, MSS, MSS), 1U);
	KUNIT_EXPECT_EQ(test, xtcp_gso_size_goal(GSO_MAX, 0, MSS), 1U);
	KUNIT_EXPECT_EQ(test, xtcp_gso_size_goal(0, 65535, MSS), 1U);
	KUNIT_EXPECT_EQ(test, xtcp_gso_size_goal(GSO_MAX, 65535, 0), 1U);
	/* A window no larger than the default MSS is not halved. */
	KUNIT_EXPECT_EQ(test, xtcp_gso_size_goal(GSO_MAX, 536, 100), 5U);
}

#define SADDR	htonl(0x0a000101)
#define DADDR	htonl(0x0a000102)
#define SEQ0	0xfffff000U	/* wraps inside the super-packet */
#define HDRS	(ETH_HLEN + sizeof(struct ipv6hdr) + sizeof(struct tcphdr))

/* IPv6 addresses: the IP header's, and a final destination beyond it (as
 * with a routing header) for the seed of the "final" super-packets.
 */
static const struct in6_addr saddr6 = {{{ 0xfd, 0, 0, 1, [15] = 1 }}};
static const struct in6_addr daddr6 = {{{ 0xfd, 0, 0, 1, [15] = 2 }}};
static const struct in6_addr final6 = {{{ 0xfd, 0, 0, 2, [15] = 9 }}};

/* How a super-packet is made: family, and its checksum seed. */
enum super_kind {
	SUPER_V4,	/* IPv4, seeded as XTCP's sender does */
	SUPER_V6,	/* IPv6, seeded as XTCP's sender does */
	SUPER_V6_FINAL,	/* IPv6, seeded with final6 as the destination */
	SUPER_V6_NONE,	/* IPv6, CHECKSUM_NONE, no seed */
};

static const struct in6_addr *seed_daddr6(enum super_kind kind)
{
	return kind == SUPER_V6_FINAL ? &final6 : &daddr6;
}

static u8 payload_byte(unsigned int i)
{
	return (u8)(i * 7 + 3);
}

/* An IPv6 header, no extension headers, in front of @skb's XTCP header. */
static void push_ipv6(struct sk_buff *skb)
{
	struct ipv6hdr *ip6h = skb_push(skb, sizeof(*ip6h));

	skb_reset_network_header(skb);
	memset(ip6h, 0, sizeof(*ip6h));
	ip6h->version = 6;
	ip6h->payload_len = htons(skb->len - sizeof(*ip6h));
	ip6h->nexthdr = IPPROTO_XTCP;
	ip6h->hop_limit = 64;
	ip6h->saddr = saddr6;
	ip6h->daddr = daddr6;
}

/* Headers in front of @skb's payload, CHECKSUM_PARTIAL as XTCP sends
 * (@kind says which family and seed).
 */
static void push_headers(struct sk_buff *skb, unsigned int mss,
			 unsigned int segs, u8 flags, enum super_kind kind)
{
	struct tcphdr *th;
	struct iphdr *iph;
	struct ethhdr *eth;

	th = skb_push(skb, sizeof(*th));
	skb_reset_transport_header(skb);
	memset(th, 0, sizeof(*th));
	th->source = htons(1000);
	th->dest = htons(2000);
	th->seq = htonl(SEQ0);
	th->ack_seq = htonl(5);
	th->doff = 5;
	xtcp_flag_byte(th) = flags;
	th->window = htons(1000);

	if (kind != SUPER_V4) {
		push_ipv6(skb);
		eth = skb_push(skb, ETH_HLEN);
		skb_reset_mac_header(skb);
		memset(eth, 0, ETH_HLEN);
		eth->h_proto = htons(ETH_P_IPV6);
		skb->protocol = htons(ETH_P_IPV6);
		if (kind == SUPER_V6_NONE)
			skb->ip_summed = CHECKSUM_NONE;
		else
			xtcp_csum_set_partial6(skb, &saddr6, seed_daddr6(kind));
		skb_shinfo(skb)->gso_size = mss;
		skb_shinfo(skb)->gso_segs = segs;
		skb_shinfo(skb)->gso_type = XTCP_GSO_TYPE6;
		return;
	}

	iph = skb_push(skb, sizeof(*iph));
	skb_reset_network_header(skb);
	memset(iph, 0, sizeof(*iph));
	iph->version = 4;
	iph->ihl = 5;
	iph->tot_len = htons(skb->len);
	iph->frag_off = htons(IP_DF);
	iph->ttl = 64;
	iph->protocol = IPPROTO_XTCP;
	iph->saddr = SADDR;
	iph->daddr = DADDR;
	ip_send_check(iph);

	eth = skb_push(skb, ETH_HLEN);
	skb_reset_mac_header(skb);
	memset(eth, 0, ETH_HLEN);
	eth->h_proto = htons(ETH_P_IP);
	skb->protocol = htons(ETH_P_IP);

	xtcp_csum_set_partial(skb, SADDR, DADDR);
	skb_shinfo(skb)->gso_size = mss;
	skb_shinfo(skb)->gso_segs = segs;
	skb_shinfo(skb)->gso_type = XTCP_GSO_TYPE;
}

/* A linear super-packet of @len payload bytes. */
static struct sk_buff *linear_super(unsigned int mss, unsigned int len, u8 flags,
				    enum super_kind kind)
{
	struct sk_buff *skb = alloc_skb(HDRS + 64 + len, GFP_KERNEL);
	unsigned int i;
	u8 *p;

	if (!skb)
		return NULL;
	skb_reserve(skb, HDRS + 64);
	p = skb_put(skb, len);
	for (i = 0; i < len; i++)
		p[i] = payload_byte(i);
	push_headers(skb, mss, DIV_ROUND_UP(len, mss), flags, kind);
	return skb;
}

/* A super-packet as XTCP sends it: headers, then one skb per segment. */
static struct sk_buff *fraglist_super(unsigned int mss, unsigned int len, u8 flags,
				      enum super_kind kind)
{
	struct sk_buff *skb = alloc_skb(HDRS + 64, GFP_KERNEL), *tail = NULL;
	unsigned int off, i;

	if (!skb)
		return NULL;
	skb_reserve(skb, HDRS + 64);
	for (off = 0; off < len; off += mss) {
		unsigned int n = min(mss, len - off);
		struct sk_buff *m = alloc_skb(n, GFP_KERNEL);
		u8 *p;

		if (!m) {
			kfree_skb(skb);
			return NULL;
		}
		p = skb_put(m, n);
		for (i = 0; i < n; i++)
			p[i] = payload_byte(off + i);
		if (tail)
			tail->next = m;
		else
			skb_shinfo(skb)->frag_list = m;
		tail = m;
		skb->len += n;
		skb->data_len += n;
		skb->truesize += m->truesize;
	}
	push_headers(skb, mss, DIV_ROUND_UP(len, mss), flags, kind);
	return skb;
}

/* The checksum of @tlen bytes of XTCP segment at @thoff in @seg, over the
 * pseudo-header @kind calls for: 0 when it is right.
 */
static __sum16 segment_csum(struct sk_buff *seg, unsigned int thoff,
			    unsigned int tlen, enum super_kind kind)
{
	__wsum sum = skb_checksum(seg, thoff, tlen, 0);

	if (kind == SUPER_V4)
		return xtcp_v4_csum(SADDR, DADDR, tlen, sum);
	return xtcp_v6_csum(&saddr6, seed_daddr6(kind), tlen, sum);
}

/* Segment @skb for a device with @features and check every segment. */
static void check_segments(struct kunit *test, struct sk_buff *skb,
			   netdev_features_t features, unsigned int mss,
			   unsigned int len, bool want_partial,
			   enum super_kind kind)
{
	unsigned int off = 0, n = 0, want_segs = DIV_ROUND_UP(len, mss);
	struct sk_buff *segs, *seg, *next;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	segs = skb_gso_segment(skb, features);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(segs));
	kfree_skb(skb);

	for (seg = segs; seg; seg = next) {
		unsigned int thoff = skb_transport_offset(seg);
		unsigned int tlen = seg->len - thoff;
		unsigned int plen = tlen - sizeof(struct tcphdr);
		const struct tcphdr *th = tcp_hdr(seg);
		bool last = !seg->next;
		u8 flags = xtcp_flag_byte(th);
		unsigned int i;
		__sum16 sum;
		u8 b;

		next = seg->next;
		KUNIT_EXPECT_EQ(test, plen, last ? len - off : mss);
		KUNIT_EXPECT_EQ(test, ntohl(th->seq), SEQ0 + off);
		if (kind == SUPER_V4) {
			const struct iphdr *iph = ip_hdr(seg);

			KUNIT_EXPECT_EQ(test, ntohs(iph->tot_len),
					seg->len - ETH_HLEN);
			KUNIT_EXPECT_EQ(test, ip_fast_csum(iph, iph->ihl), 0);
		} else {
			KUNIT_EXPECT_EQ(test, ntohs(ipv6_hdr(seg)->payload_len),
					tlen);
			KUNIT_EXPECT_EQ(test, thoff,
					ETH_HLEN + sizeof(struct ipv6hdr));
		}
		KUNIT_EXPECT_TRUE(test, flags & XTCP_FLAG_ACK);
		KUNIT_EXPECT_EQ(test, !!(flags & (XTCP_FLAG_FIN | XTCP_FLAG_PSH)), last);
		KUNIT_EXPECT_EQ(test, !!th->cwr, !n);
		KUNIT_EXPECT_EQ(test, seg->ip_summed == CHECKSUM_PARTIAL, want_partial);
		if (seg->ip_summed == CHECKSUM_PARTIAL)
			KUNIT_EXPECT_EQ(test, skb_checksum_help(seg), 0);
		th = tcp_hdr(seg);
		sum = segment_csum(seg, thoff, tlen, kind);
		KUNIT_EXPECT_EQ(test, (__force u16)sum, 0);
		for (i = 0; i < plen; i += 97) {
			skb_copy_bits(seg, thoff + sizeof(*th) + i, &b, 1);
			KUNIT_EXPECT_EQ(test, b, payload_byte(off + i));
		}
		off += plen;
		n++;
		kfree_skb(seg);
	}
	KUNIT_EXPECT_EQ(test, n, want_segs);
	KUNIT_EXPECT_EQ(test, off, len);
}

#define FLAGS	(XTCP_FLAG_ACK | XTCP_FLAG_PSH | XTCP_FLAG_FIN | 0x80 /* CWR */)
#define SW	0
#define IPCSUM	(NETIF_F_SG | NETIF_F_IP_CSUM)
#define HWCSUM	(NETIF_F_SG | NETIF_F_HW_CSUM)

/* One segmentation to check: how the super-packet is built, the device. */
struct gso_param {
	enum super_kind kind;
	bool fraglist;
	unsigned int mss;
	unsigned int len;
	netdev_features_t features;
	bool partial;	/* segments left CHECKSUM_PARTIAL */
};

static void check_params(struct kunit *test, const struct gso_param *p,
			 unsigned int n)
{
	struct sk_buff *skb;

	for (; n; n--, p++) {
		if (p->fraglist)
			skb = fraglist_super(p->mss, p->len, FLAGS, p->kind);
		else
			skb = linear_super(p->mss, p->len, FLAGS, p->kind);
		check_segments(test, skb, p->features, p->mss, p->len,
			       p->partial, p->kind);
	}
}

#define IP6CSUM	(NETIF_F_SG | NETIF_F_IPV6_CSUM)

static void xtcp_gso_segment__linear(struct kunit *test)
{
	/* A device that sums nothing, one that sums TCP and UDP only: XTCP
	 * sums in software; one that sums anything gets partial checksums.
	 * Then an exact multiple of an odd MSS.
	 */
	static const struct gso_param p[] = {
		{ SUPER_V4, false, 1000, 3500, SW, false },
		{ SUPER_V4, false, 1000, 3500, IPCSUM, false },
		{ SUPER_V4, false, 1000, 3500, HWCSUM, true },
		{ SUPER_V4, false, 999, 2997, IPCSUM, false },
	};

	check_params(test, p, ARRAY_SIZE(p));
}

static void xtcp_gso_segment__fraglist(struct kunit *test)
{
	static const struct gso_param p[] = {
		{ SUPER_V4, true, 1460, 5000, SW, false },
		{ SUPER_V4, true, 1460, 5000, IPCSUM, false },
		{ SUPER_V4, true, 1460, 5000, HWCSUM, true },
		{ SUPER_V4, true, 1460, 2920, HWCSUM, true },
	};

	check_params(test, p, ARRAY_SIZE(p));
}

static void xtcp6_gso_segment__linear(struct kunit *test)
{
	static const struct gso_param p[] = {
		{ SUPER_V6, false, 1000, 3500, SW, false },
		{ SUPER_V6, false, 1000, 3500, IP6CSUM, false },
		{ SUPER_V6, false, 1000, 3500, HWCSUM, true },
		{ SUPER_V6, false, 999, 2997, IP6CSUM, false },
	};

	check_params(test, p, ARRAY_SIZE(p));
}

static void xtcp6_gso_segment__fraglist(struct kunit *test)
{
	static const struct gso_param p[] = {
		{ SUPER_V6, true, 1440, 5000, SW, false },
		{ SUPER_V6, true, 1440, 5000, HWCSUM, true },
		{ SUPER_V6, true, 1440, 2880, HWCSUM, true },
	};

	check_params(test, p, ARRAY_SIZE(p));
}

static void xtcp6_gso_segment__keeps_the_seed(struct kunit *test)
{
	/* The sender summed a final destination the IP header does not
	 * show (a routing header's): every segment keeps it. No seed at
	 * all (a packet socket's): the IP header's addresses.
	 */
	static const struct gso_param p[] = {
		{ SUPER_V6_FINAL, false, 1000, 3500, SW, false },
		{ SUPER_V6_FINAL, true, 1440, 5000, HWCSUM, true },
		{ SUPER_V6_NONE, false, 1000, 3500, SW, false },
		{ SUPER_V6_NONE, false, 1000, 3500, HWCSUM, true },
	};

	check_params(test, p, ARRAY_SIZE(p));
}

static void xtcp_gso_segment__bad_input(struct kunit *test)
{
	struct sk_buff *skb = linear_super(1000, 3000, XTCP_FLAG_ACK, SUPER_V4);
	struct sk_buff *segs;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	/* No TCPv4 bit: refused, not cut up as something else. */
	skb_shinfo(skb)->gso_type = SKB_GSO_SCTP;
	segs = skb_gso_segment(skb, SW);
	KUNIT_EXPECT_TRUE(test, IS_ERR(segs));
	kfree_skb(skb);

	/* IPv6 without the TCPv6 bit (an IPv4 type on an IPv6 packet). */
	skb = linear_super(1000, 3000, XTCP_FLAG_ACK, SUPER_V6);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_shinfo(skb)->gso_type = XTCP_GSO_TYPE;
	segs = skb_gso_segment(skb, SW);
	KUNIT_EXPECT_TRUE(test, IS_ERR(segs));
	kfree_skb(skb);
}

static struct kunit_case xtcp_offload_cases[] = {
	KUNIT_CASE(xtcp_gso_size_goal__device_bound),
	KUNIT_CASE(xtcp_gso_size_goal__half_window),
	KUNIT_CASE(xtcp_gso_size_goal__at_least_one),
	KUNIT_CASE(xtcp_gso_segment__linear),
	KUNIT_CASE(xtcp_gso_segment__fraglist),
	KUNIT_CASE(xtcp6_gso_segment__linear),
	KUNIT_CASE(xtcp6_gso_segment__fraglist),
	KUNIT_CASE(xtcp6_gso_segment__keeps_the_seed),
	KUNIT_CASE(xtcp_gso_segment__bad_input),
	{}
};

static struct kunit_suite xtcp_offload_suite = {
	.name = "xtcp_offload",
	.test_cases = xtcp_offload_cases,
};

kunit_test_suites(&xtcp_offload_suite);
