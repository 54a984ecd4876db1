// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for XTCP's offloads (xtcp_offload.c): how many segments one
 * super-packet may carry, and how the stack's skb_gso_segment() cuts one
 * up through xtcp4_gso_segment(): sequence numbers, flags, and a valid
 * XTCP checksum on every segment for each kind of device (generic
 * checksum, TCP/UDP-only checksum, none), from a linear super-packet and
 * from one built as XTCP's sender builds them (a frag_list of segments).
 */
#include <kunit/test.h>
#include <linux/etherdevice.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <net/checksum.h>
#include <net/ip.h>

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
#define HDRS	(ETH_HLEN + sizeof(struct iphdr) + sizeof(struct tcphdr))

static u8 payload_byte(unsigned int i)
{
	return (u8)(i * 7 + 3);
}

/* Headers in front of @skb's payload, CHECKSUM_PARTIAL as XTCP sends. */
static void push_headers(struct sk_buff *skb, unsigned int mss,
			 unsigned int segs, u8 flags)
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
static struct sk_buff *linear_super(unsigned int mss, unsigned int len, u8 flags)
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
	push_headers(skb, mss, DIV_ROUND_UP(len, mss), flags);
	return skb;
}

/* A super-packet as XTCP sends it: headers, then one skb per segment. */
static struct sk_buff *fraglist_super(unsigned int mss, unsigned int len, u8 flags)
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
	push_headers(skb, mss, DIV_ROUND_UP(len, mss), flags);
	return skb;
}

/* Segment @skb for a device with @features and check every segment. */
static void check_segments(struct kunit *test, struct sk_buff *skb,
			   netdev_features_t features, unsigned int mss,
			   unsigned int len, bool want_partial)
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
		const struct iphdr *iph = ip_hdr(seg);
		const struct tcphdr *th = tcp_hdr(seg);
		bool last = !seg->next;
		u8 flags = xtcp_flag_byte(th);
		unsigned int i;
		__sum16 sum;
		u8 b;

		next = seg->next;
		KUNIT_EXPECT_EQ(test, plen, last ? len - off : mss);
		KUNIT_EXPECT_EQ(test, ntohl(th->seq), SEQ0 + off);
		KUNIT_EXPECT_EQ(test, ntohs(iph->tot_len), seg->len - ETH_HLEN);
		KUNIT_EXPECT_EQ(test, ip_fast_csum(iph, iph->ihl), 0);
		KUNIT_EXPECT_TRUE(test, flags & XTCP_FLAG_ACK);
		KUNIT_EXPECT_EQ(test, !!(flags & (XTCP_FLAG_FIN | XTCP_FLAG_PSH)), last);
		KUNIT_EXPECT_EQ(test, !!th->cwr, !n);
		KUNIT_EXPECT_EQ(test, seg->ip_summed == CHECKSUM_PARTIAL, want_partial);
		if (seg->ip_summed == CHECKSUM_PARTIAL)
			KUNIT_EXPECT_EQ(test, skb_checksum_help(seg), 0);
		th = tcp_hdr(seg);
		sum = xtcp_v4_csum(SADDR, DADDR, tlen,
				   skb_checksum(seg, thoff, tlen, 0));
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

static void xtcp_gso_segment__linear(struct kunit *test)
{
	/* A device that sums nothing, one that sums TCP and UDP only: XTCP
	 * sums in software; one that sums anything gets partial checksums.
	 */
	check_segments(test, linear_super(1000, 3500, FLAGS), SW, 1000, 3500, false);
	check_segments(test, linear_super(1000, 3500, FLAGS), IPCSUM, 1000, 3500, false);
	check_segments(test, linear_super(1000, 3500, FLAGS), HWCSUM, 1000, 3500, true);
	/* Exact multiple, odd MSS. */
	check_segments(test, linear_super(999, 2997, FLAGS), IPCSUM, 999, 2997, false);
}

static void xtcp_gso_segment__fraglist(struct kunit *test)
{
	check_segments(test, fraglist_super(1460, 5000, FLAGS), SW, 1460, 5000, false);
	check_segments(test, fraglist_super(1460, 5000, FLAGS), IPCSUM, 1460, 5000, false);
	check_segments(test, fraglist_super(1460, 5000, FLAGS), HWCSUM, 1460, 5000, true);
	check_segments(test, fraglist_super(1460, 2920, FLAGS), HWCSUM, 1460, 2920, true);
}

static void xtcp_gso_segment__bad_input(struct kunit *test)
{
	struct sk_buff *skb = linear_super(1000, 3000, XTCP_FLAG_ACK), *segs;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	/* No TCPv4 bit: refused, not cut up as something else. */
	skb_shinfo(skb)->gso_type = SKB_GSO_SCTP;
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
	KUNIT_CASE(xtcp_gso_segment__bad_input),
	{}
};

static struct kunit_suite xtcp_offload_suite = {
	.name = "xtcp_offload",
	.test_cases = xtcp_offload_cases,
};

kunit_test_suites(&xtcp_offload_suite);
