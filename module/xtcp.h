/* SPDX-License-Identifier: GPL-2.0 */
/*
 * XTCP internal definitions: the connection socket, the per-skb control
 * block, the per-namespace state and the prototypes shared between files.
 *
 * Locking
 * =======
 * XTCP follows the inet stream-socket model:
 *
 * - The socket lock (lock_sock()/bh_lock_sock()) protects every field of
 *   struct xtcp_sock, the write queue, the receive queue and the
 *   out-of-order queue. Process context takes it with lock_sock(); softirq
 *   input takes the spinlock with bh_lock_sock_nested() and, when a process
 *   owns the socket, queues the segment to the socket backlog, which
 *   release_sock() drains through xtcp_v4_do_rcv().
 * - The hrtimers (retransmit/persist, delayed ACK, keepalive) run in softirq
 *   context (HRTIMER_MODE_*_SOFT) and take the socket spinlock
 *   (bh_lock_sock()). "The socket lock" is therefore not one lock for them:
 *   a callback that finds the socket owned by a process runs at the same
 *   time as the owner, who holds lock_sock() with the spinlock released.
 *   A timer that is queued or whose callback runs holds exactly one socket
 *   reference, recorded by its bit in xtcp_sock.armed. Taking or returning
 *   that reference and queueing the timer are one decision under
 *   xtcp_sock.timer_lock, a leaf spinlock taken by xtcp_timer_start(),
 *   xtcp_timer_stop() and the end of each callback (see xtcp_timer.c): the
 *   owner restarting a timer whose callback is finishing on another CPU (or
 *   interrupting the owner on this one) cannot leave it queued without a
 *   reference. A callback that finds the socket owned sets a bit in
 *   xtcp_sock.deferred (with a reference of its own) and leaves the work to
 *   xtcp_release_cb(), which runs under the spinlock with ownership still
 *   held.
 * - Lock order: listener socket lock, then the child's (sk_clone_lock()
 *   bh-locks the child while the listener is held); the inet hash bucket
 *   locks (ehash, bhash, bhash2) nest inside socket locks; timer_lock nests
 *   inside the socket spinlock and outside the hrtimer base lock. The
 *   control sockets that send resets and TIME_WAIT ACKs are never locked:
 *   IPv4's are per CPU and used with bottom halves off (xtcp_v4_send_ctl()),
 *   IPv6's is per namespace and only read.
 * - Request sockets and TIME_WAIT sockets are refcounted inet minisocks: they
 *   have no lock of their own; their fields are written once before they are
 *   hashed (inet_twsk_hashdance(), inet_csk_reqsk_queue_hash_add()).
 *
 * Lifetime
 * ========
 * Every socket, request socket and TIME_WAIT socket holds a reference on this
 * module (sk_alloc()/inet_twsk_alloc() take one), so the module cannot be
 * removed while any of them exists; a namespace's sockets hold that namespace.
 */
#ifndef _XTCP_H
#define _XTCP_H

#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/rbtree.h>
#include <linux/siphash.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <net/inet_connection_sock.h>
#include <net/inet_timewait_sock.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/netns/generic.h>
#include <net/sock.h>
#include "uapi/linux/xtcp.h"

#include "xtcp_pacing.h"
#include "xtcp_prr.h"
#include "xtcp_rack.h"
#include "xtcp_sack.h"
#include "xtcp_seq.h"
#include "xtcp_tsq.h"
#include "xtcp_wire.h"

extern unsigned int xtcp_ipproto;
extern struct inet_hashinfo xtcp_hashinfo;
extern struct proto xtcp_prot;
extern unsigned int xtcp_net_id;

/* Protocol-wide memory accounting (xtcp_sock.c), like tcp_mem. */
extern long xtcp_sysctl_mem[3];
extern int xtcp_sysctl_rmem[3];
extern int xtcp_sysctl_wmem[3];

/* Retransmission timeout bounds (RFC 6298 2.4, 2.5) and initial value. */
#define XTCP_RTO_MIN_US		(200 * USEC_PER_MSEC)
#define XTCP_RTO_MAX_US		(120 * USEC_PER_SEC)
#define XTCP_RTO_INIT_US	(1 * USEC_PER_SEC)
#define XTCP_DELACK_MAX_NS	(40 * NSEC_PER_MSEC)
/* An ACK held for the owner: half the loss probe's floor (xtcp_rack.h). */
#define XTCP_ACK_HOLD_US	(5 * USEC_PER_MSEC)
#define XTCP_INIT_CWND		10	/* RFC 6928 */
#define XTCP_ORPHAN_RETRIES	8	/* RTO retries for closed sockets */
#define XTCP_MIN_MSS		88
#define XTCP_DEFAULT_MSS	536	/* RFC 9293 3.7.1 */
#define XTCP_MAX_WINDOW		65535U	/* largest window field */
#define XTCP_MAX_WSCALE		14	/* RFC 7323 2.3 */

/**
 * struct xtcp_rx_tstamp - the timestamp option of the segment being
 * processed, as the socket keeps it (the rest of the options are parsed
 * where they are used)
 * @rcv_tsval: its TSval
 * @rcv_tsecr: its TSecr
 * @saw_tstamp: it carried one, and timestamps are agreed
 */
struct xtcp_rx_tstamp {
	u32 rcv_tsval;
	u32 rcv_tsecr;
	u8 saw_tstamp:1;
};

/**
 * struct xtcp_rtt - RFC 6298 round-trip estimator, all in microseconds
 * @srtt: smoothed RTT, 0 before the first sample
 * @rttvar: RTT variation
 * @rto: current retransmission timeout, before backoff
 */
struct xtcp_rtt {
	u32 srtt;
	u32 rttvar;
	u32 rto;
};

/* Per-skb control block, in skb->cb. The IP layer's part must come first. */
struct xtcp_skb_cb {
	union {
		struct inet_skb_parm h4;
#if IS_ENABLED(CONFIG_IPV6)
		struct inet6_skb_parm h6;
#endif
	} header;
	u32 seq;		/* first sequence number */
	u32 end_seq;		/* seq + SYN + FIN + payload length */
	union {
		u32 ack_seq;	/* input: the segment's ACK field */
		u32 tx_us;	/* output: when last transmitted */
	};
	u32 tw_isn;		/* input only: ISN for a SYN that ended a
				 * TIME_WAIT entry, 0 to choose afresh
				 */
	union {
		u16 window;	/* input only: the raw window field */
		u16 seg_size;	/* output: segment size of a sent skb */
	};
	union {
		u16 rx_mss;	/* input only: MSS option of a SYN, 0 if none */
		u16 pcount;	/* output: segments of a sent skb, 0 unsent */
	};
	u8 flags;		/* TCPHDR_* flags */
	u8 sacked;		/* XTCP_SKB_* state bits */
};

#define XTCP_SKB_CB(skb)	((struct xtcp_skb_cb *)&((skb)->cb[0]))
#define XTCP_SKB_RETRANS	0x01	/* transmitted more than once */
#define XTCP_SKB_SACKED		0x02	/* a SACK block covered all of it */
#define XTCP_SKB_LOST		0x04	/* RFC 6675 IsLost, not SACKed */
#define XTCP_SKB_RTX_OUT	0x08	/* lost, retransmitted, in flight */
#define XTCP_SKB_SCOREBOARD	(XTCP_SKB_SACKED | XTCP_SKB_LOST | XTCP_SKB_RTX_OUT)

/* Segments a write-queue skb stands for on the wire: set when it is first
 * sent (xtcp_fragment.c); an unsent one counts as one.
 */
static inline u32 xtcp_skb_pcount(const struct sk_buff *skb)
{
	return XTCP_SKB_CB(skb)->pcount ? : 1;
}

enum xtcp_ca_state {
	XTCP_CA_OPEN = 0,
	XTCP_CA_RECOVERY,	/* NewReno (RFC 6582) or SACK (RFC 6675) recovery */
	XTCP_CA_LOSS,		/* after an RTO, until the loss is repaired */
};

/* What the retransmit hrtimer is armed for. */
enum xtcp_rtx_mode {
	XTCP_RTX_NONE = 0,
	XTCP_RTX_RETRANS,	/* RTO for outstanding data, SYN or FIN */
	XTCP_RTX_PROBE,		/* zero-window persist probe */
	XTCP_RTX_REO,		/* RACK reorder timeout (xtcp_rack.c) */
	XTCP_RTX_TLP,		/* tail loss probe timeout (xtcp_rack.c) */
};

/* The timers: bit numbers in xtcp_sock.deferred (work waiting for
 * xtcp_release_cb()) and in xtcp_sock.armed (the timer holds a reference).
 */
enum xtcp_timer_id {
	XTCP_TIMER_RTX,
	XTCP_TIMER_DELACK,
	XTCP_TIMER_KEEPALIVE,
	XTCP_TIMER_PACE = 4,	/* after XTCP_MTU_DEFERRED: internal pacing */
};

/* xtcp_sock.deferred also holds: a path MTU decrease (ICMP) waiting for
 * xtcp_release_cb(), with a socket reference.
 */
#define XTCP_MTU_DEFERRED	3
/* ... and a send loop to resume, its small queue drained while a process
 * owned the socket (xtcp_tsq.c), with a socket reference.
 */
#define XTCP_TSQ_DEFERRED	5

struct xtcp_cong_ops;

/**
 * struct xtcp_drs - receive buffer autotuning ("dynamic right-sizing",
 *	as tcp_rcv_space_adjust()), all times the connection clock's
 *	microseconds, truncated to 32 bits (differences wrap-safe; a
 *	measurement is never an hour long)
 * @space: bytes the reader copied in the last measured round trip
 * @seq: copied_seq when that measurement started
 * @time_us: when it started
 * @rtt_us: the receiver's RTT estimate (time to receive one window), 0
 *	before the first sample
 * @rtt_seq: rcv_nxt that ends the current RTT sample
 * @rtt_time_us: when the current RTT sample started, 0: none
 */
struct xtcp_drs {
	u32 space;
	u32 seq;
	u32 time_us;
	u32 rtt_us;
	u32 rtt_seq;
	u32 rtt_time_us;
};

/**
 * struct xtcp_sock - an XTCP connection
 * @icsk: inet connection socket; must be first
 * @snd_una: oldest unacknowledged sequence number
 * @snd_nxt: next sequence number to send
 * @snd_max: highest sequence number ever sent (go-back-N after an RTO
 *	moves snd_nxt back; ACKs are accepted up to snd_max)
 * @write_seq: sequence number after the last byte queued by the user
 * @snd_wl1: segment sequence number of the last window update
 * @snd_wl2: segment acknowledgment number of the last window update
 * @snd_wnd: send window the peer offered, bytes
 * @max_window: largest window the peer ever offered
 * @iss: initial send sequence number
 * @rcv_nxt: next sequence number expected
 * @copied_seq: next sequence number the reader will copy
 * @rcv_wnd: window we advertised in the last segment we sent
 * @rcv_wup: rcv_nxt when we last advertised rcv_wnd
 * @irs: initial receive sequence number
 * @mss_cache: current sending MSS
 * @advmss: MSS we advertise
 * @rx_mss: MSS the peer advertised
 * @user_mss: XTCP_MAXSEG clamp, 0 if unset
 * @sack_ok: SACK in use: both ends sent SACK-permitted (before the
 *	handshake ends: we offer it)
 * @sack: SACK scoreboard and receiver blocks (xtcp_sack.c)
 * @rack: RACK-TLP loss detection state (xtcp_rack.c)
 * @prr: Proportional Rate Reduction state (xtcp_prr.c)
 * @rtt: RTT estimator
 * @backoff: consecutive RTO expirations (exponential backoff shift)
 * @probes_out: unanswered zero-window or keepalive probes
 * @snd_cwnd: congestion window, segments
 * @snd_ssthresh: slow-start threshold, segments
 * @snd_cwnd_cnt: congestion-avoidance byte counter
 * @ca_state: one of enum xtcp_ca_state
 * @dupacks: duplicate ACKs counted since the last advance of snd_una
 * @high_seq: NewReno "recover": snd_max when recovery started
 * @cong: congestion-control algorithm
 * @cc_loss_events: ssthresh reductions (fast retransmits, first RTOs)
 * @cc_fr_flight: segments in flight when the last fast retransmit began
 * @cc_fr_cwnd: cwnd then
 * @cc_fr_ssthresh: the ssthresh it set
 * @cong_set: @cong was chosen with XTCP_CONGESTION, not by the namespace
 * @rtx_mode: what rtx_timer is armed for
 * @rtx_deadline: when the retransmit timer work is really due; the hrtimer
 *	may fire earlier and then re-arms itself (lazy re-arming)
 * @rtx_stamp_ns: when the data that is being retransmitted was first sent
 *	(ktime_get_ns(), 0: no retransmission timeout since the last
 *	progress), for giving up by elapsed time
 * @rtx_base_us: the RTO, before backoff, of that first transmission
 * @rtx_timer: retransmission and persist timer
 * @delack_timer: delayed-ACK timer
 * @ack_since_us: when ack_pending was last set (the low 32 bits of
 *	ktime_get_ns() / 1000): the delayed ACK is due delack_ms after that
 * @keepalive_timer: keepalive, and FIN_WAIT2 timeout for orphans
 * @deferred: timers (enum xtcp_timer_id bits) whose work waits for the owner
 * @armed: timers (enum xtcp_timer_id bits) holding a socket reference:
 *	set while the timer is queued or its callback runs
 * @timer_lock: makes "queue the timer" and "take or return its reference"
 *	one decision (xtcp_timer.c)
 * @mtu_info: next-hop MTU from the last ICMP fragmentation needed
 * @ack_pending: data received and not yet acknowledged
 * @ack_held: that ACK is held for the socket's owner
 *	(xtcp_ack_moves_window()), for at most XTCP_ACK_HOLD_US
 * @nodelay: XTCP_NODELAY set (Nagle off)
 * @fin_rcvd: the peer's FIN has been received in order
 * @keepidle: keepalive idle time, seconds (0: the namespace default)
 * @keepintvl: keepalive probe interval, seconds (0: the default)
 * @keepcnt: keepalive probes before reset (0: the default)
 * @ooo_root: out-of-order segments, keyed by sequence number
 * @ooo_bytes: payload bytes held in ooo_root
 * @send_head: first skb of the write queue not yet sent (NULL: all sent)
 * @packets_out: skbs between snd_una and snd_nxt
 * @total_retrans: retransmitted segments over the connection's life
 * @bytes_acked: bytes of ours the peer acknowledged
 * @bytes_received: bytes received in order
 * @segs_in: segments received
 * @segs_out: segments sent
 * @last_rcv_ns: when the last segment arrived (keepalive idle time)
 * @clock_ns: the connection's clock, read once per segment, send or
 *	timer run (xtcp_clock.h)
 * @synq_overflow: listener: jiffies (the low 32 bits) when it last
 *	answered a SYN with a cookie; cookie ACKs are only checked for a
 *	while after that
 * @undo_tsval_lo: connection (shares @synq_overflow's room, as
 *	@undo_tsval does @ts_syn_sent's; the socket is no larger than TCP's):
 *	the TSval of the oldest data in flight when the timeout that may be
 *	undone fired (@undo_rto, xtcp_undo.c): an honest peer echoes nothing
 *	older
 * @last_oow_ack: jiffies of the last ACK sent in reply to an out-of-window
 *	or otherwise invalid segment (xtcp_ratelimit.c), 0 if none
 * @orphan_counted: counted in xtcp_net.orphans until destroyed
 * @af_xtcp: made by socket(AF_XTCP): may become IPv6 and then takes a
 *	sockaddr_in as the v4-mapped address (xtcp_family.c)
 * @reno_rtx_owed: NewReno recovery: the last retransmission of the hole at
 *	snd_una did not go (its copy was below the socket, or the send
 *	failed); xtcp_xmit_pending_rtx() owes it
 * @frto: F-RTO (xtcp_frto.c) watches the ACKs after a timeout (the
 *	window before it is in @sack's prior_cwnd and prior_ssthresh)
 * @undo_rto: a timeout from the Open state, with timestamps, whose first
 *	ACK of new data has not come yet: that ACK may show it spurious (the
 *	window before it is in @sack's prior_cwnd and prior_ssthresh)
 * @wscale_ok: window scaling agreed (RFC 7323 2); in SYN_SENT: offered
 * @tstamp_ok: timestamps agreed (RFC 7323 3); in SYN_SENT: offered
 * @ts_recent: TS.Recent, the peer's TSval to echo (RFC 7323 4.3)
 * @ts_recent_stamp: when ts_recent was set, seconds (ktime_get_seconds())
 * @ts_offset: added to our millisecond clock in TSval (xtcp_tstamp.c)
 * @ts_syn_sent: SYN_SENT: our clock (with ts_offset) when the first SYN
 *	left, for checking the TSecr of a SYN-ACK
 * @undo_tsval: established: our TSval clock when the timeout that may be
 *	undone fired: an ACK echoing an older TSval answers a transmission
 *	from before it
 * @rx_opt: the timestamp option of the segment being processed
 *	(xtcp_tstamp_parse())
 * @snd_wscale: shift the peer applies to its window fields (RFC 7323)
 * @rcv_wscale: shift we apply to ours
 * @drs: receive buffer autotuning state (xtcp_wscale.c)
 * @cork: TCP_CORK set: partial segments wait for uncork (or the persist
 *	timer, as in TCP)
 * @more: the sendmsg() being pushed said MSG_MORE: hold its partial segment
 * @push_once: send partial segments now, whatever Nagle or a cork says
 *	(set around one xtcp_write_xmit(), as TCP_NAGLE_PUSH)
 * @pingpong: TCP_QUICKACK was set to 0 (TCP's pingpong mode)
 * @quickack: TCP_QUICKACK was set to 1: acknowledge at once, no delayed ACK
 * @syncnt: TCP_SYNCNT, SYN retransmissions (0: the namespace's syn_retries)
 * @linger2_ms: TCP_LINGER2: FIN_WAIT2 lifetime of an orphan (0: the
 *	namespace's fin_timeout_ms, -1: no FIN_WAIT2 wait, a reset at once)
 * @user_timeout: TCP_USER_TIMEOUT, milliseconds (0: off)
 * @notsent_lowat: TCP_NOTSENT_LOWAT, bytes (0: off)
 * @window_clamp: TCP_WINDOW_CLAMP, bytes (0: none)
 * @pace_timer: internal pacing: resumes the send loop (xtcp_pacing.c)
 * @pace_next_ns: internal pacing: earliest departure time of the next data
 *	segment (ktime_get_ns())
 * @pace_segs: data segments sent, counted up to XTCP_PACING_FREE_SEGS
 * @tsq_flags: XTCP_TSQ_THROTTLED, XTCP_TSQ_QUEUED (xtcp_tsq.c); atomic bits
 * @tsq_node: on a CPU's TSQ list while XTCP_TSQ_QUEUED
 */
struct xtcp_sock {
	struct inet_connection_sock icsk;

	/* Sequence space, windows and the send queue: every segment's path. */
	u32 snd_una;
	u32 snd_nxt;
	u32 snd_max;
	u32 write_seq;
	u32 snd_wl1;
	u32 snd_wl2;
	u32 snd_wnd;
	u32 max_window;
	u32 iss;

	u32 rcv_nxt;
	u32 copied_seq;
	u32 rcv_wnd;
	u32 rcv_wup;
	u32 irs;

	u16 mss_cache;
	u16 advmss;
	u16 rx_mss;
	u16 user_mss;
	struct sk_buff *send_head;
	u32 packets_out;

	/* Congestion control and retransmission. */
	u32 snd_cwnd;
	u32 snd_ssthresh;
	u32 snd_cwnd_cnt;
	u32 high_seq;
	u8 ca_state;
	u8 dupacks;
	u8 backoff;
	u8 probes_out;
	const struct xtcp_cong_ops *cong;
	struct xtcp_rtt rtt;
	u32 cc_loss_events;
	u32 cc_fr_flight;
	u32 cc_fr_cwnd;
	u32 cc_fr_ssthresh;
	u8 wscale_ok:1,
	   tstamp_ok:1,
	   sack_ok:1,
	   orphan_counted:1,
	   af_xtcp:1,
	   reno_rtx_owed:1,
	   undo_rto:1,
	   frto:1;
	u8 snd_wscale:4,
	   rcv_wscale:4;
	u8 cong_set;
	u8 rtx_mode;
	struct xtcp_sack_state sack;
	struct xtcp_rack rack;
	struct xtcp_prr prr;

	/* Timers. */
	u32 ack_since_us;
	ktime_t rtx_deadline;
	u64 rtx_stamp_ns;
	u32 rtx_base_us;
	u32 mtu_info;
	struct hrtimer rtx_timer;
	struct hrtimer delack_timer;
	struct hrtimer keepalive_timer;
	unsigned long deferred;
	unsigned long armed;
	spinlock_t timer_lock;	/* armed bits + hrtimer state, see xtcp_timer.c */
	u32 keepidle;
	u32 keepintvl;
	u8 keepcnt;
	u8 ack_pending:1,
	   ack_held:1,
	   nodelay:1;
	u8 fin_rcvd;
	u8 cork:1,
	   more:1,
	   push_once:1,
	   pingpong:1,
	   quickack:1;

	/* Receiving. */
	struct rb_root ooo_root;
	u32 ooo_bytes;
	u32 total_retrans;
	u64 bytes_acked;
	u64 bytes_received;
	u32 segs_in;
	u32 segs_out;
	u64 last_rcv_ns;
	u64 clock_ns;
	union {
		u32 synq_overflow;
		u32 undo_tsval_lo;
	};
	u32 last_oow_ack;
	u32 ts_recent;
	u32 ts_recent_stamp;
	u32 ts_offset;
	union {
		u32 ts_syn_sent;
		u32 undo_tsval;
	};
	struct xtcp_rx_tstamp rx_opt;

	/* Socket options, and receive buffer autotuning. */
	int linger2_ms;
	struct xtcp_drs drs;
	u32 user_timeout;
	u32 notsent_lowat;
	u32 window_clamp;
	u8 syncnt;
	u8 pace_segs;

	/* Pacing and small queues. */
	struct hrtimer pace_timer;
	u64 pace_next_ns;
	unsigned long tsq_flags;
	struct list_head tsq_node;
};

static inline struct xtcp_sock *xtcp_sk(const struct sock *sk)
{
	return (struct xtcp_sock *)sk;
}

static inline void *xtcp_cong_priv(const struct sock *sk)
{
	return inet_csk_ca(sk);
}

/**
 * struct xtcp_request_sock - a SYN_RECV connection before its full socket
 * @req: inet request socket; must be first
 * @iss: our initial sequence number
 * @irs: the peer's initial sequence number
 * @mss: MSS the peer offered
 * @synack_ns: when the first SYN-ACK was sent (RTT sample)
 * @last_oow_ack: jiffies of the last SYN-ACK or ACK sent in reply to a
 *	duplicate SYN or an out-of-window segment, 0 if none
 * @ts_recent: the peer's TSval to echo (ireq.tstamp_ok)
 * @ts_off: the connection's ts_offset
 */
struct xtcp_request_sock {
	struct inet_request_sock req;
	u32 iss;
	u32 irs;
	u16 mss;
	u64 synack_ns;
	u32 last_oow_ack;
	u32 ts_recent;
	u32 ts_off;
};

static inline struct xtcp_request_sock *xtcp_rsk(const struct request_sock *req)
{
	return (struct xtcp_request_sock *)req;
}

/**
 * struct xtcp_timewait_sock - what TIME_WAIT keeps of a connection
 * @tw: inet timewait socket; must be first
 * @rcv_nxt: next sequence number expected from the peer
 * @snd_nxt: our next sequence number (after our FIN)
 * @rcv_wnd: window to advertise in re-ACKs
 * @last_oow_ack: jiffies of the last ACK sent from this minisock, 0 if none
 * @ts_recent: the connection's TS.Recent (PAWS, and the TSecr of re-ACKs)
 * @ts_recent_stamp: when it was set, seconds; 0: no timestamps
 * @ts_offset: the connection's ts_offset
 * @max_window: largest window the peer offered (RFC 5961 5.2 ACK check)
 *
 * The window is scaled by tw.tw_rcv_wscale in the ACKs sent from here.
 */
struct xtcp_timewait_sock {
	struct inet_timewait_sock tw;
	u32 rcv_nxt;
	u32 snd_nxt;
	u32 rcv_wnd;
	u32 last_oow_ack;
	u32 ts_recent;
	u32 ts_recent_stamp;
	u32 ts_offset;
	u32 max_window;
};

static inline struct xtcp_timewait_sock *xtcp_twsk(const struct sock *sk)
{
	return (struct xtcp_timewait_sock *)sk;
}

/* Counters in /proc/net/xtcp_stat, one set per network namespace. */
enum xtcp_mib_field {
	XTCP_MIB_ACTIVEOPENS,
	XTCP_MIB_PASSIVEOPENS,
	XTCP_MIB_ATTEMPTFAILS,
	XTCP_MIB_ESTABRESETS,
	XTCP_MIB_CURRESTAB,
	XTCP_MIB_INSEGS,
	XTCP_MIB_OUTSEGS,
	XTCP_MIB_RETRANSSEGS,
	XTCP_MIB_INERRS,
	XTCP_MIB_INCSUMERRORS,
	XTCP_MIB_INBADOPTS,
	XTCP_MIB_OUTRSTS,
	XTCP_MIB_INRSTS,
	XTCP_MIB_OFOQUEUED,
	XTCP_MIB_OFODROPS,
	XTCP_MIB_DUPSEGS,
	XTCP_MIB_FASTRETRANS,
	XTCP_MIB_TIMEOUTS,
	XTCP_MIB_DELAYEDACKS,
	XTCP_MIB_DUPACKSSENT,
	XTCP_MIB_CHALLENGEACKS,
	XTCP_MIB_WINPROBES,
	XTCP_MIB_KEEPALIVEPROBES,
	XTCP_MIB_TIMEWAITS,
	XTCP_MIB_TWREACKS,
	XTCP_MIB_TIMEWAITOVERFLOW,
	XTCP_MIB_LISTENDROPS,
	XTCP_MIB_RCVPRUNED,
	XTCP_MIB_PMTUREDUCED,
	XTCP_MIB_OUTOFWINDOWICMPS,
	XTCP_MIB_PRUNECALLED,
	XTCP_MIB_RCVMEMDROPS,
	XTCP_MIB_MEMORYPRESSURES,
	XTCP_MIB_MEMORYPRESSURESCHRONO,
	XTCP_MIB_SYNCOOKIESSENT,
	XTCP_MIB_SYNCOOKIESRECV,
	XTCP_MIB_SYNCOOKIESFAILED,
	XTCP_MIB_LISTENOVERFLOWS,
	XTCP_MIB_ACKSKIPPEDSEQ,
	XTCP_MIB_ACKSKIPPEDCHALLENGE,
	XTCP_MIB_ACKSKIPPEDSYNRECV,
	XTCP_MIB_ACKSKIPPEDTIMEWAIT,
	XTCP_MIB_ACKSKIPPEDFINWAIT2,
	XTCP_MIB_CHALLENGEACKLIMITED,
	XTCP_MIB_TOOMANYORPHANS,
	XTCP_MIB_ORPHANTIMEOUTS,
	XTCP_MIB_HYSTARTDELAYDETECT,
	XTCP_MIB_HYSTARTCSSEXIT,
	XTCP_MIB_PAWSESTABREJECTED,
	XTCP_MIB_PAWSACTIVEREJECTED,
	XTCP_MIB_SACKRECOVERY,
	XTCP_MIB_SACKBLOCKSRECEIVED,
	XTCP_MIB_SACKBLOCKSIGNORED,
	XTCP_MIB_SACKRETRANS,
	XTCP_MIB_SACKSKIPPEDRETRANS,
	XTCP_MIB_SACKRENEGING,
	XTCP_MIB_DSACKRECV,
	XTCP_MIB_DSACKSENT,
	XTCP_MIB_SPURIOUSRETRANSUNDO,
	XTCP_MIB_GSOSENDS,
	XTCP_MIB_TLPPROBES,
	XTCP_MIB_TLPRECOVERY,
	XTCP_MIB_RACKREORDER,
	XTCP_MIB_RACKREOTIMEOUTS,
	XTCP_MIB_LOSTRETRANSMIT,
	XTCP_MIB_TSQTHROTTLED,
	XTCP_MIB_SPURIOUSRTXHOSTQUEUES,
	XTCP_MIB_TSQDEFERRED,
	XTCP_MIB_RCVCOLLAPSED,
	XTCP_MIB_BACKLOGDROP,
	XTCP_MIB_WQUEUETOOBIG,
	XTCP_MIB_BACKLOGCOALESCE,
	XTCP_MIB_RCVCOALESCE,
	XTCP_MIB_SYNCOOKIESDUPLICATE,
	XTCP_MIB_LOSSUNDO,
	XTCP_MIB_SPURIOUSRTOS,
	XTCP_MIB_MAX
};

struct xtcp_mib {
	unsigned long mibs[XTCP_MIB_MAX];
};

/**
 * struct xtcp_net - XTCP's per-network-namespace state
 * @mib: per-CPU counters
 * @death_row: TIME_WAIT accounting for inet_twsk_alloc()
 * @sysctl_hdr: net.xtcp sysctl table
 * @rto_min_ms: lower RTO bound
 * @rto_max_ms: upper RTO bound
 * @syn_retries: SYN retransmissions before connect() gives up
 * @synack_retries: SYN-ACK retransmissions before a request is dropped
 * @retries2: data retransmissions before an established connection dies
 * @tw_timeout_ms: TIME_WAIT duration (2*MSL)
 * @fin_timeout_ms: how long an orphan waits in FIN_WAIT2
 * @keepalive_time: default keepalive idle time, seconds
 * @keepalive_intvl: default keepalive probe interval, seconds
 * @keepalive_probes: default keepalive probe count
 * @delack_ms: delayed-ACK timeout
 * @syncookies: SYN cookies: 0 never, 1 when a listener's request queue
 *	overflows, 2 always (as net.ipv4.tcp_syncookies)
 * @challenge_ack_limit: challenge ACKs per second for the namespace
 *	(RFC 5961 7); INT_MAX for no namespace-wide limit
 * @invalid_ratelimit_ms: least interval between two ACKs one socket sends
 *	in reply to out-of-window or invalid segments; 0 for no limit
 * @orphan_retries: backoff (RTO doublings) after which an orphan whose RTO
 *	reached rto_max gives up, answered probes or not (tcp_orphan_retries)
 * @max_orphans: orphans (closed sockets still sending) the namespace keeps;
 *	more are reset
 * @congestion_control: algorithm of new sockets
 *	(net.xtcp.congestion_control)
 * @timestamps: RFC 7323 timestamps offered and accepted (tcp_timestamps)
 * @challenge_stamp: second (jiffies / HZ) of the challenge ACK budget
 * @challenge_count: challenge ACKs left in that second
 * @orphans: orphans of the namespace
 * @window_scaling: offer and accept RFC 7323 window scaling (0/1)
 * @sack: offer and accept SACK (RFC 2018), as net.ipv4.tcp_sack
 * @dsack: report duplicates in SACK blocks (RFC 2883), as tcp_dsack
 * @recovery: loss detection, as tcp_recovery: XTCP_RACK_* bits
 * @frto: F-RTO (RFC 5682, xtcp_frto.c) for timeouts of connections
 *	without timestamps or SACK, as tcp_frto
 * @ctl_sk6: the IPv6 control socket (resets and TIME_WAIT ACKs over IPv6)
 * @min_rtt_wlen: seconds an RTT sample counts for min_RTT, as
 *	tcp_min_rtt_wlen
 */
struct xtcp_net {
	struct xtcp_mib __percpu *mib;
	struct inet_timewait_death_row death_row;
	struct ctl_table_header *sysctl_hdr;
	int rto_min_ms;
	int rto_max_ms;
	int syn_retries;
	int synack_retries;
	int retries2;
	int tw_timeout_ms;
	int fin_timeout_ms;
	int keepalive_time;
	int keepalive_intvl;
	int keepalive_probes;
	int delack_ms;
	int syncookies;
	int challenge_ack_limit;
	int invalid_ratelimit_ms;
	int orphan_retries;
	int max_orphans;
	const struct xtcp_cong_ops *congestion_control;
	int timestamps;
	u32 challenge_stamp;
	u32 challenge_count;
	atomic_t orphans;
	int window_scaling;
	int sack;
	int dsack;
	int recovery;
	int frto;
	struct sock *ctl_sk6;
	int min_rtt_wlen;
	int pacing_ss_ratio;
	int pacing_ca_ratio;
	int limit_output_bytes;
};

static inline struct xtcp_net *xtcp_pernet(const struct net *net)
{
	return net_generic(net, xtcp_net_id);
}

#define XTCP_INC_STATS(net, field) \
	this_cpu_inc(xtcp_pernet(net)->mib->mibs[field])
#define XTCP_ADD_STATS(net, field, val) \
	this_cpu_add(xtcp_pernet(net)->mib->mibs[field], val)
#define XTCP_DEC_STATS(net, field) \
	this_cpu_dec(xtcp_pernet(net)->mib->mibs[field])

/* Free a write-queue skb, unlinked, and uncharge its memory. */
static inline void xtcp_wmem_free_skb(struct sock *sk, struct sk_buff *skb)
{
	sk_wmem_queued_add(sk, -skb->truesize);
	sk_mem_uncharge(sk, skb->truesize);
	__kfree_skb(skb);
}

/* Segments in flight (RFC 6675 "pipe", counted in skbs): without SACK the
 * scoreboard counters stay 0 and this is packets_out.
 */
static inline u32 xtcp_packets_in_flight(const struct xtcp_sock *xs)
{
	u32 left = xs->sack.sacked_out + xs->sack.lost_out;

	if (left >= xs->packets_out)
		return xs->sack.retrans_out;
	return xs->packets_out - left + xs->sack.retrans_out;
}

/* xtcp_main.c */
const char *xtcp_state_name(int state);
int xtcp_family_number(void);

/* xtcp_family.c */
int xtcp_family_create(struct net *net, struct socket *sock, int protocol,
		       int kern);
bool xtcp_family_to_v6(struct socket *sock, const struct sockaddr *uaddr,
		       int addr_len);
struct sockaddr *xtcp_family_map4(struct socket *sock, struct sockaddr *uaddr,
				  int *addr_len, struct sockaddr_in6 *sin6);
int xtcp_family_setsockopt(struct socket *sock, int level, int optname,
			   sockptr_t optval, unsigned int optlen);

/* xtcp_sock.c */
extern const struct proto_ops xtcp_stream_ops;
int xtcp_listen(struct socket *sock, int backlog);
extern struct request_sock_ops xtcp_request_sock_ops;
void xtcp_set_state(struct sock *sk, int state);
void xtcp_done(struct sock *sk);
void xtcp_reset(struct sock *sk, int err);
void xtcp_init_xmit_state(struct sock *sk);
int xtcp_disconnect(struct sock *sk, int flags);
int xtcp_mem_init(void);
void xtcp_mem_exit(void);
long xtcp_memory_allocated_sum(void);
bool xtcp_memory_pressure_now(void);
void xtcp_forced_mem_schedule(struct sock *sk, int size, int kind);

/* xtcp_info.c */
struct tcp_info;
void xtcp_get_tcp_info(struct sock *sk, struct tcp_info *info);

/* xtcp_ipv4.c */
int xtcp_v4_rcv(struct sk_buff *skb);
int xtcp_v4_err(struct sk_buff *skb, u32 info);
void xtcp_v4_mtu_reduced(struct sock *sk);
void xtcp_pmtu_shrink(struct sock *sk, u32 mtu);
void xtcp_req_err(struct request_sock *req, u32 seq, bool abort);
void xtcp_icmp_report(struct sock *sk, int err, bool recverr);
int xtcp_v4_do_rcv(struct sock *sk, struct sk_buff *skb);
int xtcp_v4_connect(struct sock *sk, struct sockaddr *uaddr, int addr_len);
int xtcp_v4_pre_connect(struct sock *sk, struct sockaddr *uaddr, int addr_len);
int xtcp_connect_start(struct sock *sk, u32 iss);
u32 xtcp_isn(__be32 saddr, __be32 daddr, __be16 sport, __be16 dport);
void xtcp_v4_send_reset(const struct sock *sk, struct sk_buff *skb);
void xtcp_v4_send_ack(struct net *net, struct sk_buff *skb, u32 seq, u32 ack,
		      u32 win);
void xtcp_v4_send_ack_ts(struct net *net, struct sk_buff *skb, u32 seq, u32 ack,
			 u32 win, const u32 *ts,
			 const struct inet_timewait_sock *tw);
extern const struct inet_connection_sock_af_ops xtcp_ipv4_af_ops;
void xtcp_v4_send_check(struct sock *sk, struct sk_buff *skb);
int xtcp_fill_cb(struct sk_buff *skb, const struct tcphdr *th);
struct sk_buff *xtcp_ctl_skb(const struct sk_buff *in_skb, u32 seq, u32 ack,
			     u8 flags, u32 win, const u32 *ts);
u32 xtcp_isn_clock(void);
void xtcp_ctl_sent(struct net *net, u8 flags);
void xtcp_reset_reply(struct net *net, struct sk_buff *skb,
		      const struct sock *sk);
int xtcp_ctl_oif(struct net *net, const struct sk_buff *in_skb, int bound);
void xtcp_ctl_marks(const struct sock *sk, const struct sk_buff *in_skb,
		    u32 *mark, u32 *priority);
int xtcp_v4_ctl_init(void);
void xtcp_v4_ctl_exit(void);

/**
 * struct xtcp_rcv_ops - what xtcp_rcv() needs from an address family
 * @csum_init: skb_checksum_init() over the family's pseudo-header; true
 *	when the checksum is known bad
 * @lookup: find the socket for the segment (referenced if *refcounted)
 * @policy_check: xfrm policy check (sk may be NULL); false to drop
 * @min_ttl_drop: IP_MINTTL / IPV6_MINHOPCOUNT says drop
 * @do_rcv: process the segment on a locked (or listening) socket
 */
struct xtcp_rcv_ops {
	bool (*csum_init)(struct sk_buff *skb);
	struct sock *(*lookup)(struct sk_buff *skb, const struct tcphdr *th,
			       bool *refcounted);
	bool (*policy_check)(struct sock *sk, struct sk_buff *skb);
	bool (*min_ttl_drop)(const struct sock *sk, const struct sk_buff *skb);
	int (*do_rcv)(struct sock *sk, struct sk_buff *skb);
};

int xtcp_rcv(struct sk_buff *skb, const struct xtcp_rcv_ops *ops);

/**
 * struct xtcp_req_family - what xtcp_conn_request() needs from a family
 * @rsk_ops: request socket ops of the family
 * @init_req: fill the request's addresses from the SYN
 * @isn: the ISN for the SYN's 4-tuple
 * @cookie_seq: SYN cookie ISN, or NULL when the family has no cookies
 * @send_synack: send the SYN-ACK for the request
 */
struct xtcp_req_family {
	struct request_sock_ops *rsk_ops;
	void (*init_req)(const struct sock *sk, struct request_sock *req,
			 struct sk_buff *skb);
	u32 (*isn)(const struct sk_buff *skb);
	u32 (*cookie_seq)(struct sock *sk, const struct sk_buff *skb,
			  u16 *mssp);
	int (*send_synack)(const struct sock *sk, struct request_sock *req);
};

int xtcp_conn_request(struct sock *sk, struct sk_buff *skb,
		      const struct xtcp_req_family *fam);
int xtcp_v4_conn_request(struct sock *sk, struct sk_buff *skb);
void xtcp_child_init(struct sock *sk, struct sock *newsk,
		     struct request_sock *req, struct sk_buff *skb);
struct sock *xtcp_v4_syn_recv_sock(const struct sock *sk, struct sk_buff *skb,
				   struct request_sock *req,
				   struct dst_entry *dst,
				   struct request_sock *req_unhash,
				   bool *own_req,
				   void (*opt_child_init)(struct sock *newsk,
							  const struct sock *sk));

/* xtcp_ipv6.c */
#if IS_ENABLED(CONFIG_IPV6)
int xtcp_ipv6_init(void);
void xtcp_ipv6_exit(void);
void xtcp_v6_send_ctl(struct net *net, struct sk_buff *in_skb, u32 seq,
		      u32 ack, u8 flags, u32 win, const u32 *ts,
		      const struct sock *sk);
struct sock *xtcp_v6_tw_listener(struct net *net, struct sk_buff *skb);
void xtcp_v6_send_reset(const struct sock *sk, struct sk_buff *skb);
void xtcp_v6_time_wait(struct inet_timewait_sock *tw, const struct sock *sk);
void xtcp_v6_init_req(const struct sock *sk, struct request_sock *req,
		      struct sk_buff *skb);
u32 xtcp_v6_tuple_hash(const struct in6_addr *saddr,
		       const struct in6_addr *daddr, __be16 sport,
		       __be16 dport, const siphash_key_t *key);
u32 xtcp_tstamp_offset6(const struct in6_addr *saddr,
			const struct in6_addr *daddr, __be16 sport,
			__be16 dport);
struct proto *xtcp_v6_family_prot(void);
int xtcp_v6_promote(struct socket *sock);
#else
static inline struct proto *xtcp_v6_family_prot(void)
{
	return NULL;
}

static inline int xtcp_v6_promote(struct socket *sock)
{
	return -EAFNOSUPPORT;
}

static inline int xtcp_ipv6_init(void)
{
	return 0;
}

static inline void xtcp_ipv6_exit(void)
{
}

static inline void xtcp_v6_send_ctl(struct net *net, struct sk_buff *in_skb,
				    u32 seq, u32 ack, u8 flags, u32 win,
				    const u32 *ts, const struct sock *sk)
{
}

static inline void xtcp_v6_send_reset(const struct sock *sk,
				      struct sk_buff *skb)
{
}

static inline struct sock *xtcp_v6_tw_listener(struct net *net,
					       struct sk_buff *skb)
{
	return NULL;
}

static inline void xtcp_v6_time_wait(struct inet_timewait_sock *tw,
				     const struct sock *sk)
{
}

static inline void xtcp_v6_init_req(const struct sock *sk,
				    struct request_sock *req,
				    struct sk_buff *skb)
{
}
#endif

/* Did @skb come over IPv6? (A v4-mapped socket's segments did not.) */
static inline bool xtcp_skb_is_v6(const struct sk_buff *skb)
{
	return IS_ENABLED(CONFIG_IPV6) && skb->protocol == htons(ETH_P_IPV6);
}

/* xtcp_input.c */
int xtcp_rcv_state_process(struct sock *sk, struct sk_buff *skb);
struct sock *xtcp_check_req(struct sock *sk, struct sk_buff *skb,
			    struct request_sock *req);
int xtcp_child_process(struct sock *parent, struct sock *child,
		       struct sk_buff *skb);
void xtcp_xmit_pending_rtx(struct sock *sk);

/* xtcp_ofo.c */
bool xtcp_ofo_insert(struct rb_root *root, struct sk_buff *skb, u32 *bytes);
struct sk_buff *xtcp_ofo_pop(struct rb_root *root, u32 rcv_nxt, u32 *bytes);
void xtcp_ofo_purge(struct rb_root *root, u32 *bytes);
bool xtcp_ofo_prune_tail(struct rb_root *root, u32 after, u32 *bytes);

/* xtcp_backlog.c */
u32 xtcp_backlog_limit(u32 rcvbuf, u32 sndbuf);
bool xtcp_backlog_can_merge(const struct sk_buff *tail,
			    const struct sk_buff *skb);
int xtcp_backlog_merge(struct sk_buff *tail, struct sk_buff *skb, int *delta);
bool xtcp_add_backlog(struct sock *sk, struct sk_buff *skb);

/* xtcp_collapse.c */
u32 xtcp_collapse_gain(u32 payload, u32 truesize);
bool xtcp_collapse_rcvq(struct sock *sk, u32 need);
bool xtcp_rcvq_coalesce(struct sock *sk, struct sk_buff *skb);

/* xtcp_output.c */
bool xtcp_csum_offload(struct sock *sk);
void xtcp_csum_set_partial(struct sk_buff *skb, __be32 saddr, __be32 daddr);
__sum16 xtcp_v4_csum(__be32 saddr, __be32 daddr, unsigned int len, __wsum base);
__sum16 xtcp_v6_csum(const struct in6_addr *saddr, const struct in6_addr *daddr,
		     unsigned int len, __wsum base);
__wsum xtcp_csum_partial_prep(struct sk_buff *skb);
void xtcp_csum_set_partial6(struct sk_buff *skb, const struct in6_addr *saddr,
			    const struct in6_addr *daddr);
int xtcp_transmit_skb(struct sock *sk, struct sk_buff *skb, gfp_t gfp);
void xtcp_write_xmit(struct sock *sk);
void xtcp_send_ack(struct sock *sk);
void xtcp_send_probe(struct sock *sk);
void xtcp_send_fin(struct sock *sk);
void xtcp_send_active_reset(struct sock *sk, gfp_t gfp);
int xtcp_connect(struct sock *sk);
int xtcp_retransmit_skb(struct sock *sk, struct sk_buff *skb);
int xtcp_send_new_one(struct sock *sk);
struct sk_buff *xtcp_make_synack(const struct sock *sk, struct request_sock *req,
				 struct dst_entry *dst);
unsigned int xtcp_sync_mss(struct sock *sk, u32 pmtu);
unsigned int xtcp_current_mss(struct sock *sk);
void xtcp_go_back_n(struct sock *sk);
void xtcp_undo_go_back_n(struct sock *sk);
void xtcp_write_queue_purge(struct sock *sk);
void xtcp_queue_tail(struct sock *sk, struct sk_buff *skb);

/* xtcp_fragment.c */
u32 xtcp_pcount_of(u32 len, u32 seg_size);
void xtcp_skb_set_pcount(struct sk_buff *skb, u32 mss);
int xtcp_fragment(struct sock *sk, struct sk_buff *skb, u32 len, gfp_t gfp);
int xtcp_unbundle(struct sock *sk, struct sk_buff *skb, gfp_t gfp);
bool xtcp_one_segment(struct sock *sk, struct sk_buff *skb);
int xtcp_trim_acked(struct sock *sk, struct sk_buff *skb, u32 una);
u32 xtcp_size_goal(struct sock *sk);

/* xtcp_stream.c */
bool xtcp_send_charge(struct sock *sk, struct sk_buff *skb, int *copy);
void xtcp_send_unqueue_empty(struct sock *sk, struct sk_buff *skb);
int xtcp_send_begin(struct sock *sk, long *timeo);
struct sk_buff *xtcp_send_tail_skb(struct sock *sk, u32 size_goal);
int xtcp_send_wait(struct sock *sk, long *timeo);
void xtcp_send_push(struct sock *sk, int flags);
int xtcp_sendmsg(struct sock *sk, struct msghdr *msg, size_t size);
int xtcp_recvmsg(struct sock *sk, struct msghdr *msg, size_t len, int flags,
		 int *addr_len);
int xtcp_ioctl(struct sock *sk, int cmd, unsigned long arg);
__poll_t xtcp_poll(struct file *file, struct socket *sock, poll_table *wait);
void xtcp_write_space(struct sock *sk);
bool xtcp_stream_memory_free(const struct sock *sk, int wake);
void xtcp_push_now(struct sock *sk);

/* xtcp_sendpage.c */
int xtcp_sendpage(struct sock *sk, struct page *page, int offset,
		  size_t size, int flags);

/* xtcp_window.c */
u32 xtcp_window_space(u32 rcvbuf, u32 rmem_alloc, u32 mss, u8 wscale);
u32 xtcp_choose_window(u32 cur_wnd, u32 space, u32 full, u32 mss);
bool xtcp_quick_ack_ok(u32 space, u32 full, u32 unread, int rcvlowat,
		       bool reader_busy);
u32 xtcp_ack_delay_us(u32 delack_ms, bool held);
u32 xtcp_rcv_full_seg(const struct sock *sk);
bool xtcp_ack_moves_window(struct sock *sk);
void xtcp_rcv_space_adjust(struct sock *sk, bool copied);
u32 xtcp_select_window(struct sock *sk);
u32 xtcp_synack_window(const struct sock *sk, struct request_sock *req,
		       u32 mss);

/* xtcp_wscale.c */
u8 xtcp_wscale_choose(u32 space);
u8 xtcp_wscale_from_peer(u8 wscale);
u32 xtcp_wscale_round(u32 win, u32 cur, u8 wscale);
u32 xtcp_wscale_field(u32 win, u8 wscale);
unsigned int xtcp_wscale_write(u8 *ptr, u8 wscale);
u32 xtcp_wscale_rcv_space(const struct sock *sk);
void xtcp_wscale_connect(struct sock *sk);
void xtcp_wscale_syn_rcvd(struct sock *sk, const struct sk_buff *skb);
void xtcp_wscale_req_init(const struct sock *sk, struct request_sock *req,
			  const struct sk_buff *skb, bool want_cookie);
u32 xtcp_rcvbuf_grow(u32 copied, u32 prev, u32 advmss, u32 rmem_max);
u32 xtcp_sndbuf_want(u32 cwnd, u32 mss);
void xtcp_init_buffer_space(struct sock *sk);
void xtcp_rcv_rtt_measure(struct sock *sk);
void xtcp_rcvbuf_adjust(struct sock *sk);
void xtcp_sndbuf_expand(struct sock *sk);

/* xtcp_timer.c */
void xtcp_init_timers(struct sock *sk);
void xtcp_clear_timers(struct sock *sk);
void xtcp_arm_pace(struct sock *sk, u64 when_ns);
void xtcp_rearm_rto(struct sock *sk);
void xtcp_stop_rto(struct sock *sk);
void xtcp_arm_probe(struct sock *sk);
void xtcp_rtx_arm_mode(struct sock *sk, u8 mode, u32 delay_us);
void xtcp_arm_delack(struct sock *sk);
void xtcp_arm_keepalive(struct sock *sk, u64 delay_ns);
void xtcp_stop_keepalive(struct sock *sk);
void xtcp_release_cb(struct sock *sk);
u32 xtcp_rto_with_backoff(const struct xtcp_sock *xs);
u32 xtcp_keepalive_time(const struct sock *sk);

/* xtcp_rtt.c */
void xtcp_rtt_init(struct xtcp_rtt *rtt);
void xtcp_rtt_sample(struct xtcp_rtt *rtt, u32 sample_us, u32 rto_min_us,
		     u32 rto_max_us);
u32 xtcp_rto_backoff(u32 rto_us, unsigned int backoff, u32 rto_max_us);
u64 xtcp_retrans_timeout(unsigned int boundary, u32 rto_us, u32 rto_max_us);

/* xtcp_cong.c */
void xtcp_cong_init(struct sock *sk);
const struct xtcp_cong_ops *xtcp_cong_find(const char *name);
void xtcp_cong_available(char *buf, size_t size);
int xtcp_cong_set(struct sock *sk, const char *name);
void xtcp_cong_get_info(struct sock *sk, struct xtcp_cc_info *info);
void xtcp_cong_pkts_acked(struct sock *sk, u32 acked_bytes, s64 rtt_us);
void xtcp_cong_on_ack(struct sock *sk, u32 acked_bytes);
void xtcp_cong_enter_recovery(struct sock *sk);
void xtcp_cong_exit_recovery(struct sock *sk);
void xtcp_cong_on_rto(struct sock *sk);
void xtcp_cong_cwr(struct sock *sk);
void xtcp_cong_undo(struct sock *sk, u32 prior_cwnd, u32 prior_ssthresh);

/* xtcp_ratelimit.c */
bool xtcp_rate_limited(struct net *net, int mib, u32 *last);
bool xtcp_oow_rate_limited(struct net *net, const struct sk_buff *skb,
			   int mib, u32 *last);
bool xtcp_challenge_ack_allowed(struct sock *sk);

/* xtcp_sock.c: orphans */
bool xtcp_too_many_orphans(struct net *net, int shift);
bool xtcp_orphan_out_of_resources(struct sock *sk, bool do_reset);

/* xtcp_timewait.c */
void xtcp_time_wait(struct sock *sk, int state, int timeo_ms);
struct sock *xtcp_timewait_rcv(struct inet_timewait_sock *tw,
			       struct sk_buff *skb);
extern struct timewait_sock_ops xtcp_timewait_sock_ops;

/* xtcp_sockopt.c */
int xtcp_setsockopt(struct sock *sk, int level, int optname, sockptr_t optval,
		    unsigned int optlen);
int xtcp_getsockopt(struct sock *sk, int level, int optname,
		    char __user *optval, int __user *optlen);
void xtcp_get_info(struct sock *sk, struct xtcp_info *info);
bool xtcp_defer_accept_holds(const struct sock *sk, struct request_sock *req,
			     const struct sk_buff *skb);

/* xtcp_syncookies.c */
#define XTCP_COOKIE_MSS_BITS	3
#define XTCP_COOKIE_MSS_NUM	BIT(XTCP_COOKIE_MSS_BITS)
#define XTCP_COOKIE_TICK_BITS	5
#define XTCP_COOKIE_TICK_SHIFT	6	/* a tick is 64 seconds */
#define XTCP_COOKIE_MAX_AGE	2	/* ticks: this one and two before */
unsigned int xtcp_cookie_mss_index(u32 mss);
u16 xtcp_cookie_mss(unsigned int idx);
u32 xtcp_cookie_encode(const siphash_key_t *key, __be32 saddr, __be32 daddr,
		       __be16 sport, __be16 dport, u32 irs, u32 tick,
		       unsigned int mss_idx);
int xtcp_cookie_decode(const siphash_key_t *key, __be32 saddr, __be32 daddr,
		       __be16 sport, __be16 dport, u32 irs, u32 cookie,
		       u32 now_tick);
bool xtcp_syn_flood_action(struct sock *sk);
u32 xtcp_cookie_encode6(const siphash_key_t *key, const struct in6_addr *saddr,
			const struct in6_addr *daddr, __be16 sport,
			__be16 dport, u32 irs, u32 tick, unsigned int mss_idx);
int xtcp_cookie_decode6(const siphash_key_t *key, const struct in6_addr *saddr,
			const struct in6_addr *daddr, __be16 sport,
			__be16 dport, u32 irs, u32 cookie, u32 now_tick);
u32 xtcp_cookie_v4_init_sequence(struct sock *sk, const struct sk_buff *skb,
				 u16 *mssp);
u32 xtcp_cookie_v6_init_sequence(struct sock *sk, const struct sk_buff *skb,
				 u16 *mssp);
struct sock *xtcp_cookie_check(struct sock *sk, struct sk_buff *skb);
void xtcp_cookie_child_dup(const struct sock *sk, struct sock *child)
	__releases(&child->sk_lock.slock);

/* xtcp_tstamp.c */
#define XTCP_PAWS_24DAYS	(60 * 60 * 24 * 24)	/* seconds */
#define XTCP_PAWS_WINDOW	1
#define XTCP_TS_OPT_WSCALE_MASK	0xf	/* cookie TSval: peer's wscale */
#define XTCP_TS_OPT_SACK	BIT(4)	/* cookie TSval: SACK ok */
#define XTCP_TS_COOKIE_BITS	6	/* low TSval bits holding the above */
u32 xtcp_ts_clock(void);
u32 xtcp_tstamp_offset(__be32 saddr, __be32 daddr, __be16 sport,
		       __be16 dport);
u32 xtcp_tstamp_req_offset(const struct request_sock *req);
bool xtcp_tstamp_get(const struct sk_buff *skb, u32 *tsval, u32 *tsecr);
void xtcp_tstamp_parse(struct sock *sk, const struct sk_buff *skb);
unsigned int xtcp_tstamp_opt_len(const struct sock *sk);
unsigned int xtcp_tstamp_write(u8 *ptr, u32 tsval, u32 tsecr);
void xtcp_tstamp_write_sk(const struct sock *sk, u8 *ptr);
bool xtcp_paws_check(u32 ts_recent, u32 ts_recent_stamp, u32 tsval,
		     u32 now_sec, int win);
s64 xtcp_ts_rtt_us(u32 now_ts, u32 tsecr);
s64 xtcp_tstamp_rtt_us(const struct sock *sk);
void xtcp_tstamp_connect(struct sock *sk);
bool xtcp_tstamp_synsent_reject(struct sock *sk);
void xtcp_tstamp_syn_rcv(struct sock *sk);
bool xtcp_tstamp_paws_discard(struct sock *sk, const struct sk_buff *skb);
void xtcp_tstamp_update_recent(struct sock *sk, u32 seq);
void xtcp_tstamp_openreq(const struct sock *sk, struct request_sock *req,
			 const struct sk_buff *skb, bool want_cookie);
u32 xtcp_ts_cookie_encode(u32 now_ts, bool wscale_ok, u8 snd_wscale,
			  bool sack_ok);
void xtcp_ts_cookie_decode(u32 tsecr, bool *wscale_ok, u8 *snd_wscale,
			   bool *sack_ok);
u32 xtcp_tstamp_synack_tsval(const struct request_sock *req);
bool xtcp_tstamp_req_ack(const struct request_sock *req, u32 *ts);
bool xtcp_tstamp_check_req(const struct sock *sk, struct request_sock *req,
			   const struct sk_buff *skb);
s64 xtcp_tstamp_child_init(struct sock *child, const struct request_sock *req,
			   const struct sk_buff *skb);
bool xtcp_tstamp_cookie_check(const struct sock *sk, struct request_sock *req,
			      const struct sk_buff *skb);
void xtcp_tstamp_time_wait(const struct sock *sk,
			   struct xtcp_timewait_sock *xtw);
bool xtcp_tstamp_tw_paws(const struct xtcp_timewait_sock *xtw,
			 const struct sk_buff *skb, bool *newer);
bool xtcp_tstamp_tw_ack(const struct xtcp_timewait_sock *xtw, u32 *ts);
void xtcp_tstamp_tw_update(struct xtcp_timewait_sock *xtw,
			   const struct sk_buff *skb);
/* xtcp_offload.c: the gso_type of XTCP super-packets over IPv4 and over
 * IPv6 (see there); a socket's is in sk_gso_type.
 */
#define XTCP_GSO_TYPE	(SKB_GSO_TCPV4 | SKB_GSO_SCTP)
#define XTCP_GSO_TYPE6	(SKB_GSO_TCPV6 | SKB_GSO_SCTP)
u32 xtcp_gso_size_goal(u32 gso_max_size, u32 max_window, u32 mss);
int xtcp_offload_init(void);
void xtcp_offload_exit(void);

/* xtcp_proc.c */
int xtcp_proc_init_net(struct net *net);
void xtcp_proc_exit_net(struct net *net);

/* xtcp_sysctl.c */
int xtcp_sysctl_init_net(struct net *net);
void xtcp_sysctl_exit_net(struct net *net);
int xtcp_sysctl_init(void);
void xtcp_sysctl_exit(void);

/* Helpers for KUnit: exported to xtcp_kunit.ko only when KUnit is built. */
#if IS_ENABLED(CONFIG_KUNIT)
#define EXPORT_SYMBOL_FOR_XTCP_KUNIT(sym) EXPORT_SYMBOL_NS_GPL(sym, XTCP_KUNIT)
#else
#define EXPORT_SYMBOL_FOR_XTCP_KUNIT(sym)
#endif

#include "xtcp_clock.h"

#endif /* _XTCP_H */
