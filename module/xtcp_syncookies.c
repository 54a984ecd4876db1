// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP SYN cookies (RFC 4987 3.6): when a listener's request queue is full
 * (or net.xtcp.syncookies is 2), a SYN is answered with a SYN-ACK whose
 * sequence number encodes what the connection needs, and no state is kept.
 * The peer's ACK, which finds no request socket, is checked against the
 * cookie and the connection is created from the ACK alone.
 *
 * Cookie layout (the ISN, 32 bits):
 *
 *   bits 31..8  the top 24 bits of H2 = SipHash(addresses, ports, the
 *               peer's ISN, tick, MSS index)
 *   bits  7..0  (tick & 31) << 3 | MSS index, XORed with the low byte of
 *               H1 = SipHash(addresses, ports, the peer's ISN)
 *
 * Both hashes are keyed with one boot-time random secret. The tick counts
 * 64-second periods of the monotonic clock; a cookie is accepted during its
 * own tick and the XTCP_COOKIE_MAX_AGE ticks after it, so for two to three
 * minutes. The receiver unmasks the low byte with H1, rebuilds the full tick
 * from its own clock and the 5 bits, then checks all 24 bits of H2: a blind
 * attacker's ACK passes with a probability of about 2^-24 per guess.
 *
 * The SYN's other options travel in the low bits of the SYN-ACK's TSval,
 * when the SYN had timestamps (xtcp_tstamp.c).
 *
 * Over IPv6 the layout is the same; SipHash first folds the two 128-bit
 * addresses into the 64 bits the two IPv4 ones fill (xtcp_cookie_addrs6()).
 */
#define pr_fmt(fmt) "xtcp: " fmt

#include <net/inet_connection_sock.h>
#include <net/inet_hashtables.h>
#include <net/inet_sock.h>

#include "xtcp.h"

/* MSS values a cookie can carry, ascending. XTCP_MIN_MSS is the floor. */
static const u16 xtcp_cookie_msstab[XTCP_COOKIE_MSS_NUM] = {
	XTCP_MIN_MSS, 256, XTCP_DEFAULT_MSS, 1220, 1300, 1440, 1460, 8960,
};

/* How long after the last cookie SYN-ACK a listener checks cookie ACKs:
 * the oldest cookie still accepted.
 */
#define XTCP_COOKIE_VALID	(((XTCP_COOKIE_MAX_AGE + 1) << \
				  XTCP_COOKIE_TICK_SHIFT) * HZ)

#define XTCP_COOKIE_LOW_MASK	0xffU
#define XTCP_COOKIE_TICK_MASK	((1U << XTCP_COOKIE_TICK_BITS) - 1)
#define XTCP_COOKIE_MSS_MASK	(XTCP_COOKIE_MSS_NUM - 1)

static siphash_aligned_key_t xtcp_cookie_secret;

/**
 * xtcp_cookie_mss_index() - the table entry a peer's MSS falls back to
 * @mss: the MSS the peer offered
 *
 * Return: the index of the largest table MSS not above @mss (0 when @mss
 * is below them all).
 */
unsigned int xtcp_cookie_mss_index(u32 mss)
{
	unsigned int i;

	for (i = XTCP_COOKIE_MSS_NUM - 1; i > 0; i--)
		if (mss >= xtcp_cookie_msstab[i])
			break;
	return i;
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_cookie_mss_index);

/**
 * xtcp_cookie_mss() - the MSS of a table index
 * @idx: index, masked to the table size
 *
 * Return: the MSS.
 */
u16 xtcp_cookie_mss(unsigned int idx)
{
	return xtcp_cookie_msstab[idx & XTCP_COOKIE_MSS_MASK];
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_cookie_mss);

static u64 xtcp_cookie_addrs(__be32 saddr, __be32 daddr)
{
	return (u64)(__force u32)saddr << 32 | (__force u32)daddr;
}

static u64 xtcp_cookie_ports(__be16 sport, __be16 dport, u32 irs)
{
	return (u64)((__force u32)sport << 16 | (__force u32)dport) << 32 | irs;
}

/* IPv6: the two addresses are first folded by SipHash into the 64 bits
 * the IPv4 addresses fill as they are (as __cookie_v6_init_sequence()
 * hashes the whole IPv6 header's addresses). Their 32 bytes make an input
 * of another length than the 16 and 24 bytes hashed below, so the digest
 * cannot collide with those hashes under the one key.
 */
static u64 xtcp_cookie_addrs6(const siphash_key_t *key,
			      const struct in6_addr *saddr,
			      const struct in6_addr *daddr)
{
	const struct {
		struct in6_addr saddr;
		struct in6_addr daddr;
	} __aligned(SIPHASH_ALIGNMENT) addrs = {
		.saddr = *saddr,
		.daddr = *daddr,
	};

	return siphash(&addrs, sizeof(addrs), key);
}

static u32 __xtcp_cookie_encode(const siphash_key_t *key, u64 a, u64 p,
				u32 tick, unsigned int mss_idx)
{
	u32 h1, h2, low;

	mss_idx &= XTCP_COOKIE_MSS_MASK;
	h1 = (u32)siphash_2u64(a, p, key);
	h2 = (u32)siphash_3u64(a, p, (u64)tick << 8 | mss_idx, key);
	low = (tick & XTCP_COOKIE_TICK_MASK) << XTCP_COOKIE_MSS_BITS | mss_idx;
	return (h2 & ~XTCP_COOKIE_LOW_MASK) | ((low ^ h1) & XTCP_COOKIE_LOW_MASK);
}

static int __xtcp_cookie_decode(const siphash_key_t *key, u64 a, u64 p,
				u32 cookie, u32 now_tick)
{
	unsigned int mss_idx;
	u32 low, age, tick, h2;

	low = (cookie ^ (u32)siphash_2u64(a, p, key)) & XTCP_COOKIE_LOW_MASK;
	mss_idx = low & XTCP_COOKIE_MSS_MASK;
	age = (now_tick - (low >> XTCP_COOKIE_MSS_BITS)) & XTCP_COOKIE_TICK_MASK;
	if (age > XTCP_COOKIE_MAX_AGE)
		return -ESTALE;
	tick = now_tick - age;
	h2 = (u32)siphash_3u64(a, p, (u64)tick << 8 | mss_idx, key);
	if ((h2 ^ cookie) & ~XTCP_COOKIE_LOW_MASK)
		return -EBADMSG;
	return mss_idx;
}

/**
 * xtcp_cookie_encode() - compute a cookie (pure: no clock, no state)
 * @key: the secret
 * @saddr: the peer's address (source of its SYN)
 * @daddr: the listener's address
 * @sport: the peer's port
 * @dport: the listener's port
 * @irs: the peer's initial sequence number
 * @tick: the current tick
 * @mss_idx: MSS table index, below XTCP_COOKIE_MSS_NUM
 *
 * Return: the cookie, to use as our ISN.
 */
u32 xtcp_cookie_encode(const siphash_key_t *key, __be32 saddr, __be32 daddr,
		       __be16 sport, __be16 dport, u32 irs, u32 tick,
		       unsigned int mss_idx)
{
	return __xtcp_cookie_encode(key, xtcp_cookie_addrs(saddr, daddr),
				    xtcp_cookie_ports(sport, dport, irs),
				    tick, mss_idx);
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_cookie_encode);

/**
 * xtcp_cookie_decode() - check a cookie (pure: no clock, no state)
 * @key: the secret
 * @saddr: the peer's address
 * @daddr: the listener's address
 * @sport: the peer's port
 * @dport: the listener's port
 * @irs: the peer's initial sequence number (its ACK's sequence number - 1)
 * @cookie: the cookie (the ACK's acknowledgment number - 1)
 * @now_tick: the current tick
 *
 * Return: the MSS table index, -ESTALE when the cookie's tick is not one of
 * the last XTCP_COOKIE_MAX_AGE + 1, -EBADMSG when the hash does not match.
 */
int xtcp_cookie_decode(const siphash_key_t *key, __be32 saddr, __be32 daddr,
		       __be16 sport, __be16 dport, u32 irs, u32 cookie,
		       u32 now_tick)
{
	return __xtcp_cookie_decode(key, xtcp_cookie_addrs(saddr, daddr),
				    xtcp_cookie_ports(sport, dport, irs),
				    cookie, now_tick);
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_cookie_decode);

/**
 * xtcp_cookie_encode6() - compute a cookie for an IPv6 SYN (pure)
 * @key: the secret
 * @saddr: the peer's address (source of its SYN)
 * @daddr: the listener's address
 * @sport: the peer's port
 * @dport: the listener's port
 * @irs: the peer's initial sequence number
 * @tick: the current tick
 * @mss_idx: MSS table index, below XTCP_COOKIE_MSS_NUM
 *
 * The layout of xtcp_cookie_encode(); the hashes cover all 256 bits of the
 * two addresses.
 *
 * Return: the cookie, to use as our ISN.
 */
u32 xtcp_cookie_encode6(const siphash_key_t *key, const struct in6_addr *saddr,
			const struct in6_addr *daddr, __be16 sport,
			__be16 dport, u32 irs, u32 tick, unsigned int mss_idx)
{
	return __xtcp_cookie_encode(key, xtcp_cookie_addrs6(key, saddr, daddr),
				    xtcp_cookie_ports(sport, dport, irs),
				    tick, mss_idx);
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_cookie_encode6);

/**
 * xtcp_cookie_decode6() - check a cookie from an IPv6 ACK (pure)
 * @key: the secret
 * @saddr: the peer's address
 * @daddr: the listener's address
 * @sport: the peer's port
 * @dport: the listener's port
 * @irs: the peer's initial sequence number (its ACK's sequence number - 1)
 * @cookie: the cookie (the ACK's acknowledgment number - 1)
 * @now_tick: the current tick
 *
 * Return: as xtcp_cookie_decode().
 */
int xtcp_cookie_decode6(const siphash_key_t *key, const struct in6_addr *saddr,
			const struct in6_addr *daddr, __be16 sport,
			__be16 dport, u32 irs, u32 cookie, u32 now_tick)
{
	return __xtcp_cookie_decode(key, xtcp_cookie_addrs6(key, saddr, daddr),
				    xtcp_cookie_ports(sport, dport, irs),
				    cookie, now_tick);
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_cookie_decode6);

static u32 xtcp_cookie_tick(void)
{
	return (u32)(ktime_get_seconds() >> XTCP_COOKIE_TICK_SHIFT);
}

static const siphash_key_t *xtcp_cookie_key(void)
{
	net_get_random_once(&xtcp_cookie_secret, sizeof(xtcp_cookie_secret));
	return &xtcp_cookie_secret;
}

/**
 * xtcp_syn_flood_action() - a SYN found the request queue full (or
 * net.xtcp.syncookies is 2): answer with a cookie or drop?
 * @sk: the listener
 *
 * Logs "possible SYN flooding" once in the listener's life (not in mode 2,
 * where cookies are the rule), as tcp_syn_flood_action() does. Needs no
 * socket lock.
 *
 * Return: true to answer with a cookie.
 */
bool xtcp_syn_flood_action(struct sock *sk)
{
	struct request_sock_queue *queue = &inet_csk(sk)->icsk_accept_queue;
	int mode = READ_ONCE(xtcp_pernet(sock_net(sk))->syncookies);

	const char *msg = mode ? "Sending cookies" : "Dropping request";

	if (mode == 2 || READ_ONCE(queue->synflood_warned) ||
	    xchg(&queue->synflood_warned, 1) != 0)
		return mode != 0;
	if (IS_ENABLED(CONFIG_IPV6) && sk->sk_family == AF_INET6)
		net_info_ratelimited("Possible SYN flooding on port [%pI6c]:%u. %s. Check the counters in /proc/net/xtcp_stat.\n",
				     &sk->sk_v6_rcv_saddr,
				     inet_sk(sk)->inet_num, msg);
	else
		net_info_ratelimited("Possible SYN flooding on port %pI4:%u. %s. Check the counters in /proc/net/xtcp_stat.\n",
				     &inet_sk(sk)->inet_rcv_saddr,
				     inet_sk(sk)->inet_num, msg);
	return mode != 0;
}

/* Is @t within [@lo, @hi], on the 32-bit jiffies clock? */
static bool xtcp_jiffies32_in_range(u32 t, u32 lo, u32 hi)
{
	return !time_before32(t, lo) && !time_after32(t, hi);
}

/* The listener sent a cookie: remember when (at most one write a second). */
static void xtcp_synq_overflow(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 now = (u32)jiffies;

	if (!xtcp_jiffies32_in_range(READ_ONCE(xs->synq_overflow), now - HZ, now))
		WRITE_ONCE(xs->synq_overflow, now);
}

static bool xtcp_synq_no_recent_overflow(const struct sock *sk)
{
	u32 last = READ_ONCE(xtcp_sk(sk)->synq_overflow);

	return !xtcp_jiffies32_in_range((u32)jiffies, last,
					last + XTCP_COOKIE_VALID);
}

/* A cookie SYN-ACK leaves: its table MSS, and the listener's books. */
static unsigned int xtcp_cookie_sent(struct sock *sk, u16 *mssp)
{
	unsigned int idx = xtcp_cookie_mss_index(*mssp);

	*mssp = xtcp_cookie_mss(idx);
	xtcp_synq_overflow(sk);
	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_SYNCOOKIESSENT);
	return idx;
}

/**
 * xtcp_cookie_v4_init_sequence() - the cookie ISN for a SYN
 * @sk: the listener
 * @skb: the SYN
 * @mssp: in: the MSS the peer offered; out: the table MSS the cookie carries
 *
 * Counts SyncookiesSent. Needs no socket lock.
 *
 * Return: the ISN of the cookie SYN-ACK.
 */
u32 xtcp_cookie_v4_init_sequence(struct sock *sk, const struct sk_buff *skb,
				 u16 *mssp)
{
	const struct tcphdr *th = tcp_hdr(skb);
	const struct iphdr *iph = ip_hdr(skb);
	unsigned int idx = xtcp_cookie_sent(sk, mssp);

	return xtcp_cookie_encode(xtcp_cookie_key(), iph->saddr, iph->daddr,
				  th->source, th->dest,
				  XTCP_SKB_CB(skb)->seq, xtcp_cookie_tick(),
				  idx);
}

/**
 * xtcp_cookie_v6_init_sequence() - the cookie ISN for an IPv6 SYN
 * @sk: the listener
 * @skb: the SYN, over IPv6
 * @mssp: in: the MSS the peer offered; out: the table MSS the cookie carries
 *
 * As xtcp_cookie_v4_init_sequence().
 *
 * Return: the ISN of the cookie SYN-ACK.
 */
u32 xtcp_cookie_v6_init_sequence(struct sock *sk, const struct sk_buff *skb,
				 u16 *mssp)
{
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);
	const struct tcphdr *th = tcp_hdr(skb);
	unsigned int idx = xtcp_cookie_sent(sk, mssp);

	return xtcp_cookie_encode6(xtcp_cookie_key(), &ip6h->saddr,
				   &ip6h->daddr, th->source, th->dest,
				   XTCP_SKB_CB(skb)->seq, xtcp_cookie_tick(),
				   idx);
}

/* The listener closed before the child reached its accept queue. */
static void xtcp_cookie_child_forgotten(struct sock *child)
	__releases(&child->sk_lock.slock)
{
	bh_unlock_sock(child);
	sock_put(child);
}

/**
 * xtcp_cookie_child_dup() - free a cookie's child that came second
 * @sk: the listener
 * @child: the new socket, bh-locked, which inet_ehash_nolisten() did not
 *	hash because a socket of the same four-tuple already is
 *
 * A cookie's child replaces no request socket in the ehash. Two segments
 * that carry the cookie (the handshake's ACK and the first data segment
 * have the same sequence number) can reach the listener on two CPUs at
 * once, both before either child is hashed: each makes a child. The
 * second must go (as tcp_v4_syn_recv_sock() does it) and its segment is
 * dropped; the peer sends it again to the first. Kept, it would join the
 * accept queue beside the first, one connection as two sockets, the one
 * accepted never seeing the data. Counts SyncookiesDuplicate.
 */
void xtcp_cookie_child_dup(const struct sock *sk, struct sock *child)
	__releases(&child->sk_lock.slock)
{
	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_SYNCOOKIESDUPLICATE);
	xtcp_cookie_child_forgotten(child);
}

/* A valid cookie ACK: the connection, as syn_recv_sock makes it from a
 * request socket; the request (never hashed) goes to the accept queue.
 */
static struct sock *xtcp_get_cookie_sock(struct sock *sk, struct sk_buff *skb,
					 struct request_sock *req)
{
	const struct inet_connection_sock_af_ops *af_ops;
	struct sock *child;
	bool own_req;

	af_ops = inet_csk(sk)->icsk_af_ops;
	rcu_read_lock();	/* the routing of the child reads ireq_opt */
	child = af_ops->syn_recv_sock(sk, skb, req, NULL, NULL, &own_req, NULL);
	rcu_read_unlock();
	if (!child) {
		reqsk_free(req);
		return NULL;
	}
	/* For sparse: the child comes bh-locked; on success the caller
	 * unlocks it (xtcp_child_process()).
	 */
	__acquire(&child->sk_lock.slock);
	refcount_set(&req->rsk_refcnt, 1);
	sock_rps_save_rxhash(child, skb);
	if (inet_csk_reqsk_queue_add(sk, req, child)) {
		__release(&child->sk_lock.slock);
		return child;
	}
	xtcp_cookie_child_forgotten(child);
	reqsk_put(req);
	return NULL;
}

/* The cookie of an ACK: its MSS table index, or a negative errno. */
static int xtcp_cookie_ack_decode(const struct sk_buff *skb)
{
	const struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	const struct tcphdr *th = tcp_hdr(skb);

	if (xtcp_skb_is_v6(skb))
		return xtcp_cookie_decode6(xtcp_cookie_key(),
					   &ipv6_hdr(skb)->saddr,
					   &ipv6_hdr(skb)->daddr, th->source,
					   th->dest, cb->seq - 1,
					   cb->ack_seq - 1, xtcp_cookie_tick());
	return xtcp_cookie_decode(xtcp_cookie_key(), ip_hdr(skb)->saddr,
				  ip_hdr(skb)->daddr, th->source, th->dest,
				  cb->seq - 1, cb->ack_seq - 1,
				  xtcp_cookie_tick());
}

/**
 * xtcp_cookie_check() - a bare ACK reached a listener: a cookie?
 * @sk: the listener
 * @skb: the segment, with ACK and without SYN or RST, over IPv4 or IPv6
 *
 * Checked only when cookies are on and the listener sent one recently. A
 * valid cookie makes the connection from the ACK: a request socket of the
 * segment's family is built on the fly and handed to the listener's
 * syn_recv_sock, and the child goes to the accept queue. Counts
 * SyncookiesRecv and SyncookiesFailed. Must run with BHs off.
 *
 * Return: the new child socket, bh-locked, with a reference for the caller
 * (give it the segment with xtcp_child_process()); @sk when the segment is
 * no cookie ACK (the listener answers with a RST); NULL when the segment
 * must be dropped (out of memory, accept queue full, policy).
 */
struct sock *xtcp_cookie_check(struct sock *sk, struct sk_buff *skb)
{
	const struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	const struct tcphdr *th = tcp_hdr(skb);
	bool v6 = xtcp_skb_is_v6(skb);
	struct net *net = sock_net(sk);
	struct inet_request_sock *ireq;
	struct xtcp_request_sock *xreq;
	struct request_sock *req;
	int idx;

	if (!READ_ONCE(xtcp_pernet(net)->syncookies) || !th->ack || th->rst ||
	    th->syn)
		return sk;
	if (xtcp_synq_no_recent_overflow(sk))
		return sk;

	idx = xtcp_cookie_ack_decode(skb);
	if (idx < 0) {
		XTCP_INC_STATS(net, XTCP_MIB_SYNCOOKIESFAILED);
		return sk;
	}
	XTCP_INC_STATS(net, XTCP_MIB_SYNCOOKIESRECV);

	/* An IPv6 segment reaches only an IPv6 listener, whose proto's
	 * request sockets are the IPv6 ones.
	 */
	req = inet_reqsk_alloc(v6 ? sk->sk_prot->rsk_prot :
				    &xtcp_request_sock_ops, sk, false);
	if (!req)
		return NULL;
	ireq = inet_rsk(req);
	xreq = xtcp_rsk(req);
	ireq->ir_rmt_port = th->source;
	ireq->ir_num = ntohs(th->dest);
	ireq->ir_mark = inet_request_mark(sk, skb);
	ireq->ir_iif = READ_ONCE(sk->sk_bound_dev_if);
	if (v6) {
		xtcp_v6_init_req(sk, req, skb);
	} else {
		sk_rcv_saddr_set(req_to_sk(req), ip_hdr(skb)->daddr);
		sk_daddr_set(req_to_sk(req), ip_hdr(skb)->saddr);
	}
	req->syncookie = 1;
	ireq->sack_ok = 0;	/* the SYN-ACK did not offer it */

	xreq->irs = cb->seq - 1;
	xreq->iss = cb->ack_seq - 1;
	xreq->mss = xtcp_cookie_mss(idx);
	xreq->synack_ns = 0;	/* unknown: no RTT sample */
	/* The SYN's options, from the TSecr (cookie_timestamp_decode()). */
	if (!xtcp_tstamp_cookie_check(sk, req, skb)) {
		reqsk_free(req);
		return sk;
	}
	req->rsk_rcv_wnd = 0;	/* unknown: the child chooses afresh */

	if (security_inet_conn_request(sk, skb, req)) {
		reqsk_free(req);
		return NULL;
	}
	return xtcp_get_cookie_sock(sk, skb, req);
}
