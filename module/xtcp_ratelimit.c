// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP rate limits on the segments sent in reply to what arrives (RFC 5961
 * section 7): challenge ACKs, ACKs to out-of-window or otherwise invalid
 * segments, TIME_WAIT and FIN_WAIT2 re-ACKs, and SYN-ACKs to duplicate SYNs.
 * Without them two desynchronised ends ACK each other at line rate for
 * ever, and a spoofer gets one reflected segment per segment sent.
 *
 * Two limits, as the kernel's TCP has them:
 * - per socket (full, request or timewait): at most one such reply per
 *   net.xtcp.invalid_ratelimit_ms (tcp_oow_rate_limited());
 * - per namespace, for challenge ACKs: net.xtcp.challenge_ack_limit per
 *   second, the budget of each second drawn at random in
 *   [limit/2, 3*limit/2) so that the count left cannot be used as a side
 *   channel to infer sequence numbers (tcp_send_challenge_ack(),
 *   CVE-2016-5696).
 *
 * The state is written without locks (READ_ONCE/WRITE_ONCE): a lost update
 * lets one reply more or less through, which does not matter.
 */
#define pr_fmt(fmt) "xtcp: " fmt

#include <linux/jiffies.h>
#include <linux/random.h>

#include "xtcp.h"

/**
 * xtcp_rate_limited() - may a socket send one more reply to an invalid segment?
 * @net: the namespace
 * @mib: the counter of skipped replies (XTCP_MIB_ACKSKIPPED*)
 * @last: the socket's stamp (jiffies) of its last such reply, 0 if none
 *
 * At most one reply per net.xtcp.invalid_ratelimit_ms (0: no limit), as
 * __tcp_oow_rate_limited(). Updates @last when the reply may go.
 *
 * Return: true if the reply must not be sent (counted in @mib).
 */
bool xtcp_rate_limited(struct net *net, int mib, u32 *last)
{
	u32 val = READ_ONCE(*last);
	u32 now = jiffies;

	if (val) {
		u32 limit = msecs_to_jiffies(READ_ONCE(xtcp_pernet(net)->invalid_ratelimit_ms));
		s32 elapsed = (s32)(now - val);

		if (elapsed >= 0 && elapsed < limit) {
			XTCP_INC_STATS(net, mib);
			return true;
		}
	}
	WRITE_ONCE(*last, now ? : 1);
	return false;
}

/**
 * xtcp_oow_rate_limited() - may an ACK answer this invalid segment?
 * @net: the namespace
 * @skb: the segment that would be answered
 * @mib: the counter of skipped ACKs (XTCP_MIB_ACKSKIPPED*)
 * @last: the socket's stamp of its last such reply
 *
 * A segment carrying data or a FIN and no SYN is not part of an ACK loop
 * (each costs the sender a byte of sequence space) and is always answered,
 * as tcp_oow_rate_limited() does; bare ACKs, RSTs and SYNs are limited.
 *
 * Return: true if the reply must not be sent (counted in @mib).
 */
bool xtcp_oow_rate_limited(struct net *net, const struct sk_buff *skb,
			   int mib, u32 *last)
{
	const struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);

	if (cb->seq != cb->end_seq && !(cb->flags & XTCP_FLAG_SYN))
		return false;
	return xtcp_rate_limited(net, mib, last);
}

/**
 * xtcp_challenge_ack_allowed() - may @sk send a challenge ACK now?
 * @sk: the connection, locked
 *
 * Applies the per-socket limit, then the namespace's randomised budget
 * (RFC 5961 section 7). Counts ChallengeAcks when allowed.
 *
 * Return: true if the challenge ACK may be sent.
 */
bool xtcp_challenge_ack_allowed(struct sock *sk)
{
	struct net *net = sock_net(sk);
	struct xtcp_net *xn = xtcp_pernet(net);
	u32 limit, now, count;

	if (xtcp_rate_limited(net, XTCP_MIB_ACKSKIPPEDCHALLENGE,
			      &xtcp_sk(sk)->last_oow_ack))
		return false;

	limit = READ_ONCE(xn->challenge_ack_limit);
	if (limit == INT_MAX)
		goto allow;

	now = jiffies / HZ;
	if (now != READ_ONCE(xn->challenge_stamp)) {
		u32 half = (limit + 1) >> 1;

		WRITE_ONCE(xn->challenge_stamp, now);
		WRITE_ONCE(xn->challenge_count,
			   limit ? get_random_u32_inclusive(half, limit + half - 1) : 0);
	}
	count = READ_ONCE(xn->challenge_count);
	if (!count) {
		XTCP_INC_STATS(net, XTCP_MIB_CHALLENGEACKLIMITED);
		return false;
	}
	WRITE_ONCE(xn->challenge_count, count - 1);
allow:
	XTCP_INC_STATS(net, XTCP_MIB_CHALLENGEACKS);
	return true;
}
