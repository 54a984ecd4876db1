// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP CUBIC congestion control (RFC 9438) with HyStart++ (RFC 9406).
 *
 * After a congestion event the window follows
 *
 *	W_cubic(t) = C * (t - K)^3 + W_max,  K = cbrt((W_max - cwnd_epoch) / C)
 *
 * with C = 0.4 and t the time since the congestion-avoidance epoch began:
 * concave up to W_max, where the last loss happened, then convex beyond.
 * Each ACK moves cwnd towards W_cubic(t + RTT), by at most half a window per
 * RTT (RFC 9438 4.2), or towards the Reno-friendly estimate W_est when that
 * is larger (4.3). A loss sets ssthresh to beta_cubic = 0.7 of the flight
 * and remembers W_max, lowered further when the window shrank since the
 * previous loss (fast convergence, 4.7). Time is fixed point, 1/1024 s, so
 * that no floating point is needed; the cube root is an integer one.
 *
 * HyStart++ watches the per-round minimum RTT during the initial slow start:
 * a rise of at least clamp(minRTT / 8, 4 ms, 16 ms) over the last round's
 * means a queue is building, so the window grows four times slower
 * (conservative slow start, CSS) for five rounds and then slow start ends,
 * usually before any loss. An RTT that falls back means the rise was
 * spurious, and slow start resumes.
 */
#include "xtcp.h"
#include "xtcp_cong.h"

/* RFC 9438 4.3: alpha_cubic = 3 * (1 - beta) / (1 + beta) = 9/17. */
#define XTCP_CUBIC_ALPHA_NUM	9
#define XTCP_CUBIC_ALPHA_DEN	17
/* Beyond this many ticks from K (128 s), C * offs^3 exceeds any window. */
#define XTCP_CUBIC_MAX_OFFS	BIT(17)

/**
 * xtcp_cbrt() - integer cube root
 * @x: the radicand
 *
 * Digit by digit in base 8, one result bit per three radicand bits.
 *
 * Return: floor(cbrt(@x)).
 */
u32 xtcp_cbrt(u64 x)
{
	u64 y = 0, b;
	int s;

	for (s = 63; s >= 0; s -= 3) {
		y <<= 1;
		/* (y + 1)^3 - y^3: what trying the next bit costs */
		b = 3 * y * (y + 1) + 1;
		if ((x >> s) >= b) {
			x -= b << s;
			y++;
		}
	}
	return (u32)y;
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_cbrt);

/**
 * xtcp_cubic_k() - K, the time W_cubic takes to return to W_max
 * @w_max: window before the reduction, segments
 * @cwnd_epoch: window at the start of the epoch, segments
 *
 * K = cbrt((W_max - cwnd_epoch) / C) seconds (RFC 9438 eq. 2), with
 * 1 / C = 5 / 2 and the result in 1/1024 s: cbrt(diff * 5 * 2^29).
 *
 * Return: K in ticks; 0 when the epoch starts at or above @w_max.
 */
u32 xtcp_cubic_k(u32 w_max, u32 cwnd_epoch)
{
	if (w_max <= cwnd_epoch)
		return 0;
	w_max = min(w_max, XTCP_MAX_CWND);
	return xtcp_cbrt((u64)(w_max - cwnd_epoch) * 5 <<
			 (3 * XTCP_CUBIC_HZ_SHIFT - 1));
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_cubic_k);

/**
 * xtcp_cubic_w() - W_cubic(t) (RFC 9438 eq. 1)
 * @w_max: the curve's plateau, segments
 * @k: K, ticks
 * @t: time since the epoch began, ticks
 *
 * Return: C * (t - K)^3 + W_max in segments, within 0..XTCP_MAX_CWND.
 */
u32 xtcp_cubic_w(u32 w_max, u32 k, u64 t)
{
	u64 offs = t < k ? k - t : t - k;
	u64 delta;

	if (offs >= XTCP_CUBIC_MAX_OFFS)
		return t < k ? 0 : XTCP_MAX_CWND;
	/* C * offs^3 / 2^30 = 2 * offs^3 / (5 * 2^30) */
	delta = div64_u64(2 * offs * offs * offs,
			  5ULL << (3 * XTCP_CUBIC_HZ_SHIFT));
	if (t < k)
		return delta >= w_max ? 0 : w_max - (u32)delta;
	return min_t(u64, (u64)w_max + delta, XTCP_MAX_CWND);
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_cubic_w);

/**
 * xtcp_cubic_ssthresh_of() - ssthresh after a loss (RFC 9438 4.6)
 * @flight: segments in flight when the loss was detected
 *
 * Return: max(flight * beta_cubic, 2).
 */
u32 xtcp_cubic_ssthresh_of(u32 flight)
{
	u64 s = (u64)flight * XTCP_CUBIC_BETA_NUM / XTCP_CUBIC_BETA_DEN;

	return max_t(u64, s, 2);
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_cubic_ssthresh_of);

/**
 * xtcp_cubic_w_max_of() - W_max after a loss, with fast convergence
 * @cwnd: window when the loss was detected
 * @w_max: W_max of the previous loss
 *
 * A window that did not get back to the last W_max means a new flow is
 * taking bandwidth: release more, W_max = cwnd * (1 + beta) / 2 (RFC 9438
 * 4.7).
 *
 * Return: the new W_max, segments.
 */
u32 xtcp_cubic_w_max_of(u32 cwnd, u32 w_max)
{
	if (cwnd < w_max)
		return (u32)((u64)cwnd * (XTCP_CUBIC_BETA_DEN +
					  XTCP_CUBIC_BETA_NUM) /
			     (2 * XTCP_CUBIC_BETA_DEN));
	return cwnd;
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_cubic_w_max_of);

/**
 * xtcp_cubic_reset() - fresh CUBIC state for a connection
 * @ca: the state
 */
void xtcp_cubic_reset(struct xtcp_cubic *ca)
{
	memset(ca, 0, sizeof(*ca));
	ca->hs_last_min = U32_MAX;
	ca->hs_cur_min = U32_MAX;
	ca->hs_css_base = U32_MAX;
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_cubic_reset);

/**
 * xtcp_cubic_update() - how many ACKed segments per cwnd increment now
 * @ca: the state
 * @cwnd: current window, segments
 * @acked: segments this ACK acknowledged
 * @now_us: current time, microseconds
 * @rtt_us: smoothed RTT, microseconds
 *
 * Starts an epoch on the first call after a loss; a pause between calls
 * of more than two RTTs moves the epoch's start by as much. The target is
 * W_cubic(t + RTT) kept within [cwnd, 1.5 cwnd]; when the Reno-friendly
 * W_est is above both, cwnd follows W_est instead (RFC 9438 4.2-4.4).
 *
 * Return: the new @ca->cnt.
 */
u32 xtcp_cubic_update(struct xtcp_cubic *ca, u32 cwnd, u32 acked, u64 now_us,
		      u32 rtt_us)
{
	u32 target, cnt, alpha, den;
	u64 t;

	cwnd = clamp(cwnd, 1U, XTCP_MAX_CWND);
	if (!ca->epoch_start) {
		ca->epoch_start = now_us ? now_us : 1;
		ca->epochs++;
		ca->k = xtcp_cubic_k(ca->w_max, cwnd);
		ca->origin = max(ca->w_max, cwnd);
		ca->w_est = cwnd;
		ca->est_acc = 0;
	} else if (now_us > ca->last_us +
		   max(2ULL * rtt_us, (u64)XTCP_CUBIC_IDLE_MIN_US)) {
		/* No update for a while: the sender was idle, or held back by
		 * the application or the peer's window (the window was not
		 * used, xtcp_cong_on_ack()). That time is not part of t
		 * (RFC 9438 5.8): the curve resumes where it paused.
		 */
		ca->epoch_start += now_us - ca->last_us;
	}
	ca->last_us = now_us;

	t = now_us > ca->epoch_start ? now_us - ca->epoch_start : 0;
	t = div_u64((t + rtt_us) << XTCP_CUBIC_HZ_SHIFT, USEC_PER_SEC);
	target = xtcp_cubic_w(ca->origin, ca->k, t);
	if (target > cwnd)
		cnt = max(cwnd / (target - cwnd), 2U);	/* at most 1.5 cwnd */
	else
		cnt = 100 * cwnd;	/* at the target: next to nothing */

	/* W_est grows by alpha per window acknowledged; alpha is 1 once
	 * W_est has passed the window before the loss (RFC 9438 4.3).
	 */
	alpha = ca->w_est >= ca->origin ? XTCP_CUBIC_ALPHA_DEN :
					  XTCP_CUBIC_ALPHA_NUM;
	ca->est_acc += acked * alpha;
	den = cwnd * XTCP_CUBIC_ALPHA_DEN;
	if (ca->est_acc >= den) {
		u32 inc = ca->est_acc / den;

		ca->w_est = min(ca->w_est + inc, XTCP_MAX_CWND);
		ca->est_acc -= inc * den;
	}
	if (ca->w_est > cwnd && ca->w_est > target)
		cnt = min(cnt, max(cwnd / (ca->w_est - cwnd), 1U));

	ca->cnt = cnt;
	return cnt;
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_cubic_update);

/**
 * xtcp_cubic_grow() - CUBIC window growth for newly acknowledged segments
 * @ca: the state
 * @cwnd: congestion window, segments; updated
 * @cnt: congestion-avoidance counter; updated
 * @ssthresh: slow-start threshold
 * @acked: segments newly acknowledged (at least 1)
 * @now_us: current time, microseconds
 * @rtt_us: smoothed RTT, microseconds
 *
 * Slow start below ssthresh (a quarter of it in HyStart++'s CSS), then
 * congestion avoidance on the cubic curve.
 */
void xtcp_cubic_grow(struct xtcp_cubic *ca, u32 *cwnd, u32 *cnt, u32 ssthresh,
		     u32 acked, u64 now_us, u32 rtt_us)
{
	if (*cwnd < ssthresh) {
		if (ca->hs_state == XTCP_HS_CSS) {
			u32 acc = ca->hs_css_acc + acked;

			*cwnd = min(*cwnd + acc / XTCP_HS_CSS_GROWTH_DIV,
				    XTCP_MAX_CWND);
			ca->hs_css_acc = acc % XTCP_HS_CSS_GROWTH_DIV;
			return;
		}
		acked = xtcp_slow_start(cwnd, ssthresh, acked);
		if (!acked)
			return;
	}
	xtcp_cong_avoid_ai(cwnd, cnt,
			   xtcp_cubic_update(ca, *cwnd, acked, now_us, rtt_us),
			   acked);
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_cubic_grow);

/**
 * xtcp_hystart_ack() - HyStart++ for one ACK in slow start (RFC 9406 4.2)
 * @ca: the state
 * @snd_una: the ACK's cumulative acknowledgment (new snd_una)
 * @snd_nxt: next sequence number to send (the end of a new round)
 * @rtt_us: this ACK's RTT sample, microseconds; negative if none
 * @cwnd: current window, segments
 * @ssthresh: slow-start threshold; set to @cwnd when CSS ends
 *
 * Return: an enum xtcp_hystart_event.
 */
int xtcp_hystart_ack(struct xtcp_cubic *ca, u32 snd_una, u32 snd_nxt,
		     s64 rtt_us, u32 cwnd, u32 *ssthresh)
{
	u32 thresh, rtt;

	if (ca->hs_state != XTCP_HS_SS && ca->hs_state != XTCP_HS_CSS)
		return XTCP_HS_EV_NONE;

	if (!ca->hs_round || !xtcp_seq_before(snd_una, ca->hs_window_end)) {
		if (ca->hs_round) {
			/* A round ended. */
			ca->hs_last_min = ca->hs_cur_min;
			if (ca->hs_state == XTCP_HS_CSS &&
			    ++ca->hs_css_rounds >= XTCP_HS_CSS_ROUNDS) {
				*ssthresh = cwnd;
				ca->hs_state = XTCP_HS_DONE;
				return XTCP_HS_EV_EXIT;
			}
		}
		ca->hs_round = 1;
		ca->hs_window_end = snd_nxt;
		ca->hs_cur_min = U32_MAX;
		ca->hs_samples = 0;
	}
	if (rtt_us < 0)
		return XTCP_HS_EV_NONE;

	rtt = min_t(s64, rtt_us, U32_MAX - 1);
	ca->hs_cur_min = min(ca->hs_cur_min, rtt);
	if (ca->hs_samples < U8_MAX)
		ca->hs_samples++;
	if (ca->hs_samples < XTCP_HS_N_RTT_SAMPLE)
		return XTCP_HS_EV_NONE;

	if (ca->hs_state == XTCP_HS_SS) {
		if (ca->hs_last_min == U32_MAX)
			return XTCP_HS_EV_NONE;
		thresh = clamp(ca->hs_last_min / XTCP_HS_MIN_RTT_DIVISOR,
			       XTCP_HS_MIN_RTT_THRESH, XTCP_HS_MAX_RTT_THRESH);
		if (ca->hs_cur_min >= ca->hs_last_min + thresh) {
			ca->hs_css_base = ca->hs_cur_min;
			ca->hs_state = XTCP_HS_CSS;
			ca->hs_css_rounds = 0;
			ca->hs_css_acc = 0;
			ca->hs_cwnd = cwnd;
			return XTCP_HS_EV_CSS;
		}
	} else if (ca->hs_cur_min < ca->hs_css_base) {
		ca->hs_css_base = U32_MAX;
		ca->hs_state = XTCP_HS_SS;
		return XTCP_HS_EV_SPURIOUS;
	}
	return XTCP_HS_EV_NONE;
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_hystart_ack);

static struct xtcp_cubic *xtcp_cubic_ca(struct sock *sk)
{
	return xtcp_cong_priv(sk);
}

static void xtcp_cubic_init(struct sock *sk)
{
	struct xtcp_cubic *ca = xtcp_cubic_ca(sk);

	BUILD_BUG_ON(sizeof(struct xtcp_cubic) > ICSK_CA_PRIV_SIZE);
	xtcp_cubic_reset(ca);
	/* HyStart++ only in the initial slow start (RFC 9406 4.2). */
	if (xtcp_sk(sk)->snd_ssthresh >= XTCP_MAX_CWND)
		ca->hs_state = XTCP_HS_SS;
}

static void xtcp_cubic_cong_avoid(struct sock *sk, u32 acked)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xtcp_cubic_grow(xtcp_cubic_ca(sk), &xs->snd_cwnd, &xs->snd_cwnd_cnt,
			xs->snd_ssthresh, acked,
			xtcp_clock_us(xs), xs->rtt.srtt);
}

static u32 xtcp_cubic_ssthresh(struct sock *sk)
{
	struct xtcp_cubic *ca = xtcp_cubic_ca(sk);
	struct xtcp_sock *xs = xtcp_sk(sk);

	ca->epoch_start = 0;
	ca->w_max = xtcp_cubic_w_max_of(xs->snd_cwnd, ca->w_max);
	/* A loss ends the initial slow start, HyStart++ with it. */
	if (ca->hs_state == XTCP_HS_SS || ca->hs_state == XTCP_HS_CSS)
		ca->hs_state = XTCP_HS_OFF;
	return xtcp_cubic_ssthresh_of(xs->packets_out);
}

static void xtcp_cubic_pkts_acked(struct sock *sk, u32 acked, s64 rtt_us)
{
	struct xtcp_cubic *ca = xtcp_cubic_ca(sk);
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct net *net = sock_net(sk);

	if (xs->ca_state != XTCP_CA_OPEN || xs->snd_cwnd >= xs->snd_ssthresh)
		return;
	switch (xtcp_hystart_ack(ca, xs->snd_una, xs->snd_nxt, rtt_us,
				 xs->snd_cwnd, &xs->snd_ssthresh)) {
	case XTCP_HS_EV_CSS:
		XTCP_INC_STATS(net, XTCP_MIB_HYSTARTDELAYDETECT);
		break;
	case XTCP_HS_EV_EXIT:
		XTCP_INC_STATS(net, XTCP_MIB_HYSTARTCSSEXIT);
		break;
	default:
		break;
	}
}

static void xtcp_cubic_set_state(struct sock *sk, u8 ca_state)
{
	struct xtcp_cubic *ca = xtcp_cubic_ca(sk);

	/* After a timeout the next epoch starts with K = 0 and W_max the
	 * window it starts from (RFC 9438 4.8).
	 */
	if (ca_state == XTCP_CA_LOSS) {
		ca->epoch_start = 0;
		ca->w_max = 0;
		if (ca->hs_state == XTCP_HS_SS || ca->hs_state == XTCP_HS_CSS)
			ca->hs_state = XTCP_HS_OFF;
	}
}

/* An undone loss in the initial slow start: slow start goes on, and
 * HyStart++ with it, from a new round (Linux's CUBIC resets HyStart when
 * it enters Loss and keeps it on through an undo).
 */
static void xtcp_cubic_undo(struct sock *sk)
{
	struct xtcp_cubic *ca = xtcp_cubic_ca(sk);
	u32 epochs = ca->epochs;

	if (xtcp_sk(sk)->snd_ssthresh < XTCP_MAX_CWND)
		return;
	xtcp_cubic_init(sk);
	ca->epochs = epochs;
}

static void xtcp_cubic_get_info(struct sock *sk, struct xtcp_cc_info *info)
{
	struct xtcp_cubic *ca = xtcp_cubic_ca(sk);

	info->w_max = ca->w_max;
	info->k_ms = (u32)(((u64)ca->k * MSEC_PER_SEC) >> XTCP_CUBIC_HZ_SHIFT);
	info->w_est = ca->w_est;
	info->epochs = ca->epochs;
	info->hystart = ca->hs_state;
	info->hystart_cwnd = ca->hs_cwnd;
}

const struct xtcp_cong_ops xtcp_cubic = {
	.name		= "cubic",
	.init		= xtcp_cubic_init,
	.cong_avoid	= xtcp_cubic_cong_avoid,
	.ssthresh	= xtcp_cubic_ssthresh,
	.pkts_acked	= xtcp_cubic_pkts_acked,
	.set_state	= xtcp_cubic_set_state,
	.undo		= xtcp_cubic_undo,
	.get_info	= xtcp_cubic_get_info,
};
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_cubic);
