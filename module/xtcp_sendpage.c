// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP sendpage: sendfile(2) and splice(2) to an XTCP socket without a
 * copy. The caller's page joins the write queue as a page fragment of the
 * tail skb, with a reference of its own, as do_tcp_sendpages() does; the
 * bytes are read from it for every (re)transmission, and the reference
 * goes when the skb is freed, after the peer acknowledged them.
 *
 * The page may be page cache that changes under us (a file written while
 * it is sent), and it is not ours to write. Such skbs are marked
 * SKBFL_SHARED_FRAG, and their segments always leave CHECKSUM_PARTIAL,
 * even where XTCP would sum in software (xtcp_transmit_skb()), as TCP's
 * always do: the device sums what it reads, or the stack sums a copy
 * (skb_checksum_help() linearizes an skb with shared fragments), so the
 * checksum matches the bytes that leave. Summed by XTCP from the page, a
 * segment rewritten before the receiver read it arrived with a wrong
 * checksum, was dropped and sent again.
 *
 * Memory is charged as for copied data (sk_wmem_queued, forward alloc),
 * whoever owns the page: the send buffer bounds what a sender pins.
 */
#include <linux/net.h>
#include <linux/socket.h>

#include "xtcp.h"

/*
 * Append @size bytes of @page at @offset to the write queue of @sk
 * (owned by the caller).
 * Return: bytes queued, or a negative errno.
 */
static ssize_t xtcp_sendpage_locked(struct sock *sk, struct page *page,
				    int offset, size_t size, int flags)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb;
	ssize_t copied = 0;
	u32 size_goal;
	long timeo;
	int err;

	timeo = sock_sndtimeo(sk, flags & MSG_DONTWAIT);
	err = xtcp_send_begin(sk, &timeo);
	if (err)
		return sk_stream_error(sk, flags, err);

	size_goal = xtcp_size_goal(sk);
	while (size > 0) {
		int copy = 0, i;
		bool merge;

		skb = xtcp_send_tail_skb(sk, size_goal);
		if (skb)
			copy = min_t(size_t, size_goal - skb->len, size);
		if (!skb || !xtcp_send_charge(sk, skb, &copy)) {
			if (skb)
				xtcp_send_unqueue_empty(sk, skb);
			err = xtcp_send_wait(sk, &timeo);
			if (err)
				break;
			size_goal = xtcp_size_goal(sk);
			continue;
		}
		/* xtcp_send_tail_skb() leaves a fragment slot, merged or not. */
		i = skb_shinfo(skb)->nr_frags;
		merge = skb_can_coalesce(skb, i, page, offset);
		if (merge) {
			skb_frag_size_add(&skb_shinfo(skb)->frags[i - 1], copy);
		} else {
			get_page(page);
			skb_fill_page_desc_noacc(skb, i, page, offset, copy);
		}
		if (!(flags & MSG_NO_SHARED_FRAGS))
			skb_shinfo(skb)->flags |= SKBFL_SHARED_FRAG;
		/* Never summed by XTCP from the page: xtcp_transmit_skb(). */
		skb->ip_summed = CHECKSUM_PARTIAL;
		skb->len += copy;
		skb->data_len += copy;
		skb->truesize += copy;
		sk_wmem_queued_add(sk, copy);
		sk_mem_charge(sk, copy);

		XTCP_SKB_CB(skb)->end_seq += copy;
		WRITE_ONCE(xs->write_seq, xs->write_seq + copy);
		copied += copy;
		offset += copy;
		size -= copy;
		/* A full skb at the head goes now, not after the whole splice
		 * (a pipe may hold a megabyte), as tcp_push_one().
		 */
		if (skb->len >= size_goal && skb == xs->send_head)
			xtcp_write_xmit(sk);
	}

	if (!copied)
		return err ? sk_stream_error(sk, flags, err) : 0;
	/* splice() says when more pages follow at once: push after them. */
	if (!(flags & MSG_SENDPAGE_NOTLAST))
		xtcp_send_push(sk, flags);
	return copied;
}

/**
 * xtcp_sendpage() - the proto's sendpage: queue a page without copying it
 * @sk: the socket
 * @page: the page (page cache, a pipe buffer's page, ...)
 * @offset: where the bytes start in it
 * @size: how many
 * @flags: MSG_DONTWAIT, MSG_MORE, MSG_SENDPAGE_NOTLAST (more pages follow
 *	in this splice), MSG_NO_SHARED_FRAGS (the page cannot change)
 *
 * Return: bytes queued, or a negative errno (the pending error of a reset
 * connection, else -EPIPE with SIGPIPE unless MSG_NOSIGNAL once it is
 * closed or shut down for sending; -EAGAIN when non-blocking and full;
 * -EOPNOTSUPP for MSG_OOB: XTCP has no urgent data).
 */
int xtcp_sendpage(struct sock *sk, struct page *page, int offset,
		  size_t size, int flags)
{
	ssize_t ret;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (WARN_ONCE(!sendpage_ok(page),
		      "xtcp: sendpage of a slab page or one without a reference"))
		return -EINVAL;

	lock_sock(sk);
	ret = xtcp_sendpage_locked(sk, page, offset, size, flags);
	release_sock(sk);
	return ret;
}
