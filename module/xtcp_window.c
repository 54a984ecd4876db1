// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP receive window: how much to offer the peer (flow control,
 * RFC 9293 3.8.6.2), with receiver silly-window-syndrome avoidance, and
 * the window updates sent as the reader drains the receive queue.
 */
#include "xtcp.h"

/**
 * xtcp_window_space() - payload bytes the receive buffer can still take
 * @rcvbuf: SO_RCVBUF, bytes of skb memory
 * @rmem_alloc: skb memory already queued
 * @mss: segment size, for rounding
 * @wscale: our window scale shift (0 without window scaling)
 *
 * Half of the free buffer memory is offered as payload: the other half
 * covers skb overhead (truesize is about twice the payload of a full
 * segment). Rounded down to whole segments, capped at the largest window
 * the window field can carry, 64 KiB - 1 shifted by @wscale.
 *
 * Return: the window in bytes.
 */
u32 xtcp_window_space(u32 rcvbuf, u32 rmem_alloc, u32 mss, u8 wscale)
{
	u32 space;

	if (rmem_alloc >= rcvbuf)
		return 0;
	space = (rcvbuf - rmem_alloc) / 2;
	space = min(space, XTCP_MAX_WINDOW << min_t(u8, wscale, XTCP_MAX_WSCALE));
	if (mss && space > mss)
		space = rounddown(space, mss);
	return space;
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_window_space);

/**
 * xtcp_choose_window() - the window to advertise now
 * @cur_wnd: window still open from our last advertisement
 * @space: what the buffer could take now (xtcp_window_space())
 * @full: what the empty buffer could take (the window's ceiling)
 * @mss: segment size
 *
 * Never shrinks a window already offered (RFC 9293 3.8.6.2.2: the right
 * edge does not move left). Receiver SWS avoidance: the window opens only in
 * steps of at least min(@full / 2, @mss), so the peer is never invited to
 * send tiny segments, while a buffer smaller than a segment still opens.
 *
 * Return: the window in bytes.
 */
u32 xtcp_choose_window(u32 cur_wnd, u32 space, u32 full, u32 mss)
{
	u32 step = max(min(full / 2, mss), 1U);

	if (space <= cur_wnd || space - cur_wnd < step)
		return cur_wnd;
	return space;
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_choose_window);

/**
 * xtcp_quick_ack_ok() - may two full segments be acknowledged at once?
 * @space: the window the buffer could offer now (xtcp_window_space())
 * @full: what the empty buffer would offer (the window's ceiling)
 * @unread: bytes received and not yet read
 * @rcvlowat: the reader's SO_RCVLOWAT
 * @reader_busy: a reader waits on the socket or owns it
 *
 * As __tcp_ack_snd_check(): every second full-sized segment is
 * acknowledged at once while the window's right edge moves on with the
 * ACK, here while the reader keeps the buffer at most half full, or while
 * a reader waits for SO_RCVLOWAT bytes that have not all arrived. A
 * buffer filling faster than it is read would offer less with each ACK:
 * those ACKs cannot let a sender held by our window send more, and a bulk
 * receiver that lagged sent one for every skb it took (a super-packet of
 * a few segments). The ACK then waits for the reader, whose read sends it
 * with the room it made (xtcp_rcv_space_adjust()), but only while a
 * reader is at work on the socket (xtcp_ack_moves_window()): one asleep
 * elsewhere would leave the sender without ACKs for up to delack_ms,
 * longer than its loss probe waits.
 *
 * Return: true to acknowledge now.
 */
bool xtcp_quick_ack_ok(u32 space, u32 full, u32 unread, int rcvlowat,
		       bool reader_busy)
{
	return !reader_busy || 2 * (u64)space >= full ||
	       (s64)unread < rcvlowat;
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_quick_ack_ok);

/**
 * xtcp_ack_delay_us() - how long a data ACK may wait
 * @delack_ms: the namespace's delayed-ACK time
 * @held: the ACK is held for the socket's owner (xtcp_ack_moves_window())
 *
 * The owner's next read sends a held ACK sooner, but segments taken from
 * the backlog arrive after recvmsg()'s last read, and a reader that then
 * sleeps elsewhere must not leave the ACK to come after the sender's loss
 * probe (at least XTCP_TLP_MIN_US): held for delack_ms, it left
 * xtcp_slow_reader.sh's senders nine and ten retransmissions by loss
 * probe where there had been none or one.
 *
 * Return: @delack_ms in microseconds, at most XTCP_ACK_HOLD_US if @held.
 */
u32 xtcp_ack_delay_us(u32 delack_ms, bool held)
{
	u32 us = delack_ms * USEC_PER_MSEC;

	return held ? min_t(u32, us, XTCP_ACK_HOLD_US) : us;
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_ack_delay_us);

/**
 * xtcp_rcv_full_seg() - a full-sized segment's payload, as the receiver sees
 * @sk: the socket
 *
 * Return: the smaller of the MSS we announced and the largest segment
 * received, less the timestamp option.
 */
u32 xtcp_rcv_full_seg(const struct sock *sk)
{
	const struct xtcp_sock *xs = xtcp_sk(sk);

	return min_t(u32, xs->advmss, xs->rx_mss) - xtcp_tstamp_opt_len(sk);
}

/* Under XTCP's or the memory cgroup's pressure a new offer grows by at
 * most four segments, as TCP clamps rcv_ssthresh (tcp_adjust_rcv_ssthresh()).
 */
static u32 xtcp_pressure_clamp(const struct sock *sk, u32 space, u32 mss)
{
	if (sk_under_memory_pressure(sk))
		space = min(space, 4U * mss);
	return space;
}

/**
 * xtcp_synack_window() - the window a SYN-ACK offers
 * @sk: the listener
 * @req: the request; the first SYN-ACK records its offer in rsk_rcv_wnd
 * @mss: the MSS the SYN-ACK announces
 *
 * The empty buffer's window, clamped under memory pressure as every later
 * offer is; a retransmitted SYN-ACK repeats the first one's window, and the
 * child starts from it (tcp_openreq_init_rwin(), newtp->rcv_wnd).
 *
 * Return: the window in bytes.
 */
u32 xtcp_synack_window(const struct sock *sk, struct request_sock *req,
		       u32 mss)
{
	u32 space;

	if (!req->rsk_rcv_wnd) {
		space = xtcp_window_space(READ_ONCE(sk->sk_rcvbuf), 0, mss, 0);
		req->rsk_rcv_wnd = xtcp_pressure_clamp(sk, space, mss);
	}
	return req->rsk_rcv_wnd;
}

static u32 xtcp_cur_window(const struct xtcp_sock *xs)
{
	s32 win = xs->rcv_wup + xs->rcv_wnd - xs->rcv_nxt;

	return win < 0 ? 0 : win;
}

/* The window the empty buffer would offer, bounded by TCP_WINDOW_CLAMP
 * (tp->window_clamp's role).
 */
static u32 xtcp_window_ceiling(const struct sock *sk)
{
	const struct xtcp_sock *xs = xtcp_sk(sk);
	u32 full = xtcp_window_space(READ_ONCE(sk->sk_rcvbuf), 0, xs->advmss,
				     xs->rcv_wscale);

	return xs->window_clamp ? min(full, xs->window_clamp) : full;
}

/**
 * xtcp_ack_moves_window() - would an ACK now move the window on?
 * @sk: the socket, locked
 *
 * Return: xtcp_quick_ack_ok() for the buffer and the reader as they are
 * now. The reader is at work if a task waits on the socket (in
 * sk_wait_data(), poll() or an epoll set), which this data's wakeup sends
 * to read, or if a process owns it (segments from the backlog, processed
 * while a reader copies). An owner may return to user space after its
 * last read and not come back for a while: an ACK held for it is marked
 * (@ack_held) and is due within XTCP_ACK_HOLD_US (xtcp_arm_delack()).
 */
bool xtcp_ack_moves_window(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	bool owned = sock_owned_by_user(sk);
	bool busy = owned;
	u32 space;

	if (!busy) {
		rcu_read_lock();
		busy = skwq_has_sleeper(rcu_dereference(sk->sk_wq));
		rcu_read_unlock();
	}
	space = xtcp_window_space(READ_ONCE(sk->sk_rcvbuf),
				  atomic_read(&sk->sk_rmem_alloc),
				  xs->advmss, xs->rcv_wscale);
	if (xtcp_quick_ack_ok(space, xtcp_window_ceiling(sk),
			      xs->rcv_nxt - xs->copied_seq,
			      READ_ONCE(sk->sk_rcvlowat), busy))
		return true;
	if (owned)
		xs->ack_held = 1;
	return false;
}

/**
 * xtcp_select_window() - the window for a segment we are about to send
 * @sk: the socket, locked
 *
 * With window scaling the window is a multiple of 1 << rcv_wscale, rounded
 * up, never below what is still open (xtcp_wscale_round()), so the right
 * edge never moves left through the shift (RFC 7323 2.4).
 *
 * Return: the window in bytes; the caller records it in rcv_wnd.
 */
u32 xtcp_select_window(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 space = xtcp_window_space(READ_ONCE(sk->sk_rcvbuf),
				      atomic_read(&sk->sk_rmem_alloc),
				      xs->advmss, xs->rcv_wscale);
	u32 full = xtcp_window_ceiling(sk);
	u32 cur = xtcp_cur_window(xs), win;

	/* What was offered already stays offered. */
	space = xtcp_pressure_clamp(sk, space, xs->advmss);
	/* TCP_WINDOW_CLAMP bounds what we offer, as tp->window_clamp. */
	space = min(space, full);
	win = xtcp_choose_window(cur, space, full, xs->advmss);
	return xtcp_wscale_round(win, cur, xs->rcv_wscale);
}

/**
 * xtcp_rcv_space_adjust() - the reader took data: tune, update the window
 * @sk: the socket, locked
 * @copied: the reader took data in this call (not only a wait for it)
 *
 * Grows the receive buffer first when the reader keeps up with more than
 * the window (xtcp_rcvbuf_adjust()): after data was taken, as TCP runs
 * tcp_rcv_space_adjust(), not before each wait. An ACK held for the
 * reader (xtcp_quick_ack_ok()) goes now if more than a full segment waits
 * for it, carrying the room the read made. Otherwise an update goes out as
 * tcp_cleanup_rbuf() sends one: when the window still open is half of
 * what the empty buffer would offer or less (the ceiling, bounded by
 * TCP_WINDOW_CLAMP) and the read at least doubled it, so a sender held by
 * our window resumes without waiting for its persist timer. A read that
 * leaves more open sends nothing: the ACKs of the data still coming carry
 * the reopened window (one update per read had doubled the receiver's
 * segments in bulk).
 */
void xtcp_rcv_space_adjust(struct sock *sk, bool copied)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 cur, wnd;

	if ((1 << sk->sk_state) & (TCPF_CLOSE | TCPF_LISTEN | TCPF_SYN_SENT))
		return;
	if (copied)
		xtcp_rcvbuf_adjust(sk);
	/* An ACK held while the buffer filled (xtcp_quick_ack_ok()) goes
	 * with the room this read made, as tcp_cleanup_rbuf() sends it.
	 */
	if (xs->ack_pending && xs->rcv_nxt - xs->rcv_wup > xtcp_rcv_full_seg(sk)) {
		xtcp_send_ack(sk);
		return;
	}
	/* Nothing more can come: no update (tcp_cleanup_rbuf()). */
	if (sk->sk_shutdown & RCV_SHUTDOWN)
		return;
	cur = xtcp_cur_window(xs);
	if (2 * cur > xtcp_window_ceiling(sk))
		return;
	wnd = xtcp_select_window(sk);
	if (wnd && wnd >= 2 * cur)
		xtcp_send_ack(sk);
}
