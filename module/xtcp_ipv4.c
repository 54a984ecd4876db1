// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP over IPv4: the protocol handler that validates and demultiplexes
 * incoming segments, active open (route, port, ISN), passive open through
 * request sockets, and the replies sent without a full socket (RST, and
 * ACKs from TIME_WAIT).
 */
#define pr_fmt(fmt) "xtcp: " fmt

#include <linux/bpf-cgroup.h>
#include <linux/filter.h>
#include <linux/siphash.h>
#include <net/inet_common.h>
#include <net/inet_ecn.h>
#include <net/inet_hashtables.h>
#include <net/l3mdev.h>
#include <net/route.h>
#include <net/xfrm.h>

#include "xtcp.h"
#include "xtcp_trace.h"

static siphash_aligned_key_t xtcp_isn_key;

/**
 * xtcp_isn() - choose an initial sequence number (RFC 6528)
 * @saddr: local address
 * @daddr: remote address
 * @sport: local port
 * @dport: remote port
 *
 * ISN = M + F(4-tuple, secret): F is SipHash keyed with a boot-time
 * random secret, M a clock ticking every 64 ns, so ISNs of successive
 * incarnations of one 4-tuple advance and those of different tuples are
 * unpredictable.
 *
 * Return: the ISN.
 */
u32 xtcp_isn(__be32 saddr, __be32 daddr, __be16 sport, __be16 dport)
{
	u32 hash;

	net_get_random_once(&xtcp_isn_key, sizeof(xtcp_isn_key));
	hash = siphash_3u32((__force u32)saddr, (__force u32)daddr,
			    (__force u32)sport << 16 | (__force u32)dport,
			    &xtcp_isn_key);
	return hash + xtcp_isn_clock();
}

/**
 * xtcp_isn_clock() - M of RFC 6528: a clock ticking every 64 ns
 *
 * Return: its value now.
 */
u32 xtcp_isn_clock(void)
{
	return (u32)(ktime_get_real_ns() >> 6);
}

/**
 * xtcp_ctl_skb() - a RST or ACK answering @in_skb, without a full socket
 * @in_skb: the segment being answered
 * @seq: our sequence number
 * @ack: our acknowledgment number
 * @flags: XTCP_FLAG_*
 * @win: the window field, already scaled
 * @ts: TSval and TSecr, or NULL
 *
 * Return: the segment, header filled but not checksummed, or NULL.
 */
struct sk_buff *xtcp_ctl_skb(const struct sk_buff *in_skb, u32 seq, u32 ack,
			     u8 flags, u32 win, const u32 *ts)
{
	unsigned int hlen = sizeof(struct tcphdr) +
			    (ts ? XTCP_OLEN_TSTAMP_ALIGNED : 0);
	const struct tcphdr *th = tcp_hdr(in_skb);
	struct sk_buff *skb;
	struct tcphdr *rth;

	skb = alloc_skb(XTCP_MAX_HEADER, GFP_ATOMIC);
	if (!skb)
		return NULL;
	skb_reserve(skb, XTCP_MAX_HEADER);
	rth = skb_push(skb, hlen);
	skb_reset_transport_header(skb);
	memset(rth, 0, sizeof(*rth));
	rth->source = th->dest;
	rth->dest = th->source;
	rth->seq = htonl(seq);
	rth->ack_seq = htonl(ack);
	rth->doff = hlen / 4;
	if (ts)
		xtcp_tstamp_write((u8 *)(rth + 1), ts[0], ts[1]);
	xtcp_flag_byte(rth) = flags;
	rth->window = htons(min(win, XTCP_MAX_WINDOW));	/* already scaled */
	return skb;
}

static DEFINE_PER_CPU(struct sock *, xtcp_v4_ctl_sk);

/**
 * xtcp_ctl_oif() - the device a reply sent without a full socket leaves by
 * @net: the namespace
 * @in_skb: the segment answered
 * @bound: the bound device of the socket or minisock the segment reached,
 *	0 if none
 *
 * As ip_send_unicast_reply() and tcp_v6_send_response(): a socket's bound
 * device, else the L3 master device (VRF) the segment came in through, so
 * that the reply is routed in that VRF's table and not the main one.
 *
 * Return: an ifindex, or 0 for any device.
 */
int xtcp_ctl_oif(struct net *net, const struct sk_buff *in_skb, int bound)
{
	if (!bound && netif_index_is_l3_master(net, in_skb->skb_iif))
		return in_skb->skb_iif;
	return bound;
}

/**
 * xtcp_ctl_marks() - the mark and priority of a reply sent without a full
 *	socket
 * @sk: the socket, request socket or TIME_WAIT minisock concerned, or NULL
 * @in_skb: the segment answered
 * @mark: set to the mark
 * @priority: set to the priority
 *
 * As tcp_v4_send_reset() and tcp_v6_send_response(): a minisock's reply
 * goes with its connection's SO_MARK and SO_PRIORITY, a full socket's
 * (a listener's, say) with its own, any other with the answered segment's
 * mark and priority 0.
 */
void xtcp_ctl_marks(const struct sock *sk, const struct sk_buff *in_skb,
		    u32 *mark, u32 *priority)
{
	*mark = in_skb->mark;
	*priority = 0;
	if (!sk)
		return;
	if (sk->sk_state == TCP_TIME_WAIT) {
		*mark = inet_twsk(sk)->tw_mark;
		*priority = inet_twsk(sk)->tw_priority;
	} else if (sk_fullsock(sk)) {
		*mark = READ_ONCE(sk->sk_mark);
		*priority = READ_ONCE(sk->sk_priority);
	}
}

/* A segment sent without a full socket: RST or ACK, through this CPU's
 * control socket; @ts: TSval and TSecr, or NULL; @sk: the socket, request
 * socket or TIME_WAIT minisock concerned, or NULL. It leaves by @sk's
 * bound device (xtcp_ctl_oif()) with its mark and priority
 * (xtcp_ctl_marks()); a minisock's also with its connection's TOS and flow
 * hash (tcp_v4_timewait_ack()), any other with the answered segment's TOS.
 */
static void xtcp_v4_send_ctl(struct net *net, struct sk_buff *in_skb, u32 seq,
			     u32 ack, u8 flags, u32 win, const u32 *ts,
			     const struct sock *sk)
{
	const struct inet_timewait_sock *tw = NULL;
	const struct tcphdr *th = tcp_hdr(in_skb);
	const struct iphdr *iph = ip_hdr(in_skb);
	u8 tos = iph->tos;
	struct sk_buff *skb;
	struct sock *ctl_sk;
	u32 mark, priority;
	struct flowi4 fl4;
	struct rtable *rt;
	int oif;

	if (xtcp_skb_is_v6(in_skb)) {
		xtcp_v6_send_ctl(net, in_skb, seq, ack, flags, win, ts, sk);
		return;
	}
	if (sk && sk->sk_state == TCP_TIME_WAIT) {
		tw = inet_twsk(sk);
		tos = tw->tw_tos;
	}
	oif = sk ? READ_ONCE(sk->sk_bound_dev_if) : 0;
	xtcp_ctl_marks(sk, in_skb, &mark, &priority);
	skb = xtcp_ctl_skb(in_skb, seq, ack, flags, win, ts);
	if (!skb)
		return;
	tcp_hdr(skb)->check = xtcp_v4_csum(iph->daddr, iph->saddr, skb->len,
					   csum_partial(skb->data, skb->len, 0));
	/* ip_build_and_send_pkt() keeps a mark already set. */
	if (sk)
		skb->mark = mark;
	if (tw && tw->tw_txhash)
		skb_set_hash(skb, tw->tw_txhash, PKT_HASH_TYPE_L4);

	flowi4_init_output(&fl4, xtcp_ctl_oif(net, in_skb, oif), mark,
			   RT_TOS(tos), RT_SCOPE_UNIVERSE, xtcp_ipproto, 0,
			   iph->saddr, iph->daddr, th->source, th->dest,
			   sock_net_uid(net, NULL));
	rt = ip_route_output_key(net, &fl4);
	if (IS_ERR(rt)) {
		kfree_skb(skb);
		return;
	}
	skb_dst_set(skb, &rt->dst);

	/* ip_build_and_send_pkt() takes the priority and the namespace from
	 * the control socket: this CPU's is set up for this reply, and with
	 * bottom halves off nothing else on this CPU uses it meanwhile (as
	 * tcp_v4_send_reset() does with ipv4_tcp_sk).
	 */
	local_bh_disable();
	ctl_sk = this_cpu_read(xtcp_v4_ctl_sk);
	sock_net_set(ctl_sk, net);
	ctl_sk->sk_priority = priority;
	if (!ip_build_and_send_pkt(skb, ctl_sk, iph->daddr, iph->saddr, NULL,
				   tos & ~INET_ECN_MASK))
		xtcp_ctl_sent(net, flags);
	ctl_sk->sk_priority = 0;
	sock_net_set(ctl_sk, &init_net);
	local_bh_enable();
}

/**
 * xtcp_v4_ctl_init() - one IPv4 control socket per CPU
 *
 * Resets and TIME_WAIT ACKs go out through an unhashed raw socket of
 * XTCP's protocol: it sets the IP protocol field, and unlike an XTCP
 * socket it holds no reference on this module. Created in init_net and
 * moved to the reply's namespace for each use (xtcp_v4_send_ctl()).
 *
 * Return: 0 or a negative errno (nothing left allocated).
 */
int xtcp_v4_ctl_init(void)
{
	struct sock *sk;
	int cpu, err;

	for_each_possible_cpu(cpu) {
		err = inet_ctl_sock_create(&sk, PF_INET, SOCK_RAW,
					   xtcp_ipproto, &init_net);
		if (err)
			goto err_unwind;
		per_cpu(xtcp_v4_ctl_sk, cpu) = sk;
	}
	return 0;

err_unwind:
	xtcp_v4_ctl_exit();
	return err;
}

/**
 * xtcp_v4_ctl_exit() - release the control sockets
 *
 * Called once nothing can send through them any more.
 */
void xtcp_v4_ctl_exit(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct sock *sk = per_cpu(xtcp_v4_ctl_sk, cpu);

		if (sk)
			inet_ctl_sock_destroy(sk);
		per_cpu(xtcp_v4_ctl_sk, cpu) = NULL;
	}
}

/**
 * xtcp_ctl_sent() - count a RST or ACK sent without a full socket
 * @net: the namespace
 * @flags: its XTCP_FLAG_* flags
 */
void xtcp_ctl_sent(struct net *net, u8 flags)
{
	XTCP_INC_STATS(net, XTCP_MIB_OUTSEGS);
	if (flags & XTCP_FLAG_RST)
		XTCP_INC_STATS(net, XTCP_MIB_OUTRSTS);
}

/**
 * xtcp_reset_reply() - send the RST that answers @skb, either family
 * @net: the namespace
 * @skb: the offending segment; never a RST itself
 * @sk: the socket, request socket or minisock @skb reached, or NULL
 *
 * With an ACK in the segment: <SEQ=SEG.ACK><CTL=RST>. Without one:
 * <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>.
 */
void xtcp_reset_reply(struct net *net, struct sk_buff *skb,
		      const struct sock *sk)
{
	const struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);

	if (tcp_hdr(skb)->ack)
		xtcp_v4_send_ctl(net, skb, cb->ack_seq, 0, XTCP_FLAG_RST, 0,
				 NULL, sk);
	else
		xtcp_v4_send_ctl(net, skb, 0, cb->end_seq,
				 XTCP_FLAG_RST | XTCP_FLAG_ACK, 0, NULL, sk);
}

/**
 * xtcp_v4_send_reset() - answer a segment with a RST (RFC 9293 3.10.7.1)
 * @sk: the socket the segment reached, or NULL
 * @skb: the offending segment; never a RST itself (one over IPv6 goes to
 *	xtcp_v6_send_reset())
 */
void xtcp_v4_send_reset(const struct sock *sk, struct sk_buff *skb)
{
	const struct tcphdr *th = tcp_hdr(skb);
	const struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	const struct rtable *rt;
	struct net *net;

	if (xtcp_skb_is_v6(skb)) {
		xtcp_v6_send_reset(sk, skb);
		return;
	}
	rt = skb_rtable(skb);
	if (th->rst)
		return;
	/*
	 * A segment that waited in a socket backlog may have lost its route
	 * (skb_dst_force() drops one it cannot pin): then it matched that
	 * socket's local address and the socket names the namespace. Without
	 * a socket the segment comes straight from the IP layer, routed.
	 */
	if (rt && rt->rt_type != RTN_LOCAL)
		return;
	if (sk)
		net = sock_net(sk);
	else if (rt)
		net = dev_net(rt->dst.dev);
	else
		return;

	trace_xtcp_send_reset(NULL, skb, th->ack ? cb->ack_seq : 0,
			      sk ? sk->sk_state : TCP_CLOSE);
	xtcp_reset_reply(net, skb, sk);
}

/**
 * xtcp_v4_send_ack() - send a bare ACK in reply to @skb without a socket
 * @net: the namespace
 * @skb: the segment being answered
 * @seq: our sequence number
 * @ack: our acknowledgment number
 * @win: the window field, already shifted by our window scale
 *	(xtcp_wscale_field()); at most 65535
 */
void xtcp_v4_send_ack(struct net *net, struct sk_buff *skb, u32 seq, u32 ack,
		      u32 win)
{
	xtcp_v4_send_ctl(net, skb, seq, ack, XTCP_FLAG_ACK, win, NULL, NULL);
}

/**
 * xtcp_v4_send_ack_ts() - xtcp_v4_send_ack() with timestamps
 * @net: the namespace
 * @skb: the segment being answered
 * @seq: our sequence number
 * @ack: our acknowledgment number
 * @win: the window to advertise
 * @ts: TSval and TSecr, or NULL for no timestamp option
 * @tw: the TIME_WAIT minisock answering, whose connection's device, mark,
 *	TOS or traffic class, flow label and hash the ACK keeps; or NULL
 */
void xtcp_v4_send_ack_ts(struct net *net, struct sk_buff *skb, u32 seq, u32 ack,
			 u32 win, const u32 *ts,
			 const struct inet_timewait_sock *tw)
{
	xtcp_v4_send_ctl(net, skb, seq, ack, XTCP_FLAG_ACK, win, ts,
			 (const struct sock *)tw);
}

/**
 * xtcp_v4_pre_connect() - the proto's pre_connect: cgroup connect4 programs
 * @sk: the socket, locked, in CLOSE
 * @uaddr: struct sockaddr_in of the peer (a program may rewrite it)
 * @addr_len: its length
 *
 * __inet_stream_connect() calls it whenever a BPF_CGROUP_INET4_CONNECT
 * program is attached anywhere on the machine, as for TCP.
 *
 * Return: 0, or a negative errno (-EPERM when a program refuses).
 */
int xtcp_v4_pre_connect(struct sock *sk, struct sockaddr *uaddr, int addr_len)
{
	if (addr_len < (int)sizeof(struct sockaddr_in))
		return -EINVAL;
	sock_owned_by_me(sk);
	return BPF_CGROUP_RUN_PROG_INET4_CONNECT(sk, uaddr);
}

/**
 * xtcp_v4_connect() - active open: route, bind a port, send the SYN
 * @sk: the socket, locked, in CLOSE
 * @uaddr: struct sockaddr_in of the peer
 * @addr_len: its length
 *
 * Return: 0 when the SYN is on its way, or a negative errno.
 */
int xtcp_v4_connect(struct sock *sk, struct sockaddr *uaddr, int addr_len)
{
	const struct sockaddr_in *usin = (struct sockaddr_in *)uaddr;
	struct xtcp_net *xn = xtcp_pernet(sock_net(sk));
	struct inet_sock *inet = inet_sk(sk);
	struct ip_options_rcu *inet_opt;
	__be16 orig_sport, orig_dport;
	struct flowi4 *fl4;
	struct rtable *rt;
	__be32 daddr;
	int err;

	if (addr_len < (int)sizeof(struct sockaddr_in))
		return -EINVAL;
	if (usin->sin_family != AF_INET)
		return -EAFNOSUPPORT;
	if (!usin->sin_port)
		return -EINVAL;

	daddr = usin->sin_addr.s_addr;
	orig_sport = inet->inet_sport;
	orig_dport = usin->sin_port;
	fl4 = &inet->cork.fl.u.ip4;
	rt = ip_route_connect(fl4, daddr, inet->inet_saddr,
			      sk->sk_bound_dev_if, xtcp_ipproto, orig_sport,
			      orig_dport, sk);
	if (IS_ERR(rt))
		return PTR_ERR(rt);
	if (rt->rt_flags & (RTCF_MULTICAST | RTCF_BROADCAST)) {
		ip_rt_put(rt);
		return -ENETUNREACH;
	}
	daddr = fl4->daddr;

	if (!inet->inet_saddr) {
		err = inet_bhash2_update_saddr(sk, &fl4->saddr, AF_INET);
		if (err) {
			ip_rt_put(rt);
			return err;
		}
	} else {
		sk_rcv_saddr_set(sk, inet->inet_saddr);
	}

	inet->inet_dport = usin->sin_port;
	sk_daddr_set(sk, daddr);
	inet_csk(sk)->icsk_ext_hdr_len = 0;
	inet_opt = rcu_dereference_protected(inet->inet_opt,
					     lockdep_sock_is_held(sk));
	if (inet_opt)
		inet_csk(sk)->icsk_ext_hdr_len = inet_opt->opt.optlen;

	/* Pick a port and enter the connection hash in SYN_SENT. */
	xtcp_set_state(sk, TCP_SYN_SENT);
	err = inet_hash_connect(&xn->death_row, sk);
	if (err)
		goto failure;

	rt = ip_route_newports(fl4, rt, orig_sport, orig_dport,
			       inet->inet_sport, inet->inet_dport, sk);
	if (IS_ERR(rt)) {
		err = PTR_ERR(rt);
		rt = NULL;
		goto failure;
	}
	sk_setup_caps(sk, &rt->dst);
	rt = NULL;

	err = xtcp_connect_start(sk, xtcp_isn(inet->inet_saddr,
					      inet->inet_daddr,
					      inet->inet_sport,
					      inet->inet_dport));
	if (err)
		goto failure;
	return 0;

failure:
	xtcp_set_state(sk, TCP_CLOSE);
	inet_bhash2_reset_saddr(sk);
	ip_rt_put(rt);
	sk->sk_route_caps = 0;
	inet->inet_dport = 0;
	return err;
}

/**
 * xtcp_connect_start() - the end of an active open, either family: the
 *	ISN, then the SYN
 * @sk: the socket, locked, hashed in SYN_SENT with its route
 * @iss: the initial sequence number
 *
 * Return: 0 when the SYN is on its way, or a negative errno.
 */
int xtcp_connect_start(struct sock *sk, u32 iss)
{
	int err;

	xtcp_sk(sk)->iss = iss;
	atomic_set(&inet_sk(sk)->inet_id, get_random_u16());
	err = xtcp_connect(sk);
	if (!err)
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_ACTIVEOPENS);
	return err;
}

static int xtcp_v4_send_synack(const struct sock *sk, struct request_sock *req)
{
	const struct inet_request_sock *ireq = inet_rsk(req);
	struct sk_buff *skb;
	int err;

	skb = xtcp_make_synack(sk, req, NULL);
	if (!skb)
		return -ENOMEM;
	rcu_read_lock();
	err = ip_build_and_send_pkt(skb, sk, ireq->ir_loc_addr,
				    ireq->ir_rmt_addr,
				    rcu_dereference(ireq->ireq_opt),
				    inet_sk(sk)->tos);
	rcu_read_unlock();
	err = net_xmit_eval(err);
	if (!err)
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_OUTSEGS);
	return err;
}

static void xtcp_v4_reqsk_destructor(struct request_sock *req)
{
	kfree(rcu_dereference_protected(inet_rsk(req)->ireq_opt, 1));
}

static void xtcp_syn_ack_timeout(const struct request_sock *req)
{
	XTCP_INC_STATS(sock_net(req->rsk_listener), XTCP_MIB_RETRANSSEGS);
}

struct request_sock_ops xtcp_request_sock_ops __read_mostly = {
	.family		= PF_INET,
	.obj_size	= sizeof(struct xtcp_request_sock),
	.rtx_syn_ack	= xtcp_v4_send_synack,
	.destructor	= xtcp_v4_reqsk_destructor,
	.syn_ack_timeout = xtcp_syn_ack_timeout,
};

static void xtcp_v4_init_req(const struct sock *sk, struct request_sock *req,
			     struct sk_buff *skb)
{
	sk_rcv_saddr_set(req_to_sk(req), ip_hdr(skb)->daddr);
	sk_daddr_set(req_to_sk(req), ip_hdr(skb)->saddr);
	inet_rsk(req)->ireq_family = AF_INET;
}

static u32 xtcp_v4_isn_skb(const struct sk_buff *skb)
{
	return xtcp_isn(ip_hdr(skb)->daddr, ip_hdr(skb)->saddr,
			tcp_hdr(skb)->dest, tcp_hdr(skb)->source);
}

static const struct xtcp_req_family xtcp_v4_req_family = {
	.rsk_ops	= &xtcp_request_sock_ops,
	.init_req	= xtcp_v4_init_req,
	.isn		= xtcp_v4_isn_skb,
	.cookie_seq	= xtcp_cookie_v4_init_sequence,
	.send_synack	= xtcp_v4_send_synack,
};

/**
 * xtcp_v4_conn_request() - a SYN over IPv4 reached a listener
 * @sk: the listener (an IPv4 one, or a dual-stack IPv6 one)
 * @skb: the SYN
 *
 * Return: 0, or -1 when the SYN was dropped.
 */
int xtcp_v4_conn_request(struct sock *sk, struct sk_buff *skb)
{
	const struct rtable *rt = skb_rtable(skb);

	/*
	 * Runs without the listener's lock, in softirq context, for a segment
	 * fresh from the IP layer; a route-less segment (one that waited in a
	 * backlog) is dropped rather than trusted.
	 */
	if (!rt || (rt->rt_flags & (RTCF_BROADCAST | RTCF_MULTICAST))) {
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_LISTENDROPS);
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_ATTEMPTFAILS);
		return -1;
	}
	return xtcp_conn_request(sk, skb, &xtcp_v4_req_family);
}

/**
 * xtcp_conn_request() - a SYN reached a listener: make a request socket
 *	and answer SYN-ACK
 * @sk: the listener
 * @skb: the SYN, checked for broadcast/multicast by the caller
 * @fam: the family of @skb
 *
 * Return: 0, or -1 when the SYN was dropped.
 */
int xtcp_conn_request(struct sock *sk, struct sk_buff *skb,
		      const struct xtcp_req_family *fam)
{
	const struct tcphdr *th = tcp_hdr(skb);
	struct inet_request_sock *ireq;
	struct xtcp_request_sock *xreq;
	struct request_sock *req;
	bool want_cookie = false;

	/* A full request queue: answer with a SYN cookie, or drop (the peer
	 * retries). A full accept queue: drop, cookie or not. A family
	 * without cookies drops.
	 */
	if (!fam->cookie_seq) {
		if (inet_csk_reqsk_queue_is_full(sk))
			goto drop;
	} else if (READ_ONCE(xtcp_pernet(sock_net(sk))->syncookies) == 2 ||
		   inet_csk_reqsk_queue_is_full(sk)) {
		want_cookie = xtcp_syn_flood_action(sk);
		if (!want_cookie)
			goto drop;
	}
	if (sk_acceptq_is_full(sk)) {
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_LISTENOVERFLOWS);
		goto drop;
	}

	req = inet_reqsk_alloc(fam->rsk_ops, sk, !want_cookie);
	if (!req)
		goto drop;

	ireq = inet_rsk(req);
	xreq = xtcp_rsk(req);
	ireq->ir_rmt_port = th->source;
	ireq->ir_num = ntohs(th->dest);
	ireq->ir_mark = inet_request_mark(sk, skb);
	ireq->ir_iif = READ_ONCE(sk->sk_bound_dev_if);
	fam->init_req(sk, req, skb);
	/* No window scaling or SACK (yet): the allocator leaves these. */
	ireq->snd_wscale = 0;
	ireq->rcv_wscale = 0;
	ireq->wscale_ok = 0;
	ireq->sack_ok = 0;
	xtcp_tstamp_openreq(sk, req, skb, want_cookie);

	xreq->irs = XTCP_SKB_CB(skb)->seq;
	/* A SYN that ended a TIME_WAIT entry comes with an ISN above the old
	 * connection's sequence space (tcp_tw_isn).
	 */
	xreq->iss = XTCP_SKB_CB(skb)->tw_isn ? : fam->isn(skb);
	xreq->last_oow_ack = 0;
	xreq->mss = XTCP_SKB_CB(skb)->rx_mss ? : XTCP_DEFAULT_MSS;
	xtcp_wscale_req_init(sk, req, skb, want_cookie);
	/* A cookie remembers SACK-permitted in its timestamp, if it has one. */
	ireq->sack_ok = (!want_cookie || ireq->tstamp_ok) &&
			READ_ONCE(xtcp_pernet(sock_net(sk))->sack) &&
			xtcp_sack_syn_perm(skb);
	req->rsk_rcv_wnd = 0;	/* the first SYN-ACK sets it */

	if (security_inet_conn_request(sk, skb, req))
		goto drop_and_free;

	if (want_cookie) {
		/* No state: the SYN-ACK carries it, the request goes. */
		xreq->iss = fam->cookie_seq(sk, skb, &xreq->mss);
		rcu_read_lock();
		fam->send_synack(sk, req);
		rcu_read_unlock();
		reqsk_free(req);
		return 0;
	}

	/*
	 * Hash the request before the SYN-ACK leaves: the peer's ACK may be
	 * processed on another CPU at once, and must find it (else the
	 * listener answers that ACK with a RST). A SYN-ACK that fails to go
	 * out is retransmitted by the request timer.
	 */
	xreq->synack_ns = ktime_get_ns();
	if (unlikely(!inet_csk_reqsk_queue_hash_add(sk, req,
						    usecs_to_jiffies(XTCP_RTO_INIT_US)))) {
		reqsk_free(req);
		return 0;
	}
	fam->send_synack(sk, req);
	reqsk_put(req);
	return 0;

drop_and_free:
	reqsk_free(req);
drop:
	/* As TCP counts them: every SYN the listener did not answer. */
	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_LISTENDROPS);
	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_ATTEMPTFAILS);
	return -1;
}

/**
 * xtcp_child_init() - start the protocol state of a child fresh from the
 *	request (both families)
 * @sk: the listener
 * @newsk: the child, cloned from the listener by inet_csk_clone_lock()
 * @req: the request
 * @skb: the segment that completed the handshake
 */
void xtcp_child_init(struct sock *sk, struct sock *newsk,
		     struct request_sock *req, struct sk_buff *skb)
{
	struct xtcp_request_sock *xreq = xtcp_rsk(req);
	struct inet_request_sock *ireq = inet_rsk(req);
	struct xtcp_sock *nxs = xtcp_sk(newsk);
	s64 rtt_us;

	/* The clone copied the listener's memory: start the protocol fresh. */
	xtcp_init_timers(newsk);
	xtcp_init_xmit_state(newsk);
	/* The handshake's final ACK, processed next, acknowledges our SYN. */
	nxs->iss = xreq->iss;
	nxs->snd_una = xreq->iss;
	nxs->snd_nxt = xreq->iss + 1;
	nxs->snd_max = nxs->snd_nxt;
	nxs->write_seq = nxs->snd_nxt;
	nxs->high_seq = xreq->iss;
	nxs->irs = xreq->irs;
	nxs->rcv_nxt = xreq->irs + 1;
	nxs->copied_seq = nxs->rcv_nxt;
	nxs->rcv_wup = nxs->rcv_nxt;
	nxs->snd_wl1 = xreq->irs;
	nxs->snd_wl2 = xreq->iss;
	nxs->rx_mss = xreq->mss;
	nxs->wscale_ok = ireq->wscale_ok;
	nxs->snd_wscale = ireq->snd_wscale;
	nxs->rcv_wscale = ireq->rcv_wscale;
	nxs->sack_ok = ireq->sack_ok;
	nxs->fin_rcvd = 0;
	nxs->ack_pending = 0;
	nxs->ack_held = 0;
	nxs->probes_out = 0;
	nxs->total_retrans = 0;
	nxs->bytes_acked = 0;
	nxs->bytes_received = 0;
	nxs->segs_in = 0;
	nxs->segs_out = 0;
	nxs->last_rcv_ns = xtcp_clock_refresh(nxs);
	nxs->last_oow_ack = 0;
	nxs->orphan_counted = 0;
	/* The SYN-ACK's RTT: from its send time if it went once, else (and
	 * not for a cookie, whose TSval is rounded) from the echoed TSval.
	 */
	rtt_us = xtcp_tstamp_child_init(newsk, req, skb);
	if (!req->num_retrans && xreq->synack_ns)
		rtt_us = div_u64(xtcp_clock_ns(nxs) - xreq->synack_ns,
				 NSEC_PER_USEC);
	if (rtt_us >= 0 && !req->syncookie) {
		struct xtcp_net *xn = xtcp_pernet(sock_net(sk));

		xtcp_rtt_sample(&nxs->rtt, (u32)rtt_us,
				xn->rto_min_ms * USEC_PER_MSEC,
				xn->rto_max_ms * USEC_PER_MSEC);
		xtcp_min_rtt_sample(newsk, (u32)rtt_us);
	}
}

/**
 * xtcp_v4_syn_recv_sock() - the handshake completed over IPv4: make the
 *	full socket from the request
 * @sk: the listener
 * @skb: the segment that completed the handshake
 * @req: the request
 * @dst: the route to the peer, or NULL to look it up
 * @req_unhash: the request to take out of the ehash
 * @own_req: set when the child replaced the request in the ehash
 * @opt_child_init: NULL, or (for a dual-stack IPv6 listener) what gives the
 *	child its own IPv6 part, called right after the clone so that no
 *	failure path below frees a child that shares the listener's
 * *
 * Return: the child, bh-locked, or NULL (also for a cookie's child that
 * found its connection already made: xtcp_cookie_child_dup()).
 */
struct sock *xtcp_v4_syn_recv_sock(const struct sock *sk, struct sk_buff *skb,
				   struct request_sock *req,
				   struct dst_entry *dst,
				   struct request_sock *req_unhash,
				   bool *own_req,
				   void (*opt_child_init)(struct sock *newsk,
							  const struct sock *sk))
{
	struct inet_request_sock *ireq = inet_rsk(req);
	struct ip_options_rcu *inet_opt;
	bool found_dup_sk = false;
	struct inet_sock *newinet;
	struct xtcp_sock *nxs;
	struct sock *newsk;

	if (sk_acceptq_is_full(sk))
		goto overflow;

	newsk = inet_csk_clone_lock(sk, req, GFP_ATOMIC);
	if (!newsk)
		goto exit;
	if (opt_child_init)
		opt_child_init(newsk, sk);

	newinet = inet_sk(newsk);
	sk_daddr_set(newsk, ireq->ir_rmt_addr);
	sk_rcv_saddr_set(newsk, ireq->ir_loc_addr);
	newinet->inet_saddr = ireq->ir_loc_addr;
	inet_opt = rcu_dereference(ireq->ireq_opt);
	RCU_INIT_POINTER(newinet->inet_opt, inet_opt);
	/* The clone copied the listener's: the child's own options count. */
	inet_csk(newsk)->icsk_ext_hdr_len = inet_opt ? inet_opt->opt.optlen : 0;
	newinet->mc_index = inet_iif(skb);
	newinet->mc_ttl = ip_hdr(skb)->ttl;
	atomic_set(&newinet->inet_id, get_random_u16());

	nxs = xtcp_sk(newsk);
	xtcp_child_init((struct sock *)sk, newsk, req, skb);

	if (!dst) {
		dst = inet_csk_route_child_sock(sk, newsk, req);
		if (!dst)
			goto put_and_exit;
	}
	sk_setup_caps(newsk, dst);
	xtcp_sync_mss(newsk, dst_mtu(dst));
	/* What the SYN-ACK offered stays offered (0 for a cookie). */
	nxs->rcv_wnd = req->rsk_rcv_wnd;
	nxs->rcv_wnd = xtcp_select_window(newsk);

	if (__inet_inherit_port(sk, newsk) < 0)
		goto put_and_exit;
	*own_req = inet_ehash_nolisten(newsk, req_to_sk(req_unhash),
				       &found_dup_sk);
	if (*own_req) {
		ireq->ireq_opt = NULL;
	} else {
		newinet->inet_opt = NULL;
		if (!req_unhash && found_dup_sk) {
			/* For sparse: the clone came bh-locked. */
			__acquire(&newsk->sk_lock.slock);
			xtcp_cookie_child_dup(sk, newsk);
			return NULL;
		}
	}
	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_PASSIVEOPENS);
	return newsk;

overflow:
	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_LISTENOVERFLOWS);
exit:
	dst_release(dst);
drop:
	/* As TCP counts them: every handshake the listener did not finish. */
	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_LISTENDROPS);
	return NULL;
put_and_exit:
	newinet->inet_opt = NULL;
	inet_csk_prepare_forced_close(newsk);
	xtcp_done(newsk);
	goto drop;
}

const struct inet_connection_sock_af_ops xtcp_ipv4_af_ops = {
	.queue_xmit	= ip_queue_xmit,
	.rebuild_header	= inet_sk_rebuild_header,
	.send_check	= xtcp_v4_send_check,
	.conn_request	= xtcp_v4_conn_request,
	.syn_recv_sock	= xtcp_v4_syn_recv_sock,
	.net_header_len	= sizeof(struct iphdr),
	.setsockopt	= ip_setsockopt,
	.getsockopt	= ip_getsockopt,
	.addr2sockaddr	= inet_csk_addr2sockaddr,
	.sockaddr_len	= sizeof(struct sockaddr_in),
	.mtu_reduced	= xtcp_v4_mtu_reduced,
};

/**
 * xtcp_v4_do_rcv() - process a segment for a full socket, locked
 * @sk: the socket (listening or connected), owned by this context
 * @skb: the segment, header at skb->data
 *
 * Also the socket's backlog_rcv handler.
 *
 * Return: 0.
 */
int xtcp_v4_do_rcv(struct sock *sk, struct sk_buff *skb)
{
	if (xtcp_rcv_state_process(sk, skb)) {
		xtcp_v4_send_reset(sk, skb);
		kfree_skb(skb);
	}
	return 0;
}

/**
 * xtcp_fill_cb() - fill the control block from the header
 * @skb: the segment; length and checksum were checked by the caller
 * @th: its header
 *
 * The option list is checked here, for every segment in every state
 * (RFC 9293 3.1: unknown kinds are skipped by their length).
 *
 * Return: 0, or -EINVAL for a malformed option list.
 */
int xtcp_fill_cb(struct sk_buff *skb, const struct tcphdr *th)
{
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	struct xtcp_options opts = {};

	/* Only SYNs carry options XTCP uses, but a malformed list is
	 * malformed whatever the flags: parse whatever is there, unless it
	 * is the usual timestamps alone (no MSS, well formed).
	 */
	if (th->doff > XTCP_HDR_LEN / 4 && !xtcp_opts_tstamp_only(th) &&
	    xtcp_parse_options((const u8 *)(th + 1), th->doff * 4 - XTCP_HDR_LEN,
			       th->syn, &opts))
		return -EINVAL;

#if IS_ENABLED(CONFIG_IPV6)
	if (xtcp_skb_is_v6(skb))
		memmove(&cb->header.h6, IP6CB(skb),
			sizeof(struct inet6_skb_parm));
	else
#endif
		memmove(&cb->header.h4, IPCB(skb),
			sizeof(struct inet_skb_parm));
	barrier();
	cb->rx_mss = opts.mss;
	cb->seq = ntohl(th->seq);
	cb->end_seq = cb->seq + th->syn + th->fin + skb->len - th->doff * 4;
	cb->ack_seq = ntohl(th->ack_seq);
	cb->flags = xtcp_flag_byte(th);
	cb->window = ntohs(th->window);
	cb->sacked = 0;
	cb->tw_isn = 0;
	return 0;
}

/*
 * The socket's filter (SO_ATTACH_FILTER, cgroup ingress programs, the LSM's
 * sock_rcv_skb), where TCP runs tcp_filter(). A filter takes or drops the
 * whole segment: the cap is the segment's length, so it cannot trim the
 * payload (6.1 lets only CAP_NET_ADMIN attach filters to TCP sockets since
 * trimming filters were abused; any user may attach one to XTCP's). Our
 * control block is saved across it, as a program may use skb->cb.
 *
 * Return: 0 to go on, non-zero to drop the segment.
 */
static int xtcp_filter(struct sock *sk, struct sk_buff *skb)
{
	struct xtcp_skb_cb cb = *XTCP_SKB_CB(skb);
	int err;

	err = sk_filter_trim_cap(sk, skb, skb->len);
	*XTCP_SKB_CB(skb) = cb;
	return err;
}

/* IP_MINTTL (RFC 5082): drop segments that crossed too many hops. */
static bool xtcp_min_ttl_drop(const struct sock *sk, const struct sk_buff *skb)
{
	return ip_hdr(skb)->ttl < READ_ONCE(inet_sk(sk)->min_ttl);
}

/**
 * xtcp_rcv() - every XTCP segment, IPv4 or IPv6, starts here
 * @skb: the datagram, network header pulled
 * @ops: what differs between the families
 *
 * Validates the header and checksum, finds the socket (established,
 * TIME_WAIT, request or listener) and hands the segment on, directly or
 * through the socket backlog.
 *
 * Return: 0 (the skb is always consumed).
 */
int xtcp_rcv(struct sk_buff *skb, const struct xtcp_rcv_ops *ops)
{
	struct net *net = dev_net(skb->dev);
	const struct tcphdr *th;
	bool refcounted;
	struct sock *sk;
	int ret;

	if (skb->pkt_type != PACKET_HOST)
		goto discard;

	XTCP_INC_STATS(net, XTCP_MIB_INSEGS);

	if (!pskb_may_pull(skb, sizeof(struct tcphdr)))
		goto bad_packet;
	th = (const struct tcphdr *)skb->data;
	if (th->doff < sizeof(struct tcphdr) / 4)
		goto bad_packet;
	if (!pskb_may_pull(skb, th->doff * 4))
		goto bad_packet;

	if (ops->csum_init(skb))
		goto csum_error;
	if (skb_checksum_complete(skb))
		goto csum_error;

	th = (const struct tcphdr *)skb->data;
	if (xtcp_fill_cb(skb, th)) {
		XTCP_INC_STATS(net, XTCP_MIB_INBADOPTS);
		goto bad_packet;
	}

lookup:
	sk = ops->lookup(skb, th, &refcounted);
	if (!sk)
		goto no_socket;

	if (sk->sk_state == TCP_TIME_WAIT) {
		/* IPsec policy, as for every segment (no_policy is set). */
		if (!ops->policy_check(NULL, skb)) {
			inet_twsk_put(inet_twsk(sk));
			goto discard;
		}
		/* A new SYN for a TIME_WAIT entry comes back with the
		 * listener that takes it (tcp_v4_rcv()'s TCP_TW_SYN).
		 */
		sk = xtcp_timewait_rcv(inet_twsk(sk), skb);
		if (!sk)
			return 0;
		refcounted = false;
	}

	if (sk->sk_state == TCP_NEW_SYN_RECV) {
		struct request_sock *req = inet_reqsk(sk);
		struct sock *nsk;

		sk = req->rsk_listener;
		/* The listener's policy and filter judge the segment that
		 * would complete the handshake.
		 */
		if (!ops->policy_check(sk, skb)) {
			reqsk_put(req);
			goto discard;
		}
		if (unlikely(sk->sk_state != TCP_LISTEN)) {
			inet_csk_reqsk_queue_drop_and_put(sk, req);
			goto lookup;
		}
		sock_hold(sk);
		refcounted = true;
		if (xtcp_filter(sk, skb)) {
			reqsk_put(req);
			goto discard_and_relse;
		}
		nsk = xtcp_check_req(sk, skb, req);
		if (!nsk) {
			reqsk_put(req);
			goto discard_and_relse;
		}
		if (nsk == sk) {
			reqsk_put(req);
		} else if (xtcp_child_process(sk, nsk, skb)) {
			xtcp_v4_send_reset(sk, skb);
			goto discard_and_relse;
		} else {
			sock_put(sk);
			return 0;
		}
	}

	if (unlikely(ops->min_ttl_drop(sk, skb)))
		goto discard_and_relse;
	if (!ops->policy_check(sk, skb))
		goto discard_and_relse;
	nf_reset_ct(skb);
	if (xtcp_filter(sk, skb))
		goto discard_and_relse;

	skb->dev = NULL;

	/*
	 * A listener is not locked: what a segment does to it (a request
	 * socket hashed in the ehash, a SYN-ACK, a RST) is safe without the
	 * lock, as for TCP. SYNs then never wait in the listener's backlog
	 * (where they could lose their route) nor serialise on its lock.
	 */
	if (sk->sk_state == TCP_LISTEN) {
		ret = ops->do_rcv(sk, skb);
		if (refcounted)
			sock_put(sk);
		return ret;
	}

	bh_lock_sock_nested(sk);
	ret = 0;
	if (!sock_owned_by_user(sk)) {
		ret = ops->do_rcv(sk, skb);
	} else if (xtcp_add_backlog(sk, skb)) {
		bh_unlock_sock(sk);
		XTCP_INC_STATS(net, XTCP_MIB_BACKLOGDROP);
		goto discard_and_relse;
	}
	bh_unlock_sock(sk);
	if (refcounted)
		sock_put(sk);
	return ret;

no_socket:
	if (!ops->policy_check(NULL, skb))
		goto discard;
	xtcp_v4_send_reset(NULL, skb);
	goto discard;

csum_error:
	XTCP_INC_STATS(net, XTCP_MIB_INCSUMERRORS);
bad_packet:
	XTCP_INC_STATS(net, XTCP_MIB_INERRS);
discard:
	kfree_skb(skb);
	return 0;

discard_and_relse:
	if (refcounted)
		sock_put(sk);
	goto discard;
}

static bool xtcp_v4_csum_init(struct sk_buff *skb)
{
	return skb_checksum_init(skb, xtcp_ipproto, inet_compute_pseudo) != 0;
}

static struct sock *xtcp_v4_lookup(struct sk_buff *skb,
				   const struct tcphdr *th, bool *refcounted)
{
	return __inet_lookup_skb(&xtcp_hashinfo, skb, th->doff * 4, th->source,
				 th->dest, inet_sdif(skb), refcounted);
}

static bool xtcp_v4_policy_check(struct sock *sk, struct sk_buff *skb)
{
	return xfrm4_policy_check(sk, XFRM_POLICY_IN, skb);
}

static const struct xtcp_rcv_ops xtcp_v4_rcv_ops = {
	.csum_init	= xtcp_v4_csum_init,
	.lookup		= xtcp_v4_lookup,
	.policy_check	= xtcp_v4_policy_check,
	.min_ttl_drop	= xtcp_min_ttl_drop,
	.do_rcv		= xtcp_v4_do_rcv,
};

/**
 * xtcp_v4_rcv() - the IP protocol handler: every XTCP segment over IPv4
 *	starts here
 * @skb: the datagram, network header pulled
 *
 * Return: 0 (the skb is always consumed).
 */
int xtcp_v4_rcv(struct sk_buff *skb)
{
	return xtcp_rcv(skb, &xtcp_v4_rcv_ops);
}
