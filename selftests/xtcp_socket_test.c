// SPDX-License-Identifier: GPL-2.0
/*
 * Socket creation and option plumbing of the xtcp module (issue 2).
 *
 * Needs the module loaded with its default parameters. Every case is
 * independent and prints its own TAP line.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <linux/xtcp.h>

#include "kselftest_harness.h"

#define UNKNOWN_OPT	9999
#define NSOCKS		256

static int read_sysfs_int(const char *path, int *val)
{
	FILE *f = fopen(path, "r");
	int ret;

	if (!f)
		return -errno;
	ret = fscanf(f, "%d", val) == 1 ? 0 : -EINVAL;
	fclose(f);
	return ret;
}

static int module_refcnt(void)
{
	int v;

	if (read_sysfs_int("/sys/module/xtcp/refcnt", &v))
		return -1;
	return v;
}

/* Module references can be dropped after an RCU grace period: poll. */
static int wait_refcnt(int want)
{
	int i, v = -1;

	for (i = 0; i < 200; i++) {
		v = module_refcnt();
		if (v == want)
			break;
		usleep(10000);
	}
	return v;
}

TEST(af_xtcp_stream)
{
	int fd = socket(AF_XTCP, SOCK_STREAM, 0);

	ASSERT_LE(0, fd) TH_LOG("socket(AF_XTCP, SOCK_STREAM, 0): %s",
				strerror(errno));
	EXPECT_EQ(0, close(fd));
}

TEST(inet_ipproto_xtcp)
{
	int fd = socket(AF_INET, SOCK_STREAM, IPPROTO_XTCP);

	ASSERT_LE(0, fd) TH_LOG("socket(AF_INET, SOCK_STREAM, IPPROTO_XTCP): %s",
				strerror(errno));
	EXPECT_EQ(0, close(fd));
}

TEST(af_xtcp_ipproto_xtcp)
{
	int fd = socket(AF_XTCP, SOCK_STREAM, IPPROTO_XTCP);

	ASSERT_LE(0, fd) TH_LOG("socket(AF_XTCP, SOCK_STREAM, IPPROTO_XTCP): %s",
				strerror(errno));
	EXPECT_EQ(0, close(fd));
}

TEST(af_xtcp_stream_flags)
{
	int fd = socket(AF_XTCP, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	ASSERT_LE(0, fd) TH_LOG("socket(AF_XTCP, SOCK_STREAM|SOCK_NONBLOCK|SOCK_CLOEXEC, 0): %s",
				strerror(errno));
	EXPECT_TRUE(fcntl(fd, F_GETFL) & O_NONBLOCK);
	EXPECT_TRUE(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	EXPECT_EQ(0, close(fd));
}

TEST(af_xtcp_dgram_esocktnosupport)
{
	int fd = socket(AF_XTCP, SOCK_DGRAM, 0);

	if (fd >= 0)
		close(fd);
	ASSERT_EQ(-1, fd) TH_LOG("socket(AF_XTCP, SOCK_DGRAM, 0) succeeded");
	EXPECT_EQ(ESOCKTNOSUPPORT, errno) TH_LOG("errno %d (%s)", errno,
						 strerror(errno));
}

TEST(af_xtcp_bad_protocol_eprotonosupport)
{
	int fd = socket(AF_XTCP, SOCK_STREAM, IPPROTO_UDP);

	if (fd >= 0)
		close(fd);
	ASSERT_EQ(-1, fd) TH_LOG("socket(AF_XTCP, SOCK_STREAM, 17) succeeded");
	EXPECT_EQ(EPROTONOSUPPORT, errno) TH_LOG("errno %d (%s)", errno,
						 strerror(errno));
}

TEST(module_param_ipproto)
{
	int v = -1;

	ASSERT_EQ(0, read_sysfs_int("/sys/module/xtcp/parameters/ipproto", &v));
	EXPECT_EQ(IPPROTO_XTCP, v);
}

TEST(module_param_family)
{
	int v = -1;

	ASSERT_EQ(0, read_sysfs_int("/sys/module/xtcp/parameters/family", &v));
	EXPECT_EQ(AF_XTCP, v);
}

static void check_unknown_opts(struct __test_metadata *_metadata, int fd)
{
	char optbuf[64];
	socklen_t len = sizeof(optbuf);
	int val = 1;

	memset(optbuf, 0, sizeof(optbuf));
	errno = 0;
	EXPECT_EQ(-1, getsockopt(fd, SOL_XTCP, UNKNOWN_OPT, optbuf, &len));
	EXPECT_EQ(ENOPROTOOPT, errno) TH_LOG("getsockopt(SOL_XTCP, %d): errno %d (%s)",
					     UNKNOWN_OPT, errno, strerror(errno));
	errno = 0;
	EXPECT_EQ(-1, setsockopt(fd, SOL_XTCP, UNKNOWN_OPT, &val, sizeof(val)));
	EXPECT_EQ(ENOPROTOOPT, errno) TH_LOG("setsockopt(SOL_XTCP, %d): errno %d (%s)",
					     UNKNOWN_OPT, errno, strerror(errno));
	/* Zero-length and absurd lengths must not upset it either. */
	len = 0;
	EXPECT_EQ(-1, getsockopt(fd, SOL_XTCP, UNKNOWN_OPT, optbuf, &len));
	EXPECT_EQ(-1, setsockopt(fd, SOL_XTCP, UNKNOWN_OPT, NULL, 0));
}

TEST(sockopt_unknown_af_xtcp)
{
	int fd = socket(AF_XTCP, SOCK_STREAM, 0);

	ASSERT_LE(0, fd);
	check_unknown_opts(_metadata, fd);
	EXPECT_EQ(0, close(fd));
}

TEST(sockopt_unknown_inet)
{
	int fd = socket(AF_INET, SOCK_STREAM, IPPROTO_XTCP);

	ASSERT_LE(0, fd);
	check_unknown_opts(_metadata, fd);
	EXPECT_EQ(0, close(fd));
}

static void check_type_proto(struct __test_metadata *_metadata, int fd)
{
	socklen_t len;
	int v;

	len = sizeof(v);
	v = -1;
	ASSERT_EQ(0, getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &len));
	EXPECT_EQ(SOCK_STREAM, v);
	len = sizeof(v);
	v = -1;
	ASSERT_EQ(0, getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &v, &len));
	EXPECT_EQ(IPPROTO_XTCP, v) TH_LOG("SO_PROTOCOL %d", v);
}

TEST(so_type_so_protocol)
{
	int fd;

	fd = socket(AF_XTCP, SOCK_STREAM, 0);
	ASSERT_LE(0, fd);
	check_type_proto(_metadata, fd);
	close(fd);

	fd = socket(AF_XTCP, SOCK_STREAM, IPPROTO_XTCP);
	ASSERT_LE(0, fd);
	check_type_proto(_metadata, fd);
	close(fd);

	fd = socket(AF_INET, SOCK_STREAM, IPPROTO_XTCP);
	ASSERT_LE(0, fd);
	check_type_proto(_metadata, fd);
	close(fd);
}

TEST(socket_pins_module)
{
	int base, fd;

	base = module_refcnt();
	ASSERT_LE(0, base) TH_LOG("no /sys/module/xtcp/refcnt");

	fd = socket(AF_XTCP, SOCK_STREAM, 0);
	ASSERT_LE(0, fd);
	EXPECT_LT(base, module_refcnt()) TH_LOG("AF_XTCP socket holds no module reference");
	EXPECT_EQ(0, close(fd));
	EXPECT_EQ(base, wait_refcnt(base));

	fd = socket(AF_INET, SOCK_STREAM, IPPROTO_XTCP);
	ASSERT_LE(0, fd);
	EXPECT_LT(base, module_refcnt()) TH_LOG("AF_INET/IPPROTO_XTCP socket holds no module reference");
	EXPECT_EQ(0, close(fd));
	EXPECT_EQ(base, wait_refcnt(base));
}

TEST(close_many)
{
	static int fds[3 * NSOCKS];
	int base, i, n = 0;

	base = module_refcnt();
	for (i = 0; i < NSOCKS; i++) {
		fds[n] = socket(AF_XTCP, SOCK_STREAM, 0);
		ASSERT_LE(0, fds[n++]) TH_LOG("socket #%d: %s", n, strerror(errno));
		fds[n] = socket(AF_INET, SOCK_STREAM, IPPROTO_XTCP);
		ASSERT_LE(0, fds[n++]) TH_LOG("socket #%d: %s", n, strerror(errno));
		fds[n] = socket(AF_XTCP, SOCK_STREAM | SOCK_NONBLOCK, IPPROTO_XTCP);
		ASSERT_LE(0, fds[n++]) TH_LOG("socket #%d: %s", n, strerror(errno));
	}
	for (i = 0; i < n; i++)
		EXPECT_EQ(0, close(fds[i])) TH_LOG("close #%d: %s", i, strerror(errno));
	/* Closed means closed. */
	EXPECT_EQ(-1, close(fds[0]));
	EXPECT_EQ(EBADF, errno);
	if (base >= 0)
		EXPECT_EQ(base, wait_refcnt(base)) TH_LOG("module references leaked");
}

TEST_HARNESS_MAIN
