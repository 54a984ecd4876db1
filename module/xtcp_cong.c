// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP congestion control (RFC 5681, RFC 6582, RFC 6928): the hooks the
 * input path and timers call, the choice of algorithm (XTCP_CONGESTION,
 * net.xtcp.congestion_control), and the Reno algorithm behind the
 * struct xtcp_cong_ops table. CUBIC is in xtcp_cubic.c.
 */
#include "xtcp.h"
#include "xtcp_cong.h"

/**
 * xtcp_slow_start() - slow start up to ssthresh
 * @cwnd: congestion window, segments; updated
 * @ssthresh: slow-start threshold
 * @acked: segments newly acknowledged
 *
 * One segment per acknowledged segment (RFC 5681 3.1, with appropriate
 * byte counting), up to ssthresh and XTCP_MAX_CWND.
 *
 * Return: the acknowledged segments left over for congestion avoidance.
 */
u32 xtcp_slow_start(u32 *cwnd, u32 ssthresh, u32 acked)
{
	u32 inc = min(acked, ssthresh > *cwnd ? ssthresh - *cwnd : 0);

	*cwnd = min(*cwnd + inc, XTCP_MAX_CWND);
	return acked - inc;
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_slow_start);

/**
 * xtcp_cong_avoid_ai() - additive increase: one segment per @w acknowledged
 * @cwnd: congestion window, segments; updated
 * @cnt: segments acknowledged towards the next increment; updated
 * @w: segments to acknowledge per increment (at least 1)
 * @acked: segments newly acknowledged
 */
void xtcp_cong_avoid_ai(u32 *cwnd, u32 *cnt, u32 w, u32 acked)
{
	w = max(w, 1U);
	/* Credit gathered while @w was larger is worth one increment, not a
	 * burst of them now that it is smaller.
	 */
	if (*cnt >= w) {
		*cnt = 0;
		*cwnd = min(*cwnd + 1, XTCP_MAX_CWND);
	}
	*cnt += acked;
	if (*cnt >= w) {
		u32 delta = *cnt / w;

		*cnt -= delta * w;
		*cwnd = min_t(u64, (u64)*cwnd + delta, XTCP_MAX_CWND);
	}
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_cong_avoid_ai);

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
		acked = xtcp_slow_start(cwnd, ssthresh, acked);
		if (!acked)
			return *cwnd;
	}
	xtcp_cong_avoid_ai(cwnd, cnt, *cwnd, acked);
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
	.cong_avoid	= xtcp_reno_cong_avoid,
	.ssthresh	= xtcp_reno_ssthresh,
};

/* Every algorithm, in the order net.xtcp.available_congestion_control
 * lists them.
 */
static const struct xtcp_cong_ops *const xtcp_cong_list[] = {
	&xtcp_reno,
	&xtcp_cubic,
};

/**
 * xtcp_cong_find() - an algorithm by name
 * @name: NUL-terminated name
 *
 * Return: the algorithm, or NULL if there is none of that name.
 */
const struct xtcp_cong_ops *xtcp_cong_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(xtcp_cong_list); i++)
		if (!strcmp(xtcp_cong_list[i]->name, name))
			return xtcp_cong_list[i];
	return NULL;
}

/**
 * xtcp_cong_available() - the names of all algorithms
 * @buf: filled with the names separated by spaces, NUL-terminated
 * @size: its size
 */
void xtcp_cong_available(char *buf, size_t size)
{
	size_t off = 0;
	unsigned int i;

	if (!size)
		return;
	buf[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(xtcp_cong_list) && off < size; i++)
		off += scnprintf(buf + off, size - off, "%s%s", i ? " " : "",
				 xtcp_cong_list[i]->name);
}

/* Start @ops afresh on @sk: private state zeroed, then the algorithm's. */
static void xtcp_cong_start(struct sock *sk, const struct xtcp_cong_ops *ops)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xs->cong = ops;
	memset(xtcp_cong_priv(sk), 0, ICSK_CA_PRIV_SIZE);
	if (ops->init)
		ops->init(sk);
}

/**
 * xtcp_cong_set() - XTCP_CONGESTION: choose the algorithm of one socket
 * @sk: the socket, locked
 * @name: NUL-terminated algorithm name
 *
 * As TCP_CONGESTION, any state will do: a connection keeps its window and
 * goes on with the new algorithm's growth and loss response; a listener's
 * choice is inherited by the connections it accepts.
 *
 * Return: 0, or -ENOENT for no algorithm of that name.
 */
int xtcp_cong_set(struct sock *sk, const char *name)
{
	const struct xtcp_cong_ops *ops = xtcp_cong_find(name);
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (!ops)
		return -ENOENT;
	xs->cong_set = 1;
	if (ops != xs->cong)
		xtcp_cong_start(sk, ops);
	return 0;
}

/**
 * xtcp_cong_get_info() - XTCP_CC_INFO
 * @sk: the socket, locked
 * @info: filled
 */
void xtcp_cong_get_info(struct sock *sk, struct xtcp_cc_info *info)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	memset(info, 0, sizeof(*info));
	strscpy(info->name, xs->cong->name, sizeof(info->name));
	info->loss_events = xs->cc_loss_events;
	info->fr_flight = xs->cc_fr_flight;
	info->fr_cwnd = xs->cc_fr_cwnd;
	info->fr_ssthresh = xs->cc_fr_ssthresh;
	if (xs->cong->get_info)
		xs->cong->get_info(sk, info);
}

static u32 xtcp_acked_segs(const struct xtcp_sock *xs, u32 acked_bytes)
{
	return max_t(u32, 1, acked_bytes / xs->mss_cache);
}

static void xtcp_cong_set_state(struct sock *sk, u8 ca_state)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (xs->cong->set_state)
		xs->cong->set_state(sk, ca_state);
	xs->ca_state = ca_state;
}

/* ssthresh for a loss, from the algorithm; counted for XTCP_CC_INFO. */
static u32 xtcp_cong_ssthresh(struct sock *sk)
{
	xtcp_sk(sk)->cc_loss_events++;
	return xtcp_sk(sk)->cong->ssthresh(sk);
}

/**
 * xtcp_cong_init() - pick the algorithm and set the initial window
 * @sk: a new connection
 *
 * The algorithm XTCP_CONGESTION chose, else the namespace's
 * net.xtcp.congestion_control.
 */
void xtcp_cong_init(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	const struct xtcp_cong_ops *ops = xs->cong;

	if (!xs->cong_set || !ops)
		ops = READ_ONCE(xtcp_pernet(sock_net(sk))->congestion_control);
	xs->ca_state = XTCP_CA_OPEN;
	xs->snd_cwnd = XTCP_INIT_CWND;
	xs->snd_ssthresh = XTCP_MAX_CWND;
	xs->snd_cwnd_cnt = 0;
	xs->cc_loss_events = 0;
	xs->cc_fr_flight = 0;
	xs->cc_fr_cwnd = 0;
	xs->cc_fr_ssthresh = 0;
	xtcp_cong_start(sk, ops);
}

/**
 * xtcp_cong_pkts_acked() - segments newly acknowledged, with an RTT sample
 * @sk: the socket
 * @acked_bytes: bytes newly acknowledged
 * @rtt_us: RTT sample of this ACK, microseconds; negative if none
 *
 * Called for every ACK that advances snd_una, before recovery or window
 * growth (HyStart++ watches the RTT here).
 */
void xtcp_cong_pkts_acked(struct sock *sk, u32 acked_bytes, s64 rtt_us)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (xs->cong->pkts_acked)
		xs->cong->pkts_acked(sk, xtcp_acked_segs(xs, acked_bytes),
				     rtt_us);
}

/**
 * xtcp_cong_on_ack() - new data acknowledged outside fast recovery
 * @sk: the socket
 * @acked_bytes: bytes newly acknowledged
 */
void xtcp_cong_on_ack(struct sock *sk, u32 acked_bytes)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 acked = xtcp_acked_segs(xs, acked_bytes);

	/* Grow only a window that is used: at most twice what was in flight
	 * (RFC 7661; tcp_is_cwnd_limited() in slow start), or a sender held
	 * back by the peer's window or by the application would inflate cwnd
	 * without bound, and the reduction after a loss would mean nothing.
	 */
	if (xs->snd_cwnd >= 2 * (xs->packets_out + acked))
		return;
	xs->cong->cong_avoid(sk, acked);
}

/**
 * xtcp_cong_enter_recovery() - fast retransmit (RFC 6582 3.2 step 2)
 * @sk: the socket
 *
 * ssthresh from the flight size, cwnd = ssthresh + 3 segments; PRR
 * (xtcp_prr.c) sets cwnd on every ACK of the episode after this one.
 */
void xtcp_cong_enter_recovery(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xs->cc_fr_flight = xs->packets_out;
	xs->cc_fr_cwnd = xs->snd_cwnd;
	xs->snd_ssthresh = xtcp_cong_ssthresh(sk);
	xs->cc_fr_ssthresh = xs->snd_ssthresh;
	xs->snd_cwnd = xs->snd_ssthresh + 3;
	xs->snd_cwnd_cnt = 0;
	xtcp_cong_set_state(sk, XTCP_CA_RECOVERY);
}

/**
 * xtcp_cong_exit_recovery() - a full ACK ends recovery (RFC 6582 3.2 step 6)
 * @sk: the socket
 */
void xtcp_cong_exit_recovery(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xs->snd_cwnd = min(xs->snd_ssthresh, max(xs->packets_out, 1U) + 1);
	xtcp_cong_set_state(sk, XTCP_CA_OPEN);
}

/**
 * xtcp_cong_undo() - a window reduction was for nothing: take it back
 * @sk: the socket, locked
 * @prior_cwnd: cwnd before the reduction
 * @prior_ssthresh: ssthresh before it
 *
 * For a DSACK undo (xtcp_sack.c) and a spurious timeout (xtcp_undo.c), as
 * tcp_undo_cwnd_reduction(): cwnd and ssthresh at least what they were;
 * the algorithm may restore state of its own (CUBIC re-arms HyStart++ if
 * the initial slow start is back).
 */
void xtcp_cong_undo(struct sock *sk, u32 prior_cwnd, u32 prior_ssthresh)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xs->snd_cwnd = max(xs->snd_cwnd, prior_cwnd);
	xs->snd_ssthresh = max(xs->snd_ssthresh, prior_ssthresh);
	xs->snd_cwnd_cnt = 0;
	if (xs->cong->undo)
		xs->cong->undo(sk);
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
		xs->snd_ssthresh = xtcp_cong_ssthresh(sk);
	xs->snd_cwnd = 1;
	xs->snd_cwnd_cnt = 0;
	xs->dupacks = 0;
	xs->high_seq = xs->snd_max;
	xtcp_cong_set_state(sk, XTCP_CA_LOSS);
}

/**
 * xtcp_cong_cwr() - reduce the window once, without a recovery episode
 * @sk: the socket, locked, in the Open state
 *
 * For a loss a tail loss probe repaired (RFC 8985 7.4.2): ssthresh from
 * the algorithm, cwnd down to it (as TCP's CWR state ends).
 */
void xtcp_cong_cwr(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xs->snd_ssthresh = xtcp_cong_ssthresh(sk);
	xs->snd_cwnd = min(xs->snd_cwnd, xs->snd_ssthresh);
	xs->snd_cwnd_cnt = 0;
	/* A reduction of its own: no earlier episode's DSACKs undo it
	 * (tcp_enter_cwr() clears undo_marker).
	 */
	xs->sack.undo_active = 0;
}
