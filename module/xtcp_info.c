// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP connection state in TCP's struct tcp_info, for the tools that
 * already read it: inet_diag's INET_DIAG_INFO (xtcp_diag.c, so ss-style
 * tools decode XTCP like TCP) and, later, getsockopt(TCP_INFO). Fields XTCP
 * has no notion of stay zero. XTCP's own XTCP_INFO is in xtcp_sockopt.c.
 */
#include <linux/tcp.h>

#include "xtcp.h"

static u64 xtcp_pacing_rate_u64(unsigned long rate)
{
	return rate == ~0UL ? ~0ULL : rate;
}

/**
 * xtcp_get_tcp_info() - fill a struct tcp_info from an XTCP socket
 * @sk: a full XTCP socket (any state but a minisock)
 * @info: filled; zeroed first
 *
 * Takes the socket lock the fast way for a consistent snapshot, as
 * tcp_get_info() does, so callers must not hold it: inet_diag calls this
 * from process context with a reference held.
 */
void xtcp_get_tcp_info(struct sock *sk, struct tcp_info *info)
{
	const struct inet_connection_sock *icsk = inet_csk(sk);
	struct xtcp_sock *xs = xtcp_sk(sk);
	u64 now = ktime_get_ns();
	bool slow;

	memset(info, 0, sizeof(*info));
	info->tcpi_state = inet_sk_state_load(sk);
	if (info->tcpi_state == TCP_LISTEN) {
		/* As TCP: the accept queue and its limit, nothing else. */
		info->tcpi_unacked = READ_ONCE(sk->sk_ack_backlog);
		info->tcpi_sacked = READ_ONCE(sk->sk_max_ack_backlog);
		return;
	}

	slow = lock_sock_fast(sk);
	info->tcpi_ca_state = xs->ca_state;
	info->tcpi_retransmits = xs->backoff;
	info->tcpi_probes = xs->probes_out;
	info->tcpi_backoff = xs->backoff;
	info->tcpi_rto = xtcp_rto_with_backoff(xs);
	info->tcpi_ato = jiffies_to_usecs(icsk->icsk_ack.ato);
	/* The options the handshake agreed (tcp_get_info()). */
	if (xs->tstamp_ok)
		info->tcpi_options |= TCPI_OPT_TIMESTAMPS;
	if (xs->sack_ok)
		info->tcpi_options |= TCPI_OPT_SACK;
	if (xs->wscale_ok) {
		info->tcpi_options |= TCPI_OPT_WSCALE;
		info->tcpi_snd_wscale = xs->snd_wscale;
		info->tcpi_rcv_wscale = xs->rcv_wscale;
	}
	info->tcpi_snd_mss = xs->mss_cache;
	info->tcpi_rcv_mss = xs->rx_mss ? xs->rx_mss : xs->advmss;
	info->tcpi_advmss = xs->advmss;
	info->tcpi_pmtu = icsk->icsk_pmtu_cookie;
	info->tcpi_unacked = xs->packets_out;
	info->tcpi_rtt = xs->rtt.srtt;
	info->tcpi_rttvar = xs->rtt.rttvar;
	/* As tcp_min_rtt(): ~0U before any sample. */
	info->tcpi_min_rtt = xs->rack.min_rtt_us ? : ~0U;
	info->tcpi_snd_ssthresh = xs->snd_ssthresh;
	info->tcpi_snd_cwnd = xs->snd_cwnd;
	info->tcpi_reordering = 3;
	info->tcpi_rcv_space = xs->rcv_wnd;
	info->tcpi_total_retrans = xs->total_retrans;
	info->tcpi_bytes_acked = xs->bytes_acked;
	info->tcpi_bytes_received = xs->bytes_received;
	info->tcpi_segs_out = xs->segs_out;
	info->tcpi_segs_in = xs->segs_in;
	info->tcpi_snd_wnd = xs->snd_wnd;
	info->tcpi_notsent_bytes = xs->write_seq - xs->snd_nxt;
	/* As tcp_get_info(): ~0UL, no limit, reads as ~0ULL. */
	info->tcpi_pacing_rate = xtcp_pacing_rate_u64(READ_ONCE(sk->sk_pacing_rate));
	info->tcpi_max_pacing_rate =
		xtcp_pacing_rate_u64(READ_ONCE(sk->sk_max_pacing_rate));
	if (xs->last_rcv_ns && now > xs->last_rcv_ns)
		info->tcpi_last_ack_recv =
			div_u64(now - xs->last_rcv_ns, NSEC_PER_MSEC);
	unlock_sock_fast(sk, slow);
}
EXPORT_SYMBOL_GPL(xtcp_get_tcp_info);
