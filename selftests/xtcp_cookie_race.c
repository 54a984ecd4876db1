// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp_cookie_race - one SYN cookie's ACK reaching a listener on two CPUs
 * at once, for many connections; no connection may be accepted twice.
 *
 *   xtcp_cookie_race -l [-6] [-P 6] -p PORT -n N -t SECS ADDR
 *	The listener: socket(AF_INET or AF_INET6, SOCK_STREAM,
 *	IPPROTO_XTCP, or IPPROTO_TCP with -P 6) on ADDR:PORT. Accepts for
 *	SECS seconds, or until N connections came and then a second passed
 *	without another; records each one's peer address and port and keeps
 *	it open until the end (closed, its connection would be gone when a
 *	late second ACK came, and that ACK would rightly make a new one).
 *	Prints how many sockets it accepted for how many connections. Exits
 *	1 when a connection (the same peer address and port) was accepted
 *	twice.
 *
 *   xtcp_cookie_race [-6] [-P PROTO] -p PORT -n N SADDR DADDR
 *	The racer: N handshakes of its own through raw sockets (protocol
 *	PROTO, 253 by default), from SADDR and ports 20000 + i, 50 at a
 *	time: their SYNs (MSS option only: no timestamps, so nothing else
 *	rides in the cookie), their SYN-ACKs, then for each one two threads
 *	pinned to CPUs 0 and 1 send the same ACK at the same instant, each
 *	from its own raw socket, so the listener's softirq handles the two
 *	on two CPUs in parallel.
 *	This is what the handshake's ACK and the first data segment do when
 *	a client's softirq sends one and its process the other. SADDR's own
 *	kernel, which has no socket for the SYN-ACK, answers it with a RST;
 *	a listener answering with cookies keeps no request to reset. Prints
 *	how many SYN-ACKs came and ACK pairs went.
 *
 * Exit status: 0 ok, 1 failure, 2 usage, 4 cannot run here (one CPU).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/filter.h>
#include <linux/xtcp.h>

#include "xtcp_rawseg.h"

#define KSFT_SKIP	4
#define BASE_PORT	20000
#define MAX_CONNS	4000

static bool v6;
static int proto = 253;
static union {
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
} saddr, daddr, dst;	/* dst: daddr with port 0, for raw sockets */

static void usage(void)
{
	fprintf(stderr,
		"usage: xtcp_cookie_race -l [-6] [-P 6] -p PORT -n N -t SECS ADDR\n"
		"       xtcp_cookie_race [-6] [-P PROTO] -p PORT -n N SADDR DADDR\n");
	exit(2);
}

static void die(const char *what)
{
	fprintf(stderr, "xtcp_cookie_race: %s: %s\n", what, strerror(errno));
	exit(1);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void parse_addr(const char *s, int port, void *out)
{
	struct sockaddr_in6 *a6 = out;
	struct sockaddr_in *a4 = out;

	if (v6) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons(port);
		if (inet_pton(AF_INET6, s, &a6->sin6_addr) != 1)
			usage();
	} else {
		a4->sin_family = AF_INET;
		a4->sin_port = htons(port);
		if (inet_pton(AF_INET, s, &a4->sin_addr) != 1)
			usage();
	}
}

static socklen_t addr_len(void)
{
	return v6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
}

/* --- the listener ------------------------------------------------------ */

struct peer {
	uint8_t addr[16];
	uint16_t port;
};

static int listener(int port, int n, int secs)
{
	static struct peer seen[MAX_CONNS * 2];
	static int fds[MAX_CONNS * 2];
	int fd, one = 1, accepted = 0, dups = 0, i;
	struct rlimit nofile = { MAX_CONNS * 2 + 64, MAX_CONNS * 2 + 64 };
	double end = now_s() + secs, idle_end = 0;
	double last = 0;

	if (setrlimit(RLIMIT_NOFILE, &nofile))
		die("setrlimit(RLIMIT_NOFILE)");
	fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK,
		    proto == IPPROTO_TCP ? IPPROTO_TCP : IPPROTO_XTCP);
	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&daddr, addr_len()))
		die("bind");
	if (listen(fd, 4096))
		die("listen");
	printf("xtcp_cookie_race: listening on port %d\n", port);
	fflush(stdout);

	/* Until N connections came and a second passed without another,
	 * or three seconds passed without one after the first.
	 */
	while (now_s() < end && (!idle_end || now_s() < idle_end) &&
	       (!last || now_s() < last + 3)) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		union {
			struct sockaddr_in in;
			struct sockaddr_in6 in6;
		} pa;
		socklen_t pl = sizeof(pa);
		struct peer p = { 0 };
		int c;

		if (poll(&pfd, 1, 100) <= 0)
			continue;
		c = accept(fd, (struct sockaddr *)&pa, &pl);
		if (c < 0) {
			if (errno == EAGAIN || errno == ECONNABORTED)
				continue;
			die("accept");
		}
		if (accepted == MAX_CONNS * 2) {
			close(c);
			continue;
		}
		last = now_s();
		if (v6) {
			memcpy(p.addr, &pa.in6.sin6_addr, 16);
			p.port = ntohs(pa.in6.sin6_port);
		} else {
			memcpy(p.addr, &pa.in.sin_addr, 4);
			p.port = ntohs(pa.in.sin_port);
		}
		for (i = 0; i < accepted; i++)
			if (!memcmp(&seen[i], &p, sizeof(p)))
				break;
		if (i < accepted) {
			dups++;
			printf("xtcp_cookie_race: port %u accepted again\n",
			       p.port);
		}
		/* Kept open: a socket closed now would be gone when a late
		 * second ACK came, which then rightly makes a new connection.
		 */
		fds[accepted] = c;
		seen[accepted++] = p;
		if (accepted - dups >= n)
			idle_end = now_s() + 1;
	}
	printf("xtcp_cookie_race: accepted %d sockets for %d connections, %d duplicates\n",
	       accepted, accepted - dups, dups);
	for (i = 0; i < accepted; i++)
		close(fds[i]);
	return dups ? 1 : 0;
}

/* --- the racer --------------------------------------------------------- */

/* The checksum of a segment from SADDR to DADDR. */
static uint16_t seg_csum(const void *seg, size_t len)
{
	if (v6)
		return raw_csum6(&saddr.in6.sin6_addr, &daddr.in6.sin6_addr,
				 proto, seg, len);
	return raw_csum4(saddr.in.sin_addr.s_addr, daddr.in.sin_addr.s_addr,
			 proto, seg, len);
}

/* A raw socket from SADDR; @deaf: one that reads nothing (the senders). */
static int raw_socket(bool deaf)
{
	struct sock_filter none = BPF_STMT(BPF_RET | BPF_K, 0);
	struct sock_fprog prog = { .len = 1, .filter = &none };
	int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_RAW, proto);

	if (fd < 0)
		die("socket(SOCK_RAW)");
	if (deaf && setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
			       sizeof(prog)))
		die("SO_ATTACH_FILTER");
	/* The source address every checksum was computed with. */
	if (bind(fd, (struct sockaddr *)&saddr, addr_len()))
		die("bind(SOCK_RAW)");
	return fd;
}

/*
 * The two senders sleep while the main thread makes handshakes (a spinning
 * sender would hold a CPU the main thread then preempts it from, and the
 * other would send alone). For each race they wake, meet at a spin
 * barrier, so both are running, and send at once.
 */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static struct rawhdr ack;		/* what both send, under lock */
static int round_no, done_count;	/* under lock */
static bool quit;		/* under lock */
static atomic_int arrived;

struct racer {
	int cpu, fd;
	unsigned long sent, failed;
};

static void *race_thread(void *arg)
{
	struct racer *r = arg;
	struct rawhdr seg;
	cpu_set_t set;
	int seen = 0;

	CPU_ZERO(&set);
	CPU_SET(r->cpu, &set);
	if (pthread_setaffinity_np(pthread_self(), sizeof(set), &set))
		fprintf(stderr, "xtcp_cookie_race: cannot pin to CPU %d\n",
			r->cpu);
	for (;;) {
		pthread_mutex_lock(&lock);
		while (round_no == seen && !quit)
			pthread_cond_wait(&cond, &lock);
		if (quit) {
			pthread_mutex_unlock(&lock);
			return NULL;
		}
		seen = round_no;
		seg = ack;
		pthread_mutex_unlock(&lock);

		atomic_fetch_add(&arrived, 1);
		while (atomic_load(&arrived) < 2 * seen)
			;
		if (sendto(r->fd, &seg, RAW_HDR_LEN, 0, (struct sockaddr *)&dst,
			   addr_len()) < 0)
			r->failed++;
		else
			r->sent++;

		pthread_mutex_lock(&lock);
		done_count++;
		pthread_cond_broadcast(&cond);
		pthread_mutex_unlock(&lock);
	}
}

/* One race: both threads send this ACK at once; returns when both did. */
static void race(const struct rawhdr *seg)
{
	pthread_mutex_lock(&lock);
	ack = *seg;
	round_no++;
	pthread_cond_broadcast(&cond);
	while (done_count < 2 * round_no)
		pthread_cond_wait(&cond, &lock);
	pthread_mutex_unlock(&lock);
}

/* The SYN-ACKs to ports [@base, @base + @n) that came within 2 s; each
 * one's sequence number in @irs, its arrival in @got.
 */
static int read_synacks(int fd, uint16_t base, int n, const uint32_t *isn,
			uint32_t *irs, bool *got)
{
	double end = now_s() + 2;
	uint8_t buf[2048];
	int count = 0;

	while (count < n && now_s() < end) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		const struct rawhdr *th;
		size_t off = 0;
		ssize_t len;
		int k;

		if (poll(&pfd, 1, 50) <= 0)
			continue;
		len = recv(fd, buf, sizeof(buf), 0);
		if (len < 0)
			die("recv(SOCK_RAW)");
		if (!v6) {	/* IPv4 raw sockets get the IP header too */
			if (len < (ssize_t)sizeof(struct iphdr))
				continue;
			off = (buf[0] & 0xf) * 4;
		}
		if (len < (ssize_t)(off + RAW_HDR_LEN))
			continue;
		th = (const struct rawhdr *)(buf + off);
		k = ntohs(th->dest) - base;
		if (k < 0 || k >= n || got[k] || th->source != daddr.in.sin_port ||
		    (th->flags & (RAW_SYN | RAW_ACK | RAW_RST)) != (RAW_SYN | RAW_ACK) ||
		    ntohl(th->ack_seq) != isn[k] + 1)
			continue;
		irs[k] = ntohl(th->seq);
		got[k] = true;
		count++;
	}
	return count;
}

#define BATCH	50

static int racer(int port, int n)
{
	struct racer r[2] = { { .cpu = 0 }, { .cpu = 1 } };
	int fd, i, k, synacks = 0;
	pthread_t t[2];

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2) {
		printf("xtcp_cookie_race: one CPU, no race to run\n");
		return KSFT_SKIP;
	}
	fd = raw_socket(false);
	for (i = 0; i < 2; i++) {
		r[i].fd = raw_socket(true);
		if (pthread_create(&t[i], NULL, race_thread, &r[i]))
			die("pthread_create");
	}
	srandom(getpid() ^ time(NULL));
	/* SYNs a batch at a time, then the batch's races back to back. */
	for (i = 0; i < n; i += BATCH) {
		int b = n - i < BATCH ? n - i : BATCH;
		uint32_t isn[BATCH], irs[BATCH];
		bool got[BATCH] = { false };

		for (k = 0; k < b; k++) {
			struct rawhdr syn;

			raw_syn_fill(&syn, port, 1460);
			syn.source = htons(BASE_PORT + i + k);
			isn[k] = random();
			syn.seq = htonl(isn[k]);
			syn.check = seg_csum(&syn, sizeof(syn));
			if (sendto(fd, &syn, sizeof(syn), 0,
				   (struct sockaddr *)&dst, addr_len()) < 0)
				die("sendto(SYN)");
		}
		synacks += read_synacks(fd, BASE_PORT + i, b, isn, irs, got);
		for (k = 0; k < b; k++) {
			struct rawhdr seg = {
				.source = htons(BASE_PORT + i + k),
				.dest = daddr.in.sin_port,
				.seq = htonl(isn[k] + 1),
				.ack_seq = htonl(irs[k] + 1),
				.doff = (RAW_HDR_LEN / 4) << 4,
				.flags = RAW_ACK,
				.window = htons(65535),
			};

			if (!got[k])
				continue;
			seg.check = seg_csum(&seg, RAW_HDR_LEN);
			race(&seg);
		}
	}
	pthread_mutex_lock(&lock);
	quit = true;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	printf("xtcp_cookie_race: %d SYNs, %d SYN-ACKs, %lu+%lu ACKs sent (%lu+%lu failed)\n",
	       n, synacks, r[0].sent, r[1].sent, r[0].failed, r[1].failed);
	return synacks ? 0 : 1;
}

int main(int argc, char **argv)
{
	int o, port = 0, n = 0, secs = 30;
	bool listen_mode = false;

	while ((o = getopt(argc, argv, "l6P:p:n:t:")) != -1) {
		switch (o) {
		case 'l':
			listen_mode = true;
			break;
		case '6':
			v6 = true;
			break;
		case 'P':
			proto = atoi(optarg);
			break;
		case 'p':
			port = atoi(optarg);
			break;
		case 'n':
			n = atoi(optarg);
			break;
		case 't':
			secs = atoi(optarg);
			break;
		default:
			usage();
		}
	}
	if (port <= 0 || port > 65535 || n < 1 || n > MAX_CONNS || secs < 1 ||
	    proto < 1 || proto > 255)
		usage();
	if (listen_mode) {
		if (argc - optind != 1)
			usage();
		parse_addr(argv[optind], port, &daddr);
		return listener(port, n, secs);
	}
	if (argc - optind != 2)
		usage();
	parse_addr(argv[optind], 0, &saddr);
	parse_addr(argv[optind + 1], port, &daddr);
	parse_addr(argv[optind + 1], 0, &dst);
	return racer(port, n);
}
