/* SPDX-License-Identifier: GPL-2.0 */
/*
 * XTCP sequence-number arithmetic (RFC 9293 3.4): 32-bit numbers compared
 * modulo 2^32, valid while the two numbers are less than 2^31 apart.
 */
#ifndef _XTCP_SEQ_H
#define _XTCP_SEQ_H

#include <linux/types.h>

/* True if @a comes before @b in sequence space. */
static inline bool xtcp_seq_before(u32 a, u32 b)
{
	return (s32)(a - b) < 0;
}

/* True if @a comes after @b in sequence space. */
static inline bool xtcp_seq_after(u32 a, u32 b)
{
	return xtcp_seq_before(b, a);
}

/* True if @a is in the closed interval [@lo, @hi]. */
static inline bool xtcp_seq_between(u32 a, u32 lo, u32 hi)
{
	return hi - lo >= a - lo;
}

/* The later of two sequence numbers. */
static inline u32 xtcp_seq_max(u32 a, u32 b)
{
	return xtcp_seq_after(a, b) ? a : b;
}

/* The earlier of two sequence numbers. */
static inline u32 xtcp_seq_min(u32 a, u32 b)
{
	return xtcp_seq_before(a, b) ? a : b;
}

/*
 * RFC 9293 3.10.7.4, the acceptability test: does a segment occupying
 * [@seq, @end_seq) overlap the receive window [@rcv_nxt, @rcv_nxt + @wnd)?
 * A zero-length segment is acceptable at rcv_nxt even with a zero window.
 */
static inline bool xtcp_seq_acceptable(u32 seq, u32 end_seq, u32 rcv_nxt,
				       u32 wnd)
{
	if (seq == end_seq) {
		if (wnd == 0)
			return seq == rcv_nxt;
		return !xtcp_seq_before(seq, rcv_nxt) &&
		       xtcp_seq_before(seq, rcv_nxt + wnd);
	}
	if (wnd == 0)
		return false;
	/* Some byte of the segment falls inside the window. */
	return xtcp_seq_before(seq, rcv_nxt + wnd) &&
	       xtcp_seq_after(end_seq, rcv_nxt);
}

#endif /* _XTCP_SEQ_H */
