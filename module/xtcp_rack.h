/* SPDX-License-Identifier: GPL-2.0 */
/*
 * XTCP RACK-TLP (RFC 8985): time-based loss detection and tail loss
 * probes. The state a connection keeps and the hooks the input, output
 * and timer paths call; the mechanism is in xtcp_rack.c.
 */
#ifndef _XTCP_RACK_H
#define _XTCP_RACK_H

#include <linux/types.h>
#include <linux/win_minmax.h>

struct sock;
struct sk_buff;

/* net.xtcp.recovery bits, as net.ipv4.tcp_recovery's. */
#define XTCP_RACK_LOSS_DETECTION	BIT(0)	/* RACK-TLP on (SACK only) */
#define XTCP_RACK_STATIC_REO_WND	BIT(1)	/* no DSACK adaptation */
#define XTCP_RACK_NO_DUPTHRESH		BIT(2)	/* keep reo_wnd at 3 SACKs */

#define XTCP_RACK_REO_PERSIST		16	/* RFC 8985 6.2 step 4 */
#define XTCP_RACK_TIMER_SLACK_US	1000	/* added to a reorder timeout */
#define XTCP_TLP_WCDELACK_US		(200 * USEC_PER_MSEC)	/* WCDelAckT */
#define XTCP_TLP_MIN_US			(10 * USEC_PER_MSEC)	/* PTO floor */
#define XTCP_TLP_INIT_US		(1 * USEC_PER_SEC)	/* no SRTT yet */

/**
 * struct xtcp_rack - a connection's RACK-TLP state (RFC 8985 5.2, 6, 7)
 * @xmit_us: RACK.xmit_ts: when the most recently sent of the delivered
 *	segments was (last) sent, tx_us clock
 * @end_seq: RACK.end_seq: that segment's end
 * @rtt_us: RACK.rtt: the RTT of the most recently delivered segment
 * @min_rtt_us: RACK.min_RTT: the minimum of @min_rtt_win, 0 if none
 * @fack: RACK.fack: the highest end_seq delivered (reordering detection)
 * @dsack_round: RACK.dsack_round: snd_nxt when reo_wnd last grew
 * @tlp_high_seq: snd_nxt when the outstanding loss probe was sent
 * @reo_wnd_mult: RACK.reo_wnd_mult, in min_RTT/4 steps
 * @reo_wnd_persist: RACK.reo_wnd_persist: recoveries the mult lives
 * @valid: @xmit_us, @end_seq and @rtt_us hold a delivered segment
 * @fack_ok: @fack holds a delivered segment's end
 * @advanced: a segment was delivered since the last loss detection
 * @reord_seen: RACK.reordering_seen: a segment was delivered below @fack
 *	without having been retransmitted
 * @dsack_round_on: @dsack_round is set
 * @ack_dsack: the ACK being processed carried a valid DSACK
 * @tlp_out: a loss probe is outstanding (RFC 8985 7.3 TLP.end_seq set)
 * @tlp_retrans: that probe was a retransmission (TLP.is_retrans)
 * @min_rtt_win: the RTT samples of the last net.xtcp.min_rtt_wlen seconds,
 *	as tcp_sock.rtt_min: a windowed minimum (lib/win_minmax.c) kept as
 *	a maximum of complemented values, minmax_running_max() being the
 *	helper the kernel exports
 */
struct xtcp_rack {
	u32 xmit_us;
	u32 end_seq;
	u32 rtt_us;
	u32 min_rtt_us;
	u32 fack;
	u32 dsack_round;
	u32 tlp_high_seq;
	u8 reo_wnd_mult;
	u8 reo_wnd_persist;
	u8 valid:1,
	   fack_ok:1,
	   advanced:1,
	   reord_seen:1,
	   dsack_round_on:1,
	   ack_dsack:1,
	   tlp_out:1,
	   tlp_retrans:1;
	struct minmax min_rtt_win;
};

/* Pure arithmetic (KUnit). */
bool xtcp_rack_sent_after(u32 t1, u32 seq1, u32 t2, u32 seq2);
u32 xtcp_rack_reo_wnd_of(u32 min_rtt_us, u32 srtt_us, u8 mult,
			 bool reord_seen, bool recovering, u32 sacked_out,
			 int sysctl);
s32 xtcp_rack_remaining(u32 now_us, u32 tx_us, u32 rtt_us, u32 reo_wnd_us);
void xtcp_rack_reo_adapt(struct xtcp_rack *r, bool dsack, bool exited,
			 u32 snd_una, u32 snd_nxt);
u32 xtcp_tlp_pto_us(u32 srtt_us, u32 packets_out, u32 rto_left_us);
u32 xtcp_min_rtt_update(struct minmax *m, u32 win, u32 now, u32 rtt_us);

/* Hooks. */
void xtcp_rack_init(struct sock *sk);
bool xtcp_rack_enabled(const struct sock *sk);
void xtcp_min_rtt_sample(struct sock *sk, u32 rtt_us);
void xtcp_rack_advance(struct sock *sk, const struct sk_buff *skb);
void xtcp_rack_on_ack(struct sock *sk, bool exited_recovery);
void xtcp_rack_reo_timeout(struct sock *sk);
void xtcp_rack_set_xmit_timer(struct sock *sk);
void xtcp_rack_on_send(struct sock *sk);
void xtcp_rack_on_rto(struct sock *sk);
void xtcp_tlp_fire(struct sock *sk);
void xtcp_tlp_ack(struct sock *sk, u32 ack, bool advanced, bool dupack,
		  bool sacked);

#endif /* _XTCP_RACK_H */
