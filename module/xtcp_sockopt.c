// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP socket options at SOL_XTCP (XTCP_NODELAY, XTCP_MAXSEG, keepalive
 * tuning, XTCP_INFO, XTCP_CONGESTION, XTCP_CC_INFO); other levels go to the
 * IP layer.
 */
#include <linux/uaccess.h>

#include "xtcp.h"
#include "xtcp_cong.h"

static bool xtcp_is_own_level(int level)
{
	return level == SOL_XTCP || level == (int)xtcp_ipproto;
}

static int xtcp_setsockopt_int(struct sock *sk, int optname, int val)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	switch (optname) {
	case XTCP_NODELAY:
		xs->nodelay = !!val;
		if (val)
			xtcp_write_xmit(sk);
		return 0;
	case XTCP_MAXSEG:
		if (val && (val < XTCP_MIN_MSS || val > U16_MAX))
			return -EINVAL;
		xs->user_mss = val;
		if (__sk_dst_get(sk))
			xtcp_sync_mss(sk, dst_mtu(__sk_dst_get(sk)));
		return 0;
	case XTCP_KEEPIDLE:
		if (val < 1 || val > 32767)
			return -EINVAL;
		xs->keepidle = val;
		if (sock_flag(sk, SOCK_KEEPOPEN) &&
		    !((1 << sk->sk_state) & (TCPF_CLOSE | TCPF_LISTEN)))
			xtcp_arm_keepalive(sk, 0);
		return 0;
	case XTCP_KEEPINTVL:
		if (val < 1 || val > 32767)
			return -EINVAL;
		xs->keepintvl = val;
		return 0;
	case XTCP_KEEPCNT:
		if (val < 1 || val > 127)
			return -EINVAL;
		xs->keepcnt = val;
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
 * @level: SOL_XTCP, or another level for the IP layer
 * @optname: option
 * @optval: user buffer
 * @optlen: its length
 *
 * Return: 0 or a negative errno (-ENOPROTOOPT for unknown options).
 */
int xtcp_setsockopt(struct sock *sk, int level, int optname, sockptr_t optval,
		    unsigned int optlen)
{
	int val, err;

	if (!xtcp_is_own_level(level))
		return inet_csk(sk)->icsk_af_ops->setsockopt(sk, level, optname,
							      optval, optlen);
	if (optname == XTCP_INFO || optname == XTCP_CC_INFO)
		return -EINVAL;
	if (optname == XTCP_CONGESTION)
		return xtcp_setsockopt_cong(sk, optval, optlen);
	if (optlen < sizeof(int))
		return -EINVAL;
	if (copy_from_sockptr(&val, optval, sizeof(val)))
		return -EFAULT;

	lock_sock(sk);
	err = xtcp_setsockopt_int(sk, optname, val);
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

/**
 * xtcp_getsockopt() - getsockopt() for XTCP sockets
 * @sk: the socket
 * @level: SOL_XTCP, or another level for the IP layer
 * @optname: option
 * @optval: user buffer
 * @optlen: in: its size; out: bytes written
 *
 * Return: 0 or a negative errno.
 */
int xtcp_getsockopt(struct sock *sk, int level, int optname,
		    char __user *optval, int __user *optlen)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	char name[XTCP_CA_NAME_MAX] = {};
	struct xtcp_cc_info cc_info;
	struct xtcp_info info;
	int len, val;

	if (!xtcp_is_own_level(level))
		return inet_csk(sk)->icsk_af_ops->getsockopt(sk, level, optname,
							      optval, optlen);
	if (get_user(len, optlen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;

	switch (optname) {
	case XTCP_INFO:
		lock_sock(sk);
		xtcp_get_info(sk, &info);
		release_sock(sk);
		len = min_t(unsigned int, len, sizeof(info));
		if (put_user(len, optlen) || copy_to_user(optval, &info, len))
			return -EFAULT;
		return 0;
	case XTCP_CC_INFO:
		lock_sock(sk);
		xtcp_cong_get_info(sk, &cc_info);
		release_sock(sk);
		len = min_t(unsigned int, len, sizeof(cc_info));
		if (put_user(len, optlen) || copy_to_user(optval, &cc_info, len))
			return -EFAULT;
		return 0;
	case XTCP_CONGESTION:
		/* A NUL-padded copy: never read past the name itself. */
		lock_sock(sk);
		strscpy(name, xs->cong->name, sizeof(name));
		release_sock(sk);
		len = min_t(unsigned int, len, sizeof(name));
		if (put_user(len, optlen) || copy_to_user(optval, name, len))
			return -EFAULT;
		return 0;
	case XTCP_NODELAY:
		val = xs->nodelay;
		break;
	case XTCP_MAXSEG:
		val = xs->user_mss ? xs->user_mss : xs->mss_cache;
		break;
	case XTCP_KEEPIDLE:
		val = xtcp_keepalive_time(sk);
		break;
	case XTCP_KEEPINTVL:
		val = xs->keepintvl ? xs->keepintvl :
		      READ_ONCE(xtcp_pernet(sock_net(sk))->keepalive_intvl);
		break;
	case XTCP_KEEPCNT:
		val = xs->keepcnt ? xs->keepcnt :
		      READ_ONCE(xtcp_pernet(sock_net(sk))->keepalive_probes);
		break;
	default:
		return -ENOPROTOOPT;
	}
	if (len < sizeof(int))
		return -EINVAL;
	len = sizeof(int);
	if (put_user(len, optlen) || copy_to_user(optval, &val, len))
		return -EFAULT;
	return 0;
}
