// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP offloads for IP protocol (IPv6 next header) xtcp_ipproto,
 * registered with inet_add_offload() and inet6_add_offload(): segmentation
 * of XTCP super-packets (GSO) and aggregation of received segments into
 * them (GRO), over IPv4 and IPv6.
 *
 * As the kernel's TCP splits tcp_offload.c from tcpv6_offload.c, the work
 * is shared and the families add only their part: xtcp_gso_segment() and
 * xtcp_gro_receive() are the same for both; xtcp4_* and xtcp6_* check the
 * family's gso_type bit, validate or seed checksums over their
 * pseudo-header and finish GRO packets. ipv6_gso_segment() and
 * ipv6_gro_complete() set the IPv6 payload length around them, as
 * inet_gso_segment() and inet_gro_complete() set IPv4's total length.
 *
 * Which devices may carry a super-packet
 * ======================================
 * An XTCP super-packet has TCP's header layout, so most of the stack can
 * treat it as TCP would: skb_gso_transport_seglen() (and through it
 * skb_gso_validate_network_len(), which decides whether a forwarded
 * super-packet fits the next MTU), qdisc_pkt_len_init() and
 * gso_features_check() look at SKB_GSO_TCPV4 and then read the header's
 * data offset, which is where TCP has it. That much says SKB_GSO_TCPV4
 * (SKB_GSO_TCPV6 over IPv6: XTCP_GSO_TYPE6, read the same way).
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
 * skb_gso_segment(), which inet_gso_segment() (ipv6_gso_segment())
 * dispatches by IP protocol (next header) to xtcp4_gso_segment()
 * (xtcp6_gso_segment()) below. The other readers of SKB_GSO_SCTP test it
 * only on SCTP packets (act_csum's SCTP action, the SCTP input path) or
 * make the stack segment the skb in software first (nfnetlink_queue), which
 * is right for XTCP too. skb_gso_transport_seglen() tests the TCP bits
 * first, so it uses XTCP's header length, not SCTP's.
 *
 * A socket builds super-packets only when its route's device could take
 * them or segment them in software: sk->sk_gso_type is XTCP_GSO_TYPE, so
 * sk_can_gso() fails when the device has NETIF_F_GSO off (ethtool -K dev
 * gso off), as for TCP. An IPv6 socket's is XTCP_GSO_TYPE6, and
 * XTCP_GSO_TYPE again once it talks IPv4 (v4-mapped).
 *
 * Checksums
 * =========
 * A super-packet always leaves the socket CHECKSUM_PARTIAL, with XTCP's
 * csum_start and csum_offset (xtcp_csum_set_partial()). Segmenting, each
 * segment gets the same partial checksum when the device sums any protocol
 * (NETIF_F_HW_CSUM); otherwise (a device that sums TCP and UDP only, or
 * none) skb_segment() sums each segment's payload while it copies or
 * clones it, and the header is added here: each byte is summed once, and
 * no segment is left to a device that would sum it as TCP. Each segment's
 * pseudo-header is the super-packet's seed with the length changed, as
 * tcp_gso_segment() does, not one rebuilt from the IP header: the seed
 * has the addresses the sender summed, the final destination where an
 * IPv6 routing header (or an IPv4 source route) puts another in the IP
 * header. A super-packet without XTCP's seed (from a packet socket) is
 * seeded from its IP header first.
 *
 * GRO
 * ===
 * xtcp_gro_receive() aggregates in-sequence data segments of one
 * connection that differ in nothing but sequence number and PSH (same ACK,
 * window, header length, options; no other flag), as tcp_gro_receive()
 * does, once xtcp4_gro_receive() or xtcp6_gro_receive() has validated the
 * checksum over its family's pseudo-header; xtcp4_gro_complete() and
 * xtcp6_gro_complete() turn the aggregate into a super-packet like the
 * ones XTCP sends (XTCP_GSO_TYPE or XTCP_GSO_TYPE6, XTCP's partial
 * checksum), so one that is forwarded instead of delivered is cut up by
 * xtcp_gso_segment(). The kernel's skb_gro_receive() is not exported, so
 * segments are chained on the aggregate's frag_list (its fallback).
 * Unloading: inet_del_offload(), inet6_del_offload() and synchronize_net()
 * stop new aggregation; an aggregate still held on a busy NAPI instance at
 * that moment would meet no gro_complete: inet_gro_complete() (or
 * ipv6_gro_complete()) warns and the aggregate is dropped. No XTCP socket
 * is left to miss it by then (the module cannot go while one exists), so
 * only the warning remains; TCP's offload is never unloaded and has no such
 * window.
 */
#define pr_fmt(fmt) "xtcp: " fmt

#include <linux/skbuff.h>
#include <net/gro.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ipv6.h>
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

/* XTCP's partial checksum starts after the ports (xtcp_csum_set_partial()). */
#define XTCP_CSUM_SKIP	offsetof(struct tcphdr, seq)

/*
 * Does @skb carry XTCP's partial checksum, its field seeded with the sum of
 * the pseudo-header and the ports? Every super-packet XTCP sends and every
 * one its GRO builds does; one handed to the stack by a packet socket may
 * not.
 */
static bool xtcp_gso_seeded(const struct sk_buff *skb)
{
	return skb->ip_summed == CHECKSUM_PARTIAL &&
	       skb_checksum_start_offset(skb) ==
	       skb_transport_offset(skb) + XTCP_CSUM_SKIP &&
	       skb->csum_offset == offsetof(struct tcphdr, check) - XTCP_CSUM_SKIP;
}

/* Finish one segment's header: sequence number, flags and checksum. @pseudo
 * is the sum of the super-packet's pseudo-header, without the ports, for
 * @oldlen bytes of XTCP header and payload.
 */
static void xtcp_gso_fix_segment(struct sk_buff *seg, u32 seq, bool first,
				 bool last, bool sw_csum, __wsum pseudo,
				 unsigned int oldlen)
{
	struct tcphdr *th = tcp_hdr(seg);
	unsigned int len = seg->len - skb_transport_offset(seg);
	__sum16 folded;

	th->seq = htonl(seq);
	if (!first)
		th->cwr = 0;
	if (!last) {
		th->fin = 0;
		th->psh = 0;
	}
	/* The same pseudo-header but for the length (tcp_gso_segment()'s
	 * delta): IPv4's 16-bit and IPv6's 32-bit length sum alike.
	 */
	pseudo = csum_add(csum_sub(pseudo, (__force __wsum)htonl(oldlen)),
			  (__force __wsum)htonl(len));
	th->check = 0;
	if (!sw_csum) {
		th->check = ~csum_fold(csum_add(pseudo,
						xtcp_csum_partial_prep(seg)));
		return;
	}
	/* skb_segment() left the payload's sum in SKB_GSO_CB(seg)->csum.
	 * Seed the field with the pseudo-header and fold in the header, as
	 * gso_make_checksum() does, so that an outer header (a tunnel) finds
	 * SKB_GSO_CB() as it expects.
	 */
	seg->ip_summed = CHECKSUM_NONE;
	folded = csum_fold(pseudo);
	th->check = ~folded;
	th->check = gso_make_checksum(seg, csum_unfold(folded));
}

/*
 * The super-packet @gso_skb of an XTCP socket was cut into @segs: charge
 * each segment to the socket with xtcp_wfree(), as tcp_gso_segment() does
 * for tcp_wfree(), so that the small-queue accounting (xtcp_tsq.c) ends
 * when the last segment leaves the host, not now, when the stack frees
 * @gso_skb. The last segment takes @gso_skb's owner and charge; the
 * others add theirs, and sk_wmem_alloc moves by the difference.
 */
static void xtcp_gso_move_owner(struct sk_buff *gso_skb, struct sk_buff *segs)
{
	struct sock *sk = gso_skb->sk;
	unsigned int sum = 0;
	struct sk_buff *seg;
	int delta;

	for (seg = segs; seg->next; seg = seg->next) {
		seg->destructor = xtcp_wfree;
		seg->sk = sk;
		sum += seg->truesize;
	}
	swap(gso_skb->sk, seg->sk);
	swap(gso_skb->destructor, seg->destructor);
	sum += seg->truesize;
	delta = sum - gso_skb->truesize;
	/* The segments may together be smaller than the super-packet. */
	if (likely(delta >= 0))
		refcount_add(delta, &sk->sk_wmem_alloc);
	else
		WARN_ON_ONCE(refcount_sub_and_test(-delta, &sk->sk_wmem_alloc));
}

/*
 * Cut an XTCP super-packet into gso_size segments: the part both families
 * share. Called from xtcp4_gso_segment() and xtcp6_gso_segment() with
 * skb->data at the XTCP header (which they checked) and the checksum
 * field seeded (xtcp_gso_seeded()). Each segment's pseudo-header is the
 * super-packet's with its own length: the seed already holds the
 * addresses the sender summed (the final destination past an IPv6 routing
 * header or an IPv4 source route), which the IP header may not.
 */
static struct sk_buff *xtcp_gso_segment(struct sk_buff *skb,
					netdev_features_t features)
{
	struct tcphdr *th = tcp_hdr(skb);
	unsigned int thlen = th->doff * 4;
	unsigned int oldlen = skb->len;
	struct sk_buff *segs, *seg;
	u32 seq = ntohl(th->seq);
	__wsum pseudo;
	bool sw_csum;

	pseudo = csum_sub(csum_unfold(th->check),
			  csum_partial(th, XTCP_CSUM_SKIP, 0));

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

		xtcp_gso_fix_segment(seg, seq, seg == segs, !seg->next, sw_csum,
				     pseudo, oldlen);
		seq += plen;
	}
	if (skb->destructor == xtcp_wfree)
		xtcp_gso_move_owner(skb, segs);
	return segs;
}

/*
 * The checks both families make before segmenting: a gso_size, the
 * family's gso_type bit, and a whole XTCP header. Anything may reach here
 * (a packet socket can hand the stack a "TCPv4" GSO packet of protocol
 * 253), so check what we use. Return: 0 or a negative errno.
 */
static int xtcp_gso_check(struct sk_buff *skb, unsigned int gso_bit)
{
	unsigned int thlen;

	if (!(skb_shinfo(skb)->gso_type & gso_bit) ||
	    !skb_shinfo(skb)->gso_size)
		return -EINVAL;
	if (!pskb_may_pull(skb, sizeof(struct tcphdr)))
		return -EINVAL;
	thlen = tcp_hdr(skb)->doff * 4;
	if (thlen < sizeof(struct tcphdr) || !pskb_may_pull(skb, thlen))
		return -EINVAL;
	return 0;
}

/*
 * IPv4: called by inet_gso_segment() with skb->data at the XTCP header
 * and the IP header pulled.
 */
static struct sk_buff *xtcp4_gso_segment(struct sk_buff *skb,
					 netdev_features_t features)
{
	const struct iphdr *iph = ip_hdr(skb);
	int err = xtcp_gso_check(skb, SKB_GSO_TCPV4);

	if (err)
		return ERR_PTR(err);
	if (!xtcp_gso_seeded(skb)) {
		tcp_hdr(skb)->check = 0;
		xtcp_csum_set_partial(skb, iph->saddr, iph->daddr);
	}
	return xtcp_gso_segment(skb, features);
}

/*
 * Append @skb's payload to the GRO packet @p: @skb itself goes on @p's
 * frag_list (as the last resort of the kernel's skb_gro_receive(), which a
 * module cannot call). Return: 0, or a negative errno when @p is full or
 * the two cannot share.
 */
static int xtcp_gro_merge(struct sk_buff *p, struct sk_buff *skb)
{
	unsigned int offset = skb_gro_offset(skb);
	unsigned int headlen = skb_headlen(skb);
	unsigned int len = skb_gro_len(skb);
	struct sk_buff *lp = NAPI_GRO_CB(p)->last;
	unsigned int max = min_t(unsigned int, READ_ONCE(p->dev->gro_max_size),
				 GRO_LEGACY_MAX_SIZE);

	if (p->pp_recycle != skb->pp_recycle || skb_zcopy(p) || skb_zcopy(skb))
		return -ETOOMANYREFS;
	if (p->len + len >= max || NAPI_GRO_CB(skb)->flush)
		return -E2BIG;
	/* The header may end in the first page fragment (napi_gro_frags()). */
	if (offset > headlen) {
		unsigned int eat = offset - headlen;

		if (!skb_shinfo(skb)->nr_frags ||
		    skb_frag_size(&skb_shinfo(skb)->frags[0]) <= eat)
			return -EINVAL;
		skb_frag_off_add(&skb_shinfo(skb)->frags[0], eat);
		skb_frag_size_sub(&skb_shinfo(skb)->frags[0], eat);
		skb->data_len -= eat;
		skb->len -= eat;
		offset = headlen;
	}
	__skb_pull(skb, offset);
	/* Whatever owned @skb now belongs to the aggregate. */
	skb->destructor = NULL;
	skb->sk = NULL;
	if (lp == p)
		skb_shinfo(p)->frag_list = skb;
	else
		lp->next = skb;
	NAPI_GRO_CB(p)->last = skb;
	__skb_header_release(skb);

	NAPI_GRO_CB(p)->count++;
	p->data_len += len;
	p->len += len;
	p->truesize += skb->truesize;
	skb_shinfo(p)->flags |= skb_shinfo(skb)->flags & SKBFL_SHARED_FRAG;
	NAPI_GRO_CB(skb)->same_flow = 1;
	return 0;
}

/*
 * May segment @skb join the GRO packet @p of the same connection? Only
 * plain in-sequence data: the same ACK, window, header length and options,
 * no flag but ACK and PSH, the next sequence number, no longer than @p's
 * first segment, and IP IDs as inet_gro_receive() wants them.
 */
static bool xtcp_gro_can_merge(struct sk_buff *p, const struct tcphdr *th,
			       const struct tcphdr *th2, unsigned int thlen,
			       unsigned int len, struct sk_buff *skb)
{
	u8 flags = xtcp_flag_byte(th);

	if (NAPI_GRO_CB(p)->flush || skb_is_gso(skb) || !len ||
	    len > skb_shinfo(p)->gso_size)
		return false;
	if ((flags & ~XTCP_FLAG_PSH) != XTCP_FLAG_ACK ||
	    xtcp_flag_byte(th2) != XTCP_FLAG_ACK)
		return false;
	/* doff and the reserved bits, the ACK, the window, the options */
	if (((u8 *)th)[12] != ((u8 *)th2)[12] || th->ack_seq != th2->ack_seq ||
	    th->window != th2->window ||
	    memcmp(th + 1, th2 + 1, thlen - sizeof(*th)))
		return false;
	if (ntohl(th2->seq) + skb_gro_len(p) != ntohl(th->seq))
		return false;
#ifdef CONFIG_TLS_DEVICE
	if (p->decrypted != skb->decrypted)
		return false;
#endif
	/* inet_gro_receive() left the IP ID check to us: IDs that grow by
	 * one per segment, or (decided on the second segment, DF set) one
	 * fixed ID.
	 */
	if (NAPI_GRO_CB(p)->flush_id == 1 && NAPI_GRO_CB(p)->count == 1 &&
	    NAPI_GRO_CB(p)->is_atomic)
		NAPI_GRO_CB(p)->is_atomic = false;
	else if (NAPI_GRO_CB(p)->flush_id)
		return false;
	return true;
}

/*
 * GRO for XTCP, the part both families share: called once the family has
 * validated the checksum, with the IP header pulled.
 * Return: the held packet to deliver now, if any (the kernel's contract).
 */
static struct sk_buff *xtcp_gro_receive(struct list_head *head,
					struct sk_buff *skb)
{
	unsigned int off, thlen, len, mss = 1;
	struct sk_buff *p, *pp = NULL;
	struct tcphdr *th, *th2;
	int flush = 1;

	off = skb_gro_offset(skb);
	th = skb_gro_header(skb, off + sizeof(*th), off);
	if (!th)
		goto out;
	thlen = th->doff * 4;
	if (thlen < sizeof(*th))
		goto out;
	th = skb_gro_header(skb, off + thlen, off);
	if (!th)
		goto out;
	skb_gro_pull(skb, thlen);
	len = skb_gro_len(skb);

	list_for_each_entry(p, head, list) {
		if (!NAPI_GRO_CB(p)->same_flow)
			continue;
		th2 = tcp_hdr(p);
		if (th->source != th2->source || th->dest != th2->dest) {
			NAPI_GRO_CB(p)->same_flow = 0;
			continue;
		}
		mss = skb_shinfo(p)->gso_size;
		if (xtcp_gro_can_merge(p, th, th2, thlen, len, skb) &&
		    !xtcp_gro_merge(p, skb))
			xtcp_flag_byte(th2) |= xtcp_flag_byte(th) & XTCP_FLAG_PSH;
		else
			mss = 1;
		goto check_final;
	}
	p = NULL;
check_final:
	/* Hold a full-sized plain segment for more; deliver the rest now
	 * (a short segment ends a run: later ones could not join it).
	 */
	flush = len < mss ||
		(xtcp_flag_byte(th) & (XTCP_FLAG_URG | XTCP_FLAG_PSH |
				       XTCP_FLAG_RST | XTCP_FLAG_SYN |
				       XTCP_FLAG_FIN));
	if (p && (!NAPI_GRO_CB(skb)->same_flow || flush))
		pp = p;
out:
	NAPI_GRO_CB(skb)->flush |= flush;
	return pp;
}

/* IPv4 GRO: called by inet_gro_receive(). A bad checksum goes up alone,
 * for the protocol to count it.
 */
static struct sk_buff *xtcp4_gro_receive(struct list_head *head,
					 struct sk_buff *skb)
{
	if (!NAPI_GRO_CB(skb)->flush &&
	    skb_gro_checksum_validate(skb, xtcp_ipproto,
				      inet_gro_compute_pseudo)) {
		NAPI_GRO_CB(skb)->flush = 1;
		return NULL;
	}
	return xtcp_gro_receive(head, skb);
}

/*
 * Finish a GRO packet: a super-packet like the ones XTCP sends, so that if
 * it is forwarded rather than delivered it is segmented by
 * xtcp_gso_segment(), never by a NIC's TCP segmentation.
 */
static int xtcp4_gro_complete(struct sk_buff *skb, int thoff)
{
	const struct iphdr *iph = ip_hdr(skb);

	xtcp_csum_set_partial(skb, iph->saddr, iph->daddr);
	skb_shinfo(skb)->gso_segs = NAPI_GRO_CB(skb)->count;
	skb_shinfo(skb)->gso_type |= XTCP_GSO_TYPE;
	if (NAPI_GRO_CB(skb)->is_atomic)
		skb_shinfo(skb)->gso_type |= SKB_GSO_TCP_FIXEDID;
	return 0;
}

static const struct net_offload xtcp_offload = {
	.callbacks = {
		.gso_segment	= xtcp4_gso_segment,
		.gro_receive	= xtcp4_gro_receive,
		.gro_complete	= xtcp4_gro_complete,
	},
};

#if IS_ENABLED(CONFIG_IPV6)
/*
 * IPv6: called by ipv6_gso_segment() with skb->data at the XTCP header,
 * past the IPv6 header and any extension headers, which it fixes up
 * afterwards (payload length) as it does for TCP.
 */
static struct sk_buff *xtcp6_gso_segment(struct sk_buff *skb,
					 netdev_features_t features)
{
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);
	int err = xtcp_gso_check(skb, SKB_GSO_TCPV6);

	if (err)
		return ERR_PTR(err);
	if (!xtcp_gso_seeded(skb)) {
		tcp_hdr(skb)->check = 0;
		xtcp_csum_set_partial6(skb, &ip6h->saddr, &ip6h->daddr);
	}
	return xtcp_gso_segment(skb, features);
}

/* IPv6 GRO: called by ipv6_gro_receive(); as xtcp4_gro_receive(). */
static struct sk_buff *xtcp6_gro_receive(struct list_head *head,
					 struct sk_buff *skb)
{
	if (!NAPI_GRO_CB(skb)->flush &&
	    skb_gro_checksum_validate(skb, xtcp_ipproto,
				      ip6_gro_compute_pseudo)) {
		NAPI_GRO_CB(skb)->flush = 1;
		return NULL;
	}
	return xtcp_gro_receive(head, skb);
}

/* As xtcp4_gro_complete(); IPv6 has no IP ID to keep fixed. */
static int xtcp6_gro_complete(struct sk_buff *skb, int thoff)
{
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);

	xtcp_csum_set_partial6(skb, &ip6h->saddr, &ip6h->daddr);
	skb_shinfo(skb)->gso_segs = NAPI_GRO_CB(skb)->count;
	skb_shinfo(skb)->gso_type |= XTCP_GSO_TYPE6;
	return 0;
}

static const struct net_offload xtcp6_offload = {
	.callbacks = {
		.gso_segment	= xtcp6_gso_segment,
		.gro_receive	= xtcp6_gro_receive,
		.gro_complete	= xtcp6_gro_complete,
	},
};

static int xtcp6_offload_init(void)
{
	if (inet6_add_offload(&xtcp6_offload, xtcp_ipproto)) {
		pr_err("IPv6 next header %u already has an offload\n",
		       xtcp_ipproto);
		return -EEXIST;
	}
	return 0;
}

static void xtcp6_offload_exit(void)
{
	inet6_del_offload(&xtcp6_offload, xtcp_ipproto);
}
#else
static int xtcp6_offload_init(void)
{
	return 0;
}

static void xtcp6_offload_exit(void)
{
}
#endif

/**
 * xtcp_offload_init() - register XTCP's segmentation and GRO offloads for
 *	IPv4 and IPv6
 *
 * The IPv6 one is registered even when IPv6 is disabled at boot: the
 * kernel's IPv6 offloads are too, and nothing calls it then.
 *
 * Return: 0, or -EEXIST (the protocol number has an offload) with neither
 * left registered.
 */
int xtcp_offload_init(void)
{
	int err;

	if (inet_add_offload(&xtcp_offload, xtcp_ipproto)) {
		pr_err("IP protocol %u already has an offload\n", xtcp_ipproto);
		return -EEXIST;
	}
	err = xtcp6_offload_init();
	if (err)
		goto err_v4;
	return 0;

err_v4:
	inet_del_offload(&xtcp_offload, xtcp_ipproto);
	synchronize_net();
	return err;
}

/**
 * xtcp_offload_exit() - unregister them; waits for users to finish
 */
void xtcp_offload_exit(void)
{
	xtcp6_offload_exit();
	inet_del_offload(&xtcp_offload, xtcp_ipproto);
	synchronize_net();
}
