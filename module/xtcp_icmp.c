// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP ICMP errors. The IP layer hands us every ICMP error that quotes an
 * XTCP segment (net_protocol.err_handler). We act on those that quote a
 * sequence number we sent and that is not yet acknowledged (RFC 5927 4.1):
 *
 * - Fragmentation needed (RFC 1191): lower the path MTU, the MSS with it,
 *   and send again what was in flight, now in smaller segments.
 * - Other destination unreachables, time exceeded, parameter problems:
 *   fatal while connecting (connect() fails with the converted errno at
 *   once instead of after every SYN retry), soft afterwards (RFC 1122
 *   4.2.3.9): remembered in sk_err_soft and reported if the connection
 *   later times out, or at once with IP_RECVERR.
 * - Redirects update the route; source quench is ignored (RFC 6633).
 */
#define pr_fmt(fmt) "xtcp: " fmt

#include <linux/icmp.h>
#include <net/icmp.h>
#include <net/inet_hashtables.h>
#include <net/ip.h>
#include <net/route.h>

#include "xtcp.h"

/**
 * xtcp_v4_mtu_reduced() - act on a path MTU decrease
 * @sk: the socket, locked, with xtcp_sock.mtu_info set by the ICMP error
 *
 * Also run from xtcp_release_cb() when the error found the socket owned.
 */
void xtcp_v4_mtu_reduced(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct dst_entry *dst;
	u32 mtu;

	if ((1 << sk->sk_state) & (TCPF_LISTEN | TCPF_CLOSE))
		return;
	mtu = READ_ONCE(xs->mtu_info);
	dst = inet_csk_update_pmtu(sk, mtu);
	if (!dst)
		return;
	/* The route would not go that low (min_pmtu), and we may not
	 * fragment: the segments above it cannot get through.
	 */
	if (mtu < dst_mtu(dst) && ip_dont_fragment(sk, dst))
		WRITE_ONCE(sk->sk_err_soft, EMSGSIZE);
	mtu = dst_mtu(dst);
	if (inet_sk(sk)->pmtudisc == IP_PMTUDISC_DONT || !ip_sk_accept_pmtu(sk))
		return;
	xtcp_pmtu_shrink(sk, mtu);
}

/**
 * xtcp_pmtu_shrink() - the path MTU went down to @mtu: resize (both families)
 * @sk: the socket, locked
 * @mtu: the new path MTU
 */
void xtcp_pmtu_shrink(struct sock *sk, u32 mtu)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 old_mss;

	old_mss = xs->mss_cache;
	xtcp_sync_mss(sk, mtu);
	if (xs->mss_cache >= old_mss)
		return;
	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_PMTUREDUCED);
	/* The router dropped what was in flight at the old size: send it
	 * again now, resized, without waiting for the RTO and without
	 * treating it as congestion (RFC 1191 6.5). Lost, it also makes
	 * no earlier timeout spurious (xtcp_undo.c).
	 */
	xs->undo_rto = 0;
	xs->frto = 0;
	xs->sack.undo_active = 0;
	if (xs->packets_out)
		xtcp_go_back_n(sk);
}

/**
 * xtcp_req_err() - an ICMP error for a request socket (both families)
 * @req: the request, referenced by the lookup (released here)
 * @seq: the sequence number the error quotes
 * @abort: the error is fatal
 *
 * The SYN-ACK it quotes cannot reach the client. Drop the request on a
 * fatal error (RFC 1122 4.2.3.9).
 */
void xtcp_req_err(struct request_sock *req, u32 seq, bool abort)
{
	struct net *net = sock_net(req_to_sk(req));

	if (seq != xtcp_rsk(req)->iss)
		XTCP_INC_STATS(net, XTCP_MIB_OUTOFWINDOWICMPS);
	else if (abort)
		inet_csk_reqsk_queue_drop(req->rsk_listener, req);
	reqsk_put(req);
}

/* The errno an ICMP error stands for (positive, as in sk_err); 0 for
 * those that need none.
 */
static int xtcp_icmp_errno(int type, int code)
{
	int err = 0;

	switch (type) {
	case ICMP_DEST_UNREACH:
		if (code <= NR_ICMP_UNREACH && code != ICMP_FRAG_NEEDED)
			err = icmp_err_convert[code].errno;
		break;
	case ICMP_TIME_EXCEEDED:
		err = EHOSTUNREACH;
		break;
	case ICMP_PARAMETERPROB:
		err = EPROTO;
		break;
	}
	return err;
}

/**
 * xtcp_v4_err() - the IP protocol's ICMP error handler
 * @skb: the ICMP message; skb->data points at the quoted IP header, of
 *	which the IP layer guarantees the header and 8 bytes of XTCP header
 *	(ports and sequence number)
 * @info: for fragmentation needed, the next-hop MTU
 *
 * Return: 0, or -ENOENT when no connection matches.
 */
int xtcp_v4_err(struct sk_buff *skb, u32 info)
{
	const struct iphdr *iph = (const struct iphdr *)skb->data;
	const struct tcphdr *th = (const struct tcphdr *)(skb->data +
							   (iph->ihl << 2));
	const int type = icmp_hdr(skb)->type;
	const int code = icmp_hdr(skb)->code;
	struct net *net = dev_net(skb->dev);
	struct xtcp_sock *xs;
	struct sock *sk;
	u32 seq;
	int err;

	/* The quoted segment is one of ours: we are its source. */
	sk = __inet_lookup_established(net, &xtcp_hashinfo, iph->daddr,
				       th->dest, iph->saddr, ntohs(th->source),
				       inet_iif(skb), 0);
	if (!sk) {
		__ICMP_INC_STATS(net, ICMP_MIB_INERRORS);
		return -ENOENT;
	}
	if (sk->sk_state == TCP_TIME_WAIT) {
		inet_twsk_put(inet_twsk(sk));
		return 0;
	}
	seq = ntohl(th->seq);
	err = xtcp_icmp_errno(type, code);
	if (sk->sk_state == TCP_NEW_SYN_RECV) {
		xtcp_req_err(inet_reqsk(sk), seq,
			     type == ICMP_DEST_UNREACH && err &&
			     icmp_err_convert[code].fatal);
		return 0;
	}

	bh_lock_sock(sk);
	xs = xtcp_sk(sk);
	if (sk->sk_state == TCP_CLOSE)
		goto out;
	/* RFC 5927 4.1: only for data we sent and still wait for. */
	if (xtcp_seq_before(seq, xs->snd_una) ||
	    !xtcp_seq_before(seq, xs->snd_max)) {
		XTCP_INC_STATS(net, XTCP_MIB_OUTOFWINDOWICMPS);
		goto out;
	}

	if (type == ICMP_REDIRECT) {
		if (!sock_owned_by_user(sk)) {
			struct dst_entry *dst = __sk_dst_check(sk, 0);

			if (dst)
				dst->ops->redirect(dst, sk, skb);
		}
		goto out;
	}
	if (type == ICMP_DEST_UNREACH && code == ICMP_FRAG_NEEDED) {
		WRITE_ONCE(xs->mtu_info, info);
		if (!sock_owned_by_user(sk))
			xtcp_v4_mtu_reduced(sk);
		else if (!test_and_set_bit(XTCP_MTU_DEFERRED, &xs->deferred))
			sock_hold(sk);
		goto out;
	}
	if (err)
		xtcp_icmp_report(sk, err, inet_sk(sk)->recverr);
out:
	bh_unlock_sock(sk);
	sock_put(sk);
	return 0;
}

/**
 * xtcp_icmp_report() - report an ICMP error to the socket (both families)
 * @sk: the socket, bh-locked
 * @err: the positive errno
 * @recverr: IP_RECVERR / IPV6_RECVERR is set
 */
void xtcp_icmp_report(struct sock *sk, int err, bool recverr)
{
	if ((1 << sk->sk_state) & (TCPF_SYN_SENT | TCPF_SYN_RECV)) {
		/* Nobody is there: fail the open now. */
		if (!sock_owned_by_user(sk)) {
			WRITE_ONCE(sk->sk_err, err);
			sk_error_report(sk);
			xtcp_done(sk);
		} else {
			WRITE_ONCE(sk->sk_err_soft, err);
		}
		return;
	}
	/* Synchronized: probably transient (a route flapping); report it
	 * only if the connection later times out, unless asked to.
	 */
	if (!sock_owned_by_user(sk) && recverr) {
		WRITE_ONCE(sk->sk_err, err);
		sk_error_report(sk);
	} else {
		WRITE_ONCE(sk->sk_err_soft, err);
	}
}
