// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP tunables, per network namespace, under net.xtcp.*.
 */
#include <linux/sysctl.h>

#include "xtcp.h"
#include "xtcp_cong.h"

static int xtcp_one = 1;
static int xtcp_two = 2;
static int xtcp_max_retries = 255;
/*
 * SYN-ACKs are retransmitted by the kernel's request-socket timer
 * (reqsk_timer_handler()): it counts timeouts in a 7-bit field, so a limit
 * of 128 or more is never reached, and shifts a u64 by that count: keep the
 * shift defined and the limit reachable.
 */
static int xtcp_max_synack_retries = 63;
static int xtcp_rto_max_limit = XTCP_RTO_MAX_US / USEC_PER_MSEC;
static int xtcp_hour_ms = 3600 * MSEC_PER_SEC;
static int xtcp_max_keep = 32767;
static int xtcp_max_delack = 500;
static int xtcp_zero;
static int xtcp_recovery_max = 7;
static int xtcp_int_max = INT_MAX;
static int xtcp_day_s = 24 * 3600;
static int xtcp_pacing_ratio_max = XTCP_PACING_RATIO_MAX;

#define XTCP_SYSCTL(_name, _field, _min, _max)			\
	{							\
		.procname	= _name,			\
		.data		= &init_xtcp_net._field,	\
		.maxlen		= sizeof(int),			\
		.mode		= 0644,				\
		.proc_handler	= proc_dointvec_minmax,		\
		.extra1		= _min,				\
		.extra2		= _max,				\
	}

/* Template: .data points into a dummy; each namespace rebases it. */
static struct xtcp_net init_xtcp_net;

/*
 * net.xtcp.congestion_control: one whole algorithm name, written at offset
 * 0 (an optional newline ends it). Anyone who may write the namespace's
 * sysctls may write here, so the input is checked and never truncated: too
 * long or empty is -EINVAL, a name no algorithm has is -ENOENT (as
 * net.ipv4.tcp_congestion_control).
 */
static int xtcp_proc_congestion_control(struct ctl_table *ctl, int write,
					void *buffer, size_t *lenp,
					loff_t *ppos)
{
	const struct xtcp_cong_ops **slot = ctl->data;
	char name[XTCP_CA_NAME_MAX];
	struct ctl_table tbl = {
		.data	= name,
		.maxlen	= sizeof(name),
	};
	const struct xtcp_cong_ops *ops;
	size_t len;

	if (!write) {
		strscpy(name, READ_ONCE(*slot)->name, sizeof(name));
		return proc_dostring(&tbl, 0, buffer, lenp, ppos);
	}
	if (*ppos)
		return -EINVAL;
	len = strnlen(buffer, *lenp);
	if (len && ((char *)buffer)[len - 1] == '\n')
		len--;
	if (!len || len >= sizeof(name))
		return -EINVAL;
	memcpy(name, buffer, len);
	name[len] = '\0';
	ops = xtcp_cong_find(name);
	if (!ops)
		return -ENOENT;
	WRITE_ONCE(*slot, ops);
	*ppos += *lenp;
	return 0;
}

/* net.xtcp.available_congestion_control, read only. */
static int xtcp_proc_available_cc(struct ctl_table *ctl, int write,
				  void *buffer, size_t *lenp, loff_t *ppos)
{
	char names[4 * XTCP_CA_NAME_MAX];
	struct ctl_table tbl = {
		.data	= names,
		.maxlen	= sizeof(names),
	};

	if (write)
		return -EPERM;
	xtcp_cong_available(names, sizeof(names));
	return proc_dostring(&tbl, 0, buffer, lenp, ppos);
}

static const struct ctl_table xtcp_sysctl_table[] = {
	XTCP_SYSCTL("rto_min_ms", rto_min_ms, &xtcp_one, &xtcp_rto_max_limit),
	XTCP_SYSCTL("rto_max_ms", rto_max_ms, &xtcp_one, &xtcp_rto_max_limit),
	XTCP_SYSCTL("syn_retries", syn_retries, &xtcp_one, &xtcp_max_retries),
	XTCP_SYSCTL("synack_retries", synack_retries, &xtcp_one,
		    &xtcp_max_synack_retries),
	XTCP_SYSCTL("retries2", retries2, &xtcp_one, &xtcp_max_retries),
	XTCP_SYSCTL("tw_timeout_ms", tw_timeout_ms, &xtcp_one, &xtcp_hour_ms),
	XTCP_SYSCTL("fin_timeout_ms", fin_timeout_ms, &xtcp_one,
		    &xtcp_hour_ms),
	XTCP_SYSCTL("keepalive_time", keepalive_time, &xtcp_one,
		    &xtcp_max_keep),
	XTCP_SYSCTL("keepalive_intvl", keepalive_intvl, &xtcp_one,
		    &xtcp_max_keep),
	XTCP_SYSCTL("keepalive_probes", keepalive_probes, &xtcp_one,
		    &xtcp_max_retries),
	XTCP_SYSCTL("delack_ms", delack_ms, &xtcp_one, &xtcp_max_delack),
	XTCP_SYSCTL("syncookies", syncookies, SYSCTL_ZERO, &xtcp_two),
	XTCP_SYSCTL("challenge_ack_limit", challenge_ack_limit, &xtcp_zero,
		    &xtcp_int_max),
	XTCP_SYSCTL("invalid_ratelimit_ms", invalid_ratelimit_ms, &xtcp_zero,
		    &xtcp_hour_ms),
	XTCP_SYSCTL("orphan_retries", orphan_retries, &xtcp_zero,
		    &xtcp_max_retries),
	XTCP_SYSCTL("max_orphans", max_orphans, &xtcp_zero, &xtcp_int_max),
	XTCP_SYSCTL("max_tw_buckets", death_row.sysctl_max_tw_buckets,
		    &xtcp_zero, &xtcp_int_max),
	{
		.procname	= "congestion_control",
		.data		= &init_xtcp_net.congestion_control,
		.maxlen		= XTCP_CA_NAME_MAX,
		.mode		= 0644,
		.proc_handler	= xtcp_proc_congestion_control,
	},
	{
		.procname	= "available_congestion_control",
		.data		= &init_xtcp_net.congestion_control,
		.maxlen		= 4 * XTCP_CA_NAME_MAX,
		.mode		= 0444,
		.proc_handler	= xtcp_proc_available_cc,
	},
	XTCP_SYSCTL("timestamps", timestamps, SYSCTL_ZERO, SYSCTL_ONE),
	XTCP_SYSCTL("window_scaling", window_scaling, SYSCTL_ZERO, SYSCTL_ONE),
	XTCP_SYSCTL("sack", sack, &xtcp_zero, &xtcp_one),
	XTCP_SYSCTL("dsack", dsack, &xtcp_zero, &xtcp_one),
	XTCP_SYSCTL("recovery", recovery, &xtcp_zero, &xtcp_recovery_max),
	XTCP_SYSCTL("frto", frto, &xtcp_zero, &xtcp_one),
	XTCP_SYSCTL("min_rtt_wlen", min_rtt_wlen, &xtcp_zero, &xtcp_day_s),
	XTCP_SYSCTL("pacing_ss_ratio", pacing_ss_ratio, &xtcp_zero,
		    &xtcp_pacing_ratio_max),
	XTCP_SYSCTL("pacing_ca_ratio", pacing_ca_ratio, &xtcp_zero,
		    &xtcp_pacing_ratio_max),
	XTCP_SYSCTL("limit_output_bytes", limit_output_bytes, &xtcp_zero,
		    &xtcp_int_max),
	{ }
};

/*
 * Protocol-wide limits, shown in the initial namespace only, as tcp_mem,
 * tcp_rmem and tcp_wmem were before they became per namespace: the memory
 * they bound is shared by every namespace.
 */
static struct ctl_table_header *xtcp_sysctl_global_hdr;

static struct ctl_table xtcp_sysctl_global_table[] = {
	{
		.procname	= "mem",
		.data		= xtcp_sysctl_mem,
		.maxlen		= sizeof(xtcp_sysctl_mem),
		.mode		= 0644,
		.proc_handler	= proc_doulongvec_minmax,
	},
	{
		.procname	= "rmem",
		.data		= xtcp_sysctl_rmem,
		.maxlen		= sizeof(xtcp_sysctl_rmem),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= &xtcp_one,
	},
	{
		.procname	= "wmem",
		.data		= xtcp_sysctl_wmem,
		.maxlen		= sizeof(xtcp_sysctl_wmem),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= &xtcp_one,
	},
	{ }
};

/**
 * xtcp_sysctl_init() - register net.xtcp.mem, rmem and wmem
 *
 * Return: 0 or -ENOMEM.
 */
int xtcp_sysctl_init(void)
{
	xtcp_sysctl_global_hdr = register_net_sysctl(&init_net, "net/xtcp",
						     xtcp_sysctl_global_table);
	return xtcp_sysctl_global_hdr ? 0 : -ENOMEM;
}

/**
 * xtcp_sysctl_exit() - unregister net.xtcp.mem, rmem and wmem
 */
void xtcp_sysctl_exit(void)
{
	unregister_net_sysctl_table(xtcp_sysctl_global_hdr);
	xtcp_sysctl_global_hdr = NULL;
}

/**
 * xtcp_sysctl_init_net() - register net.xtcp for a namespace
 * @net: the namespace
 *
 * Return: 0 or -ENOMEM.
 */
int xtcp_sysctl_init_net(struct net *net)
{
	struct xtcp_net *xn = xtcp_pernet(net);
	struct ctl_table *table;
	int i;

	table = kmemdup(xtcp_sysctl_table, sizeof(xtcp_sysctl_table),
			GFP_KERNEL);
	if (!table)
		return -ENOMEM;
	for (i = 0; table[i].procname; i++)
		table[i].data = (char *)xn + ((char *)table[i].data -
					      (char *)&init_xtcp_net);

	xn->sysctl_hdr = register_net_sysctl(net, "net/xtcp", table);
	if (!xn->sysctl_hdr) {
		kfree(table);
		return -ENOMEM;
	}
	return 0;
}

/**
 * xtcp_sysctl_exit_net() - unregister net.xtcp for a namespace
 * @net: the namespace
 */
void xtcp_sysctl_exit_net(struct net *net)
{
	struct xtcp_net *xn = xtcp_pernet(net);
	struct ctl_table *table;

	if (!xn->sysctl_hdr)
		return;
	table = xn->sysctl_hdr->ctl_table_arg;
	unregister_net_sysctl_table(xn->sysctl_hdr);
	xn->sysctl_hdr = NULL;
	kfree(table);
}
