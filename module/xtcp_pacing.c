// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP pacing, as TCP's (tcp_update_pacing_rate(), tcp_internal_pacing(),
 * tcp_tso_autosize()).
 *
 * Rate: after each ACK, and when the handshake ends, sk_pacing_rate becomes
 * mss * cwnd / srtt, times pacing_ss_ratio percent (200) in slow start, well
 * below ssthresh, or pacing_ca_ratio percent (120) otherwise, at most
 * sk_max_pacing_rate (SO_MAX_PACING_RATE). An fq qdisc reads it and paces
 * the flow itself; seeing the socket, fq also moves sk_pacing_status from
 * SK_PACING_NEEDED to SK_PACING_FQ.
 *
 * Internal pacing, when sk_pacing_status is SK_PACING_NEEDED (set by
 * SO_MAX_PACING_RATE, and left so when no fq qdisc claims the flow): every
 * data transmission moves pace_next_ns, the earliest departure time of the
 * next one, on by its length at the rate (less up to half of that when the
 * sender was late, for scheduling jitter). xtcp_write_xmit() stops while
 * pace_next_ns is ahead and arms the pacing hrtimer for it; the timer's
 * callback (xtcp_timer.c, softirq, socket spinlock; deferred to
 * xtcp_release_cb() when a process owns the socket) calls
 * xtcp_pacing_kick(), which resumes the send loop. As TCP, the first
 * XTCP_PACING_FREE_SEGS data segments of a connection go unpaced.
 *
 * Super-packets: the size goal is about 1 ms (1 >> sk_pacing_shift s) at
 * the pacing rate, plus an allowance that halves per 512 us of the path's
 * min_RTT (as tcp_tso_autosize()), at least XTCP_PACING_MIN_SEGS segments.
 * Write-queue skbs are not bounded by it (xtcp_size_goal()): the send loop
 * cuts each to it as it leaves.
 */
#include <linux/math64.h>

#include "xtcp.h"
#include "xtcp_pacing.h"

/* tcp_tso_rtt_log: the RTT allowance halves per 2^9 us. */
#define XTCP_PACING_RTT_LOG	9

/**
 * xtcp_pacing_rate_calc() - the pacing rate that cwnd and srtt give
 * @mss: sending MSS, bytes
 * @cwnd: congestion window (or segments in flight, if more), segments
 * @srtt_us: smoothed RTT, microseconds; 0 if not measured yet
 * @ratio: percent of mss * cwnd / srtt
 *
 * Return: bytes per second; U64_MAX (no limit) before an RTT sample.
 */
u64 xtcp_pacing_rate_calc(u32 mss, u32 cwnd, u32 srtt_us, u32 ratio)
{
	if (!srtt_us)
		return U64_MAX;
	/* USEC_PER_SEC / 100 * ratio fits in u32 for ratio <= 1000; the
	 * 128-bit intermediate keeps a huge window from overflowing.
	 */
	return mul_u64_u32_div((u64)mss * cwnd, USEC_PER_SEC / 100 * ratio,
			       srtt_us);
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_pacing_rate_calc);

/**
 * xtcp_pacing_ratio() - which ratio applies now
 * @cwnd: congestion window, segments
 * @ssthresh: slow-start threshold, segments
 * @ss_ratio: percent in slow start
 * @ca_ratio: percent in congestion avoidance
 *
 * As TCP: slow start for this purpose ends at half of ssthresh, where the
 * window is about to stop doubling.
 *
 * Return: @ss_ratio or @ca_ratio.
 */
u32 xtcp_pacing_ratio(u32 cwnd, u32 ssthresh, u32 ss_ratio, u32 ca_ratio)
{
	return cwnd < ssthresh / 2 ? ss_ratio : ca_ratio;
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_pacing_ratio);

/**
 * xtcp_pacing_len_ns() - how long @len bytes take at @rate
 * @len: bytes
 * @rate: bytes per second, not 0
 *
 * Return: nanoseconds.
 */
u64 xtcp_pacing_len_ns(u32 len, unsigned long rate)
{
	return div64_ul((u64)len * NSEC_PER_SEC, rate);
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_pacing_len_ns);

/**
 * xtcp_pacing_burst_segs() - segments in one super-packet at @rate
 * @rate: pacing rate, bytes per second (~0UL: none)
 * @shift: sk_pacing_shift: a burst lasts 2^-shift seconds (10: ~1 ms)
 * @rtt_us: the path's min_RTT (~0U if unknown): the closer the peer, the
 *	bigger the burst
 * @gso_max_size: the route's GSO size limit, bytes
 * @mss: sending MSS, not 0
 *
 * Return: segments, at least XTCP_PACING_MIN_SEGS.
 */
u32 xtcp_pacing_burst_segs(unsigned long rate, u32 shift, u32 rtt_us,
			   u32 gso_max_size, u32 mss)
{
	unsigned long bytes = rate >> shift;
	u32 r = rtt_us >> XTCP_PACING_RTT_LOG;

	/* Close peers: bigger bursts, fewer packets; the loss of one is
	 * repaired fast.
	 */
	if (r < BITS_PER_TYPE(gso_max_size))
		bytes += gso_max_size >> r;
	bytes = min_t(unsigned long, bytes, gso_max_size);
	return max_t(u32, bytes / mss, XTCP_PACING_MIN_SEGS);
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_pacing_burst_segs);

/**
 * xtcp_pacing_reset() - no pacing state yet (new socket, child, disconnect)
 * @sk: the socket
 */
void xtcp_pacing_reset(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xs->pace_next_ns = 0;
	xs->pace_segs = 0;
	WRITE_ONCE(sk->sk_pacing_rate, READ_ONCE(sk->sk_max_pacing_rate));
}

/**
 * xtcp_update_pacing_rate() - set sk_pacing_rate from cwnd and srtt
 * @sk: the socket, locked
 *
 * Called after an ACK has been processed and when the handshake ends.
 */
void xtcp_update_pacing_rate(struct sock *sk)
{
	struct xtcp_net *xn = xtcp_pernet(sock_net(sk));
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 ratio;
	u64 rate;

	ratio = xtcp_pacing_ratio(xs->snd_cwnd, xs->snd_ssthresh,
				  READ_ONCE(xn->pacing_ss_ratio),
				  READ_ONCE(xn->pacing_ca_ratio));
	rate = xtcp_pacing_rate_calc(xs->mss_cache,
				     max(xs->snd_cwnd, xs->packets_out),
				     xs->rtt.srtt, ratio);
	/* fq reads it without the socket lock. */
	WRITE_ONCE(sk->sk_pacing_rate,
		   min_t(u64, rate, READ_ONCE(sk->sk_max_pacing_rate)));
}

/**
 * xtcp_pacing_hold() - must the send loop wait for the pacing timer?
 * @sk: the socket, locked
 *
 * Return: true if internal pacing is on and the next departure time is
 * ahead; the pacing timer is then armed for it.
 */
bool xtcp_pacing_hold(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	/* fq moves it to SK_PACING_FQ from its enqueue path, locklessly. */
	if (READ_ONCE(sk->sk_pacing_status) != SK_PACING_NEEDED)
		return false;
	if (xs->pace_next_ns <= xtcp_clock_ns(xs))
		return false;
	xtcp_arm_pace(sk, xs->pace_next_ns);
	return true;
}

/**
 * xtcp_pacing_sent() - data left: move the next departure time on
 * @sk: the socket, locked
 * @len: payload bytes sent
 * @segs: segments they made
 */
void xtcp_pacing_sent(struct sock *sk, u32 len, u32 segs)
{
	unsigned long rate = READ_ONCE(sk->sk_pacing_rate);
	struct xtcp_sock *xs = xtcp_sk(sk);
	u64 now, late = 0, len_ns;

	if (READ_ONCE(sk->sk_pacing_status) != SK_PACING_NEEDED)
		return;
	if (xs->pace_segs < XTCP_PACING_FREE_SEGS) {
		xs->pace_segs = min_t(u32, xs->pace_segs + segs,
				      XTCP_PACING_FREE_SEGS);
		return;
	}
	if (!rate || rate == ~0UL)
		return;
	now = xtcp_clock_ns(xs);
	if (xs->pace_next_ns < now) {
		late = now - xs->pace_next_ns;
		xs->pace_next_ns = now;
	}
	len_ns = xtcp_pacing_len_ns(len, rate);
	/* Sent late (timer slack, softirq delay): catch up a little. */
	len_ns -= min(len_ns / 2, late);
	xs->pace_next_ns += len_ns;
}

/**
 * xtcp_pacing_max_segs() - super-packet size goal at the pacing rate
 * @sk: the socket, locked
 *
 * Return: segments, at least XTCP_PACING_MIN_SEGS.
 */
u32 xtcp_pacing_max_segs(const struct sock *sk)
{
	const struct xtcp_sock *xs = xtcp_sk(sk);

	/* The path's min_RTT, as tcp_tso_autosize(): one slow sample in
	 * srtt would keep the bursts small. No sample yet: no bonus, as
	 * tcp_min_rtt()'s ~0U gives none (nor is there a rate yet).
	 */
	return xtcp_pacing_burst_segs(READ_ONCE(sk->sk_pacing_rate),
				      READ_ONCE(sk->sk_pacing_shift),
				      xs->rack.min_rtt_us ? : ~0U,
				      sk->sk_gso_max_size, xs->mss_cache);
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_pacing_max_segs);

/**
 * xtcp_pacing_kick() - the pacing timer expired: send what may go now
 * @sk: the socket, bh-locked and not owned, or in xtcp_release_cb()
 */
void xtcp_pacing_kick(struct sock *sk)
{
	xtcp_write_xmit(sk);
}
