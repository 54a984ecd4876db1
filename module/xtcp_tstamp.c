// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP timestamps (RFC 7323 sections 3 to 5, as Linux's TCP does them).
 *
 * Negotiation: net.xtcp.timestamps (default 1) puts the option in our SYN;
 * a SYN-ACK carries it only if the SYN did; once both ends sent it, every
 * segment of the connection carries it (RSTs without a socket excepted, as
 * in Linux). Layout: NOP, NOP, TS (kind 8, length 10) after the MSS of a SYN
 * and first in every other segment.
 *
 * TSval is a millisecond clock (CLOCK_MONOTONIC, like tcp_clock_ts()) plus
 * ts_offset, a keyed hash of the connection's 4-tuple, so that TSval tells
 * nothing of the uptime and stays monotonic for one 4-tuple.
 *
 * RTTM (RFC 7323 4, appendix G): an ACK that advances snd_una and whose
 * segments were all retransmitted, so that Karn's rule gives no sample from
 * the microsecond send stamps, gives one from its TSecr (as tcp_ack_update_rtt()
 * does); never TSecr 0, never an ACK that acknowledges nothing new.
 *
 * TS.Recent (4.3): taken from a segment that covers Last.ACK.sent (rcv_wup:
 * rcv_nxt when we last sent an ACK) and is not older than TS.Recent.
 *
 * PAWS (5): a non-RST segment whose TSval is older than TS.Recent is
 * dropped with an ACK (PAWSEstabRejected), unless TS.Recent is more than 24
 * days old or the segment is a duplicate ACK that only arrived out of order
 * (tcp_disordered_ack()). A SYN-ACK whose TSecr is not between our first SYN
 * and now resets the attempt (PAWSActiveRejected). TIME_WAIT keeps TS.Recent:
 * PAWS there too, and a SYN with a newer TSval may reuse the 4-tuple even
 * with a lower sequence number.
 *
 * SYN cookies: like cookie_init_timestamp(), the low 6 bits of the cookie
 * SYN-ACK's TSval carry the SYN's options (window scale, 0xf for none;
 * SACK-permitted) and come back in the final ACK's TSecr.
 */
#define pr_fmt(fmt) "xtcp: " fmt

#include <asm/unaligned.h>
#include <linux/siphash.h>
#include <net/inet_sock.h>

#include "xtcp.h"

static siphash_aligned_key_t xtcp_ts_key;

/**
 * xtcp_ts_clock() - the timestamp clock, milliseconds, without any offset
 *
 * Return: CLOCK_MONOTONIC in milliseconds, truncated to 32 bits.
 */
u32 xtcp_ts_clock(void)
{
	return (u32)div_u64(ktime_get_ns(), NSEC_PER_MSEC);
}

/**
 * xtcp_tstamp_offset() - a connection's TSval offset (secure_tcp_ts_off())
 * @saddr: local address
 * @daddr: remote address
 * @sport: local port
 * @dport: remote port
 *
 * Return: SipHash of the 4-tuple under a boot-time random key.
 */
u32 xtcp_tstamp_offset(__be32 saddr, __be32 daddr, __be16 sport,
		       __be16 dport)
{
	net_get_random_once(&xtcp_ts_key, sizeof(xtcp_ts_key));
	return siphash_3u32((__force u32)saddr, (__force u32)daddr,
			    (__force u32)sport << 16 | (__force u32)dport,
			    &xtcp_ts_key);
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_tstamp_offset);

#if IS_ENABLED(CONFIG_IPV6)
/**
 * xtcp_tstamp_offset6() - the TSval offset of an IPv6 connection
 * @saddr: local address
 * @daddr: remote address
 * @sport: local port
 * @dport: remote port
 *
 * As xtcp_tstamp_offset(), over the 128-bit addresses (secure_tcpv6_ts_off()
 * hashes them too): an IPv6 socket's IPv4 fields are not its addresses.
 *
 * Return: SipHash of the 4-tuple under the same boot-time key.
 */
u32 xtcp_tstamp_offset6(const struct in6_addr *saddr,
			const struct in6_addr *daddr, __be16 sport,
			__be16 dport)
{
	net_get_random_once(&xtcp_ts_key, sizeof(xtcp_ts_key));
	return xtcp_v6_tuple_hash(saddr, daddr, sport, dport, &xtcp_ts_key);
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_tstamp_offset6);
#endif

/* The offset of a connecting socket, by the family it talks. */
static u32 xtcp_tstamp_sk_offset(const struct sock *sk)
{
	const struct inet_sock *inet = inet_sk(sk);

#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6 && !ipv6_addr_v4mapped(&sk->sk_v6_daddr))
		return xtcp_tstamp_offset6(&sk->sk_v6_rcv_saddr,
					   &sk->sk_v6_daddr, inet->inet_sport,
					   inet->inet_dport);
#endif
	return xtcp_tstamp_offset(inet->inet_saddr, inet->inet_daddr,
				  inet->inet_sport, inet->inet_dport);
}

/**
 * xtcp_tstamp_req_offset() - the TSval offset of a request socket
 * @req: the request, its addresses and ports set
 *
 * The offset the SYN-ACK uses and the child inherits: over the IPv6
 * addresses for an IPv6 request (ir_loc_addr and ir_rmt_addr are 0
 * there), over the IPv4 ones otherwise. The family is the request ops'
 * one: ireq_family is the listener's until init_req sets it, and the
 * cookie path does not set it for IPv4.
 *
 * Return: the offset.
 */
u32 xtcp_tstamp_req_offset(const struct request_sock *req)
{
	const struct inet_request_sock *ireq = inet_rsk(req);

#if IS_ENABLED(CONFIG_IPV6)
	if (req->rsk_ops->family == AF_INET6)
		return xtcp_tstamp_offset6(&ireq->ir_v6_loc_addr,
					   &ireq->ir_v6_rmt_addr,
					   htons(ireq->ir_num),
					   ireq->ir_rmt_port);
#endif
	return xtcp_tstamp_offset(ireq->ir_loc_addr, ireq->ir_rmt_addr,
				  htons(ireq->ir_num), ireq->ir_rmt_port);
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_tstamp_req_offset);

/**
 * xtcp_tstamp_get() - the timestamp option of a segment, if any
 * @skb: the segment, transport header set, options checked by the caller
 * @tsval: its TSval
 * @tsecr: its TSecr
 *
 * Return: true if the segment has a timestamp option.
 */
bool xtcp_tstamp_get(const struct sk_buff *skb, u32 *tsval, u32 *tsecr)
{
	const struct tcphdr *th = tcp_hdr(skb);
	unsigned int len = th->doff * 4 - sizeof(*th);
	const u8 *ptr = (const u8 *)(th + 1);
	struct xtcp_options opts;

	if (!len)
		return false;
	/* The usual layout (tcp_parse_aligned_timestamp()). */
	if (xtcp_opts_tstamp_only(th)) {
		*tsval = get_unaligned_be32(ptr + 4);
		*tsecr = get_unaligned_be32(ptr + 8);
		return true;
	}
	if (xtcp_parse_options(ptr, len, th->syn, &opts) || !opts.saw_tstamp)
		return false;
	*tsval = opts.rcv_tsval;
	*tsecr = opts.rcv_tsecr;
	return true;
}

/**
 * xtcp_tstamp_parse() - note the timestamps of the segment @sk is given
 * @sk: a socket past LISTEN, locked
 * @skb: the segment
 *
 * Fills xtcp_sock.rx_opt; a timestamp counts only once agreed (in
 * SYN_SENT: offered).
 */
void xtcp_tstamp_parse(struct sock *sk, const struct sk_buff *skb)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xs->rx_opt.saw_tstamp = xs->tstamp_ok &&
				xtcp_tstamp_get(skb, &xs->rx_opt.rcv_tsval,
						&xs->rx_opt.rcv_tsecr);
}

/**
 * xtcp_tstamp_opt_len() - option bytes timestamps add to @sk's segments
 * @sk: the socket
 *
 * Return: XTCP_OLEN_TSTAMP_ALIGNED or 0.
 */
unsigned int xtcp_tstamp_opt_len(const struct sock *sk)
{
	return xtcp_sk(sk)->tstamp_ok ? XTCP_OLEN_TSTAMP_ALIGNED : 0;
}

/**
 * xtcp_tstamp_write() - write NOP, NOP, TS
 * @ptr: where (XTCP_OLEN_TSTAMP_ALIGNED bytes)
 * @tsval: TSval
 * @tsecr: TSecr
 *
 * Return: bytes written.
 */
unsigned int xtcp_tstamp_write(u8 *ptr, u32 tsval, u32 tsecr)
{
	put_unaligned_be32(XTCP_TS_ALIGNED_WORD, ptr);
	put_unaligned_be32(tsval, ptr + 4);
	put_unaligned_be32(tsecr, ptr + 8);
	return XTCP_OLEN_TSTAMP_ALIGNED;
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_tstamp_write);

/**
 * xtcp_tstamp_write_sk() - write @sk's timestamps, if it uses them
 * @sk: the socket
 * @ptr: where (xtcp_tstamp_opt_len() bytes)
 *
 * TSval is our clock now, TSecr TS.Recent (0 in a SYN).
 */
void xtcp_tstamp_write_sk(const struct sock *sk, u8 *ptr)
{
	const struct xtcp_sock *xs = xtcp_sk(sk);

	if (xs->tstamp_ok)
		xtcp_tstamp_write(ptr, xtcp_clock_ms(xs) + xs->ts_offset,
				  xs->ts_recent);
}

/**
 * xtcp_paws_check() - may a segment's TSval be taken (tcp_paws_check())?
 * @ts_recent: TS.Recent
 * @ts_recent_stamp: when it was taken, seconds
 * @tsval: the segment's TSval
 * @now_sec: the time now, seconds
 * @win: how much older than TS.Recent the TSval may be
 *
 * RFC 7323 5.3 and 5.5: not older than TS.Recent (within @win), or
 * TS.Recent is invalid after 24 days of idleness, or it was never set.
 *
 * Return: true if the TSval passes.
 */
bool xtcp_paws_check(u32 ts_recent, u32 ts_recent_stamp, u32 tsval,
		     u32 now_sec, int win)
{
	if ((s32)(ts_recent - tsval) <= win)
		return true;
	if (!time_before32(now_sec, ts_recent_stamp + XTCP_PAWS_24DAYS))
		return true;
	return !ts_recent;
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_paws_check);

/**
 * xtcp_ts_rtt_us() - an RTT sample from an echoed timestamp
 * @now_ts: our timestamp clock now, offset included
 * @tsecr: the TSecr of the ACK
 *
 * Return: the sample in microseconds (at least 1 ms), or -1 for a TSecr
 * of 0 or one from the future or from more than 24 days ago.
 */
s64 xtcp_ts_rtt_us(u32 now_ts, u32 tsecr)
{
	u32 delta = now_ts - tsecr;

	if (!tsecr || delta >= INT_MAX / USEC_PER_MSEC)
		return -1;
	return (s64)max(delta, 1U) * USEC_PER_MSEC;
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_ts_rtt_us);

/**
 * xtcp_tstamp_rtt_us() - the RTT sample of the segment being processed
 * @sk: the socket, locked, after xtcp_tstamp_parse()
 *
 * Return: microseconds, or -1 without a usable TSecr.
 */
s64 xtcp_tstamp_rtt_us(const struct sock *sk)
{
	const struct xtcp_sock *xs = xtcp_sk(sk);

	if (!xs->rx_opt.saw_tstamp)
		return -1;
	return xtcp_ts_rtt_us(xtcp_clock_ms(xs) + xs->ts_offset,
			      xs->rx_opt.rcv_tsecr);
}

/**
 * xtcp_tstamp_connect() - an active open: offer timestamps or not
 * @sk: the socket, locked, addresses and ports set, before its SYN
 */
void xtcp_tstamp_connect(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xs->tstamp_ok = !!READ_ONCE(xtcp_pernet(sock_net(sk))->timestamps);
	xs->ts_recent = 0;
	xs->ts_recent_stamp = 0;
	xs->ts_offset = xtcp_tstamp_sk_offset(sk);
	xtcp_clock_refresh(xs);
	xs->ts_syn_sent = xtcp_clock_ms(xs) + xs->ts_offset;
	xs->rx_opt.saw_tstamp = 0;
}

/**
 * xtcp_tstamp_synsent_reject() - does an ACK in SYN_SENT echo a TSval we
 * never sent?
 * @sk: the socket, locked, in SYN_SENT, after xtcp_tstamp_parse()
 *
 * Its TSecr must lie between our first SYN and now (tcp_rcv_synsent_state_
 * process()); counts PAWSActiveRejected when not.
 *
 * Return: true to answer with a RST.
 */
bool xtcp_tstamp_synsent_reject(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 tsecr = xs->rx_opt.rcv_tsecr;

	if (!xs->rx_opt.saw_tstamp || !tsecr ||
	    xtcp_seq_between(tsecr, xs->ts_syn_sent,
			     xtcp_clock_ms(xs) + xs->ts_offset))
		return false;
	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_PAWSACTIVEREJECTED);
	return true;
}

/**
 * xtcp_tstamp_syn_rcv() - the peer's SYN (or SYN-ACK) in SYN_SENT
 * @sk: the socket, locked, after xtcp_tstamp_parse()
 *
 * Timestamps are agreed if we offered them and the SYN has them.
 */
void xtcp_tstamp_syn_rcv(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xs->tstamp_ok = xs->rx_opt.saw_tstamp;
	if (xs->tstamp_ok) {
		xs->ts_recent = xs->rx_opt.rcv_tsval;
		xs->ts_recent_stamp = ktime_get_seconds();
	}
}

/* The ACK may update the send window (tcp_may_update_window()). */
static bool xtcp_may_update_window(const struct xtcp_sock *xs, u32 ack,
				   u32 seq, u32 wnd)
{
	return xtcp_seq_after(ack, xs->snd_una) ||
	       xtcp_seq_after(seq, xs->snd_wl1) ||
	       (seq == xs->snd_wl1 && (wnd > xs->snd_wnd || !wnd));
}

/* A duplicate ACK overtaken by a later segment: not a PAWS victim
 * (RFC 7323 5.3 note, tcp_disordered_ack()).
 */
static bool xtcp_disordered_ack(const struct sock *sk, const struct sk_buff *skb)
{
	const struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	const struct xtcp_sock *xs = xtcp_sk(sk);

	return (cb->flags & XTCP_FLAG_ACK) && cb->seq == cb->end_seq &&
	       cb->seq == xs->rcv_nxt && cb->ack_seq == xs->snd_una &&
	       !xtcp_may_update_window(xs, cb->ack_seq, cb->seq, cb->window) &&
	       (s32)(xs->ts_recent - xs->rx_opt.rcv_tsval) <=
	       (s32)(xs->rtt.rto / USEC_PER_MSEC);
}

/**
 * xtcp_tstamp_paws_discard() - must a segment be dropped by PAWS?
 * @sk: a synchronized socket, locked, after xtcp_tstamp_parse()
 * @skb: the segment
 *
 * RSTs are never (RFC 7323 5.2: their cleanup takes precedence). Counts
 * PAWSEstabRejected; the caller drops the segment and ACKs.
 *
 * Return: true to drop @skb.
 */
bool xtcp_tstamp_paws_discard(struct sock *sk, const struct sk_buff *skb)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (!xs->rx_opt.saw_tstamp || (XTCP_SKB_CB(skb)->flags & XTCP_FLAG_RST))
		return false;
	if (xtcp_paws_check(xs->ts_recent, xs->ts_recent_stamp,
			    xs->rx_opt.rcv_tsval, (u32)ktime_get_seconds(),
			    XTCP_PAWS_WINDOW) || xtcp_disordered_ack(sk, skb))
		return false;
	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_PAWSESTABREJECTED);
	return true;
}

/**
 * xtcp_tstamp_update_recent() - RFC 7323 4.3: maybe TS.Recent = TSval
 * @sk: the socket, locked, after xtcp_tstamp_parse()
 * @seq: the segment's sequence number
 *
 * Only a segment that covers Last.ACK.sent (SEG.SEQ <= rcv_wup) and is
 * not older than TS.Recent (tcp_replace_ts_recent()).
 */
void xtcp_tstamp_update_recent(struct sock *sk, u32 seq)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (!xs->rx_opt.saw_tstamp || xtcp_seq_after(seq, xs->rcv_wup) ||
	    !xtcp_paws_check(xs->ts_recent, xs->ts_recent_stamp,
			     xs->rx_opt.rcv_tsval, (u32)ktime_get_seconds(), 0))
		return;
	xs->ts_recent = xs->rx_opt.rcv_tsval;
	xs->ts_recent_stamp = ktime_get_seconds();
}

/**
 * xtcp_tstamp_openreq() - a SYN reached a listener: agree on timestamps
 * @sk: the listener
 * @req: the new request, its addresses and ports set
 * @skb: the SYN
 * @want_cookie: the SYN-ACK will carry a cookie (req->syncookie), the
 *	request goes
 *
 * A cookie SYN-ACK without timestamps has nowhere to keep the SYN's other
 * options: they are dropped, as tcp_conn_request() does.
 */
void xtcp_tstamp_openreq(const struct sock *sk, struct request_sock *req,
			 const struct sk_buff *skb, bool want_cookie)
{
	struct xtcp_request_sock *xreq = xtcp_rsk(req);
	struct inet_request_sock *ireq = inet_rsk(req);
	u32 tsval = 0, tsecr;
	bool ok;

	ok = READ_ONCE(xtcp_pernet(sock_net(sk))->timestamps) &&
	     xtcp_tstamp_get(skb, &tsval, &tsecr);
	ireq->tstamp_ok = ok;
	xreq->ts_recent = ok ? tsval : 0;
	xreq->ts_off = xtcp_tstamp_req_offset(req);
	req->syncookie = want_cookie;
	if (want_cookie && !ok) {
		ireq->wscale_ok = 0;
		ireq->snd_wscale = 0;
		ireq->rcv_wscale = 0;
		ireq->sack_ok = 0;
	}
}

/**
 * xtcp_ts_cookie_encode() - a cookie SYN-ACK's TSval, before the offset
 * @now_ts: the timestamp clock
 * @wscale_ok: the SYN had a window scale option
 * @snd_wscale: its value
 * @sack_ok: the SYN had SACK-permitted
 *
 * The low XTCP_TS_COOKIE_BITS bits hold the options (cookie_init_timestamp());
 * the result is never ahead of @now_ts, and at most 63 ms behind.
 *
 * Return: the TSval.
 */
u32 xtcp_ts_cookie_encode(u32 now_ts, bool wscale_ok, u8 snd_wscale,
			  bool sack_ok)
{
	u32 opts = wscale_ok ? snd_wscale & XTCP_TS_OPT_WSCALE_MASK :
			       XTCP_TS_OPT_WSCALE_MASK;
	u32 ts;

	if (sack_ok)
		opts |= XTCP_TS_OPT_SACK;
	ts = (now_ts & ~(BIT(XTCP_TS_COOKIE_BITS) - 1)) | opts;
	if ((s32)(ts - now_ts) > 0)
		ts -= BIT(XTCP_TS_COOKIE_BITS);
	return ts;
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_ts_cookie_encode);

/**
 * xtcp_ts_cookie_decode() - the SYN's options from a cookie ACK's TSecr
 * @tsecr: the TSecr, offset removed
 * @wscale_ok: the SYN had a window scale option
 * @snd_wscale: its value (0 without)
 * @sack_ok: the SYN had SACK-permitted
 *
 * A scale above 14 is the peer's to send and the window-scaling code's to
 * clamp (RFC 7323 2.3), as for a SYN.
 */
void xtcp_ts_cookie_decode(u32 tsecr, bool *wscale_ok, u8 *snd_wscale,
			   bool *sack_ok)
{
	u32 ws = tsecr & XTCP_TS_OPT_WSCALE_MASK;

	*sack_ok = tsecr & XTCP_TS_OPT_SACK;
	*wscale_ok = ws != XTCP_TS_OPT_WSCALE_MASK;
	*snd_wscale = *wscale_ok ? ws : 0;
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_ts_cookie_decode);

/**
 * xtcp_tstamp_synack_tsval() - the TSval of a SYN-ACK (ireq.tstamp_ok)
 * @req: the request
 *
 * Return: the clock plus the offset; for a cookie, with the SYN's options
 * in its low bits.
 */
u32 xtcp_tstamp_synack_tsval(const struct request_sock *req)
{
	const struct inet_request_sock *ireq = inet_rsk(req);
	u32 now = xtcp_ts_clock();

	if (req->syncookie)
		now = xtcp_ts_cookie_encode(now, ireq->wscale_ok,
					    ireq->snd_wscale, ireq->sack_ok);
	return now + xtcp_rsk(req)->ts_off;
}

/**
 * xtcp_tstamp_req_ack() - timestamps for an ACK a request socket sends
 * @req: the request
 * @ts: TSval and TSecr, filled if the request uses timestamps
 *
 * Return: true if it does.
 */
bool xtcp_tstamp_req_ack(const struct request_sock *req, u32 *ts)
{
	if (!inet_rsk(req)->tstamp_ok)
		return false;
	ts[0] = xtcp_ts_clock() + xtcp_rsk(req)->ts_off;
	ts[1] = xtcp_rsk(req)->ts_recent;
	return true;
}

/**
 * xtcp_tstamp_check_req() - PAWS for a segment to a request socket
 * @sk: the listener
 * @req: the request
 * @skb: a segment without RST
 *
 * Counts PAWSEstabRejected; the caller drops the segment and ACKs.
 *
 * Return: true if the segment's TSval is older than the SYN's.
 */
bool xtcp_tstamp_check_req(const struct sock *sk, struct request_sock *req,
			   const struct sk_buff *skb)
{
	u32 tsval, tsecr, now = (u32)ktime_get_seconds();

	if (!inet_rsk(req)->tstamp_ok || !xtcp_tstamp_get(skb, &tsval, &tsecr) ||
	    xtcp_paws_check(xtcp_rsk(req)->ts_recent, now, tsval, now, 0))
		return false;
	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_PAWSESTABREJECTED);
	return true;
}

/**
 * xtcp_tstamp_child_init() - the new socket takes the request's timestamps
 * @child: the new socket
 * @req: the request
 * @skb: the handshake's last ACK
 *
 * Return: an RTT sample from the ACK's TSecr (microseconds), or -1.
 */
s64 xtcp_tstamp_child_init(struct sock *child, const struct request_sock *req,
			   const struct sk_buff *skb)
{
	const struct xtcp_request_sock *xreq = xtcp_rsk(req);
	struct xtcp_sock *xs = xtcp_sk(child);
	u32 tsval, tsecr;

	xs->tstamp_ok = inet_rsk(req)->tstamp_ok;
	xs->ts_offset = xreq->ts_off;
	xs->ts_recent = xreq->ts_recent;
	xs->ts_recent_stamp = xs->tstamp_ok ? ktime_get_seconds() : 0;
	xs->ts_syn_sent = 0;
	xs->rx_opt.saw_tstamp = 0;
	if (!xs->tstamp_ok || !xtcp_tstamp_get(skb, &tsval, &tsecr))
		return -1;
	return xtcp_ts_rtt_us(xtcp_clock_ms(xs) + xs->ts_offset, tsecr);
}

/**
 * xtcp_tstamp_cookie_check() - the options a cookie ACK brings back
 * @sk: the listener
 * @req: the request built from the ACK, addresses and ports set
 * @skb: the ACK
 *
 * Without a timestamp option the connection has none of the SYN's options
 * (cookie_timestamp_decode()); with one, they are decoded from TSecr into
 * the request's bitfields.
 *
 * Return: false to refuse the ACK (timestamps turned off since).
 */
bool xtcp_tstamp_cookie_check(const struct sock *sk, struct request_sock *req,
			      const struct sk_buff *skb)
{
	struct xtcp_request_sock *xreq = xtcp_rsk(req);
	struct inet_request_sock *ireq = inet_rsk(req);
	bool ws, sack;
	u32 tsval, tsecr;
	u8 wscale;

	ireq->tstamp_ok = 0;
	ireq->wscale_ok = 0;
	ireq->snd_wscale = 0;
	ireq->rcv_wscale = 0;
	ireq->sack_ok = 0;
	xreq->ts_recent = 0;
	xreq->ts_off = xtcp_tstamp_req_offset(req);
	if (!xtcp_tstamp_get(skb, &tsval, &tsecr))
		return true;
	if (!READ_ONCE(xtcp_pernet(sock_net(sk))->timestamps))
		return false;
	if (tsecr)
		tsecr -= xreq->ts_off;
	xtcp_ts_cookie_decode(tsecr, &ws, &wscale, &sack);
	/* Options turned off since the SYN-ACK went (cookie_timestamp_decode()). */
	if ((ws && !READ_ONCE(xtcp_pernet(sock_net(sk))->window_scaling)) ||
	    (sack && !READ_ONCE(xtcp_pernet(sock_net(sk))->sack)))
		return false;
	ireq->tstamp_ok = 1;
	ireq->sack_ok = sack;
	ireq->wscale_ok = ws;
	ireq->snd_wscale = wscale;
	/* The shift the SYN-ACK announced (xtcp_wscale_req_init()). */
	if (ws)
		ireq->rcv_wscale = xtcp_wscale_choose(xtcp_wscale_rcv_space(sk));
	xreq->ts_recent = tsval;
	return true;
}

/**
 * xtcp_tstamp_time_wait() - what TIME_WAIT keeps of the timestamps
 * @sk: the closing socket
 * @xtw: its timewait minisock
 */
void xtcp_tstamp_time_wait(const struct sock *sk,
			   struct xtcp_timewait_sock *xtw)
{
	const struct xtcp_sock *xs = xtcp_sk(sk);

	xtw->ts_recent = xs->ts_recent;
	xtw->ts_recent_stamp = xs->tstamp_ok ? max(xs->ts_recent_stamp, 1U) : 0;
	xtw->ts_offset = xs->ts_offset;
}

/**
 * xtcp_tstamp_tw_paws() - PAWS for a segment to a timewait minisock
 * @xtw: the minisock
 * @skb: the segment
 * @newer: set if the segment has a TSval newer than TS.Recent (a SYN with
 *	one may reuse the 4-tuple)
 *
 * Counts nothing (the caller does, when it drops).
 *
 * Return: true if a non-RST segment fails PAWS.
 */
bool xtcp_tstamp_tw_paws(const struct xtcp_timewait_sock *xtw,
			 const struct sk_buff *skb, bool *newer)
{
	u32 tsval, tsecr;

	*newer = false;
	if (!xtw->ts_recent_stamp || !xtcp_tstamp_get(skb, &tsval, &tsecr))
		return false;
	*newer = (s32)(xtw->ts_recent - tsval) < 0;
	if (tcp_hdr(skb)->rst)
		return false;
	return !xtcp_paws_check(xtw->ts_recent, xtw->ts_recent_stamp, tsval,
				(u32)ktime_get_seconds(), 0);
}

/**
 * xtcp_tstamp_tw_ack() - timestamps for an ACK from a timewait minisock
 * @xtw: the minisock
 * @ts: TSval and TSecr, filled if the connection used timestamps
 *
 * Return: true if it did.
 */
bool xtcp_tstamp_tw_ack(const struct xtcp_timewait_sock *xtw, u32 *ts)
{
	if (!xtw->ts_recent_stamp)
		return false;
	ts[0] = xtcp_ts_clock() + xtw->ts_offset;
	ts[1] = xtw->ts_recent;
	return true;
}

/**
 * xtcp_tstamp_tw_update() - TS.Recent from the FIN a FIN_WAIT2 minisock takes
 * @xtw: the minisock
 * @skb: the peer's FIN, in order and past PAWS
 *
 * A full socket takes TS.Recent from every in-order segment (RFC 7323
 * 4.3); the minisock does for the FIN, so the FIN's ACK echoes its TSval
 * and TIME_WAIT's PAWS starts from it (tcp_timewait_state_process()).
 */
void xtcp_tstamp_tw_update(struct xtcp_timewait_sock *xtw,
			   const struct sk_buff *skb)
{
	u32 tsval, tsecr;

	if (!xtw->ts_recent_stamp || !xtcp_tstamp_get(skb, &tsval, &tsecr))
		return;
	xtw->ts_recent = tsval;
	xtw->ts_recent_stamp = max_t(u32, ktime_get_seconds(), 1);
}
