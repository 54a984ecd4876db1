// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP state for people: /proc/net/xtcp lists every socket of the
 * namespace (listeners, connections, request and TIME_WAIT minisocks) and
 * /proc/net/xtcp_stat prints the namespace's counters.
 */
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/inet_hashtables.h>

#include "xtcp.h"

static const char * const xtcp_mib_names[XTCP_MIB_MAX] = {
	[XTCP_MIB_ACTIVEOPENS]		= "ActiveOpens",
	[XTCP_MIB_PASSIVEOPENS]		= "PassiveOpens",
	[XTCP_MIB_ATTEMPTFAILS]		= "AttemptFails",
	[XTCP_MIB_ESTABRESETS]		= "EstabResets",
	[XTCP_MIB_CURRESTAB]		= "CurrEstab",
	[XTCP_MIB_INSEGS]		= "InSegs",
	[XTCP_MIB_OUTSEGS]		= "OutSegs",
	[XTCP_MIB_RETRANSSEGS]		= "RetransSegs",
	[XTCP_MIB_INERRS]		= "InErrs",
	[XTCP_MIB_INCSUMERRORS]		= "InCsumErrors",
	[XTCP_MIB_INBADOPTS]		= "InBadOpts",
	[XTCP_MIB_OUTRSTS]		= "OutRsts",
	[XTCP_MIB_INRSTS]		= "InRsts",
	[XTCP_MIB_OFOQUEUED]		= "OfoQueued",
	[XTCP_MIB_OFODROPS]		= "OfoDrops",
	[XTCP_MIB_DUPSEGS]		= "DupSegs",
	[XTCP_MIB_FASTRETRANS]		= "FastRetrans",
	[XTCP_MIB_TIMEOUTS]		= "Timeouts",
	[XTCP_MIB_DELAYEDACKS]		= "DelayedAcks",
	[XTCP_MIB_DUPACKSSENT]		= "DupAcksSent",
	[XTCP_MIB_CHALLENGEACKS]	= "ChallengeAcks",
	[XTCP_MIB_WINPROBES]		= "WinProbes",
	[XTCP_MIB_KEEPALIVEPROBES]	= "KeepAliveProbes",
	[XTCP_MIB_TIMEWAITS]		= "TimeWaits",
	[XTCP_MIB_TWREACKS]		= "TimeWaitReAcks",
	[XTCP_MIB_TIMEWAITOVERFLOW]	= "TimeWaitOverflow",
	[XTCP_MIB_LISTENDROPS]		= "ListenDrops",
	[XTCP_MIB_RCVPRUNED]		= "RcvPruned",
	[XTCP_MIB_PMTUREDUCED]		= "PmtuReduced",
	[XTCP_MIB_OUTOFWINDOWICMPS]	= "OutOfWindowIcmps",
	[XTCP_MIB_PRUNECALLED]		= "PruneCalled",
	[XTCP_MIB_RCVMEMDROPS]		= "RcvMemDrops",
	[XTCP_MIB_MEMORYPRESSURES]	= "MemoryPressures",
	[XTCP_MIB_MEMORYPRESSURESCHRONO]	= "MemoryPressuresChrono",
	[XTCP_MIB_SYNCOOKIESSENT]	= "SyncookiesSent",
	[XTCP_MIB_SYNCOOKIESRECV]	= "SyncookiesRecv",
	[XTCP_MIB_SYNCOOKIESFAILED]	= "SyncookiesFailed",
	[XTCP_MIB_LISTENOVERFLOWS]	= "ListenOverflows",
	[XTCP_MIB_ACKSKIPPEDSEQ]	= "AckSkippedSeq",
	[XTCP_MIB_ACKSKIPPEDCHALLENGE]	= "AckSkippedChallenge",
	[XTCP_MIB_ACKSKIPPEDSYNRECV]	= "AckSkippedSynRecv",
	[XTCP_MIB_ACKSKIPPEDTIMEWAIT]	= "AckSkippedTimeWait",
	[XTCP_MIB_ACKSKIPPEDFINWAIT2]	= "AckSkippedFinWait2",
	[XTCP_MIB_CHALLENGEACKLIMITED]	= "ChallengeAckLimited",
	[XTCP_MIB_TOOMANYORPHANS]	= "TooManyOrphans",
	[XTCP_MIB_ORPHANTIMEOUTS]	= "OrphanTimeouts",
	[XTCP_MIB_HYSTARTDELAYDETECT]	= "HystartDelayDetect",
	[XTCP_MIB_HYSTARTCSSEXIT]	= "HystartCssExit",
	[XTCP_MIB_PAWSESTABREJECTED]	= "PAWSEstabRejected",
	[XTCP_MIB_PAWSACTIVEREJECTED]	= "PAWSActiveRejected",
	[XTCP_MIB_SACKRECOVERY]		= "SACKRecovery",
	[XTCP_MIB_SACKBLOCKSRECEIVED]	= "SACKBlocksReceived",
	[XTCP_MIB_SACKBLOCKSIGNORED]	= "SACKBlocksIgnored",
	[XTCP_MIB_SACKRETRANS]		= "SACKRetrans",
	[XTCP_MIB_SACKSKIPPEDRETRANS]	= "SACKSkippedRetrans",
	[XTCP_MIB_SACKRENEGING]		= "SACKReneging",
	[XTCP_MIB_DSACKRECV]		= "DSACKRecv",
	[XTCP_MIB_DSACKSENT]		= "DSACKSent",
	[XTCP_MIB_SPURIOUSRETRANSUNDO]	= "SpuriousRetransUndo",
	[XTCP_MIB_GSOSENDS]		= "GsoSends",
	[XTCP_MIB_TLPPROBES]		= "TLPProbes",
	[XTCP_MIB_TLPRECOVERY]		= "TLPRecovery",
	[XTCP_MIB_RACKREORDER]		= "RACKReorder",
	[XTCP_MIB_RACKREOTIMEOUTS]	= "RACKReoTimeouts",
	[XTCP_MIB_LOSTRETRANSMIT]	= "LostRetransmit",
	[XTCP_MIB_TSQTHROTTLED]		= "TSQThrottled",
	[XTCP_MIB_SPURIOUSRTXHOSTQUEUES]	= "SpuriousRtxHostQueues",
	[XTCP_MIB_TSQDEFERRED]		= "TSQDeferred",
	[XTCP_MIB_RCVCOLLAPSED]		= "RcvCollapsed",
	[XTCP_MIB_BACKLOGDROP]		= "BacklogDrop",
	[XTCP_MIB_WQUEUETOOBIG]		= "WqueueTooBig",
	[XTCP_MIB_BACKLOGCOALESCE]	= "BacklogCoalesce",
	[XTCP_MIB_RCVCOALESCE]		= "RcvCoalesce",
	[XTCP_MIB_SYNCOOKIESDUPLICATE]	= "SyncookiesDuplicate",
	[XTCP_MIB_LOSSUNDO]		= "LossUndo",
	[XTCP_MIB_SPURIOUSRTOS]		= "SpuriousRTOs",
};

static int xtcp_stat_show(struct seq_file *seq, void *v)
{
	struct net *net = seq_file_single_net(seq);
	struct xtcp_net *xn = xtcp_pernet(net);
	int i, cpu;

	for (i = 0; i < XTCP_MIB_MAX; i++) {
		long sum = 0;

		for_each_possible_cpu(cpu)
			sum += per_cpu_ptr(xn->mib, cpu)->mibs[i];
		seq_printf(seq, "%s %ld\n", xtcp_mib_names[i], sum);
	}
	/* Protocol-wide gauges, not counters: pages held by every XTCP
	 * socket queue of every namespace, and whether that is above the
	 * pressure level of net.xtcp.mem.
	 */
	seq_printf(seq, "MemoryAllocated %ld\n", xtcp_memory_allocated_sum());
	seq_printf(seq, "MemoryPressure %d\n", xtcp_memory_pressure_now());
	return 0;
}

/* The two addresses: [v6]:port for IPv6, a.b.c.d:port for IPv4 and for
 * a dual-stack socket talking IPv4 (v4-mapped peer).
 */
static void xtcp_show_addrs(struct seq_file *seq, const struct sock *sk,
			    __be32 saddr, u16 sport, __be32 daddr, u16 dport)
{
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6 && !ipv6_addr_v4mapped(&sk->sk_v6_daddr)) {
		seq_printf(seq, "[%pI6c]:%-5u [%pI6c]:%-5u ",
			   &sk->sk_v6_rcv_saddr, sport, &sk->sk_v6_daddr,
			   dport);
		return;
	}
#endif
	seq_printf(seq, "%pI4:%-5u %pI4:%-5u ", &saddr, sport, &daddr, dport);
}

/* One line per socket; the iteration walks the hash tables under RCU. */
static void xtcp_show_full(struct seq_file *seq, struct sock *sk)
{
	const struct inet_sock *inet = inet_sk(sk);
	const struct xtcp_sock *xs = xtcp_sk(sk);
	int state = inet_sk_state_load(sk);
	u32 rx_queue, tx_queue;

	if (state == TCP_LISTEN) {
		rx_queue = READ_ONCE(sk->sk_ack_backlog);
		tx_queue = READ_ONCE(sk->sk_max_ack_backlog);
	} else {
		rx_queue = READ_ONCE(xs->rcv_nxt) - READ_ONCE(xs->copied_seq);
		tx_queue = READ_ONCE(xs->write_seq) - READ_ONCE(xs->snd_una);
	}
	xtcp_show_addrs(seq, sk, inet->inet_rcv_saddr, ntohs(inet->inet_sport),
			inet->inet_daddr, ntohs(inet->inet_dport));
	seq_printf(seq, "%-11s %8u %8u %8u %6u %u\n",
		   xtcp_state_name(state), tx_queue, rx_queue,
		   state == TCP_LISTEN ? 0 : xtcp_rto_with_backoff(xs) / 1000,
		   READ_ONCE(xs->total_retrans), sock_i_uid(sk).val);
}

static void xtcp_show_mini(struct seq_file *seq, struct sock *sk)
{
	int state = sk->sk_state;

	if (state == TCP_TIME_WAIT)
		state = inet_twsk(sk)->tw_substate;
	else
		state = TCP_SYN_RECV;
	xtcp_show_addrs(seq, sk, sk->sk_rcv_saddr, sk->sk_num, sk->sk_daddr,
			ntohs(sk->sk_dport));
	seq_printf(seq, "%-11s %8u %8u %8u %6u %u\n", xtcp_state_name(state),
		   0, 0, 0, 0, 0);
}

static int xtcp_sockets_show(struct seq_file *seq, void *v)
{
	struct net *net = seq_file_single_net(seq);
	struct inet_hashinfo *h = &xtcp_hashinfo;
	struct hlist_nulls_node *node;
	unsigned int i;
	struct sock *sk;

	seq_puts(seq, "local                 remote                state        tx_queue rx_queue   rto_ms retrns uid\n");

	for (i = 0; i <= h->lhash2_mask; i++) {
		struct inet_listen_hashbucket *ilb = &h->lhash2[i];

		spin_lock_bh(&ilb->lock);
		sk_nulls_for_each(sk, node, &ilb->nulls_head)
			if (net_eq(sock_net(sk), net))
				xtcp_show_full(seq, sk);
		spin_unlock_bh(&ilb->lock);
	}

	for (i = 0; i <= h->ehash_mask; i++) {
		spinlock_t *lock = inet_ehash_lockp(h, i);

		if (hlist_nulls_empty(&h->ehash[i].chain))
			continue;
		spin_lock_bh(lock);
		sk_nulls_for_each(sk, node, &h->ehash[i].chain) {
			if (!net_eq(sock_net(sk), net))
				continue;
			if (sk->sk_state == TCP_TIME_WAIT ||
			    sk->sk_state == TCP_NEW_SYN_RECV)
				xtcp_show_mini(seq, sk);
			else
				xtcp_show_full(seq, sk);
		}
		spin_unlock_bh(lock);
	}
	return 0;
}

/**
 * xtcp_proc_init_net() - create /proc/net/xtcp and /proc/net/xtcp_stat
 * @net: the namespace
 *
 * Return: 0 or -ENOMEM.
 */
int xtcp_proc_init_net(struct net *net)
{
	if (!proc_create_net_single("xtcp", 0444, net->proc_net,
				    xtcp_sockets_show, NULL))
		return -ENOMEM;
	if (!proc_create_net_single("xtcp_stat", 0444, net->proc_net,
				    xtcp_stat_show, NULL)) {
		remove_proc_entry("xtcp", net->proc_net);
		return -ENOMEM;
	}
	return 0;
}

/**
 * xtcp_proc_exit_net() - remove the namespace's proc files
 * @net: the namespace
 */
void xtcp_proc_exit_net(struct net *net)
{
	remove_proc_entry("xtcp_stat", net->proc_net);
	remove_proc_entry("xtcp", net->proc_net);
}
