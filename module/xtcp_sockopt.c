// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP socket options, at TCP's level (SOL_TCP/IPPROTO_TCP) with TCP's
 * numbers, lengths, errnos and meaning (do_tcp_setsockopt() and
 * do_tcp_getsockopt()), so a program written for TCP does not notice; and
 * at SOL_XTCP, the same numbers, where XTCP_INFO is struct xtcp_info and
 * XTCP_CC_INFO struct xtcp_cc_info. Other levels go to the IP layer.
 */
#include <linux/tcp.h>
#include <linux/uaccess.h>

#include "xtcp.h"
#include "xtcp_cong.h"

/* TCP's option bounds (include/net/tcp.h), part of its user API. */
#define XTCP_TCP_MIN_MSS		88
#define XTCP_TCP_MAX_MSS		32767	/* MAX_TCP_WINDOW */
#define XTCP_MAX_KEEP_SECS		32767	/* MAX_TCP_KEEPIDLE, _KEEPINTVL */
#define XTCP_MAX_KEEPCNT		127
#define XTCP_MAX_SYNCNT			127
#define XTCP_LINGER2_MAX_SECS		120	/* TCP_FIN_TIMEOUT_MAX */
/* TCP_DEFER_ACCEPT counts SYN-ACK retransmissions: 1 s, doubling to 120 s. */
#define XTCP_DEFER_TIMEOUT_INIT		1
#define XTCP_DEFER_RTO_MAX		120

static bool xtcp_is_own_level(int level)
{
	return level == SOL_XTCP || level == (int)xtcp_ipproto;
}

/* Seconds to the number of retransmissions that last at least that long
 * (TCP_DEFER_ACCEPT is kept as a retransmission count, like TCP's).
 */
static u8 xtcp_secs_to_retrans(int secs)
{
	int rto = XTCP_DEFER_TIMEOUT_INIT, total = XTCP_DEFER_TIMEOUT_INIT;
	u8 n;

	if (secs <= 0)
		return 0;
	for (n = 1; total < secs && n < U8_MAX; n++) {
		rto = min(rto * 2, XTCP_DEFER_RTO_MAX);
		total += rto;
	}
	return n;
}

/* ... and back: how long @n retransmissions last, in seconds. */
static int xtcp_retrans_to_secs(u8 n)
{
	int rto = XTCP_DEFER_TIMEOUT_INIT, total = 0;

	while (n--) {
		total += rto;
		rto = min(rto * 2, XTCP_DEFER_RTO_MAX);
	}
	return total;
}

/**
 * xtcp_defer_accept_holds() - keep a request through TCP_DEFER_ACCEPT
 * @sk: the listener
 * @req: the request the segment matched
 * @skb: a valid ACK of our SYN-ACK
 *
 * As tcp_check_req(): while the listener defers and the SYN-ACK has been
 * sent fewer times than the deferral allows, a bare ACK does not complete
 * the handshake; it is dropped and the request marked acknowledged, so the
 * request timer (reqsk_timer_handler()) holds its SYN-ACK until the end of
 * the deferral, and the peer's ACK to that one, or its first data, makes
 * the connection that accept() returns.
 *
 * Return: true when the caller must drop @skb and keep @req.
 */
bool xtcp_defer_accept_holds(const struct sock *sk, struct request_sock *req,
			     const struct sk_buff *skb)
{
	u8 defer = READ_ONCE(inet_csk(sk)->icsk_accept_queue.rskq_defer_accept);

	if (!defer || req->num_timeout >= defer ||
	    XTCP_SKB_CB(skb)->end_seq != xtcp_rsk(req)->irs + 1)
		return false;
	inet_rsk(req)->acked = 1;
	return true;
}

/* TCP_QUICKACK, as __tcp_sock_set_quickack(): 0 enters pingpong (delayed
 * ACK) mode; an odd value sends a pending ACK now and turns delayed ACKs off
 * until 0 is set.
 */
static void xtcp_set_quickack(struct sock *sk, int val)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (!val) {
		xs->pingpong = 1;
		xs->quickack = 0;
		return;
	}
	xs->pingpong = 0;
	xs->quickack = val & 1;
	if (((1 << sk->sk_state) & (TCPF_ESTABLISHED | TCPF_CLOSE_WAIT)) &&
	    xs->ack_pending)
		xtcp_send_ack(sk);
}

/* TCP_WINDOW_CLAMP, as tcp_set_window_clamp(): 0 only while closed; below
 * SOCK_MIN_RCVBUF / 2 the floor (the comparison is unsigned there too).
 */
static int xtcp_set_window_clamp(struct sock *sk, int val)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (!val) {
		if (sk->sk_state != TCP_CLOSE)
			return -EINVAL;
		xs->window_clamp = 0;
		return 0;
	}
	xs->window_clamp = max_t(u32, val, SOCK_MIN_RCVBUF / 2);
	return 0;
}

static int xtcp_set_linger2(struct sock *sk, int val)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (val < 0)
		WRITE_ONCE(xs->linger2_ms, -1);
	else
		WRITE_ONCE(xs->linger2_ms,
			   min(val, XTCP_LINGER2_MAX_SECS) * MSEC_PER_SEC);
	return 0;
}

/* Options of int value; @tcp: at SOL_TCP (TCP's MSS bounds). */
static int xtcp_setsockopt_int(struct sock *sk, int optname, int val,
			       bool tcp)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	switch (optname) {
	case TCP_NODELAY:
		xs->nodelay = !!val;
		if (val)
			xtcp_push_now(sk);
		return 0;
	case TCP_MAXSEG:
		if (val && (val < (tcp ? XTCP_TCP_MIN_MSS : XTCP_MIN_MSS) ||
			    val > (tcp ? XTCP_TCP_MAX_MSS : U16_MAX)))
			return -EINVAL;
		xs->user_mss = val;
		if (__sk_dst_get(sk))
			xtcp_sync_mss(sk, dst_mtu(__sk_dst_get(sk)));
		return 0;
	case TCP_CORK:
		xs->cork = !!val;
		if (!val)	/* tcp_push_pending_frames() */
			xs->nodelay ? xtcp_push_now(sk) : xtcp_write_xmit(sk);
		return 0;
	case TCP_KEEPIDLE:
		if (val < 1 || val > XTCP_MAX_KEEP_SECS)
			return -EINVAL;
		xs->keepidle = val;
		if (sock_flag(sk, SOCK_KEEPOPEN) &&
		    !((1 << sk->sk_state) & (TCPF_CLOSE | TCPF_LISTEN)))
			xtcp_arm_keepalive(sk, 0);
		return 0;
	case TCP_KEEPINTVL:
		if (val < 1 || val > XTCP_MAX_KEEP_SECS)
			return -EINVAL;
		xs->keepintvl = val;
		return 0;
	case TCP_KEEPCNT:
		if (val < 1 || val > XTCP_MAX_KEEPCNT)
			return -EINVAL;
		xs->keepcnt = val;
		return 0;
	case TCP_SYNCNT:
		if (val < 1 || val > XTCP_MAX_SYNCNT)
			return -EINVAL;
		WRITE_ONCE(xs->syncnt, val);
		if (sk->sk_state == TCP_LISTEN)	/* its SYN-ACKs */
			WRITE_ONCE(inet_csk(sk)->icsk_syn_retries, val);
		return 0;
	case TCP_LINGER2:
		return xtcp_set_linger2(sk, val);
	case TCP_DEFER_ACCEPT:
		WRITE_ONCE(inet_csk(sk)->icsk_accept_queue.rskq_defer_accept,
			   xtcp_secs_to_retrans(val));
		return 0;
	case TCP_WINDOW_CLAMP:
		return xtcp_set_window_clamp(sk, val);
	case TCP_QUICKACK:
		xtcp_set_quickack(sk, val);
		return 0;
	case TCP_USER_TIMEOUT:
		if (val < 0)
			return -EINVAL;
		WRITE_ONCE(xs->user_timeout, val);
		return 0;
	case TCP_NOTSENT_LOWAT:
		WRITE_ONCE(xs->notsent_lowat, val);
		sk->sk_write_space(sk);
		return 0;
	default:
		return -ENOPROTOOPT;
	}
}

/*
 * XTCP_CONGESTION, as TCP_CONGESTION: the name need not be NUL-terminated
 * within @optlen; at most XTCP_CA_NAME_MAX - 1 bytes are read, so a longer
 * name is no algorithm's (-ENOENT).
 */
static int xtcp_setsockopt_cong(struct sock *sk, sockptr_t optval,
				unsigned int optlen)
{
	char name[XTCP_CA_NAME_MAX];
	long n;
	int err;

	if (optlen < 1)
		return -EINVAL;
	n = strncpy_from_sockptr(name, optval,
				 min_t(long, sizeof(name) - 1, optlen));
	if (n < 0)
		return -EFAULT;
	name[n] = '\0';

	lock_sock(sk);
	err = xtcp_cong_set(sk, name);
	release_sock(sk);
	return err;
}

/**
 * xtcp_setsockopt() - setsockopt() for XTCP sockets
 * @sk: the socket
 * @level: SOL_TCP or SOL_XTCP, or another level for the IP layer
 * @optname: option, TCP's number
 * @optval: user buffer
 * @optlen: its length
 *
 * At SOL_TCP every check is TCP's, in TCP's order: a length below an int is
 * -EINVAL before an unknown option is -ENOPROTOOPT. At SOL_XTCP the read-only
 * XTCP_INFO and XTCP_CC_INFO are -EINVAL, as they always were.
 *
 * Return: 0 or a negative errno (-ENOPROTOOPT for unknown options).
 */
int xtcp_setsockopt(struct sock *sk, int level, int optname, sockptr_t optval,
		    unsigned int optlen)
{
	bool tcp = level == SOL_TCP;
	int val, err;

	if (!tcp && !xtcp_is_own_level(level))
		return inet_csk(sk)->icsk_af_ops->setsockopt(sk, level, optname,
							      optval, optlen);
	if (!tcp && (optname == XTCP_INFO || optname == XTCP_CC_INFO))
		return -EINVAL;
	if (optname == TCP_CONGESTION)
		return xtcp_setsockopt_cong(sk, optval, optlen);
	if (optlen < sizeof(int))
		return -EINVAL;
	if (copy_from_sockptr(&val, optval, sizeof(val)))
		return -EFAULT;

	lock_sock(sk);
	err = xtcp_setsockopt_int(sk, optname, val, tcp);
	release_sock(sk);
	return err;
}

/* Kernel state numbers to the user API's XTCP_* states. */
static void xtcp_state_to_uapi(int state, u8 *out)
{
	static const u8 map[] = {
		[TCP_ESTABLISHED] = XTCP_ESTABLISHED,
		[TCP_SYN_SENT] = XTCP_SYN_SENT,
		[TCP_SYN_RECV] = XTCP_SYN_RECV,
		[TCP_FIN_WAIT1] = XTCP_FIN_WAIT1,
		[TCP_FIN_WAIT2] = XTCP_FIN_WAIT2,
		[TCP_TIME_WAIT] = XTCP_TIME_WAIT,
		[TCP_CLOSE] = XTCP_CLOSE,
		[TCP_CLOSE_WAIT] = XTCP_CLOSE_WAIT,
		[TCP_LAST_ACK] = XTCP_LAST_ACK,
		[TCP_LISTEN] = XTCP_LISTEN,
		[TCP_CLOSING] = XTCP_CLOSING,
	};

	*out = state < ARRAY_SIZE(map) ? map[state] : XTCP_CLOSE;
}

/**
 * xtcp_get_info() - snapshot a connection for XTCP_INFO
 * @sk: the socket, locked
 * @info: filled
 */
void xtcp_get_info(struct sock *sk, struct xtcp_info *info)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	memset(info, 0, sizeof(*info));
	xtcp_state_to_uapi(sk->sk_state, &info->state);
	info->ca_state = xs->ca_state;
	info->retransmits = xs->backoff;
	info->rto = xtcp_rto_with_backoff(xs);
	info->srtt = xs->rtt.srtt;
	info->rttvar = xs->rtt.rttvar;
	info->snd_mss = xs->mss_cache;
	info->rcv_mss = xs->rx_mss;
	info->snd_cwnd = xs->snd_cwnd;
	info->snd_ssthresh = xs->snd_ssthresh;
	info->snd_wnd = xs->snd_wnd;
	info->rcv_wnd = xs->rcv_wnd;
	info->unacked = xs->packets_out;
	info->total_retrans = xs->total_retrans;
	info->bytes_acked = xs->bytes_acked;
	info->bytes_received = xs->bytes_received;
	info->segs_out = xs->segs_out;
	info->segs_in = xs->segs_in;
}

/* The value of an int option, or -ENOPROTOOPT in *@err. */
static int xtcp_getsockopt_int(struct sock *sk, int optname, bool tcp,
			       int *err)
{
	struct xtcp_net *xn = xtcp_pernet(sock_net(sk));
	struct xtcp_sock *xs = xtcp_sk(sk);
	int val;

	*err = 0;
	switch (optname) {
	case TCP_NODELAY:
		return xs->nodelay;
	case TCP_MAXSEG:
		if (!tcp)	/* XTCP's old answer: the clamp if set */
			return xs->user_mss ? xs->user_mss : xs->mss_cache;
		if (xs->user_mss &&
		    ((1 << sk->sk_state) & (TCPF_CLOSE | TCPF_LISTEN)))
			return xs->user_mss;
		return xs->mss_cache;
	case TCP_CORK:
		return xs->cork;
	case TCP_KEEPIDLE:
		return xtcp_keepalive_time(sk);
	case TCP_KEEPINTVL:
		return xs->keepintvl ? xs->keepintvl :
		       READ_ONCE(xn->keepalive_intvl);
	case TCP_KEEPCNT:
		return xs->keepcnt ? xs->keepcnt :
		       READ_ONCE(xn->keepalive_probes);
	case TCP_SYNCNT:
		val = READ_ONCE(xs->syncnt);
		return val ? val : READ_ONCE(xn->syn_retries);
	case TCP_LINGER2:
		val = READ_ONCE(xs->linger2_ms);
		if (val < 0)
			return -1;
		return (val ? val : READ_ONCE(xn->fin_timeout_ms)) /
		       MSEC_PER_SEC;
	case TCP_DEFER_ACCEPT:
		val = READ_ONCE(inet_csk(sk)->icsk_accept_queue.rskq_defer_accept);
		return xtcp_retrans_to_secs(val);
	case TCP_WINDOW_CLAMP:
		return xs->window_clamp;
	case TCP_QUICKACK:
		return !xs->pingpong;
	case TCP_USER_TIMEOUT:
		return READ_ONCE(xs->user_timeout);
	case TCP_NOTSENT_LOWAT:
		return READ_ONCE(xs->notsent_lowat);
	default:
		*err = -ENOPROTOOPT;
		return 0;
	}
}

/* Copy @len bytes of @buf (at most @size) out, and the length. */
static int xtcp_put_opt(char __user *optval, int __user *optlen, int len,
			const void *buf, unsigned int size)
{
	len = min_t(unsigned int, len, size);
	if (put_user(len, optlen) || copy_to_user(optval, buf, len))
		return -EFAULT;
	return 0;
}

/**
 * xtcp_getsockopt() - getsockopt() for XTCP sockets
 * @sk: the socket
 * @level: SOL_TCP or SOL_XTCP, or another level for the IP layer
 * @optname: option, TCP's number
 * @optval: user buffer
 * @optlen: in: its size; out: bytes written
 *
 * A negative length is -EINVAL. At SOL_TCP a short buffer gets the first
 * bytes, as from TCP; TCP_INFO is struct tcp_info and TCP_CC_INFO is empty
 * (as for TCP's reno and cubic). At SOL_XTCP an int option needs a whole
 * int, XTCP_INFO is struct xtcp_info. Every struct is zeroed before it is
 * filled.
 *
 * Return: 0 or a negative errno.
 */
int xtcp_getsockopt(struct sock *sk, int level, int optname,
		    char __user *optval, int __user *optlen)
{
	bool tcp = level == SOL_TCP;
	char name[XTCP_CA_NAME_MAX] = {};
	struct xtcp_cc_info cc_info;
	struct xtcp_info info;
	struct tcp_info tinfo;
	int len, val, err;

	if (!tcp && !xtcp_is_own_level(level))
		return inet_csk(sk)->icsk_af_ops->getsockopt(sk, level, optname,
							      optval, optlen);
	if (get_user(len, optlen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;

	switch (optname) {
	case TCP_INFO:
		if (tcp) {
			xtcp_get_tcp_info(sk, &tinfo);
			return xtcp_put_opt(optval, optlen, len, &tinfo,
					    sizeof(tinfo));
		}
		lock_sock(sk);
		xtcp_get_info(sk, &info);
		release_sock(sk);
		return xtcp_put_opt(optval, optlen, len, &info, sizeof(info));
	case TCP_CC_INFO:
		if (tcp)
			return xtcp_put_opt(optval, optlen, len, &cc_info, 0);
		lock_sock(sk);
		xtcp_cong_get_info(sk, &cc_info);
		release_sock(sk);
		return xtcp_put_opt(optval, optlen, len, &cc_info,
				    sizeof(cc_info));
	case TCP_CONGESTION:
		/* A NUL-padded copy: never read past the name itself. */
		lock_sock(sk);
		strscpy(name, xtcp_sk(sk)->cong->name, sizeof(name));
		release_sock(sk);
		return xtcp_put_opt(optval, optlen, len, name, sizeof(name));
	}

	val = xtcp_getsockopt_int(sk, optname, tcp, &err);
	if (err)
		return err;
	if (!tcp && len < sizeof(int))
		return -EINVAL;
	return xtcp_put_opt(optval, optlen, len, &val, sizeof(val));
}
