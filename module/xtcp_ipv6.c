// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP over IPv6: the inet6 protocol handler (next header = XTCP's
 * protocol number), socket(AF_INET6, SOCK_STREAM, IPPROTO_XTCP), active and
 * passive open over IPv6, resets and TIME_WAIT ACKs over IPv6, ICMPv6
 * errors and path MTU, flow labels.
 *
 * An AF_INET6 socket without IPV6_V6ONLY is dual-stack, as TCP's: it
 * connects to v4-mapped addresses over IPv4 (its icsk_af_ops switch to
 * xtcp_ipv6_mapped) and, listening, takes SYNs arriving over IPv4, whose
 * children are AF_INET6 sockets with v4-mapped addresses.
 *
 * The state machine, input and output are the IPv4 ones: they reach the
 * family through icsk_af_ops (queue_xmit, send_check, net_header_len,
 * mtu_reduced, conn_request, syn_recv_sock) and, for segments without a
 * socket, through skb->protocol (xtcp_skb_is_v6()). SYN cookies work as
 * over IPv4 (xtcp_syncookies.c hashes the IPv6 addresses).
 *
 * Flow labels (RFC 6437) as TCP's: ip6_xmit() puts np->flow_label, or an
 * automatic label (net.ipv6.auto_flowlabels), on every segment;
 * connect() takes a label from sin6_flowinfo under IPV6_FLOWINFO_SEND,
 * one the socket leased when exclusive leases are in use;
 * net.ipv6.flowlabel_reflect bit 0 makes a listener's SYN-ACK and child
 * reflect the peer's label, bit 1 a RST the label of what it answers.
 * Not done: TIME_WAIT ACKs carry an automatic label, not the socket's.
 */
#define pr_fmt(fmt) "xtcp: " fmt

#include <linux/bpf-cgroup.h>
#include <linux/icmpv6.h>
#include <linux/siphash.h>
#include <net/addrconf.h>
#include <net/inet6_connection_sock.h>
#include <net/inet6_hashtables.h>
#include <net/inet_hashtables.h>
#include <net/inet_common.h>
#include <net/inet_ecn.h>
#include <net/ip6_checksum.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/protocol.h>
#include <net/transp_v6.h>
#include <net/xfrm.h>

#include "xtcp.h"
#include "xtcp_trace.h"

/* An IPv6 XTCP socket: the IPv6 part must come last (inet6_sk_generic()). */
struct xtcp6_sock {
	struct xtcp_sock xtcp;
	struct ipv6_pinfo inet6;
};

static struct proto xtcpv6_prot;
static struct request_sock_ops xtcp6_request_sock_ops;
static struct timewait_sock_ops xtcp6_timewait_sock_ops;
static const struct inet_connection_sock_af_ops xtcp_ipv6_af_ops;
static const struct inet_connection_sock_af_ops xtcp_ipv6_mapped;
static siphash_aligned_key_t xtcp_isn6_key;

/**
 * xtcp_v6_tuple_hash() - SipHash of an IPv6 4-tuple
 * @saddr: local address
 * @daddr: remote address
 * @sport: local port
 * @dport: remote port
 * @key: the key
 *
 * Return: the low 32 bits of the hash.
 */
u32 xtcp_v6_tuple_hash(const struct in6_addr *saddr,
		       const struct in6_addr *daddr, __be16 sport,
		       __be16 dport, const siphash_key_t *key)
{
	const struct {
		struct in6_addr saddr;
		struct in6_addr daddr;
		__be16 sport;
		__be16 dport;
	} __aligned(SIPHASH_ALIGNMENT) tuple = {
		.saddr = *saddr,
		.daddr = *daddr,
		.sport = sport,
		.dport = dport,
	};

	return siphash(&tuple, offsetofend(typeof(tuple), dport), key);
}

/* RFC 6528 over the IPv6 4-tuple (xtcp_isn() for IPv4). */
static u32 xtcp_v6_isn(const struct in6_addr *saddr,
		       const struct in6_addr *daddr, __be16 sport, __be16 dport)
{
	net_get_random_once(&xtcp_isn6_key, sizeof(xtcp_isn6_key));
	return xtcp_v6_tuple_hash(saddr, daddr, sport, dport, &xtcp_isn6_key) +
	       xtcp_isn_clock();
}

static void xtcp_v6_send_check(struct sock *sk, struct sk_buff *skb)
{
	const struct ipv6_pinfo *np = inet6_sk(sk);
	unsigned int len = skb->len - skb_transport_offset(skb);

	if (skb->ip_summed == CHECKSUM_PARTIAL)
		xtcp_csum_set_partial6(skb, &np->saddr, &sk->sk_v6_daddr);
	else
		tcp_hdr(skb)->check = xtcp_v6_csum(&np->saddr, &sk->sk_v6_daddr,
						   len, skb->csum);
}

/**
 * xtcp_v6_send_ctl() - a RST or ACK over IPv6 without a full socket
 * @net: the namespace
 * @in_skb: the IPv6 segment being answered
 * @seq: our sequence number
 * @ack: our acknowledgment number
 * @flags: XTCP_FLAG_*
 * @win: the window field, already scaled
 * @ts: TSval and TSecr, or NULL
 * @sk: the socket, request socket or TIME_WAIT minisock concerned, or NULL
 *
 * It leaves by @sk's bound device with its mark and priority
 * (xtcp_ctl_marks()); without a bound device a link-local peer is answered
 * through the arrival device, and one reached through a VRF in that VRF
 * (xtcp_ctl_oif()). A TIME_WAIT minisock's goes as its connection's did:
 * also its traffic class, flow label and flow hash (tcp_v6_timewait_ack());
 * any other with the answered segment's traffic class
 * (tcp_v6_send_response()).
 */
void xtcp_v6_send_ctl(struct net *net, struct sk_buff *in_skb, u32 seq,
		      u32 ack, u8 flags, u32 win, const u32 *ts,
		      const struct sock *sk)
{
	const struct ipv6hdr *ip6h = ipv6_hdr(in_skb);
	struct sock *ctl_sk = xtcp_pernet(net)->ctl_sk6;
	const struct inet_timewait_sock *tw = NULL;
	const struct tcphdr *th = tcp_hdr(in_skb);
	u8 tclass = ipv6_get_dsfield(ip6h);
	struct dst_entry *dst;
	u32 mark, priority;
	struct sk_buff *skb;
	struct flowi6 fl6;
	int oif;

	if (sk && sk->sk_state == TCP_TIME_WAIT) {
		tw = inet_twsk(sk);
		tclass = tw->tw_tclass;
	}
	oif = sk ? READ_ONCE(sk->sk_bound_dev_if) : 0;
	xtcp_ctl_marks(sk, in_skb, &mark, &priority);

	skb = xtcp_ctl_skb(in_skb, seq, ack, flags, win, ts);
	if (!skb)
		return;
	tcp_hdr(skb)->check = xtcp_v6_csum(&ip6h->daddr, &ip6h->saddr, skb->len,
					   csum_partial(skb->data, skb->len, 0));

	memset(&fl6, 0, sizeof(fl6));
	fl6.daddr = ip6h->saddr;
	fl6.saddr = ip6h->daddr;
	fl6.flowi6_proto = xtcp_ipproto;
	if (!oif && rt6_need_strict(&fl6.daddr))
		fl6.flowi6_oif = inet6_iif(in_skb);
	else
		fl6.flowi6_oif = xtcp_ctl_oif(net, in_skb, oif);
	fl6.flowi6_mark = mark;
	fl6.fl6_dport = th->source;
	fl6.fl6_sport = th->dest;
	fl6.flowi6_uid = sock_net_uid(net, NULL);
	/* net.ipv6.flowlabel_reflect bit 1: a RST carries the label of the
	 * segment it answers (else ip6_xmit() makes an automatic one).
	 */
	if ((flags & XTCP_FLAG_RST) &&
	    READ_ONCE(net->ipv6.sysctl.flowlabel_reflect) &
	    FLOWLABEL_REFLECT_TCP_RESET)
		fl6.flowlabel = ip6_flowlabel(ip6h);
	if (tw) {
		fl6.flowlabel = cpu_to_be32(tw->tw_flowlabel);
		if (tw->tw_txhash)
			skb_set_hash(skb, tw->tw_txhash, PKT_HASH_TYPE_L4);
	}
	security_skb_classify_flow(in_skb, flowi6_to_flowi_common(&fl6));

	/* The control socket is only read (hop limit, protocol): no lock. */
	dst = ip6_dst_lookup_flow(net, ctl_sk, &fl6, NULL);
	if (IS_ERR(dst)) {
		kfree_skb(skb);
		return;
	}
	skb_dst_set(skb, dst);
	local_bh_disable();
	if (!ip6_xmit(ctl_sk, skb, &fl6, fl6.flowi6_mark, NULL,
		      tclass & ~INET_ECN_MASK, priority))
		xtcp_ctl_sent(net, flags);
	local_bh_enable();
}

/**
 * xtcp_v6_send_reset() - answer an IPv6 segment with a RST
 * @sk: the socket the segment reached, or NULL
 * @skb: the offending segment
 *
 * As xtcp_v4_send_reset(): never a RST for a RST, nor for a segment not
 * addressed to this host.
 */
void xtcp_v6_send_reset(const struct sock *sk, struct sk_buff *skb)
{
	struct dst_entry *dst = skb_dst(skb);
	struct net *net;

	if (tcp_hdr(skb)->rst)
		return;
	if (dst && !ipv6_unicast_destination(skb))
		return;
	if (sk)
		net = sock_net(sk);
	else if (dst)
		net = dev_net(dst->dev);
	else
		return;
	trace_xtcp_send_reset(NULL, skb,
			      tcp_hdr(skb)->ack ? XTCP_SKB_CB(skb)->ack_seq : 0,
			      sk ? sk->sk_state : TCP_CLOSE);
	xtcp_reset_reply(net, skb, sk);
}

static int xtcp_v6_pre_connect(struct sock *sk, struct sockaddr *uaddr,
			       int addr_len)
{
	if (addr_len < SIN6_LEN_RFC2133)
		return -EINVAL;
	sock_owned_by_me(sk);
	return BPF_CGROUP_RUN_PROG_INET6_CONNECT(sk, uaddr);
}

/* connect() to a v4-mapped address: XTCP over IPv4 on this v6 socket. */
static int xtcp_v6_connect_mapped(struct sock *sk,
				  const struct sockaddr_in6 *usin)
{
	struct inet_connection_sock *icsk = inet_csk(sk);
	struct sockaddr_in sin;
	int err;

	if (ipv6_only_sock(sk))
		return -ENETUNREACH;
	sin.sin_family = AF_INET;
	sin.sin_port = usin->sin6_port;
	sin.sin_addr.s_addr = usin->sin6_addr.s6_addr32[3];

	icsk->icsk_af_ops = &xtcp_ipv6_mapped;
	/* IPv4 on the wire: IPv4 super-packets. */
	sk->sk_gso_type = XTCP_GSO_TYPE;
	err = xtcp_v4_connect(sk, (struct sockaddr *)&sin, sizeof(sin));
	if (err) {
		icsk->icsk_ext_hdr_len = 0;
		icsk->icsk_af_ops = &xtcp_ipv6_af_ops;
		sk->sk_gso_type = XTCP_GSO_TYPE6;
		return err;
	}
	inet6_sk(sk)->saddr = sk->sk_v6_rcv_saddr;
	return 0;
}

static int xtcp_v6_connect(struct sock *sk, struct sockaddr *uaddr,
			   int addr_len)
{
	struct sockaddr_in6 *usin = (struct sockaddr_in6 *)uaddr;
	struct xtcp_net *xn = xtcp_pernet(sock_net(sk));
	struct ipv6_pinfo *np = inet6_sk(sk);
	struct inet_sock *inet = inet_sk(sk);
	struct in6_addr *saddr = NULL, *final_p, final;
	struct ipv6_txoptions *opt;
	struct dst_entry *dst;
	struct flowi6 fl6;
	int addr_type;
	int err;

	if (addr_len < SIN6_LEN_RFC2133)
		return -EINVAL;
	if (usin->sin6_family != AF_INET6)
		return -EAFNOSUPPORT;
	if (!usin->sin6_port)
		return -EINVAL;

	memset(&fl6, 0, sizeof(fl6));
	/* IPV6_FLOWINFO_SEND: the label (and traffic class) of sin6_flowinfo;
	 * a label must be one the socket leased (IPV6_FLOWLABEL_MGR) when
	 * exclusive leases are in use (tcp_v6_connect()).
	 */
	if (np->sndflow) {
		fl6.flowlabel = usin->sin6_flowinfo & IPV6_FLOWINFO_MASK;
		IP6_ECN_flow_init(fl6.flowlabel);
		if (fl6.flowlabel & IPV6_FLOWLABEL_MASK) {
			struct ip6_flowlabel *flowlabel;

			flowlabel = fl6_sock_lookup(sk, fl6.flowlabel);
			if (IS_ERR(flowlabel))
				return -EINVAL;
			fl6_sock_release(flowlabel);
		}
	}

	/* connect() to INADDR_ANY means loopback (BSD'ism). */
	if (ipv6_addr_any(&usin->sin6_addr))
		usin->sin6_addr.s6_addr[15] = 1;
	addr_type = ipv6_addr_type(&usin->sin6_addr);
	if (addr_type & IPV6_ADDR_MULTICAST)
		return -ENETUNREACH;
	if (addr_type & IPV6_ADDR_LINKLOCAL) {
		if (addr_len >= sizeof(struct sockaddr_in6) &&
		    usin->sin6_scope_id) {
			if (!sk_dev_equal_l3scope(sk, usin->sin6_scope_id))
				return -EINVAL;
			sk->sk_bound_dev_if = usin->sin6_scope_id;
		}
		if (!sk->sk_bound_dev_if)
			return -EINVAL;
	}

	sk->sk_v6_daddr = usin->sin6_addr;
	np->flow_label = fl6.flowlabel;

	if (addr_type == IPV6_ADDR_MAPPED) {
		err = xtcp_v6_connect_mapped(sk, usin);
		if (err)
			memset(&sk->sk_v6_daddr, 0, sizeof(sk->sk_v6_daddr));
		return err;
	}
	if (!ipv6_addr_any(&sk->sk_v6_rcv_saddr))
		saddr = &sk->sk_v6_rcv_saddr;

	fl6.flowi6_proto = xtcp_ipproto;
	fl6.daddr = sk->sk_v6_daddr;
	fl6.saddr = saddr ? *saddr : np->saddr;
	fl6.flowi6_oif = sk->sk_bound_dev_if;
	fl6.flowi6_mark = sk->sk_mark;
	fl6.fl6_dport = usin->sin6_port;
	fl6.fl6_sport = inet->inet_sport;
	fl6.flowi6_uid = sk->sk_uid;

	opt = rcu_dereference_protected(np->opt, lockdep_sock_is_held(sk));
	final_p = fl6_update_dst(&fl6, opt, &final);
	security_sk_classify_flow(sk, flowi6_to_flowi_common(&fl6));

	dst = ip6_dst_lookup_flow(sock_net(sk), sk, &fl6, final_p);
	if (IS_ERR(dst)) {
		err = PTR_ERR(dst);
		goto failure;
	}
	if (!saddr) {
		saddr = &fl6.saddr;
		err = inet_bhash2_update_saddr(sk, saddr, AF_INET6);
		if (err) {
			dst_release(dst);
			goto failure;
		}
	}
	np->saddr = *saddr;
	inet->inet_rcv_saddr = LOOPBACK4_IPV6;
	ip6_dst_store(sk, dst, NULL, NULL);

	inet_csk(sk)->icsk_ext_hdr_len = opt ? opt->opt_flen + opt->opt_nflen :
					       0;
	inet->inet_dport = usin->sin6_port;

	xtcp_set_state(sk, TCP_SYN_SENT);
	err = inet6_hash_connect(&xn->death_row, sk);
	if (err)
		goto late_failure;

	err = xtcp_connect_start(sk, xtcp_v6_isn(&np->saddr, &sk->sk_v6_daddr,
						 inet->inet_sport,
						 inet->inet_dport));
	if (err)
		goto late_failure;
	return 0;

late_failure:
	xtcp_set_state(sk, TCP_CLOSE);
	inet_bhash2_reset_saddr(sk);
failure:
	inet->inet_dport = 0;
	sk->sk_route_caps = 0;
	return err;
}

static int xtcp_v6_send_synack(const struct sock *sk, struct request_sock *req)
{
	const struct inet_request_sock *ireq = inet_rsk(req);
	const struct ipv6_pinfo *np = inet6_sk(sk);
	struct ipv6_txoptions *opt;
	struct dst_entry *dst;
	struct sk_buff *skb;
	struct flowi6 fl6;
	int err;

	dst = inet6_csk_route_req(sk, &fl6, req, xtcp_ipproto);
	if (!dst)
		return -EHOSTUNREACH;
	skb = xtcp_make_synack(sk, req, dst);	/* takes dst */
	if (!skb)
		return -ENOMEM;
	fl6.daddr = ireq->ir_v6_rmt_addr;
	/* net.ipv6.flowlabel_reflect bit 0: the SYN's label, not a new one. */
	if (np->repflow && ireq->pktopts)
		fl6.flowlabel = ip6_flowlabel(ipv6_hdr(ireq->pktopts));
	rcu_read_lock();
	opt = ireq->ipv6_opt;
	if (!opt)
		opt = rcu_dereference(np->opt);
	err = ip6_xmit(sk, skb, &fl6, skb->mark ? : READ_ONCE(sk->sk_mark),
		       opt, np->tclass, sk->sk_priority);
	rcu_read_unlock();
	err = net_xmit_eval(err);
	if (!err)
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_OUTSEGS);
	return err;
}

static void xtcp_v6_reqsk_destructor(struct request_sock *req)
{
	kfree(inet_rsk(req)->ipv6_opt);
	consume_skb(inet_rsk(req)->pktopts);
}

static void xtcp_v6_syn_ack_timeout(const struct request_sock *req)
{
	XTCP_INC_STATS(sock_net(req->rsk_listener), XTCP_MIB_RETRANSSEGS);
}

/**
 * xtcp_v6_init_req() - the IPv6 addresses of a request socket
 * @sk: the listener
 * @req: the request, made for a SYN or a cookie ACK
 * @skb: that segment, over IPv6
 */
void xtcp_v6_init_req(const struct sock *sk, struct request_sock *req,
		      struct sk_buff *skb)
{
	struct inet_request_sock *ireq = inet_rsk(req);

	ireq->ir_v6_rmt_addr = ipv6_hdr(skb)->saddr;
	ireq->ir_v6_loc_addr = ipv6_hdr(skb)->daddr;
	/* The IPv4 view of the request is unused; keep it defined. */
	ireq->ir_loc_addr = 0;
	ireq->ir_rmt_addr = 0;
	ireq->ireq_family = AF_INET6;
	ireq->ipv6_opt = NULL;
	ireq->pktopts = NULL;
	/* A link-local peer is reached through the interface it came in. */
	if (!sk->sk_bound_dev_if &&
	    ipv6_addr_type(&ireq->ir_v6_rmt_addr) & IPV6_ADDR_LINKLOCAL)
		ireq->ir_iif = inet6_iif(skb);
	/* The SYN-ACK reflects the SYN's flow label: keep the SYN (not for
	 * a cookie, which keeps nothing, nor for a SYN that ended a
	 * TIME_WAIT entry, as tcp_v6_init_req()).
	 */
	if (inet6_sk(sk)->repflow && !XTCP_SKB_CB(skb)->tw_isn &&
	    req->rsk_listener) {
		refcount_inc(&skb->users);
		ireq->pktopts = skb;
	}
}

static u32 xtcp_v6_isn_skb(const struct sk_buff *skb)
{
	return xtcp_v6_isn(&ipv6_hdr(skb)->daddr, &ipv6_hdr(skb)->saddr,
			   tcp_hdr(skb)->dest, tcp_hdr(skb)->source);
}

static const struct xtcp_req_family xtcp_v6_req_family = {
	.rsk_ops	= &xtcp6_request_sock_ops,
	.init_req	= xtcp_v6_init_req,
	.isn		= xtcp_v6_isn_skb,
	.cookie_seq	= xtcp_cookie_v6_init_sequence,
	.send_synack	= xtcp_v6_send_synack,
};

static int xtcp_v6_conn_request(struct sock *sk, struct sk_buff *skb)
{
	/* A dual-stack listener's SYN over IPv4. */
	if (skb->protocol == htons(ETH_P_IP))
		return xtcp_v4_conn_request(sk, skb);

	/* Not to a unicast address of ours, or from a v4-mapped source
	 * (never legitimate on the wire): drop.
	 */
	if (!skb_dst(skb) || !ipv6_unicast_destination(skb) ||
	    ipv6_addr_v4mapped(&ipv6_hdr(skb)->saddr)) {
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_LISTENDROPS);
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_ATTEMPTFAILS);
		return -1;
	}
	return xtcp_conn_request(sk, skb, &xtcp_v6_req_family);
}

/* The IPv6 part of a child: its own, not the listener's. */
static struct ipv6_pinfo *xtcp_v6_child_pinfo(const struct sock *sk,
					      struct sock *newsk)
{
	struct ipv6_pinfo *newnp = &((struct xtcp6_sock *)newsk)->inet6;

	inet_sk(newsk)->pinet6 = newnp;
	memcpy(newnp, inet6_sk(sk), sizeof(struct ipv6_pinfo));
	newnp->ipv6_mc_list = NULL;
	newnp->ipv6_ac_list = NULL;
	newnp->ipv6_fl_list = NULL;
	newnp->pktoptions = NULL;
	newnp->opt = NULL;
	return newnp;
}

/* A dual-stack listener's IPv4 child: its IPv6 part, from the start; and,
 * IPv4 on the wire, IPv4 super-packets (the listener's clone had IPv6's).
 */
static void xtcp_v6_mapped_child_init(struct sock *newsk,
				      const struct sock *sk)
{
	xtcp_v6_child_pinfo(sk, newsk);
	newsk->sk_gso_type = XTCP_GSO_TYPE;
}

static struct sock *xtcp_v6_syn_recv_sock(const struct sock *sk,
					  struct sk_buff *skb,
					  struct request_sock *req,
					  struct dst_entry *dst,
					  struct request_sock *req_unhash,
					  bool *own_req,
					  void (*opt_child_init)(struct sock *newsk,
								 const struct sock *sk))
{
	struct inet_request_sock *ireq = inet_rsk(req);
	const struct ipv6_pinfo *np = inet6_sk(sk);
	bool found_dup_sk = false;
	struct ipv6_txoptions *opt;
	struct ipv6_pinfo *newnp;
	struct inet_sock *newinet;
	struct xtcp_sock *nxs;
	struct sock *newsk;
	struct flowi6 fl6;

	if (skb->protocol == htons(ETH_P_IP)) {
		/* Over IPv4 to a dual-stack listener: a v4-mapped child. */
		newsk = xtcp_v4_syn_recv_sock(sk, skb, req, dst, req_unhash,
					      own_req, xtcp_v6_mapped_child_init);
		if (!newsk)
			return NULL;
		newnp = inet6_sk(newsk);
		newnp->saddr = newsk->sk_v6_rcv_saddr;
		newnp->mcast_oif = inet_iif(skb);
		newnp->mcast_hops = ip_hdr(skb)->ttl;
		newnp->rcv_flowinfo = 0;
		if (np->repflow)
			newnp->flow_label = 0;
		inet_csk(newsk)->icsk_af_ops = &xtcp_ipv6_mapped;
		/* The MSS was computed with the listener's IPv6 header. */
		xtcp_sync_mss(newsk, inet_csk(newsk)->icsk_pmtu_cookie);
		return newsk;
	}

	if (sk_acceptq_is_full(sk))
		goto overflow;
	if (!dst) {
		dst = inet6_csk_route_req(sk, &fl6, req, xtcp_ipproto);
		if (!dst)
			goto drop;
	}
	newsk = inet_csk_clone_lock(sk, req, GFP_ATOMIC);
	if (!newsk)
		goto exit;

	/* Its own IPv6 part first: ip6_dst_store() writes into it. */
	newnp = xtcp_v6_child_pinfo(sk, newsk);
	ip6_dst_store(newsk, dst, NULL, NULL);
	newsk->sk_v6_daddr = ireq->ir_v6_rmt_addr;
	newsk->sk_v6_rcv_saddr = ireq->ir_v6_loc_addr;
	newnp->saddr = ireq->ir_v6_loc_addr;
	newsk->sk_bound_dev_if = ireq->ir_iif;
	newnp->mcast_oif = inet6_iif(skb);
	newnp->mcast_hops = ipv6_hdr(skb)->hop_limit;
	newnp->rcv_flowinfo = ip6_flowinfo(ipv6_hdr(skb));
	/* flowlabel_reflect bit 0: the peer's label, on every segment. */
	if (np->repflow)
		newnp->flow_label = ip6_flowlabel(ipv6_hdr(skb));

	newinet = inet_sk(newsk);
	newinet->inet_opt = NULL;
	newinet->inet_daddr = LOOPBACK4_IPV6;
	newinet->inet_saddr = LOOPBACK4_IPV6;
	newinet->inet_rcv_saddr = LOOPBACK4_IPV6;
	atomic_set(&newinet->inet_id, get_random_u16());

	/* The listener's IPv6 options (extension headers), copied. */
	opt = ireq->ipv6_opt;
	if (!opt)
		opt = rcu_dereference(np->opt);
	if (opt) {
		opt = ipv6_dup_options(newsk, opt);
		RCU_INIT_POINTER(newnp->opt, opt);
	}
	inet_csk(newsk)->icsk_ext_hdr_len = opt ? opt->opt_nflen + opt->opt_flen :
						  0;

	nxs = xtcp_sk(newsk);
	xtcp_child_init((struct sock *)sk, newsk, req, skb);
	xtcp_sync_mss(newsk, dst_mtu(dst));
	/* What the SYN-ACK offered stays offered (0 for a cookie). */
	nxs->rcv_wnd = req->rsk_rcv_wnd;
	nxs->rcv_wnd = xtcp_select_window(newsk);

	if (__inet_inherit_port(sk, newsk) < 0) {
		inet_csk_prepare_forced_close(newsk);
		xtcp_done(newsk);
		goto drop;
	}
	*own_req = inet_ehash_nolisten(newsk, req_to_sk(req_unhash),
				       &found_dup_sk);
	if (!*own_req && !req_unhash && found_dup_sk) {
		/* For sparse: the clone came bh-locked. */
		__acquire(&newsk->sk_lock.slock);
		xtcp_cookie_child_dup(sk, newsk);
		return NULL;
	}
	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_PASSIVEOPENS);
	return newsk;

overflow:
	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_LISTENOVERFLOWS);
exit:
	dst_release(dst);
drop:
	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_LISTENDROPS);
	return NULL;
}

static void xtcp_v6_mtu_reduced(struct sock *sk)
{
	struct dst_entry *dst;
	u32 mtu;

	if ((1 << sk->sk_state) & (TCPF_LISTEN | TCPF_CLOSE))
		return;
	mtu = READ_ONCE(xtcp_sk(sk)->mtu_info);
	dst = inet6_csk_update_pmtu(sk, mtu);
	if (!dst)
		return;
	if (inet_csk(sk)->icsk_pmtu_cookie > dst_mtu(dst))
		xtcp_pmtu_shrink(sk, dst_mtu(dst));
}

static const struct inet_connection_sock_af_ops xtcp_ipv6_af_ops = {
	.queue_xmit	= inet6_csk_xmit,
	.send_check	= xtcp_v6_send_check,
	.rebuild_header	= inet6_sk_rebuild_header,
	.conn_request	= xtcp_v6_conn_request,
	.syn_recv_sock	= xtcp_v6_syn_recv_sock,
	.net_header_len	= sizeof(struct ipv6hdr),
	.setsockopt	= ipv6_setsockopt,
	.getsockopt	= ipv6_getsockopt,
	.addr2sockaddr	= inet6_csk_addr2sockaddr,
	.sockaddr_len	= sizeof(struct sockaddr_in6),
	.mtu_reduced	= xtcp_v6_mtu_reduced,
};

/* A dual-stack socket talking IPv4 (v4-mapped peer). */
static const struct inet_connection_sock_af_ops xtcp_ipv6_mapped = {
	.queue_xmit	= ip_queue_xmit,
	.send_check	= xtcp_v4_send_check,
	.rebuild_header	= inet_sk_rebuild_header,
	.conn_request	= xtcp_v6_conn_request,
	.syn_recv_sock	= xtcp_v6_syn_recv_sock,
	.net_header_len	= sizeof(struct iphdr),
	.setsockopt	= ipv6_setsockopt,
	.getsockopt	= ipv6_getsockopt,
	.addr2sockaddr	= inet6_csk_addr2sockaddr,
	.sockaddr_len	= sizeof(struct sockaddr_in6),
	.mtu_reduced	= xtcp_v4_mtu_reduced,
};

/* ICMPv6 errors quoting an XTCP segment (xtcp_v4_err() for ICMP). */
static int xtcp_v6_err(struct sk_buff *skb, struct inet6_skb_parm *opt,
		       u8 type, u8 code, int offset, __be32 info)
{
	const struct ipv6hdr *hdr = (const struct ipv6hdr *)skb->data;
	const struct tcphdr *th = (const struct tcphdr *)(skb->data + offset);
	struct net *net = dev_net(skb->dev);
	struct xtcp_sock *xs;
	struct sock *sk;
	bool fatal;
	u32 seq;
	int err;

	sk = __inet6_lookup_established(net, &xtcp_hashinfo, &hdr->daddr,
					th->dest, &hdr->saddr,
					ntohs(th->source), skb->dev->ifindex,
					inet6_sdif(skb));
	if (!sk) {
		__ICMP6_INC_STATS(net, __in6_dev_get(skb->dev),
				  ICMP6_MIB_INERRORS);
		return -ENOENT;
	}
	if (sk->sk_state == TCP_TIME_WAIT) {
		inet_twsk_put(inet_twsk(sk));
		return 0;
	}
	seq = ntohl(th->seq);
	fatal = icmpv6_err_convert(type, code, &err);
	if (sk->sk_state == TCP_NEW_SYN_RECV) {
		xtcp_req_err(inet_reqsk(sk), seq, fatal);
		return 0;
	}

	bh_lock_sock(sk);
	xs = xtcp_sk(sk);
	if (sk->sk_state == TCP_CLOSE)
		goto out;
	if (ipv6_hdr(skb)->hop_limit < READ_ONCE(inet6_sk(sk)->min_hopcount))
		goto out;
	/* RFC 5927 4.1: only for data we sent and still wait for. */
	if (xtcp_seq_before(seq, xs->snd_una) ||
	    !xtcp_seq_before(seq, xs->snd_max)) {
		XTCP_INC_STATS(net, XTCP_MIB_OUTOFWINDOWICMPS);
		goto out;
	}

	if (type == NDISC_REDIRECT) {
		if (!sock_owned_by_user(sk)) {
			struct dst_entry *dst;

			dst = __sk_dst_check(sk, inet6_sk(sk)->dst_cookie);
			if (dst)
				dst->ops->redirect(dst, sk, skb);
		}
		goto out;
	}
	if (type == ICMPV6_PKT_TOOBIG) {
		u32 mtu = ntohl(info);

		/* Below the IPv6 minimum (RFC 8201 4): ignored, as TCP does. */
		if (!ip6_sk_accept_pmtu(sk) || mtu < IPV6_MIN_MTU)
			goto out;
		WRITE_ONCE(xs->mtu_info, mtu);
		if (!sock_owned_by_user(sk))
			xtcp_v6_mtu_reduced(sk);
		else if (!test_and_set_bit(XTCP_MTU_DEFERRED, &xs->deferred))
			sock_hold(sk);
		goto out;
	}
	if (err)
		xtcp_icmp_report(sk, err, inet6_sk(sk)->recverr);
out:
	bh_unlock_sock(sk);
	sock_put(sk);
	return 0;
}

static bool xtcp_v6_csum_init(struct sk_buff *skb)
{
	return skb_checksum_init(skb, xtcp_ipproto, ip6_compute_pseudo) != 0;
}

static struct sock *xtcp_v6_lookup(struct sk_buff *skb,
				   const struct tcphdr *th, bool *refcounted)
{
	return __inet6_lookup_skb(&xtcp_hashinfo, skb, th->doff * 4,
				  th->source, th->dest, inet6_iif(skb),
				  inet6_sdif(skb), refcounted);
}

static bool xtcp_v6_policy_check(struct sock *sk, struct sk_buff *skb)
{
	return xfrm6_policy_check(sk, XFRM_POLICY_IN, skb);
}

/* IPV6_MINHOPCOUNT (RFC 5082), as IP_MINTTL for IPv4. */
static bool xtcp_v6_min_hops_drop(const struct sock *sk,
				  const struct sk_buff *skb)
{
	return ipv6_hdr(skb)->hop_limit < READ_ONCE(inet6_sk(sk)->min_hopcount);
}

static const struct xtcp_rcv_ops xtcp_v6_rcv_ops = {
	.csum_init	= xtcp_v6_csum_init,
	.lookup		= xtcp_v6_lookup,
	.policy_check	= xtcp_v6_policy_check,
	.min_ttl_drop	= xtcp_v6_min_hops_drop,
	.do_rcv		= xtcp_v4_do_rcv,	/* family-neutral */
};

static int xtcp_v6_rcv(struct sk_buff *skb)
{
	return xtcp_rcv(skb, &xtcp_v6_rcv_ops);
}

/**
 * xtcp_v6_tw_listener() - the listener for a SYN that ends a TIME_WAIT
 *	entry, over IPv6
 * @net: the namespace
 * @skb: the SYN
 *
 * Return: the listener (RCU, not referenced), or NULL.
 */
struct sock *xtcp_v6_tw_listener(struct net *net, struct sk_buff *skb)
{
	const struct tcphdr *th = tcp_hdr(skb);

	return inet6_lookup_listener(net, &xtcp_hashinfo, skb, th->doff * 4,
				     &ipv6_hdr(skb)->saddr, th->source,
				     &ipv6_hdr(skb)->daddr, ntohs(th->dest),
				     inet6_iif(skb), inet6_sdif(skb));
}

/**
 * xtcp_v6_time_wait() - the IPv6 addresses of a TIME_WAIT minisock
 * @tw: the minisock, not yet hashed
 * @sk: the socket it replaces
 */
void xtcp_v6_time_wait(struct inet_timewait_sock *tw, const struct sock *sk)
{
	if (tw->tw_family != PF_INET6)
		return;
	tw->tw_v6_daddr = sk->sk_v6_daddr;
	tw->tw_v6_rcv_saddr = sk->sk_v6_rcv_saddr;
	tw->tw_ipv6only = sk->sk_ipv6only;
	/* Its ACKs keep the connection's class and label (an explicit one,
	 * or 0: ip6_xmit() then derives the automatic label from the flow
	 * hash the minisock also keeps, the connection's).
	 */
	tw->tw_tclass = inet6_sk(sk)->tclass;
	tw->tw_flowlabel = be32_to_cpu(inet6_sk(sk)->flow_label &
				       IPV6_FLOWLABEL_MASK);
}

static int xtcp_v6_init_sock(struct sock *sk)
{
	int err = xtcp_prot.init(sk);

	if (err)
		return err;
	inet_csk(sk)->icsk_af_ops = &xtcp_ipv6_af_ops;
	/* IPv6 super-packets, segmented by xtcp6_gso_segment() where the
	 * device cannot take them; a v4-mapped connection sends IPv4 ones
	 * (xtcp_v6_connect_mapped(), xtcp_v6_mapped_child_init()).
	 */
	sk->sk_gso_type = XTCP_GSO_TYPE6;
	return 0;
}

/* An AF_XTCP socket that became IPv6 also takes a sockaddr_in. */
static int xtcp_v6_bind(struct socket *sock, struct sockaddr *uaddr,
			int addr_len)
{
	struct sockaddr_in6 sin6;

	uaddr = xtcp_family_map4(sock, uaddr, &addr_len, &sin6);
	return inet6_bind(sock, uaddr, addr_len);
}

static int xtcp_v6_stream_connect(struct socket *sock, struct sockaddr *uaddr,
				  int addr_len, int flags)
{
	struct sockaddr_in6 sin6;

	uaddr = xtcp_family_map4(sock, uaddr, &addr_len, &sin6);
	return inet_stream_connect(sock, uaddr, addr_len, flags);
}

static const struct proto_ops xtcp6_stream_ops = {
	.family		= PF_INET6,
	.owner		= THIS_MODULE,
	.release	= inet6_release,
	.bind		= xtcp_v6_bind,
	.connect	= xtcp_v6_stream_connect,
	.socketpair	= sock_no_socketpair,
	.accept		= inet_accept,
	.getname	= inet6_getname,
	.poll		= xtcp_poll,
	.ioctl		= inet6_ioctl,
#ifdef CONFIG_COMPAT
	.compat_ioctl	= inet6_compat_ioctl,
#endif
	.gettstamp	= sock_gettstamp,
	.listen		= xtcp_listen,
	.shutdown	= inet_shutdown,
	.setsockopt	= sock_common_setsockopt,
	.getsockopt	= sock_common_getsockopt,
	.sendmsg	= inet_sendmsg,
	.recvmsg	= sock_common_recvmsg,
	.mmap		= sock_no_mmap,
	.sendpage	= inet_sendpage,
};

static struct inet_protosw xtcp6_protosw = {
	.type		= SOCK_STREAM,
	.prot		= &xtcpv6_prot,
	.ops		= &xtcp6_stream_ops,
	.flags		= INET_PROTOSW_ICSK,
};

static const struct inet6_protocol xtcp6_protocol = {
	.handler	= xtcp_v6_rcv,
	.err_handler	= xtcp_v6_err,
	.flags		= INET6_PROTO_NOPOLICY | INET6_PROTO_FINAL,
};

static int __net_init xtcp_v6_net_init(struct net *net)
{
	return inet_ctl_sock_create(&xtcp_pernet(net)->ctl_sk6, PF_INET6,
				    SOCK_RAW, xtcp_ipproto, net);
}

static void __net_exit xtcp_v6_net_exit(struct net *net)
{
	inet_ctl_sock_destroy(xtcp_pernet(net)->ctl_sk6);
}

static struct pernet_operations xtcp_v6_net_ops = {
	.init	= xtcp_v6_net_init,
	.exit	= xtcp_v6_net_exit,
};

/* xtcp_ipv6_init() registered everything (IPv6 is not disabled). */
static bool xtcp_ipv6_registered;

/**
 * xtcp_v6_family_prot() - the proto AF_XTCP sockets are allocated from
 *
 * Return: XTCP's IPv6 proto, so an AF_XTCP socket can become an IPv6 one
 * (xtcp_v6_promote()); NULL when IPv6 is not registered.
 */
struct proto *xtcp_v6_family_prot(void)
{
	return READ_ONCE(xtcp_ipv6_registered) ? &xtcpv6_prot : NULL;
}

/**
 * xtcp_v6_promote() - make a fresh AF_XTCP socket an IPv6 socket
 * @sock: an AF_XTCP socket
 *
 * Sets up what inet6_create() sets up beyond inet_create(): the IPv6
 * part of the socket (allocated, zeroed, with it), the IPv6 proto and
 * af_ops, and the IPv6 proto_ops. Only a socket that is closed and
 * unbound changes; one already IPv6 is left as it is.
 *
 * Context: process context; takes the socket lock.
 * Return: 0 (also for a socket already IPv6); -EAFNOSUPPORT for a socket
 * not allocated for IPv6 (not from AF_XTCP, or IPv6 was not registered),
 * -EINVAL for one bound, connecting or listening over IPv4.
 */
int xtcp_v6_promote(struct socket *sock)
{
	struct sock *sk = sock->sk;
	struct net *net = sock_net(sk);
	struct ipv6_pinfo *np;
	int err = 0;

	lock_sock(sk);
	if (sk->sk_family == AF_INET6)
		goto out;
	err = -EAFNOSUPPORT;
	if (!xtcp_sk(sk)->af_xtcp || sk->sk_prot_creator != &xtcpv6_prot ||
	    sk->sk_prot != &xtcp_prot)
		goto out;
	err = -EINVAL;
	if (sk->sk_state != TCP_CLOSE || inet_sk(sk)->inet_num)
		goto out;
	err = 0;

	np = (struct ipv6_pinfo *)((u8 *)sk + xtcpv6_prot.obj_size -
				   sizeof(*np));
	inet_sk(sk)->pinet6 = np;
	np->hop_limit = -1;
	np->mcast_hops = IPV6_DEFAULT_MCASTHOPS;
	np->mc_loop = 1;
	np->mc_all = 1;
	np->pmtudisc = IPV6_PMTUDISC_WANT;
	np->repflow = net->ipv6.sysctl.flowlabel_reflect &
		      FLOWLABEL_REFLECT_ESTABLISHED;
	sk->sk_ipv6only = net->ipv6.sysctl.bindv6only;
	/* The IPv6 part before anything that leads to it: IPv6 code run
	 * by a caller not holding the lock (a setsockopt() reads
	 * inet6_sk() before locking) may see the new af_ops or sk_prot.
	 */
	smp_wmb();
	sk->sk_destruct = inet6_sock_destruct;
	sk->sk_backlog_rcv = xtcpv6_prot.backlog_rcv;
	inet_csk(sk)->icsk_af_ops = &xtcp_ipv6_af_ops;
	sk->sk_gso_type = XTCP_GSO_TYPE6;
	sk_dst_reset(sk);	/* an IPv4 route of an earlier connection */
	WRITE_ONCE(sk->sk_prot, &xtcpv6_prot);
	WRITE_ONCE(sk->sk_family, PF_INET6);
	WRITE_ONCE(sock->ops, &xtcp6_stream_ops);
out:
	release_sock(sk);
	return err;
}

/**
 * xtcp_ipv6_init() - register XTCP over IPv6 (after IPv4)
 *
 * The proto, request and TIME_WAIT ops are copies of the IPv4 ones (as
 * MPTCP builds mptcp_v6_prot) with the IPv6 parts changed.
 *
 * A kernel booted with ipv6.disable=1 has no PF_INET6 to register with:
 * XTCP then runs over IPv4 alone, as TCP does.
 *
 * Return: 0, or a negative errno with nothing left registered.
 */
int xtcp_ipv6_init(void)
{
	int err;

	if (!ipv6_mod_enabled()) {
		pr_info("IPv6 is disabled: XTCP over IPv4 only\n");
		return 0;
	}

	xtcp6_request_sock_ops = xtcp_request_sock_ops;
	xtcp6_request_sock_ops.family = AF_INET6;
	xtcp6_request_sock_ops.slab = NULL;
	xtcp6_request_sock_ops.slab_name = NULL;
	xtcp6_request_sock_ops.rtx_syn_ack = xtcp_v6_send_synack;
	xtcp6_request_sock_ops.destructor = xtcp_v6_reqsk_destructor;
	xtcp6_request_sock_ops.syn_ack_timeout = xtcp_v6_syn_ack_timeout;

	xtcp6_timewait_sock_ops = xtcp_timewait_sock_ops;
	xtcp6_timewait_sock_ops.twsk_slab = NULL;
	xtcp6_timewait_sock_ops.twsk_slab_name = NULL;

	xtcpv6_prot = xtcp_prot;
	strscpy(xtcpv6_prot.name, "XTCPv6", sizeof(xtcpv6_prot.name));
	xtcpv6_prot.slab = NULL;
	xtcpv6_prot.obj_size = sizeof(struct xtcp6_sock);
	xtcpv6_prot.init = xtcp_v6_init_sock;
	xtcpv6_prot.connect = xtcp_v6_connect;
	xtcpv6_prot.pre_connect = xtcp_v6_pre_connect;
	xtcpv6_prot.rsk_prot = &xtcp6_request_sock_ops;
	xtcpv6_prot.twsk_prot = &xtcp6_timewait_sock_ops;

	err = proto_register(&xtcpv6_prot, 1);
	if (err)
		return err;

	xtcp6_protosw.protocol = xtcp_ipproto;
	err = inet6_register_protosw(&xtcp6_protosw);
	if (err) {
		pr_err("IPv6 SOCK_STREAM protocol %u is taken\n", xtcp_ipproto);
		goto err_proto;
	}

	err = register_pernet_subsys(&xtcp_v6_net_ops);
	if (err)
		goto err_protosw;

	err = inet6_add_protocol(&xtcp6_protocol, xtcp_ipproto);
	if (err) {
		pr_err("IPv6 next header %u is already registered\n",
		       xtcp_ipproto);
		err = -EEXIST;
		goto err_pernet;
	}
	WRITE_ONCE(xtcp_ipv6_registered, true);
	return 0;

err_pernet:
	unregister_pernet_subsys(&xtcp_v6_net_ops);
err_protosw:
	inet6_unregister_protosw(&xtcp6_protosw);
err_proto:
	proto_unregister(&xtcpv6_prot);
	return err;
}

/**
 * xtcp_ipv6_exit() - unregister XTCP over IPv6 (before IPv4)
 */
void xtcp_ipv6_exit(void)
{
	if (!xtcp_ipv6_registered)
		return;
	WRITE_ONCE(xtcp_ipv6_registered, false);
	inet6_del_protocol(&xtcp6_protocol, xtcp_ipproto);
	synchronize_net();
	unregister_pernet_subsys(&xtcp_v6_net_ops);
	inet6_unregister_protosw(&xtcp6_protosw);
	proto_unregister(&xtcpv6_prot);
}
