// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP offloads: segmentation of XTCP super-packets (GSO) for IP protocol
 * xtcp_ipproto, registered with inet_add_offload().
 *
 * Which devices may carry a super-packet
 * ======================================
 * An XTCP super-packet has TCP's header layout, so most of the stack can
 * treat it as TCP would: skb_gso_transport_seglen() (and through it
 * skb_gso_validate_network_len(), which decides whether a forwarded
 * super-packet fits the next MTU), qdisc_pkt_len_init() and
 * gso_features_check() look at SKB_GSO_TCPV4 and then read the header's
 * data offset, which is where TCP has it. That much says SKB_GSO_TCPV4.
 *
 * But a device with NETIF_F_TSO would be given the super-packet to cut up
 * itself, and a NIC's TSO engine writes IPPROTO_TCP into the pseudo-header
 * of every segment's checksum (e1000 in our test guest does): every
 * segment would arrive with a bad checksum. So XTCP_GSO_TYPE adds
 * SKB_GSO_SCTP, a type that only software devices advertise (it is part of
 * NETIF_F_GSO_SOFTWARE; no NIC driver in 6.1 sets NETIF_F_GSO_SCTP):
 * net_gso_ok() wants every bit of gso_type in the device's features, so
 * veth, loopback, bridges, bonds, macvlan and the like (all of which pass
 * the skb on to another device or to the stack) take the super-packet as
 * it is, and for every other device validate_xmit_skb() calls
 * skb_gso_segment(), which inet_gso_segment() dispatches by IP protocol to
 * xtcp4_gso_segment() below. The other readers of SKB_GSO_SCTP test it
 * only on SCTP packets (act_csum's SCTP action, the SCTP input path) or
 * make the stack segment the skb in software first (nfnetlink_queue), which
 * is right for XTCP too. skb_gso_transport_seglen() tests the TCP bits
 * first, so it uses XTCP's header length, not SCTP's.
 *
 * A socket builds super-packets only when its route's device could take
 * them or segment them in software: sk->sk_gso_type is XTCP_GSO_TYPE, so
 * sk_can_gso() fails when the device has NETIF_F_GSO off (ethtool -K dev
 * gso off), as for TCP.
 *
 * Checksums
 * =========
 * A super-packet always leaves the socket CHECKSUM_PARTIAL, with XTCP's
 * csum_start and csum_offset (xtcp_csum_set_partial()). Segmenting, each
 * segment gets the same partial checksum when the device sums any protocol
 * (NETIF_F_HW_CSUM); otherwise (a device that sums TCP and UDP only, or
 * none) skb_segment() sums each segment's payload while it copies or
 * clones it, and the header is added here: each byte is summed once, and
 * no segment is left to a device that would sum it as TCP.
 */
#define pr_fmt(fmt) "xtcp: " fmt

#include <linux/skbuff.h>
#include <net/gro.h>
#include <net/ip.h>
#include <net/protocol.h>

#include "xtcp.h"

/**
 * xtcp_gso_size_goal() - how many segments one super-packet may carry
 * @gso_max_size: the route's sk_gso_max_size, bytes
 * @max_window: the largest window the peer offered, bytes
 * @mss: the sending MSS
 *
 * As tcp_xmit_size_goal() with tcp_bound_to_half_wnd(): no more than the
 * device takes, and no more than half the peer's largest window (all of a
 * small one), so that one super-packet does not fill the window alone and
 * the ACK clock keeps two in flight.
 *
 * Return: segments, at least 1.
 */
u32 xtcp_gso_size_goal(u32 gso_max_size, u32 max_window, u32 mss)
{
	u32 bytes = gso_max_size;

	if (!mss)
		return 1;
	if (max_window > XTCP_DEFAULT_MSS)
		bytes = min(bytes, max_window / 2);
	else
		bytes = min(bytes, max_window);
	return max(bytes / mss, 1U);
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_gso_size_goal);

/* Finish one segment's header: sequence number, flags and checksum. */
static void xtcp_gso_fix_segment(struct sk_buff *seg, u32 seq, bool first,
				 bool last, bool sw_csum)
{
	const struct iphdr *iph = ip_hdr(seg);
	struct tcphdr *th = tcp_hdr(seg);
	unsigned int len = seg->len - skb_transport_offset(seg);
	__sum16 pseudo;

	th->seq = htonl(seq);
	if (!first)
		th->cwr = 0;
	if (!last) {
		th->fin = 0;
		th->psh = 0;
	}
	th->check = 0;
	if (!sw_csum) {
		xtcp_csum_set_partial(seg, iph->saddr, iph->daddr);
		return;
	}
	/* skb_segment() left the payload's sum in SKB_GSO_CB(seg)->csum.
	 * Seed the field with the pseudo-header and fold in the header, as
	 * gso_make_checksum() does, so that an outer header (a tunnel) finds
	 * SKB_GSO_CB() as it expects.
	 */
	seg->ip_summed = CHECKSUM_NONE;
	pseudo = csum_fold(csum_tcpudp_nofold(iph->saddr, iph->daddr, len,
					      xtcp_ipproto, 0));
	th->check = ~pseudo;
	th->check = gso_make_checksum(seg, csum_unfold(pseudo));
}

/*
 * Cut an XTCP super-packet into gso_size segments. Called by
 * inet_gso_segment() with skb->data at the XTCP header and the IP header
 * already pulled. Anything may reach here (a packet socket can hand the
 * stack a "TCPv4" GSO packet of protocol 253), so check what we use.
 */
static struct sk_buff *xtcp4_gso_segment(struct sk_buff *skb,
					 netdev_features_t features)
{
	unsigned int mss = skb_shinfo(skb)->gso_size;
	struct sk_buff *segs, *seg;
	unsigned int thlen;
	struct tcphdr *th;
	bool sw_csum;
	u32 seq;

	if (!(skb_shinfo(skb)->gso_type & SKB_GSO_TCPV4) || !mss)
		return ERR_PTR(-EINVAL);
	if (!pskb_may_pull(skb, sizeof(*th)))
		return ERR_PTR(-EINVAL);
	th = tcp_hdr(skb);
	thlen = th->doff * 4;
	if (thlen < sizeof(*th) || !pskb_may_pull(skb, thlen))
		return ERR_PTR(-EINVAL);
	th = tcp_hdr(skb);
	seq = ntohl(th->seq);

	/* Sum in software unless the device sums any protocol. */
	sw_csum = !(features & NETIF_F_HW_CSUM);
	features &= ~NETIF_F_GSO_PARTIAL;
	if (sw_csum)
		features &= ~NETIF_F_CSUM_MASK;

	__skb_pull(skb, thlen);
	segs = skb_segment(skb, features);
	if (IS_ERR_OR_NULL(segs))
		return segs;

	for (seg = segs; seg; seg = seg->next) {
		unsigned int plen = seg->len - skb_transport_offset(seg) - thlen;

		xtcp_gso_fix_segment(seg, seq, seg == segs, !seg->next, sw_csum);
		seq += plen;
	}
	return segs;
}

static const struct net_offload xtcp_offload = {
	.callbacks = {
		.gso_segment	= xtcp4_gso_segment,
	},
};

/**
 * xtcp_offload_init() - register XTCP's segmentation offload
 *
 * Return: 0 or a negative errno (the protocol number has an offload).
 */
int xtcp_offload_init(void)
{
	return inet_add_offload(&xtcp_offload, xtcp_ipproto);
}

/**
 * xtcp_offload_exit() - unregister it; waits for users to finish
 */
void xtcp_offload_exit(void)
{
	inet_del_offload(&xtcp_offload, xtcp_ipproto);
	synchronize_net();
}
