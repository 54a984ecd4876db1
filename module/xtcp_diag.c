// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp_diag.ko: XTCP in the kernel's sock_diag/inet_diag, as tcp_diag.ko
 * and dccp_diag.ko are for their protocols. A NETLINK_SOCK_DIAG request
 * for AF_INET or AF_INET6 and protocol XTCP (253, or xtcp.ko's ipproto=) lists XTCP's
 * listeners, connections, request and TIME_WAIT/FIN_WAIT2 minisocks
 * through the generic inet_diag walkers over xtcp_hashinfo, with TCP's
 * struct tcp_info as INET_DIAG_INFO (xtcp_info.c) and XTCP's hrtimers
 * reported in TCP's timer codes. tools/xtcp-ss is the reader.
 *
 * A separate module, because inet_diag is one: xtcp.ko must load on a
 * kernel without it. The kernel asks for this module by its alias when a
 * request for protocol 253 arrives; another ipproto= needs it loaded.
 */
#include <linux/inet_diag.h>
#include <linux/module.h>
#include <linux/sock_diag.h>

#include "xtcp.h"

/* idiag_timer codes, as ss prints them. */
enum {
	XTCP_DIAG_TIMER_NONE,
	XTCP_DIAG_TIMER_ON,		/* retransmission */
	XTCP_DIAG_TIMER_KEEPALIVE,
	XTCP_DIAG_TIMER_TIMEWAIT,
	XTCP_DIAG_TIMER_PERSIST,	/* zero-window probe */
};

static u32 xtcp_diag_ms_until(ktime_t when)
{
	s64 left = ktime_ms_delta(when, ktime_get());

	return left > 0 ? left : 0;
}

/* XTCP's timers are hrtimers that inet_diag cannot see; report the one
 * that matters most, as inet_sk_diag_fill() does for TCP's.
 */
static void xtcp_diag_timer(struct sock *sk, struct inet_diag_msg *r)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	unsigned long armed = READ_ONCE(xs->armed);

	r->idiag_timer = XTCP_DIAG_TIMER_NONE;
	r->idiag_expires = 0;
	r->idiag_retrans = 0;
	if (test_bit(XTCP_TIMER_RTX, &armed) &&
	    READ_ONCE(xs->rtx_mode) != XTCP_RTX_NONE) {
		r->idiag_timer = READ_ONCE(xs->rtx_mode) == XTCP_RTX_PROBE ?
				 XTCP_DIAG_TIMER_PERSIST : XTCP_DIAG_TIMER_ON;
		r->idiag_retrans = READ_ONCE(xs->backoff);
		r->idiag_expires = xtcp_diag_ms_until(READ_ONCE(xs->rtx_deadline));
	} else if (test_bit(XTCP_TIMER_KEEPALIVE, &armed)) {
		r->idiag_timer = XTCP_DIAG_TIMER_KEEPALIVE;
		r->idiag_retrans = READ_ONCE(xs->probes_out);
		r->idiag_expires =
			ktime_to_ms(hrtimer_get_remaining(&xs->keepalive_timer));
	}
}

static void xtcp_diag_get_info(struct sock *sk, struct inet_diag_msg *r,
			       void *info)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (inet_sk_state_load(sk) == TCP_LISTEN) {
		r->idiag_rqueue = READ_ONCE(sk->sk_ack_backlog);
		r->idiag_wqueue = READ_ONCE(sk->sk_max_ack_backlog);
	} else {
		r->idiag_rqueue = max_t(int, READ_ONCE(xs->rcv_nxt) -
					     READ_ONCE(xs->copied_seq), 0);
		r->idiag_wqueue = READ_ONCE(xs->write_seq) - READ_ONCE(xs->snd_una);
		xtcp_diag_timer(sk, r);
	}
	if (info)
		xtcp_get_tcp_info(sk, info);
}

static void xtcp_diag_dump(struct sk_buff *skb, struct netlink_callback *cb,
			   const struct inet_diag_req_v2 *r)
{
	inet_diag_dump_icsk(&xtcp_hashinfo, skb, cb, r);
}

static int xtcp_diag_dump_one(struct netlink_callback *cb,
			      const struct inet_diag_req_v2 *req)
{
	return inet_diag_dump_one_icsk(&xtcp_hashinfo, cb, req);
}

/* Not const: the protocol number is xtcp.ko's, known at load time. */
static struct inet_diag_handler xtcp_diag_handler = {
	.dump		 = xtcp_diag_dump,
	.dump_one	 = xtcp_diag_dump_one,
	.idiag_get_info	 = xtcp_diag_get_info,
	.idiag_info_size = sizeof(struct tcp_info),
};

static int __init xtcp_diag_init(void)
{
	xtcp_diag_handler.idiag_type = xtcp_ipproto;
	return inet_diag_register(&xtcp_diag_handler);
}

static void __exit xtcp_diag_exit(void)
{
	inet_diag_unregister(&xtcp_diag_handler);
}

module_init(xtcp_diag_init);
module_exit(xtcp_diag_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("XTCP inet_diag handler");
/* What sock_load_diag_module() asks for: PF_NETLINK, NETLINK_SOCK_DIAG,
 * then AF_INET (2) or AF_INET6 (10) and XTCP's default protocol number
 * (253). The handler serves both families (inet_diag walks the one
 * xtcp_hashinfo and fills IPv6 addresses for AF_INET6 sockets).
 */
MODULE_ALIAS("net-pf-" __stringify(PF_NETLINK) "-proto-"
	     __stringify(NETLINK_SOCK_DIAG) "-type-2-253");
MODULE_ALIAS("net-pf-" __stringify(PF_NETLINK) "-proto-"
	     __stringify(NETLINK_SOCK_DIAG) "-type-10-253");
