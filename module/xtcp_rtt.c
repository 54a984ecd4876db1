// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP round-trip time estimation and retransmission timeout (RFC 6298).
 * Pure arithmetic on struct xtcp_rtt; the caller applies Karn's rule by
 * never sampling a retransmitted segment.
 */
#include "xtcp.h"

/**
 * xtcp_rtt_init() - reset an estimator to "no sample yet" (RFC 6298 2.1)
 * @rtt: the estimator
 */
void xtcp_rtt_init(struct xtcp_rtt *rtt)
{
	rtt->srtt = 0;
	rtt->rttvar = 0;
	rtt->rto = XTCP_RTO_INIT_US;
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_rtt_init);

/**
 * xtcp_rtt_sample() - fold one RTT measurement into the estimator
 * @rtt: the estimator
 * @sample_us: measured round trip, microseconds (0 is taken as 1)
 * @rto_min_us: lower bound for the RTO
 * @rto_max_us: upper bound for the RTO
 *
 * First sample: SRTT = R, RTTVAR = R/2 (RFC 6298 2.2). Later samples:
 * RTTVAR = 3/4 RTTVAR + 1/4 |SRTT - R|, SRTT = 7/8 SRTT + 1/8 R (2.3).
 * RTO = SRTT + max(G, 4 RTTVAR), clamped to [rto_min_us, rto_max_us]
 * (2.4, with a 1 ms clock granularity G).
 */
void xtcp_rtt_sample(struct xtcp_rtt *rtt, u32 sample_us, u32 rto_min_us,
		     u32 rto_max_us)
{
	u64 rto;

	if (!sample_us)
		sample_us = 1;

	if (!rtt->srtt) {
		rtt->srtt = sample_us;
		rtt->rttvar = sample_us / 2;
	} else {
		u32 delta = rtt->srtt > sample_us ? rtt->srtt - sample_us :
						    sample_us - rtt->srtt;

		rtt->rttvar = rtt->rttvar - rtt->rttvar / 4 + delta / 4;
		rtt->srtt = rtt->srtt - rtt->srtt / 8 + sample_us / 8;
	}

	rto = (u64)rtt->srtt + max_t(u64, USEC_PER_MSEC, 4ULL * rtt->rttvar);
	rtt->rto = clamp_t(u64, rto, rto_min_us, rto_max_us);
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_rtt_sample);

/**
 * xtcp_rto_backoff() - the RTO after @backoff consecutive expirations
 * @rto_us: the estimator's RTO
 * @backoff: number of doublings (RFC 6298 5.5)
 * @rto_max_us: the ceiling
 *
 * Return: min(@rto_us << @backoff, @rto_max_us), without overflow.
 */
u32 xtcp_rto_backoff(u32 rto_us, unsigned int backoff, u32 rto_max_us)
{
	u64 rto = rto_us;

	if (backoff >= 32)
		return rto_max_us;
	rto <<= backoff;
	return rto > rto_max_us ? rto_max_us : (u32)rto;
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_rto_backoff);

/**
 * xtcp_retrans_timeout() - how long @boundary retransmissions take
 * @boundary: retransmissions allowed (syn_retries, retries2)
 * @rto_us: the RTO of the first transmission, before any backoff
 * @rto_max_us: the ceiling of the backed-off RTO
 *
 * The time from the first transmission to the timeout that follows the
 * @boundary-th retransmission, when each timeout doubles the RTO up to
 * @rto_max_us: the sum of min(@rto_us << i, @rto_max_us) for i = 0 ..
 * @boundary, as tcp_model_timeout() computes it. A connection gives up once
 * that much time has passed, whatever the backoff counter, which stops
 * doubling at 31.
 *
 * Return: microseconds; at most 256 * @rto_max_us for the largest sysctl.
 */
u64 xtcp_retrans_timeout(unsigned int boundary, u32 rto_us, u32 rto_max_us)
{
	unsigned int thresh;

	if (!rto_us)
		rto_us = 1;
	if (rto_us >= rto_max_us)
		return ((u64)boundary + 1) * rto_max_us;
	/* The last doubling that stays within the ceiling: rto << thresh. */
	thresh = ilog2(rto_max_us / rto_us);
	if (boundary <= thresh)
		return ((2ULL << boundary) - 1) * rto_us;
	return ((2ULL << thresh) - 1) * rto_us +
	       (u64)(boundary - thresh) * rto_max_us;
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_retrans_timeout);
