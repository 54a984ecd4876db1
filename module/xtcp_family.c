// SPDX-License-Identifier: GPL-2.0
/*
 * AF_XTCP, XTCP's own socket family. socket(AF_XTCP, SOCK_STREAM, 0) makes
 * the socket that socket(AF_INET, SOCK_STREAM, IPPROTO_XTCP) makes; the
 * first IPv6 address it is given (a sockaddr_in6 to bind() or connect())
 * or the first SOL_IPV6 option set on it turns it into the socket that
 * socket(AF_INET6, SOCK_STREAM, IPPROTO_XTCP) makes, dual-stack as that
 * one is, which still takes a sockaddr_in as the v4-mapped address. So a
 * program written for AF_XTCP picks its address family the way it picks
 * its addresses.
 *
 * The socket is allocated from the IPv6 proto's slab from the start, so
 * the change is made in place (xtcp_v6_promote()), under the socket lock,
 * while the socket is closed and unbound: IPV6_ADDRFORM's change in the
 * other direction. An IPv4 listener's children are plain IPv4 sockets, as
 * sk_clone_lock() allocates them from the listener's sk_prot.
 */
#include <linux/bpf-cgroup.h>
#include <linux/net.h>
#include <net/inet_common.h>
#include <net/ipv6.h>
#include <net/sock.h>

#include "xtcp.h"

/* A whole sockaddr_in6 (a shorter one gets IPv4's answer). */
static bool xtcp_family_addr_v6(const struct sockaddr *uaddr, int addr_len)
{
	return addr_len >= SIN6_LEN_RFC2133 && uaddr->sa_family == AF_INET6;
}

/**
 * xtcp_family_to_v6() - does an IPv4 socket's bind() or connect() go IPv6?
 * @sock: an IPv4 XTCP socket
 * @uaddr: the address given
 * @addr_len: its length
 *
 * An AF_XTCP socket still closed and unbound becomes IPv6 for a whole
 * sockaddr_in6; any other socket stays IPv4, and IPv4's bind() and
 * connect() give their answer (EAFNOSUPPORT).
 *
 * Return: true if @sock is now IPv6: call its new ops.
 */
bool xtcp_family_to_v6(struct socket *sock, const struct sockaddr *uaddr,
		       int addr_len)
{
	return xtcp_sk(sock->sk)->af_xtcp &&
	       xtcp_family_addr_v6(uaddr, addr_len) && !xtcp_v6_promote(sock);
}

/**
 * xtcp_family_map4() - a sockaddr_in for an IPv6 AF_XTCP socket
 * @sock: an IPv6 XTCP socket
 * @uaddr: the address given
 * @addr_len: its length, updated if mapped
 * @sin6: room for the mapped address
 *
 * An AF_XTCP socket that became IPv6 still takes a sockaddr_in (family
 * AF_INET or AF_XTCP), as the v4-mapped address it names: it chose IPv6,
 * not to forget IPv4. Sockets from socket(AF_INET6, ...) take what TCP's
 * take.
 *
 * Return: @sin6 holding the mapped address, or @uaddr unchanged.
 */
struct sockaddr *xtcp_family_map4(struct socket *sock, struct sockaddr *uaddr,
				  int *addr_len, struct sockaddr_in6 *sin6)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)uaddr;

	if (!xtcp_sk(sock->sk)->af_xtcp || *addr_len < (int)sizeof(*sin) ||
	    (sin->sin_family != AF_INET &&
	     sin->sin_family != xtcp_family_number()))
		return uaddr;
	memset(sin6, 0, sizeof(*sin6));
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = sin->sin_port;
	ipv6_addr_set_v4mapped(sin->sin_addr.s_addr, &sin6->sin6_addr);
	*addr_len = sizeof(*sin6);
	return (struct sockaddr *)sin6;
}

/**
 * xtcp_family_setsockopt() - setsockopt() of IPv4 XTCP sockets
 * @sock: the socket
 * @level: option level
 * @optname: option
 * @optval: value
 * @optlen: its length
 *
 * A SOL_IPV6 option makes an AF_XTCP socket still closed and unbound IPv6
 * first. Any other socket stays IPv4 and gets IPv4's ENOPROTOOPT.
 *
 * Return: as sock_common_setsockopt().
 */
int xtcp_family_setsockopt(struct socket *sock, int level, int optname,
			   sockptr_t optval, unsigned int optlen)
{
	if (level == SOL_IPV6 && xtcp_sk(sock->sk)->af_xtcp)
		xtcp_v6_promote(sock);
	return sock_common_setsockopt(sock, level, optname, optval, optlen);
}

/**
 * xtcp_family_create() - socket(AF_XTCP, SOCK_STREAM, 0 or IPPROTO_XTCP)
 * @net: the caller's network namespace
 * @sock: the socket being created
 * @protocol: 0 or XTCP's IP protocol number
 * @kern: a kernel socket
 *
 * An IPv4 XTCP socket, set up the way inet_create() sets up an inet socket
 * so every inet helper applies, in an object that can become IPv6.
 *
 * Return: 0, -ESOCKTNOSUPPORT, -EPROTONOSUPPORT or -ENOMEM.
 */
int xtcp_family_create(struct net *net, struct socket *sock, int protocol,
		       int kern)
{
	struct proto *slab_prot = xtcp_v6_family_prot();
	struct inet_sock *inet;
	struct sock *sk;
	int err;

	if (sock->type != SOCK_STREAM)
		return -ESOCKTNOSUPPORT;
	if (protocol && protocol != xtcp_ipproto)
		return -EPROTONOSUPPORT;

	sock->state = SS_UNCONNECTED;
	sock->ops = &xtcp_stream_ops;

	/* sk_prot_creator keeps the slab; the socket runs as IPv4. */
	sk = sk_alloc(net, PF_INET, GFP_KERNEL, slab_prot ?: &xtcp_prot, kern);
	if (!sk)
		return -ENOMEM;
	sk->sk_prot = &xtcp_prot;

	inet_init_csk_locks(sk);
	inet = inet_sk(sk);
	inet->is_icsk = 1;
	inet->nodefrag = 0;
	inet->pmtudisc = READ_ONCE(net->ipv4.sysctl_ip_no_pmtu_disc) ?
			 IP_PMTUDISC_DONT : IP_PMTUDISC_WANT;
	atomic_set(&inet->inet_id, 0);

	sock_init_data(sock, sk);
	sk->sk_destruct = inet_sock_destruct;
	sk->sk_protocol = xtcp_ipproto;
	sk->sk_backlog_rcv = sk->sk_prot->backlog_rcv;
	sk->sk_txrehash = READ_ONCE(net->core.sysctl_txrehash);

	inet->uc_ttl = -1;
	inet->mc_loop = 1;
	inet->mc_ttl = 1;
	inet->mc_all = 1;
	inet->mc_index = 0;
	inet->mc_list = NULL;
	inet->rcv_tos = 0;

	err = sk->sk_prot->init(sk);
	if (err)
		goto err_release;
	xtcp_sk(sk)->af_xtcp = 1;

	/* cgroup sock-create programs, as inet_create() runs them. */
	if (!kern) {
		err = BPF_CGROUP_RUN_PROG_INET_SOCK(sk);
		if (err)
			goto err_release;
	}
	return 0;

err_release:
	sk_common_release(sk);
	sock->sk = NULL;
	return err;
}
