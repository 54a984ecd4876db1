// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP window scaling (RFC 7323 section 2) and buffer autotuning.
 *
 * Window scale: each end announces, in its SYN or SYN-ACK only, the shift
 * it applies to the window fields it sends; a SYN-ACK carries the option
 * only when the SYN did. Once both did, every window field except those of
 * SYN and SYN-ACK segments is shifted, both ways. Our shift is chosen as
 * tcp_select_initial_window() does, from the largest receive buffer the
 * socket could grow to; a peer's shift above 14 counts as 14 (2.3). The
 * window we advertise is rounded up to a multiple of the shift's unit, and
 * never below what we already offered (2.4): the right edge never moves
 * left through rounding.
 *
 * Autotuning: with 64 KiB of window no longer the ceiling, the buffers
 * follow the connection. The receive buffer grows as
 * tcp_rcv_space_adjust() grows it ("dynamic right-sizing"): each round
 * trip, the bytes the reader consumed set the window for the next, with
 * room for the sender's slow start. The send buffer grows with the
 * congestion window as tcp_sndbuf_expand() grows it. Neither grows past
 * net.xtcp.rmem[2] / wmem[2], nor when the user set SO_RCVBUF / SO_SNDBUF,
 * nor under XTCP's memory pressure (net.xtcp.mem).
 */
#define pr_fmt(fmt) "xtcp: " fmt

#include "xtcp.h"

/**
 * xtcp_wscale_choose() - our shift for a receive buffer of @space bytes
 * @space: the largest receive buffer the socket could have, bytes
 *
 * The smallest shift that lets the window field cover @space, at most 14
 * (tcp_select_initial_window()).
 *
 * Return: the shift, 0 to 14.
 */
u8 xtcp_wscale_choose(u32 space)
{
	u8 wscale = 0;

	while (space > (XTCP_MAX_WINDOW << wscale) && wscale < XTCP_MAX_WSCALE)
		wscale++;
	return wscale;
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_wscale_choose);

/**
 * xtcp_wscale_from_peer() - the shift to apply to a peer's window fields
 * @wscale: the shift its SYN or SYN-ACK announced
 *
 * Return: @wscale, or 14 for anything above (RFC 7323 2.3).
 */
u8 xtcp_wscale_from_peer(u8 wscale)
{
	if (wscale > XTCP_MAX_WSCALE) {
		net_info_ratelimited("illegal window scaling value %u > %u received\n",
				     wscale, XTCP_MAX_WSCALE);
		return XTCP_MAX_WSCALE;
	}
	return wscale;
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_wscale_from_peer);

/**
 * xtcp_wscale_round() - a window the shifted window field can carry
 * @win: the window we would like to offer, bytes
 * @cur: the window still open from our last advertisement, bytes
 * @wscale: our shift
 *
 * Rounded up to a multiple of 1 << @wscale (as __tcp_select_window()), so
 * that shifting it right loses nothing, and never below @cur rounded up:
 * the right edge we advertised does not move left (RFC 7323 2.4). Capped
 * at 65535 << @wscale, which @cur never exceeds.
 *
 * Return: the window in bytes, a multiple of 1 << @wscale.
 */
u32 xtcp_wscale_round(u32 win, u32 cur, u8 wscale)
{
	u32 unit = 1U << wscale;
	u32 max = XTCP_MAX_WINDOW << wscale;

	win = max(win, cur);
	win = min(win, max);
	return min(round_up(win, unit), max);
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_wscale_round);

/**
 * xtcp_wscale_field() - the window field for a window of @win bytes
 * @win: the window, bytes
 * @wscale: our shift (0 for a SYN or SYN-ACK, never scaled)
 *
 * Return: @win >> @wscale, at most 65535.
 */
u32 xtcp_wscale_field(u32 win, u8 wscale)
{
	return min(win >> wscale, XTCP_MAX_WINDOW);
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_wscale_field);

/**
 * xtcp_wscale_write() - write NOP and the window scale option
 * @ptr: where it goes, 4-byte aligned, after the SYN's other options
 * @wscale: our shift
 *
 * Return: bytes written, XTCP_OLEN_WSCALE_ALIGNED.
 */
unsigned int xtcp_wscale_write(u8 *ptr, u8 wscale)
{
	ptr[0] = XTCP_OPT_NOP;
	ptr[1] = XTCP_OPT_WSCALE;
	ptr[2] = XTCP_OLEN_WSCALE;
	ptr[3] = wscale;
	return XTCP_OLEN_WSCALE_ALIGNED;
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_wscale_write);

/**
 * xtcp_wscale_rcv_space() - the largest receive buffer @sk could grow to
 * @sk: a socket or listener
 *
 * SO_RCVBUF when the user set it (no autotuning then), else the larger of
 * the buffer now and net.xtcp.rmem[2].
 *
 * Return: bytes.
 */
u32 xtcp_wscale_rcv_space(const struct sock *sk)
{
	u32 rcvbuf = READ_ONCE(sk->sk_rcvbuf);

	if (sk->sk_userlocks & SOCK_RCVBUF_LOCK)
		return rcvbuf;
	return max_t(u32, rcvbuf, READ_ONCE(xtcp_sysctl_rmem[2]));
}

static bool xtcp_wscale_enabled(const struct sock *sk)
{
	return READ_ONCE(xtcp_pernet(sock_net(sk))->window_scaling);
}

/**
 * xtcp_wscale_connect() - decide what our SYN offers
 * @sk: the socket, locked, about to send its SYN
 */
void xtcp_wscale_connect(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xs->snd_wscale = 0;
	xs->rcv_wscale = 0;
	xs->wscale_ok = xtcp_wscale_enabled(sk);
	if (xs->wscale_ok)
		xs->rcv_wscale = xtcp_wscale_choose(xtcp_wscale_rcv_space(sk));
}

/* The options of the SYN in @skb, from its header. */
static void xtcp_wscale_parse(const struct sk_buff *skb,
			      struct xtcp_options *opts)
{
	const struct tcphdr *th = tcp_hdr(skb);

	if (th->doff <= XTCP_HDR_LEN / 4 ||
	    xtcp_parse_options((const u8 *)(th + 1),
			       th->doff * 4 - XTCP_HDR_LEN, true, opts))
		memset(opts, 0, sizeof(*opts));
}

/**
 * xtcp_wscale_syn_rcvd() - the peer's SYN or SYN-ACK reached SYN_SENT
 * @sk: the socket, locked, that offered window scaling or not
 * @skb: the segment, with SYN
 *
 * Scaling is on only when both offered it; otherwise both shifts are 0.
 */
void xtcp_wscale_syn_rcvd(struct sock *sk, const struct sk_buff *skb)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_options opts;

	xtcp_wscale_parse(skb, &opts);
	if (xs->wscale_ok && opts.saw_wscale) {
		xs->snd_wscale = xtcp_wscale_from_peer(opts.wscale);
	} else {
		xs->wscale_ok = 0;
		xs->snd_wscale = 0;
		xs->rcv_wscale = 0;
	}
}

/**
 * xtcp_wscale_req_init() - window scaling of a new request socket
 * @sk: the listener
 * @req: the request, for the SYN in @skb
 * @skb: the SYN
 * @want_cookie: the SYN-ACK will carry a SYN cookie
 *
 * The SYN-ACK offers scaling only when the SYN did and the namespace
 * allows it. A cookie keeps no state: the shift travels in the
 * timestamp (so xtcp_tstamp_openreq() must have set tstamp_ok), and
 * without timestamps to encode it in (as Linux), a cookie connection does
 * not scale.
 */
void xtcp_wscale_req_init(const struct sock *sk, struct request_sock *req,
			  const struct sk_buff *skb, bool want_cookie)
{
	struct inet_request_sock *ireq = inet_rsk(req);
	struct xtcp_options opts;

	xtcp_wscale_parse(skb, &opts);
	ireq->snd_wscale = 0;
	ireq->rcv_wscale = 0;
	/* A cookie keeps the SYN's shift in its timestamp (xtcp_tstamp.c):
	 * without one it cannot, and the option is not echoed.
	 */
	ireq->wscale_ok = opts.saw_wscale && xtcp_wscale_enabled(sk) &&
			  (!want_cookie || ireq->tstamp_ok);
	if (!ireq->wscale_ok)
		return;
	ireq->snd_wscale = xtcp_wscale_from_peer(opts.wscale);
	ireq->rcv_wscale = xtcp_wscale_choose(xtcp_wscale_rcv_space(sk));
}

/* skb memory one full-sized received segment takes, at least twice its
 * payload, as xtcp_window_space() offers half the free memory
 * (tcp_rcv_space_adjust()'s rcvmem).
 */
static u32 xtcp_rcvmem_per_mss(u32 advmss)
{
	return max_t(u32, SKB_TRUESIZE(advmss + XTCP_MAX_HEADER), 2 * advmss);
}

/**
 * xtcp_rcvbuf_grow() - the receive buffer for the next round trip
 * @copied: bytes the reader consumed in the last round trip
 * @prev: bytes it consumed in the one before (more than 0)
 * @advmss: our MSS
 * @rmem_max: net.xtcp.rmem[2]
 *
 * As tcp_rcv_space_adjust(): twice what was read (room for a loss) plus
 * 16 segments, plus twice the growth since the previous round trip (the
 * sender may double its rate each round trip in slow start), in skb
 * memory, at most @rmem_max.
 *
 * Return: bytes of skb memory.
 */
u32 xtcp_rcvbuf_grow(u32 copied, u32 prev, u32 advmss, u32 rmem_max)
{
	u64 rcvwin, grow;

	if (!advmss || !prev)
		return 0;
	rcvwin = ((u64)copied << 1) + 16ULL * advmss;
	if (copied > prev) {
		grow = div_u64(rcvwin * (copied - prev), prev);
		rcvwin += grow << 1;
	}
	rcvwin = div_u64(rcvwin, advmss) * xtcp_rcvmem_per_mss(advmss);
	return min_t(u64, rcvwin, rmem_max);
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_rcvbuf_grow);

/**
 * xtcp_sndbuf_want() - the send buffer a congestion window needs
 * @cwnd: the congestion window, segments
 * @mss: the sending MSS
 *
 * As tcp_sndbuf_expand(): twice the skb memory of max(cwnd, 10)
 * full-sized segments, so a window is in flight while the next is queued.
 *
 * Return: bytes of skb memory.
 */
u32 xtcp_sndbuf_want(u32 cwnd, u32 mss)
{
	u32 per_mss;

	per_mss = roundup_pow_of_two(mss + XTCP_MAX_HEADER +
				     SKB_DATA_ALIGN(sizeof(struct skb_shared_info))) +
		  SKB_DATA_ALIGN(sizeof(struct sk_buff));
	cwnd = clamp_t(u32, cwnd, XTCP_INIT_CWND, INT_MAX / 2 / per_mss);
	return 2 * cwnd * per_mss;
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_sndbuf_want);

/* May @sk's buffers grow now? Not under memory pressure: XTCP's own
 * (net.xtcp.mem[1]) or its memory cgroup's.
 */
static bool xtcp_buffers_may_grow(const struct sock *sk)
{
	return !sk_under_memory_pressure(sk);
}

/**
 * xtcp_init_buffer_space() - autotuning state of a new connection
 * @sk: the socket, locked, entering ESTABLISHED
 *
 * As tcp_init_buffer_space(): the first measured round trip expects the
 * initial window's worth, and the send buffer holds twice it.
 */
void xtcp_init_buffer_space(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xs->drs.space = min_t(u32, max(xs->rcv_wnd, xs->advmss),
			      XTCP_INIT_CWND * xs->advmss);
	xs->drs.seq = xs->copied_seq;
	xs->drs.time_us = (u32)xtcp_clock_us(xs);
	xs->drs.rtt_us = 0;
	xs->drs.rtt_time_us = 0;
	xtcp_sndbuf_expand(sk);
}

/**
 * xtcp_rcv_rtt_measure() - the receiver's RTT: time to receive a window
 * @sk: the socket, locked, that just advanced rcv_nxt
 *
 * Without timestamps, as tcp_rcv_rtt_measure(): from when a window was
 * offered until its last byte arrived; the smallest sample is kept, an
 * upper bound of the RTT when the sender is limited by the window.
 */
void xtcp_rcv_rtt_measure(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 now = (u32)xtcp_clock_us(xs);

	if (xs->drs.rtt_time_us) {
		u32 m;

		if (xtcp_seq_before(xs->rcv_nxt, xs->drs.rtt_seq))
			return;
		m = max_t(u32, now - xs->drs.rtt_time_us, 1);
		if (!xs->drs.rtt_us || m < xs->drs.rtt_us)
			xs->drs.rtt_us = m;
	}
	xs->drs.rtt_seq = xs->rcv_nxt + xs->rcv_wnd;
	xs->drs.rtt_time_us = now;
}

/**
 * xtcp_rcvbuf_adjust() - grow the receive buffer to what the reader takes
 * @sk: the socket, locked, after the reader consumed data
 *
 * Once per receiver RTT (or, before its first sample, the sender's
 * smoothed RTT), as tcp_rcv_space_adjust(): when the reader consumed more
 * than in the round trip before, the buffer grows to
 * xtcp_rcvbuf_grow(), unless SO_RCVBUF is set or XTCP is under memory
 * pressure. It never shrinks here.
 */
void xtcp_rcvbuf_adjust(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 rtt = xs->drs.rtt_us ? : xs->rtt.srtt;
	u32 now, copied, rcvbuf;

	xtcp_clock_refresh(xs);
	now = (u32)xtcp_clock_us(xs);

	if (!rtt || now - xs->drs.time_us < rtt)
		return;
	copied = xs->copied_seq - xs->drs.seq;
	if (copied <= xs->drs.space)
		goto new_measure;

	if (!(sk->sk_userlocks & SOCK_RCVBUF_LOCK) &&
	    xtcp_buffers_may_grow(sk)) {
		rcvbuf = xtcp_rcvbuf_grow(copied, xs->drs.space, xs->advmss,
					  READ_ONCE(xtcp_sysctl_rmem[2]));
		if (rcvbuf > READ_ONCE(sk->sk_rcvbuf))
			WRITE_ONCE(sk->sk_rcvbuf, rcvbuf);
	}
	xs->drs.space = copied;
new_measure:
	xs->drs.seq = xs->copied_seq;
	xs->drs.time_us = now;
}

/**
 * xtcp_sndbuf_expand() - grow the send buffer with the congestion window
 * @sk: the socket, locked: established, or ACKs just freed write memory
 *
 * As tcp_should_expand_sndbuf() and tcp_sndbuf_expand(): not when
 * SO_SNDBUF is set, under memory pressure, with XTCP's memory at or above
 * net.xtcp.mem[0], or when the congestion window is full (then it is the
 * limit, not the buffer). At most net.xtcp.wmem[2]; never shrinks here.
 */
void xtcp_sndbuf_expand(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 want;

	if (sk->sk_userlocks & SOCK_SNDBUF_LOCK)
		return;
	if (!xtcp_buffers_may_grow(sk) ||
	    sk_memory_allocated(sk) >= sk_prot_mem_limits(sk, 0))
		return;
	if (xs->packets_out >= xs->snd_cwnd)
		return;
	want = min_t(u32, xtcp_sndbuf_want(xs->snd_cwnd, xs->mss_cache),
		     READ_ONCE(xtcp_sysctl_wmem[2]));
	if (want > READ_ONCE(sk->sk_sndbuf))
		WRITE_ONCE(sk->sk_sndbuf, want);
}
