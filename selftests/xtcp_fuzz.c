// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp_fuzz - random, concurrent socket calls on XTCP sockets.
 *
 * trinity (2023.01) cannot make an XTCP socket: its -P takes only families
 * it implements, and its AF_INET sockets never use protocol 253. This is a
 * generator of our own in trinity's spirit, aimed at XTCP: several threads
 * share one table of file descriptors and, until the time is up, pick a
 * random slot and a random call: socket (AF_XTCP, or AF_INET or AF_INET6
 * with IPPROTO_XTCP), close, dup2
 * over another slot, bind, connect (to a live XTCP listener, IPv4 or IPv6,
 * or to the IPv4 one through a v4-mapped address; a closed port, an
 * address that never answers, junk; IPv4 addresses given to IPv6 sockets
 * and the other way round), listen, accept, send/recv in all
 * their forms with random flags and sizes, setsockopt/getsockopt at random
 * levels, names, lengths and values, ioctl, shutdown, fcntl, poll,
 * getsockname/getpeername. Threads race each other on the same sockets,
 * closing under calls in progress included. Blocking calls are bounded by
 * short SO_RCVTIMEO/SO_SNDTIMEO (which the fuzzing itself may change: the
 * main thread ends the run regardless).
 *
 * Surviving is the test: the script checks the kernel log, that every
 * socket is freed afterwards, and that XTCP sockets were really exercised
 * (the counts printed here).
 *
 *   xtcp_fuzz [-t SECONDS] [-s SEED] [-T THREADS] [-p PORT]
 *
 * Prints TAP (one case) and a per-call summary; exits 0, or 1 if no XTCP
 * socket could be made at all.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <linux/sockios.h>

#include <linux/xtcp.h>

#include "xtcp_test_util.h"

#define SLOTS		48
#define MAX_THREADS	16
#define BUF_SIZE	(128 * 1024)

enum op {
	OP_SOCKET, OP_CLOSE, OP_DUP, OP_BIND, OP_CONNECT, OP_LISTEN, OP_ACCEPT,
	OP_SEND, OP_RECV, OP_SETSOCKOPT, OP_GETSOCKOPT, OP_IOCTL, OP_SHUTDOWN,
	OP_FCNTL, OP_POLL, OP_NAME, OP_MAX
};

static const char *op_names[OP_MAX] = {
	"socket", "close", "dup2", "bind", "connect", "listen", "accept",
	"send", "recv", "setsockopt", "getsockopt", "ioctl", "shutdown",
	"fcntl", "poll", "getname",
};

static _Atomic int slots[SLOTS];
static atomic_bool stop;
static atomic_ulong calls[OP_MAX], oks[OP_MAX];
static atomic_ulong xtcp_sockets_made, xtcp6_sockets_made;
static int ipproto_xtcp = IPPROTO_XTCP;
static int af_xtcp = AF_XTCP;
static uint16_t live_port;	/* a listener of ours on 127.0.0.1 */
static uint16_t live_port6;	/* and one on ::1 */

/* xorshift64*, one state per thread. */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

static unsigned int pick(uint64_t *s, unsigned int n)
{
	return n ? rnd(s) % n : 0;
}

/* A value a careless or hostile caller might pass. */
static int hostile_int(uint64_t *s)
{
	static const int v[] = { 0, 1, -1, 2, 3, 4, 7, 8, 16, 31, 32, 63, 64,
				 88, 127, 128, 255, 256, 536, 1460, 4096, 32767,
				 65535, 65536, 1 << 20, INT32_MAX, INT32_MIN };

	if (pick(s, 4) == 0)
		return (int)rnd(s);
	return v[pick(s, sizeof(v) / sizeof(v[0]))];
}

static int new_socket(uint64_t *s)
{
	int type = SOCK_STREAM, fd;

	if (pick(s, 2))
		type |= SOCK_NONBLOCK;
	if (pick(s, 2))
		type |= SOCK_CLOEXEC;
	if (pick(s, 20) == 0)
		type = pick(s, 2) ? SOCK_DGRAM : SOCK_SEQPACKET;
	switch (pick(s, 3)) {
	case 0:
		fd = socket(af_xtcp, type, pick(s, 8) ? 0 : ipproto_xtcp);
		break;
	case 1:
		fd = socket(AF_INET, type, ipproto_xtcp);
		break;
	default:
		fd = socket(AF_INET6, type, ipproto_xtcp);
		if (fd >= 0)
			atomic_fetch_add(&xtcp6_sockets_made, 1);
		break;
	}
	if (fd >= 0) {
		struct timeval tv = { 0, 100000 };

		atomic_fetch_add(&xtcp_sockets_made, 1);
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	}
	return fd;
}

/* An IPv6 sockaddr: the live listeners (::1, or the IPv4 one v4-mapped),
 * other addresses, random scope ids and flow information.
 */
static socklen_t some_addr6(uint64_t *s, struct sockaddr_storage *ss)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	static const char *addrs[] = { "::1", "::ffff:127.0.0.1", "::",
				       "fd00:1::2", "fd00:1::77", "ff02::1",
				       "fe80::1", "::ffff:10.0.1.2" };
	unsigned int a = pick(s, 8);
	socklen_t len = sizeof(*sin6);

	memset(ss, 0, sizeof(*ss));
	sin6->sin6_family = pick(s, 10) ? AF_INET6 :
			    (pick(s, 2) ? af_xtcp : AF_INET);
	inet_pton(AF_INET6, addrs[a], &sin6->sin6_addr);
	switch (pick(s, 4)) {
	case 0:
		sin6->sin6_port = htons(a == 1 ? live_port : live_port6);
		break;
	case 1:
		sin6->sin6_port = 0;
		break;
	default:
		sin6->sin6_port = htons(40000 + pick(s, 64));
		break;
	}
	if (pick(s, 8) == 0)
		sin6->sin6_scope_id = pick(s, 2) ? 1 : (uint32_t)rnd(s);
	if (pick(s, 8) == 0)
		sin6->sin6_flowinfo = (uint32_t)rnd(s);
	if (pick(s, 10) == 0)
		len = pick(s, sizeof(*ss) + 1);
	if (pick(s, 30) == 0)
		memset(ss, (int)rnd(s), sizeof(*ss));
	return len;
}

/* A sockaddr: mostly sensible, sometimes not. Returns its length. */
static socklen_t some_addr(uint64_t *s, struct sockaddr_storage *ss)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	static const char *addrs[] = { "127.0.0.1", "0.0.0.0", "10.0.1.2",
				       "10.0.1.77", "10.0.1.1", "224.0.0.1",
				       "255.255.255.255", "127.0.0.2" };
	socklen_t len = sizeof(*sin);

	if (pick(s, 3) == 0)
		return some_addr6(s, ss);
	memset(ss, 0, sizeof(*ss));
	sin->sin_family = pick(s, 10) ? AF_INET :
			  (pick(s, 2) ? af_xtcp : (sa_family_t)rnd(s));
	inet_pton(AF_INET, addrs[pick(s, 8)], &sin->sin_addr);
	switch (pick(s, 4)) {
	case 0:
		sin->sin_port = htons(live_port);
		break;
	case 1:
		sin->sin_port = 0;
		break;
	default:
		sin->sin_port = htons(40000 + pick(s, 64));
		break;
	}
	if (pick(s, 10) == 0)
		len = pick(s, sizeof(*ss) + 1);
	if (pick(s, 30) == 0)
		memset(ss, (int)rnd(s), sizeof(*ss));
	return len;
}

static int slot_fd(uint64_t *s, unsigned int *idx)
{
	*idx = pick(s, SLOTS);
	return atomic_load(&slots[*idx]);
}

static void put_fd(unsigned int idx, int fd)
{
	int old = atomic_exchange(&slots[idx], fd);

	if (old >= 0)
		close(old);
}

static int msg_flags(uint64_t *s)
{
	static const int f[] = { MSG_OOB, MSG_PEEK, MSG_DONTROUTE, MSG_TRUNC,
				 MSG_DONTWAIT, MSG_EOR, MSG_WAITALL, MSG_NOSIGNAL,
				 MSG_MORE, MSG_CONFIRM, MSG_ERRQUEUE,
				 MSG_ZEROCOPY, MSG_FASTOPEN, MSG_CMSG_CLOEXEC };
	int flags = 0, n = pick(s, 4), i;

	for (i = 0; i < n; i++)
		flags |= f[pick(s, sizeof(f) / sizeof(f[0]))];
	if (pick(s, 4))
		flags |= MSG_DONTWAIT;	/* mostly: do not wait out timeouts */
	if (pick(s, 50) == 0)
		flags = (int)rnd(s);
	return flags;
}

/* A msghdr of up to four random pieces of @buf and, one time in
 * @ctl_odds, a control buffer of up to @ctl_max bytes at @ctl.
 */
static void some_msg(uint64_t *s, struct msghdr *msg, struct iovec *iov,
		     char *buf, unsigned int ctl_odds, char *ctl,
		     unsigned int ctl_max)
{
	unsigned int i, n = pick(s, 5);

	memset(msg, 0, sizeof(*msg));
	for (i = 0; i < n; i++) {
		iov[i].iov_base = buf + pick(s, 4096);
		iov[i].iov_len = pick(s, 8192);
	}
	msg->msg_iov = iov;
	msg->msg_iovlen = n;
	if (pick(s, ctl_odds) == 0) {
		msg->msg_control = ctl;
		msg->msg_controllen = pick(s, ctl_max);
	}
}

static int do_op(uint64_t *s, enum op op, char *buf)
{
	struct sockaddr_storage ss;
	unsigned int idx, idx2;
	struct iovec iov[4];
	struct msghdr msg;
	socklen_t len;
	int fd, v, i;

	fd = slot_fd(s, &idx);
	if (fd < 0 && op != OP_SOCKET)
		op = OP_SOCKET;

	switch (op) {
	case OP_SOCKET:
		fd = new_socket(s);
		if (fd < 0)
			return -1;
		put_fd(idx, fd);
		return 0;
	case OP_CLOSE:
		fd = atomic_exchange(&slots[idx], -1);
		return fd >= 0 ? close(fd) : 0;
	case OP_DUP:
		idx2 = pick(s, SLOTS);
		v = dup(fd);
		if (v < 0)
			return -1;
		put_fd(idx2, v);
		return 0;
	case OP_BIND:
		len = some_addr(s, &ss);
		return bind(fd, (struct sockaddr *)&ss, len);
	case OP_CONNECT:
		len = some_addr(s, &ss);
		return connect(fd, (struct sockaddr *)&ss, len);
	case OP_LISTEN:
		return listen(fd, hostile_int(s));
	case OP_ACCEPT:
		len = pick(s, 8) ? sizeof(ss) : pick(s, 8);
		v = pick(s, 2) ? accept4(fd, (struct sockaddr *)&ss, &len,
					 SOCK_NONBLOCK | (pick(s, 8) ? 0 : (int)rnd(s))) :
				 accept(fd, NULL, NULL);
		if (v < 0)
			return -1;
		put_fd(pick(s, SLOTS), v);
		return 0;
	case OP_SEND:
		len = pick(s, 3) ? pick(s, 2048) : pick(s, BUF_SIZE);
		switch (pick(s, 3)) {
		case 0:
			return send(fd, buf, len, msg_flags(s)) < 0 ? -1 : 0;
		case 1:
			len = some_addr(s, &ss);
			return sendto(fd, buf, pick(s, 4096), msg_flags(s),
				      (struct sockaddr *)&ss, len) < 0 ? -1 : 0;
		default:
			some_msg(s, &msg, iov, buf, 8, buf, 256);
			return sendmsg(fd, &msg, msg_flags(s)) < 0 ? -1 : 0;
		}
	case OP_RECV:
		len = pick(s, 3) ? pick(s, 4096) : pick(s, BUF_SIZE);
		switch (pick(s, 3)) {
		case 0:
			return recv(fd, buf, len, msg_flags(s)) < 0 ? -1 : 0;
		case 1:
			len = sizeof(ss);
			return recvfrom(fd, buf, 4096, msg_flags(s),
					(struct sockaddr *)&ss, &len) < 0 ? -1 : 0;
		default:
			some_msg(s, &msg, iov, buf, 4, buf + BUF_SIZE / 2, 512);
			return recvmsg(fd, &msg, msg_flags(s)) < 0 ? -1 : 0;
		}
	case OP_SETSOCKOPT:
	case OP_GETSOCKOPT: {
		static const int levels[] = { SOL_SOCKET, SOL_IP, 6, IPPROTO_XTCP,
					      41, 0x7fffffff, -1, 255 };
		static const int lens[] = { 0, 1, 2, 3, 4, 8, 12, 16, 40, 64,
					    104, 128, 256, 4096 };
		/* Names each level really has, so most calls get past the
		 * switch: SO_* up to SO_RCVMARK, IP_* up to IP_LOCAL_PORT_RANGE
		 * and the multicast ones, TCP_* up to TCP_TX_DELAY.
		 */
		static const int maxname[] = { 75, 52, 37, 12, 80, 0, 0, 0 };
		unsigned int l = pick(s, sizeof(levels) / sizeof(levels[0]));
		int level = levels[l];
		int name = pick(s, 8) ? (int)pick(s, (maxname[l] ? maxname[l] : 100) + 1) :
					(int)rnd(s);

		len = lens[pick(s, sizeof(lens) / sizeof(lens[0]))];
		if (op == OP_GETSOCKOPT) {
			socklen_t glen = pick(s, 20) ? len :
					 (socklen_t)hostile_int(s);

			return getsockopt(fd, level, name, buf, &glen);
		}
		if (pick(s, 4) == 0) {
			/* All zero: a valid (empty) value for many options. */
			memset(buf, 0, len);
		} else {
			for (i = 0; i + 4 <= (int)len; i += 4) {
				v = hostile_int(s);
				memcpy(buf + i, &v, 4);
			}
		}
		/* SO_RCVTIMEO/SNDTIMEO at 0 would block for ever: not those. */
		if (level == SOL_SOCKET && (name == SO_RCVTIMEO_OLD ||
					    name == SO_SNDTIMEO_OLD ||
					    name == SO_RCVTIMEO_NEW ||
					    name == SO_SNDTIMEO_NEW))
			return 0;
		return setsockopt(fd, level, name, buf, len);
	}
	case OP_IOCTL: {
		static const unsigned long reqs[] = { FIONREAD, SIOCINQ, SIOCOUTQ,
						      SIOCOUTQNSD, FIONBIO,
						      SIOCATMARK, SIOCGSTAMP,
						      SIOCGIFCONF, FIOASYNC };
		unsigned long req = pick(s, 10) ?
			reqs[pick(s, sizeof(reqs) / sizeof(reqs[0]))] :
			(unsigned long)rnd(s) & 0xffff;

		memset(buf, 0, 64);
		return ioctl(fd, req, buf);
	}
	case OP_SHUTDOWN:
		return shutdown(fd, pick(s, 10) ? (int)pick(s, 3) : hostile_int(s));
	case OP_FCNTL:
		v = fcntl(fd, F_GETFL);
		return fcntl(fd, F_SETFL, pick(s, 2) ? (v | O_NONBLOCK) :
						      (v & ~O_NONBLOCK));
	case OP_POLL: {
		struct pollfd p = { .fd = fd, .events = (short)rnd(s) };

		return poll(&p, 1, pick(s, 3) ? 0 : 10);
	}
	case OP_NAME:
		len = pick(s, 8) ? sizeof(ss) : pick(s, 8);
		return pick(s, 2) ? getsockname(fd, (struct sockaddr *)&ss, &len) :
				    getpeername(fd, (struct sockaddr *)&ss, &len);
	default:
		return 0;
	}
}

static void *fuzz_thread(void *arg)
{
	uint64_t s = (uintptr_t)arg | 1;
	char *buf = malloc(BUF_SIZE);

	if (!buf)
		return NULL;
	memset(buf, 0x5a, BUF_SIZE);
	while (!atomic_load(&stop)) {
		enum op op = pick(&s, OP_MAX);

		/* Sockets come and go: make new ones as often as others act. */
		if (pick(&s, 6) == 0)
			op = OP_SOCKET;
		atomic_fetch_add(&calls[op], 1);
		if (do_op(&s, op, buf) >= 0)
			atomic_fetch_add(&oks[op], 1);
	}
	free(buf);
	return NULL;
}

/* Keep one listener (with peers connecting to it) alive on 127.0.0.1,
 * and one on ::1 (AF_INET6, IPPROTO_XTCP) if the namespace has IPv6.
 */
static int make_listener(bool v6, uint16_t *port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd;

	memset(&ss, 0, sizeof(ss));
	if (v6) {
		*(struct sockaddr_in6 *)&ss = addr6("::1", 0);
		len = sizeof(struct sockaddr_in6);
		fd = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, ipproto_xtcp);
	} else {
		*(struct sockaddr_in *)&ss = addr4("127.0.0.1", 0);
		len = sizeof(struct sockaddr_in);
		fd = socket(af_xtcp, SOCK_STREAM | SOCK_NONBLOCK, 0);
	}
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&ss, len) || listen(fd, 64) ||
	    getsockname(fd, (struct sockaddr *)&ss, &len)) {
		close(fd);
		return -1;
	}
	*port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	return fd;
}

int main(int argc, char **argv)
{
	int secs = 20, nthreads = 4, c, i, lfd, lfd6;
	uint64_t seed = (uint64_t)time(NULL) ^ (uint64_t)getpid() << 32;
	pthread_t th[MAX_THREADS];
	unsigned long total = 0;
	struct timespec end;

	while ((c = getopt(argc, argv, "t:s:T:")) != -1) {
		switch (c) {
		case 't': secs = atoi(optarg); break;
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'T': nthreads = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: %s [-t SECONDS] [-s SEED] [-T THREADS]\n",
				argv[0]);
			return 2;
		}
	}
	if (nthreads < 1 || nthreads > MAX_THREADS)
		nthreads = 4;
	/* Hold nothing of our parent's but stdio: a thread stuck in the
	 * kernel keeps its process, and that must not keep a pipe of the test
	 * runner's open (the runner would wait for its end for ever).
	 */
	close_range(3, ~0U, 0);
	ipproto_xtcp = read_param("ipproto", IPPROTO_XTCP);
	af_xtcp = read_param("family", AF_XTCP);
	signal(SIGPIPE, SIG_IGN);

	printf("TAP version 13\n1..1\n");
	printf("# xtcp_fuzz: %d threads, %d s, seed %#llx (replay: -s %#llx -T %d)\n",
	       nthreads, secs, (unsigned long long)seed,
	       (unsigned long long)seed, nthreads);
	fflush(stdout);

	for (i = 0; i < SLOTS; i++)
		atomic_store(&slots[i], -1);
	lfd = make_listener(false, &live_port);
	if (lfd < 0) {
		printf("not ok 1 xtcp_fuzz: cannot make an XTCP listener: %s\n",
		       strerror(errno));
		return 1;
	}
	lfd6 = make_listener(true, &live_port6);
	if (lfd6 < 0)
		printf("# no IPv6 listener on ::1: %s\n", strerror(errno));
	else
		printf("# listeners on 127.0.0.1:%u and [::1]:%u\n", live_port,
		       live_port6);
	for (i = 0; i < nthreads; i++)
		pthread_create(&th[i], NULL, fuzz_thread,
			       (void *)(uintptr_t)(seed + 0x9e3779b97f4a7c15ULL * (i + 1)));

	/* Accept whatever connects to our listener into the table, so that
	 * established sockets are fuzzed too.
	 */
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += secs;
	for (;;) {
		struct timespec now;
		int fd;

		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec > end.tv_sec ||
		    (now.tv_sec == end.tv_sec && now.tv_nsec >= end.tv_nsec))
			break;
		fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK);
		if (fd >= 0)
			put_fd((unsigned int)(rnd(&seed) % SLOTS), fd);
		fd = lfd6 < 0 ? -1 : accept4(lfd6, NULL, NULL, SOCK_NONBLOCK);
		if (fd >= 0)
			put_fd((unsigned int)(rnd(&seed) % SLOTS), fd);
		usleep(20000);
	}
	atomic_store(&stop, true);
	/* Wake calls that wait: shut every socket down. */
	for (i = 0; i < SLOTS; i++) {
		int fd = atomic_load(&slots[i]);

		if (fd >= 0)
			shutdown(fd, SHUT_RDWR);
	}
	for (i = 0; i < nthreads; i++) {
		struct timespec t;

		clock_gettime(CLOCK_REALTIME, &t);
		t.tv_sec += 10;
		if (pthread_timedjoin_np(th[i], NULL, &t))
			printf("# thread %d still in a call after 10 s\n", i);
	}

	for (i = 0; i < OP_MAX; i++) {
		printf("# %-11s %9lu calls %9lu succeeded\n", op_names[i],
		       atomic_load(&calls[i]), atomic_load(&oks[i]));
		total += atomic_load(&calls[i]);
	}
	printf("# %lu XTCP sockets made, %lu of them socket(AF_INET6)\n",
	       atomic_load(&xtcp_sockets_made),
	       atomic_load(&xtcp6_sockets_made));
	if (!atomic_load(&xtcp_sockets_made)) {
		printf("not ok 1 xtcp_fuzz: no XTCP socket could be made\n");
		fflush(stdout);
		_exit(1);
	}
	printf("ok 1 xtcp_fuzz: %lu calls in %d s, the kernel survived\n",
	       total, secs);
	fflush(stdout);
	/* Threads stuck in a call are ended with the process. */
	_exit(0);
}
