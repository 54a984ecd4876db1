// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp_race - churn connections to race timers against their owners.
 *
 *   xtcp_race -l [-p xtcp|tcp] [-t SEC] [-s SEED] ADDR PORT   server
 *   xtcp_race [-p xtcp|tcp] [-N CONNS] [-t SEC] [-s SEED] ADDR PORT
 *
 * The client keeps CONNS non-blocking connections busy for SEC seconds:
 * each sends random amounts, and now and then, while its data is still
 * being retransmitted on a lossy link, it is closed (FIN after queued
 * data, an orphan), aborted (SO_LINGER 0: RST), half-closed, or has its
 * keepalive turned on and off (owner-side timer starts and cancels), then
 * replaced by a new connection. The server reads, sometimes stops reading
 * for a while (zero window: persist timer), sends a little back, and
 * closes or aborts some connections itself. An IPv6 ADDR makes IPv6
 * sockets (AF_XTCP given sockaddr_in6; AF_INET6 for -p tcp).
 *
 * Errors a connection may meet on such a link (ECONNRESET, EPIPE,
 * ETIMEDOUT, ECONNREFUSED, EHOSTUNREACH, ENETUNREACH) are counted, not
 * failures. Exit: 0 when the run ended with no other error, 1 otherwise,
 * 2 usage, 4 the protocol is not available.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include <linux/xtcp.h>

#include "xtcp_test_util.h"

#define MAXC		1024
#define CHUNK		16384

struct rconn {
	int fd;
	bool connecting;
	bool paused;
	uint64_t sent, budget, resume_ns;
};

static struct rconn cs[MAXC];
static int nconn = 8, epfd, lfd = -1;
static bool listener, tcp;
static uint64_t rng = 1;
static char buf[CHUNK];
static volatile sig_atomic_t stop;
static struct sockaddr_storage addr;	/* sockaddr_in or sockaddr_in6 */
static socklen_t addr_len;
static int family = AF_XTCP, proto;
static unsigned long n_conn, n_close, n_abort, n_shut, n_ka, n_err, n_bad,
		     n_acc, n_pause;
static unsigned long long n_bytes;
static unsigned long n_ends, n_reads;	/* for choose() */
/* client_event()'s first ends: FIN, RST, keepalive, half-close */
static const unsigned int first_ends[] = { 0, 3, 6, 7 };
/* server_event()'s: pause, reply, close, abort */
static const unsigned int first_acts[] = { 2, 4, 0, 1 };

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/*
 * choose() - the case for the next of a series of random choices: every
 * @every-th choice, until @nfirst have been made so, takes the next case
 * of @first; the others are rnd() % @mod. A short run (the debug guest's)
 * thus still takes each case, which the script checks in the counts.
 */
static unsigned int choose(unsigned long *n, unsigned int every,
			   const unsigned int *first, unsigned int nfirst,
			   unsigned int mod)
{
	unsigned long i = (*n)++;

	if (i % every == every - 1 && i / every < nfirst)
		return first[i / every];
	return rnd() % mod;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void msg(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "xtcp_race %s: ", listener ? "server" : "client");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* An error a connection may meet on a lossy link, or a real one? */
static void conn_error(int e, const char *what)
{
	switch (e) {
	case ECONNRESET: case EPIPE: case ETIMEDOUT: case ECONNREFUSED:
	case EHOSTUNREACH: case ENETUNREACH: case ENOBUFS: case ECONNABORTED:
		n_err++;
		return;
	default:
		n_bad++;
		msg("unexpected %s: %s", what, strerror(e));
	}
}

static void drop(struct rconn *c, int how)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };

	if (c->fd < 0)
		return;
	epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
	if (how == 1) {
		if (setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)))
			conn_error(errno, "SO_LINGER");
		n_abort++;
	} else {
		n_close++;
	}
	close(c->fd);
	c->fd = -1;
}

static int new_socket(void)
{
	int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK, proto);

	if (fd < 0 && (errno == EAFNOSUPPORT || errno == EPROTONOSUPPORT)) {
		msg("socket: %s", strerror(errno));
		exit(4);
	}
	return fd;
}

static void arm(struct rconn *c, uint32_t ev, int op)
{
	struct epoll_event e = { .events = ev, .data.ptr = c };

	if (epoll_ctl(epfd, op, c->fd, &e))
		conn_error(errno, "epoll_ctl");
}

static void client_open(struct rconn *c)
{
	c->fd = new_socket();
	if (c->fd < 0) {
		conn_error(errno, "socket");
		return;
	}
	c->sent = 0;
	c->budget = rnd() % (96 * 1024);
	c->connecting = true;
	n_conn++;
	if (connect(c->fd, (struct sockaddr *)&addr, addr_len) &&
	    errno != EINPROGRESS) {
		conn_error(errno, "connect");
		close(c->fd);
		c->fd = -1;
		return;
	}
	arm(c, EPOLLOUT | EPOLLIN, EPOLL_CTL_ADD);
}

/* Keepalive on (1 s idle) and off again: owner-side timer start/cancel. */
static void keepalive_churn(int fd)
{
	int one = 1, zero = 0, sol = tcp ? IPPROTO_TCP : SOL_XTCP;

	if (!tcp)
		sol = read_param("ipproto", SOL_XTCP);
	if (setsockopt(fd, sol, 4, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &zero, sizeof(zero)) ||
	    setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one)))
		conn_error(errno, "setsockopt");
	n_ka++;
}

/* A connection that ends leaves its slot empty; the main loop refills it
 * after the batch of events, none of which may reach the new socket.
 */
static void client_event(struct rconn *c, uint32_t ev)
{
	int err = 0;
	socklen_t len = sizeof(err);
	ssize_t n;

	if (c->connecting) {
		if (!(ev & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
			return;
		getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
		if (err) {
			conn_error(err, "connect");
			drop(c, 0);
			return;
		}
		c->connecting = false;
	}
	if (ev & EPOLLIN) {
		n = recv(c->fd, buf, sizeof(buf), 0);
		if (n < 0 && errno != EAGAIN) {
			conn_error(errno, "recv");
			drop(c, 0);
			return;
		}
		if (n == 0) {
			drop(c, 0);
			return;
		}
	}
	if (!(ev & EPOLLOUT))
		return;
	if (c->sent >= c->budget) {
		/* Done with it, data probably still in flight: pick an end;
		 * the first four each take a different one.
		 */
		switch (choose(&n_ends, 1, first_ends, 4, 8)) {
		case 0: case 1: case 2:
			drop(c, 0);		/* FIN after the queued data */
			break;
		case 3: case 4: case 5:
			drop(c, 1);		/* RST */
			break;
		case 6:
			keepalive_churn(c->fd);
			c->budget += rnd() % (32 * 1024);
			return;
		default:
			if (shutdown(c->fd, SHUT_WR))
				conn_error(errno, "shutdown");
			n_shut++;
			drop(c, 0);
			break;
		}
		return;
	}
	n = send(c->fd, buf, 1 + rnd() % sizeof(buf), MSG_NOSIGNAL);
	if (n < 0) {
		if (errno == EAGAIN)
			return;
		conn_error(errno, "send");
		drop(c, rnd() & 1);
		return;
	}
	c->sent += n;
	n_bytes += n;
}

static void server_event(struct rconn *c, uint32_t ev)
{
	ssize_t n;

	if (c->paused)
		return;
	if (ev & EPOLLIN) {
		n = recv(c->fd, buf, sizeof(buf), 0);
		if (n == 0 || (n < 0 && errno != EAGAIN)) {
			if (n < 0)
				conn_error(errno, "recv");
			drop(c, 0);
			return;
		}
		if (n > 0)
			n_bytes += n;
		/* Every 16th of the first reads: a pause, a reply, a
		 * close, an abort, in turn.
		 */
		switch (choose(&n_reads, 16, first_acts, 4, 256)) {
		case 0:
			drop(c, 0);
			return;
		case 1:
			drop(c, 1);
			return;
		case 2: case 3:
			/* Stop reading for a while: the window closes. */
			c->paused = true;
			c->resume_ns = now_ns() + (rnd() % 2000) * 1000000ull;
			arm(c, 0, EPOLL_CTL_MOD);
			n_pause++;
			return;
		case 4: case 5: case 6: case 7:
			n = send(c->fd, buf, 1 + rnd() % 4096, MSG_NOSIGNAL);
			if (n < 0 && errno != EAGAIN) {
				conn_error(errno, "send");
				drop(c, 0);
			}
			return;
		}
	}
	if (ev & (EPOLLERR | EPOLLHUP) && !(ev & EPOLLIN))
		drop(c, 0);
}

static void server_accept(void)
{
	int fd, i;

	for (;;) {
		fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK);
		if (fd < 0) {
			if (errno != EAGAIN)
				conn_error(errno, "accept");
			return;
		}
		for (i = 0; i < MAXC && cs[i].fd >= 0; i++)
			;
		if (i == MAXC) {
			close(fd);
			continue;
		}
		memset(&cs[i], 0, sizeof(cs[i]));
		cs[i].fd = fd;
		n_acc++;
		arm(&cs[i], EPOLLIN, EPOLL_CTL_ADD);
	}
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	struct epoll_event evs[64];
	int o, i, n, secs = 30, one = 1;
	uint64_t end;

	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "-l"))
			listener = true;
	while ((o = getopt(argc, argv, "lp:N:t:s:")) != -1) {
		switch (o) {
		case 'l': break;
		case 'p': tcp = !strcmp(optarg, "tcp"); break;
		case 'N': nconn = atoi(optarg); break;
		case 't': secs = atoi(optarg); break;
		case 's': rng = strtoull(optarg, NULL, 0) | 1; break;
		default: goto usage;
		}
	}
	if (argc - optind != 2 || nconn < 1 || nconn > MAXC || secs < 1)
		goto usage;
	/* An IPv6 address makes IPv6 sockets: AF_XTCP given sockaddr_in6,
	 * or AF_INET6 for the kernel's TCP.
	 */
	if (strchr(argv[optind], ':')) {
		*(struct sockaddr_in6 *)&addr = addr6(argv[optind],
						      atoi(argv[optind + 1]));
		addr_len = sizeof(struct sockaddr_in6);
	} else {
		*(struct sockaddr_in *)&addr = addr4(argv[optind],
						     atoi(argv[optind + 1]));
		addr_len = sizeof(struct sockaddr_in);
	}
	if (addr.ss_family == AF_INET6 ?
	    IN6_IS_ADDR_UNSPECIFIED(&((struct sockaddr_in6 *)&addr)->sin6_addr) :
	    !((struct sockaddr_in *)&addr)->sin_addr.s_addr)
		goto usage;
	if (tcp)
		family = addr.ss_family;
	else
		family = read_param("family", AF_XTCP);

	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	for (i = 0; i < (int)sizeof(buf); i++)
		buf[i] = rnd();
	for (i = 0; i < MAXC; i++)
		cs[i].fd = -1;
	epfd = epoll_create1(0);
	if (epfd < 0)
		return 1;

	if (listener) {
		lfd = new_socket();
		if (lfd < 0 ||
		    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
		    bind(lfd, (struct sockaddr *)&addr, addr_len) ||
		    listen(lfd, 1024)) {
			msg("listen: %s", strerror(errno));
			return 1;
		}
		struct epoll_event e = { .events = EPOLLIN, .data.ptr = NULL };

		epoll_ctl(epfd, EPOLL_CTL_ADD, lfd, &e);
		printf("listening\n");
		fflush(stdout);
	} else {
		for (i = 0; i < nconn; i++)
			client_open(&cs[i]);
	}

	end = now_ns() + secs * 1000000000ull;
	while (!stop && now_ns() < end) {
		n = epoll_wait(epfd, evs, 64, 50);
		for (i = 0; i < n; i++) {
			struct rconn *c = evs[i].data.ptr;

			if (!c)
				server_accept();
			else if (c->fd < 0)
				continue;
			else if (listener)
				server_event(c, evs[i].events);
			else
				client_event(c, evs[i].events);
		}
		for (i = 0; i < MAXC; i++) {
			struct rconn *c = &cs[i];

			if (c->fd >= 0 && c->paused && now_ns() >= c->resume_ns) {
				c->paused = false;
				arm(c, EPOLLIN, EPOLL_CTL_MOD);
			}
			/* A client slot emptied by an error path: refill it. */
			if (!listener && i < nconn && c->fd < 0 && !stop)
				client_open(c);
		}
	}
	/* The end: half leave as orphans with data queued, half abort. */
	for (i = 0; i < MAXC; i++)
		drop(&cs[i], (int)(rnd() & 1));
	if (lfd >= 0)
		close(lfd);
	msg("%lu connects, %lu accepts, %llu bytes, %lu closes, %lu aborts, %lu half-closes, %lu keepalive toggles, %lu read pauses, %lu expected errors, %lu unexpected",
	    n_conn, n_acc, n_bytes, n_close, n_abort, n_shut, n_ka, n_pause,
	    n_err, n_bad);
	return n_bad ? 1 : 0;
usage:
	fprintf(stderr, "usage: xtcp_race [-l] [-p xtcp|tcp] [-N CONNS] [-t SEC] [-s SEED] ADDR PORT\n");
	return 2;
}
