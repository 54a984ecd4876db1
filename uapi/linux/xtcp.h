/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * XTCP: an alternate TCP carried under its own IP protocol number.
 *
 * User API. Sockets are opened with socket(AF_XTCP, SOCK_STREAM, 0),
 * socket(AF_INET, SOCK_STREAM, IPPROTO_XTCP) or socket(AF_INET6,
 * SOCK_STREAM, IPPROTO_XTCP) and addressed with plain struct sockaddr_in
 * (sin_family AF_INET; AF_XTCP is accepted too) or struct sockaddr_in6.
 * An AF_XTCP socket is IPv4 until its first sockaddr_in6 or SOL_IPV6
 * option makes it IPv6 (dual-stack unless IPV6_V6ONLY).
 *
 * AF_XTCP and IPPROTO_XTCP are the module's defaults; an operator can move
 * them with the "family" and "ipproto" module parameters, readable from
 * /sys/module/xtcp/parameters/.
 */
#ifndef _UAPI_LINUX_XTCP_H
#define _UAPI_LINUX_XTCP_H

#include <linux/types.h>

/* A socket family number that no Linux kernel has ever registered (SNA). */
#define AF_XTCP		22
#define PF_XTCP		AF_XTCP

/* RFC 3692 experimental protocol number. */
#define IPPROTO_XTCP	253

/* Socket option level: like SOL_TCP, the protocol number. */
#define SOL_XTCP	IPPROTO_XTCP

/* Socket options at SOL_XTCP (numbered like their TCP twins). */
#define XTCP_NODELAY	1	/* int: disable Nagle's algorithm */
#define XTCP_MAXSEG	2	/* int: clamp the MSS (read: the current MSS) */
#define XTCP_KEEPIDLE	4	/* int: seconds idle before keepalive probes */
#define XTCP_KEEPINTVL	5	/* int: seconds between keepalive probes */
#define XTCP_KEEPCNT	6	/* int: unanswered probes before reset */
#define XTCP_INFO	11	/* struct xtcp_info, read only */
#define XTCP_CONGESTION	13	/* char[]: congestion control, "cubic" or "reno" */
#define XTCP_CC_INFO	26	/* struct xtcp_cc_info, read only */

/* Longest congestion-control name, with its NUL. */
#define XTCP_CA_NAME_MAX	16

/* Connection states reported in xtcp_info.state and /proc/net/xtcp. */
enum {
	XTCP_ESTABLISHED = 1,
	XTCP_SYN_SENT,
	XTCP_SYN_RECV,
	XTCP_FIN_WAIT1,
	XTCP_FIN_WAIT2,
	XTCP_TIME_WAIT,
	XTCP_CLOSE,
	XTCP_CLOSE_WAIT,
	XTCP_LAST_ACK,
	XTCP_LISTEN,
	XTCP_CLOSING,
};

/**
 * struct xtcp_info - connection state returned by getsockopt(XTCP_INFO)
 * @state: one of the XTCP_* states above
 * @ca_state: 0 open, 1 fast recovery, 2 loss (RTO) recovery
 * @retransmits: consecutive timeouts of the current segment (backoff)
 * @pad: reserved, zero
 * @rto: retransmission timeout, microseconds
 * @srtt: smoothed round-trip time, microseconds
 * @rttvar: round-trip time variation, microseconds
 * @snd_mss: segment size used for sending, bytes
 * @rcv_mss: largest segment size the peer offered, bytes
 * @snd_cwnd: congestion window, segments
 * @snd_ssthresh: slow-start threshold, segments
 * @snd_wnd: window the peer last advertised, bytes
 * @rcv_wnd: window we last advertised, bytes
 * @unacked: segments sent and not yet acknowledged
 * @total_retrans: segments retransmitted over the connection's life
 * @bytes_acked: bytes of ours the peer acknowledged
 * @bytes_received: bytes received in order from the peer
 * @segs_out: segments sent, retransmissions included
 * @segs_in: segments received
 */
struct xtcp_info {
	__u8	state;
	__u8	ca_state;
	__u8	retransmits;
	__u8	pad;
	__u32	rto;
	__u32	srtt;
	__u32	rttvar;
	__u32	snd_mss;
	__u32	rcv_mss;
	__u32	snd_cwnd;
	__u32	snd_ssthresh;
	__u32	snd_wnd;
	__u32	rcv_wnd;
	__u32	unacked;
	__u32	total_retrans;
	__u64	bytes_acked;
	__u64	bytes_received;
	__u64	segs_out;
	__u64	segs_in;
};

/**
 * struct xtcp_cc_info - congestion control state, getsockopt(XTCP_CC_INFO)
 * @name: the algorithm, NUL-padded
 * @loss_events: ssthresh reductions (fast retransmits and first timeouts)
 * @fr_flight: segments in flight when the last fast retransmit began
 * @fr_cwnd: congestion window then, segments
 * @fr_ssthresh: the slow-start threshold the algorithm chose then
 * @w_max: CUBIC: window before the last reduction (W_max), segments
 * @k_ms: CUBIC: K of the current epoch, milliseconds
 * @w_est: CUBIC: Reno-friendly window estimate (W_est), segments
 * @epochs: CUBIC: congestion-avoidance epochs begun
 * @hystart: CUBIC: HyStart++ state: 0 off, 1 slow start, 2 conservative
 *	slow start, 3 left slow start by HyStart++
 * @hystart_cwnd: CUBIC: window when HyStart++ saw the RTT rise, 0 if never
 */
struct xtcp_cc_info {
	char	name[XTCP_CA_NAME_MAX];
	__u32	loss_events;
	__u32	fr_flight;
	__u32	fr_cwnd;
	__u32	fr_ssthresh;
	__u32	w_max;
	__u32	k_ms;
	__u32	w_est;
	__u32	epochs;
	__u32	hystart;
	__u32	hystart_cwnd;
};

#endif /* _UAPI_LINUX_XTCP_H */
