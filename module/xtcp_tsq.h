/* SPDX-License-Identifier: GPL-2.0 */
/*
 * XTCP Small Queues (xtcp_tsq.c): a per-socket limit on the bytes of its
 * segments that wait below it, in qdiscs and devices, as TCP Small Queues.
 */
#ifndef _XTCP_TSQ_H
#define _XTCP_TSQ_H

#include <linux/types.h>

struct sk_buff;
struct sock;

/* Default of net.xtcp.limit_output_bytes (tcp_limit_output_bytes). */
#define XTCP_TSQ_LIMIT_DEFAULT	1048576

/* Bits of xtcp_sock.tsq_flags. */
enum {
	XTCP_TSQ_THROTTLED,	/* the send loop stopped at the limit */
	XTCP_TSQ_QUEUED,	/* on a CPU's TSQ list, holding a reference */
};

unsigned long xtcp_tsq_limit(unsigned int truesize, unsigned long rate,
			     u32 shift, unsigned long limit_bytes, bool capped);
bool xtcp_tsq_hold(struct sock *sk, unsigned int truesize);
bool xtcp_tsq_in_host_queue(struct sock *sk, const struct sk_buff *skb);
void xtcp_tsq_set_owner(struct sk_buff *skb, struct sock *sk);
void xtcp_wfree(struct sk_buff *skb);
void xtcp_tsq_write(struct sock *sk);
void xtcp_tsq_init(void);
void xtcp_tsq_exit(void);

#endif /* _XTCP_TSQ_H */
