// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP Small Queues, as TCP's (tcp_small_queue_check(), tcp_wfree(),
 * tcp_tsq_handler()): a limit on the bytes of one socket's segments that
 * wait below it, in qdiscs and device queues, so that a bulk flow does not
 * fill a qdisc with its whole congestion window.
 *
 * What counts: sk_wmem_alloc, the truesize of every skb XTCP handed to IP
 * (xtcp_tsq_set_owner()) and that was not freed or orphaned yet. The
 * write queue itself is sk_wmem_queued and does not count.
 *
 * The limit (xtcp_tsq_limit()): max(two transmissions, sk_pacing_rate >>
 * sk_pacing_shift, about 1 ms at the pacing rate), at most
 * net.xtcp.limit_output_bytes while nothing paces the socket
 * (SK_PACING_NONE), as TCP does since Linux 5.4: a paced flow's rate
 * already bounds what it queues. A "transmission" is one super-packet of
 * the size pacing aims at (xtcp_pacing_max_segs()): xtcp_write_xmit() cuts
 * an unsent skb of several segments to it before it asks, and counts a
 * burst for an skb of one MSS, which xtcp_send_super() may join to the
 * ones after it.
 *
 * Throttling: xtcp_write_xmit() calls xtcp_tsq_hold() before each
 * transmission. Over the limit, it sets XTCP_TSQ_THROTTLED and stops. With
 * at most one segment in flight it never stops (TCP: an empty or
 * single-skb retransmit queue): whatever the sysctl says, a flow keeps at
 * least that going and cannot wait on itself.
 *
 * Resuming: every skb XTCP sends has xtcp_wfree() as its destructor. It
 * returns the skb's truesize but one byte to sk_wmem_alloc; if the socket
 * was throttled it moves the socket to XTCP_TSQ_QUEUED, adds it to this
 * CPU's list and schedules this CPU's tasklet, the one byte of
 * sk_wmem_alloc going with it: that keeps the struct sock from being freed
 * (sk_free() frees it when sk_wmem_alloc reaches zero), though its last
 * sk_refcnt may be gone. Otherwise it returns that byte with sk_free(),
 * which is what sock_wfree() does for a SOCK_USE_WRITE_QUEUE socket.
 *
 * The tasklet (xtcp_tsq_tasklet_fn()) takes each socket's spinlock and
 * runs the send loop (xtcp_tsq_write()); if a process owns the socket it
 * sets XTCP_TSQ_DEFERRED in xtcp_sock.deferred with a socket reference
 * (the owner holds one, so sk_refcnt is not zero), and xtcp_release_cb()
 * runs the send loop and returns it, as the timers do. Then the tasklet
 * returns the byte of sk_wmem_alloc with sk_free(), which may free the
 * socket. A closed socket is never sent on (xtcp_tsq_write() checks the
 * state).
 *
 * Ordering, as TCP: the send loop sets THROTTLED, then reads
 * sk_wmem_alloc again; xtcp_wfree() lowers sk_wmem_alloc, then reads the
 * flags. One of the two sees the other's write, so the last skb to leave
 * the host never leaves a throttled socket without a resume.
 *
 * GSO: a super-packet that a device cannot take is cut up by
 * xtcp4_gso_segment() (xtcp_offload.c), which gives every segment the
 * destructor and its own truesize, as tcp_gso_segment() does for
 * tcp_wfree(): the charge leaves with the last segment, not when the stack
 * frees the super-packet after segmenting it. A qdisc that orphans skbs
 * (netem with a delay or rate) ends the charge at enqueue, for TCP too.
 *
 * Retransmissions: xtcp_tsq_in_host_queue() tells whether the clone of a
 * write-queue skb's last transmission is still below the socket
 * (skb_still_in_host_queue()); the write-queue skbs are fclones for that,
 * as TCP's. Such a segment is not sent again: it has not left the host.
 * The socket is throttled instead, and the freeing of that copy resumes
 * it: xtcp_tsq_write() sends the retransmissions recovery still owes
 * (xtcp_xmit_pending_rtx(): SACK's lost segments, NewReno's hole) before
 * new data.
 * Inside a super-packet that clone is a frag_list member, which carries no
 * charge: xtcp_send_super() makes the socket its owner all the same, and
 * xtcp_wfree() of the super-packet clears it when the super-packet is
 * freed or orphaned (by loopback's xmit, or by ip_rcv() in the namespace
 * behind a veth, as for TCP's skbs). Software GSO frees the
 * members with the super-packet; as for TCP, the segments it cuts are new
 * skbs, so a copy waiting in a device queue after segmentation is not
 * seen.
 *
 * Module unload: each queued socket holds its socket's memory and so the
 * module (sk_prot_free() drops the module reference); xtcp_tsq_exit() kills
 * every CPU's tasklet, which waits for one still running (that may have
 * just freed the last socket).
 */
#define pr_fmt(fmt) "xtcp: " fmt

#include <linux/interrupt.h>
#include <linux/list.h>
#include <linux/percpu.h>

#include "xtcp.h"
#include "xtcp_tsq.h"

/* The sockets whose queued skbs shrank while they were throttled. */
struct xtcp_tsq_tasklet {
	struct tasklet_struct tasklet;
	struct list_head head;	/* xtcp_sock.tsq_node; irqs off */
};

static DEFINE_PER_CPU(struct xtcp_tsq_tasklet, xtcp_tsq_tasklet);

/**
 * xtcp_tsq_limit() - bytes a socket may have below it
 * @truesize: truesize of the transmission about to go
 * @rate: sk_pacing_rate, bytes per second (~0UL: none yet)
 * @shift: sk_pacing_shift (10: about 1 ms)
 * @limit_bytes: net.xtcp.limit_output_bytes
 * @capped: nothing paces the socket (SK_PACING_NONE): @limit_bytes applies
 *
 * Return: the limit on sk_wmem_alloc, bytes: two transmissions or about
 * 1 ms at @rate, whichever is more, at most @limit_bytes if @capped.
 */
unsigned long xtcp_tsq_limit(unsigned int truesize, unsigned long rate,
			     u32 shift, unsigned long limit_bytes, bool capped)
{
	unsigned long limit = rate >> min_t(u32, shift, BITS_PER_LONG - 1);

	limit = max(limit, 2UL * truesize);
	if (capped)
		limit = min(limit, limit_bytes);
	return limit;
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_tsq_limit);

/* Is at most one write-queue skb sent and unacknowledged? */
static bool xtcp_sent_skbs_at_most_one(struct sock *sk)
{
	struct sk_buff *head = skb_peek(&sk->sk_write_queue);
	struct sk_buff *send_head = xtcp_sk(sk)->send_head;

	return !head || head == send_head ||
	       skb_queue_is_last(&sk->sk_write_queue, head) ||
	       skb_queue_next(&sk->sk_write_queue, head) == send_head;
}

/**
 * xtcp_tsq_hold() - must the send loop stop for the small-queue limit?
 * @sk: the socket, locked
 * @truesize: truesize of the transmission about to go
 *
 * Return: true if the socket has more than its limit below it; it is then
 * throttled, and the freeing of its skbs resumes the send loop.
 */
bool xtcp_tsq_hold(struct sock *sk, unsigned int truesize)
{
	struct xtcp_net *xn = xtcp_pernet(sock_net(sk));
	struct xtcp_sock *xs = xtcp_sk(sk);
	unsigned long limit;

	limit = xtcp_tsq_limit(truesize, READ_ONCE(sk->sk_pacing_rate),
			       READ_ONCE(sk->sk_pacing_shift),
			       READ_ONCE(xn->limit_output_bytes),
			       READ_ONCE(sk->sk_pacing_status) == SK_PACING_NONE);
	if (refcount_read(&sk->sk_wmem_alloc) <= limit)
		return false;
	/* Nothing (or one skb) in flight: send; no completion is awaited
	 * (tcp_rtx_queue_empty_or_single_skb()).
	 */
	if (xtcp_sent_skbs_at_most_one(sk))
		return false;
	set_bit(XTCP_TSQ_THROTTLED, &xs->tsq_flags);
	/* The completion may have come before the bit was set: look again,
	 * after the bit (pairs with xtcp_wfree()'s barrier).
	 */
	smp_mb__after_atomic();
	if (refcount_read(&sk->sk_wmem_alloc) <= limit)
		return false;
	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_TSQTHROTTLED);
	return true;
}

/**
 * xtcp_tsq_in_host_queue() - is @skb's last transmission still below us?
 * @sk: the socket, locked
 * @skb: a sent write-queue skb about to be retransmitted
 *
 * As skb_still_in_host_queue(): the fclone companion of @skb is alive and
 * owned by @sk, so the copy sent last waits in a qdisc or a device. The
 * socket is throttled, so that its freeing resumes the send loop.
 *
 * Return: true if @skb must not be sent again now.
 */
bool xtcp_tsq_in_host_queue(struct sock *sk, const struct sk_buff *skb)
{
	if (likely(!skb_fclone_busy(sk, skb)))
		return false;
	set_bit(XTCP_TSQ_THROTTLED, &xtcp_sk(sk)->tsq_flags);
	/* Pairs with xtcp_wfree()'s: the bit before the second look. */
	smp_mb__after_atomic();
	if (!skb_fclone_busy(sk, skb))
		return false;
	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_SPURIOUSRTXHOSTQUEUES);
	return true;
}

/**
 * xtcp_tsq_set_owner() - charge an outgoing skb to @sk, with xtcp_wfree()
 * @skb: the segment, about to be handed to IP
 * @sk: the socket, a full socket
 */
void xtcp_tsq_set_owner(struct sk_buff *skb, struct sock *sk)
{
	skb_set_owner_w(skb, sk);
	if (skb->destructor == sock_wfree)	/* not sock_edemux */
		skb->destructor = xtcp_wfree;
}

/*
 * The super-packet @skb leaves the socket's charge (freed, or orphaned
 * where it is received): its frag_list clones of write-queue skbs no longer
 * count as copies below @sk (xtcp_send_super() set their owner). Their
 * owner is only compared, never used: no reference, no charge.
 */
static void xtcp_tsq_release_members(struct sk_buff *skb, struct sock *sk)
{
	struct sk_buff *c;

	skb_walk_frags(skb, c)
		if (READ_ONCE(c->sk) == sk)
			WRITE_ONCE(c->sk, NULL);
}

/**
 * xtcp_wfree() - destructor of XTCP's outgoing skbs (tcp_wfree())
 * @skb: the skb being freed or orphaned below the socket
 *
 * Runs in any context, usually softirq (transmit completion, a qdisc's
 * dequeue or drop), without the socket lock.
 */
void xtcp_wfree(struct sk_buff *skb)
{
	struct sock *sk = skb->sk;
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_tsq_tasklet *tsq;
	unsigned long flags, oval, nval;
	bool empty;

	xtcp_tsq_release_members(skb, sk);
	/* Keep one byte: sk_free(), here or in the tasklet, returns it. */
	WARN_ON(refcount_sub_and_test(skb->truesize - 1, &sk->sk_wmem_alloc));
	/* Lower sk_wmem_alloc (or free the clone) before reading the flags;
	 * pairs with the barrier after setting XTCP_TSQ_THROTTLED.
	 */
	smp_mb__after_atomic();

	oval = READ_ONCE(xs->tsq_flags);
	do {
		if (!(oval & BIT(XTCP_TSQ_THROTTLED)) ||
		    (oval & BIT(XTCP_TSQ_QUEUED)))
			goto out;
		nval = (oval & ~BIT(XTCP_TSQ_THROTTLED)) | BIT(XTCP_TSQ_QUEUED);
	} while (!try_cmpxchg(&xs->tsq_flags, &oval, nval));

	local_irq_save(flags);
	tsq = this_cpu_ptr(&xtcp_tsq_tasklet);
	empty = list_empty(&tsq->head);
	list_add(&xs->tsq_node, &tsq->head);
	if (empty)
		tasklet_schedule(&tsq->tasklet);
	local_irq_restore(flags);
	return;
out:
	sk_free(sk);
}

/**
 * xtcp_tsq_write() - resume the send loop of a socket no longer throttled
 * @sk: the socket, bh-locked and not owned, or in xtcp_release_cb()
 *
 * Lost segments first (a retransmission may have waited for its last
 * copy to leave the host), then new data.
 */
void xtcp_tsq_write(struct sock *sk)
{
	if ((1 << sk->sk_state) & (TCPF_ESTABLISHED | TCPF_FIN_WAIT1 |
				   TCPF_CLOSING | TCPF_CLOSE_WAIT |
				   TCPF_LAST_ACK)) {
		xtcp_xmit_pending_rtx(sk);
		xtcp_write_xmit(sk);
	}
}

static void xtcp_tsq_handler(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	bh_lock_sock(sk);
	if (!sock_owned_by_user(sk)) {
		xtcp_tsq_write(sk);
	} else if (!test_and_set_bit(XTCP_TSQ_DEFERRED, &xs->deferred)) {
		sock_hold(sk);
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_TSQDEFERRED);
	}
	bh_unlock_sock(sk);
}

static void xtcp_tsq_tasklet_fn(struct tasklet_struct *t)
{
	struct xtcp_tsq_tasklet *tsq = from_tasklet(tsq, t, tasklet);
	struct xtcp_sock *xs, *next;
	unsigned long flags;
	LIST_HEAD(list);

	local_irq_save(flags);
	list_splice_init(&tsq->head, &list);
	local_irq_restore(flags);

	list_for_each_entry_safe(xs, next, &list, tsq_node) {
		struct sock *sk = &xs->icsk.icsk_inet.sk;

		list_del(&xs->tsq_node);
		/* Off the list before another xtcp_wfree() may add it. */
		smp_mb__before_atomic();
		clear_bit(XTCP_TSQ_QUEUED, &xs->tsq_flags);
		xtcp_tsq_handler(sk);
		/* The byte of sk_wmem_alloc xtcp_wfree() kept. */
		sk_free(sk);
	}
}

/**
 * xtcp_tsq_init() - set up every CPU's TSQ list and tasklet (module load)
 */
void xtcp_tsq_init(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct xtcp_tsq_tasklet *tsq = per_cpu_ptr(&xtcp_tsq_tasklet, cpu);

		INIT_LIST_HEAD(&tsq->head);
		tasklet_setup(&tsq->tasklet, xtcp_tsq_tasklet_fn);
	}
}

/**
 * xtcp_tsq_exit() - wait for every CPU's tasklet (module unload)
 *
 * No XTCP socket is left, so no skb of ours is below one and no list holds
 * a socket; a tasklet may still be returning from freeing the last one.
 */
void xtcp_tsq_exit(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct xtcp_tsq_tasklet *tsq = per_cpu_ptr(&xtcp_tsq_tasklet, cpu);

		tasklet_kill(&tsq->tasklet);
		WARN_ON_ONCE(!list_empty(&tsq->head));
	}
}
