// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP send path: building headers and checksums, transmitting write-queue
 * segments within the congestion and peer windows (with Nagle and sender
 * silly-window avoidance), retransmissions, and the control segments a
 * connection sends (SYN, SYN-ACK, ACK, FIN, RST, window probes).
 *
 * Write-queue skbs hold their payload in page fragments, up to a
 * super-packet of several segments where the route takes GSO, else one
 * MSS (xtcp_fragment.c). An skb of several segments leaves as one GSO
 * super-packet, always CHECKSUM_PARTIAL. When the device of the route a
 * single segment takes checksums generically (NETIF_F_HW_CSUM: veth,
 * loopback, e1000, virtio with the host's help) it leaves with
 * CHECKSUM_PARTIAL and nobody on the host sums it; otherwise skb->csum
 * holds the payload's checksum, computed while copying from user space
 * into an skb of one MSS (or, once an skb was cut, when it is sent), so a
 * (re)transmission only sums the header. See xtcp_csum_offload() for why
 * sk_route_caps cannot tell, and xtcp_csum_set_partial() for why XTCP's
 * partial checksums start after the ports.
 */
#define pr_fmt(fmt) "xtcp: " fmt

#include <net/inet_connection_sock.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/route.h>

#include "xtcp.h"
#include "xtcp_trace.h"

/**
 * xtcp_v4_csum() - finish a segment checksum over the IPv4 pseudo-header
 * @saddr: source address
 * @daddr: destination address
 * @len: segment length, header included
 * @base: ones'-complement sum of the segment (header and payload)
 *
 * The pseudo-header carries XTCP's protocol number, not TCP's.
 *
 * Return: the value for the header's checksum field.
 */
__sum16 xtcp_v4_csum(__be32 saddr, __be32 daddr, unsigned int len, __wsum base)
{
	return csum_tcpudp_magic(saddr, daddr, len, xtcp_ipproto, base);
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_v4_csum);

/**
 * xtcp_v6_csum() - finish a segment checksum over the IPv6 pseudo-header
 * @saddr: source address
 * @daddr: destination address
 * @len: segment length, header included
 * @base: ones'-complement sum of the segment (header and payload)
 *
 * The pseudo-header's next header is XTCP's protocol number (RFC 8200 8.1).
 *
 * Return: the value for the header's checksum field.
 */
__sum16 xtcp_v6_csum(const struct in6_addr *saddr, const struct in6_addr *daddr,
		     unsigned int len, __wsum base)
{
	return csum_ipv6_magic(saddr, daddr, len, xtcp_ipproto, base);
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_v6_csum);

/**
 * xtcp_csum_offload() - can the next segment of @sk leave CHECKSUM_PARTIAL?
 * @sk: the socket, locked (or bh-locked)
 *
 * Only a device that sums any protocol (NETIF_F_HW_CSUM) can finish
 * XTCP's checksum. A device with NETIF_F_IP_CSUM (8139cp, r8169 and many
 * other real NICs) sums TCP and UDP only: handed protocol 253 it warns and
 * drops the frame, or sends it with a wrong checksum.
 *
 * sk_route_caps does not tell them apart: sk_setup_caps() adds HW_CSUM
 * (with SG and GSO) for every socket that "can GSO", and a socket with no
 * sk_gso_type always can. So look at the device of the cached route
 * itself, without validating it: the transmit path validates it (an
 * IPv6 route only with the socket's dst_cookie; a check with 0 would
 * drop every IPv6 socket's route here), and a segment built for a route
 * that went stale is still correct on the new route's device (see
 * xtcp_csum_set_partial()).
 *
 * Return: true if the segment should leave with CHECKSUM_PARTIAL.
 */
bool xtcp_csum_offload(struct sock *sk)
{
	netdev_features_t features = 0;
	struct dst_entry *dst;

	rcu_read_lock();
	dst = __sk_dst_get(sk);
	if (dst)
		features = READ_ONCE(dst->dev)->features;
	rcu_read_unlock();
	return features & NETIF_F_HW_CSUM;
}

/**
 * xtcp_csum_set_partial() - leave a segment's checksum to the device
 * @skb: the segment, transport header set, checksum field zero
 * @saddr: source address
 * @daddr: destination address
 *
 * A device (or skb_checksum_help()) sums from csum_start to the end and
 * stores the result csum_offset bytes after csum_start. TCP starts at its
 * header with the field 16 bytes in; XTCP starts 4 bytes later, after the
 * ports, and folds the ports into the pseudo-header seed instead. The
 * result is the same checksum, but csum_offset is 12, not 16: the stack
 * hands a CHECKSUM_PARTIAL segment to a NETIF_F_IP_CSUM device only when
 * csum_offset is TCP's or UDP's (skb_csum_hwoffload_help()), so a segment
 * that reaches such a device after all (a route that changed under
 * ip_queue_xmit(), a bridge or bond that claims HW_CSUM over an IP_CSUM
 * port, a veth into another namespace that forwards) is summed in software
 * by the stack, once, instead of being sent wrong.
 */
void xtcp_csum_set_partial(struct sk_buff *skb, __be32 saddr, __be32 daddr)
{
	tcp_hdr(skb)->check =
		~xtcp_v4_csum(saddr, daddr, skb->len - skb_transport_offset(skb),
			      xtcp_csum_partial_prep(skb));
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_csum_set_partial);

/**
 * xtcp_csum_set_partial6() - leave a segment's checksum to the device, over
 *	IPv6
 * @skb: the segment, transport header set, checksum field zero
 * @saddr: source address
 * @daddr: destination address (the final one, past any routing header)
 *
 * xtcp_csum_set_partial() with the IPv6 pseudo-header.
 */
void xtcp_csum_set_partial6(struct sk_buff *skb, const struct in6_addr *saddr,
			    const struct in6_addr *daddr)
{
	tcp_hdr(skb)->check =
		~xtcp_v6_csum(saddr, daddr, skb->len - skb_transport_offset(skb),
			      xtcp_csum_partial_prep(skb));
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_csum_set_partial6);

/**
 * xtcp_csum_partial_prep() - the family-independent part of
 *	xtcp_csum_set_partial()
 * @skb: the segment, transport header set
 *
 * Return: the sum of the ports, to fold into the pseudo-header seed.
 */
__wsum xtcp_csum_partial_prep(struct sk_buff *skb)
{
	unsigned int skip = offsetof(struct tcphdr, seq);

	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = skb_transport_header(skb) - skb->head + skip;
	skb->csum_offset = offsetof(struct tcphdr, check) - skip;
	return csum_partial(tcp_hdr(skb), skip, 0);
}

/**
 * xtcp_v4_send_check() - checksum a segment of @sk over IPv4
 * @sk: the socket
 * @skb: the segment: CHECKSUM_PARTIAL to leave the sum to the device,
 *	else CHECKSUM_NONE with skb->csum the sum of header and payload
 */
void xtcp_v4_send_check(struct sock *sk, struct sk_buff *skb)
{
	const struct inet_sock *inet = inet_sk(sk);

	if (skb->ip_summed == CHECKSUM_PARTIAL)
		xtcp_csum_set_partial(skb, inet->inet_saddr, inet->inet_daddr);
	else
		tcp_hdr(skb)->check = xtcp_v4_csum(inet->inet_saddr,
						   inet->inet_daddr, skb->len,
						   skb->csum);
}

/* The payload checksum of a write-queue skb, computed now if the copy did
 * not compute it (the route offloaded checksums when it was filled).
 */
static __wsum xtcp_payload_csum(const struct sk_buff *skb)
{
	if (skb->ip_summed == CHECKSUM_NONE)
		return skb->csum;
	return skb_checksum(skb, 0, skb->len, 0);
}

/* Fill the header in front of @skb's payload and checksum the segment. */
static void xtcp_build_header(struct sock *sk, struct sk_buff *skb, u32 seq,
			      u8 flags, unsigned int opt_len, bool offload,
			      __wsum payload_csum)
{
	const struct inet_sock *inet = inet_sk(sk);
	struct xtcp_sock *xs = xtcp_sk(sk);
	unsigned int hlen, sack_len = 0;
	struct tcphdr *th;

	if (!(flags & (XTCP_FLAG_SYN | XTCP_FLAG_RST)) &&
	    sk->sk_state != TCP_SYN_SENT)
		sack_len = xtcp_sack_opt_len(sk, skb->len, opt_len);
	opt_len += sack_len;
	hlen = sizeof(struct tcphdr) + opt_len;

	th = skb_push(skb, hlen);
	skb_reset_transport_header(skb);
	memset(th, 0, sizeof(*th));
	th->source = inet->inet_sport;
	th->dest = inet->inet_dport;
	th->seq = htonl(seq);
	th->doff = hlen / 4;
	if (sk->sk_state != TCP_SYN_SENT) {
		flags |= XTCP_FLAG_ACK;
		th->ack_seq = htonl(xs->rcv_nxt);
	}
	xtcp_flag_byte(th) = flags;
	if (!(flags & XTCP_FLAG_RST)) {
		/* The window of a SYN or SYN-ACK is never scaled. */
		u8 wscale = flags & XTCP_FLAG_SYN ? 0 : xs->rcv_wscale;

		xs->rcv_wnd = xtcp_select_window(sk);
		if (!wscale)
			xs->rcv_wnd = min(xs->rcv_wnd, XTCP_MAX_WINDOW);
		xs->rcv_wup = xs->rcv_nxt;
		th->window = htons(xtcp_wscale_field(xs->rcv_wnd, wscale));
	}
	if (opt_len) {
		u8 *opt = (u8 *)(th + 1);

		/* Linux's layout (tcp_options_write()): MSS, SACK-permitted
		 * and timestamps, window scale on a SYN; timestamps, then
		 * SACK blocks on other segments.
		 */
		if (flags & XTCP_FLAG_SYN)
			opt += xtcp_write_syn_options(opt, xs->advmss);
		if (xs->tstamp_ok) {
			xtcp_tstamp_write_sk(sk, opt);
			if (flags & XTCP_FLAG_SYN)
				xtcp_sack_write_syn(opt, xs->sack_ok, true);
			opt += XTCP_OLEN_TSTAMP_ALIGNED;
		} else if (flags & XTCP_FLAG_SYN) {
			opt += xtcp_sack_write_syn(opt, xs->sack_ok, false);
		}
		if (flags & XTCP_FLAG_SYN) {
			if (xs->wscale_ok)
				xtcp_wscale_write(opt, xs->rcv_wscale);
		} else if (sack_len) {
			xtcp_sack_write_blocks(sk, opt, sack_len);
		}
	}

	if (offload) {
		/* The device (or the stack, should the route move) sums it. */
		skb->ip_summed = CHECKSUM_PARTIAL;
	} else {
		skb->ip_summed = CHECKSUM_NONE;
		skb->csum = csum_partial(th, hlen, payload_csum);
	}
	/* Over the pseudo-header of the socket's family (v4 or v6). */
	inet_csk(sk)->icsk_af_ops->send_check(sk, skb);
	if (flags & XTCP_FLAG_ACK) {
		xs->ack_pending = 0;
		xs->ack_held = 0;
	}
}

/* Hand a finished segment to IP. Consumes @skb. */
static int xtcp_queue_xmit(struct sock *sk, struct sk_buff *skb)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	int err;

	xtcp_tsq_set_owner(skb, sk);
	xs->segs_out++;
	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_OUTSEGS);
	if (tcp_hdr(skb)->rst)
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_OUTRSTS);
	/* ip_queue_xmit(), or inet6_csk_xmit() for an IPv6 socket. */
	err = inet_csk(sk)->icsk_af_ops->queue_xmit(sk, skb,
						    &inet_sk(sk)->cork.fl);
	return net_xmit_eval(err);
}

/**
 * xtcp_transmit_skb() - send (a copy of) a write-queue segment
 * @sk: the socket, locked
 * @skb: the segment; stays on the write queue for retransmission
 * @gfp: allocation mode
 *
 * Return: 0 or a negative errno (the segment stays queued either way).
 */
int xtcp_transmit_skb(struct sock *sk, struct sk_buff *skb, gfp_t gfp)
{
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	unsigned int opt_len = 0;
	struct sk_buff *nskb;
	bool offload;

	/* A clone still in a queue below us shares the header room. */
	if (skb_cloned(skb))
		nskb = pskb_copy(skb, gfp);
	else
		nskb = skb_clone(skb, gfp);
	if (!nskb)
		return -ENOBUFS;

	if (cb->flags & XTCP_FLAG_SYN) {
		struct xtcp_sock *xs = xtcp_sk(sk);

		opt_len = XTCP_OLEN_MSS_ALIGNED;
		/* SACK-permitted takes the timestamps' NOPs when both go. */
		if (xs->sack_ok && !xs->tstamp_ok)
			opt_len += XTCP_OLEN_SACK_PERM + 2;
		if (xs->wscale_ok)
			opt_len += XTCP_OLEN_WSCALE_ALIGNED;
	}
	opt_len += xtcp_tstamp_opt_len(sk);
	/* Pages that are not ours (sendpage: page cache) are never summed
	 * here, as TCP never sums them: the device sums what it reads, or
	 * the stack a copy (skb_checksum_help() linearizes an skb with
	 * shared fragments), so the checksum covers the bytes that leave
	 * even if the page is rewritten meanwhile.
	 */
	offload = xtcp_csum_offload(sk) || skb_has_shared_frag(skb);
	if (xtcp_skb_pcount(skb) > 1) {
		/* Several segments: a super-packet, summed where it is cut
		 * (see xtcp_send_super()).
		 */
		skb_shinfo(nskb)->gso_size = cb->seg_size;
		skb_shinfo(nskb)->gso_segs = cb->pcount;
		skb_shinfo(nskb)->gso_type = sk->sk_gso_type;
		offload = true;
	} else {
		skb_shinfo(nskb)->gso_size = 0;
		skb_shinfo(nskb)->gso_segs = 0;
		skb_shinfo(nskb)->gso_type = 0;
	}
	xtcp_build_header(sk, nskb, cb->seq, cb->flags, opt_len, offload,
			  offload ? 0 : xtcp_payload_csum(skb));
	cb->tx_us = xtcp_clock_us(xtcp_sk(sk));
	return xtcp_queue_xmit(sk, nskb);
}

/* Send a segment of ours that carries no data: ACK, RST or probe. */
static void xtcp_send_control(struct sock *sk, u32 seq, u8 flags, gfp_t gfp)
{
	struct sk_buff *skb;

	skb = alloc_skb(XTCP_MAX_HEADER, gfp);
	if (!skb)
		return;
	skb_reserve(skb, XTCP_MAX_HEADER);
	xtcp_build_header(sk, skb, seq, flags, xtcp_tstamp_opt_len(sk),
			  xtcp_csum_offload(sk), 0);
	xtcp_queue_xmit(sk, skb);
}

/**
 * xtcp_send_ack() - send a pure ACK with the current window
 * @sk: the socket, locked, synchronized
 *
 * Its sequence number is snd_max, not snd_nxt: after an RTO snd_nxt goes
 * back to snd_una, below what the peer may already have received, and the
 * peer would drop the ACK as an old segment (RFC 9293 3.10.7.4, first
 * check). Two ends in that state at once would never hear each other.
 */
void xtcp_send_ack(struct sock *sk)
{
	if (sk->sk_state == TCP_CLOSE || sk->sk_state == TCP_SYN_SENT)
		return;
	xtcp_send_control(sk, xtcp_sk(sk)->snd_max, 0, GFP_ATOMIC);
}

/**
 * xtcp_send_probe() - a zero-window or keepalive probe
 * @sk: the socket, locked
 *
 * An ACK carrying the sequence number just below snd_una: the peer sees an
 * old segment and must answer with an ACK showing its current window.
 */
void xtcp_send_probe(struct sock *sk)
{
	xtcp_send_control(sk, xtcp_sk(sk)->snd_una - 1, 0, GFP_ATOMIC);
}

/**
 * xtcp_send_active_reset() - abort: send <SEQ=SND.NXT><CTL=RST,ACK>
 * @sk: the socket, locked
 * @gfp: allocation mode
 *
 * SND.NXT here is the highest sequence number sent (snd_max), as for
 * xtcp_send_ack().
 */
void xtcp_send_active_reset(struct sock *sk, gfp_t gfp)
{
	trace_xtcp_send_reset(sk, NULL, xtcp_sk(sk)->snd_max, sk->sk_state);
	xtcp_send_control(sk, xtcp_sk(sk)->snd_max, XTCP_FLAG_RST, gfp);
}

/* A new write-queue skb for control flags (SYN, FIN) without data: an
 * fclone, as sendmsg()'s, so its transmission's clone costs no allocation
 * and a copy still in a qdisc is seen (xtcp_tsq_in_host_queue()).
 */
static struct sk_buff *xtcp_alloc_ctl_skb(struct sock *sk, gfp_t gfp)
{
	struct sk_buff *skb = alloc_skb_fclone(XTCP_MAX_HEADER, gfp);

	if (!skb)
		return NULL;
	skb_reserve(skb, XTCP_MAX_HEADER);
	skb->csum = 0;
	skb->ip_summed = CHECKSUM_NONE;
	return skb;
}

/**
 * xtcp_queue_tail() - append a new, unsent skb to the write queue
 * @sk: the socket, locked
 * @skb: the skb, its control block filled
 *
 * Charges its memory to sk_wmem_queued and to sk_forward_alloc, which the
 * caller provided (sk_wmem_schedule() or xtcp_forced_mem_schedule()), and
 * makes it the send head if everything before it was sent.
 */
void xtcp_queue_tail(struct sock *sk, struct sk_buff *skb)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	__skb_queue_tail(&sk->sk_write_queue, skb);
	sk_wmem_queued_add(sk, skb->truesize);
	sk_mem_charge(sk, skb->truesize);
	if (!xs->send_head)
		xs->send_head = skb;
}

/**
 * xtcp_send_fin() - queue our FIN after any pending data and push it
 * @sk: the socket, locked, just moved to FIN_WAIT1 or LAST_ACK
 */
void xtcp_send_fin(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *tail = skb_peek_tail(&sk->sk_write_queue);

	if (tail && xs->send_head) {
		/* Unsent data: the FIN rides on the last segment. */
		XTCP_SKB_CB(tail)->flags |= XTCP_FLAG_FIN;
		XTCP_SKB_CB(tail)->end_seq++;
	} else {
		struct sk_buff *skb = xtcp_alloc_ctl_skb(sk, sk->sk_allocation |
							 __GFP_NOFAIL);

		XTCP_SKB_CB(skb)->seq = xs->write_seq;
		XTCP_SKB_CB(skb)->end_seq = xs->write_seq + 1;
		XTCP_SKB_CB(skb)->flags = XTCP_FLAG_FIN;
		XTCP_SKB_CB(skb)->sacked = 0;
		/* The FIN goes out whatever the memory limits say. */
		xtcp_forced_mem_schedule(sk, skb->truesize, SK_MEM_SEND);
		xtcp_queue_tail(sk, skb);
	}
	xs->write_seq++;
	xtcp_write_xmit(sk);
}

/**
 * xtcp_sync_mss() - recompute the MSS for a path MTU
 * @sk: the socket
 * @pmtu: the path MTU; 0 (no route yet) leaves the MSS as it is
 *
 * We advertise what our MTU allows; we send the smallest of that, what the
 * peer advertised and the user's XTCP_MAXSEG clamp. The MTU is remembered
 * in icsk_pmtu_cookie: this is also the socket's icsk_sync_mss callback,
 * which the IP layer calls with that cookie when the IP options (and so
 * icsk_ext_hdr_len) change.
 *
 * Return: the sending MSS.
 */
unsigned int xtcp_sync_mss(struct sock *sk, u32 pmtu)
{
	struct inet_connection_sock *icsk = inet_csk(sk);
	struct xtcp_sock *xs = xtcp_sk(sk);
	int mss;

	if (!pmtu)
		return xs->mss_cache;
	icsk->icsk_pmtu_cookie = pmtu;
	mss = (int)min_t(u32, pmtu, U16_MAX + 64U) -
	      (int)icsk->icsk_af_ops->net_header_len -
	      (int)sizeof(struct tcphdr) - (int)icsk->icsk_ext_hdr_len;
	mss = clamp_t(int, mss, XTCP_MIN_MSS, U16_MAX);
	if (xs->user_mss)
		mss = min_t(int, mss, xs->user_mss);
	xs->advmss = mss;
	if (xs->rx_mss)
		mss = min_t(int, mss, xs->rx_mss);
	/* Options on every segment take room from the payload. */
	mss -= xtcp_tstamp_opt_len(sk);
	xs->mss_cache = max_t(int, mss, XTCP_MIN_MSS);
	return xs->mss_cache;
}

/**
 * xtcp_current_mss() - the sending MSS, resynchronised with the route
 * @sk: the socket, locked
 *
 * As tcp_current_mss(): the route's MTU can change with no ICMP error for
 * this socket (a link or route MTU set lower, a PMTU exception learned by
 * another socket towards the same host). IPv6 then drops every segment
 * above the MTU in ip6_xmit() with no more than a local error, so a
 * sender that kept the old MSS would retransmit it forever. Segments
 * already queued are cut to the new size as they leave (xtcp_send_skb()).
 *
 * Return: the sending MSS.
 */
unsigned int xtcp_current_mss(struct sock *sk)
{
	const struct dst_entry *dst = __sk_dst_get(sk);
	u32 mtu = dst ? dst_mtu(dst) : 0;

	if (mtu && mtu != inet_csk(sk)->icsk_pmtu_cookie)
		return xtcp_sync_mss(sk, mtu);
	return xtcp_sk(sk)->mss_cache;
}

/* The send head @skb went out (or counts as sent): advance past it. */
static void xtcp_skb_sent(struct sock *sk, struct sk_buff *skb)
{
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	struct xtcp_sock *xs = xtcp_sk(sk);

	xs->snd_nxt = cb->end_seq;
	if (xtcp_seq_after(cb->end_seq, xs->snd_max))
		xs->snd_max = cb->end_seq;
	xs->packets_out += xtcp_skb_pcount(skb);
	xs->send_head = skb_queue_is_last(&sk->sk_write_queue, skb) ? NULL :
			skb_queue_next(&sk->sk_write_queue, skb);
}

/**
 * xtcp_connect() - queue and send the SYN of an active open
 * @sk: the socket, locked, hashed in SYN_SENT with its route set
 *
 * Return: 0 or -ENOBUFS.
 */
int xtcp_connect(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb;

	xtcp_init_xmit_state(sk);
	xs->sack_ok = !!READ_ONCE(xtcp_pernet(sock_net(sk))->sack);
	xs->rx_mss = 0;
	xtcp_tstamp_connect(sk);
	xtcp_sync_mss(sk, dst_mtu(__sk_dst_get(sk)));
	xtcp_wscale_connect(sk);
	xs->snd_una = xs->iss;
	xs->snd_nxt = xs->iss;
	xs->snd_max = xs->iss;
	xs->high_seq = xs->iss;
	xs->write_seq = xs->iss + 1;
	xs->snd_wnd = 0;
	xs->max_window = 0;
	xs->rcv_nxt = 0;
	xs->rcv_wup = 0;
	xs->copied_seq = 0;
	xs->fin_rcvd = 0;
	xs->ack_pending = 0;
	xs->ack_held = 0;
	xs->probes_out = 0;
	xs->total_retrans = 0;
	xs->bytes_acked = 0;
	xs->bytes_received = 0;
	xs->segs_in = 0;
	xs->segs_out = 0;

	skb = xtcp_alloc_ctl_skb(sk, sk->sk_allocation);
	if (!skb)
		return -ENOBUFS;
	XTCP_SKB_CB(skb)->seq = xs->iss;
	XTCP_SKB_CB(skb)->end_seq = xs->iss + 1;
	XTCP_SKB_CB(skb)->flags = XTCP_FLAG_SYN;
	XTCP_SKB_CB(skb)->sacked = 0;
	xtcp_forced_mem_schedule(sk, skb->truesize, SK_MEM_SEND);
	xtcp_queue_tail(sk, skb);
	xtcp_write_xmit(sk);
	if (xs->send_head == skb) {
		/* The SYN did not leave: a drop below us (qdisc, netfilter),
		 * no route, no memory. Count it as sent and lost so that the
		 * retransmission timer sends it again and, after syn_retries,
		 * gives up, as tcp_connect() does.
		 */
		xtcp_skb_sent(sk, skb);
		xtcp_rearm_rto(sk);
	}
	return 0;
}

/**
 * xtcp_make_synack() - build the SYN-ACK answering a request socket
 * @sk: the listener
 * @req: the request
 * @dst: the route, or NULL to look it up
 *
 * Return: the segment with its route attached, or NULL.
 */
struct sk_buff *xtcp_make_synack(const struct sock *sk, struct request_sock *req,
				 struct dst_entry *dst)
{
	struct xtcp_request_sock *xreq = xtcp_rsk(req);
	struct inet_request_sock *ireq = inet_rsk(req);
	struct sk_buff *skb;
	struct tcphdr *th;
	struct flowi4 fl4;
	unsigned int hlen;
	u32 mss, win;
	u8 *opt;

	if (!dst) {
		dst = inet_csk_route_req(sk, &fl4, req);
		if (!dst)
			return NULL;
	}
	skb = alloc_skb(XTCP_MAX_HEADER, GFP_ATOMIC);
	if (!skb) {
		dst_release(dst);
		return NULL;
	}
	skb_reserve(skb, XTCP_MAX_HEADER);
	skb_dst_set(skb, dst);

	mss = clamp_t(u32, dst_mtu(dst) -
		      (dst->ops->family == AF_INET6 ? sizeof(struct ipv6hdr) :
						      sizeof(struct iphdr)) -
		      sizeof(struct tcphdr), XTCP_MIN_MSS, U16_MAX);
	/* Not scaled: the SYN-ACK's window field never is. */
	win = xtcp_synack_window(sk, req, mss);

	hlen = sizeof(*th) + XTCP_OLEN_MSS_ALIGNED;
	if (ireq->tstamp_ok)
		hlen += XTCP_OLEN_TSTAMP_ALIGNED;
	else if (ireq->sack_ok)
		hlen += XTCP_OLEN_SACK_PERM + 2;
	if (ireq->wscale_ok)
		hlen += XTCP_OLEN_WSCALE_ALIGNED;
	th = skb_push(skb, hlen);
	skb_reset_transport_header(skb);
	memset(th, 0, sizeof(*th));
	th->source = htons(ireq->ir_num);
	th->dest = ireq->ir_rmt_port;
	th->seq = htonl(xreq->iss);
	th->ack_seq = htonl(xreq->irs + 1);
	th->doff = hlen / 4;
	xtcp_flag_byte(th) = XTCP_FLAG_SYN | XTCP_FLAG_ACK;
	th->window = htons(min(win, XTCP_MAX_WINDOW));
	/* Linux's layout: MSS, SACK-permitted and timestamps, window scale. */
	opt = (u8 *)(th + 1);
	opt += xtcp_write_syn_options(opt, mss);
	if (ireq->tstamp_ok)
		opt += xtcp_tstamp_write(opt, xtcp_tstamp_synack_tsval(req),
					 xreq->ts_recent) -
		       xtcp_sack_write_syn(opt, ireq->sack_ok, true);
	else if (ireq->sack_ok)
		opt += xtcp_sack_write_syn(opt, true, false);
	if (ireq->wscale_ok)
		xtcp_wscale_write(opt, ireq->rcv_wscale);
#if IS_ENABLED(CONFIG_IPV6)
	if (ireq->ireq_family == AF_INET6)
		th->check = xtcp_v6_csum(&ireq->ir_v6_loc_addr,
					 &ireq->ir_v6_rmt_addr, skb->len,
					 csum_partial(th, hlen, 0));
	else
#endif
		th->check = xtcp_v4_csum(ireq->ir_loc_addr, ireq->ir_rmt_addr,
					 skb->len, csum_partial(th, hlen, 0));
	return skb;
}

/* Transmit one write-queue skb and account for it. */
static int xtcp_send_skb(struct sock *sk, struct sk_buff *skb, bool advance)
{
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	struct xtcp_sock *xs = xtcp_sk(sk);
	bool retrans = xtcp_seq_before(cb->seq, xs->snd_max);
	u32 segs;
	int err;

	/* Its last copy has not left the host yet. */
	if (retrans && xtcp_tsq_in_host_queue(sk, skb))
		return -EBUSY;
	/* A retransmission is one segment (xtcp_fragment.c). */
	if (retrans && xtcp_skb_pcount(skb) > 1) {
		err = xtcp_unbundle(sk, skb, GFP_ATOMIC);
		if (err)
			return err;
	}
	/* Sent before the path MTU went down, or queued for a route that
	 * no longer takes GSO: cut it to size. A piece cut off a segment in
	 * flight is in flight too (xtcp_fragment() counts it).
	 */
	if (skb->len > xs->mss_cache && !(cb->flags & XTCP_FLAG_SYN) &&
	    (retrans || !sk_can_gso(sk))) {
		err = xtcp_fragment(sk, skb, xs->mss_cache, GFP_ATOMIC);
		if (err)
			return err;
	}
	if (!retrans)
		xtcp_skb_set_pcount(skb, xs->mss_cache);

	if (retrans) {
		xtcp_sack_on_retransmit(sk, skb);
		cb->sacked |= XTCP_SKB_RETRANS;
		xs->total_retrans++;
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_RETRANSSEGS);
		trace_xtcp_retransmit_skb(sk, cb->seq, cb->end_seq,
					  xs->ca_state == XTCP_CA_LOSS);
	}
	err = xtcp_transmit_skb(sk, skb, GFP_ATOMIC);
	if (err)
		return err;
	segs = xtcp_skb_pcount(skb);
	if (segs > 1) {
		xs->segs_out += segs - 1;
		XTCP_ADD_STATS(sock_net(sk), XTCP_MIB_OUTSEGS, segs - 1);
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_GSOSENDS);
	}
	xtcp_pacing_sent(sk, skb->len, segs);
	xtcp_prr_sent(sk, segs);
	if (advance)
		xtcp_skb_sent(sk, skb);
	return 0;
}

/**
 * xtcp_retransmit_skb() - retransmit one segment in place (fast retransmit)
 * @sk: the socket, locked
 * @skb: a sent, unacknowledged write-queue skb
 *
 * Return: 0 or a negative errno.
 */
int xtcp_retransmit_skb(struct sock *sk, struct sk_buff *skb)
{
	xtcp_clock_refresh(xtcp_sk(sk));
	xtcp_current_mss(sk);
	return xtcp_send_skb(sk, skb, false);
}

/**
 * xtcp_send_new_one() - send the send head now, a tail loss probe
 * @sk: the socket, locked
 *
 * Past the congestion window, Nagle and a cork (RFC 8985 7.3), within
 * the peer's window.
 *
 * Return: 0 if it left, -EAGAIN if nothing may go, or a negative errno.
 */
int xtcp_send_new_one(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb;

	xtcp_current_mss(sk);
	while ((skb = xs->send_head) && xtcp_sack_skip_sent(sk, skb))
		xtcp_skb_sent(sk, skb);
	if (!skb)
		return -EAGAIN;
	/* One segment of new data (RFC 8985 7.3). */
	if (skb->len > xs->mss_cache &&
	    !xtcp_seq_before(XTCP_SKB_CB(skb)->seq, xs->snd_max) &&
	    xtcp_fragment(sk, skb, xs->mss_cache, GFP_ATOMIC))
		return -ENOBUFS;
	if (xtcp_seq_after(XTCP_SKB_CB(skb)->end_seq, xs->snd_una + xs->snd_wnd))
		return -EAGAIN;
	return xtcp_send_skb(sk, skb, true);
}

/* Nagle (RFC 9293 3.7.4): hold a small segment while data is in flight;
 * TCP_CORK and MSG_MORE hold it even with nothing in flight.
 */
static bool xtcp_nagle_holds(const struct sock *sk, const struct sk_buff *skb)
{
	const struct xtcp_sock *xs = xtcp_sk(sk);
	const struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);

	if (xs->push_once || (cb->flags & (XTCP_FLAG_FIN | XTCP_FLAG_SYN)))
		return false;
	if (skb->len >= xs->mss_cache ||
	    !skb_queue_is_last(&sk->sk_write_queue, skb))
		return false;
	return xs->cork || xs->more || (!xs->nodelay && xs->packets_out);
}

/*
 * The write-queue skbs that can leave with @first in one super-packet:
 * consecutive data skbs, each a full MSS but the last, within the
 * congestion window, the peer's window, the size goal and Nagle.
 * Return: the last of them (@first if none can join it).
 */
static struct sk_buff *xtcp_super_last(struct sock *sk, struct sk_buff *first,
				       unsigned int *segs)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 wnd_end = xs->snd_una + xs->snd_wnd;
	unsigned int mss = xs->mss_cache;
	struct sk_buff *last = first, *skb;
	unsigned int max_segs;

	max_segs = min3(xtcp_gso_size_goal(sk->sk_gso_max_size, xs->max_window, mss),
			(unsigned int)sk->sk_gso_max_segs,
			xs->snd_cwnd - xtcp_packets_in_flight(xs));
	max_segs = min(max_segs, xtcp_pacing_max_segs(sk));
	*segs = 1;
	while (*segs < max_segs && last->len == mss &&
	       !skb_queue_is_last(&sk->sk_write_queue, last)) {
		const struct xtcp_skb_cb *cb;

		skb = skb_queue_next(&sk->sk_write_queue, last);
		cb = XTCP_SKB_CB(skb);
		if (!skb->len || skb->len > mss || xtcp_skb_pcount(skb) > 1 ||
		    (cb->flags & XTCP_FLAG_SYN) ||
		    xtcp_seq_after(cb->end_seq, wnd_end))
			break;
		/* Nagle, as xtcp_nagle_holds() with @first in flight. */
		if (!xs->nodelay && skb->len < mss && !(cb->flags & XTCP_FLAG_FIN) &&
		    skb_queue_is_last(&sk->sk_write_queue, skb))
			break;
		last = skb;
		(*segs)++;
	}
	return last;
}

/*
 * Send the send head @first and the skbs after it that may go with it as
 * one GSO super-packet: a header of its own with clones of the write-queue
 * skbs in its frag_list, each of them one segment (gso_size is the MSS).
 * See xtcp_offload.c for the gso_type and where it gets segmented.
 * Return: the number of write-queue skbs sent; 0 if @first goes alone
 * (xtcp_send_skb()); a negative errno if nothing was sent.
 */
static int xtcp_send_super(struct sock *sk, struct sk_buff *first)
{
	struct xtcp_skb_cb *fcb = XTCP_SKB_CB(first);
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *head, *last, *skb, *tail = NULL;
	unsigned int segs;
	u32 now_us, len;
	u8 flags;
	int err;

	if (!sk_can_gso(sk) || first->len != xs->mss_cache ||
	    xtcp_skb_pcount(first) > 1 || (fcb->flags & XTCP_FLAG_SYN))
		return 0;
	last = xtcp_super_last(sk, first, &segs);
	if (segs < 2)
		return 0;
	if (xtcp_seq_before(fcb->seq, xs->snd_max) &&
	    xtcp_tsq_in_host_queue(sk, first))
		return -EBUSY;

	head = alloc_skb(XTCP_MAX_HEADER, GFP_ATOMIC);
	if (!head)
		return -ENOBUFS;
	skb_reserve(head, XTCP_MAX_HEADER);
	for (skb = first; ; skb = skb_queue_next(&sk->sk_write_queue, skb)) {
		struct sk_buff *c = skb_clone(skb, GFP_ATOMIC);

		if (!c) {
			kfree_skb(head);
			return -ENOBUFS;
		}
		/* Owned, not charged: xtcp_tsq_in_host_queue() sees this
		 * copy while it waits below us; xtcp_wfree() of the head
		 * ends that.
		 */
		c->sk = sk;
		if (tail)
			tail->next = c;
		else
			skb_shinfo(head)->frag_list = c;
		tail = c;
		head->len += c->len;
		head->data_len += c->len;
		head->truesize += c->truesize;
		if (skb == last)
			break;
	}
	skb_shinfo(head)->gso_size = xs->mss_cache;
	skb_shinfo(head)->gso_segs = segs;
	/* XTCP_GSO_TYPE, or XTCP_GSO_TYPE6 for IPv6 on the wire. */
	skb_shinfo(head)->gso_type = sk->sk_gso_type;

	flags = (fcb->flags & ~(XTCP_FLAG_PSH | XTCP_FLAG_FIN)) |
		(XTCP_SKB_CB(last)->flags & (XTCP_FLAG_PSH | XTCP_FLAG_FIN));
	/* A super-packet is always CHECKSUM_PARTIAL: it is summed by the
	 * device that takes it whole, or per segment by xtcp_gso_segment(),
	 * which copies this header, options and all, into every segment:
	 * each carries the timestamps, and no SACK blocks (no room in a
	 * full-sized segment, as for one sent alone).
	 */
	xtcp_build_header(sk, head, fcb->seq, flags, xtcp_tstamp_opt_len(sk),
			  true, 0);

	now_us = xtcp_clock_us(xs);
	for (skb = first; ; skb = skb_queue_next(&sk->sk_write_queue, skb)) {
		struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);

		cb->tx_us = now_us;
		xtcp_skb_set_pcount(skb, xs->mss_cache);
		if (xtcp_seq_before(cb->seq, xs->snd_max)) {
			/* Go-back-N: counted for the timeout's undo too. */
			xtcp_sack_on_retransmit(sk, skb);
			cb->sacked |= XTCP_SKB_RETRANS;
			xs->total_retrans++;
			XTCP_INC_STATS(sock_net(sk), XTCP_MIB_RETRANSSEGS);
		}
		if (skb == last)
			break;
	}
	len = head->data_len;	/* the payload: the frag_list clones */
	err = xtcp_queue_xmit(sk, head);
	/* A local drop (NET_XMIT_DROP, positive) sent nothing either: not a
	 * count of skbs sent, or the caller would send the same head again
	 * at once, for as long as the qdisc or tc rule drops.
	 */
	if (err)
		return err < 0 ? err : -ENOBUFS;
	xtcp_pacing_sent(sk, len, segs);
	xtcp_prr_sent(sk, segs);
	xs->segs_out += segs - 1;
	XTCP_ADD_STATS(sock_net(sk), XTCP_MIB_OUTSEGS, segs - 1);
	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_GSOSENDS);
	do {
		skb = xs->send_head;
		xtcp_skb_sent(sk, skb);
	} while (skb != last);
	return segs;
}

/*
 * Cut the unsent skb @skb of several segments to what may leave now as one
 * super-packet (tcp_tso_segs() and tcp_mss_split_point()): the congestion
 * window's room, the peer's window in whole segments, the size goal, the
 * pacing burst (xtcp_pacing_max_segs()), and Nagle, which holds a short
 * last segment of the last skb once the full ones are in flight (RFC 9293
 * 3.7.4, as xtcp_nagle_holds() for a segment of its own). A window with
 * less than a segment of room is left to the caller's SWS rule.
 * Return: 0, or -ENOMEM.
 */
static int xtcp_cut_to_send(struct sock *sk, struct sk_buff *skb)
{
	const struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 wnd_end = xs->snd_una + xs->snd_wnd;
	u32 mss = xs->mss_cache, limit;

	limit = mss * min3(xs->snd_cwnd - xtcp_packets_in_flight(xs),
			   xtcp_size_goal(sk) / mss, xtcp_pacing_max_segs(sk));
	if (xtcp_seq_after(wnd_end, cb->seq) && wnd_end - cb->seq >= mss)
		limit = min(limit, rounddown(wnd_end - cb->seq, mss));
	/* The full segments leave, so data will be in flight: Nagle holds
	 * the short one after them, as it would a segment of its own.
	 */
	if (limit >= skb->len && skb->len % mss &&
	    skb_queue_is_last(&sk->sk_write_queue, skb) && !xs->push_once &&
	    !(cb->flags & XTCP_FLAG_FIN) &&
	    (xs->cork || xs->more || !xs->nodelay))
		limit = rounddown(skb->len, mss);
	if (!limit || limit >= skb->len)
		return 0;
	return xtcp_fragment(sk, skb, limit, GFP_ATOMIC);
}

/**
 * xtcp_write_xmit() - send what the windows allow
 * @sk: the socket, locked
 *
 * Sends unsent write-queue segments while the congestion window has room
 * and the segment fits the peer's window. With nothing in flight and a
 * window too small, or a transmission that failed locally, arms the
 * persist timer instead: something queued and unacknowledged always has a
 * timer.
 */
void xtcp_write_xmit(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	bool sent = false, paced = false;
	struct sk_buff *skb;
	unsigned int burst;
	int n;

	if (sk->sk_state == TCP_CLOSE || sk->sk_state == TCP_LISTEN)
		return;

	if (xs->send_head)
		xtcp_clock_refresh(xs);
	xtcp_current_mss(sk);
	while ((skb = xs->send_head)) {
		struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
		u32 wnd_end = xs->snd_una + xs->snd_wnd;

		if (xtcp_sack_skip_sent(sk, skb)) {
			xtcp_skb_sent(sk, skb);
			continue;
		}
		if (xtcp_packets_in_flight(xs) >= xs->snd_cwnd)
			break;
		/* Internal pacing: the pacing timer resumes the loop. Before
		 * the cut, which sizes the skb for a departure now.
		 */
		if (xtcp_pacing_hold(sk)) {
			paced = true;
			break;
		}
		if (skb->len > xs->mss_cache &&
		    !xtcp_seq_before(cb->seq, xs->snd_max) &&
		    xtcp_cut_to_send(sk, skb))
			break;
		if (xtcp_seq_after(cb->end_seq, wnd_end) && !(cb->flags & XTCP_FLAG_SYN)) {
			u32 room = xtcp_seq_after(wnd_end, cb->seq) ? wnd_end - cb->seq : 0;

			/* Sender SWS avoidance: a partial segment only when
			 * nothing else is in flight to reopen the window.
			 */
			if (xs->packets_out || !room || room >= skb->len ||
			    xtcp_fragment(sk, skb, room, GFP_ATOMIC)) {
				if (!xs->packets_out)
					xtcp_arm_probe(sk);
				break;
			}
		}
		if (xtcp_nagle_holds(sk, skb))
			break;
		/* Small queues: the freeing of what waits below us resumes
		 * the loop (xtcp_tsq.c). Sizes as one super-packet would be.
		 */
		burst = sk_can_gso(sk) && skb->len <= xs->mss_cache ?
			xtcp_pacing_max_segs(sk) : 1;
		if (xtcp_tsq_hold(sk, skb->truesize * burst))
			break;
		n = xtcp_send_super(sk, skb);
		if (n < 0 || (!n && xtcp_send_skb(sk, skb, true)))
			break;
		sent = true;
	}
	/* The tail loss probe (RFC 8985 7.2), or else the RTO if it is not
	 * running (RFC 6298 5.1).
	 */
	if (sent)
		xtcp_rack_on_send(sk);
	/* Data (or a FIN) waits with nothing in flight and no timer: the
	 * transmission failed below us (a qdisc or netfilter drop, no
	 * route, no memory). No ACK will come to clock it out: the persist
	 * timer tries again (tcp_check_probe_timer()).
	 */
	else if (xs->send_head && !xs->packets_out && !paced &&
		 xs->rtx_mode == XTCP_RTX_NONE)
		xtcp_arm_probe(sk);
}

/**
 * xtcp_go_back_n() - send everything unacknowledged again, from snd_una
 * @sk: the socket, locked
 *
 * After an RTO (the caller has already reduced the congestion window) or a
 * path MTU decrease, the segments in flight are taken as lost.
 */
void xtcp_go_back_n(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xtcp_sack_go_back_n(sk);
	xs->snd_nxt = xs->snd_una;
	xs->send_head = skb_peek(&sk->sk_write_queue);
	xs->packets_out = 0;
	xtcp_write_xmit(sk);
}

/**
 * xtcp_undo_go_back_n() - take back a go-back-N: the rest is in flight again
 * @sk: the socket, locked
 *
 * After a timeout found spurious (xtcp_undo.c): the segments between
 * snd_nxt and snd_max that go-back-N has not sent again were never lost.
 * They count as in flight from their last transmission, as if go-back-N
 * had passed over them (SACKed ones as SACKed), and new data follows
 * snd_max. An skb that grew past snd_max since (a FIN added to the tail
 * by close() after go-back-N, xtcp_send_fin()) was never sent whole: it
 * stays the send head, to go out again with its FIN.
 */
void xtcp_undo_go_back_n(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb;

	while ((skb = xs->send_head) &&
	       !xtcp_seq_after(XTCP_SKB_CB(skb)->end_seq, xs->snd_max)) {
		if (XTCP_SKB_CB(skb)->sacked & XTCP_SKB_SACKED)
			xs->sack.sacked_out++;
		xtcp_skb_sent(sk, skb);
	}
}

/**
 * xtcp_write_queue_purge() - drop every queued segment (abort, close)
 * @sk: the socket, locked
 */
void xtcp_write_queue_purge(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb;

	while ((skb = __skb_dequeue(&sk->sk_write_queue)))
		xtcp_wmem_free_skb(sk, skb);
	sk_mem_reclaim(sk);
	xs->send_head = NULL;
	xs->packets_out = 0;
	xtcp_sack_purge(sk);
}
