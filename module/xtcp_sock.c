// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP socket calls: struct proto and struct proto_ops, socket init and
 * destruction, state changes, listen, shutdown, close and disconnect.
 * The data path (sendmsg, recvmsg, poll) is in xtcp_stream.c.
 */
#define pr_fmt(fmt) "xtcp: " fmt

#include <linux/memcontrol.h>
#include <linux/module.h>
#include <linux/percpu_counter.h>
#include <linux/swap.h>
#include <net/inet_common.h>
#include <net/inet_hashtables.h>
#include <net/tcp_states.h>

#include "xtcp.h"
#include "xtcp_trace.h"

static DEFINE_PER_CPU(unsigned int, xtcp_orphan_count);

/*
 * Memory accounting, as TCP's tcp_mem: every skb on a receive, out-of-order
 * or write queue is charged through the sk_mem_* API to sk_forward_alloc,
 * which takes whole pages from xtcp_memory_allocated (and from the socket's
 * memory cgroup) and gives them back when the queues drain. The limits are
 * protocol-wide, in pages: below xtcp_sysctl_mem[0] no pressure, above [1]
 * pressure (windows clamp, see xtcp_select_window()), above [2] no more
 * memory is scheduled. rmem/wmem[0] are what a socket keeps under pressure,
 * [1] its initial receive and send buffer sizes.
 */
static atomic_long_t xtcp_memory_allocated ____cacheline_aligned_in_smp;
static DEFINE_PER_CPU(int, xtcp_memory_per_cpu_fw_alloc);
static struct percpu_counter xtcp_sockets_allocated;
static unsigned long xtcp_memory_pressure;
long xtcp_sysctl_mem[3] __read_mostly;
int xtcp_sysctl_rmem[3] __read_mostly;
int xtcp_sysctl_wmem[3] __read_mostly;

/* Pressure starts: remember when (jiffies, never 0), count it. */
static void xtcp_enter_memory_pressure(struct sock *sk)
{
	unsigned long val;

	if (READ_ONCE(xtcp_memory_pressure))
		return;
	val = jiffies;
	if (!val)
		val--;
	if (!cmpxchg(&xtcp_memory_pressure, 0, val))
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_MEMORYPRESSURES);
}

/* Pressure ends: add its duration, in ms, to MemoryPressuresChrono. */
static void xtcp_leave_memory_pressure(struct sock *sk)
{
	unsigned long val;

	if (!READ_ONCE(xtcp_memory_pressure))
		return;
	val = xchg(&xtcp_memory_pressure, 0);
	if (val)
		XTCP_ADD_STATS(sock_net(sk), XTCP_MIB_MEMORYPRESSURESCHRONO,
			       jiffies_to_msecs(jiffies - val));
}

/**
 * xtcp_memory_allocated_sum() - pages XTCP's socket queues hold now
 *
 * The shared counter plus what each CPU has not folded into it yet
 * (proto_memory_allocated() reads only the shared counter).
 *
 * Return: pages.
 */
long xtcp_memory_allocated_sum(void)
{
	long sum = atomic_long_read(&xtcp_memory_allocated);
	int cpu;

	for_each_possible_cpu(cpu)
		sum += *per_cpu_ptr(&xtcp_memory_per_cpu_fw_alloc, cpu);
	return sum;
}

/**
 * xtcp_memory_pressure_now() - is XTCP under global memory pressure?
 *
 * Return: true between entering and leaving pressure.
 */
bool xtcp_memory_pressure_now(void)
{
	return READ_ONCE(xtcp_memory_pressure);
}

/**
 * xtcp_forced_mem_schedule() - provide @size bytes whatever the limits
 * @sk: the socket, locked
 * @size: bytes about to be charged with sk_mem_charge()
 * @kind: SK_MEM_RECV or SK_MEM_SEND
 *
 * For what must be queued to make progress, as sk_forced_mem_schedule()
 * does for TCP: a FIN, a split segment, the first skb of an empty write
 * queue, in-order data for an empty receive queue. Without a memory cgroup
 * the pages are taken from xtcp_memory_allocated past its limit. A cgroup
 * cannot be charged past its limit from a module (mem_cgroup_charge_skmem()
 * is not exported): the socket then schedules what the limits allow and
 * overdraws sk_forward_alloc by the rest, which its next successful
 * schedule pays back; the overdraft is at most one skb.
 */
void xtcp_forced_mem_schedule(struct sock *sk, int size, int kind)
{
	int delta = size - sk->sk_forward_alloc;
	int amt;

	if (delta <= 0)
		return;
	if (mem_cgroup_sockets_enabled && sk->sk_memcg) {
		__sk_mem_schedule(sk, delta, kind);
		return;
	}
	amt = sk_mem_pages(delta);
	sk_forward_alloc_add(sk, amt << PAGE_SHIFT);
	atomic_long_add(amt, &xtcp_memory_allocated);
}

/**
 * xtcp_mem_init() - memory limits from the machine's size, socket counter
 *
 * As tcp_init(): pressure at 1/16 of the free buffer pages, the hard limit
 * at 3/32; one socket's buffers are capped at 1/128 of the pressure level.
 *
 * Return: 0 or -ENOMEM.
 */
int xtcp_mem_init(void)
{
	unsigned long limit = max(nr_free_buffer_pages() / 16, 128UL);
	unsigned long share = nr_free_buffer_pages() << (PAGE_SHIFT - 7);

	xtcp_sysctl_mem[0] = limit / 4 * 3;
	xtcp_sysctl_mem[1] = limit;
	xtcp_sysctl_mem[2] = xtcp_sysctl_mem[0] * 2;

	/* TCP's defaults (tcp_init()): buffers start there and autotuning
	 * (xtcp_wscale.c) grows them up to [2].
	 */
	xtcp_sysctl_rmem[0] = PAGE_SIZE;
	xtcp_sysctl_rmem[1] = 131072;
	xtcp_sysctl_rmem[2] = max(131072UL, min(6UL << 20, share));
	xtcp_sysctl_wmem[0] = PAGE_SIZE;
	xtcp_sysctl_wmem[1] = 16384;
	xtcp_sysctl_wmem[2] = max(65536UL, min(4UL << 20, share));

	return percpu_counter_init(&xtcp_sockets_allocated, 0, GFP_KERNEL);
}

/**
 * xtcp_mem_exit() - free the socket counter (after proto_unregister())
 */
void xtcp_mem_exit(void)
{
	percpu_counter_destroy(&xtcp_sockets_allocated);
}

/**
 * xtcp_set_state() - move a socket to a new state
 * @sk: the socket
 * @state: TCP_* state
 *
 * Keeps the CurrEstab counter, and on TCP_CLOSE unhashes the socket and
 * releases its port unless the user bound it explicitly.
 */
void xtcp_set_state(struct sock *sk, int state)
{
	int oldstate = sk->sk_state;
	struct net *net = sock_net(sk);

	trace_xtcp_set_state(sk, oldstate, state);
	if (state == TCP_ESTABLISHED && oldstate != TCP_ESTABLISHED)
		XTCP_INC_STATS(net, XTCP_MIB_CURRESTAB);
	else if (oldstate == TCP_ESTABLISHED && state != TCP_ESTABLISHED)
		XTCP_DEC_STATS(net, XTCP_MIB_CURRESTAB);

	if (state == TCP_CLOSE) {
		if (oldstate == TCP_ESTABLISHED || oldstate == TCP_CLOSE_WAIT)
			XTCP_INC_STATS(net, XTCP_MIB_ESTABRESETS);
		sk->sk_prot->unhash(sk);
		if (inet_csk(sk)->icsk_bind_hash &&
		    !(sk->sk_userlocks & SOCK_BINDPORT_LOCK))
			inet_put_port(sk);
	}
	inet_sk_set_state(sk, state);
}

/**
 * xtcp_done() - the connection is over: close the socket
 * @sk: the socket, locked
 *
 * Stops the timers and either destroys an orphan or wakes its owner.
 */
void xtcp_done(struct sock *sk)
{
	if (sk->sk_state == TCP_SYN_SENT || sk->sk_state == TCP_SYN_RECV)
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_ATTEMPTFAILS);

	xtcp_set_state(sk, TCP_CLOSE);
	xtcp_clear_timers(sk);
	WRITE_ONCE(sk->sk_shutdown, SHUTDOWN_MASK);

	if (!sock_flag(sk, SOCK_DEAD))
		sk->sk_state_change(sk);
	else
		inet_csk_destroy_sock(sk);
}

/**
 * xtcp_reset() - the peer reset the connection, or it timed out
 * @sk: the socket, locked
 * @err: the error the application sees (ECONNREFUSED, ECONNRESET, ...)
 */
void xtcp_reset(struct sock *sk, int err)
{
	if (sk->sk_state == TCP_CLOSE_WAIT && err == ECONNRESET)
		err = EPIPE;
	WRITE_ONCE(sk->sk_err, err);
	/* Order the error before the state change that wakes waiters. */
	smp_wmb();
	xtcp_write_queue_purge(sk);
	xtcp_done(sk);
	if (!sock_flag(sk, SOCK_DEAD))
		sk_error_report(sk);
}

/**
 * xtcp_init_xmit_state() - initial congestion, RTT and window state
 * @sk: a new socket, active or passive
 */
void xtcp_init_xmit_state(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xtcp_rtt_init(&xs->rtt);
	xs->backoff = 0;
	xs->rtx_stamp_ns = 0;
	xs->mss_cache = XTCP_DEFAULT_MSS;
	xs->ca_state = XTCP_CA_OPEN;
	xs->dupacks = 0;
	xs->undo_rto = 0;
	xs->frto = 0;
	xs->send_head = NULL;
	xs->packets_out = 0;
	xs->ooo_root = RB_ROOT;
	xs->ooo_bytes = 0;
	xtcp_sack_init(sk);
	xtcp_cong_init(sk);
	xtcp_pacing_reset(sk);
}

static int xtcp_init_sock(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	struct inet_connection_sock *icsk = inet_csk(sk);

	/* Generic inet code calls these for any connection socket:
	 * icsk_af_ops (connect, setsockopt, getsockopt, rebuild_header,
	 * conn_request, syn_recv_sock...), and icsk_sync_mss with
	 * icsk_pmtu_cookie when IP options change (IP_OPTIONS, CIPSO).
	 */
	icsk->icsk_af_ops = &xtcp_ipv4_af_ops;
	icsk->icsk_sync_mss = xtcp_sync_mss;
	icsk->icsk_pmtu_cookie = 0;
	icsk->icsk_ext_hdr_len = 0;
	xtcp_init_timers(sk);
	xtcp_init_xmit_state(sk);

	sk->sk_state = TCP_CLOSE;
	sk->sk_write_space = xtcp_write_space;
	sock_set_flag(sk, SOCK_USE_WRITE_QUEUE);
	/* Super-packets only where they are carried or segmented right. */
	sk->sk_gso_type = XTCP_GSO_TYPE;
	WRITE_ONCE(sk->sk_sndbuf, READ_ONCE(xtcp_sysctl_wmem[1]));
	WRITE_ONCE(sk->sk_rcvbuf, READ_ONCE(xtcp_sysctl_rmem[1]));
	xs->nodelay = 0;
	xs->user_mss = 0;
	xs->last_oow_ack = 0;
	xs->orphan_counted = 0;
	sk_sockets_allocated_inc(sk);
	return 0;
}

/**
 * xtcp_too_many_orphans() - are there more orphans than max_orphans allows?
 * @net: the namespace
 * @shift: weight of the asking orphan: its backoff, so that one that has
 *	waited long goes first (tcp_too_many_orphans())
 *
 * Return: true if the namespace's orphans, shifted left by @shift, exceed
 * net.xtcp.max_orphans.
 */
bool xtcp_too_many_orphans(struct net *net, int shift)
{
	struct xtcp_net *xn = xtcp_pernet(net);

	return (u64)atomic_read(&xn->orphans) << min(shift, 32) >
	       (u64)READ_ONCE(xn->max_orphans);
}

/**
 * xtcp_orphan_out_of_resources() - reset an orphan if orphans are too many
 * @sk: an orphan, locked, from its retransmit or persist timer
 * @do_reset: tell the peer with a RST
 *
 * As tcp_out_of_resources(): the orphan's backoff (one more after an ICMP
 * error) weighs its count against max_orphans. Counted in TooManyOrphans.
 *
 * Return: true if @sk was closed (and destroyed).
 */
bool xtcp_orphan_out_of_resources(struct sock *sk, bool do_reset)
{
	int shift = xtcp_sk(sk)->backoff;

	if (READ_ONCE(sk->sk_err_soft))
		shift++;
	if (!xtcp_too_many_orphans(sock_net(sk), shift))
		return false;
	if (do_reset)
		xtcp_send_active_reset(sk, GFP_ATOMIC);
	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_TOOMANYORPHANS);
	xtcp_done(sk);
	return true;
}

/* Free every receive-side skb (their destructor uncharges them) and give
 * the socket's spare pages back.
 */
static void xtcp_rcv_queues_purge(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	__skb_queue_purge(&sk->sk_receive_queue);
	xtcp_ofo_purge(&xs->ooo_root, &xs->ooo_bytes);
	xtcp_sack_rcv_reset(sk);
	sk_mem_reclaim(sk);
}

static void xtcp_destroy_sock(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (xs->orphan_counted) {
		xs->orphan_counted = 0;
		atomic_dec(&xtcp_pernet(sock_net(sk))->orphans);
	}

	xtcp_clear_timers(sk);
	xtcp_write_queue_purge(sk);
	xtcp_rcv_queues_purge(sk);
	if (inet_csk(sk)->icsk_bind_hash)
		inet_put_port(sk);
	sk_sockets_allocated_dec(sk);
}

/* Which state a close or shutdown(SHUT_WR) moves to, and whether it sends
 * a FIN (RFC 9293 3.10.4).
 */
static bool xtcp_close_state(struct sock *sk)
{
	switch (sk->sk_state) {
	case TCP_ESTABLISHED:
	case TCP_SYN_RECV:
		xtcp_set_state(sk, TCP_FIN_WAIT1);
		return true;
	case TCP_CLOSE_WAIT:
		xtcp_set_state(sk, TCP_LAST_ACK);
		return true;
	case TCP_SYN_SENT:
		xtcp_set_state(sk, TCP_CLOSE);
		return false;
	default:
		return false;
	}
}

static void xtcp_shutdown(struct sock *sk, int how)
{
	if (!(how & SEND_SHUTDOWN))
		return;
	if ((1 << sk->sk_state) &
	    (TCPF_ESTABLISHED | TCPF_SYN_RECV | TCPF_CLOSE_WAIT)) {
		if (xtcp_close_state(sk))
			xtcp_send_fin(sk);
	}
}

/* Bytes the application never read: closing with them pending is an abort. */
static u32 xtcp_unread_bytes(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	return xs->rcv_nxt - xs->copied_seq - xs->fin_rcvd;
}

static void xtcp_close(struct sock *sk, long timeout)
{
	int state;

	lock_sock(sk);
	WRITE_ONCE(sk->sk_shutdown, SHUTDOWN_MASK);

	if (sk->sk_state == TCP_LISTEN) {
		xtcp_set_state(sk, TCP_CLOSE);
		inet_csk_listen_stop(sk);
		goto adjudge_to_death;
	}

	if (sk->sk_state == TCP_CLOSE)
		goto adjudge_to_death;

	if (sk->sk_state != TCP_SYN_SENT && xtcp_unread_bytes(sk)) {
		/* RFC 9293 3.10.4 and RFC 2525 2.17: data would be lost. */
		xtcp_send_active_reset(sk, sk->sk_allocation);
		xtcp_set_state(sk, TCP_CLOSE);
	} else if (sock_flag(sk, SOCK_LINGER) && !sk->sk_lingertime) {
		/* SO_LINGER with a zero timeout: abort. */
		xtcp_disconnect(sk, 0);
	} else if (xtcp_close_state(sk)) {
		xtcp_send_fin(sk);
	}
	xtcp_rcv_queues_purge(sk);

	sk_stream_wait_close(sk, timeout);

adjudge_to_death:
	state = sk->sk_state;
	sock_hold(sk);
	sock_orphan(sk);
	/* The last release_sock() of its life drains the backlog. */
	release_sock(sk);

	local_bh_disable();
	bh_lock_sock(sk);
	WARN_ON(sock_owned_by_user(sk));
	this_cpu_inc(*sk->sk_prot->orphan_count);

	/* Did the backlog or a timer already close it? */
	if (state != TCP_CLOSE && sk->sk_state == TCP_CLOSE)
		goto out;

	/* An orphan of the namespace until xtcp_destroy_sock(). */
	xtcp_sk(sk)->orphan_counted = 1;
	atomic_inc(&xtcp_pernet(sock_net(sk))->orphans);

	if (sk->sk_state == TCP_FIN_WAIT2) {
		/* Wait for the peer's FIN in a TIME_WAIT-like minisock. */
		xtcp_time_wait(sk, TCP_FIN_WAIT2,
			       READ_ONCE(xtcp_pernet(sock_net(sk))->fin_timeout_ms));
		goto out;
	}

	if (sk->sk_state != TCP_CLOSE &&
	    xtcp_too_many_orphans(sock_net(sk), 0)) {
		/* No room for one more orphan: abort (tcp_close()). */
		xtcp_send_active_reset(sk, GFP_ATOMIC);
		xtcp_set_state(sk, TCP_CLOSE);
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_TOOMANYORPHANS);
	}

	if (sk->sk_state == TCP_CLOSE) {
		xtcp_clear_timers(sk);
		inet_csk_destroy_sock(sk);
	}
	/* Otherwise the protocol finishes the close; xtcp_done() destroys. */
out:
	bh_unlock_sock(sk);
	local_bh_enable();
	sock_put(sk);
}

/**
 * xtcp_disconnect() - abort a connection and return the socket to CLOSE
 * @sk: the socket, locked
 * @flags: unused
 *
 * Sends a RST if the peer knows of the connection, drops every queue, and
 * leaves a socket that can connect() or listen() again.
 *
 * Return: 0.
 */
int xtcp_disconnect(struct sock *sk, int flags)
{
	struct inet_sock *inet = inet_sk(sk);
	struct xtcp_sock *xs = xtcp_sk(sk);
	int old_state = sk->sk_state;

	if (old_state != TCP_CLOSE)
		xtcp_set_state(sk, TCP_CLOSE);

	if (old_state == TCP_LISTEN) {
		inet_csk_listen_stop(sk);
	} else if ((1 << old_state) &
		   (TCPF_ESTABLISHED | TCPF_CLOSE_WAIT | TCPF_FIN_WAIT1 |
		    TCPF_FIN_WAIT2 | TCPF_CLOSING | TCPF_LAST_ACK |
		    TCPF_SYN_RECV)) {
		xtcp_send_active_reset(sk, gfp_any());
		WRITE_ONCE(sk->sk_err, ECONNRESET);
	} else if (old_state == TCP_SYN_SENT) {
		WRITE_ONCE(sk->sk_err, ECONNRESET);
	}

	xtcp_clear_timers(sk);
	xtcp_rcv_queues_purge(sk);
	xtcp_write_queue_purge(sk);

	inet->inet_dport = 0;
	inet_bhash2_reset_saddr(sk);
	WRITE_ONCE(sk->sk_shutdown, 0);
	sock_reset_flag(sk, SOCK_DONE);
	xs->fin_rcvd = 0;
	xs->ack_pending = 0;
	xs->ack_held = 0;
	xs->probes_out = 0;
	/* Nothing is left to read or to send (SIOCINQ, SIOCOUTQ, poll). */
	xs->copied_seq = xs->rcv_nxt;
	xs->snd_una = xs->write_seq;
	xs->snd_nxt = xs->write_seq;
	xs->snd_max = xs->write_seq;
	xtcp_init_xmit_state(sk);
	__sk_dst_reset(sk);
	sk_error_report(sk);
	return 0;
}

/* SO_KEEPALIVE toggled: start or stop the keepalive timer. */
static void xtcp_keepalive(struct sock *sk, int on)
{
	if ((1 << sk->sk_state) & (TCPF_CLOSE | TCPF_LISTEN))
		return;
	if (on)
		xtcp_arm_keepalive(sk, 0);
	else
		xtcp_stop_keepalive(sk);
}

/**
 * xtcp_listen() - listen(2) for XTCP sockets of both families
 * @sock: the socket
 * @backlog: the accept queue length
 *
 * Return: 0 or a negative errno.
 */
int xtcp_listen(struct socket *sock, int backlog)
{
	struct sock *sk = sock->sk;
	int err;

	lock_sock(sk);
	err = -EINVAL;
	if (sock->state != SS_UNCONNECTED)
		goto out;
	if (!((1 << sk->sk_state) & (TCPF_CLOSE | TCPF_LISTEN)))
		goto out;

	WRITE_ONCE(sk->sk_max_ack_backlog, backlog);
	if (sk->sk_state != TCP_LISTEN) {
		/* SYN-ACK retransmissions, counted by reqsk_timer_handler():
		 * TCP_SYNCNT's, as for TCP, else the namespace's.
		 */
		inet_csk(sk)->icsk_syn_retries = xtcp_sk(sk)->syncnt ? :
			READ_ONCE(xtcp_pernet(sock_net(sk))->synack_retries);
		err = inet_csk_listen_start(sk);
		if (err)
			goto out;
	}
	err = 0;
out:
	release_sock(sk);
	return err;
}

/*
 * bind() and connect() take struct sockaddr_in. Its family may say AF_XTCP
 * as well as AF_INET: rewrite that before the inet layer checks it. (An
 * AF_XTCP socket given a sockaddr_in6 first becomes IPv6: xtcp_family.c.)
 */
static int xtcp_fix_addr(struct sockaddr *uaddr, int addr_len,
			 struct sockaddr_in *sin)
{
	if (addr_len < (int)sizeof(sa_family_t))
		return -EINVAL;
	if (addr_len > (int)sizeof(*sin))
		addr_len = sizeof(*sin);
	memset(sin, 0, sizeof(*sin));
	memcpy(sin, uaddr, addr_len);
	if (sin->sin_family == xtcp_family_number())
		sin->sin_family = AF_INET;
	return addr_len;
}

static int xtcp_bind(struct socket *sock, struct sockaddr *uaddr, int addr_len)
{
	struct sockaddr_in sin;
	int len;

	if (xtcp_family_to_v6(sock, uaddr, addr_len))
		return sock->ops->bind(sock, uaddr, addr_len);
	len = xtcp_fix_addr(uaddr, addr_len, &sin);

	if (len < 0)
		return len;
	return inet_bind(sock, (struct sockaddr *)&sin, len);
}

static int xtcp_stream_connect(struct socket *sock, struct sockaddr *uaddr,
			       int addr_len, int flags)
{
	struct sockaddr_in sin;
	int len;

	if (xtcp_family_to_v6(sock, uaddr, addr_len))
		return sock->ops->connect(sock, uaddr, addr_len, flags);
	len = xtcp_fix_addr(uaddr, addr_len, &sin);
	if (len < 0)
		return len;
	return inet_stream_connect(sock, (struct sockaddr *)&sin, len, flags);
}

struct proto xtcp_prot = {
	.name			= "XTCP",
	.owner			= THIS_MODULE,
	.close			= xtcp_close,
	.connect		= xtcp_v4_connect,
	.disconnect		= xtcp_disconnect,
	.accept			= inet_csk_accept,
	.init			= xtcp_init_sock,
	.destroy		= xtcp_destroy_sock,
	.shutdown		= xtcp_shutdown,
	.keepalive		= xtcp_keepalive,
	.ioctl			= xtcp_ioctl,
	.pre_connect		= xtcp_v4_pre_connect,
	.setsockopt		= xtcp_setsockopt,
	.getsockopt		= xtcp_getsockopt,
	.sendmsg		= xtcp_sendmsg,
	.sendpage		= xtcp_sendpage,
	.recvmsg		= xtcp_recvmsg,
	.backlog_rcv		= xtcp_v4_do_rcv,
	.release_cb		= xtcp_release_cb,
	.hash			= inet_hash,
	.unhash			= inet_unhash,
	.get_port		= inet_csk_get_port,
	.orphan_count		= &xtcp_orphan_count,
	.enter_memory_pressure	= xtcp_enter_memory_pressure,
	.leave_memory_pressure	= xtcp_leave_memory_pressure,
	.stream_memory_free	= xtcp_stream_memory_free,
	.sockets_allocated	= &xtcp_sockets_allocated,
	.memory_allocated	= &xtcp_memory_allocated,
	.per_cpu_fw_alloc	= &xtcp_memory_per_cpu_fw_alloc,
	.memory_pressure	= &xtcp_memory_pressure,
	.sysctl_mem		= xtcp_sysctl_mem,
	.sysctl_wmem		= xtcp_sysctl_wmem,
	.sysctl_rmem		= xtcp_sysctl_rmem,
	.max_header		= XTCP_MAX_HEADER,
	.obj_size		= sizeof(struct xtcp_sock),
	.slab_flags		= SLAB_TYPESAFE_BY_RCU,
	.rsk_prot		= &xtcp_request_sock_ops,
	.twsk_prot		= &xtcp_timewait_sock_ops,
	.h.hashinfo		= &xtcp_hashinfo,
	.no_autobind		= true,
};

const struct proto_ops xtcp_stream_ops = {
	.family		= PF_INET,
	.owner		= THIS_MODULE,
	.release	= inet_release,
	.bind		= xtcp_bind,
	.connect	= xtcp_stream_connect,
	.socketpair	= sock_no_socketpair,
	.accept		= inet_accept,
	.getname	= inet_getname,
	.poll		= xtcp_poll,
	.ioctl		= inet_ioctl,
	.gettstamp	= sock_gettstamp,
	.listen		= xtcp_listen,
	.shutdown	= inet_shutdown,
	.setsockopt	= xtcp_family_setsockopt,
	.getsockopt	= sock_common_getsockopt,
	.sendmsg	= inet_sendmsg,
	.recvmsg	= sock_common_recvmsg,
	.mmap		= sock_no_mmap,
	.sendpage	= inet_sendpage,
};
