/* SPDX-License-Identifier: GPL-2.0 */
/*
 * XTCP congestion control interface. The loss-recovery machinery (fast
 * retransmit, NewReno recovery, RTO) lives in the input path and the
 * timers; an algorithm only says how the window grows and where ssthresh
 * goes after a loss.
 */
#ifndef _XTCP_CONG_H
#define _XTCP_CONG_H

#include <linux/types.h>

struct sock;
struct xtcp_cc_info;

/**
 * struct xtcp_cong_ops - a congestion-control algorithm
 * @name: algorithm name, shorter than XTCP_CA_NAME_MAX
 * @init: optional: set up the private state (xtcp_cong_priv(), zeroed) of a
 *	new connection, or of a connection that switched to this algorithm;
 *	cwnd and ssthresh are the caller's
 * @cong_avoid: grow cwnd for @acked newly acknowledged segments, outside
 *	recovery
 * @ssthresh: the slow-start threshold after a loss, in segments
 * @pkts_acked: optional: @acked segments newly acknowledged with an RTT
 *	sample @rtt_us (-1: none, Karn), before cong_avoid or recovery
 * @set_state: optional: the socket enters @ca_state (enum xtcp_ca_state)
 * @undo: optional: a window reduction was undone (xtcp_cong_undo()); cwnd
 *	and ssthresh are restored already
 * @get_info: optional: the algorithm's part of XTCP_CC_INFO
 */
struct xtcp_cong_ops {
	const char *name;
	void (*init)(struct sock *sk);
	void (*cong_avoid)(struct sock *sk, u32 acked);
	u32 (*ssthresh)(struct sock *sk);
	void (*pkts_acked)(struct sock *sk, u32 acked, s64 rtt_us);
	void (*set_state)(struct sock *sk, u8 ca_state);
	void (*undo)(struct sock *sk);
	void (*get_info)(struct sock *sk, struct xtcp_cc_info *info);
};

extern const struct xtcp_cong_ops xtcp_reno;
extern const struct xtcp_cong_ops xtcp_cubic;

#define XTCP_MAX_CWND	65535U

/* Reno arithmetic, shared with the KUnit tests. */
u32 xtcp_slow_start(u32 *cwnd, u32 ssthresh, u32 acked);
void xtcp_cong_avoid_ai(u32 *cwnd, u32 *cnt, u32 w, u32 acked);
u32 xtcp_reno_grow(u32 *cwnd, u32 *cnt, u32 ssthresh, u32 acked);
u32 xtcp_reno_ssthresh_of(u32 flight);

/*
 * CUBIC (RFC 9438). Time is kept in units of 1/1024 s ("ticks"), so that
 * C * (t - K)^3 with C = 0.4 = 2/5 is integer arithmetic:
 * W_cubic(t) = W_max + 2 * (t - K)^3 / (5 * 2^30) segments.
 */
#define XTCP_CUBIC_HZ_SHIFT	10
#define XTCP_CUBIC_BETA_NUM	7	/* beta_cubic = 0.7 */
#define XTCP_CUBIC_BETA_DEN	10

/* A pause in updates longer than this (and 2 RTT) is not part of t. */
#define XTCP_CUBIC_IDLE_MIN_US	10000U

/* HyStart++ (RFC 9406 4.3), microseconds and rounds. */
#define XTCP_HS_MIN_RTT_THRESH	4000U
#define XTCP_HS_MAX_RTT_THRESH	16000U
#define XTCP_HS_MIN_RTT_DIVISOR	8
#define XTCP_HS_N_RTT_SAMPLE	8
#define XTCP_HS_CSS_GROWTH_DIV	4
#define XTCP_HS_CSS_ROUNDS	5

enum xtcp_hystart_state {
	XTCP_HS_OFF = 0,	/* not in the initial slow start */
	XTCP_HS_SS,		/* slow start, watching the RTT */
	XTCP_HS_CSS,		/* conservative slow start */
	XTCP_HS_DONE,		/* left slow start by HyStart++ */
};

/* What xtcp_hystart_ack() did. */
enum xtcp_hystart_event {
	XTCP_HS_EV_NONE = 0,
	XTCP_HS_EV_CSS,		/* RTT increase: entered CSS */
	XTCP_HS_EV_SPURIOUS,	/* RTT came back: resumed slow start */
	XTCP_HS_EV_EXIT,	/* CSS_ROUNDS done: ssthresh = cwnd */
};

/**
 * struct xtcp_cubic - CUBIC's per-connection state (in xtcp_cong_priv())
 * @epoch_start: when the current congestion-avoidance epoch began,
 *	microseconds (ktime); 0: none yet
 * @last_us: the last update in this epoch, microseconds
 * @w_max: window before the last reduction (after fast convergence),
 *	segments; 0 after a timeout (RFC 9438 4.8)
 * @origin: W_max of the current epoch's curve
 * @k: K of the current epoch, ticks
 * @cnt: segments to acknowledge per cwnd increment
 * @w_est: Reno-friendly estimate (RFC 9438 4.3), segments
 * @est_acc: acknowledged segments times 17 not yet turned into @w_est
 * @epochs: epochs begun
 * @hs_window_end: HyStart++: snd_nxt when the current round began
 * @hs_last_min: minimum RTT of the last round, U32_MAX: none
 * @hs_cur_min: minimum RTT of this round, U32_MAX: none
 * @hs_css_base: cssBaselineMinRtt
 * @hs_cwnd: cwnd when HyStart++ entered CSS (0: never)
 * @hs_state: enum xtcp_hystart_state
 * @hs_samples: RTT samples in this round
 * @hs_css_rounds: rounds spent in CSS
 * @hs_css_acc: acknowledged segments not yet counted in CSS growth
 * @hs_round: a round is being tracked (@hs_window_end valid)
 */
struct xtcp_cubic {
	u64 epoch_start;
	u64 last_us;
	u32 w_max;
	u32 origin;
	u32 k;
	u32 cnt;
	u32 w_est;
	u32 est_acc;
	u32 epochs;
	u32 hs_window_end;
	u32 hs_last_min;
	u32 hs_cur_min;
	u32 hs_css_base;
	u32 hs_cwnd;
	u8 hs_state;
	u8 hs_samples;
	u8 hs_css_rounds;
	u8 hs_css_acc;
	u8 hs_round;
};

u32 xtcp_cbrt(u64 x);
u32 xtcp_cubic_k(u32 w_max, u32 cwnd_epoch);
u32 xtcp_cubic_w(u32 w_max, u32 k, u64 t);
u32 xtcp_cubic_ssthresh_of(u32 flight);
u32 xtcp_cubic_w_max_of(u32 cwnd, u32 w_max);
void xtcp_cubic_reset(struct xtcp_cubic *ca);
u32 xtcp_cubic_update(struct xtcp_cubic *ca, u32 cwnd, u32 acked, u64 now_us,
		      u32 rtt_us);
void xtcp_cubic_grow(struct xtcp_cubic *ca, u32 *cwnd, u32 *cnt, u32 ssthresh,
		     u32 acked, u64 now_us, u32 rtt_us);
int xtcp_hystart_ack(struct xtcp_cubic *ca, u32 snd_una, u32 snd_nxt,
		     s64 rtt_us, u32 cwnd, u32 *ssthresh);

#endif /* _XTCP_CONG_H */
