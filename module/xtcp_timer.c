// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP timers: one hrtimer for retransmission (RFC 6298) and zero-window
 * persist probes, one for delayed ACKs, one for keepalive, one for internal
 * pacing (xtcp_pacing.c). They run in softirq context
 * (HRTIMER_MODE_ABS_SOFT); work that finds the socket owned by a process is
 * deferred to xtcp_release_cb().
 *
 * References: a timer that is queued, or whose callback is running, holds
 * exactly one socket reference, recorded by its bit in xtcp_sock.armed,
 * however often it is restarted. The bit and the hrtimer's queued state
 * change together under xtcp_sock.timer_lock, a leaf spinlock:
 *
 * - xtcp_timer_start() takes a reference if the bit was clear and queues
 *   the timer, in one critical section;
 * - a callback, at its end and in the same lock, clears the bit and returns
 *   the reference unless the timer is queued again (restarted by its own
 *   work or, meanwhile, by the owner): the queued timer keeps it;
 * - xtcp_timer_stop() returns it when hrtimer_try_to_cancel() dequeued the
 *   timer (1: its callback is not running); when the callback runs (-1),
 *   the callback's end decides, as above.
 *
 * The expiry itself (queued to running) takes no lock of ours, but the
 * reference travels with the timer from queued to running, so it changes
 * nothing the others decide on; the callback cannot run again before it
 * returns (hrtimers do not migrate while running).
 *
 * Why a lock of its own, not the socket lock: starts and stops happen "under
 * the socket lock", which is either its spinlock (softirq input, the
 * callbacks, xtcp_release_cb()) or ownership by a process that released the
 * spinlock (lock_sock()). A callback that finds the socket owned runs beside
 * the owner. Without timer_lock it could see the timer idle, clear the bit
 * and drop the reference just after the owner saw the bit set and just
 * before it queued the timer again: a queued timer without a reference,
 * whose next firing may touch a freed (SLAB_TYPESAFE_BY_RCU, perhaps
 * reused) socket. sk_reset_timer() avoids that with mod_timer()'s return
 * value; hrtimer_start() returns nothing, and hrtimer_try_to_cancel()
 * cannot dequeue a timer whose callback runs (a timer can be queued and
 * running at once), so no answer of the hrtimer core makes the decision
 * atomic: the lock does. Lock order: socket spinlock, timer_lock, hrtimer
 * base lock.
 *
 * A callback that finds the socket owned sets its bit in xtcp_sock.deferred
 * and takes a reference of its own for it when the bit was clear;
 * xtcp_release_cb() does the work and returns that reference. The timer's
 * own reference is settled by the callback as usual.
 *
 * A socket is freed only when its last reference goes, so none of its
 * timers is queued or running then. xtcp_clear_timers() at close and
 * destroy time is therefore about work, not memory: it cancels what it can,
 * and every callback and deferred work item finds a closed socket (or
 * rtx_mode and ack_pending cleared) and does nothing.
 *
 * The retransmit timer is re-armed lazily: an ACK only moves rtx_deadline;
 * when the hrtimer fires before the deadline it re-queues itself for the
 * deadline, so a steady stream of ACKs costs no hrtimer operations.
 */
#define pr_fmt(fmt) "xtcp: " fmt

#include "xtcp.h"
#include "xtcp_undo.h"

static struct sock *xtcp_timer_sk(struct xtcp_sock *xs)
{
	return &xs->icsk.icsk_inet.sk;
}

static struct hrtimer *xtcp_timer(struct xtcp_sock *xs, int id)
{
	switch (id) {
	case XTCP_TIMER_RTX:
		return &xs->rtx_timer;
	case XTCP_TIMER_DELACK:
		return &xs->delack_timer;
	case XTCP_TIMER_PACE:
		return &xs->pace_timer;
	default:
		return &xs->keepalive_timer;
	}
}

/* (Re)start timer @id; the socket is locked (spinlock or owner). */
static void xtcp_timer_start(struct sock *sk, int id, ktime_t expires)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	spin_lock_bh(&xs->timer_lock);
	if (!test_and_set_bit(id, &xs->armed))
		sock_hold(sk);
	hrtimer_start(xtcp_timer(xs, id), expires, HRTIMER_MODE_ABS_SOFT);
	spin_unlock_bh(&xs->timer_lock);
}

/* Stop timer @id; the socket is locked, and the caller holds a reference. */
static void xtcp_timer_stop(struct sock *sk, int id)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	spin_lock_bh(&xs->timer_lock);
	/* 0: idle, no reference; -1: its callback is running (and perhaps
	 * queued again): the callback's end settles the reference.
	 */
	if (hrtimer_try_to_cancel(xtcp_timer(xs, id)) == 1 &&
	    test_and_clear_bit(id, &xs->armed))
		__sock_put(sk);
	spin_unlock_bh(&xs->timer_lock);
}

/* End of a callback of timer @id: does it return the timer's reference? */
static bool xtcp_timer_done(struct xtcp_sock *xs, int id)
{
	bool put = false;

	spin_lock_bh(&xs->timer_lock);
	/* Queued again? Then the queued timer keeps the reference: it cannot
	 * fire before this callback returns.
	 */
	if (!hrtimer_is_queued(xtcp_timer(xs, id)))
		put = test_and_clear_bit(id, &xs->armed);
	spin_unlock_bh(&xs->timer_lock);
	return put;
}

/**
 * xtcp_rto_with_backoff() - the RTO to wait now
 * @xs: the connection
 *
 * Return: the estimator's RTO doubled per consecutive timeout, in
 * microseconds, at most the namespace's rto_max.
 */
u32 xtcp_rto_with_backoff(const struct xtcp_sock *xs)
{
	const struct sock *sk = &xs->icsk.icsk_inet.sk;
	u32 max_us = READ_ONCE(xtcp_pernet(sock_net(sk))->rto_max_ms) *
		     USEC_PER_MSEC;

	return xtcp_rto_backoff(xs->rtt.rto, xs->backoff, max_us);
}

/* With TCP_USER_TIMEOUT set and a retransmission episode running, fire
 * no later than the moment the user's timeout ends
 * (tcp_clamp_rto_to_user_timeout()), so the connection fails then.
 */
static u32 xtcp_clamp_to_user_timeout(const struct xtcp_sock *xs, u8 mode,
				      u32 delay_us)
{
	u64 end_ns, now = xtcp_clock_ns(xs);

	if (mode != XTCP_RTX_RETRANS || !xs->user_timeout || !xs->rtx_stamp_ns)
		return delay_us;
	end_ns = xs->rtx_stamp_ns + (u64)xs->user_timeout * NSEC_PER_MSEC;
	if (end_ns <= now)
		return 1000;
	return min_t(u64, delay_us, div_u64(end_ns - now, NSEC_PER_USEC) + 1);
}

static void xtcp_rtx_arm(struct sock *sk, u8 mode, u32 delay_us)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	ktime_t deadline;

	delay_us = xtcp_clamp_to_user_timeout(xs, mode, delay_us);
	deadline = ktime_add_us(ns_to_ktime(xtcp_clock_ns(xs)), delay_us);

	xs->rtx_mode = mode;
	xs->rtx_deadline = deadline;
	if (!hrtimer_is_queued(&xs->rtx_timer) ||
	    ktime_before(deadline, hrtimer_get_expires(&xs->rtx_timer)))
		xtcp_timer_start(sk, XTCP_TIMER_RTX, deadline);
}

/**
 * xtcp_rtx_arm_mode() - arm the retransmission hrtimer for @mode
 * @sk: the socket, locked
 * @mode: XTCP_RTX_REO or XTCP_RTX_TLP (xtcp_rack.c), or XTCP_RTX_RETRANS
 *	for an RTO that does not start from now
 * @delay_us: from now
 */
void xtcp_rtx_arm_mode(struct sock *sk, u8 mode, u32 delay_us)
{
	xtcp_rtx_arm(sk, mode, delay_us);
}

/**
 * xtcp_rearm_rto() - (re)start the retransmission timeout from now
 * @sk: the socket, locked
 *
 * Called when new data is acknowledged (RFC 6298 5.3), after a
 * retransmission, and when data is sent with the timer idle (5.1).
 */
void xtcp_rearm_rto(struct sock *sk)
{
	xtcp_rtx_arm(sk, XTCP_RTX_RETRANS, xtcp_rto_with_backoff(xtcp_sk(sk)));
}

/**
 * xtcp_stop_rto() - everything sent is acknowledged (RFC 6298 5.2)
 * @sk: the socket, locked
 *
 * Turns the retransmission timeout off, so that data sent later starts it
 * afresh (5.1) instead of inheriting the deadline of acknowledged data. A
 * persist timer is left alone. The hrtimer itself is not cancelled: when it
 * fires it finds nothing to do, which costs less than a cancel per ACK.
 */
void xtcp_stop_rto(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (xs->rtx_mode != XTCP_RTX_PROBE)
		xs->rtx_mode = XTCP_RTX_NONE;
}

/**
 * xtcp_arm_probe() - start the persist timer for a closed peer window
 * @sk: the socket, locked, with data waiting and nothing in flight
 */
void xtcp_arm_probe(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 max_us = READ_ONCE(xtcp_pernet(sock_net(sk))->rto_max_ms) *
		     USEC_PER_MSEC;

	if (xs->rtx_mode == XTCP_RTX_PROBE)
		return;
	xtcp_rtx_arm(sk, XTCP_RTX_PROBE,
		     xtcp_rto_backoff(xs->rtt.rto, xs->backoff, max_us));
}

static u32 xtcp_delack_us(const struct sock *sk)
{
	return xtcp_ack_delay_us(READ_ONCE(xtcp_pernet(sock_net(sk))->delack_ms),
				 xtcp_sk(sk)->ack_held);
}

/**
 * xtcp_arm_delack() - make sure an ACK goes out within delack_ms
 * @sk: the socket, locked
 *
 * Within XTCP_ACK_HOLD_US for an ACK held for the owner (xtcp_ack_delay_us()).
 */
void xtcp_arm_delack(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	bool queued;
	ktime_t due;

	/* TCP_QUICKACK: no delayed ACK until it is set to 0. */
	if (xs->quickack) {
		xtcp_send_ack(sk);
		return;
	}
	/* Only an ACK held for the owner is due sooner than one queued. */
	queued = hrtimer_is_queued(&xs->delack_timer);
	if (queued && !xs->ack_held)
		return;
	due = ktime_add_us(ns_to_ktime(xtcp_clock_ns(xs)), xtcp_delack_us(sk));
	if (queued &&
	    ktime_compare(hrtimer_get_expires(&xs->delack_timer), due) <= 0)
		return;
	xtcp_timer_start(sk, XTCP_TIMER_DELACK, due);
}

/**
 * xtcp_arm_pace() - resume the send loop at @when_ns (internal pacing)
 * @sk: the socket, locked
 * @when_ns: absolute, ktime_get_ns()
 */
void xtcp_arm_pace(struct sock *sk, u64 when_ns)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (hrtimer_is_queued(&xs->pace_timer) &&
	    hrtimer_get_expires(&xs->pace_timer) == ns_to_ktime(when_ns))
		return;
	xtcp_timer_start(sk, XTCP_TIMER_PACE, ns_to_ktime(when_ns));
}

/**
 * xtcp_keepalive_time() - idle seconds before the first keepalive probe
 * @sk: the socket
 *
 * Return: XTCP_KEEPIDLE if set, else the namespace default.
 */
u32 xtcp_keepalive_time(const struct sock *sk)
{
	u32 t = xtcp_sk(sk)->keepidle;

	return t ? t : READ_ONCE(xtcp_pernet(sock_net(sk))->keepalive_time);
}

static u32 xtcp_keepalive_intvl(const struct sock *sk)
{
	u32 t = xtcp_sk(sk)->keepintvl;

	return t ? t : READ_ONCE(xtcp_pernet(sock_net(sk))->keepalive_intvl);
}

static u32 xtcp_keepalive_probes(const struct sock *sk)
{
	u32 n = xtcp_sk(sk)->keepcnt;

	return n ? n : READ_ONCE(xtcp_pernet(sock_net(sk))->keepalive_probes);
}

/**
 * xtcp_arm_keepalive() - schedule the next keepalive check
 * @sk: the socket, locked
 * @delay_ns: how long from now, 0 for the keepalive idle time
 */
void xtcp_arm_keepalive(struct sock *sk, u64 delay_ns)
{
	if (!delay_ns)
		delay_ns = (u64)xtcp_keepalive_time(sk) * NSEC_PER_SEC;
	xtcp_timer_start(sk, XTCP_TIMER_KEEPALIVE,
			 ktime_add_ns(ktime_get(), delay_ns));
}

/**
 * xtcp_stop_keepalive() - cancel keepalive
 * @sk: the socket, locked
 */
void xtcp_stop_keepalive(struct sock *sk)
{
	xtcp_timer_stop(sk, XTCP_TIMER_KEEPALIVE);
}

/* Has the retransmission episode lasted as long as @limit retransmissions
 * take with exponential backoff?
 */
static bool xtcp_rtx_timed_out(struct sock *sk, int limit)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 max_us = READ_ONCE(xtcp_pernet(sock_net(sk))->rto_max_ms) *
		     USEC_PER_MSEC;
	u64 elapsed_us = div_u64(xtcp_clock_ns(xs) - xs->rtx_stamp_ns,
				 NSEC_PER_USEC);

	return elapsed_us >= xtcp_retrans_timeout(limit, xs->rtx_base_us,
						  max_us);
}

/* RTO expired with data outstanding (RFC 6298 5.4-5.6, RFC 5681 3.1). */
static void xtcp_retransmit_timer(struct sock *sk)
{
	struct xtcp_net *xn = xtcp_pernet(sock_net(sk));
	struct xtcp_sock *xs = xtcp_sk(sk);
	bool syn, expired;
	int limit;

	if (xs->snd_una == xs->snd_max)
		return;

	syn = (1 << sk->sk_state) & (TCPF_SYN_SENT | TCPF_SYN_RECV);
	if (syn)
		limit = xs->syncnt ? : READ_ONCE(xn->syn_retries);
	else
		limit = READ_ONCE(xn->retries2);
	/* Nobody waits for an orphan: give up sooner (tcp_orphan_retries),
	 * and at once when orphans are too many (tcp_out_of_resources()).
	 */
	if (sock_flag(sk, SOCK_DEAD)) {
		limit = min(limit, READ_ONCE(xn->orphan_retries));
		if (xtcp_orphan_out_of_resources(sk, xs->backoff < limit))
			return;
	}
	if (!xs->backoff || !xs->rtx_stamp_ns) {
		/* The first timeout since the last progress: the data went
		 * out one (unbacked-off) RTO ago.
		 */
		xs->rtx_base_us = xtcp_rto_with_backoff(xs);
		xs->rtx_stamp_ns = xtcp_clock_ns(xs) -
				   (u64)xs->rtx_base_us * NSEC_PER_USEC;
	}
	/* backoff stops counting at 31: beyond, the elapsed time decides
	 * (retransmits_timed_out()), so that any limit ends in bounded time.
	 */
	/* TCP_USER_TIMEOUT replaces retries2's time once connected, and adds
	 * to the SYN count before (tcp_write_timeout()).
	 */
	if (xs->user_timeout) {
		expired = xtcp_clock_ns(xs) - xs->rtx_stamp_ns >=
			  (u64)xs->user_timeout * NSEC_PER_MSEC;
		if (syn)
			expired |= xs->backoff >= limit;
	} else {
		expired = xs->backoff >= limit ||
			  xtcp_rtx_timed_out(sk, limit);
	}
	if (expired) {
		if (sock_flag(sk, SOCK_DEAD))
			XTCP_INC_STATS(sock_net(sk), XTCP_MIB_ORPHANTIMEOUTS);
		/* An ICMP error met on the way says more than "timed out". */
		xtcp_reset(sk, READ_ONCE(sk->sk_err_soft) ? : ETIMEDOUT);
		return;
	}

	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_TIMEOUTS);
	xtcp_rack_on_rto(sk);
	if (!syn)
		xtcp_undo_rto_begin(sk);
	xtcp_cong_on_rto(sk);
	if (xs->backoff < 31)
		xs->backoff++;
	/* Go back N: everything unacknowledged is sent again, in slow start. */
	xtcp_go_back_n(sk);
	xtcp_rearm_rto(sk);
}

/* Does the peer's window have room for the start of the send head? */
static bool xtcp_head_fits_window(const struct xtcp_sock *xs)
{
	const struct xtcp_skb_cb *cb = XTCP_SKB_CB(xs->send_head);

	return (cb->flags & XTCP_FLAG_SYN) ||
	       xtcp_seq_before(cb->seq, xs->snd_una + xs->snd_wnd);
}

/* Persist timer: probe a closed window, backing off (RFC 9293 3.8.6.1).
 * Also armed when a transmission failed locally with nothing in flight:
 * when the window has room, send the data itself (tcp_write_wakeup()).
 */
static void xtcp_probe_timer(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	struct xtcp_net *xn = xtcp_pernet(sock_net(sk));
	int limit = READ_ONCE(xn->retries2);

	if (!xs->send_head || xs->packets_out)
		return;
	/* A peer that answers may keep its window shut forever; one that
	 * stopped answering is gone (probes_out counts unanswered probes).
	 * Nobody waits for an orphan, though: once its backoff reached
	 * rto_max it has orphan_retries doublings left, answered or not, and
	 * it goes at once when orphans are too many (tcp_probe_timer()).
	 */
	if (sock_flag(sk, SOCK_DEAD)) {
		u32 max_us = READ_ONCE(xn->rto_max_ms) * USEC_PER_MSEC;
		int retries = READ_ONCE(xn->orphan_retries);

		if (xtcp_rto_with_backoff(xs) >= max_us && xs->backoff >= retries) {
			XTCP_INC_STATS(sock_net(sk), XTCP_MIB_ORPHANTIMEOUTS);
			xtcp_reset(sk, READ_ONCE(sk->sk_err_soft) ? : ETIMEDOUT);
			return;
		}
		if (xtcp_orphan_out_of_resources(sk, true))
			return;
		limit = min(limit, retries);
	}
	if (xs->probes_out >= limit) {
		xtcp_reset(sk, READ_ONCE(sk->sk_err_soft) ? : ETIMEDOUT);
		return;
	}
	if (xtcp_head_fits_window(xs)) {
		/* Past Nagle and a cork, as tcp_write_wakeup(). */
		xtcp_push_now(sk);
		if (xs->packets_out) {
			/* Out at last: the retransmission timer watches it. */
			xs->probes_out = 0;
			xs->backoff = 0;
			xtcp_rearm_rto(sk);
			return;
		}
	}
	/* An ACK to this carries the window, should its last update have
	 * been lost.
	 */
	xtcp_send_probe(sk);
	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_WINPROBES);
	xs->probes_out++;
	if (xs->backoff < 31)
		xs->backoff++;
	xs->rtx_stamp_ns = 0;	/* persist backoff is no RTO episode */
	/* A failed xtcp_write_xmit() armed it with the old backoff. */
	xs->rtx_mode = XTCP_RTX_NONE;
	xtcp_arm_probe(sk);
}

static void xtcp_rtx_timer_expired(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u8 mode = xs->rtx_mode;

	if (mode == XTCP_RTX_NONE ||
	    ((1 << sk->sk_state) & (TCPF_CLOSE | TCPF_LISTEN)))
		return;
	if (ktime_before(ns_to_ktime(xtcp_clock_ns(xs)), xs->rtx_deadline)) {
		/* Lazily moved: wait until the real deadline. */
		xtcp_timer_start(sk, XTCP_TIMER_RTX, xs->rtx_deadline);
		return;
	}
	xs->rtx_mode = XTCP_RTX_NONE;
	if (mode == XTCP_RTX_PROBE)
		xtcp_probe_timer(sk);
	else if (mode == XTCP_RTX_REO)
		xtcp_rack_reo_timeout(sk);
	else if (mode == XTCP_RTX_TLP)
		xtcp_tlp_fire(sk);
	else
		xtcp_retransmit_timer(sk);
}

static void xtcp_delack_expired(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 due_us, waited_us;

	if (!xs->ack_pending ||
	    ((1 << sk->sk_state) & (TCPF_CLOSE | TCPF_LISTEN | TCPF_SYN_SENT)))
		return;
	/* The timer is not moved when a segment of ours carries the ACK, so
	 * it may have been queued for data acknowledged since: the ACK
	 * pending now is due delack_ms after the data that made it pending
	 * (TCP starts its timer afresh then), or an exchange of requests and
	 * replies would send a pure ACK every delack_ms.
	 */
	due_us = xtcp_delack_us(sk);
	waited_us = (u32)xtcp_clock_us(xs) - xs->ack_since_us;
	if (waited_us < due_us) {
		xtcp_timer_start(sk, XTCP_TIMER_DELACK,
				 ktime_add_us(ns_to_ktime(xtcp_clock_ns(xs)),
					      due_us - waited_us));
		return;
	}
	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_DELAYEDACKS);
	xtcp_send_ack(sk);
}

static void xtcp_keepalive_expired(struct sock *sk)
{
	struct inet_connection_sock *icsk = inet_csk(sk);
	struct xtcp_sock *xs = xtcp_sk(sk);
	u64 idle_ns, keepidle_ns;

	if (!sock_flag(sk, SOCK_KEEPOPEN) ||
	    !((1 << sk->sk_state) & (TCPF_ESTABLISHED | TCPF_CLOSE_WAIT |
				     TCPF_FIN_WAIT1 | TCPF_FIN_WAIT2)))
		return;

	keepidle_ns = (u64)xtcp_keepalive_time(sk) * NSEC_PER_SEC;
	idle_ns = xtcp_clock_ns(xs) - xs->last_rcv_ns;
	if (idle_ns < keepidle_ns) {
		icsk->icsk_probes_out = 0;
		xtcp_arm_keepalive(sk, keepidle_ns - idle_ns);
		return;
	}
	if (xs->packets_out || xs->send_head) {
		/* Data is outstanding: the retransmit timer watches the peer. */
		xtcp_arm_keepalive(sk, keepidle_ns);
		return;
	}
	if (icsk->icsk_probes_out >= xtcp_keepalive_probes(sk)) {
		xtcp_send_active_reset(sk, GFP_ATOMIC);
		xtcp_reset(sk, ETIMEDOUT);
		return;
	}
	xtcp_send_probe(sk);
	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_KEEPALIVEPROBES);
	icsk->icsk_probes_out++;
	xtcp_arm_keepalive(sk, (u64)xtcp_keepalive_intvl(sk) * NSEC_PER_SEC);
}

/* Common body of the three hrtimer callbacks. */
static enum hrtimer_restart xtcp_timer_run(struct xtcp_sock *xs, int id,
					   void (*fn)(struct sock *sk))
{
	struct sock *sk = xtcp_timer_sk(xs);
	bool put;

	bh_lock_sock(sk);
	if (!sock_owned_by_user(sk)) {
		xtcp_clock_refresh(xs);
		fn(sk);
	} else if (!test_and_set_bit(id, &xs->deferred)) {
		sock_hold(sk);
	}
	put = xtcp_timer_done(xs, id);
	bh_unlock_sock(sk);
	if (put)
		sock_put(sk);
	return HRTIMER_NORESTART;
}

static enum hrtimer_restart xtcp_rtx_timer_fn(struct hrtimer *t)
{
	return xtcp_timer_run(container_of(t, struct xtcp_sock, rtx_timer),
			      XTCP_TIMER_RTX, xtcp_rtx_timer_expired);
}

static enum hrtimer_restart xtcp_delack_timer_fn(struct hrtimer *t)
{
	return xtcp_timer_run(container_of(t, struct xtcp_sock, delack_timer),
			      XTCP_TIMER_DELACK, xtcp_delack_expired);
}

static enum hrtimer_restart xtcp_keepalive_timer_fn(struct hrtimer *t)
{
	return xtcp_timer_run(container_of(t, struct xtcp_sock, keepalive_timer),
			      XTCP_TIMER_KEEPALIVE, xtcp_keepalive_expired);
}

static enum hrtimer_restart xtcp_pace_timer_fn(struct hrtimer *t)
{
	return xtcp_timer_run(container_of(t, struct xtcp_sock, pace_timer),
			      XTCP_TIMER_PACE, xtcp_pacing_kick);
}

/**
 * xtcp_release_cb() - run timer work deferred while a process owned @sk
 * @sk: the socket, being released by its owner
 */
void xtcp_release_cb(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (!READ_ONCE(xs->deferred))
		return;
	xtcp_clock_refresh(xs);
	if (test_and_clear_bit(XTCP_TIMER_RTX, &xs->deferred)) {
		xtcp_rtx_timer_expired(sk);
		__sock_put(sk);
	}
	if (test_and_clear_bit(XTCP_TIMER_DELACK, &xs->deferred)) {
		xtcp_delack_expired(sk);
		__sock_put(sk);
	}
	if (test_and_clear_bit(XTCP_TIMER_KEEPALIVE, &xs->deferred)) {
		xtcp_keepalive_expired(sk);
		__sock_put(sk);
	}
	if (test_and_clear_bit(XTCP_MTU_DEFERRED, &xs->deferred)) {
		inet_csk(sk)->icsk_af_ops->mtu_reduced(sk);
		__sock_put(sk);
	}
	if (test_and_clear_bit(XTCP_TIMER_PACE, &xs->deferred)) {
		xtcp_pacing_kick(sk);
		__sock_put(sk);
	}
	if (test_and_clear_bit(XTCP_TSQ_DEFERRED, &xs->deferred)) {
		xtcp_tsq_write(sk);
		__sock_put(sk);
	}
}

/**
 * xtcp_init_timers() - set up a socket's hrtimers (none armed)
 * @sk: the socket
 */
void xtcp_init_timers(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	hrtimer_init(&xs->rtx_timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS_SOFT);
	xs->rtx_timer.function = xtcp_rtx_timer_fn;
	hrtimer_init(&xs->delack_timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS_SOFT);
	xs->delack_timer.function = xtcp_delack_timer_fn;
	hrtimer_init(&xs->keepalive_timer, CLOCK_MONOTONIC,
		     HRTIMER_MODE_ABS_SOFT);
	xs->keepalive_timer.function = xtcp_keepalive_timer_fn;
	hrtimer_init(&xs->pace_timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS_SOFT);
	xs->pace_timer.function = xtcp_pace_timer_fn;
	spin_lock_init(&xs->timer_lock);
	xs->rtx_mode = XTCP_RTX_NONE;
	xs->deferred = 0;
	xs->armed = 0;
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_init_timers);

/**
 * xtcp_clear_timers() - cancel every timer of a socket
 * @sk: the socket, locked
 *
 * A callback already running, or a timer queued again while it ran, keeps
 * its reference and, finding the socket closed (rtx_mode and ack_pending
 * cleared here), does nothing; so does work deferred to xtcp_release_cb().
 */
void xtcp_clear_timers(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xs->rtx_mode = XTCP_RTX_NONE;
	xs->ack_pending = 0;
	xs->ack_held = 0;
	xtcp_timer_stop(sk, XTCP_TIMER_RTX);
	xtcp_timer_stop(sk, XTCP_TIMER_DELACK);
	xtcp_timer_stop(sk, XTCP_TIMER_KEEPALIVE);
	xtcp_timer_stop(sk, XTCP_TIMER_PACE);
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_clear_timers);
