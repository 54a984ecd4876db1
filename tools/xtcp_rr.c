// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp_rr: request/response latency benchmark for XTCP and, for
 * comparison, the kernel's TCP. The client sends a small request, the
 * server echoes it, ITER times; the client prints transactions per second.
 * Each request carries its own byte pattern and the client checks every
 * byte of the echo: a transaction that comes back different fails.
 *
 *   xtcp_rr -l [-p xtcp|tcp] ADDR PORT          server (one connection)
 *   xtcp_rr [-p xtcp|tcp] [-n ITER] [-z SIZE] ADDR PORT   client
 *
 * ADDR is IPv4 or IPv6: an AF_XTCP socket takes either sockaddr, a TCP
 * socket is AF_INET or AF_INET6 to match.
 *
 * Besides the rate, the client prints the median and 99th percentile of
 * the transactions' latencies and "stall": the sum over all transactions
 * of the time each took beyond the median. A slow guest stretches every
 * transaction, which moves the median; a loss repaired by a timeout adds
 * a few hundred milliseconds to one, which shows in the stall.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/xtcp.h>

union addr {
	struct sockaddr sa;
	struct sockaddr_in v4;
	struct sockaddr_in6 v6;
};

/* ADDR and PORT into @a; return its length, 0 if ADDR is neither family. */
static socklen_t parse_addr(const char *host, const char *port, union addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, host, &a->v4.sin_addr) == 1) {
		a->v4.sin_family = AF_INET;
		a->v4.sin_port = htons(atoi(port));
		return sizeof(a->v4);
	}
	if (inet_pton(AF_INET6, host, &a->v6.sin6_addr) == 1) {
		a->v6.sin6_family = AF_INET6;
		a->v6.sin6_port = htons(atoi(port));
		return sizeof(a->v6);
	}
	return 0;
}

static int open_sock(const char *proto, int family)
{
	int one = 1, fd;

	if (!strcmp(proto, "tcp")) {
		fd = socket(family, SOCK_STREAM, 0);
		if (fd >= 0)
			setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	} else {
		fd = socket(AF_XTCP, SOCK_STREAM, 0);
		if (fd >= 0)
			setsockopt(fd, SOL_XTCP, XTCP_NODELAY, &one, sizeof(one));
	}
	if (fd < 0) {
		perror("socket");
		exit(4);
	}
	return fd;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double elapsed(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) + (b->tv_nsec - a->tv_nsec) / 1e9;
}

/* Median, 99th percentile and stall (see the top) of @n latencies, in ms. */
static void print_latency(double *lat, long n)
{
	double p50, p99, stall = 0;

	qsort(lat, n, sizeof(*lat), cmp_double);
	p50 = lat[n / 2];
	p99 = lat[n * 99 / 100];
	for (long i = n / 2; i < n; i++)
		stall += lat[i] - p50;
	printf("latency p50=%.3fms p99=%.3fms stall=%.0fms\n", p50 * 1e3,
	       p99 * 1e3, stall * 1e3);
}

static int full_io(int fd, char *buf, size_t len, int rd)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = rd ? read(fd, buf + done, len - done) :
				 write(fd, buf + done, len - done);
		if (n <= 0)
			return n == 0 ? 0 : -1;
		done += n;
	}
	return 1;
}

int main(int argc, char **argv)
{
	const char *proto = "xtcp";
	long iter = 10000, size = 1;
	struct timespec t0, t1, ts, te;
	double *lat;
	union addr sa;
	socklen_t salen;
	int listen_mode = 0, fd, c, one = 1;
	static char buf[65536], rbuf[65536];
	double secs;

	while ((c = getopt(argc, argv, "lp:n:z:")) != -1) {
		switch (c) {
		case 'l': listen_mode = 1; break;
		case 'p': proto = optarg; break;
		case 'n': iter = atol(optarg); break;
		case 'z': size = atol(optarg); break;
		default: return 2;
		}
	}
	if (optind + 2 != argc || size < 1 || size > (long)sizeof(buf) ||
	    iter < 1) {
		fprintf(stderr, "usage: xtcp_rr [-l] [-p xtcp|tcp] [-n ITER] [-z SIZE] ADDR PORT\n");
		return 2;
	}
	salen = parse_addr(argv[optind], argv[optind + 1], &sa);
	if (!salen) {
		fprintf(stderr, "xtcp_rr: %s: not an IPv4 or IPv6 address\n",
			argv[optind]);
		return 2;
	}
	memset(buf, 'x', sizeof(buf));

	fd = open_sock(proto, sa.sa.sa_family);
	if (listen_mode) {
		int cfd;

		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, &sa.sa, salen) || listen(fd, 1)) {
			perror("bind/listen");
			return 1;
		}
		cfd = accept(fd, NULL, NULL);
		if (cfd < 0) {
			perror("accept");
			return 1;
		}
		if (strcmp(proto, "tcp"))
			setsockopt(cfd, SOL_XTCP, XTCP_NODELAY, &one, sizeof(one));
		else
			setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		while (full_io(cfd, buf, size, 1) > 0)
			if (full_io(cfd, buf, size, 0) <= 0)
				break;
		close(cfd);
		close(fd);
		return 0;
	}

	/* The server may still be starting: retry refusals for 10 s. */
	for (int tries = 0; connect(fd, &sa.sa, salen); tries++) {
		if (errno != ECONNREFUSED || tries == 100) {
			perror("connect");
			return 1;
		}
		close(fd);
		usleep(100000);
		fd = open_sock(proto, sa.sa.sa_family);
	}
	lat = calloc(iter, sizeof(*lat));
	if (!lat) {
		perror("calloc");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (long i = 0; i < iter; i++) {
		for (long j = 0; j < size; j++)
			buf[j] = (char)(i * 131 + j * 7 + (j >> 8));
		clock_gettime(CLOCK_MONOTONIC, &ts);
		if (full_io(fd, buf, size, 0) <= 0 || full_io(fd, rbuf, size, 1) <= 0) {
			fprintf(stderr, "xtcp_rr: transaction %ld failed: %s\n", i,
				strerror(errno));
			return 1;
		}
		if (memcmp(buf, rbuf, size)) {
			fprintf(stderr, "xtcp_rr: transaction %ld: the echo differs\n", i);
			return 1;
		}
		clock_gettime(CLOCK_MONOTONIC, &te);
		lat[i] = elapsed(&ts, &te);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = elapsed(&t0, &t1);
	printf("%s rr size=%ld iter=%ld time=%.3fs rate=%.0f trans/s\n", proto,
	       size, iter, secs, iter / secs);
	print_latency(lat, iter);
	free(lat);
	close(fd);
	return 0;
}
