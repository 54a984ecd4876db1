// SPDX-License-Identifier: GPL-2.0
/*
 * Choosing XTCP's congestion control: setsockopt/getsockopt(XTCP_CONGESTION)
 * and XTCP_CC_INFO per socket, net.xtcp.congestion_control and
 * net.xtcp.available_congestion_control per namespace. Bad names, lengths
 * and pointers must fail with TCP's errno and change nothing.
 *
 * Needs the module loaded and root; every case runs in a network namespace
 * of its own (unshare), so the sysctl writes stay there.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <linux/xtcp.h>

#include "kselftest_harness.h"

#define SYSCTL_CC	"/proc/sys/net/xtcp/congestion_control"
#define SYSCTL_AVAIL	"/proc/sys/net/xtcp/available_congestion_control"

/* errno of a call that returned -1, 0 for one that did not fail */
static int fail_errno(long ret)
{
	return ret == -1 ? errno : 0;
}

#define EXPECT_FAIL(eno, call)	EXPECT_EQ(eno, fail_errno((long)(call)))

static void netns(struct __test_metadata *_metadata)
{
	struct ifreq ifr;
	int fd;

	ASSERT_EQ(0, unshare(CLONE_NEWNET)) TH_LOG("unshare: %s",
						   strerror(errno));
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	ASSERT_LE(0, fd);
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	ASSERT_EQ(0, ioctl(fd, SIOCGIFFLAGS, &ifr));
	ifr.ifr_flags |= IFF_UP;
	ASSERT_EQ(0, ioctl(fd, SIOCSIFFLAGS, &ifr));
	close(fd);
}

static int xsocket(void)
{
	return socket(AF_XTCP, SOCK_STREAM, 0);
}

/* The algorithm of @fd, NUL-terminated, in @buf[XTCP_CA_NAME_MAX]. */
static int get_cc(int fd, char *buf)
{
	socklen_t len = XTCP_CA_NAME_MAX;

	memset(buf, 'X', XTCP_CA_NAME_MAX);
	if (getsockopt(fd, SOL_XTCP, XTCP_CONGESTION, buf, &len))
		return -1;
	if (len != XTCP_CA_NAME_MAX)
		return -2;
	buf[XTCP_CA_NAME_MAX - 1] = '\0';
	return 0;
}

static int set_cc(int fd, const char *name)
{
	return setsockopt(fd, SOL_XTCP, XTCP_CONGESTION, name, strlen(name));
}

/* Write @s (@len bytes) to a sysctl at @off; -errno on failure. */
static int sysctl_write(const char *path, const char *s, size_t len, off_t off)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;
	int err;

	if (fd < 0)
		return -errno;
	n = pwrite(fd, s, len, off);
	err = n < 0 ? -errno : 0;
	close(fd);
	return err;
}

static void sysctl_read(const char *path, char *buf, size_t size)
{
	ssize_t n = -1;
	int fd = open(path, O_RDONLY);

	if (fd >= 0) {
		n = read(fd, buf, size - 1);
		close(fd);
	}
	buf[n > 0 ? n : 0] = '\0';
}

static unsigned short sock_port(int fd)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	if (getsockname(fd, (struct sockaddr *)&sin, &len))
		return 0;
	return ntohs(sin.sin_port);
}

static int listener(struct __test_metadata *_metadata, unsigned short *port,
		    const char *cc)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int fd = xsocket();

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ASSERT_LE(0, fd) TH_LOG("socket: %s", strerror(errno));
	if (cc)
		ASSERT_EQ(0, set_cc(fd, cc));
	ASSERT_EQ(0, bind(fd, (struct sockaddr *)&sin, sizeof(sin)));
	ASSERT_EQ(0, listen(fd, 4));
	*port = sock_port(fd);
	return fd;
}

static int dial(struct __test_metadata *_metadata, unsigned short port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int fd = xsocket();

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(port);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, connect(fd, (struct sockaddr *)&sin, sizeof(sin)))
		TH_LOG("connect: %s", strerror(errno));
	return fd;
}

TEST(default_is_cubic_and_names)
{
	char buf[XTCP_CA_NAME_MAX], s[128];
	struct xtcp_cc_info ci;
	socklen_t len;
	int fd;

	netns(_metadata);
	sysctl_read(SYSCTL_CC, s, sizeof(s));
	EXPECT_STREQ("cubic\n", s);
	sysctl_read(SYSCTL_AVAIL, s, sizeof(s));
	EXPECT_STREQ("reno cubic\n", s);

	fd = xsocket();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, get_cc(fd, buf));
	EXPECT_STREQ("cubic", buf);
	ASSERT_EQ(0, set_cc(fd, "reno"));
	ASSERT_EQ(0, get_cc(fd, buf));
	EXPECT_STREQ("reno", buf);
	len = sizeof(ci);
	ASSERT_EQ(0, getsockopt(fd, SOL_XTCP, XTCP_CC_INFO, &ci, &len));
	EXPECT_EQ(sizeof(ci), len);
	EXPECT_STREQ("reno", ci.name);
	EXPECT_EQ(0, ci.loss_events);
	ASSERT_EQ(0, set_cc(fd, "cubic"));
	ASSERT_EQ(0, get_cc(fd, buf));
	EXPECT_STREQ("cubic", buf);
	/* Setting the same twice is fine. */
	EXPECT_EQ(0, set_cc(fd, "cubic"));
	close(fd);
}

TEST(setsockopt_bad_names)
{
	char buf[XTCP_CA_NAME_MAX], big[256];
	int fd;

	netns(_metadata);
	fd = xsocket();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, set_cc(fd, "reno"));

	EXPECT_FAIL(ENOENT, set_cc(fd, "bogus"));
	EXPECT_FAIL(ENOENT, set_cc(fd, "CUBIC"));
	EXPECT_FAIL(ENOENT, set_cc(fd, "cubic "));
	EXPECT_FAIL(ENOENT, set_cc(fd, "cub"));
	EXPECT_FAIL(ENOENT, setsockopt(fd, SOL_XTCP, XTCP_CONGESTION, "", 1));
	EXPECT_FAIL(EINVAL, setsockopt(fd, SOL_XTCP, XTCP_CONGESTION, "reno",
				       0));
	EXPECT_FAIL(EFAULT, setsockopt(fd, SOL_XTCP, XTCP_CONGESTION, NULL, 5));
	/* Too long, unterminated: only the first 15 bytes count. */
	memset(big, 'a', sizeof(big));
	EXPECT_FAIL(ENOENT, setsockopt(fd, SOL_XTCP, XTCP_CONGESTION, big,
				       sizeof(big)));
	memcpy(big, "cubic", 5);
	EXPECT_FAIL(ENOENT, setsockopt(fd, SOL_XTCP, XTCP_CONGESTION, big,
				       sizeof(big)));
	/* Nothing changed. */
	ASSERT_EQ(0, get_cc(fd, buf));
	EXPECT_STREQ("reno", buf);

	/* A name need not be terminated within optlen; a NUL ends it. */
	EXPECT_EQ(0, setsockopt(fd, SOL_XTCP, XTCP_CONGESTION, "cubicXYZ", 5));
	ASSERT_EQ(0, get_cc(fd, buf));
	EXPECT_STREQ("cubic", buf);
	memset(big, 0, sizeof(big));
	memcpy(big, "reno", 4);
	EXPECT_EQ(0, setsockopt(fd, SOL_XTCP, XTCP_CONGESTION, big,
				sizeof(big)));
	ASSERT_EQ(0, get_cc(fd, buf));
	EXPECT_STREQ("reno", buf);
	/* XTCP_CC_INFO is read only. */
	EXPECT_FAIL(EINVAL, setsockopt(fd, SOL_XTCP, XTCP_CC_INFO, big, 64));
	close(fd);
}

TEST(getsockopt_lengths)
{
	char buf[64];
	struct xtcp_cc_info ci;
	socklen_t len;
	int fd;

	netns(_metadata);
	fd = xsocket();
	ASSERT_LE(0, fd);

	/* Short buffers get a prefix; long ones the NUL-padded name. */
	memset(buf, 'X', sizeof(buf));
	len = 2;
	ASSERT_EQ(0, getsockopt(fd, SOL_XTCP, XTCP_CONGESTION, buf, &len));
	EXPECT_EQ(2, len);
	EXPECT_EQ(0, memcmp(buf, "cuX", 3));
	len = 0;
	ASSERT_EQ(0, getsockopt(fd, SOL_XTCP, XTCP_CONGESTION, buf, &len));
	EXPECT_EQ(0, len);
	memset(buf, 'X', sizeof(buf));
	len = sizeof(buf);
	ASSERT_EQ(0, getsockopt(fd, SOL_XTCP, XTCP_CONGESTION, buf, &len));
	EXPECT_EQ(XTCP_CA_NAME_MAX, len);
	EXPECT_EQ(0, memcmp(buf, "cubic\0\0\0\0\0\0\0\0\0\0\0X", 17));
	len = -1;
	EXPECT_FAIL(EINVAL, getsockopt(fd, SOL_XTCP, XTCP_CONGESTION, buf,
				       &len));
	len = sizeof(buf);
	EXPECT_FAIL(EFAULT, getsockopt(fd, SOL_XTCP, XTCP_CONGESTION, NULL,
				       &len));

	memset(&ci, 'X', sizeof(ci));
	len = 4;
	ASSERT_EQ(0, getsockopt(fd, SOL_XTCP, XTCP_CC_INFO, &ci, &len));
	EXPECT_EQ(4, len);
	EXPECT_EQ(0, memcmp(ci.name, "cubiX", 5));
	len = sizeof(ci) + 100;
	ASSERT_EQ(0, getsockopt(fd, SOL_XTCP, XTCP_CC_INFO, &ci, &len));
	EXPECT_EQ(sizeof(ci), len);
	EXPECT_EQ(1, ci.hystart);	/* initial slow start */
	close(fd);
}

TEST(sysctl_validation)
{
	char buf[XTCP_CA_NAME_MAX], s[128], big[300];
	int fd;

	netns(_metadata);
	EXPECT_EQ(0, sysctl_write(SYSCTL_CC, "reno\n", 5, 0));
	sysctl_read(SYSCTL_CC, s, sizeof(s));
	EXPECT_STREQ("reno\n", s);
	fd = xsocket();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, get_cc(fd, buf));
	EXPECT_STREQ("reno", buf);
	close(fd);

	EXPECT_EQ(-ENOENT, sysctl_write(SYSCTL_CC, "bogus\n", 6, 0));
	EXPECT_EQ(-ENOENT, sysctl_write(SYSCTL_CC, "CUBIC", 5, 0));
	EXPECT_EQ(-ENOENT, sysctl_write(SYSCTL_CC, "cubic x", 7, 0));
	EXPECT_EQ(-EINVAL, sysctl_write(SYSCTL_CC, "\n", 1, 0));
	EXPECT_EQ(-EINVAL, sysctl_write(SYSCTL_CC, "cubiccubiccubicc", 16, 0));
	memset(big, 'c', sizeof(big));
	EXPECT_EQ(-EINVAL, sysctl_write(SYSCTL_CC, big, sizeof(big), 0));
	memcpy(big, "cubic", 5);
	EXPECT_EQ(-EINVAL, sysctl_write(SYSCTL_CC, big, sizeof(big), 0));
	/* No appending to, or patching of, the current name. */
	EXPECT_EQ(-EINVAL, sysctl_write(SYSCTL_CC, "cubic", 5, 1));
	EXPECT_EQ(-EINVAL, sysctl_write(SYSCTL_CC, "o", 1, 3));
	sysctl_read(SYSCTL_CC, s, sizeof(s));
	EXPECT_STREQ("reno\n", s);

	/* The list is read only, even for root. */
	EXPECT_EQ(-EACCES, sysctl_write(SYSCTL_AVAIL, "reno", 4, 0));
	sysctl_read(SYSCTL_AVAIL, s, sizeof(s));
	EXPECT_STREQ("reno cubic\n", s);

	EXPECT_EQ(0, sysctl_write(SYSCTL_CC, "cubic", 5, 0));
	sysctl_read(SYSCTL_CC, s, sizeof(s));
	EXPECT_STREQ("cubic\n", s);
}

TEST(sysctl_per_namespace_and_unprivileged)
{
	char buf[XTCP_CA_NAME_MAX], s[128];
	int fd, status;
	pid_t pid;

	netns(_metadata);
	ASSERT_EQ(0, sysctl_write(SYSCTL_CC, "reno", 4, 0));

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		/* A fresh namespace starts at cubic. */
		if (unshare(CLONE_NEWNET))
			_exit(10);
		sysctl_read(SYSCTL_CC, s, sizeof(s));
		if (strcmp(s, "cubic\n"))
			_exit(11);
		/* An unprivileged user may choose for its own sockets but
		 * not for the namespace.
		 */
		if (setgid(65534) || setuid(65534))
			_exit(12);
		if (sysctl_write(SYSCTL_CC, "reno", 4, 0) != -EACCES)
			_exit(13);
		fd = xsocket();
		if (fd < 0 || set_cc(fd, "reno") || get_cc(fd, buf) ||
		    strcmp(buf, "reno"))
			_exit(14);
		if (set_cc(fd, "nope") != -1 || errno != ENOENT)
			_exit(15);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));

	/* This namespace kept its own choice. */
	sysctl_read(SYSCTL_CC, s, sizeof(s));
	EXPECT_STREQ("reno\n", s);
}

TEST(listener_choice_inherited)
{
	unsigned short p1, p2;
	char buf[XTCP_CA_NAME_MAX];
	int l1, l2, c1, c2, a1, a2;

	netns(_metadata);
	l1 = listener(_metadata, &p1, "reno");
	l2 = listener(_metadata, &p2, NULL);
	/* The namespace default changes after both listeners exist. */
	ASSERT_EQ(0, sysctl_write(SYSCTL_CC, "reno", 4, 0));
	c1 = dial(_metadata, p1);
	c2 = dial(_metadata, p2);
	a1 = accept(l1, NULL, NULL);
	a2 = accept(l2, NULL, NULL);
	ASSERT_LE(0, a1);
	ASSERT_LE(0, a2);
	/* A listener's own choice passes to its children... */
	ASSERT_EQ(0, get_cc(a1, buf));
	EXPECT_STREQ("reno", buf);
	/* ...otherwise they take the namespace's at their birth. */
	ASSERT_EQ(0, get_cc(a2, buf));
	EXPECT_STREQ("reno", buf);
	close(c1);
	close(c2);
	close(a1);
	close(a2);
	ASSERT_EQ(0, sysctl_write(SYSCTL_CC, "cubic", 5, 0));
	c1 = dial(_metadata, p1);
	c2 = dial(_metadata, p2);
	a1 = accept(l1, NULL, NULL);
	a2 = accept(l2, NULL, NULL);
	ASSERT_EQ(0, get_cc(a1, buf));
	EXPECT_STREQ("reno", buf);
	ASSERT_EQ(0, get_cc(a2, buf));
	EXPECT_STREQ("cubic", buf);
	ASSERT_EQ(0, get_cc(l1, buf));
	EXPECT_STREQ("reno", buf);
	close(c1);
	close(c2);
	close(a1);
	close(a2);
	close(l1);
	close(l2);
}

TEST(switch_while_established)
{
	static char out[256 * 1024], in[sizeof(out)];
	const char *names[] = { "reno", "cubic", "reno" };
	struct timeval tv = { .tv_sec = 10 };
	char buf[XTCP_CA_NAME_MAX];
	struct xtcp_cc_info ci;
	size_t got = 0, sent = 0, i;
	unsigned short port;
	int l, c, a, step;
	socklen_t len;
	ssize_t n;

	netns(_metadata);
	for (i = 0; i < sizeof(out); i++)
		out[i] = (char)(i * 7 + i / 251);
	l = listener(_metadata, &port, NULL);
	c = dial(_metadata, port);
	a = accept(l, NULL, NULL);
	ASSERT_LE(0, a);
	ASSERT_EQ(0, setsockopt(a, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));

	/* Change the sender's algorithm between chunks, like TCP allows. */
	for (step = 0; step < 3; step++) {
		size_t end = sizeof(out) * (step + 1) / 3;

		ASSERT_EQ(0, set_cc(c, names[step]));
		while (sent < end) {
			n = send(c, out + sent, end - sent, MSG_DONTWAIT);
			if (n > 0)
				sent += n;
			n = recv(a, in + got, sizeof(in) - got, MSG_DONTWAIT);
			if (n > 0)
				got += n;
		}
		ASSERT_EQ(0, get_cc(c, buf));
		EXPECT_STREQ(names[step], buf);
		len = sizeof(ci);
		ASSERT_EQ(0, getsockopt(c, SOL_XTCP, XTCP_CC_INFO, &ci, &len));
		EXPECT_STREQ(names[step], ci.name);
	}
	shutdown(c, SHUT_WR);
	while (got < sizeof(in)) {
		n = recv(a, in + got, sizeof(in) - got, 0);
		ASSERT_LT(0, n) TH_LOG("recv: %zd %s", n, strerror(errno));
		got += n;
	}
	EXPECT_EQ(0, memcmp(in, out, sizeof(out)));
	close(c);
	close(a);
	close(l);
}

TEST_HARNESS_MAIN
