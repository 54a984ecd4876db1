// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp_bench: load generator for `make bench`, for XTCP and, over the same
 * path, the kernel's TCP. One program for both ends: -l listens.
 *
 *   xtcp_bench -l -m MODE [-p xtcp|af_xtcp|tcp] [-P FLOWS] [-n CONNS] [-R FILE] ADDR PORT
 *   xtcp_bench    -m MODE [-p xtcp|af_xtcp|tcp] [-P FLOWS] [-n CONNS] [-R FILE] [-t SECS]
 *                 [-F] ADDR PORT
 *
 * ADDR is IPv4 or IPv6; sockets are AF_INET or AF_INET6 by ADDR, with
 * IPPROTO_XTCP for -p xtcp. -p af_xtcp uses socket(AF_XTCP, ...) instead
 * (IPv6 from its first sockaddr_in6); it reports as xtcp.
 *
 * Modes (the client prints one line of key=value results):
 *   bulk  FLOWS parallel connections, each writing for SECS seconds, then
 *         shutdown(SHUT_WR) and wait for the server's EOF, so every byte
 *         counted has been read by the server. Prints the aggregate goodput
 *         "mbps=" (bytes / time until the last EOF) and "cpu_s=", the busy
 *         CPU time of the whole machine (/proc/stat, every jiffy that is not
 *         idle or iowait) over the same interval: both ends are on it.
 *         With -F the client sends with sendfile(2) from a 4 MiB memfd,
 *         over and over, instead of write(2) from a buffer.
 *   rr    one connection, 1-byte request, 1-byte response, for SECS seconds:
 *         "tps=" transactions per second.
 *   crr   for SECS seconds: socket, connect, 1-byte request, 1-byte
 *         response, close (the client closes first): "cps=".
 *   idle  the client opens CONNS connections and the server accepts them;
 *         each end creates FILE (-R) once all are established, then holds
 *         them until SIGTERM/SIGINT. The sockets use SO_LINGER 0 so the
 *         teardown leaves no TIME_WAIT behind. The caller measures memory.
 *
 * The server serves one client run and exits (bulk: after FLOWS
 * connections reached EOF; idle: on SIGTERM; rr/crr: on SIGTERM).
 * Exit status: 0 success, 1 failure, 2 usage.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/xtcp.h>

#define CHUNK		(64 * 1024)
#define MAX_FLOWS	256
#define SENDFILE_BYTES	(4 << 20)

static bool opt_tcp;
static bool opt_af_xtcp;	/* -p af_xtcp: socket(AF_XTCP, ...) */
static const char *opt_mode = "bulk";
static int opt_flows = 1;
static long opt_conns = 10000;
static int opt_sendfile_fd = -1;	/* -F: bulk with sendfile(2) from it */
static double opt_secs = 10;
static const char *opt_ready;
static struct sockaddr_storage opt_addr;
static socklen_t opt_addr_len;
static volatile sig_atomic_t stop;

static void die(const char *what)
{
	fprintf(stderr, "xtcp_bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Busy seconds of all CPUs since boot, from the first line of /proc/stat. */
static double cpu_busy(void)
{
	unsigned long long v[10] = { 0 }, busy = 0;
	FILE *f = fopen("/proc/stat", "r");

	if (!f)
		die("/proc/stat");
	if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1],
		   &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) != 8)
		die("parse /proc/stat");
	fclose(f);
	/* user nice system idle iowait irq softirq steal: not idle, iowait */
	for (int i = 0; i < 8; i++)
		if (i != 3 && i != 4)
			busy += v[i];
	return (double)busy / sysconf(_SC_CLK_TCK);
}

/* An IPv4 or IPv6 address and a port into opt_addr. */
static bool parse_addr(const char *host, int port)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&opt_addr;
	struct sockaddr_in *sin = (struct sockaddr_in *)&opt_addr;

	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		opt_addr_len = sizeof(*sin);
		return true;
	}
	if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		opt_addr_len = sizeof(*sin6);
		return true;
	}
	return false;
}

static int new_sock(void)
{
	/* Like for like: XTCP's socket of the address's family, as TCP's.
	 * An AF_XTCP socket becomes IPv6 at its first sockaddr_in6.
	 */
	int fd = opt_tcp ? socket(opt_addr.ss_family, SOCK_STREAM, 0) :
		 opt_af_xtcp ? socket(AF_XTCP, SOCK_STREAM, 0) :
		 socket(opt_addr.ss_family, SOCK_STREAM, IPPROTO_XTCP);

	if (fd < 0)
		die("socket");
	return fd;
}

static void set_nodelay(int fd)
{
	int one = 1;

	if (opt_tcp ? setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) :
		      setsockopt(fd, SOL_XTCP, XTCP_NODELAY, &one, sizeof(one)))
		die("setsockopt NODELAY");
}

static void set_linger0(int fd)
{
	struct linger l = { .l_onoff = 1, .l_linger = 0 };

	if (setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l)))
		die("setsockopt SO_LINGER");
}

/* Connect, retrying refusals for 10 s: the server may still be starting. */
static int connect_retry(void)
{
	for (int tries = 0;; tries++) {
		int fd = new_sock();

		if (!connect(fd, (struct sockaddr *)&opt_addr, opt_addr_len))
			return fd;
		if (errno != ECONNREFUSED || tries == 100)
			die("connect");
		close(fd);
		usleep(100000);
	}
}

static int full_io(int fd, char *buf, size_t len, bool rd)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = rd ? read(fd, buf + done, len - done) :
				 write(fd, buf + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n == 0 ? 0 : -1;
		done += n;
	}
	return 1;
}

static void mark_ready(void)
{
	int fd;

	if (!opt_ready)
		return;
	fd = open(opt_ready, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		die(opt_ready);
	close(fd);
}

static void on_signal(int sig)
{
	stop = 1;
}

static void wait_for_signal(void)
{
	while (!stop)
		pause();
}

/* ---- bulk --------------------------------------------------------------- */

struct flow {
	pthread_t thr;
	int fd;
	double deadline;
	unsigned long long bytes;
	double end;
	int err;
};

static void *bulk_send(void *arg)
{
	struct flow *f = arg;
	static char buf[CHUNK];
	char c;

	while (now() < f->deadline) {
		ssize_t n;

		if (opt_sendfile_fd >= 0) {
			off_t off = f->bytes % SENDFILE_BYTES;

			n = sendfile(f->fd, opt_sendfile_fd, &off,
				     SENDFILE_BYTES - (size_t)off);
		} else {
			n = write(f->fd, buf, sizeof(buf));
		}

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			f->err = errno;
			return NULL;
		}
		f->bytes += n;
	}
	if (shutdown(f->fd, SHUT_WR)) {
		f->err = errno;
		return NULL;
	}
	/* The server closes after it has read our EOF: every byte is in. */
	if (read(f->fd, &c, 1) != 0)
		f->err = errno ? errno : EPROTO;
	f->end = now();
	return NULL;
}

static void *bulk_sink(void *arg)
{
	struct flow *f = arg;
	static char buf[CHUNK];
	ssize_t n;

	while ((n = read(f->fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			f->err = errno;
			break;
		}
		f->bytes += n;
	}
	close(f->fd);
	return NULL;
}

/* Waits for every flow; dies on the first that failed. Returns the last end. */
static double join_flows(struct flow *flows, const char *what,
			 unsigned long long *total)
{
	double end = 0;

	for (int i = 0; i < opt_flows; i++) {
		pthread_join(flows[i].thr, NULL);
		if (flows[i].err) {
			errno = flows[i].err;
			die(what);
		}
		*total += flows[i].bytes;
		if (flows[i].end > end)
			end = flows[i].end;
	}
	return end;
}

static int bulk_client(void)
{
	static struct flow flows[MAX_FLOWS];
	unsigned long long total = 0;
	double t0, c0, end;

	for (int i = 0; i < opt_flows; i++)
		flows[i].fd = connect_retry();
	c0 = cpu_busy();
	t0 = now();
	for (int i = 0; i < opt_flows; i++) {
		flows[i].deadline = t0 + opt_secs;
		if (pthread_create(&flows[i].thr, NULL, bulk_send, &flows[i]))
			die("pthread_create");
	}
	end = join_flows(flows, "bulk flow", &total);
	printf("%s bulk flows=%d bytes=%llu secs=%.3f mbps=%.1f cpu_s=%.3f\n",
	       opt_tcp ? "tcp" : "xtcp", opt_flows, total, end - t0,
	       total * 8 / (end - t0) / 1e6, cpu_busy() - c0);
	for (int i = 0; i < opt_flows; i++)
		close(flows[i].fd);
	return 0;
}

static int bulk_server(int lfd)
{
	static struct flow flows[MAX_FLOWS];
	unsigned long long total = 0;

	for (int i = 0; i < opt_flows; i++) {
		flows[i].fd = accept(lfd, NULL, NULL);
		if (flows[i].fd < 0)
			die("accept");
		if (pthread_create(&flows[i].thr, NULL, bulk_sink, &flows[i]))
			die("pthread_create");
	}
	join_flows(flows, "bulk sink", &total);
	return 0;
}

/* ---- rr, crr ------------------------------------------------------------ */

static int rr_client(void)
{
	int fd = connect_retry();
	double t0 = now(), t;
	long n = 0;
	char c = 'x';

	set_nodelay(fd);
	do {
		for (int i = 0; i < 100; i++, n++)
			if (full_io(fd, &c, 1, false) <= 0 || full_io(fd, &c, 1, true) <= 0)
				die("rr transaction");
		t = now();
	} while (t - t0 < opt_secs);
	printf("%s rr trans=%ld secs=%.3f tps=%.0f\n", opt_tcp ? "tcp" : "xtcp",
	       n, t - t0, n / (t - t0));
	close(fd);
	return 0;
}

static int crr_client(void)
{
	double t0 = now(), t;
	long n = 0;
	char c = 'x';

	close(connect_retry());	/* the server is up */
	do {
		int fd = new_sock();

		if (connect(fd, (struct sockaddr *)&opt_addr, opt_addr_len))
			die("crr connect");
		set_nodelay(fd);
		if (full_io(fd, &c, 1, false) <= 0 || full_io(fd, &c, 1, true) <= 0)
			die("crr transaction");
		close(fd);
		n++;
		t = now();
	} while (t - t0 < opt_secs);
	printf("%s crr conns=%ld secs=%.3f cps=%.0f\n", opt_tcp ? "tcp" : "xtcp",
	       n, t - t0, n / (t - t0));
	return 0;
}

/* rr and crr: echo each byte; the next connection after EOF. */
static int echo_server(int lfd)
{
	char c;

	while (!stop) {
		int fd = accept(lfd, NULL, NULL);

		if (fd < 0) {
			if (errno == EINTR)
				continue;
			die("accept");
		}
		set_nodelay(fd);
		while (!stop && full_io(fd, &c, 1, true) > 0)
			if (full_io(fd, &c, 1, false) <= 0)
				break;
		close(fd);
	}
	return 0;
}

/* ---- idle --------------------------------------------------------------- */

static int *idle_fds;

static void raise_nofile(void)
{
	struct rlimit rl = { .rlim_cur = opt_conns + 64, .rlim_max = opt_conns + 64 };
	struct rlimit cur;

	if (getrlimit(RLIMIT_NOFILE, &cur))
		die("getrlimit");
	if (cur.rlim_cur >= rl.rlim_cur)
		return;
	if (cur.rlim_max > rl.rlim_max)
		rl.rlim_max = cur.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl))
		die("setrlimit RLIMIT_NOFILE");
}

static int idle_client(void)
{
	double t0 = now();

	idle_fds = calloc(opt_conns, sizeof(*idle_fds));
	if (!idle_fds)
		die("calloc");
	for (long i = 0; i < opt_conns; i++) {
		idle_fds[i] = i ? new_sock() : connect_retry();
		if (i && connect(idle_fds[i], (struct sockaddr *)&opt_addr,
				 opt_addr_len))
			die("idle connect");
		set_linger0(idle_fds[i]);
	}
	printf("%s idle conns=%ld secs=%.3f\n", opt_tcp ? "tcp" : "xtcp",
	       opt_conns, now() - t0);
	fflush(stdout);
	mark_ready();
	wait_for_signal();
	return 0;
}

static int idle_server(int lfd)
{
	idle_fds = calloc(opt_conns, sizeof(*idle_fds));
	if (!idle_fds)
		die("calloc");
	for (long i = 0; i < opt_conns && !stop; i++) {
		idle_fds[i] = accept(lfd, NULL, NULL);
		if (idle_fds[i] < 0) {
			if (errno == EINTR) {
				i--;
				continue;
			}
			die("accept");
		}
		set_linger0(idle_fds[i]);
	}
	mark_ready();
	wait_for_signal();
	return 0;
}

/* ------------------------------------------------------------------------- */

static void usage(void)
{
	fprintf(stderr,
		"usage: xtcp_bench [-l] -m bulk|rr|crr|idle [-p xtcp|af_xtcp|tcp] [-P FLOWS] [-t SECS] [-n CONNS] [-R FILE] [-F] ADDR PORT\n");
	exit(2);
}

/* The file -F sends: SENDFILE_BYTES of a pattern, in memory. */
static int sendfile_source(void)
{
	static char buf[CHUNK];
	int fd = memfd_create("xtcp_bench", MFD_CLOEXEC);

	if (fd < 0)
		die("memfd_create");
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (char)(i * 131 + 7);
	for (long done = 0; done < SENDFILE_BYTES; done += sizeof(buf))
		if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
			die("write memfd");
	return fd;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	bool listen_mode = false, opt_sendfile = false;
	int c, one = 1;

	while ((c = getopt(argc, argv, "lm:p:P:t:n:R:F")) != -1) {
		switch (c) {
		case 'l':
			listen_mode = true;
			break;
		case 'F':
			opt_sendfile = true;
			break;
		case 'm':
			opt_mode = optarg;
			break;
		case 'p':
			if (strcmp(optarg, "tcp") && strcmp(optarg, "xtcp") &&
			    strcmp(optarg, "af_xtcp"))
				usage();
			opt_tcp = !strcmp(optarg, "tcp");
			opt_af_xtcp = !strcmp(optarg, "af_xtcp");
			break;
		case 'P':
			opt_flows = atoi(optarg);
			break;
		case 't':
			opt_secs = atof(optarg);
			break;
		case 'n':
			opt_conns = atol(optarg);
			break;
		case 'R':
			opt_ready = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind + 2 != argc || opt_flows < 1 || opt_flows > MAX_FLOWS ||
	    opt_secs <= 0 || opt_conns < 1 ||
	    !parse_addr(argv[optind], atoi(argv[optind + 1])))
		usage();
	if (strcmp(opt_mode, "bulk") && strcmp(opt_mode, "rr") &&
	    strcmp(opt_mode, "crr") && strcmp(opt_mode, "idle"))
		usage();
	if (opt_sendfile && !listen_mode)
		opt_sendfile_fd = sendfile_source();
	/* SIGTERM/SIGINT end the waits; no SA_RESTART, so accept() returns. */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (!strcmp(opt_mode, "idle"))
		raise_nofile();

	if (listen_mode) {
		int lfd = new_sock();
		int backlog = !strcmp(opt_mode, "idle") ? (int)opt_conns : 1024;

		setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(lfd, (struct sockaddr *)&opt_addr, opt_addr_len) ||
		    listen(lfd, backlog))
			die("bind/listen");
		if (!strcmp(opt_mode, "bulk"))
			return bulk_server(lfd);
		if (!strcmp(opt_mode, "idle"))
			return idle_server(lfd);
		return echo_server(lfd);
	}
	if (!strcmp(opt_mode, "bulk"))
		return bulk_client();
	if (!strcmp(opt_mode, "rr"))
		return rr_client();
	if (!strcmp(opt_mode, "crr"))
		return crr_client();
	return idle_client();
}
