// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for XTCP's CUBIC (xtcp_cubic.c, RFC 9438) and HyStart++
 * (RFC 9406): the integer cube root, K, W_cubic(t) around W_max, the
 * multiplicative decrease and fast convergence, the Reno-friendly region,
 * and slow start ending on an RTT increase.
 */
#include <kunit/test.h>

#include "xtcp.h"
#include "xtcp_cong.h"

#define MS	1000ULL		/* microseconds */
#define TICKS(ms)	((u64)(ms) * 1024 / 1000)

static void xtcp_cbrt__exact_and_floor(struct kunit *test)
{
	u64 n;

	KUNIT_EXPECT_EQ(test, xtcp_cbrt(0), 0U);
	KUNIT_EXPECT_EQ(test, xtcp_cbrt(1), 1U);
	KUNIT_EXPECT_EQ(test, xtcp_cbrt(7), 1U);
	KUNIT_EXPECT_EQ(test, xtcp_cbrt(8), 2U);
	KUNIT_EXPECT_EQ(test, xtcp_cbrt(26), 2U);
	KUNIT_EXPECT_EQ(test, xtcp_cbrt(27), 3U);
	KUNIT_EXPECT_EQ(test, xtcp_cbrt(1000000), 100U);
	KUNIT_EXPECT_EQ(test, xtcp_cbrt(999999), 99U);
	/* 2642245^3 < 2^64 - 1 < 2642246^3 */
	KUNIT_EXPECT_EQ(test, xtcp_cbrt(U64_MAX), 2642245U);
	KUNIT_EXPECT_EQ(test, xtcp_cbrt(2642245ULL * 2642245 * 2642245),
			2642245U);
	KUNIT_EXPECT_EQ(test, xtcp_cbrt(2642245ULL * 2642245 * 2642245 - 1),
			2642244U);
	for (n = 2; n < 2642245; n = n * 3 + 1) {
		KUNIT_EXPECT_EQ(test, xtcp_cbrt(n * n * n), (u32)n);
		KUNIT_EXPECT_EQ(test, xtcp_cbrt(n * n * n - 1), (u32)n - 1);
		KUNIT_EXPECT_EQ(test, xtcp_cbrt(n * n * n + 3 * n * n), (u32)n);
	}
}

static void xtcp_cubic_k__values(struct kunit *test)
{
	u64 k;

	/* W_max 100, cwnd 70: K = cbrt(30 / 0.4) = cbrt(75) = 4.2172 s. */
	k = xtcp_cubic_k(100, 70);
	KUNIT_EXPECT_EQ(test, k, 4318ULL);	/* 4.2172 * 1024 */
	/* The RFC 9438 eq. 2 identity: C * K^3 = W_max - cwnd_epoch. */
	KUNIT_EXPECT_LE(test, k * k * k * 2, 30ULL * 5 << 30);
	KUNIT_EXPECT_GT(test, (k + 1) * (k + 1) * (k + 1) * 2, 30ULL * 5 << 30);
	/* beta = 0.7 of W_max: K = cbrt(0.75 W_max). W_max 1000: 9.0856 s */
	KUNIT_EXPECT_EQ(test, xtcp_cubic_k(1000, 700), 9303U);
	/* No distance, or an epoch above W_max: K = 0. */
	KUNIT_EXPECT_EQ(test, xtcp_cubic_k(100, 100), 0U);
	KUNIT_EXPECT_EQ(test, xtcp_cubic_k(100, 150), 0U);
	KUNIT_EXPECT_EQ(test, xtcp_cubic_k(0, 10), 0U);
	/* The largest window does not overflow. */
	KUNIT_EXPECT_GT(test, xtcp_cubic_k(XTCP_MAX_CWND, 2), 50000U);
	KUNIT_EXPECT_EQ(test, xtcp_cubic_k(U32_MAX, 2),
			xtcp_cubic_k(XTCP_MAX_CWND, 2));
}

static void xtcp_cubic_w__concave_then_convex(struct kunit *test)
{
	u32 k = xtcp_cubic_k(100, 70), prev, prev_inc = U32_MAX, w, inc;
	u64 t;

	/* Starts at cwnd_epoch, reaches W_max at K. */
	KUNIT_EXPECT_GE(test, xtcp_cubic_w(100, k, 0), 70U);
	KUNIT_EXPECT_LE(test, xtcp_cubic_w(100, k, 0), 71U);
	KUNIT_EXPECT_EQ(test, xtcp_cubic_w(100, k, k), 100U);
	/* Concave below K: rising, each half second less than the last. */
	prev = xtcp_cubic_w(100, k, 0);
	for (t = TICKS(500); t <= TICKS(2500); t += TICKS(500)) {
		w = xtcp_cubic_w(100, k, t);
		inc = w - prev;
		KUNIT_EXPECT_GT(test, w, prev);
		KUNIT_EXPECT_LT(test, w, 100U);
		KUNIT_EXPECT_LT(test, inc, prev_inc);
		prev_inc = inc;
		prev = w;
	}
	/* Plateau around W_max: 200 ms either side moves it by nothing. */
	KUNIT_EXPECT_EQ(test, xtcp_cubic_w(100, k, k - TICKS(200)), 100U);
	KUNIT_EXPECT_EQ(test, xtcp_cubic_w(100, k, k + TICKS(200)), 100U);
	/* Convex above K: each second adds more than the one before. */
	prev = 100;
	prev_inc = 0;
	for (t = k + TICKS(2000); t <= k + TICKS(5000); t += TICKS(1000)) {
		w = xtcp_cubic_w(100, k, t);
		inc = w - prev;
		KUNIT_EXPECT_GT(test, inc, prev_inc);
		prev_inc = inc;
		prev = w;
	}
	/* Odd symmetry about (K, W_max): 0.4 * 3^3 = 10.8 segments. */
	KUNIT_EXPECT_EQ(test, xtcp_cubic_w(100, k, k + 3 * 1024), 110U);
	KUNIT_EXPECT_EQ(test, xtcp_cubic_w(100, k, k - 3 * 1024), 90U);
	/* Bounds: never below 0, never above the largest window. */
	KUNIT_EXPECT_EQ(test, xtcp_cubic_w(5, 100000, 0), 0U);
	KUNIT_EXPECT_EQ(test, xtcp_cubic_w(100, k, k + 1000ULL * 1024),
			XTCP_MAX_CWND);
	KUNIT_EXPECT_EQ(test, xtcp_cubic_w(100, 0, U64_MAX), XTCP_MAX_CWND);
	KUNIT_EXPECT_EQ(test, xtcp_cubic_w(XTCP_MAX_CWND, 0, 1024),
			XTCP_MAX_CWND);
}

static void xtcp_cubic_beta__and_fast_convergence(struct kunit *test)
{
	/* ssthresh = 0.7 of the flight, at least 2 (RFC 9438 4.6). */
	KUNIT_EXPECT_EQ(test, xtcp_cubic_ssthresh_of(100), 70U);
	KUNIT_EXPECT_EQ(test, xtcp_cubic_ssthresh_of(10), 7U);
	KUNIT_EXPECT_EQ(test, xtcp_cubic_ssthresh_of(6), 4U);
	KUNIT_EXPECT_EQ(test, xtcp_cubic_ssthresh_of(3), 2U);
	KUNIT_EXPECT_EQ(test, xtcp_cubic_ssthresh_of(0), 2U);
	KUNIT_EXPECT_EQ(test, xtcp_cubic_ssthresh_of(U32_MAX), 3006477106U);
	/* Less than Reno's halving. */
	KUNIT_EXPECT_GT(test, xtcp_cubic_ssthresh_of(100),
			xtcp_reno_ssthresh_of(100));
	/* Fast convergence (4.7): below the last W_max, 0.85 of cwnd. */
	KUNIT_EXPECT_EQ(test, xtcp_cubic_w_max_of(100, 0), 100U);
	KUNIT_EXPECT_EQ(test, xtcp_cubic_w_max_of(100, 100), 100U);
	KUNIT_EXPECT_EQ(test, xtcp_cubic_w_max_of(120, 100), 120U);
	KUNIT_EXPECT_EQ(test, xtcp_cubic_w_max_of(80, 100), 68U);
	KUNIT_EXPECT_EQ(test, xtcp_cubic_w_max_of(XTCP_MAX_CWND, U32_MAX),
			55704U);
}

/* One round trip of single-segment ACKs at @now_us. */
static void ack_window(struct xtcp_cubic *ca, u32 *cwnd, u32 *cnt,
		       u32 ssthresh, u64 now_us, u32 rtt_us)
{
	u32 i, n = *cwnd;

	for (i = 0; i < n; i++)
		xtcp_cubic_grow(ca, cwnd, cnt, ssthresh, 1, now_us, rtt_us);
}

static void xtcp_cubic_grow__epoch_follows_curve(struct kunit *test)
{
	struct xtcp_cubic ca;
	u32 cwnd = 70, cnt = 0, rtt = 100 * MS, w;
	u64 now = 1000 * MS, start = now;

	/* 100 ms RTT after a loss at 100: the cubic curve dominates. */
	xtcp_cubic_reset(&ca);
	ca.w_max = 100;
	while (now - start < 10000 * MS) {
		ack_window(&ca, &cwnd, &cnt, 70, now, rtt);
		now += rtt;
		if (now - start == 2000 * MS) {
			/* concave half: near the curve, below W_max */
			KUNIT_EXPECT_LT(test, cwnd, 100U);
			w = xtcp_cubic_w(100, ca.k, TICKS((now - start) / MS));
			KUNIT_EXPECT_GE(test, cwnd + 3, w);
		}
	}
	KUNIT_EXPECT_EQ(test, ca.epochs, 1U);
	KUNIT_EXPECT_EQ(test, ca.k, 4318U);
	/* 10 s: t - K = 5.8 s, W_cubic = 100 + 0.4 * 5.8^3 = 178. */
	KUNIT_EXPECT_GE(test, cwnd, 170U);
	KUNIT_EXPECT_LE(test, cwnd, 186U);
	/* W_est (alpha 9/17 up to W_max, then 1 per RTT) is below it. */
	KUNIT_EXPECT_LT(test, ca.w_est, cwnd);
}

static void xtcp_cubic_grow__reno_friendly(struct kunit *test)
{
	struct xtcp_cubic ca;
	u32 cwnd = 70, cnt = 0, rtt = 1 * MS, i;
	u64 now = 1000 * MS;

	/* 1 ms RTT: in 40 RTTs W_cubic barely moves (70 -> 71) but a Reno
	 * flow with beta 0.7 would gain 40 * 9/17 = 21 segments: CUBIC
	 * follows W_est (RFC 9438 4.3).
	 */
	xtcp_cubic_reset(&ca);
	ca.w_max = 100;
	for (i = 0; i < 40; i++) {
		ack_window(&ca, &cwnd, &cnt, 70, now, rtt);
		now += rtt;
	}
	KUNIT_EXPECT_LE(test, xtcp_cubic_w(ca.origin, ca.k, TICKS(41)), 71U);
	KUNIT_EXPECT_GE(test, ca.w_est, 88U);
	KUNIT_EXPECT_LE(test, ca.w_est, 93U);
	KUNIT_EXPECT_GE(test, cwnd + 2, ca.w_est);
	KUNIT_EXPECT_LE(test, cwnd, ca.w_est + 1);

	/* Past W_max, alpha is 1: a segment per RTT, as Reno. */
	for (i = 0; i < 40; i++) {
		ack_window(&ca, &cwnd, &cnt, 70, now, rtt);
		now += rtt;
	}
	KUNIT_EXPECT_GE(test, ca.w_est, 100U);
	i = ca.w_est;
	ack_window(&ca, &cwnd, &cnt, 70, now, rtt);
	KUNIT_EXPECT_EQ(test, ca.w_est, i + 1);
}

static void xtcp_cubic_update__pause_not_counted(struct kunit *test)
{
	struct xtcp_cubic ca, ref;
	u64 t0 = 1000 * MS;

	/* Epoch at t0 (W_max 100, cwnd 70), an update 20 ms later... */
	xtcp_cubic_reset(&ca);
	ca.w_max = 100;
	xtcp_cubic_update(&ca, 70, 1, t0, 20 * MS);
	xtcp_cubic_update(&ca, 70, 1, t0 + 20 * MS, 20 * MS);
	ref = ca;
	/* ...then nothing for 10 s: the curve resumes 20 ms in, still
	 * far below W_max, instead of 10 s in, far above it.
	 */
	KUNIT_EXPECT_EQ(test, xtcp_cubic_update(&ca, 70, 1, t0 + 10020 * MS,
						20 * MS),
			xtcp_cubic_update(&ref, 70, 1, t0 + 20 * MS, 20 * MS));
	KUNIT_EXPECT_EQ(test, ca.epoch_start, t0 + 10000 * MS);
	KUNIT_EXPECT_GT(test, ca.cnt, 10U);
	/* Gaps of up to two RTTs are ordinary ACK spacing. */
	xtcp_cubic_update(&ca, 70, 1, t0 + 10060 * MS, 20 * MS);
	KUNIT_EXPECT_EQ(test, ca.epoch_start, t0 + 10000 * MS);
	xtcp_cubic_update(&ca, 70, 1, t0 + 10109 * MS, 20 * MS);
	KUNIT_EXPECT_EQ(test, ca.epoch_start, t0 + 10049 * MS);
}

static void xtcp_cubic_grow__slow_start_and_cap(struct kunit *test)
{
	struct xtcp_cubic ca;
	u32 cwnd = 10, cnt = 0;

	xtcp_cubic_reset(&ca);
	/* Below ssthresh: one segment per segment, no epoch yet. */
	xtcp_cubic_grow(&ca, &cwnd, &cnt, 100, 5, 1000 * MS, 10 * MS);
	KUNIT_EXPECT_EQ(test, cwnd, 15U);
	KUNIT_EXPECT_EQ(test, ca.epochs, 0U);
	/* Crossing ssthresh: the rest starts the epoch at cwnd = 20. */
	xtcp_cubic_grow(&ca, &cwnd, &cnt, 20, 8, 1000 * MS, 10 * MS);
	KUNIT_EXPECT_EQ(test, ca.epochs, 1U);
	KUNIT_EXPECT_EQ(test, ca.origin, 20U);
	KUNIT_EXPECT_EQ(test, ca.k, 0U);
	/* Growth at most 1.5 cwnd per RTT however far the curve is. */
	cwnd = 1000;
	cnt = 0;
	ca.epoch_start = 1;
	ca.last_us = 1000000 * MS;	/* updated all along */
	xtcp_cubic_grow(&ca, &cwnd, &cnt, 20, 1000, 1000000 * MS, 10 * MS);
	KUNIT_EXPECT_EQ(test, cwnd, 1500U);
	/* And never above the cap. */
	cwnd = XTCP_MAX_CWND - 1;
	xtcp_cubic_grow(&ca, &cwnd, &cnt, 20, XTCP_MAX_CWND, 1000000 * MS,
			10 * MS);
	KUNIT_EXPECT_EQ(test, cwnd, XTCP_MAX_CWND);
}

/*
 * One HyStart++ round: @n ACKs with RTT @rtt_ms, the first crossing the end
 * of the previous round. Returns the first event that is not NONE.
 */
static int hs_round(struct xtcp_cubic *ca, u32 *seq, u32 *cwnd, u32 *ssthresh,
		    int n, u32 rtt_ms)
{
	int i, ev, first = XTCP_HS_EV_NONE;

	for (i = 0; i < n; i++) {
		*seq += 1000;
		ev = xtcp_hystart_ack(ca, *seq, *seq + 20000, rtt_ms * MS, *cwnd,
				      ssthresh);
		if (ev && !first)
			first = ev;
		if (ca->hs_state == XTCP_HS_CSS)
			xtcp_cubic_grow(ca, cwnd, &(u32){0}, *ssthresh, 1, 0, 0);
		else if (*cwnd < *ssthresh)
			xtcp_slow_start(cwnd, *ssthresh, 1);
	}
	/* the next ACK ends the round */
	*seq += 20000;
	return first;
}

static void xtcp_hystart__delay_increase_exits(struct kunit *test)
{
	struct xtcp_cubic ca;
	u32 seq = 0, cwnd = 20, ssthresh = XTCP_MAX_CWND, css_cwnd;
	int i;

	xtcp_cubic_reset(&ca);
	ca.hs_state = XTCP_HS_SS;
	/* Two rounds at 20 ms: no rise. */
	KUNIT_EXPECT_EQ(test, hs_round(&ca, &seq, &cwnd, &ssthresh, 10, 20), 0);
	KUNIT_EXPECT_EQ(test, hs_round(&ca, &seq, &cwnd, &ssthresh, 10, 20), 0);
	/* 23 ms: below 20 + max(20/8, 4) = 24 ms. */
	KUNIT_EXPECT_EQ(test, hs_round(&ca, &seq, &cwnd, &ssthresh, 10, 23), 0);
	KUNIT_EXPECT_EQ(test, ca.hs_state, XTCP_HS_SS);
	/* Fewer than 8 samples decide nothing, even at 100 ms. */
	KUNIT_EXPECT_EQ(test, hs_round(&ca, &seq, &cwnd, &ssthresh, 7, 100), 0);
	KUNIT_EXPECT_EQ(test, hs_round(&ca, &seq, &cwnd, &ssthresh, 10, 23), 0);
	/* 28 ms after 23: +5 >= 4 ms: conservative slow start. */
	KUNIT_EXPECT_EQ(test, hs_round(&ca, &seq, &cwnd, &ssthresh, 10, 28),
			XTCP_HS_EV_CSS);
	KUNIT_EXPECT_EQ(test, ca.hs_state, XTCP_HS_CSS);
	KUNIT_EXPECT_EQ(test, ca.hs_css_base, 28000U);
	KUNIT_EXPECT_EQ(test, ssthresh, XTCP_MAX_CWND);
	css_cwnd = cwnd;
	/* CSS grows a quarter as fast: 10 ACKs, 2 or 3 segments. */
	KUNIT_EXPECT_EQ(test, hs_round(&ca, &seq, &cwnd, &ssthresh, 10, 28), 0);
	KUNIT_EXPECT_LE(test, cwnd - css_cwnd, 3U);
	/* Five CSS rounds, then slow start is over: ssthresh = cwnd. */
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test,
				hs_round(&ca, &seq, &cwnd, &ssthresh, 10, 28), 0);
	KUNIT_EXPECT_EQ(test, hs_round(&ca, &seq, &cwnd, &ssthresh, 10, 28),
			XTCP_HS_EV_EXIT);
	KUNIT_EXPECT_EQ(test, ca.hs_state, XTCP_HS_DONE);
	KUNIT_EXPECT_EQ(test, ssthresh, cwnd);
	KUNIT_EXPECT_GE(test, cwnd, css_cwnd);
	KUNIT_EXPECT_LT(test, cwnd, css_cwnd + 15);
	/* Done: nothing more. */
	KUNIT_EXPECT_EQ(test, hs_round(&ca, &seq, &cwnd, &ssthresh, 10, 500), 0);
}

static void xtcp_hystart__spurious_and_thresholds(struct kunit *test)
{
	struct xtcp_cubic ca;
	u32 seq = 0, cwnd = 20, ssthresh = XTCP_MAX_CWND;

	xtcp_cubic_reset(&ca);
	ca.hs_state = XTCP_HS_SS;
	hs_round(&ca, &seq, &cwnd, &ssthresh, 10, 200);
	/* 200 ms: the threshold is 16 ms at most, not 25. */
	KUNIT_EXPECT_EQ(test, hs_round(&ca, &seq, &cwnd, &ssthresh, 10, 215), 0);
	KUNIT_EXPECT_EQ(test, hs_round(&ca, &seq, &cwnd, &ssthresh, 10, 231),
			XTCP_HS_EV_CSS);
	/* The RTT falls below the CSS baseline: back to slow start. */
	KUNIT_EXPECT_EQ(test, hs_round(&ca, &seq, &cwnd, &ssthresh, 10, 220),
			XTCP_HS_EV_SPURIOUS);
	KUNIT_EXPECT_EQ(test, ca.hs_state, XTCP_HS_SS);
	KUNIT_EXPECT_EQ(test, ssthresh, XTCP_MAX_CWND);
	/* Off: nothing happens. */
	ca.hs_state = XTCP_HS_OFF;
	KUNIT_EXPECT_EQ(test, hs_round(&ca, &seq, &cwnd, &ssthresh, 10, 900), 0);
	KUNIT_EXPECT_EQ(test, hs_round(&ca, &seq, &cwnd, &ssthresh, 10, 900), 0);
	/* No RTT sample (Karn): only the round bookkeeping. */
	ca.hs_state = XTCP_HS_SS;
	KUNIT_EXPECT_EQ(test, xtcp_hystart_ack(&ca, seq, seq, -1, cwnd,
					       &ssthresh), 0);
}

static struct kunit_case xtcp_cubic_cases[] = {
	KUNIT_CASE(xtcp_cbrt__exact_and_floor),
	KUNIT_CASE(xtcp_cubic_k__values),
	KUNIT_CASE(xtcp_cubic_w__concave_then_convex),
	KUNIT_CASE(xtcp_cubic_beta__and_fast_convergence),
	KUNIT_CASE(xtcp_cubic_grow__epoch_follows_curve),
	KUNIT_CASE(xtcp_cubic_grow__reno_friendly),
	KUNIT_CASE(xtcp_cubic_update__pause_not_counted),
	KUNIT_CASE(xtcp_cubic_grow__slow_start_and_cap),
	KUNIT_CASE(xtcp_hystart__delay_increase_exits),
	KUNIT_CASE(xtcp_hystart__spurious_and_thresholds),
	{}
};

static struct kunit_suite xtcp_cubic_suite = {
	.name = "xtcp_cubic",
	.test_cases = xtcp_cubic_cases,
};

kunit_test_suites(&xtcp_cubic_suite);
