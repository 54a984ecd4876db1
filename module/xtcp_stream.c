// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP stream calls: sendmsg (user bytes into the page fragments of
 * write-queue skbs, summed while copied where the route does not offload
 * checksums), recvmsg (receive queue to user, with MSG_PEEK, MSG_WAITALL,
 * timeouts and window updates) and poll.
 */
#define pr_fmt(fmt) "xtcp: " fmt

#include <linux/poll.h>
#include <asm/ioctls.h>
#include <linux/sockios.h>
#include <net/inet_common.h>

#include "xtcp.h"

/*
 * The last write-queue skb, if @size_goal leaves room in it: plain data,
 * never sent (go-back-N makes sent skbs the send head again, and a copy of
 * one may still be below us, sharing its fragment array), its payload all
 * in page fragments.
 */
static struct sk_buff *xtcp_tail_with_room(struct sock *sk, u32 size_goal)
{
	struct sk_buff *skb = skb_peek_tail(&sk->sk_write_queue);

	if (!skb || !xtcp_sk(sk)->send_head)
		return NULL;
	if (XTCP_SKB_CB(skb)->flags & (XTCP_FLAG_SYN | XTCP_FLAG_FIN))
		return NULL;
	if (XTCP_SKB_CB(skb)->pcount || skb_cloned(skb))
		return NULL;
	if (skb->len >= size_goal || skb_headlen(skb) ||
	    skb_shinfo(skb)->nr_frags >= MAX_SKB_FRAGS)
		return NULL;
	return skb;
}

/*
 * A new data skb at the tail of the write queue: a head for the headers
 * only, the payload goes into page fragments (xtcp_fragment.c). Its memory
 * is scheduled within the limits, except for the first skb of an empty
 * queue, which is always taken so that a writer can make progress (as
 * TCP does).
 */
static struct sk_buff *xtcp_new_data_skb(struct sock *sk, u32 size_goal)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb;

	/* An fclone: its transmissions' clones come from the same slab
	 * object, and show whether one is still below us
	 * (xtcp_tsq_in_host_queue()).
	 */
	skb = alloc_skb_fclone(XTCP_MAX_HEADER, sk->sk_allocation);
	if (!skb) {
		sk->sk_prot->enter_memory_pressure(sk);
		sk_stream_moderate_sndbuf(sk);
		return NULL;
	}
	if (skb_queue_empty(&sk->sk_write_queue)) {
		xtcp_forced_mem_schedule(sk, skb->truesize, SK_MEM_SEND);
	} else if (!sk_wmem_schedule(sk, skb->truesize)) {
		__kfree_skb(skb);
		return NULL;
	}
	skb_reserve(skb, XTCP_MAX_HEADER);
	/* CHECKSUM_NONE: sum the payload while copying it in, for an skb
	 * that goes out as one segment; a super-packet is summed per
	 * segment where it is cut.
	 */
	skb->ip_summed = xtcp_csum_offload(sk) ||
			 size_goal > xs->mss_cache ? CHECKSUM_PARTIAL :
						     CHECKSUM_NONE;
	skb->csum = 0;
	memset(XTCP_SKB_CB(skb), 0, sizeof(struct xtcp_skb_cb));
	XTCP_SKB_CB(skb)->seq = xs->write_seq;
	XTCP_SKB_CB(skb)->end_seq = xs->write_seq;

	xtcp_queue_tail(sk, skb);
	return skb;
}

/**
 * xtcp_send_charge() - schedule send memory for bytes about to join @skb
 * @sk: the socket
 * @skb: the write-queue skb they join
 * @copy: in: the bytes wanted; out: the bytes charged for
 *
 * An empty queue takes one segment whatever the limits say, so that a
 * writer can make progress (tcp_wmem_schedule()); the caller charges the
 * bytes themselves as it appends them (sk_mem_charge()).
 *
 * Return: true if @copy bytes (perhaps fewer than asked) may be queued.
 */
bool xtcp_send_charge(struct sock *sk, struct sk_buff *skb, int *copy)
{
	if (sk_wmem_schedule(sk, *copy))
		return true;
	if (skb->len || !skb_queue_is_first(&sk->sk_write_queue, skb))
		return false;
	*copy = min_t(int, *copy, xtcp_sk(sk)->mss_cache);
	xtcp_forced_mem_schedule(sk, *copy, SK_MEM_SEND);
	return true;
}

/*
 * Copy up to @copy bytes from @msg into the page fragment of the socket
 * (or the task) and append them to @skb, charging them. @skb has a
 * fragment slot left (xtcp_tail_with_room()).
 * Return: bytes copied (at least 1), or a negative errno (-ENOBUFS: no
 * page or no memory, wait for space).
 */
static int xtcp_copy_to_frag(struct sock *sk, struct sk_buff *skb,
			     struct msghdr *msg, int copy)
{
	struct page_frag *pfrag = sk_page_frag(sk);
	int i = skb_shinfo(skb)->nr_frags;
	bool merge;
	int err;

	if (!sk_page_frag_refill(sk, pfrag))
		return -ENOBUFS;
	merge = skb_can_coalesce(skb, i, pfrag->page, pfrag->offset);
	if (WARN_ON_ONCE(!merge && i >= MAX_SKB_FRAGS))
		return -EFAULT;
	copy = min_t(int, copy, pfrag->size - pfrag->offset);
	if (!xtcp_send_charge(sk, skb, &copy))
		return -ENOBUFS;
	err = skb_copy_to_page_nocache(sk, &msg->msg_iter, skb, pfrag->page,
				       pfrag->offset, copy);
	if (err)
		return err;
	if (merge) {
		skb_frag_size_add(&skb_shinfo(skb)->frags[i - 1], copy);
	} else {
		skb_fill_page_desc(skb, i, pfrag->page, pfrag->offset, copy);
		page_ref_inc(pfrag->page);
	}
	pfrag->offset += copy;
	return copy;
}

/**
 * xtcp_send_unqueue_empty() - drop a write-queue skb left empty
 * @sk: the socket
 * @skb: the skb a send queued but could not fill (copy fault, no memory)
 */
void xtcp_send_unqueue_empty(struct sock *sk, struct sk_buff *skb)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (skb->len)
		return;
	if (xs->send_head == skb)
		xs->send_head = NULL;
	xtcp_sack_unlink(sk, skb, false);
	__skb_unlink(skb, &sk->sk_write_queue);
	xtcp_wmem_free_skb(sk, skb);
}

/**
 * xtcp_send_begin() - wait until @sk can take data to send
 * @sk: the socket, owned by the caller
 * @timeo: the caller's send timeout, what is left of it on return
 *
 * Return: 0, or a negative errno: the connection failed or was shut down
 * for sending (-EPIPE), the wait timed out or was interrupted.
 */
int xtcp_send_begin(struct sock *sk, long *timeo)
{
	int err;

	if ((1 << sk->sk_state) & ~(TCPF_ESTABLISHED | TCPF_CLOSE_WAIT)) {
		err = sk_stream_wait_connect(sk, timeo);
		if (err)
			return err;
	}
	sk_clear_bit(SOCKWQ_ASYNC_NOSPACE, sk);
	if (sk->sk_err || (sk->sk_shutdown & SEND_SHUTDOWN))
		return -EPIPE;
	return 0;
}

/**
 * xtcp_send_tail_skb() - the write-queue skb the next bytes of a send join
 * @sk: the socket, owned by the caller
 * @size_goal: the size an skb grows to (xtcp_size_goal())
 *
 * Return: the tail skb if it has room, else a new empty one queued at
 * the tail, or NULL when the send buffer is full (xtcp_send_wait()).
 */
struct sk_buff *xtcp_send_tail_skb(struct sock *sk, u32 size_goal)
{
	struct sk_buff *skb = xtcp_tail_with_room(sk, size_goal);

	if (skb)
		return skb;
	if (!sk_stream_memory_free(sk))
		return NULL;
	return xtcp_new_data_skb(sk, size_goal);
}

/**
 * xtcp_send_wait() - send what the windows allow and wait for send memory
 * @sk: the socket, owned by the caller (released while waiting)
 * @timeo: the caller's send timeout, what is left of it on return
 *
 * Return: 0 when there may be room now, or a negative errno (-EPIPE: the
 * connection failed or was shut down meanwhile).
 */
int xtcp_send_wait(struct sock *sk, long *timeo)
{
	int err;

	set_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
	xtcp_write_xmit(sk);
	err = sk_stream_wait_memory(sk, timeo);
	if (err)
		return err;
	if (sk->sk_err || (sk->sk_shutdown & SEND_SHUTDOWN))
		return -EPIPE;
	return 0;
}

/**
 * xtcp_send_push() - end a send: mark the push and send what may go
 * @sk: the socket, owned by the caller
 * @flags: the send's flags; MSG_MORE corks this push only, as
 *	TCP_NAGLE_CORK in tcp_push(): later ACKs, or the persist timer when
 *	nothing is in flight, send the held segment
 */
void xtcp_send_push(struct sock *sk, int flags)
{
	struct sk_buff *skb = skb_peek_tail(&sk->sk_write_queue);
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (skb && xs->send_head)
		XTCP_SKB_CB(skb)->flags |= XTCP_FLAG_PSH;
	xs->more = !!(flags & MSG_MORE);
	xtcp_write_xmit(sk);
	xs->more = 0;
}

/**
 * xtcp_sendmsg() - queue user data and send what the windows allow
 * @sk: the socket
 * @msg: the data
 * @size: its length
 *
 * Return: bytes queued, or a negative errno (-EPIPE with SIGPIPE on a
 * closed or reset connection, -EAGAIN when non-blocking and full).
 */
int xtcp_sendmsg(struct sock *sk, struct msghdr *msg, size_t size)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	int flags = msg->msg_flags;
	struct sk_buff *skb;
	u32 size_goal;
	int copied = 0;
	long timeo;
	int err;

	/* XTCP has no urgent data: refuse rather than send it as normal. */
	if (flags & MSG_OOB)
		return -EOPNOTSUPP;

	lock_sock(sk);
	timeo = sock_sndtimeo(sk, flags & MSG_DONTWAIT);
	err = xtcp_send_begin(sk, &timeo);
	if (err)
		goto out_err;

	size_goal = xtcp_size_goal(sk);
	while (msg_data_left(msg)) {
		int copy;

		skb = xtcp_send_tail_skb(sk, size_goal);
		if (!skb)
			goto wait_for_space;

		copy = min_t(size_t, size_goal - skb->len, msg_data_left(msg));
		copy = xtcp_copy_to_frag(sk, skb, msg, copy);
		if (copy < 0) {
			err = copy;
			xtcp_send_unqueue_empty(sk, skb);
			if (err == -ENOBUFS)
				goto wait_for_space;
			goto do_error;
		}
		XTCP_SKB_CB(skb)->end_seq += copy;
		WRITE_ONCE(xs->write_seq, xs->write_seq + copy);
		copied += copy;
		continue;

wait_for_space:
		err = xtcp_send_wait(sk, &timeo);
		if (err)
			goto do_error;
		size_goal = xtcp_size_goal(sk);
	}

out:
	if (copied)
		xtcp_send_push(sk, flags);
	release_sock(sk);
	return copied;

do_error:
	if (copied)
		goto out;
out_err:
	err = sk_stream_error(sk, flags, err);
	release_sock(sk);
	return err;
}

/**
 * xtcp_recvmsg() - copy received bytes to the user
 * @sk: the socket
 * @msg: where to
 * @len: at most this many bytes
 * @flags: MSG_PEEK, MSG_WAITALL, MSG_DONTWAIT, MSG_ERRQUEUE, MSG_TRUNC
 *	(the bytes are counted and dropped, not copied, as TCP does)
 * @addr_len: unused (stream socket)
 *
 * Return: bytes copied (or dropped), 0 at end of stream, or a negative
 * errno.
 */
int xtcp_recvmsg(struct sock *sk, struct msghdr *msg, size_t len, int flags,
		 int *addr_len)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 peek_seq, *seq;
	struct sk_buff *skb, *tmp;
	int copied = 0;
	int target;
	long timeo;

	if (flags & MSG_ERRQUEUE)
		return inet_recv_error(sk, msg, len, addr_len);
	if (flags & MSG_OOB)
		return -EINVAL;	/* no urgent data: XTCP ignores URG */

	lock_sock(sk);
	if (sk->sk_state == TCP_LISTEN) {
		copied = -ENOTCONN;
		goto out;
	}
	timeo = sock_rcvtimeo(sk, flags & MSG_DONTWAIT);
	target = sock_rcvlowat(sk, flags & MSG_WAITALL, len);
	seq = &xs->copied_seq;
	if (flags & MSG_PEEK) {
		peek_seq = xs->copied_seq;
		seq = &peek_seq;
	}

	while (copied < len) {
		u32 offset, used;
		int err;

		skb_queue_walk_safe(&sk->sk_receive_queue, skb, tmp) {
			offset = *seq - XTCP_SKB_CB(skb)->seq;
			if (offset < skb->len)
				goto found;
			if (!(flags & MSG_PEEK)) {
				/* Overlap already read through another skb. */
				__skb_unlink(skb, &sk->sk_receive_queue);
				consume_skb(skb);
			}
		}

		if (copied >= target && !READ_ONCE(sk->sk_backlog.tail))
			break;
		if (copied) {
			if (sk->sk_err || sk->sk_state == TCP_CLOSE ||
			    (sk->sk_shutdown & RCV_SHUTDOWN) || !timeo ||
			    signal_pending(current))
				break;
		} else {
			if (sock_flag(sk, SOCK_DONE))
				break;
			if (sk->sk_err) {
				copied = sock_error(sk);
				break;
			}
			if (sk->sk_shutdown & RCV_SHUTDOWN)
				break;
			if (sk->sk_state == TCP_CLOSE) {
				copied = -ENOTCONN;
				break;
			}
			if (!timeo) {
				copied = -EAGAIN;
				break;
			}
			if (signal_pending(current)) {
				copied = sock_intr_errno(timeo);
				break;
			}
		}

		if (copied >= target) {
			/* Enough for the caller: just drain the backlog. */
			release_sock(sk);
			lock_sock(sk);
		} else {
			/* Sleep until something is queued after what we have
			 * seen (with MSG_PEEK or SO_RCVLOWAT, the queue is not
			 * empty): passing NULL would return at once and spin.
			 */
			xtcp_rcv_space_adjust(sk, copied > 0);
			sk_wait_data(sk, &timeo,
				     skb_peek_tail(&sk->sk_receive_queue));
		}
		continue;

found:
		used = min_t(size_t, skb->len - offset, len - copied);
		if (!(flags & MSG_TRUNC)) {
			err = skb_copy_datagram_msg(skb, offset, msg, used);
			if (err) {
				if (!copied)
					copied = -EFAULT;
				break;
			}
		}
		*seq += used;
		copied += used;
		if (!(flags & MSG_PEEK) && offset + used >= skb->len) {
			__skb_unlink(skb, &sk->sk_receive_queue);
			consume_skb(skb);
		}
	}

	if (!(flags & MSG_PEEK) && copied > 0)
		xtcp_rcv_space_adjust(sk, true);
out:
	release_sock(sk);
	return copied;
}

/* Bytes the reader can still read (the peer's FIN aside). */
static u32 xtcp_readable(const struct sock *sk)
{
	const struct xtcp_sock *xs = xtcp_sk(sk);

	if ((1 << sk->sk_state) & (TCPF_SYN_SENT | TCPF_SYN_RECV))
		return 0;
	return READ_ONCE(xs->rcv_nxt) - READ_ONCE(xs->copied_seq) -
	       READ_ONCE(xs->fin_rcvd);
}

/**
 * xtcp_ioctl() - the proto's ioctl: queue sizes, as TCP answers them
 * @sk: the socket
 * @cmd: SIOCINQ (FIONREAD), SIOCOUTQ, SIOCOUTQNSD or SIOCATMARK
 * @arg: user pointer to an int for the answer
 *
 * SIOCINQ: bytes readable; SIOCOUTQ: bytes queued and not yet acknowledged;
 * SIOCOUTQNSD: bytes queued and not yet sent; SIOCATMARK: always 0 (XTCP
 * has no urgent data).
 *
 * Return: 0, -EINVAL on a listener, -EFAULT, or -ENOIOCTLCMD for other
 * commands.
 */
int xtcp_ioctl(struct sock *sk, int cmd, unsigned long arg)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	int state = inet_sk_state_load(sk);
	bool slow;
	int answ;

	switch (cmd) {
	case SIOCINQ:
		if (state == TCP_LISTEN)
			return -EINVAL;
		slow = lock_sock_fast(sk);
		answ = xtcp_readable(sk);
		unlock_sock_fast(sk, slow);
		break;
	case SIOCATMARK:
		answ = 0;
		break;
	case SIOCOUTQ:
	case SIOCOUTQNSD:
		if (state == TCP_LISTEN)
			return -EINVAL;
		if ((1 << state) & (TCPF_SYN_SENT | TCPF_SYN_RECV))
			answ = 0;
		else if (cmd == SIOCOUTQ)
			answ = READ_ONCE(xs->write_seq) - READ_ONCE(xs->snd_una);
		else
			answ = READ_ONCE(xs->write_seq) - READ_ONCE(xs->snd_nxt);
		break;
	default:
		return -ENOIOCTLCMD;
	}
	return put_user(answ, (int __user *)arg);
}

/**
 * xtcp_push_now() - send partial segments now, past Nagle and a cork
 * @sk: the socket, locked
 *
 * For uncorking with TCP_NODELAY set, setting TCP_NODELAY, and the persist
 * timer (TCP_NAGLE_PUSH, tcp_write_wakeup()).
 */
void xtcp_push_now(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xs->push_once = 1;
	xtcp_write_xmit(sk);
	xs->push_once = 0;
}

/**
 * xtcp_stream_memory_free() - the proto's stream_memory_free hook
 * @sk: the socket
 * @wake: 1 when deciding whether to wake a writer, 0 for poll and sendmsg
 *
 * With TCP_NOTSENT_LOWAT set, the socket is writable only while fewer
 * bytes than that wait unsent; a wakeup waits until fewer than half do,
 * as tcp_stream_memory_free().
 *
 * Return: true when the unsent bytes allow more to be written.
 */
bool xtcp_stream_memory_free(const struct sock *sk, int wake)
{
	const struct xtcp_sock *xs = xtcp_sk(sk);
	u32 lowat = READ_ONCE(xs->notsent_lowat);
	u32 notsent;

	if (!lowat)
		return true;
	notsent = READ_ONCE(xs->write_seq) - READ_ONCE(xs->snd_nxt);
	return ((u64)notsent << wake) < lowat;
}

/**
 * xtcp_write_space() - wake writers once the write queue has room again
 * @sk: the socket
 *
 * The sk_write_space callback, called as ACKs free write-queue memory.
 */
void xtcp_write_space(struct sock *sk)
{
	struct socket *sock = sk->sk_socket;
	struct socket_wq *wq;

	if (!sock || !sk_stream_is_writeable(sk))
		return;
	clear_bit(SOCK_NOSPACE, &sock->flags);

	rcu_read_lock();
	wq = rcu_dereference(sk->sk_wq);
	if (skwq_has_sleeper(wq))
		wake_up_interruptible_poll(&wq->wait, EPOLLOUT | EPOLLWRNORM |
						      EPOLLWRBAND);
	if (wq && wq->fasync_list && !(sk->sk_shutdown & SEND_SHUTDOWN))
		sock_wake_async(wq, SOCK_WAKE_SPACE, POLL_OUT);
	rcu_read_unlock();
}

/**
 * xtcp_poll() - readiness for poll/select/epoll
 * @file: the file
 * @sock: the socket
 * @wait: poll table
 *
 * Return: EPOLLIN when bytes or EOF are readable, EPOLLOUT when the write
 * queue has room, EPOLLRDHUP/EPOLLHUP on shutdown, EPOLLERR on error;
 * listeners report EPOLLIN when a connection waits in the accept queue.
 */
__poll_t xtcp_poll(struct file *file, struct socket *sock, poll_table *wait)
{
	struct sock *sk = sock->sk;
	__poll_t mask = 0;
	u8 shutdown;
	int state;

	sock_poll_wait(file, sock, wait);

	state = inet_sk_state_load(sk);
	if (state == TCP_LISTEN)
		return inet_csk_listen_poll(sk);

	shutdown = READ_ONCE(sk->sk_shutdown);
	if (shutdown == SHUTDOWN_MASK || state == TCP_CLOSE)
		mask |= EPOLLHUP;
	if (shutdown & RCV_SHUTDOWN)
		mask |= EPOLLIN | EPOLLRDNORM | EPOLLRDHUP;

	if (state != TCP_SYN_SENT && state != TCP_SYN_RECV) {
		u32 avail = xtcp_readable(sk);

		if ((int)avail >= sock_rcvlowat(sk, 0, INT_MAX))
			mask |= EPOLLIN | EPOLLRDNORM;

		if (!(shutdown & SEND_SHUTDOWN)) {
			if (sk_stream_is_writeable(sk)) {
				mask |= EPOLLOUT | EPOLLWRNORM;
			} else {
				sk_set_bit(SOCKWQ_ASYNC_NOSPACE, sk);
				set_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
				/* Pairs with the write-space wakeup. */
				smp_mb__after_atomic();
				if (sk_stream_is_writeable(sk))
					mask |= EPOLLOUT | EPOLLWRNORM;
			}
		} else {
			mask |= EPOLLOUT | EPOLLWRNORM;
		}
	}
	/* Pairs with the smp_wmb() in xtcp_reset(). */
	smp_rmb();
	if (READ_ONCE(sk->sk_err) ||
	    !skb_queue_empty_lockless(&sk->sk_error_queue))
		mask |= EPOLLERR;
	return mask;
}
