// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP's IPv6 socket API: socket(AF_INET6, SOCK_STREAM, IPPROTO_XTCP) with
 * struct sockaddr_in6 in bind, connect, getsockname, getpeername and
 * accept; bad address lengths; dual-stack sockets with v4-mapped addresses
 * and IPV6_V6ONLY; ECONNREFUSED from a closed IPv6 port; a connection made
 * through a SYN cookie (syncookies=2) over IPv6; AF_XTCP sockets, which
 * become IPv6 sockets at their first sockaddr_in6 or SOL_IPV6 option and
 * stay IPv4 once used over IPv4. Each case runs in
 * its own network namespace (loopback ::1 and 127.0.0.1). Built with
 * -DUSE_TCP the same cases run over the kernel's TCP.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <linux/xtcp.h>

#include "kselftest_harness.h"
#include "xtcp_test_util.h"

#define GUARD_MS	5000
#ifndef SIN6_LEN_RFC2133
#define SIN6_LEN_RFC2133	24	/* sockaddr_in6 without sin6_scope_id */
#endif

static int proto(void)
{
#ifdef USE_TCP
	return IPPROTO_TCP;
#else
	return read_param("ipproto", IPPROTO_XTCP);
#endif
}

static int sock6(void)
{
	int fd = socket(AF_INET6, SOCK_STREAM, proto());

	if (fd >= 0) {
		set_timeo(fd, SO_RCVTIMEO, GUARD_MS);
		set_timeo(fd, SO_SNDTIMEO, GUARD_MS);
	}
	return fd;
}

static int set_v6only(int fd, int on)
{
	return setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
}

/* A listener of @family on @ip (port chosen by the kernel); its port. */
static int listener(int fd, const struct sockaddr *sa, socklen_t len,
		    unsigned short *port)
{
	struct sockaddr_in6 got;
	socklen_t glen = sizeof(got);

	if (bind(fd, sa, len) || listen(fd, 8) ||
	    getsockname(fd, (struct sockaddr *)&got, &glen))
		return -1;
	*port = ntohs(got.sin6_port);	/* same offset as sin_port */
	return 0;
}

/* A listener *@lfd on [::1]:*@port and a client *@cfd connected to it. */
static void connect6(struct __test_metadata *_metadata, int *lfd, int *cfd,
		     unsigned short *port)
{
	struct sockaddr_in6 sa = addr6("::1", 0);

	*lfd = sock6();
	*cfd = sock6();
	ASSERT_LE(0, *lfd);
	ASSERT_LE(0, *cfd);
	ASSERT_EQ(0, listener(*lfd, (struct sockaddr *)&sa, sizeof(sa), port));
	sa.sin6_port = htons(*port);
	ASSERT_EQ(0, connect(*cfd, (struct sockaddr *)&sa, sizeof(sa)))
		TH_LOG("connect [::1]:%u: %s", *port, strerror(errno));
}

static bool is_addr(const struct sockaddr_in6 *sa, const char *ip)
{
	struct in6_addr want;

	inet_pton(AF_INET6, ip, &want);
	return sa->sin6_family == AF_INET6 &&
	       !memcmp(&sa->sin6_addr, &want, sizeof(want));
}

TEST(socket_af_inet6)
{
	int fd, v;
	socklen_t len = sizeof(v);

	netns_setup(_metadata);
	fd = sock6();
	ASSERT_LE(0, fd) TH_LOG("socket(AF_INET6, SOCK_STREAM, %d): %s",
				proto(), strerror(errno));
	ASSERT_EQ(0, getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &v, &len));
	EXPECT_EQ(AF_INET6, v);
	len = sizeof(v);
	ASSERT_EQ(0, getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &v, &len));
	EXPECT_EQ(proto(), v);
	close(fd);
}

TEST(bind_getsockname_sockaddr_in6)
{
	struct sockaddr_in6 sa = addr6("::1", 0), got;
	socklen_t len = sizeof(got);
	int fd;

	netns_setup(_metadata);
	fd = sock6();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, bind(fd, (struct sockaddr *)&sa, sizeof(sa)))
		TH_LOG("bind: %s", strerror(errno));
	memset(&got, 0, sizeof(got));
	ASSERT_EQ(0, getsockname(fd, (struct sockaddr *)&got, &len));
	EXPECT_EQ(sizeof(struct sockaddr_in6), len);
	EXPECT_TRUE(is_addr(&got, "::1"));
	EXPECT_NE(0, got.sin6_port);
	close(fd);
}

TEST(bad_address_lengths_einval)
{
	struct sockaddr_in6 sa = addr6("::1", 0);
	struct sockaddr_in sin = addr4("127.0.0.1", 9);
	int fd;

	netns_setup(_metadata);
	fd = sock6();
	ASSERT_LE(0, fd);
	/* Shorter than RFC 2133's sockaddr_in6 (24 bytes): EINVAL. */
	EXPECT_FAIL(EINVAL, bind(fd, (struct sockaddr *)&sa, 8));
	EXPECT_FAIL(EINVAL, bind(fd, (struct sockaddr *)&sin, sizeof(sin)));
	EXPECT_FAIL(EINVAL, connect(fd, (struct sockaddr *)&sa, 20));
	EXPECT_FAIL(EINVAL, connect(fd, (struct sockaddr *)&sin, sizeof(sin)));
	close(fd);
}

TEST(link_local_without_scope_einval)
{
	struct sockaddr_in6 sa = addr6("fe80::1", 9);
	int fd;

	netns_setup(_metadata);
	fd = sock6();
	ASSERT_LE(0, fd);
	EXPECT_FAIL(EINVAL, connect(fd, (struct sockaddr *)&sa, sizeof(sa)));
	close(fd);
}

TEST(connect_accept_names_and_data)
{
	struct sockaddr_in6 peer, name, acc;
	socklen_t len;
	unsigned short port;
	int lfd, cfd, afd;
	char buf[6] = "";

	netns_setup(_metadata);
	connect6(_metadata, &lfd, &cfd, &port);
	len = sizeof(acc);
	afd = accept(lfd, (struct sockaddr *)&acc, &len);
	ASSERT_LE(0, afd) TH_LOG("accept: %s", strerror(errno));
	EXPECT_EQ(sizeof(struct sockaddr_in6), len);

	len = sizeof(peer);
	ASSERT_EQ(0, getpeername(cfd, (struct sockaddr *)&peer, &len));
	EXPECT_EQ(sizeof(struct sockaddr_in6), len);
	EXPECT_TRUE(is_addr(&peer, "::1"));
	EXPECT_EQ(port, ntohs(peer.sin6_port));
	len = sizeof(name);
	ASSERT_EQ(0, getsockname(cfd, (struct sockaddr *)&name, &len));
	EXPECT_TRUE(is_addr(&name, "::1"));
	EXPECT_TRUE(is_addr(&acc, "::1"));
	EXPECT_EQ(name.sin6_port, acc.sin6_port);

	EXPECT_EQ(5, send(cfd, "hello", 5, 0));
	EXPECT_EQ(5, recv(afd, buf, 5, MSG_WAITALL));
	EXPECT_EQ(0, memcmp(buf, "hello", 5));
	EXPECT_EQ(5, send(afd, "world", 5, 0));
	EXPECT_EQ(5, recv(cfd, buf, 5, MSG_WAITALL));
	EXPECT_EQ(0, memcmp(buf, "world", 5));
	close(afd);
	close(cfd);
	close(lfd);
}

/* /proc/net/xtcp names an IPv6 listener by its IPv6 address. */
TEST(proc_lists_ipv6)
{
	struct sockaddr_in6 sa = addr6("::1", 0);
	char line[256], want[64];
	unsigned short port;
	bool found = false;
	FILE *f;
	int fd;

#ifdef USE_TCP
	SKIP(return, "/proc/net/tcp6 has another format");
#endif
	netns_setup(_metadata);
	fd = sock6();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, listener(fd, (struct sockaddr *)&sa, sizeof(sa), &port));
	snprintf(want, sizeof(want), "[::1]:%-5u [::]:0", port);
	f = fopen("/proc/net/xtcp", "r");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f))
		if (strstr(line, want) && strstr(line, "LISTEN"))
			found = true;
	fclose(f);
	EXPECT_TRUE(found) TH_LOG("no '%s ... LISTEN' in /proc/net/xtcp", want);
	close(fd);
}

TEST(closed_port_econnrefused)
{
	struct sockaddr_in6 sa = addr6("::1", 9);
	int fd;

	netns_setup(_metadata);
	fd = sock6();
	ASSERT_LE(0, fd);
	EXPECT_FAIL(ECONNREFUSED,
		    connect(fd, (struct sockaddr *)&sa, sizeof(sa)));
	close(fd);
}

/* A dual-stack listener takes an AF_INET client: v4-mapped names. */
TEST(dual_stack_v4_mapped)
{
	struct sockaddr_in6 any = addr6("::", 0), acc, name;
	struct sockaddr_in sin;
	unsigned short port;
	int lfd, cfd, c6, afd;
	socklen_t len;
	char c = 0;

	netns_setup(_metadata);
	lfd = sock6();
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, set_v6only(lfd, 0));
	ASSERT_EQ(0, listener(lfd, (struct sockaddr *)&any, sizeof(any),
			      &port));

	/* An IPv4 client. */
	cfd = socket(AF_INET, SOCK_STREAM, proto());
	ASSERT_LE(0, cfd);
	sin = addr4("127.0.0.1", port);
	ASSERT_EQ(0, connect(cfd, (struct sockaddr *)&sin, sizeof(sin)))
		TH_LOG("connect 127.0.0.1:%u: %s", port, strerror(errno));
	len = sizeof(acc);
	afd = accept(lfd, (struct sockaddr *)&acc, &len);
	ASSERT_LE(0, afd);
	EXPECT_EQ(sizeof(struct sockaddr_in6), len);
	EXPECT_TRUE(is_addr(&acc, "::ffff:127.0.0.1"));
	EXPECT_EQ(1, send(cfd, "x", 1, 0));
	EXPECT_EQ(1, recv(afd, &c, 1, 0));
	EXPECT_EQ('x', c);
	close(afd);
	close(cfd);

	/* An IPv6 socket to a v4-mapped address: IPv4 on the wire. */
	c6 = sock6();
	ASSERT_LE(0, c6);
	any = addr6("::ffff:127.0.0.1", port);
	ASSERT_EQ(0, connect(c6, (struct sockaddr *)&any, sizeof(any)))
		TH_LOG("connect [::ffff:127.0.0.1]:%u: %s", port,
		       strerror(errno));
	len = sizeof(name);
	ASSERT_EQ(0, getsockname(c6, (struct sockaddr *)&name, &len));
	EXPECT_TRUE(is_addr(&name, "::ffff:127.0.0.1"));
	len = sizeof(acc);
	afd = accept(lfd, (struct sockaddr *)&acc, &len);
	ASSERT_LE(0, afd);
	EXPECT_TRUE(is_addr(&acc, "::ffff:127.0.0.1"));
	EXPECT_EQ(name.sin6_port, acc.sin6_port);
	EXPECT_EQ(1, send(afd, "y", 1, 0));
	EXPECT_EQ(1, recv(c6, &c, 1, 0));
	EXPECT_EQ('y', c);
	close(afd);
	close(c6);
	close(lfd);
}

TEST(v6only_refuses_ipv4)
{
	struct sockaddr_in6 any = addr6("::", 0), mapped;
	struct sockaddr_in sin;
	unsigned short port;
	int lfd, cfd, c6;

	netns_setup(_metadata);
	lfd = sock6();
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, set_v6only(lfd, 1));
	ASSERT_EQ(0, listener(lfd, (struct sockaddr *)&any, sizeof(any),
			      &port));
	cfd = socket(AF_INET, SOCK_STREAM, proto());
	ASSERT_LE(0, cfd);
	sin = addr4("127.0.0.1", port);
	EXPECT_FAIL(ECONNREFUSED,
		    connect(cfd, (struct sockaddr *)&sin, sizeof(sin)));
	close(cfd);

	/* A v6-only socket cannot reach a v4-mapped address at all. */
	c6 = sock6();
	ASSERT_LE(0, c6);
	ASSERT_EQ(0, set_v6only(c6, 1));
	mapped = addr6("::ffff:127.0.0.1", port);
	EXPECT_FAIL(ENETUNREACH,
		    connect(c6, (struct sockaddr *)&mapped, sizeof(mapped)));
	close(c6);
	close(lfd);
}

#ifdef USE_TCP
#define SYSCTL_COOKIES	"/proc/sys/net/ipv4/tcp_syncookies"
#else
#define SYSCTL_COOKIES	"/proc/sys/net/xtcp/syncookies"
#endif

static int write_file(const char *path, const char *val)
{
	FILE *f = fopen(path, "w");
	int err;

	if (!f)
		return -1;
	err = fputs(val, f) < 0;
	return fclose(f) || err ? -1 : 0;
}

/* A counter of /proc/net/xtcp_stat, or -1. */
static long long xtcp_stat(const char *name)
{
	char line[128], key[64];
	long long v, ret = -1;
	FILE *f = fopen("/proc/net/xtcp_stat", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %lld", key, &v) == 2 &&
		    !strcmp(key, name))
			ret = v;
	fclose(f);
	return ret;
}

/*
 * syncookies=2: every SYN is answered with a cookie, so the connection
 * exists only once the cookie ACK is checked. Bytes both ways, the options
 * the cookie carried (in TSval) agreed on both ends, the MSS one of the
 * cookie table's (loopback offers 65476; the table stops at 8960).
 */
TEST(syncookies_always)
{
	static char out[65536], in[65536];
	long long sent0, recv0;
	struct tcp_info ti_a, ti_c;
	socklen_t len;
	unsigned short port;
	int lfd, cfd, afd;
	unsigned int i;

	netns_setup(_metadata);
	ASSERT_EQ(0, write_file(SYSCTL_COOKIES, "2"))
		TH_LOG("%s: %s", SYSCTL_COOKIES, strerror(errno));
	sent0 = xtcp_stat("SyncookiesSent");
	recv0 = xtcp_stat("SyncookiesRecv");
	connect6(_metadata, &lfd, &cfd, &port);
	set_timeo(lfd, SO_RCVTIMEO, GUARD_MS);
	afd = accept(lfd, NULL, NULL);
	ASSERT_LE(0, afd) TH_LOG("accept: %s", strerror(errno));
	set_timeo(afd, SO_RCVTIMEO, GUARD_MS);
	set_timeo(afd, SO_SNDTIMEO, GUARD_MS);

	for (i = 0; i < sizeof(out); i++)
		out[i] = (char)(i * 7 + i / 251);
	EXPECT_EQ(sizeof(out), send(cfd, out, sizeof(out), 0));
	EXPECT_EQ(sizeof(in), recv(afd, in, sizeof(in), MSG_WAITALL));
	EXPECT_EQ(0, memcmp(in, out, sizeof(in)));
	memset(in, 0, sizeof(in));
	EXPECT_EQ(sizeof(out), send(afd, out, sizeof(out), 0));
	EXPECT_EQ(sizeof(in), recv(cfd, in, sizeof(in), MSG_WAITALL));
	EXPECT_EQ(0, memcmp(in, out, sizeof(in)));

	len = sizeof(ti_a);
	ASSERT_EQ(0, getsockopt(afd, IPPROTO_TCP, TCP_INFO, &ti_a, &len));
	len = sizeof(ti_c);
	ASSERT_EQ(0, getsockopt(cfd, IPPROTO_TCP, TCP_INFO, &ti_c, &len));
	TH_LOG("accepted: options 0x%x snd_wscale %u rcv_wscale %u snd_mss %u; client: options 0x%x snd_wscale %u rcv_wscale %u",
	       ti_a.tcpi_options, ti_a.tcpi_snd_wscale, ti_a.tcpi_rcv_wscale,
	       ti_a.tcpi_snd_mss, ti_c.tcpi_options, ti_c.tcpi_snd_wscale,
	       ti_c.tcpi_rcv_wscale);
	EXPECT_TRUE(ti_a.tcpi_options & TCPI_OPT_TIMESTAMPS);
	EXPECT_TRUE(ti_a.tcpi_options & TCPI_OPT_SACK);
	EXPECT_TRUE(ti_a.tcpi_options & TCPI_OPT_WSCALE);
	EXPECT_EQ(ti_c.tcpi_options & 7, ti_a.tcpi_options & 7);
	EXPECT_EQ((unsigned int)ti_c.tcpi_rcv_wscale,
		  (unsigned int)ti_a.tcpi_snd_wscale);
	EXPECT_EQ((unsigned int)ti_c.tcpi_snd_wscale,
		  (unsigned int)ti_a.tcpi_rcv_wscale);
	EXPECT_LE(ti_a.tcpi_snd_mss, 8960);
	EXPECT_GE(ti_a.tcpi_snd_mss, 1200);

#ifndef USE_TCP
	EXPECT_LT(sent0, xtcp_stat("SyncookiesSent"));
	EXPECT_LT(recv0, xtcp_stat("SyncookiesRecv"));
#else
	(void)sent0;
	(void)recv0;
#endif
	close(afd);
	close(cfd);
	close(lfd);
}

static int domain_of(int fd)
{
	socklen_t len = sizeof(int);
	int v = -1;

	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &v, &len))
		return -1;
	return v;
}

/* An AF_INET socket of either protocol never takes IPv6 (as TCP's). */
TEST(af_inet_socket_refuses_ipv6)
{
	struct sockaddr_in6 sa = addr6("::1", 0);
	int fd, on = 1;

	netns_setup(_metadata);
	fd = socket(AF_INET, SOCK_STREAM, proto());
	ASSERT_LE(0, fd);
	EXPECT_FAIL(EAFNOSUPPORT, bind(fd, (struct sockaddr *)&sa, sizeof(sa)));
	EXPECT_FAIL(ENOPROTOOPT, setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY,
					    &on, sizeof(on)));
	EXPECT_FAIL(EAFNOSUPPORT,
		    connect(fd, (struct sockaddr *)&sa, sizeof(sa)));
	EXPECT_EQ(AF_INET, domain_of(fd));
	close(fd);
}

#ifndef USE_TCP
static int xsock(void)
{
	int fd = socket(read_param("family", AF_XTCP), SOCK_STREAM, 0);

	if (fd >= 0) {
		set_timeo(fd, SO_RCVTIMEO, GUARD_MS);
		set_timeo(fd, SO_SNDTIMEO, GUARD_MS);
	}
	return fd;
}

/* Both ends AF_XTCP over [::1]: names, 256 KiB each way, intact. */
TEST(af_xtcp_sockaddr_in6)
{
	struct sockaddr_in6 sa = addr6("::1", 0), name, acc;
	static char out[256 * 1024], in[sizeof(out)];
	int lfd, cfd, afd, v6only = -1;
	socklen_t len;
	size_t i, got;
	ssize_t n;
	unsigned short port;

	netns_setup(_metadata);
	for (i = 0; i < sizeof(out); i++)
		out[i] = (char)(i * 7 + i / 251);
	lfd = xsock();
	cfd = xsock();
	ASSERT_LE(0, lfd) TH_LOG("socket(AF_XTCP): %s", strerror(errno));
	ASSERT_LE(0, cfd);
	EXPECT_EQ(AF_INET, domain_of(lfd));
	ASSERT_EQ(0, listener(lfd, (struct sockaddr *)&sa, sizeof(sa), &port))
		TH_LOG("bind/listen [::1] on AF_XTCP: %s", strerror(errno));
	EXPECT_EQ(AF_INET6, domain_of(lfd));
	len = sizeof(name);
	ASSERT_EQ(0, getsockname(lfd, (struct sockaddr *)&name, &len));
	EXPECT_EQ(sizeof(struct sockaddr_in6), len);
	EXPECT_TRUE(is_addr(&name, "::1"));

	sa.sin6_port = htons(port);
	ASSERT_EQ(0, connect(cfd, (struct sockaddr *)&sa, sizeof(sa)))
		TH_LOG("connect [::1]:%u on AF_XTCP: %s", port, strerror(errno));
	EXPECT_EQ(AF_INET6, domain_of(cfd));
	len = sizeof(int);
	EXPECT_EQ(0, getsockopt(cfd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, &len));
	EXPECT_EQ(0, v6only);
	len = sizeof(name);
	ASSERT_EQ(0, getsockname(cfd, (struct sockaddr *)&name, &len));
	EXPECT_TRUE(is_addr(&name, "::1"));
	len = sizeof(acc);
	afd = accept(lfd, (struct sockaddr *)&acc, &len);
	ASSERT_LE(0, afd);
	EXPECT_EQ(sizeof(struct sockaddr_in6), len);
	EXPECT_TRUE(is_addr(&acc, "::1"));
	EXPECT_EQ(name.sin6_port, acc.sin6_port);
	EXPECT_EQ(AF_INET6, domain_of(afd));

	/* Each way in turn; 256 KiB fits the default buffers. */
	ASSERT_EQ((ssize_t)sizeof(out), send(cfd, out, sizeof(out), 0));
	for (got = 0; got < sizeof(in); got += n) {
		n = recv(afd, in + got, sizeof(in) - got, 0);
		ASSERT_LT(0, n) TH_LOG("recv at %zu: %s", got, strerror(errno));
	}
	EXPECT_EQ(0, memcmp(out, in, sizeof(in)));
	ASSERT_EQ((ssize_t)sizeof(out), send(afd, out, sizeof(out), 0));
	for (got = 0; got < sizeof(in); got += n) {
		n = recv(cfd, in + got, sizeof(in) - got, 0);
		ASSERT_LT(0, n) TH_LOG("recv at %zu: %s", got, strerror(errno));
	}
	EXPECT_EQ(0, memcmp(out, in, sizeof(in)));
	close(afd);
	close(cfd);
	close(lfd);
}

/* An AF_XTCP listener on [::] takes an AF_XTCP client speaking IPv4. */
TEST(af_xtcp_dual_stack)
{
	struct sockaddr_in6 any = addr6("::", 0), acc;
	struct sockaddr_in sin, name;
	int lfd, cfd, afd, off = 0;
	unsigned short port;
	socklen_t len;
	char c = 0;

	netns_setup(_metadata);
	lfd = xsock();
	ASSERT_LE(0, lfd);
	/* The option alone makes it IPv6, before any address. */
	ASSERT_EQ(0, set_v6only(lfd, off));
	EXPECT_EQ(AF_INET6, domain_of(lfd));
	ASSERT_EQ(0, listener(lfd, (struct sockaddr *)&any, sizeof(any),
			      &port));

	cfd = xsock();
	ASSERT_LE(0, cfd);
	sin = addr4("127.0.0.1", port);
	ASSERT_EQ(0, connect(cfd, (struct sockaddr *)&sin, sizeof(sin)))
		TH_LOG("connect 127.0.0.1:%u: %s", port, strerror(errno));
	EXPECT_EQ(AF_INET, domain_of(cfd));
	len = sizeof(name);
	ASSERT_EQ(0, getsockname(cfd, (struct sockaddr *)&name, &len));
	EXPECT_EQ(sizeof(struct sockaddr_in), len);
	EXPECT_EQ(AF_INET, name.sin_family);
	len = sizeof(acc);
	afd = accept(lfd, (struct sockaddr *)&acc, &len);
	ASSERT_LE(0, afd);
	EXPECT_TRUE(is_addr(&acc, "::ffff:127.0.0.1"));
	EXPECT_EQ(name.sin_port, acc.sin6_port);
	EXPECT_EQ(1, send(cfd, "x", 1, 0));
	EXPECT_EQ(1, recv(afd, &c, 1, 0));
	EXPECT_EQ('x', c);
	EXPECT_EQ(1, send(afd, "y", 1, 0));
	EXPECT_EQ(1, recv(cfd, &c, 1, 0));
	EXPECT_EQ('y', c);
	close(afd);
	close(cfd);
	close(lfd);
}

/* IPV6_V6ONLY set first on an AF_XTCP socket holds for its bind to [::]. */
TEST(af_xtcp_v6only_first)
{
	struct sockaddr_in6 any = addr6("::", 0);
	struct sockaddr_in sin;
	unsigned short port;
	int lfd, cfd;

	netns_setup(_metadata);
	lfd = xsock();
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, set_v6only(lfd, 1))
		TH_LOG("IPV6_V6ONLY on AF_XTCP: %s", strerror(errno));
	ASSERT_EQ(0, listener(lfd, (struct sockaddr *)&any, sizeof(any),
			      &port));
	cfd = xsock();
	ASSERT_LE(0, cfd);
	sin = addr4("127.0.0.1", port);
	EXPECT_FAIL(ECONNREFUSED,
		    connect(cfd, (struct sockaddr *)&sin, sizeof(sin)));
	close(cfd);
	close(lfd);
}

/* Once bound over IPv4 an AF_XTCP socket is an IPv4 socket for good. */
TEST(af_xtcp_ipv4_once_bound)
{
	struct sockaddr_in6 sa6 = addr6("::1", 0);
	struct sockaddr_in sin = addr4("127.0.0.1", 0), name;
	socklen_t len = sizeof(name);
	int fd, on = 1;

	netns_setup(_metadata);
	fd = xsock();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, bind(fd, (struct sockaddr *)&sin, sizeof(sin)));
	EXPECT_FAIL(EAFNOSUPPORT,
		    bind(fd, (struct sockaddr *)&sa6, sizeof(sa6)));
	EXPECT_FAIL(ENOPROTOOPT, setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY,
					    &on, sizeof(on)));
	EXPECT_FAIL(EAFNOSUPPORT,
		    connect(fd, (struct sockaddr *)&sa6, sizeof(sa6)));
	EXPECT_EQ(AF_INET, domain_of(fd));
	ASSERT_EQ(0, getsockname(fd, (struct sockaddr *)&name, &len));
	EXPECT_EQ(sizeof(struct sockaddr_in), len);
	EXPECT_EQ(AF_INET, name.sin_family);
	EXPECT_EQ(htonl(INADDR_LOOPBACK), name.sin_addr.s_addr);
	close(fd);
}

/* An AF_XTCP socket made IPv6 by a refused IPv6 connect still takes a
 * sockaddr_in, as the v4-mapped address; a short sockaddr_in6 never
 * makes a socket IPv6.
 */
TEST(af_xtcp_ipv6_then_sockaddr_in)
{
	struct sockaddr_in sin = addr4("127.0.0.1", 0), name;
	struct sockaddr_in6 sa6 = addr6("::1", 0), peer;
	unsigned short port;
	int lfd, fd, afd;
	socklen_t len;
	char c = 0;

	netns_setup(_metadata);
	lfd = xsock();
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, listener(lfd, (struct sockaddr *)&sin, sizeof(sin),
			      &port));
	EXPECT_EQ(AF_INET, domain_of(lfd));

	fd = xsock();
	ASSERT_LE(0, fd);
	sa6.sin6_port = htons(port);
	EXPECT_FAIL(EAFNOSUPPORT, connect(fd, (struct sockaddr *)&sa6,
					  SIN6_LEN_RFC2133 - 1));
	EXPECT_EQ(AF_INET, domain_of(fd));
	EXPECT_FAIL(ECONNREFUSED,
		    connect(fd, (struct sockaddr *)&sa6, sizeof(sa6)));
	EXPECT_EQ(AF_INET6, domain_of(fd));

	sin.sin_port = htons(port);
	ASSERT_EQ(0, connect(fd, (struct sockaddr *)&sin, sizeof(sin)))
		TH_LOG("connect 127.0.0.1:%u after [::1]: %s", port,
		       strerror(errno));
	len = sizeof(peer);
	ASSERT_EQ(0, getpeername(fd, (struct sockaddr *)&peer, &len));
	EXPECT_TRUE(is_addr(&peer, "::ffff:127.0.0.1"));
	EXPECT_EQ(htons(port), peer.sin6_port);
	len = sizeof(name);
	afd = accept(lfd, (struct sockaddr *)&name, &len);
	ASSERT_LE(0, afd);
	EXPECT_EQ(AF_INET, name.sin_family);
	EXPECT_EQ(1, send(fd, "z", 1, 0));
	EXPECT_EQ(1, recv(afd, &c, 1, 0));
	EXPECT_EQ('z', c);
	close(afd);
	close(fd);
	close(lfd);
}
#endif /* !USE_TCP */

TEST_HARNESS_MAIN
