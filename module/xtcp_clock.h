/* SPDX-License-Identifier: GPL-2.0 */
/*
 * XTCP connection clock, as TCP's tcp_mstamp: CLOCK_MONOTONIC read once
 * where work on a locked socket begins, and that one reading used by all
 * the work. A segment's processing stamps, compares and arms its timers
 * against the same "now"; reading the clock source each time cost a dozen
 * reads per segment (under emulation, where the HPET is the clock source,
 * a device access each).
 *
 * xtcp_clock_refresh() is called:
 * - for each segment a full socket processes (xtcp_rcv_state_process());
 * - when data may be sent (xtcp_write_xmit()) or resent
 *   (xtcp_retransmit_skb());
 * - when a timer's work runs, in the hrtimer or from release_sock();
 * - for the reader's buffer tuning (xtcp_rcvbuf_adjust());
 * - for a new child (xtcp_child_init()) and an active open's first SYN.
 * A value is stored or sent (a send time, TSval, a deadline) only from
 * the cache, so every "now - then" taken from it is >= 0; code outside
 * these paths that reads the clock itself (TCP_INFO, diag) only compares
 * a fresh reading with stored ones.
 */
#ifndef _XTCP_CLOCK_H
#define _XTCP_CLOCK_H

#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/timekeeping.h>

/**
 * xtcp_clock_refresh() - read the clock for the work about to be done
 * @xs: the socket, locked
 *
 * Return: the new reading, in nanoseconds.
 */
static inline u64 xtcp_clock_refresh(struct xtcp_sock *xs)
{
	xs->clock_ns = ktime_get_ns();
	return xs->clock_ns;
}

/* The last reading, ns; us; ms truncated to 32 bits (the TSval clock,
 * xtcp_ts_clock()'s).
 */
static inline u64 xtcp_clock_ns(const struct xtcp_sock *xs)
{
	return xs->clock_ns;
}

static inline u64 xtcp_clock_us(const struct xtcp_sock *xs)
{
	return div_u64(xs->clock_ns, NSEC_PER_USEC);
}

static inline u32 xtcp_clock_ms(const struct xtcp_sock *xs)
{
	return (u32)div_u64(xs->clock_ns, NSEC_PER_MSEC);
}

#endif /* _XTCP_CLOCK_H */
