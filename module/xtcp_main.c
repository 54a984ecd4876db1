// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP module load and unload: the connection hash tables, the registration
 * with the inet layer (IP protocol handler, SOCK_STREAM protosw under
 * AF_INET), the AF_XTCP socket family, and per-network-namespace state.
 */
#define pr_fmt(fmt) "xtcp: " fmt

#include <linux/module.h>
#include <linux/net.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <net/inet_common.h>
#include <net/inet_hashtables.h>
#include <net/protocol.h>
#include <net/tcp.h>

#include "xtcp.h"
#include "xtcp_cong.h"

/*
 * In 6.1, inet_csk_get_port(), inet_hash(), inet_put_port() and friends find
 * the hash tables through tcp_or_dccp_get_hashinfo(), which looks at
 * sk->sk_prot->h.hashinfo only when DCCP is configured. Without it they would
 * file XTCP sockets in TCP's tables.
 */
#if !IS_ENABLED(CONFIG_IP_DCCP)
#error "XTCP needs a kernel configured with CONFIG_IP_DCCP (=m or =y)"
#endif

unsigned int xtcp_ipproto = IPPROTO_XTCP;
module_param_named(ipproto, xtcp_ipproto, uint, 0444);
MODULE_PARM_DESC(ipproto, "IP protocol number XTCP registers (default 253)");
EXPORT_SYMBOL_GPL(xtcp_ipproto);	/* for xtcp_diag.ko */

static int xtcp_family = AF_XTCP;
module_param_named(family, xtcp_family, int, 0444);
MODULE_PARM_DESC(family, "socket family number of AF_XTCP (default 22)");

/* 0: as many as TCP's, which tcp_init() sized to the memory. */
static unsigned int xtcp_ehash_entries;
module_param_named(ehash_entries, xtcp_ehash_entries, uint, 0444);
MODULE_PARM_DESC(ehash_entries,
		 "connection hash buckets (power of two; default: TCP's)");

struct inet_hashinfo xtcp_hashinfo;
EXPORT_SYMBOL_GPL(xtcp_hashinfo);	/* for xtcp_diag.ko */
unsigned int xtcp_net_id __read_mostly;

#define XTCP_BHASH_MAX	(64U * 1024)	/* tcp_init()'s limit */

static const char * const xtcp_state_names[] = {
	[TCP_ESTABLISHED]	= "ESTABLISHED",
	[TCP_SYN_SENT]		= "SYN_SENT",
	[TCP_SYN_RECV]		= "SYN_RECV",
	[TCP_FIN_WAIT1]		= "FIN_WAIT1",
	[TCP_FIN_WAIT2]		= "FIN_WAIT2",
	[TCP_TIME_WAIT]		= "TIME_WAIT",
	[TCP_CLOSE]		= "CLOSE",
	[TCP_CLOSE_WAIT]	= "CLOSE_WAIT",
	[TCP_LAST_ACK]		= "LAST_ACK",
	[TCP_LISTEN]		= "LISTEN",
	[TCP_CLOSING]		= "CLOSING",
	[TCP_NEW_SYN_RECV]	= "SYN_RECV",
};

/**
 * xtcp_state_name() - printable name of a connection state
 * @state: TCP_* state number (XTCP uses the inet layer's state numbers)
 *
 * Return: the name, or "UNKNOWN".
 */
const char *xtcp_state_name(int state)
{
	if (state < 0 || state >= ARRAY_SIZE(xtcp_state_names) ||
	    !xtcp_state_names[state])
		return "UNKNOWN";
	return xtcp_state_names[state];
}

/**
 * xtcp_family_number() - the socket family number AF_XTCP has on this load
 *
 * Return: the "family" module parameter.
 */
int xtcp_family_number(void)
{
	return xtcp_family;
}

static struct net_proto_family xtcp_family_ops = {
	.create	= xtcp_family_create,
	.owner	= THIS_MODULE,
};

static struct inet_protosw xtcp_protosw = {
	.type		= SOCK_STREAM,
	.prot		= &xtcp_prot,
	.ops		= &xtcp_stream_ops,
	.flags		= INET_PROTOSW_ICSK,
};

static struct net_protocol xtcp_protocol = {
	.handler	= xtcp_v4_rcv,
	.err_handler	= xtcp_v4_err,
	.no_policy	= 1,
	.icmp_strict_tag_validation = 1,
};

static int __net_init xtcp_net_init(struct net *net)
{
	struct xtcp_net *xn = xtcp_pernet(net);
	int err;

	xn->rto_min_ms = XTCP_RTO_MIN_US / USEC_PER_MSEC;
	xn->rto_max_ms = XTCP_RTO_MAX_US / USEC_PER_MSEC;
	xn->syn_retries = 6;
	xn->synack_retries = 5;
	xn->retries2 = 15;
	xn->tw_timeout_ms = 60 * MSEC_PER_SEC;
	xn->fin_timeout_ms = 60 * MSEC_PER_SEC;
	xn->keepalive_time = 7200;
	xn->keepalive_intvl = 75;
	xn->keepalive_probes = 9;
	xn->delack_ms = XTCP_DELACK_MAX_NS / NSEC_PER_MSEC;
	xn->syncookies = 1;
	xn->challenge_ack_limit = 1000;
	xn->invalid_ratelimit_ms = 500;
	xn->orphan_retries = XTCP_ORPHAN_RETRIES;
	xn->max_orphans = 16384;
	xn->congestion_control = &xtcp_cubic;
	xn->timestamps = 1;
	xn->window_scaling = 1;
	xn->sack = 1;
	xn->dsack = 1;
	xn->recovery = XTCP_RACK_LOSS_DETECTION;
	xn->frto = 1;
	xn->min_rtt_wlen = 300;
	xn->pacing_ss_ratio = XTCP_PACING_SS_RATIO;
	xn->pacing_ca_ratio = XTCP_PACING_CA_RATIO;
	xn->limit_output_bytes = XTCP_TSQ_LIMIT_DEFAULT;
	atomic_set(&xn->orphans, 0);

	refcount_set(&xn->death_row.tw_refcount, 1);
	xn->death_row.hashinfo = &xtcp_hashinfo;
	/* As tcp_sk_init(): half as many as the hash has buckets. */
	xn->death_row.sysctl_max_tw_buckets = (xtcp_hashinfo.ehash_mask + 1) / 2;

	xn->mib = alloc_percpu(struct xtcp_mib);
	if (!xn->mib)
		return -ENOMEM;

	err = xtcp_sysctl_init_net(net);
	if (err)
		goto err_mib;

	err = xtcp_proc_init_net(net);
	if (err)
		goto err_sysctl;
	return 0;

err_sysctl:
	xtcp_sysctl_exit_net(net);
err_mib:
	free_percpu(xn->mib);
	return err;
}

static void __net_exit xtcp_net_exit(struct net *net)
{
	xtcp_proc_exit_net(net);
	xtcp_sysctl_exit_net(net);
}

static void __net_exit xtcp_net_exit_batch(struct list_head *net_exit_list)
{
	struct net *net;

	/* TIME_WAIT and request sockets of dying namespaces go now. */
	inet_twsk_purge(&xtcp_hashinfo);

	list_for_each_entry(net, net_exit_list, exit_list) {
		struct xtcp_net *xn = xtcp_pernet(net);

		WARN_ON_ONCE(!refcount_dec_and_test(&xn->death_row.tw_refcount));
		free_percpu(xn->mib);
	}
}

static struct pernet_operations xtcp_net_ops = {
	.init		= xtcp_net_init,
	.exit		= xtcp_net_exit,
	.exit_batch	= xtcp_net_exit_batch,
	.id		= &xtcp_net_id,
	.size		= sizeof(struct xtcp_net),
};

static int __init xtcp_hashinfo_init(struct inet_hashinfo *h)
{
	unsigned int i;
	int err = -ENOMEM;

	if (!xtcp_ehash_entries)
		xtcp_ehash_entries = tcp_hashinfo.ehash_mask + 1;
	if (!is_power_of_2(xtcp_ehash_entries) || xtcp_ehash_entries < 16) {
		pr_err("ehash_entries must be a power of two >= 16\n");
		return -EINVAL;
	}

	h->bind_bucket_cachep =
		kmem_cache_create("xtcp_bind_bucket",
				  sizeof(struct inet_bind_bucket), 0,
				  SLAB_HWCACHE_ALIGN, NULL);
	if (!h->bind_bucket_cachep)
		return -ENOMEM;
	h->bind2_bucket_cachep =
		kmem_cache_create("xtcp_bind2_bucket",
				  sizeof(struct inet_bind2_bucket), 0,
				  SLAB_HWCACHE_ALIGN, NULL);
	if (!h->bind2_bucket_cachep)
		goto err_bind;

	h->ehash = kvcalloc(xtcp_ehash_entries, sizeof(*h->ehash), GFP_KERNEL);
	if (!h->ehash)
		goto err_bind2;
	h->ehash_mask = xtcp_ehash_entries - 1;
	for (i = 0; i < xtcp_ehash_entries; i++)
		INIT_HLIST_NULLS_HEAD(&h->ehash[i].chain, i);
	if (inet_ehash_locks_alloc(h))
		goto err_ehash;

	/* One bind bucket per connection bucket, as tcp_init() sizes them. */
	h->bhash_size = min(xtcp_ehash_entries, XTCP_BHASH_MAX);
	h->bhash = kvcalloc(h->bhash_size, sizeof(*h->bhash), GFP_KERNEL);
	h->bhash2 = kvcalloc(h->bhash_size, sizeof(*h->bhash2), GFP_KERNEL);
	if (!h->bhash || !h->bhash2)
		goto err_bhash;
	for (i = 0; i < h->bhash_size; i++) {
		spin_lock_init(&h->bhash[i].lock);
		INIT_HLIST_HEAD(&h->bhash[i].chain);
		spin_lock_init(&h->bhash2[i].lock);
		INIT_HLIST_HEAD(&h->bhash2[i].chain);
	}
	h->pernet = false;

	err = inet_hashinfo2_init_mod(h);
	if (err)
		goto err_bhash;
	return 0;

err_bhash:
	kvfree(h->bhash2);
	kvfree(h->bhash);
	inet_ehash_locks_free(h);
err_ehash:
	kvfree(h->ehash);
err_bind2:
	kmem_cache_destroy(h->bind2_bucket_cachep);
err_bind:
	kmem_cache_destroy(h->bind_bucket_cachep);
	return err;
}

static void xtcp_hashinfo_destroy(struct inet_hashinfo *h)
{
	inet_hashinfo2_free_mod(h);
	kvfree(h->bhash2);
	kvfree(h->bhash);
	inet_ehash_locks_free(h);
	kvfree(h->ehash);
	kmem_cache_destroy(h->bind2_bucket_cachep);
	kmem_cache_destroy(h->bind_bucket_cachep);
}

/* Sizes that cross to user space or onto the wire never change silently. */
static void __init xtcp_build_checks(void)
{
	BUILD_BUG_ON(sizeof(struct xtcp_info) != 80);
	BUILD_BUG_ON(sizeof(struct tcphdr) != XTCP_HDR_LEN);
	BUILD_BUG_ON(sizeof(struct xtcp_skb_cb) >
		     sizeof_field(struct sk_buff, cb));
	BUILD_BUG_ON(offsetof(struct xtcp_sock, icsk) != 0);
	BUILD_BUG_ON(offsetof(struct xtcp_request_sock, req) != 0);
	BUILD_BUG_ON(offsetof(struct xtcp_timewait_sock, tw) != 0);
}

static int __init xtcp_init(void)
{
	int err;

	xtcp_build_checks();

	if (xtcp_ipproto == 0 || xtcp_ipproto >= IPPROTO_MAX ||
	    xtcp_ipproto == IPPROTO_RAW) {
		pr_err("ipproto=%u is not a usable IP protocol number\n",
		       xtcp_ipproto);
		return -EINVAL;
	}
	if (xtcp_family <= AF_UNSPEC || xtcp_family >= NPROTO) {
		pr_err("family=%d is outside 1..%d\n", xtcp_family, NPROTO - 1);
		return -EINVAL;
	}

	/*
	 * A taken protocol number must fail before anything is registered:
	 * inet_register_protosw() silently refuses to shadow a permanent
	 * protocol (TCP's 6), and unregistering that unlinked protosw on the
	 * error path would corrupt the list.
	 */
	if (rcu_access_pointer(inet_protos[xtcp_ipproto])) {
		pr_err("IP protocol %u is already registered\n", xtcp_ipproto);
		return -EEXIST;
	}

	err = xtcp_hashinfo_init(&xtcp_hashinfo);
	if (err)
		return err;
	xtcp_tsq_init();

	err = xtcp_mem_init();
	if (err)
		goto err_hash;

	err = proto_register(&xtcp_prot, 1);
	if (err)
		goto err_mem;

	xtcp_protosw.protocol = xtcp_ipproto;
	inet_register_protosw(&xtcp_protosw);
	if (!xtcp_protosw.list.next) {
		/* Refused (a permanent protosw has this number): not linked. */
		pr_err("SOCK_STREAM protocol %u is taken\n", xtcp_ipproto);
		err = -EEXIST;
		goto err_proto;
	}

	err = xtcp_v4_ctl_init();
	if (err)
		goto err_protosw;

	err = register_pernet_subsys(&xtcp_net_ops);
	if (err)
		goto err_ctl;

	err = xtcp_sysctl_init();
	if (err)
		goto err_pernet;

	err = inet_add_protocol(&xtcp_protocol, xtcp_ipproto);
	if (err) {
		pr_err("IP protocol %u is already registered\n", xtcp_ipproto);
		err = -EEXIST;
		goto err_sysctl;
	}

	err = xtcp_offload_init();
	if (err)
		goto err_protocol;

	xtcp_family_ops.family = xtcp_family;
	err = sock_register(&xtcp_family_ops);
	if (err) {
		pr_err("socket family %d is already registered (%d)\n",
		       xtcp_family, err);
		goto err_offload;
	}

	/* IPv6 after IPv4 (it copies and uses IPv4's registrations). */
	err = xtcp_ipv6_init();
	if (err)
		goto err_sock;

	pr_info("registered IP protocol %u and socket family %d\n",
		xtcp_ipproto, xtcp_family);
	return 0;

err_sock:
	sock_unregister(xtcp_family);
err_offload:
	xtcp_offload_exit();
err_protocol:
	inet_del_protocol(&xtcp_protocol, xtcp_ipproto);
	synchronize_net();
err_sysctl:
	xtcp_sysctl_exit();
err_pernet:
	unregister_pernet_subsys(&xtcp_net_ops);
err_ctl:
	xtcp_v4_ctl_exit();
err_protosw:
	inet_unregister_protosw(&xtcp_protosw);
err_proto:
	proto_unregister(&xtcp_prot);
err_mem:
	xtcp_mem_exit();
err_hash:
	xtcp_tsq_exit();
	xtcp_hashinfo_destroy(&xtcp_hashinfo);
	return err;
}

static void __exit xtcp_exit(void)
{
	xtcp_ipv6_exit();
	sock_unregister(xtcp_family);
	xtcp_offload_exit();
	inet_del_protocol(&xtcp_protocol, xtcp_ipproto);
	synchronize_net();
	xtcp_sysctl_exit();
	unregister_pernet_subsys(&xtcp_net_ops);
	xtcp_v4_ctl_exit();
	inet_unregister_protosw(&xtcp_protosw);
	proto_unregister(&xtcp_prot);
	xtcp_mem_exit();
	xtcp_tsq_exit();
	xtcp_hashinfo_destroy(&xtcp_hashinfo);
	pr_info("unregistered\n");
}

module_init(xtcp_init);
module_exit(xtcp_exit);

/* socket(AF_INET or AF_INET6, SOCK_STREAM, 253) and socket(AF_XTCP, ...)
 * autoload.
 */
MODULE_ALIAS_NET_PF_PROTO_TYPE(PF_INET, 253, 1);
MODULE_ALIAS_NET_PF_PROTO_TYPE(PF_INET6, 253, 1);
MODULE_ALIAS_NETPROTO(AF_XTCP);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("XTCP: an alternate TCP on its own IP protocol number");
