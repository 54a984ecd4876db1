// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP congestion control (RFC 5681, RFC 6582, RFC 6928): the hooks the
 * input path and timers call, and the Reno algorithm behind the
 * struct xtcp_cong_ops table.
 */
#include "xtcp.h"
#include "xtcp_cong.h"

/**
 * xtcp_reno_grow() - Reno window growth for newly acknowledged segments
 * @cwnd: congestion window, segments; updated
 * @cnt: congestion-avoidance counter; updated
 * @ssthresh: slow-start threshold
 * @acked: segments newly acknowledged (at least 1)
 *
 * Slow start adds one segment per acknowledged segment up to ssthresh
 * (RFC 5681 3.1, with appropriate byte counting); congestion avoidance adds
 * one segment per window's worth of acknowledged segments.
 *
 * Return: the new cwnd.
 */
u32 xtcp_reno_grow(u32 *cwnd, u32 *cnt, u32 ssthresh, u32 acked)
{
	if (*cwnd < ssthresh) {
		u32 room = ssthresh - *cwnd;
		u32 inc = min(acked, room);

		*cwnd += inc;
		acked -= inc;
		if (!acked)
			goto out;
	}
	*cnt += acked;
	if (*cnt >= *cwnd) {
		*cnt -= *cwnd;
		(*cwnd)++;
	}
out:
	*cwnd = min(*cwnd, XTCP_MAX_CWND);
	return *cwnd;
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_reno_grow);

/**
 * xtcp_reno_ssthresh_of() - ssthresh after a loss (RFC 5681 eq. 4)
 * @flight: segments in flight when the loss was detected
 *
 * Return: max(flight / 2, 2).
 */
u32 xtcp_reno_ssthresh_of(u32 flight)
{
	return max(flight / 2, 2U);
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_reno_ssthresh_of);

static void xtcp_reno_init(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xs->snd_cwnd = XTCP_INIT_CWND;
	xs->snd_ssthresh = XTCP_MAX_CWND;
	xs->snd_cwnd_cnt = 0;
}

static void xtcp_reno_cong_avoid(struct sock *sk, u32 acked)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xtcp_reno_grow(&xs->snd_cwnd, &xs->snd_cwnd_cnt, xs->snd_ssthresh,
		       acked);
}

static u32 xtcp_reno_ssthresh(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	return xtcp_reno_ssthresh_of(max(xs->packets_out, xs->snd_cwnd / 2));
}

const struct xtcp_cong_ops xtcp_reno = {
	.name		= "reno",
	.init		= xtcp_reno_init,
	.cong_avoid	= xtcp_reno_cong_avoid,
	.ssthresh	= xtcp_reno_ssthresh,
};

static u32 xtcp_acked_segs(const struct xtcp_sock *xs, u32 acked_bytes)
{
	return max_t(u32, 1, acked_bytes / xs->mss_cache);
}

/**
 * xtcp_cong_init() - pick the algorithm and set the initial window
 * @sk: a new connection
 */
void xtcp_cong_init(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xs->cong = &xtcp_reno;
	xs->ca_state = XTCP_CA_OPEN;
	xs->cong->init(sk);
}

/**
 * xtcp_cong_on_ack() - new data acknowledged outside fast recovery
 * @sk: the socket
 * @acked_bytes: bytes newly acknowledged
 */
void xtcp_cong_on_ack(struct sock *sk, u32 acked_bytes)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xs->cong->cong_avoid(sk, xtcp_acked_segs(xs, acked_bytes));
}

/**
 * xtcp_cong_enter_recovery() - fast retransmit (RFC 6582 3.2 step 2)
 * @sk: the socket
 *
 * ssthresh from the flight size, cwnd = ssthresh + 3 segments.
 */
void xtcp_cong_enter_recovery(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xs->snd_ssthresh = xs->cong->ssthresh(sk);
	xs->snd_cwnd = xs->snd_ssthresh + 3;
	xs->snd_cwnd_cnt = 0;
	xs->ca_state = XTCP_CA_RECOVERY;
}

/**
 * xtcp_cong_on_dupack() - a further duplicate ACK in recovery: inflate
 * @sk: the socket
 */
void xtcp_cong_on_dupack(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xs->snd_cwnd = min(xs->snd_cwnd + 1, XTCP_MAX_CWND);
}

/**
 * xtcp_cong_on_partial_ack() - deflate by what was acknowledged, plus one
 * @sk: the socket
 * @acked_bytes: bytes newly acknowledged (RFC 6582 3.2 step 5)
 */
void xtcp_cong_on_partial_ack(struct sock *sk, u32 acked_bytes)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 segs = xtcp_acked_segs(xs, acked_bytes);

	xs->snd_cwnd = xs->snd_cwnd > segs ? xs->snd_cwnd - segs : 1;
	xs->snd_cwnd++;
}

/**
 * xtcp_cong_exit_recovery() - a full ACK ends recovery (RFC 6582 3.2 step 6)
 * @sk: the socket
 */
void xtcp_cong_exit_recovery(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xs->snd_cwnd = min(xs->snd_ssthresh, max(xs->packets_out, 1U) + 1);
	xs->ca_state = XTCP_CA_OPEN;
}

/**
 * xtcp_cong_on_rto() - retransmission timeout (RFC 5681 3.1 eq. 4 and 5)
 * @sk: the socket
 *
 * The first timeout of a series halves ssthresh; cwnd restarts at one
 * segment; recovery ends at the highest sequence number sent.
 */
void xtcp_cong_on_rto(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (!xs->backoff)
		xs->snd_ssthresh = xs->cong->ssthresh(sk);
	xs->snd_cwnd = 1;
	xs->snd_cwnd_cnt = 0;
	xs->dupacks = 0;
	xs->high_seq = xs->snd_max;
	xs->ca_state = XTCP_CA_LOSS;
}
