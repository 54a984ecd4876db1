// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp_pktdrv: the system-under-test side of the packet-level scenarios.
 *
 * Reads one command per line on stdin, makes the matching socket call on
 * AF_XTCP and prints one reply line on stdout:
 *
 *	ok [VALUES...]		the call succeeded
 *	err ERRNO		it failed with errno ERRNO (a number)
 *
 * Commands (ID names a socket this program opened, "-" is an empty payload):
 *
 *	socket				-> ok ID
 *	setsockopt ID NAME INT		SO_RCVBUF SO_SNDBUF SO_REUSEADDR
 *					SO_KEEPALIVE SO_MARK SO_PRIORITY IP_TOS
 *					IPV6_TCLASS SO_MAX_PACING_RATE
 *					XTCP_NODELAY XTCP_MAXSEG
 *	getsockopt ID NAME		-> ok INT
 *	nonblock ID 0|1
 *	bind ID ADDR PORT
 *	listen ID BACKLOG
 *	connect ID ADDR PORT		blocking unless nonblock was set
 *	accept ID			-> ok NEWID
 *	getname ID			-> ok LOCALADDR LOCALPORT
 *	send ID HEX			-> ok BYTES
 *	recv ID MAX [waitall|dontwait|oob|peek]  -> ok BYTES HEX|-
 *	shutdown ID rd|wr|rdwr
 *	close ID
 *	abortall			close every socket with SO_LINGER 0
 *	info ID				-> ok name=value... (struct xtcp_info)
 *	epoll ID			watch the socket for EPOLLIN from an epoll
 *					   instance kept open until abortall, as an
 *					   event loop's reader waits on it
 *	tcpinfo ID			-> ok name=value... (TCP_INFO at
 *					   IPPROTO_TCP, a few fields)
 *	sysctl NAME VALUE		writes /proc/sys/net/xtcp/NAME
 *	stat				-> ok Name=value... (/proc/net/xtcp_stat)
 *	quit
 *
 * ADDR is an IPv4 or an IPv6 literal: an AF_XTCP socket given an IPv6
 * address (sockaddr_in6) becomes an IPv6 socket; getname prints either.
 *
 * Calls run one at a time, in order: a blocking call (connect, accept, recv)
 * delays the replies to the commands after it, which is what the scripted
 * peer expects.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/tcp.h>
#include <linux/xtcp.h>

#include "../xtcp_test_util.h"

#define MAX_SOCKS	64
#define MAX_ARGS	8

static int socks[MAX_SOCKS];
static int nsocks;
static int epfds[MAX_SOCKS];
static int nepfds;
static int af_xtcp = AF_XTCP;
static int sol_xtcp = SOL_XTCP;

static void reply_err(int err)
{
	printf("err %d\n", err);
}

static void reply_ret(int ret)
{
	if (ret < 0)
		reply_err(errno);
	else
		printf("ok\n");
}

/* The socket called ID on the command line, or -1. */
static int sock_of(const char *arg)
{
	int id = atoi(arg);

	if (id < 0 || id >= nsocks || socks[id] < 0)
		return -1;
	return socks[id];
}

/* Reply with the id of a new socket @fd (from socket() or accept()). */
static void reply_new_id(int fd)
{
	if (fd < 0) {
		reply_err(errno);
	} else if (nsocks == MAX_SOCKS) {
		close(fd);
		reply_err(EMFILE);
	} else {
		socks[nsocks] = fd;
		printf("ok %d\n", nsocks++);
	}
}

/* @ip and @port into @ss: a sockaddr_in6 for an IPv6 literal, else a
 * sockaddr_in. Returns the address' length, or 0 if @ip is neither.
 */
static socklen_t parse_addr(const char *ip, const char *port,
			    struct sockaddr_storage *ss)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	if (strchr(ip, ':')) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(atoi(port));
		if (inet_pton(AF_INET6, ip, &sin6->sin6_addr) != 1)
			return 0;
		return sizeof(*sin6);
	}
	sin->sin_family = AF_INET;
	sin->sin_port = htons(atoi(port));
	if (inet_pton(AF_INET, ip, &sin->sin_addr) != 1)
		return 0;
	return sizeof(*sin);
}

/* Reply "ok ADDR PORT" for the sockaddr_in or sockaddr_in6 in @ss. */
static void reply_addr(const struct sockaddr_storage *ss)
{
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;
	const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;
	char buf[INET6_ADDRSTRLEN];

	if (ss->ss_family == AF_INET6)
		printf("ok %s %u\n",
		       inet_ntop(AF_INET6, &sin6->sin6_addr, buf, sizeof(buf)),
		       ntohs(sin6->sin6_port));
	else
		printf("ok %s %u\n",
		       inet_ntop(AF_INET, &sin->sin_addr, buf, sizeof(buf)),
		       ntohs(sin->sin_port));
}

static int opt_of(const char *name, int *level, int *opt)
{
	static const struct {
		const char *name;
		int sol;
		int opt;
	} tab[] = {
		{ "SO_RCVBUF", SOL_SOCKET, SO_RCVBUF },
		{ "SO_SNDBUF", SOL_SOCKET, SO_SNDBUF },
		{ "SO_REUSEADDR", SOL_SOCKET, SO_REUSEADDR },
		{ "SO_KEEPALIVE", SOL_SOCKET, SO_KEEPALIVE },
		{ "SO_ERROR", SOL_SOCKET, SO_ERROR },
		{ "SO_MARK", SOL_SOCKET, SO_MARK },
		{ "SO_PRIORITY", SOL_SOCKET, SO_PRIORITY },
		{ "IP_TOS", SOL_IP, IP_TOS },
		{ "IPV6_TCLASS", SOL_IPV6, IPV6_TCLASS },
		{ "SO_MAX_PACING_RATE", SOL_SOCKET, SO_MAX_PACING_RATE },
		{ "XTCP_NODELAY", -1, XTCP_NODELAY },
		{ "XTCP_MAXSEG", -1, XTCP_MAXSEG },
	};
	unsigned int i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		if (strcmp(tab[i].name, name))
			continue;
		*level = tab[i].sol < 0 ? sol_xtcp : tab[i].sol;
		*opt = tab[i].opt;
		return 0;
	}
	return -1;
}

static int nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Hex digits into bytes, in one pass: sscanf() per byte took time
 * quadratic in the length (glibc measures the whole rest of the string at
 * every call), 2.3 s for a 64000-byte send in a TCG guest.
 */
static int unhex(const char *hex, unsigned char *buf, size_t max)
{
	size_t len = strlen(hex), i;
	int hi, lo;

	if (!strcmp(hex, "-"))
		return 0;
	if (len % 2 || len / 2 > max)
		return -1;
	for (i = 0; i < len / 2; i++) {
		hi = nibble(hex[2 * i]);
		lo = nibble(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		buf[i] = hi << 4 | lo;
	}
	return len / 2;
}

static void print_hex(const unsigned char *buf, ssize_t n)
{
	ssize_t i;

	if (n <= 0) {
		fputs("-", stdout);
		return;
	}
	for (i = 0; i < n; i++)
		printf("%02x", buf[i]);
}

static void cmd_info(int fd)
{
	struct xtcp_info i;
	socklen_t len = sizeof(i);

	if (getsockopt(fd, sol_xtcp, XTCP_INFO, &i, &len) < 0) {
		reply_err(errno);
		return;
	}
	printf("ok state=%u ca_state=%u retransmits=%u rto=%u srtt=%u rttvar=%u snd_mss=%u rcv_mss=%u snd_cwnd=%u snd_ssthresh=%u snd_wnd=%u rcv_wnd=%u unacked=%u total_retrans=%u bytes_acked=%llu bytes_received=%llu segs_out=%llu segs_in=%llu\n",
	       i.state, i.ca_state, i.retransmits, i.rto, i.srtt, i.rttvar,
	       i.snd_mss, i.rcv_mss, i.snd_cwnd, i.snd_ssthresh, i.snd_wnd,
	       i.rcv_wnd, i.unacked, i.total_retrans,
	       (unsigned long long)i.bytes_acked,
	       (unsigned long long)i.bytes_received,
	       (unsigned long long)i.segs_out, (unsigned long long)i.segs_in);
}

static void cmd_tcpinfo(int fd)
{
	struct tcp_info i;
	socklen_t len = sizeof(i);

	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &i, &len) < 0) {
		reply_err(errno);
		return;
	}
	printf("ok rtt=%u snd_mss=%u snd_cwnd=%u snd_ssthresh=%u unacked=%u pacing_rate=%llu max_pacing_rate=%llu\n",
	       i.tcpi_rtt, i.tcpi_snd_mss, i.tcpi_snd_cwnd, i.tcpi_snd_ssthresh,
	       i.tcpi_unacked, (unsigned long long)i.tcpi_pacing_rate,
	       (unsigned long long)i.tcpi_max_pacing_rate);
}

static void cmd_stat(void)
{
	char name[64];
	unsigned long v;
	FILE *f = fopen("/proc/net/xtcp_stat", "r");

	if (!f) {
		reply_err(errno);
		return;
	}
	fputs("ok", stdout);
	while (fscanf(f, "%63s %lu", name, &v) == 2)
		printf(" %s=%lu", name, v);
	putchar('\n');
	fclose(f);
}

static void cmd_sysctl(const char *name, const char *value)
{
	char path[128];
	FILE *f;

	if (strchr(name, '/')) {
		reply_err(EINVAL);
		return;
	}
	snprintf(path, sizeof(path), "/proc/sys/net/xtcp/%s", name);
	f = fopen(path, "w");
	if (!f) {
		reply_err(errno);
		return;
	}
	fprintf(f, "%s\n", value);
	if (fclose(f)) {
		reply_err(errno);
		return;
	}
	printf("ok\n");
}

static void cmd_recv(int fd, const char *max, const char *how)
{
	size_t n = strtoul(max, NULL, 0);
	unsigned char *buf = malloc(n ? n : 1);
	int flags = 0;
	ssize_t r;

	if (!buf) {
		reply_err(ENOMEM);
		return;
	}
	if (how && !strcmp(how, "waitall"))
		flags = MSG_WAITALL;
	else if (how && !strcmp(how, "dontwait"))
		flags = MSG_DONTWAIT;
	else if (how && !strcmp(how, "oob"))
		flags = MSG_OOB | MSG_DONTWAIT;
	else if (how && !strcmp(how, "peek"))
		flags = MSG_PEEK | MSG_DONTWAIT;
	r = recv(fd, buf, n, flags);
	if (r < 0) {
		reply_err(errno);
	} else {
		printf("ok %zd ", r);
		print_hex(buf, r);
		putchar('\n');
	}
	free(buf);
}

static void cmd_send(int fd, const char *hex)
{
	size_t max = strlen(hex) / 2 + 1;
	unsigned char *buf = malloc(max);
	ssize_t r;
	int n;

	if (!buf) {
		reply_err(ENOMEM);
		return;
	}
	n = unhex(hex, buf, max);
	if (n < 0) {
		free(buf);
		reply_err(EINVAL);
		return;
	}
	r = send(fd, buf, n, MSG_NOSIGNAL);
	if (r < 0)
		reply_err(errno);
	else
		printf("ok %zd\n", r);
	free(buf);
}

/* An epoll instance watching @fd for input, open until abortall. */
static void cmd_epoll(int fd)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int ep;

	if (nepfds == MAX_SOCKS) {
		reply_err(EMFILE);
		return;
	}
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0) {
		reply_err(errno);
		return;
	}
	if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev)) {
		reply_err(errno);
		close(ep);
		return;
	}
	epfds[nepfds++] = ep;
	printf("ok\n");
}

/* End of a scenario: nothing may linger in the namespace (RST, no orphan). */
static void cmd_abortall(void)
{
	struct linger l = { .l_onoff = 1, .l_linger = 0 };
	int i;

	for (i = 0; i < nepfds; i++)
		close(epfds[i]);
	nepfds = 0;
	for (i = 0; i < nsocks; i++) {
		if (socks[i] < 0)
			continue;
		setsockopt(socks[i], SOL_SOCKET, SO_LINGER, &l, sizeof(l));
		close(socks[i]);
		socks[i] = -1;
	}
	printf("ok\n");
}

/* One command; returns 0 to go on, 1 on quit. */
static int run(char **a, int n)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd = -1, level, opt, v;

	if (n == 0)
		return 0;
	if (!strcmp(a[0], "quit"))
		return 1;
	if (!strcmp(a[0], "socket")) {
		reply_new_id(socket(af_xtcp, SOCK_STREAM, 0));
		return 0;
	}
	if (!strcmp(a[0], "sysctl") && n == 3) {
		cmd_sysctl(a[1], a[2]);
		return 0;
	}
	if (!strcmp(a[0], "stat")) {
		cmd_stat();
		return 0;
	}
	if (!strcmp(a[0], "abortall")) {
		cmd_abortall();
		return 0;
	}
	if (n < 2 || (fd = sock_of(a[1])) < 0) {
		reply_err(EBADF);
		return 0;
	}

	if (!strcmp(a[0], "setsockopt") && n == 4) {
		if (opt_of(a[2], &level, &opt)) {
			reply_err(ENOPROTOOPT);
			return 0;
		}
		v = atoi(a[3]);
		reply_ret(setsockopt(fd, level, opt, &v, sizeof(v)));
	} else if (!strcmp(a[0], "getsockopt") && n == 3) {
		len = sizeof(v);
		if (opt_of(a[2], &level, &opt))
			reply_err(ENOPROTOOPT);
		else if (getsockopt(fd, level, opt, &v, &len) < 0)
			reply_err(errno);
		else
			printf("ok %d\n", v);
	} else if (!strcmp(a[0], "nonblock") && n == 3) {
		v = fcntl(fd, F_GETFL);
		v = atoi(a[2]) ? v | O_NONBLOCK : v & ~O_NONBLOCK;
		reply_ret(fcntl(fd, F_SETFL, v));
	} else if ((!strcmp(a[0], "bind") || !strcmp(a[0], "connect")) &&
		   n == 4) {
		len = parse_addr(a[2], a[3], &ss);
		if (!len) {
			reply_err(EINVAL);
			return 0;
		}
		if (a[0][0] == 'b')
			reply_ret(bind(fd, (struct sockaddr *)&ss, len));
		else
			reply_ret(connect(fd, (struct sockaddr *)&ss, len));
	} else if (!strcmp(a[0], "listen") && n == 3) {
		reply_ret(listen(fd, atoi(a[2])));
	} else if (!strcmp(a[0], "accept")) {
		reply_new_id(accept(fd, NULL, NULL));
	} else if (!strcmp(a[0], "getname")) {
		len = sizeof(ss);
		if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
			reply_err(errno);
		else
			reply_addr(&ss);
	} else if (!strcmp(a[0], "send") && n == 3) {
		cmd_send(fd, a[2]);
	} else if (!strcmp(a[0], "recv") && n >= 3) {
		cmd_recv(fd, a[2], n > 3 ? a[3] : NULL);
	} else if (!strcmp(a[0], "shutdown") && n == 3) {
		v = !strcmp(a[2], "rd") ? SHUT_RD :
		    !strcmp(a[2], "wr") ? SHUT_WR : SHUT_RDWR;
		reply_ret(shutdown(fd, v));
	} else if (!strcmp(a[0], "close")) {
		socks[atoi(a[1])] = -1;
		reply_ret(close(fd));
	} else if (!strcmp(a[0], "info")) {
		cmd_info(fd);
	} else if (!strcmp(a[0], "epoll")) {
		cmd_epoll(fd);
	} else if (!strcmp(a[0], "tcpinfo")) {
		cmd_tcpinfo(fd);
	} else {
		reply_err(EINVAL);
	}
	return 0;
}

int main(void)
{
	char *line = NULL, *a[MAX_ARGS], *save;
	size_t cap = 0;
	int n;

	setvbuf(stdout, NULL, _IOLBF, 0);
	af_xtcp = read_param("family", AF_XTCP);
	sol_xtcp = read_param("ipproto", SOL_XTCP);

	while (getline(&line, &cap, stdin) > 0) {
		n = 0;
		for (a[n] = strtok_r(line, " \t\n", &save); a[n] && n < MAX_ARGS - 1;
		     a[n] = strtok_r(NULL, " \t\n", &save))
			n++;
		if (run(a, n))
			break;
	}
	free(line);
	return 0;
}
