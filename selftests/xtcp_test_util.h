/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers the XTCP selftest programs share: clocks, IPv4 and IPv6 addresses, socket
 * timeouts, the module's parameters and, for kselftest_harness.h tests, a
 * private network namespace per case and an errno-checking EXPECT.
 *
 * Header-only: every helper is static inline, so a program pays for what
 * it uses. Include it after kselftest_harness.h in harness tests (the
 * harness helpers are only defined then), and define _GNU_SOURCE first
 * (unshare()).
 */
#ifndef XTCP_TEST_UTIL_H
#define XTCP_TEST_UTIL_H

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>

/* CLOCK_MONOTONIC in milliseconds. */
static inline long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* struct sockaddr_in for dotted-quad @ip and host-order @port. */
static inline struct sockaddr_in addr4(const char *ip, unsigned short port)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	inet_pton(AF_INET, ip, &sin.sin_addr);
	return sin;
}

/* struct sockaddr_in6 for IPv6 literal @ip and host-order @port. */
static inline struct sockaddr_in6 addr6(const char *ip, unsigned short port)
{
	struct sockaddr_in6 sin6;

	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons(port);
	inet_pton(AF_INET6, ip, &sin6.sin6_addr);
	return sin6;
}

/* 127.0.0.1:@port. */
static inline struct sockaddr_in loopback(unsigned short port)
{
	return addr4("127.0.0.1", port);
}

/* SO_RCVTIMEO or SO_SNDTIMEO (@opt) of @fd, in milliseconds. */
static inline void set_timeo(int fd, int opt, int ms)
{
	struct timeval tv = { .tv_sec = ms / 1000,
			      .tv_usec = (ms % 1000) * 1000 };

	setsockopt(fd, SOL_SOCKET, opt, &tv, sizeof(tv));
}

/* The xtcp module's parameter @name, or @def when it cannot be read. */
static inline int read_param(const char *name, int def)
{
	char path[128];
	FILE *f;
	int v;

	snprintf(path, sizeof(path), "/sys/module/xtcp/parameters/%s", name);
	f = fopen(path, "r");
	if (!f)
		return def;
	if (fscanf(f, "%d", &v) != 1)
		v = def;
	fclose(f);
	return v;
}

#ifdef __KSELFTEST_HARNESS_H

/* Call that must fail with errno @eno. */
#define EXPECT_FAIL(eno, call) do {					\
	long __ret;							\
	int __err;							\
									\
	errno = 0;							\
	__ret = (long)(call);						\
	__err = errno;							\
	EXPECT_EQ(-1, __ret) TH_LOG("%s returned %ld", #call, __ret);	\
	EXPECT_EQ(eno, __err) TH_LOG("%s: errno %d (%s), want %d (%s)",	\
				     #call, __err, strerror(__err),	\
				     eno, strerror(eno));		\
} while (0)

/*
 * A private network namespace per case, loopback up: no stray ports or
 * TIME_WAIT between cases. Without CAP_SYS_ADMIN the case runs in the
 * current namespace.
 */
static inline void netns_setup(struct __test_metadata *_metadata)
{
	struct ifreq ifr;
	int fd;

	if (unshare(CLONE_NEWNET)) {
		TH_LOG("unshare(CLONE_NEWNET): %s; using this namespace",
		       strerror(errno));
		return;
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	ASSERT_LE(0, fd);
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	ASSERT_EQ(0, ioctl(fd, SIOCGIFFLAGS, &ifr));
	ifr.ifr_flags |= IFF_UP;
	ASSERT_EQ(0, ioctl(fd, SIOCSIFFLAGS, &ifr)) TH_LOG("lo up: %s",
							   strerror(errno));
	close(fd);
}

/*
 * Connect @c to loopback @port where @l listens, accept the peer into *@a,
 * close @l: an established pair, every blocking call on it bounded by
 * @guard_ms.
 */
static inline void pair_up(struct __test_metadata *_metadata, int l,
			   unsigned short port, int c, int *a, int guard_ms)
{
	struct sockaddr_in sin = loopback(port);

	ASSERT_LE(0, l);
	ASSERT_LE(0, c);
	set_timeo(c, SO_RCVTIMEO, guard_ms);
	set_timeo(c, SO_SNDTIMEO, guard_ms);
	ASSERT_EQ(0, connect(c, (struct sockaddr *)&sin, sizeof(sin)))
		TH_LOG("connect: %s", strerror(errno));
	set_timeo(l, SO_RCVTIMEO, guard_ms);
	*a = accept(l, NULL, NULL);
	ASSERT_LE(0, *a) TH_LOG("accept: %s", strerror(errno));
	set_timeo(*a, SO_RCVTIMEO, guard_ms);
	set_timeo(*a, SO_SNDTIMEO, guard_ms);
	close(l);
}

#endif /* __KSELFTEST_HARNESS_H */

#endif /* XTCP_TEST_UTIL_H */
