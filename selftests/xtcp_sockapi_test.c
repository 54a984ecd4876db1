// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP socket API hardening (issue 9, items 1, 11, 15, 16), over 127.0.0.1:
 *
 * - IP options on connection sockets (ip_setsockopt() calls icsk_sync_mss);
 * - recv(MSG_PEEK | MSG_WAITALL) and SO_RCVLOWAT above the queued bytes
 *   sleep and honour SO_RCVTIMEO (no busy loop: CPU time from getrusage);
 * - SIOCINQ/FIONREAD, SIOCOUTQ, SIOCOUTQNSD, SIOCATMARK; MSG_TRUNC discards;
 *   MSG_OOB on send is refused with EOPNOTSUPP;
 * - SO_ATTACH_FILTER is run on input; cgroup BPF connect4 and sock-create
 *   programs apply to XTCP sockets (AF_XTCP and AF_INET/253 alike).
 *
 * Needs root and the module loaded. Each case runs in its own network
 * namespace when unshare() allows it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <linux/xtcp.h>

#include "kselftest_harness.h"
#include "xtcp_test_util.h"

#define GUARD_MS	5000

static long long cpu_ms(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000LL +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000;
}

static int xlisten(struct __test_metadata *_metadata, unsigned short *port)
{
	struct sockaddr_in sin = loopback(0);
	socklen_t len = sizeof(sin);
	int fd = socket(AF_XTCP, SOCK_STREAM, 0);

	ASSERT_LE(0, fd) TH_LOG("socket(AF_XTCP): %s", strerror(errno));
	ASSERT_EQ(0, bind(fd, (struct sockaddr *)&sin, sizeof(sin)));
	ASSERT_EQ(0, listen(fd, 16));
	ASSERT_EQ(0, getsockname(fd, (struct sockaddr *)&sin, &len));
	*port = ntohs(sin.sin_port);
	return fd;
}

/* An established pair over loopback: *c connected, *a accepted. */
static void xpair(struct __test_metadata *_metadata, int *c, int *a)
{
	unsigned short port;
	int l = xlisten(_metadata, &port);

	*c = socket(AF_XTCP, SOCK_STREAM, 0);
	pair_up(_metadata, l, port, *c, a, GUARD_MS);
}

static int ioctl_int(int fd, unsigned long cmd)
{
	int v = -12345;

	if (ioctl(fd, cmd, &v))
		return -1000 - errno;
	return v;
}

/* Wait until SIOCINQ on @fd says @want (data in flight on loopback). */
static int wait_inq(int fd, int want)
{
	long long end = now_ms() + GUARD_MS;
	int v;

	do {
		v = ioctl_int(fd, SIOCINQ);
		if (v == want)
			return v;
		usleep(10000);
	} while (now_ms() < end);
	return v;
}

static bool wait_readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, GUARD_MS) == 1;
}

static void on_alarm(int sig)
{
	(void)sig;
}

/* A blocking recv that must sleep about @timeo_ms, not spin. */
static void check_sleeping_recv(struct __test_metadata *_metadata, int fd,
				int len, int flags, int timeo_ms, int want)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	long long t0, c0, wall, cpu;
	char buf[4096];
	ssize_t n;

	/* Without SA_RESTART an alarm ends a busy loop too (EINTR). */
	sigaction(SIGALRM, &sa, NULL);
	set_timeo(fd, SO_RCVTIMEO, timeo_ms);
	alarm(timeo_ms / 1000 + 4);
	t0 = now_ms();
	c0 = cpu_ms();
	n = recv(fd, buf, len, flags);
	wall = now_ms() - t0;
	cpu = cpu_ms() - c0;
	alarm(0);
	TH_LOG("recv(%d, flags %#x): %zd after %lld ms wall, %lld ms CPU",
	       len, flags, n, wall, cpu);
	EXPECT_EQ(want, n);
	EXPECT_LE(timeo_ms * 8 / 10, wall) TH_LOG("returned before SO_RCVTIMEO");
	EXPECT_GE(timeo_ms + 1500, wall) TH_LOG("SO_RCVTIMEO ignored");
	EXPECT_GE(timeo_ms / 4, cpu) TH_LOG("busy loop: %lld ms CPU", cpu);
}

TEST(peek_waitall_sleeps_and_honours_rcvtimeo)
{
	char buf_of_ten[100];
	int c, a;

	netns_setup(_metadata);
	xpair(_metadata, &c, &a);
	ASSERT_EQ(10, send(c, "0123456789", 10, 0));
	/* Not SIOCINQ: these cases must not depend on the ioctls. */
	ASSERT_TRUE(wait_readable(a));
	usleep(100000);
	check_sleeping_recv(_metadata, a, 1000, MSG_PEEK | MSG_WAITALL, 1000, 10);
	/* Nothing was consumed. */
	EXPECT_EQ(10, recv(a, buf_of_ten, sizeof(buf_of_ten), MSG_DONTWAIT));
	close(c);
	close(a);
}

TEST(peek_rcvlowat_sleeps_and_honours_rcvtimeo)
{
	int lowat = 500;
	int c, a;

	netns_setup(_metadata);
	xpair(_metadata, &c, &a);
	ASSERT_EQ(10, send(c, "0123456789", 10, 0));
	/* Not SIOCINQ: these cases must not depend on the ioctls. */
	ASSERT_TRUE(wait_readable(a));
	usleep(100000);
	ASSERT_EQ(0, setsockopt(a, SOL_SOCKET, SO_RCVLOWAT, &lowat,
				sizeof(lowat)));
	check_sleeping_recv(_metadata, a, 1000, MSG_PEEK, 1000, 10);
	/* More data that reaches the mark wakes the reader at once. */
	close(c);
	close(a);
}

TEST(ioctl_queue_sizes_trunc_oob)
{
	char buf[2000], out[2000];
	unsigned short port;
	int c, a, l, i;

	netns_setup(_metadata);
	for (i = 0; i < (int)sizeof(buf); i++)
		buf[i] = 'a' + i % 26;
	xpair(_metadata, &c, &a);

	EXPECT_EQ(0, ioctl_int(a, SIOCINQ));
	EXPECT_EQ(0, ioctl_int(a, FIONREAD));
	EXPECT_EQ(0, ioctl_int(c, SIOCOUTQ));
	EXPECT_EQ(0, ioctl_int(c, SIOCOUTQNSD));
	EXPECT_EQ(0, ioctl_int(a, SIOCATMARK));

	ASSERT_EQ(1000, send(c, buf, 1000, 0));
	EXPECT_EQ(1000, wait_inq(a, 1000));
	EXPECT_EQ(1000, ioctl_int(a, FIONREAD));

	/* Loopback acknowledges at once (delayed ACK aside). */
	for (i = 0; i < 100 && ioctl_int(c, SIOCOUTQ); i++)
		usleep(10000);
	EXPECT_EQ(0, ioctl_int(c, SIOCOUTQ));
	EXPECT_EQ(0, ioctl_int(c, SIOCOUTQNSD));

	ASSERT_EQ(400, recv(a, out, 400, 0));
	EXPECT_EQ(0, memcmp(out, buf, 400));
	EXPECT_EQ(600, ioctl_int(a, SIOCINQ));

	/* MSG_TRUNC: counted and dropped, the buffer untouched. */
	memset(out, 'Z', sizeof(out));
	EXPECT_EQ(100, recv(a, out, 100, MSG_TRUNC));
	EXPECT_EQ('Z', out[0]);
	EXPECT_EQ(500, ioctl_int(a, SIOCINQ));
	EXPECT_EQ(50, recv(a, out, 50, MSG_TRUNC | MSG_PEEK));
	EXPECT_EQ('Z', out[0]);
	EXPECT_EQ(500, ioctl_int(a, SIOCINQ));
	ASSERT_EQ(500, recv(a, out, 500, 0));
	EXPECT_EQ(0, memcmp(out, buf + 500, 500));

	/* No urgent data in XTCP: MSG_OOB is refused, nothing is sent. */
	EXPECT_FAIL(EOPNOTSUPP, send(c, buf, 10, MSG_OOB));
	EXPECT_FAIL(EINVAL, recv(a, out, 10, MSG_OOB | MSG_DONTWAIT));
	EXPECT_EQ(0, ioctl_int(c, SIOCOUTQ));
	usleep(100000);
	EXPECT_EQ(0, ioctl_int(a, SIOCINQ));

	/* The FIN is not a readable byte. */
	ASSERT_EQ(10, send(c, buf, 10, 0));
	ASSERT_EQ(0, shutdown(c, SHUT_WR));
	EXPECT_EQ(10, wait_inq(a, 10));
	usleep(100000);
	EXPECT_EQ(10, ioctl_int(a, SIOCINQ));

	/* A listener has no queues: EINVAL, as TCP. */
	l = xlisten(_metadata, &port);
	EXPECT_EQ(-1000 - EINVAL, ioctl_int(l, SIOCINQ));
	EXPECT_EQ(-1000 - EINVAL, ioctl_int(l, SIOCOUTQ));
	EXPECT_EQ(-1000 - EINVAL, ioctl_int(l, SIOCOUTQNSD));
	/* Unknown socket ioctls still end in ENOTTY. */
	EXPECT_EQ(-1000 - ENOTTY, ioctl_int(a, _IOR('x', 0x42, int)));
	close(l);
	close(c);
	close(a);
}

TEST(siocoutq_counts_unacknowledged)
{
	int rcvbuf = 4096, sent = 0, i, outq = -1, inq = -1;
	char buf[4096];
	int c, a;

	netns_setup(_metadata);
	xpair(_metadata, &c, &a);
	ASSERT_EQ(0, setsockopt(a, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
				sizeof(rcvbuf)));
	memset(buf, 'x', sizeof(buf));
	/* Fill the receiver's window and our send buffer. */
	for (i = 0; i < 2000; i++) {
		ssize_t n = send(c, buf, sizeof(buf), MSG_DONTWAIT);

		if (n < 0)
			break;
		sent += n;
	}
	ASSERT_LT(0, sent);
	/* Settle: what is not acknowledged is still queued at the sender. */
	for (i = 0; i < 50; i++) {
		usleep(100000);
		outq = ioctl_int(c, SIOCOUTQ);
		inq = ioctl_int(a, SIOCINQ);
		if (outq >= 0 && inq >= 0 && outq + inq == sent)
			break;
	}
	TH_LOG("sent %d, receiver SIOCINQ %d, sender SIOCOUTQ %d, SIOCOUTQNSD %d",
	       sent, inq, outq, ioctl_int(c, SIOCOUTQNSD));
	EXPECT_LT(0, outq);
	EXPECT_EQ(sent, outq + inq);
	EXPECT_LE(ioctl_int(c, SIOCOUTQNSD), outq);
	close(c);
	close(a);
}

TEST(ip_options_on_connection_sockets)
{
	/* Four NOPs: a valid, 4-byte IP option list. */
	unsigned char nops[4] = { IPOPT_NOOP, IPOPT_NOOP, IPOPT_NOOP, IPOPT_NOOP };
	unsigned char got[40];
	socklen_t len = sizeof(got);
	char buf[3000], out[3000];
	int c, a, mss0, mss1;
	socklen_t il = sizeof(int);

	netns_setup(_metadata);
	/* On a new socket, then on both ends of a connection. */
	c = socket(AF_XTCP, SOCK_STREAM, 0);
	ASSERT_LE(0, c);
	EXPECT_EQ(0, setsockopt(c, SOL_IP, IP_OPTIONS, "", 0));
	EXPECT_EQ(0, setsockopt(c, SOL_IP, IP_OPTIONS, nops, sizeof(nops)));
	close(c);

	xpair(_metadata, &c, &a);
	ASSERT_EQ(0, getsockopt(c, SOL_XTCP, XTCP_MAXSEG, &mss0, &il));
	EXPECT_EQ(0, setsockopt(c, SOL_IP, IP_OPTIONS, nops, sizeof(nops)));
	EXPECT_EQ(0, getsockopt(c, SOL_IP, IP_OPTIONS, got, &len));
	EXPECT_EQ(4, len);
	ASSERT_EQ(0, getsockopt(c, SOL_XTCP, XTCP_MAXSEG, &mss1, &il));
	TH_LOG("MSS %d without IP options, %d with 4 bytes of them", mss0, mss1);
	/* Options take room from the segment (mss0 may be the peer's). */
	EXPECT_GE(mss0, mss1);
	EXPECT_LE(mss0 - 4, mss1);
	EXPECT_EQ(0, setsockopt(a, SOL_IP, IP_OPTIONS, "", 0));

	/* Data still flows both ways, exactly. */
	memset(buf, 'q', sizeof(buf));
	ASSERT_EQ(sizeof(buf), send(c, buf, sizeof(buf), 0));
	ASSERT_EQ(sizeof(out), recv(a, out, sizeof(out), MSG_WAITALL));
	EXPECT_EQ(0, memcmp(buf, out, sizeof(buf)));
	ASSERT_EQ(0, setsockopt(c, SOL_IP, IP_OPTIONS, NULL, 0));
	ASSERT_EQ(sizeof(buf), send(a, buf, sizeof(buf), 0));
	ASSERT_EQ(sizeof(out), recv(c, out, sizeof(out), MSG_WAITALL));
	close(c);
	close(a);
}

TEST(so_attach_filter_runs_on_input)
{
	struct sock_filter drop_all[] = { BPF_STMT(BPF_RET | BPF_K, 0) };
	struct sock_fprog prog = { .len = 1, .filter = drop_all };
	struct pollfd pfd;
	char out[100];
	int c, a, dummy = 0;

	netns_setup(_metadata);
	xpair(_metadata, &c, &a);
	ASSERT_EQ(0, setsockopt(a, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
				sizeof(prog)));
	ASSERT_EQ(5, send(c, "hello", 5, 0));
	pfd.fd = a;
	pfd.events = POLLIN;
	EXPECT_EQ(0, poll(&pfd, 1, 1000)) TH_LOG("data passed a drop-all filter");
	EXPECT_EQ(0, ioctl_int(a, SIOCINQ));

	/* Detached: the sender's retransmission gets through. */
	ASSERT_EQ(0, setsockopt(a, SOL_SOCKET, SO_DETACH_FILTER, &dummy,
				sizeof(dummy)));
	EXPECT_EQ(1, poll(&pfd, 1, GUARD_MS));
	EXPECT_EQ(5, recv(a, out, sizeof(out), MSG_DONTWAIT));
	EXPECT_EQ(0, memcmp(out, "hello", 5));
	close(c);
	close(a);
}

/* A filter's length does not trim XTCP segments: whole segment or none. */
TEST(so_attach_filter_never_trims)
{
	struct sock_filter one_byte[] = { BPF_STMT(BPF_RET | BPF_K, 1) };
	struct sock_fprog prog = { .len = 1, .filter = one_byte };
	char buf[1000], out[1000];
	int c, a;

	netns_setup(_metadata);
	xpair(_metadata, &c, &a);
	ASSERT_EQ(0, setsockopt(a, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
				sizeof(prog)));
	memset(buf, 'f', sizeof(buf));
	ASSERT_EQ(sizeof(buf), send(c, buf, sizeof(buf), 0));
	EXPECT_EQ(sizeof(out), recv(a, out, sizeof(out), MSG_WAITALL));
	EXPECT_EQ(0, memcmp(buf, out, sizeof(buf)));
	close(c);
	close(a);
}

/* ---- cgroup BPF ------------------------------------------------------- */

static int sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

/* A program that returns 0: refuse. */
static int load_deny(enum bpf_prog_type type, enum bpf_attach_type at)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = type;
	attr.expected_attach_type = at;
	attr.insns = (uintptr_t)insns;
	attr.insn_cnt = 2;
	attr.license = (uintptr_t)"GPL";
	return sys_bpf(BPF_PROG_LOAD, &attr);
}

static int prog_attach(int cg, int prog, enum bpf_attach_type at, bool on)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.target_fd = cg;
	attr.attach_bpf_fd = prog;
	attr.attach_type = at;
	return sys_bpf(on ? BPF_PROG_ATTACH : BPF_PROG_DETACH, &attr);
}

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	int ret;

	if (fd < 0)
		return -1;
	ret = write(fd, s, strlen(s)) == (ssize_t)strlen(s) ? 0 : -1;
	close(fd);
	return ret;
}

#define CG_ROOT	"/tmp/xtcp-cg2"

/* Move this process into a fresh cgroup; return its directory fd. */
static int cgroup_enter(char *dir, size_t size)
{
	char pid[32];
	int fd;

	mkdir(CG_ROOT, 0755);
	if (mount("none", CG_ROOT, "cgroup2", 0, NULL) && errno != EBUSY)
		return -1;
	snprintf(dir, size, CG_ROOT "/xtcp-sockapi-%d", getpid());
	if (mkdir(dir, 0755) && errno != EEXIST)
		return -1;
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return -1;
	snprintf(pid, sizeof(pid), "%d", getpid());
	{
		char procs[300];

		snprintf(procs, sizeof(procs), "%s/cgroup.procs", dir);
		if (write_file(procs, pid)) {
			close(fd);
			return -1;
		}
	}
	return fd;
}

static void cgroup_leave(const char *dir, int fd)
{
	char pid[32];

	snprintf(pid, sizeof(pid), "%d", getpid());
	write_file(CG_ROOT "/cgroup.procs", pid);
	close(fd);
	rmdir(dir);
}

TEST(cgroup_connect4_program_applies)
{
	struct sockaddr_in sin;
	unsigned short port;
	char dir[256];
	int cg, prog, l, fd;

	netns_setup(_metadata);
	l = xlisten(_metadata, &port);
	sin = loopback(port);

	cg = cgroup_enter(dir, sizeof(dir));
	if (cg < 0)
		SKIP(return, "no cgroup2 (%s)", strerror(errno));
	prog = load_deny(BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_CONNECT);
	if (prog < 0 || prog_attach(cg, prog, BPF_CGROUP_INET4_CONNECT, true)) {
		cgroup_leave(dir, cg);
		SKIP(return, "cannot load/attach a connect4 program (%s)",
		     strerror(errno));
	}

	/* The kernel's TCP is refused: the program is in force... */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	EXPECT_FAIL(EPERM, connect(fd, (struct sockaddr *)&sin, sizeof(sin)));
	close(fd);
	/* ...and XTCP, by either family, too. */
	fd = socket(AF_XTCP, SOCK_STREAM, 0);
	EXPECT_FAIL(EPERM, connect(fd, (struct sockaddr *)&sin, sizeof(sin)));
	close(fd);
	fd = socket(AF_INET, SOCK_STREAM, IPPROTO_XTCP);
	EXPECT_FAIL(EPERM, connect(fd, (struct sockaddr *)&sin, sizeof(sin)));
	close(fd);

	EXPECT_EQ(0, prog_attach(cg, prog, BPF_CGROUP_INET4_CONNECT, false));
	fd = socket(AF_XTCP, SOCK_STREAM, 0);
	EXPECT_EQ(0, connect(fd, (struct sockaddr *)&sin, sizeof(sin)))
		TH_LOG("connect after detach: %s", strerror(errno));
	close(fd);
	close(prog);
	cgroup_leave(dir, cg);
	close(l);
}

TEST(cgroup_sock_create_program_applies)
{
	char dir[256];
	int cg, prog, fd;

	cg = cgroup_enter(dir, sizeof(dir));
	if (cg < 0)
		SKIP(return, "no cgroup2 (%s)", strerror(errno));
	prog = load_deny(BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET_SOCK_CREATE);
	if (prog < 0 || prog_attach(cg, prog, BPF_CGROUP_INET_SOCK_CREATE, true)) {
		cgroup_leave(dir, cg);
		SKIP(return, "cannot load/attach a sock_create program (%s)",
		     strerror(errno));
	}
	EXPECT_FAIL(EPERM, socket(AF_INET, SOCK_STREAM, 0));
	EXPECT_FAIL(EPERM, socket(AF_INET, SOCK_STREAM, IPPROTO_XTCP));
	EXPECT_FAIL(EPERM, socket(AF_XTCP, SOCK_STREAM, 0));

	EXPECT_EQ(0, prog_attach(cg, prog, BPF_CGROUP_INET_SOCK_CREATE, false));
	fd = socket(AF_XTCP, SOCK_STREAM, 0);
	EXPECT_LE(0, fd);
	close(fd);
	close(prog);
	cgroup_leave(dir, cg);
}

TEST_HARNESS_MAIN
