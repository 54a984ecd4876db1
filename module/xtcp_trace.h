/* SPDX-License-Identifier: GPL-2.0 */
/*
 * XTCP tracepoints, for perf, trace-cmd, bpftrace and tracefs
 * (events/xtcp/): state changes, retransmissions, resets sent and
 * received, and xtcp_probe, a per-ACK snapshot of the sender like
 * tcp:tcp_probe (scripts/tseq.py plots it). The events carry addresses
 * and ports so filters work as for TCP's:
 *   perf record -e xtcp:xtcp_probe --filter 'dport == 5001'
 *   bpftrace -e 'tracepoint:xtcp:xtcp_retransmit_skb { @[args->dport] = count(); }'
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM xtcp

#if !defined(_XTCP_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _XTCP_TRACE_H

#include <linux/tracepoint.h>
#include <net/inet_sock.h>
#include <net/sock.h>
#include <net/tcp_states.h>

#define xtcp_show_state(state)					\
	__print_symbolic(state,					\
		{ TCP_ESTABLISHED, "ESTABLISHED" },		\
		{ TCP_SYN_SENT, "SYN_SENT" },			\
		{ TCP_SYN_RECV, "SYN_RECV" },			\
		{ TCP_FIN_WAIT1, "FIN_WAIT1" },			\
		{ TCP_FIN_WAIT2, "FIN_WAIT2" },			\
		{ TCP_TIME_WAIT, "TIME_WAIT" },			\
		{ TCP_CLOSE, "CLOSE" },				\
		{ TCP_CLOSE_WAIT, "CLOSE_WAIT" },		\
		{ TCP_LAST_ACK, "LAST_ACK" },			\
		{ TCP_LISTEN, "LISTEN" },			\
		{ TCP_CLOSING, "CLOSING" },			\
		{ TCP_NEW_SYN_RECV, "NEW_SYN_RECV" })

#ifndef _XTCP_TRACE_TUPLE
#define _XTCP_TRACE_TUPLE
#include <linux/in6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>

/* Every event records addresses and ports as tcp:tcp_probe does: each
 * address with its port as a struct sockaddr_in or sockaddr_in6 in 28
 * bytes, printed with %pISpc ("10.0.1.1:5001", "[fd00:1::1]:5001"), and
 * the ports again as host-order integers for filters (dport == 5001).
 */
#define XTCP_TRACE_ADDR_LEN	sizeof(struct sockaddr_in6)

static inline void xtcp_trace_addr4(__u8 *to, __be32 addr, __be16 port)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)to;

	memset(to, 0, XTCP_TRACE_ADDR_LEN);
	sin->sin_family = AF_INET;
	sin->sin_port = port;
	sin->sin_addr.s_addr = addr;
}

static inline void xtcp_trace_addr6(__u8 *to, const struct in6_addr *addr,
				    __be16 port)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)to;

	memset(to, 0, XTCP_TRACE_ADDR_LEN);
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = port;
	sin6->sin6_addr = *addr;
}

/* An IPv6 socket's addresses (v4-mapped ones included); false if IPv4. */
static inline bool xtcp_trace_tuple6(const struct sock *sk, __u8 *saddr,
				     __u8 *daddr, __be16 sport, __be16 dport)
{
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6) {
		xtcp_trace_addr6(saddr, &sk->sk_v6_rcv_saddr, sport);
		xtcp_trace_addr6(daddr, &sk->sk_v6_daddr, dport);
		return true;
	}
#endif
	return false;
}

/* The tuple of a socket (full, request or TIME_WAIT: the common part). */
static inline void xtcp_trace_tuple(const struct sock *sk, __u8 *saddr,
				    __u8 *daddr, __u16 *sport, __u16 *dport)
{
	__be16 sp = htons(sk->sk_num), dp = sk->sk_dport;

	if (!xtcp_trace_tuple6(sk, saddr, daddr, sp, dp)) {
		xtcp_trace_addr4(saddr, sk->sk_rcv_saddr, sp);
		xtcp_trace_addr4(daddr, sk->sk_daddr, dp);
	}
	*sport = ntohs(sp);
	*dport = ntohs(dp);
}

/* The tuple of the reply to segment @skb: its destination is our source. */
static inline void xtcp_trace_reply_tuple(const struct sk_buff *skb,
					  __u8 *saddr, __u8 *daddr,
					  __u16 *sport, __u16 *dport)
{
	const struct tcphdr *th = tcp_hdr(skb);

	if (ip_hdr(skb)->version == 6) {
		xtcp_trace_addr6(saddr, &ipv6_hdr(skb)->daddr, th->dest);
		xtcp_trace_addr6(daddr, &ipv6_hdr(skb)->saddr, th->source);
	} else {
		xtcp_trace_addr4(saddr, ip_hdr(skb)->daddr, th->dest);
		xtcp_trace_addr4(daddr, ip_hdr(skb)->saddr, th->source);
	}
	*sport = ntohs(th->dest);
	*dport = ntohs(th->source);
}

/* A reset's tuple: that of the segment it answers, or of the socket. */
static inline void xtcp_trace_reset_tuple(const struct sock *sk,
					  const struct sk_buff *skb,
					  __u8 *saddr, __u8 *daddr,
					  __u16 *sport, __u16 *dport)
{
	if (skb)
		xtcp_trace_reply_tuple(skb, saddr, daddr, sport, dport);
	else
		xtcp_trace_tuple(sk, saddr, daddr, sport, dport);
}
#endif

TRACE_EVENT(xtcp_set_state,
	    TP_PROTO(const struct sock *sk, int oldstate, int newstate),
	    TP_ARGS(sk, oldstate, newstate),
	    TP_STRUCT__entry(__field(const void *, skaddr)
			     __array(__u8, saddr, XTCP_TRACE_ADDR_LEN)
			     __array(__u8, daddr, XTCP_TRACE_ADDR_LEN)
			     __field(__u16, sport)
			     __field(__u16, dport)
			     __field(int, oldstate)
			     __field(int, newstate)),
	    TP_fast_assign(__entry->skaddr = sk;
			   xtcp_trace_tuple(sk, __entry->saddr, __entry->daddr,
					    &__entry->sport, &__entry->dport);
			   __entry->oldstate = oldstate;
			   __entry->newstate = newstate;),
	    TP_printk("src=%pISpc dst=%pISpc %s -> %s",
		      __entry->saddr, __entry->daddr,
		      xtcp_show_state(__entry->oldstate),
		      xtcp_show_state(__entry->newstate))
);

TRACE_EVENT(xtcp_retransmit_skb,
	    TP_PROTO(const struct sock *sk, u32 seq, u32 end_seq, bool timeout),
	    TP_ARGS(sk, seq, end_seq, timeout),
	    TP_STRUCT__entry(__field(const void *, skaddr)
			     __array(__u8, saddr, XTCP_TRACE_ADDR_LEN)
			     __array(__u8, daddr, XTCP_TRACE_ADDR_LEN)
			     __field(__u16, sport)
			     __field(__u16, dport)
			     __field(u32, seq)
			     __field(u32, end_seq)
			     __field(int, state)
			     __field(bool, timeout)),
	    TP_fast_assign(__entry->skaddr = sk;
			   xtcp_trace_tuple(sk, __entry->saddr, __entry->daddr,
					    &__entry->sport, &__entry->dport);
			   __entry->seq = seq;
			   __entry->end_seq = end_seq;
			   __entry->state = sk->sk_state;
			   __entry->timeout = timeout;),
	    TP_printk("src=%pISpc dst=%pISpc seq=%u end_seq=%u state=%s cause=%s",
		      __entry->saddr, __entry->daddr,
		      __entry->seq, __entry->end_seq,
		      xtcp_show_state(__entry->state),
		      __entry->timeout ? "rto" : "fast")
);

/* A reset we send: from a socket (abort, @skb NULL) or in reply to
 * segment @skb (then the segment's addresses, swapped, are the reset's).
 */
TRACE_EVENT(xtcp_send_reset,
	    TP_PROTO(const struct sock *sk, const struct sk_buff *skb, u32 seq,
		     int state),
	    TP_ARGS(sk, skb, seq, state),
	    TP_STRUCT__entry(__array(__u8, saddr, XTCP_TRACE_ADDR_LEN)
			     __array(__u8, daddr, XTCP_TRACE_ADDR_LEN)
			     __field(__u16, sport)
			     __field(__u16, dport)
			     __field(u32, seq)
			     __field(int, state)),
	    TP_fast_assign(xtcp_trace_reset_tuple(sk, skb,
						  __entry->saddr, __entry->daddr,
						  &__entry->sport, &__entry->dport);
			   __entry->seq = seq;
			   __entry->state = state;),
	    TP_printk("src=%pISpc dst=%pISpc seq=%u state=%s",
		      __entry->saddr, __entry->daddr,
		      __entry->seq, xtcp_show_state(__entry->state))
);

TRACE_EVENT(xtcp_receive_reset,
	    TP_PROTO(const struct sock *sk),
	    TP_ARGS(sk),
	    TP_STRUCT__entry(__field(const void *, skaddr)
			     __array(__u8, saddr, XTCP_TRACE_ADDR_LEN)
			     __array(__u8, daddr, XTCP_TRACE_ADDR_LEN)
			     __field(__u16, sport)
			     __field(__u16, dport)
			     __field(int, state)),
	    TP_fast_assign(__entry->skaddr = sk;
			   xtcp_trace_tuple(sk, __entry->saddr, __entry->daddr,
					    &__entry->sport, &__entry->dport);
			   __entry->state = sk->sk_state;),
	    TP_printk("src=%pISpc dst=%pISpc state=%s",
		      __entry->saddr, __entry->daddr,
		      xtcp_show_state(__entry->state))
);

/* Per ACK, after it was processed: the sender's view, as tcp:tcp_probe. */
TRACE_EVENT(xtcp_probe,
	    TP_PROTO(const struct sock *sk, u32 ack_seq, u32 data_len,
		     u32 snd_nxt, u32 snd_una, u32 snd_cwnd, u32 ssthresh,
		     u32 snd_wnd, u32 srtt_us, u32 rcv_wnd, u32 mss),
	    TP_ARGS(sk, ack_seq, data_len, snd_nxt, snd_una, snd_cwnd, ssthresh,
		    snd_wnd, srtt_us, rcv_wnd, mss),
	    TP_STRUCT__entry(__field(const void *, skaddr)
			     __array(__u8, saddr, XTCP_TRACE_ADDR_LEN)
			     __array(__u8, daddr, XTCP_TRACE_ADDR_LEN)
			     __field(__u16, sport)
			     __field(__u16, dport)
			     __field(u32, ack_seq)
			     __field(u32, data_len)
			     __field(u32, snd_nxt)
			     __field(u32, snd_una)
			     __field(u32, snd_cwnd)
			     __field(u32, ssthresh)
			     __field(u32, snd_wnd)
			     __field(u32, srtt)
			     __field(u32, rcv_wnd)
			     __field(u32, mss)),
	    TP_fast_assign(__entry->skaddr = sk;
			   xtcp_trace_tuple(sk, __entry->saddr, __entry->daddr,
					    &__entry->sport, &__entry->dport);
			   __entry->ack_seq = ack_seq;
			   __entry->data_len = data_len;
			   __entry->snd_nxt = snd_nxt;
			   __entry->snd_una = snd_una;
			   __entry->snd_cwnd = snd_cwnd;
			   __entry->ssthresh = ssthresh;
			   __entry->snd_wnd = snd_wnd;
			   __entry->srtt = srtt_us;
			   __entry->rcv_wnd = rcv_wnd;
			   __entry->mss = mss;),
	    TP_printk("src=%pISpc dst=%pISpc ack=%u data_len=%u snd_nxt=%u snd_una=%u snd_cwnd=%u ssthresh=%u snd_wnd=%u srtt=%u rcv_wnd=%u mss=%u",
		      __entry->saddr, __entry->daddr,
		      __entry->ack_seq, __entry->data_len,
		      __entry->snd_nxt, __entry->snd_una, __entry->snd_cwnd,
		      __entry->ssthresh, __entry->snd_wnd, __entry->srtt,
		      __entry->rcv_wnd, __entry->mss)
);

#endif /* _XTCP_TRACE_H */

/* Out of tree: the header is found next to this file. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE xtcp_trace
#include <trace/define_trace.h>
