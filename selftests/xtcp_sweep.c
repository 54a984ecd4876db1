// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp_sweep: throw the whole socket API at XTCP sockets in every state.
 *
 * For sockets that are new, bound, listening, connecting (to a blackhole),
 * established over loopback, half-closed, reset and closed (a refused
 * connect), it calls:
 *   - setsockopt/getsockopt at SOL_SOCKET, SOL_IP, SOL_TCP, SOL_XTCP,
 *     SOL_IPV6 and junk levels, options 0..100 and random ones, with
 *     hostile lengths (0, 1, 3, 4, 8, 64, 4096; negative and huge for
 *     getsockopt) and values (0, -1, INT_MAX, random bytes);
 *   - the ioctls FIONREAD, SIOCINQ, SIOCOUTQ, SIOCOUTQNSD, FIONBIO,
 *     SIOCATMARK and random ones;
 *   - send and recv with every flag bit and random combinations;
 *   - sendfile from a memfd and splice from a pipe of vmspliced user
 *     memory (xtcp_sendpage()), non-blocking, with odd offsets and lengths;
 *   - shutdown with every mode, valid or not;
 *   - bind and connect with odd families, lengths and addresses;
 * and runs the same calls from a thread while the main thread closes and
 * reopens the descriptor. The kernel must survive; documented cases must
 * give their errno (unknown SOL_XTCP option: ENOPROTOOPT; MSG_OOB on send:
 * EOPNOTSUPP; queue ioctls: the right counts; bad shutdown mode: EINVAL).
 *
 * Plain kselftest TAP on stdout. Works as root or as any user; expects to
 * run in a network namespace of its own where 10.99.0.0/24 (fd00:99::/64)
 * leads to a device that drops everything (xtcp_sweep.sh sets that up);
 * without it the "connecting" state is whatever a connect to 10.99.0.2
 * gives.
 *
 * Environment: XTCP_GUEST=debug sweeps fewer values (the KASAN guest is
 * about five times slower); XTCP_SWEEP_SEED fixes the random seed;
 * XTCP_FAMILY=6 sweeps IPv6 sockets, socket(AF_INET6, SOCK_STREAM,
 * IPPROTO_XTCP), over ::1 (inet6 code: SOL_IPV6 options, extension
 * headers, flow labels, v4-mapped addresses).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
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
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/socket.h>

#include <linux/xtcp.h>

#include "xtcp_test_util.h"

#define BLACKHOLE	"10.99.0.2"
#define BLACKHOLE6	"fd00:99::2"
#define JUNK_LEVELS	{ -1, 1000, 254, INT_MAX, 0x10000 }

static int tap_num, tap_fail;
static bool debug_guest, cut_short;
static int family = AF_INET;	/* AF_INET6: XTCP_FAMILY=6 */
static unsigned long long calls;

static void tap(bool ok, const char *fmt, ...)
{
	va_list ap;

	tap_num++;
	if (!ok)
		tap_fail++;
	printf("%sok %d ", ok ? "" : "not ", tap_num);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static void info(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static uint32_t rnd(void)
{
	return (uint32_t)random() ^ ((uint32_t)random() << 16);
}

static int xsock(void)
{
	int fd = family == AF_INET6 ?
		 socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, IPPROTO_XTCP) :
		 socket(AF_XTCP, SOCK_STREAM | SOCK_NONBLOCK, 0);

	if (fd < 0) {
		tap(false, "socket(%s): %s",
		    family == AF_INET6 ? "AF_INET6, IPPROTO_XTCP" : "AF_XTCP",
		    strerror(errno));
		exit(1);
	}
	return fd;
}

/* The loopback address, or the blackhole, of the sweep's family. */
static socklen_t sweep_addr(struct sockaddr_storage *ss, bool blackhole,
			    unsigned short port)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET6) {
		*(struct sockaddr_in6 *)ss = addr6(blackhole ? BLACKHOLE6 : "::1",
						   port);
		return sizeof(struct sockaddr_in6);
	}
	*(struct sockaddr_in *)ss = addr4(blackhole ? BLACKHOLE : "127.0.0.1",
					  port);
	return sizeof(struct sockaddr_in);
}

/* The port of either family's address (same offset in both). */
static unsigned short port_of(const struct sockaddr_storage *ss)
{
	return ntohs(((const struct sockaddr_in *)ss)->sin_port);
}

static bool wait_fd(int fd, short ev, int ms)
{
	struct pollfd p = { .fd = fd, .events = ev };

	return poll(&p, 1, ms) == 1;
}

/* A listener on the loopback address, ephemeral port. */
static int xlisten(unsigned short *port)
{
	struct sockaddr_storage ss;
	socklen_t len = sweep_addr(&ss, false, 0);
	int fd = xsock();

	if (bind(fd, (struct sockaddr *)&ss, len) || listen(fd, 64) ||
	    getsockname(fd, (struct sockaddr *)&ss, &len)) {
		tap(false, "listener: %s", strerror(errno));
		exit(1);
	}
	*port = port_of(&ss);
	return fd;
}

/* An established pair over loopback (both non-blocking). */
static bool xpair(int *c, int *a)
{
	struct sockaddr_storage ss;
	unsigned short port;
	int l = xlisten(&port);
	socklen_t len = sweep_addr(&ss, false, port);

	*c = xsock();
	*a = -1;
	if (connect(*c, (struct sockaddr *)&ss, len) &&
	    errno != EINPROGRESS)
		goto fail;
	if (!wait_fd(l, POLLIN, 5000) || !wait_fd(*c, POLLOUT, 5000))
		goto fail;
	*a = accept4(l, NULL, NULL, SOCK_NONBLOCK);
	if (*a < 0)
		goto fail;
	close(l);
	return true;
fail:
	info("pair: %s", strerror(errno));
	close(l);
	close(*c);
	if (*a >= 0)
		close(*a);
	return false;
}

enum state { S_NEW, S_BOUND, S_LISTEN, S_CONNECTING, S_ESTABLISHED,
	     S_HALF_CLOSED, S_RESET, S_CLOSED, S_MAX };

static const char * const state_names[] = {
	"new", "bound", "listening", "connecting", "established",
	"half-closed", "reset", "closed",
};

/*
 * Make a socket in state @s. *peer gets the other end when there is one
 * (closed by the caller), else -1.
 */
static int make_state(enum state s, int *peer)
{
	struct sockaddr_storage ss;
	struct linger lg = { 1, 0 };
	unsigned short port;
	char buf[64];
	int fd, l, c, a;

	*peer = -1;
	switch (s) {
	case S_NEW:
		return xsock();
	case S_BOUND:
		fd = xsock();
		bind(fd, (struct sockaddr *)&ss, sweep_addr(&ss, false, 0));
		return fd;
	case S_LISTEN:
		return xlisten(&port);
	case S_CONNECTING:
		fd = xsock();
		connect(fd, (struct sockaddr *)&ss, sweep_addr(&ss, true, 9));
		return fd;
	case S_ESTABLISHED:
		if (!xpair(&c, &a))
			return xsock();
		send(a, "some data", 9, 0);
		*peer = a;
		return c;
	case S_HALF_CLOSED:
		if (!xpair(&c, &a))
			return xsock();
		shutdown(a, SHUT_WR);
		wait_fd(c, POLLIN, 2000);
		recv(c, buf, sizeof(buf), 0);
		*peer = a;
		return c;
	case S_RESET:
		if (!xpair(&c, &a))
			return xsock();
		setsockopt(a, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		close(a);
		wait_fd(c, POLLERR | POLLHUP, 2000);
		return c;
	case S_CLOSED:
		/* A refused connect: CLOSE after having been connected. */
		l = xlisten(&port);
		close(l);
		fd = xsock();
		connect(fd, (struct sockaddr *)&ss, sweep_addr(&ss, false, port));
		wait_fd(fd, POLLOUT, 2000);
		return fd;
	default:
		return xsock();
	}
}

/* Before close(): no lingering, whatever the sweep set. */
static void unlinger(int fd)
{
	struct linger lg = { 0, 0 };

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
}

static void close_state(int fd, int peer)
{
	unlinger(fd);
	close(fd);
	if (peer >= 0) {
		unlinger(peer);
		close(peer);
	}
}

/* ---- the sweeps ------------------------------------------------------- */

static const int levels[] = { SOL_SOCKET, SOL_IP, 6 /* SOL_TCP */, SOL_XTCP,
			      SOL_IPV6, -1, 1000, 254, INT_MAX, 0x10000 };
static const int lens[] = { 0, 1, 3, 4, 8, 64, 4096 };

static unsigned char valbuf[65536];
static unsigned char outbuf[65536];

/* Options whose random values could make later calls of this program
 * block or kill it: set only with harmless values.
 */
static bool hazardous(int level, int opt)
{
	/* A random minimum TTL makes a socket deaf to its peer: closed, it
	 * lingers as an orphan retransmitting into the void (issue 9 item 5)
	 * and holds the module past xtcp_teardown.sh's wait.
	 */
	if (level == SOL_IP)
		return opt == IP_MINTTL;
	/* IPv6's IP_MINTTL. */
	if (level == SOL_IPV6)
		return opt == 73 /* IPV6_MINHOPCOUNT */;
	if (level == SOL_SOCKET)
		return opt == SO_RCVTIMEO_OLD || opt == SO_SNDTIMEO_OLD ||
		       opt == SO_RCVTIMEO_NEW || opt == SO_SNDTIMEO_NEW ||
		       opt == SO_LINGER;
	return false;
}

static void fill_val(int kind, int len)
{
	int i;

	switch (kind) {
	case 0:
		memset(valbuf, 0, len);
		break;
	case 1:
		memset(valbuf, 0xff, len);
		break;
	case 2:
		for (i = 0; i + 4 <= len; i += 4)
			*(int *)(valbuf + i) = INT_MAX;
		break;
	default:
		for (i = 0; i < len; i++)
			valbuf[i] = rnd();
		break;
	}
}

static void sweep_sockopts(int fd, long long deadline)
{
	int nlevels = sizeof(levels) / sizeof(levels[0]);
	int nvals = debug_guest ? 4 : 6;
	/* IPv6 sockets start at SOL_IPV6 (levels[4]): the budget may not last. */
	int first = family == AF_INET6 ? 4 : 0;
	int li, opt, r, li2, v;

	for (li = 0; li < nlevels; li++) {
		/* Options 0..100, then random ones (mostly small). */
		for (r = 0; r <= 100 + (debug_guest ? 30 : 100); r++) {
			int level = levels[(li + first) % nlevels];
			socklen_t gl;

			if (now_ms() > deadline) {
				cut_short = true;
				return;
			}
			opt = r <= 100 ? r : (r & 1) ? (int)(rnd() % 1000) :
			      (int)rnd();
			for (li2 = 0; li2 < (int)(sizeof(lens) / sizeof(lens[0])); li2++) {
				for (v = 0; v < nvals; v++) {
					if (hazardous(level, opt) && v)
						continue;
					fill_val(v, lens[li2]);
					setsockopt(fd, level, opt, valbuf, lens[li2]);
					calls++;
				}
				gl = lens[li2];
				getsockopt(fd, level, opt, outbuf, &gl);
				calls++;
			}
			/* NULL buffers, negative and huge lengths. */
			setsockopt(fd, level, opt, NULL, 4);
			getsockopt(fd, level, opt, NULL, NULL);
			gl = (socklen_t)-1;
			getsockopt(fd, level, opt, outbuf, &gl);
			gl = (socklen_t)INT_MIN;
			getsockopt(fd, level, opt, outbuf, &gl);
			gl = sizeof(outbuf);
			getsockopt(fd, level, opt, outbuf, &gl);
			calls += 5;
		}
	}
}

static void sweep_ioctls(int fd)
{
	static const unsigned long cmds[] = {
		FIONREAD, SIOCINQ, SIOCOUTQ, SIOCOUTQNSD, SIOCATMARK,
		SIOCGSTAMP_OLD, SIOCGSTAMPNS_OLD,
	};
	int i, v, nb;

	for (i = 0; i < (int)(sizeof(cmds) / sizeof(cmds[0])); i++) {
		ioctl(fd, cmds[i], &v);
		ioctl(fd, cmds[i], NULL);
		calls += 2;
	}
	nb = 0;
	ioctl(fd, FIONBIO, &nb);
	nb = 1;
	ioctl(fd, FIONBIO, &nb);
	/*
	 * Random commands, but not the socket (0x89: route, interface and
	 * owner changes) or tty (0x54: FIOASYNC...) types, which as root
	 * would reconfigure the namespace or signal other processes.
	 */
	for (i = 0; i < 200; i++) {
		unsigned long cmd = rnd();
		unsigned int type = (cmd >> 8) & 0xff;

		if (type == 0x89 || type == 0x54)
			continue;
		memset(valbuf, 0, 256);
		ioctl(fd, cmd, valbuf);
		calls++;
	}
}

static void sweep_sendrecv(int fd)
{
	char buf[256];
	int bit, i;

	memset(buf, 'x', sizeof(buf));
	for (bit = 0; bit < 32; bit++) {
		int f = (1 << bit) | MSG_DONTWAIT | MSG_NOSIGNAL;

		send(fd, buf, 16, f);
		recv(fd, buf, sizeof(buf), f);
		calls += 2;
	}
	for (i = 0; i < 64; i++) {
		int f = (int)rnd() | MSG_DONTWAIT | MSG_NOSIGNAL;
		struct iovec iov = { buf, (size_t)(rnd() % sizeof(buf)) };
		char cbuf[64];
		struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };

		send(fd, buf, rnd() % sizeof(buf), f);
		recv(fd, buf, rnd() % sizeof(buf), f);
		/* Random control data on send, a tiny control buffer on recv. */
		for (int k = 0; k < (int)sizeof(cbuf); k++)
			cbuf[k] = rnd();
		m.msg_control = cbuf;
		m.msg_controllen = rnd() % sizeof(cbuf);
		sendmsg(fd, &m, f);
		m.msg_controllen = rnd() % 8;
		recvmsg(fd, &m, f);
		calls += 4;
	}
	recv(fd, buf, sizeof(buf), MSG_ERRQUEUE | MSG_DONTWAIT);
	send(fd, NULL, 10, MSG_DONTWAIT | MSG_NOSIGNAL);
	recv(fd, NULL, 10, MSG_DONTWAIT);
	calls += 3;
}

/* sendfile and splice into @fd (xtcp_sendpage()), made non-blocking for
 * them: from a memfd at odd offsets and lengths (some past its end), and
 * from a pipe of user memory vmspliced at odd offsets, with and without
 * SPLICE_F_MORE.
 */
static void sweep_splice(int fd)
{
	static int src = -1;
	char buf[8192];
	int fl, p[2], i;

	memset(buf, 's', sizeof(buf));
	if (src < 0) {
		src = memfd_create("xtcp_sweep", MFD_CLOEXEC);
		for (i = 0; src >= 0 && i < 8; i++)
			if (write(src, buf, sizeof(buf)) < 0)
				break;
	}
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK))
		return;
	for (i = 0; src >= 0 && i < 16; i++) {
		off_t off = rnd() % 70000;

		sendfile(fd, src, &off, rnd() % 70000);
		calls++;
	}
	if (!pipe2(p, O_NONBLOCK | O_CLOEXEC)) {
		for (i = 0; i < 16; i++) {
			struct iovec iov = { buf + rnd() % 4096, rnd() % 4096 + 1 };

			/* vmsplice() ignores the pipe's O_NONBLOCK. */
			vmsplice(p[1], &iov, 1, SPLICE_F_NONBLOCK);
			splice(p[0], NULL, fd, NULL, rnd() % 9000,
			       SPLICE_F_NONBLOCK | ((rnd() & 1) ? SPLICE_F_MORE : 0));
			calls += 2;
		}
		close(p[0]);
		close(p[1]);
	}
	fcntl(fd, F_SETFL, fl);
}

static const int families[] = { AF_UNSPEC, AF_INET, AF_XTCP, AF_INET6,
				AF_UNIX, 255, 0xffff };
static const int addr_lens[] = { 0, 1, 2, 8, 15, 16, 17, 28, 110, 128, -1,
				 4096 };
static const char * const ips[] = { "0.0.0.0", "127.0.0.1", "255.255.255.255",
				    "224.0.0.1", BLACKHOLE, "127.255.255.255" };
/* With random scope ids and flow info from the random fill. */
static const char * const ips6[] = { "::", "::1", "ff02::1", BLACKHOLE6,
				     "::ffff:127.0.0.1", "fe80::1" };

/* bind() or connect() with an odd address on @fd. */
static void odd_addr_call(int fd, bool do_connect, int fam, int alen,
			  const char *ip)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	unsigned char *raw = (unsigned char *)&ss;
	int i;

	for (i = 0; i < (int)sizeof(ss); i++)
		raw[i] = rnd();
	if (family == AF_INET6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		inet_pton(AF_INET6, ip, &sin6->sin6_addr);
		sin6->sin6_port = htons((rnd() & 1) ? 0 : (rnd() % 65536));
	} else {
		*sin = addr4(ip, (rnd() & 1) ? 0 : (rnd() % 65536));
	}
	sin->sin_family = fam;
	if (do_connect)
		connect(fd, (struct sockaddr *)&ss, alen);
	else
		bind(fd, (struct sockaddr *)&ss, alen);
	calls++;
}

static void sweep_bind_connect(int fd)
{
	int i;

	for (i = 0; i < 12; i++)
		odd_addr_call(fd, i & 1, families[rnd() % 7], addr_lens[rnd() % 12],
			      family == AF_INET6 ? ips6[rnd() % 6] : ips[rnd() % 6]);
	connect(fd, NULL, 16);
	bind(fd, NULL, 16);
	calls += 2;
}

/* Everything but shutdown, on one socket. */
static void sweep_one(int fd, long long opt_deadline)
{
	sweep_ioctls(fd);
	sweep_sendrecv(fd);
	sweep_splice(fd);
	sweep_sockopts(fd, opt_deadline);
	sweep_sendrecv(fd);
	sweep_bind_connect(fd);
	sweep_ioctls(fd);
}

/* ---- checks of documented answers ------------------------------------- */

static int ioctl_int(int fd, unsigned long cmd)
{
	int v = -12345;

	if (ioctl(fd, cmd, &v))
		return -1000 - errno;
	return v;
}

static bool errno_is(int ret, int want)
{
	return ret == -1 && errno == want;
}

static void check_documented(void)
{
	int c, a, v = 1, i, err, s, peer;
	unsigned short port;
	socklen_t len;
	char buf[2000];
	bool ok;

	/* Unknown SOL_XTCP options, in every state. */
	ok = true;
	for (s = 0; s < S_MAX; s++) {
		int fd = make_state(s, &peer);

		len = sizeof(v);
		if (!errno_is(setsockopt(fd, SOL_XTCP, 9999, &v, sizeof(v)),
			      ENOPROTOOPT) ||
		    !errno_is(getsockopt(fd, SOL_XTCP, 9999, &v, &len),
			      ENOPROTOOPT)) {
			info("%s: unknown SOL_XTCP option: %s",
			     state_names[s], strerror(errno));
			ok = false;
		}
		close_state(fd, peer);
	}
	tap(ok, "unknown SOL_XTCP option: ENOPROTOOPT in every state");

	/* IP options on every state (ip_setsockopt calls icsk_sync_mss). */
	ok = true;
	for (s = 0; s < S_MAX; s++) {
		unsigned char nops[4] = { 1, 1, 1, 1 };
		int fd = make_state(s, &peer);

		if (setsockopt(fd, SOL_IP, IP_OPTIONS, "", 0) ||
		    setsockopt(fd, SOL_IP, IP_OPTIONS, nops, 4) ||
		    setsockopt(fd, SOL_IP, IP_OPTIONS, NULL, 0)) {
			info("%s: IP_OPTIONS: %s", state_names[s], strerror(errno));
			ok = false;
		}
		close_state(fd, peer);
	}
	tap(ok, "IP_OPTIONS set and cleared in every state");

	/* IPv6: a destination options header in every state (ipv6_update_
	 * options() calls icsk_sync_mss on a connected socket): set and
	 * cleared with CAP_NET_RAW, EPERM without.
	 */
	if (family == AF_INET6) {
		/* Next header (the kernel's), length 0 (8 bytes), PadN of 4. */
		unsigned char dst[8] = { 0, 0, 1, 4, 0, 0, 0, 0 };
		bool raw = !geteuid();

		ok = true;
		for (s = 0; s < S_MAX; s++) {
			int fd = make_state(s, &peer);
			int r1 = setsockopt(fd, SOL_IPV6, IPV6_DSTOPTS, dst,
					    sizeof(dst));
			int r2 = setsockopt(fd, SOL_IPV6, IPV6_DSTOPTS, NULL, 0);

			if (raw ? r1 || r2 : !errno_is(r1, EPERM)) {
				info("%s: IPV6_DSTOPTS: %d %d %s", state_names[s],
				     r1, r2, strerror(errno));
				ok = false;
			}
			close_state(fd, peer);
		}
		tap(ok, "IPV6_DSTOPTS in every state: %s",
		    raw ? "set and cleared" : "EPERM without CAP_NET_RAW");
	}

	/* Queue ioctls on an established pair. */
	if (!xpair(&c, &a)) {
		tap(false, "queue ioctls: no connection");
		return;
	}
	memset(buf, 'y', sizeof(buf));
	ok = send(c, buf, 1000, 0) == 1000;
	for (i = 0; i < 500 && ioctl_int(a, SIOCINQ) != 1000; i++)
		usleep(10000);
	for (i = 0; i < 500 && ioctl_int(c, SIOCOUTQ) != 0; i++)
		usleep(10000);
	ok = ok && ioctl_int(a, SIOCINQ) == 1000 &&
	     ioctl_int(a, FIONREAD) == 1000 && ioctl_int(c, SIOCOUTQ) == 0 &&
	     ioctl_int(c, SIOCOUTQNSD) == 0 && ioctl_int(a, SIOCATMARK) == 0;
	if (!ok)
		info("SIOCINQ %d FIONREAD %d SIOCOUTQ %d SIOCOUTQNSD %d SIOCATMARK %d",
		     ioctl_int(a, SIOCINQ), ioctl_int(a, FIONREAD),
		     ioctl_int(c, SIOCOUTQ), ioctl_int(c, SIOCOUTQNSD),
		     ioctl_int(a, SIOCATMARK));
	tap(ok, "SIOCINQ/FIONREAD 1000 after 1000 bytes; SIOCOUTQ/SIOCOUTQNSD 0 once acknowledged");

	ok = recv(a, buf, 300, MSG_TRUNC) == 300 && ioctl_int(a, SIOCINQ) == 700;
	tap(ok, "recv(MSG_TRUNC) discards and counts");

	err = send(c, buf, 10, MSG_OOB | MSG_DONTWAIT);
	tap(errno_is(err, EOPNOTSUPP), "send(MSG_OOB): EOPNOTSUPP (ret %d, %s)",
	    err, err < 0 ? strerror(errno) : "-");
	close_state(c, a);

	c = xlisten(&port);
	ok = ioctl_int(c, SIOCINQ) == -1000 - EINVAL &&
	     ioctl_int(c, SIOCOUTQ) == -1000 - EINVAL;
	tap(ok, "queue ioctls on a listener: EINVAL");
	close(c);

	/* Shutdown modes: an invalid one is EINVAL in every state. */
	ok = true;
	for (s = 0; s < S_MAX; s++) {
		static const int bad[] = { -1, 3, 100, INT_MIN, INT_MAX };
		static const int good[] = { SHUT_RD, SHUT_WR, SHUT_RDWR };
		int fd;

		for (i = 0; i < 5; i++) {
			fd = make_state(s, &peer);
			if (!errno_is(shutdown(fd, bad[i]), EINVAL)) {
				info("%s: shutdown(%d) not EINVAL", state_names[s], bad[i]);
				ok = false;
			}
			close_state(fd, peer);
		}
		for (i = 0; i < 3; i++) {
			fd = make_state(s, &peer);
			shutdown(fd, good[i]);
			sweep_sendrecv(fd);
			shutdown(fd, good[2 - i]);
			close_state(fd, peer);
		}
	}
	tap(ok, "shutdown: every mode in every state; bad modes EINVAL");

	/* Bind and connect: a short address is EINVAL; the other family's
	 * address is refused (an IPv4 socket given AF_INET6 in a sockaddr_in,
	 * an IPv6 one given AF_INET in a sockaddr_in6, as TCP's).
	 */
	ok = true;
	for (i = 0; i < 2; i++) {
		struct sockaddr_storage ss;
		socklen_t len = sweep_addr(&ss, false, 9);
		int fd = xsock();

		if (!errno_is(i ? connect(fd, (struct sockaddr *)&ss, 0) :
				  bind(fd, (struct sockaddr *)&ss, 0), EINVAL))
			ok = false;
		ss.ss_family = family == AF_INET6 ? AF_INET : AF_INET6;
		if (i && !errno_is(connect(fd, (struct sockaddr *)&ss, len),
				   EAFNOSUPPORT))
			ok = false;
		close(fd);
	}
	tap(ok, "bind/connect with length 0: EINVAL; connect %s: EAFNOSUPPORT",
	    family == AF_INET6 ? "AF_INET on IPv6" : "AF_INET6 in a sockaddr_in");
}

/* ---- concurrency with close() ----------------------------------------- */

static volatile int shared_fd = -1;
static volatile bool stop;

static void *racer(void *arg)
{
	unsigned char buf[256];
	unsigned long n = 0;

	(void)arg;
	while (!stop) {
		int fd = shared_fd;
		int v = (int)rnd();
		socklen_t gl = sizeof(buf);
		int lvl = levels[rnd() % (sizeof(levels) / sizeof(levels[0]))];
		int opt = rnd() % 64;

		if (!hazardous(lvl, opt))
			setsockopt(fd, lvl, opt, &v, sizeof(v));
		getsockopt(fd, lvl, opt, buf, &gl);
		ioctl(fd, SIOCINQ, &v);
		ioctl(fd, SIOCOUTQ, &v);
		send(fd, buf, 100, MSG_DONTWAIT | MSG_NOSIGNAL);
		recv(fd, buf, sizeof(buf), MSG_DONTWAIT | (rnd() & MSG_PEEK));
		setsockopt(fd, SOL_IP, IP_OPTIONS, "", 0);
		if ((n++ & 31) == 0)
			shutdown(fd, rnd() % 3);
	}
	return NULL;
}

static void sweep_concurrent_close(int seconds)
{
	pthread_t th[2];
	long long end = now_ms() + seconds * 1000LL;
	unsigned long rounds = 0;
	int i;

	stop = false;
	shared_fd = xsock();
	for (i = 0; i < 2; i++)
		pthread_create(&th[i], NULL, racer, NULL);
	while (now_ms() < end) {
		int peer, fd = make_state(rounds % S_MAX, &peer);
		int old = shared_fd;

		shared_fd = fd;
		usleep(2000);
		unlinger(old);
		close(old);
		if (peer >= 0) {
			usleep(1000);
			close(peer);
		}
		rounds++;
	}
	stop = true;
	for (i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	close(shared_fd);
	tap(true, "concurrent sweep while closing and reopening: %lu sockets", rounds);
}

int main(int argc, char **argv)
{
	const char *g = getenv("XTCP_GUEST");
	const char *seed_env = getenv("XTCP_SWEEP_SEED");
	const char *fam = getenv("XTCP_FAMILY");
	unsigned int seed = seed_env ? strtoul(seed_env, NULL, 0) :
			    (unsigned int)time(NULL) ^ getpid();
	int budget_ms, s, peer;
	long long t0 = now_ms();

	(void)argc;
	(void)argv;
	debug_guest = g && !strcmp(g, "debug");
	if (fam && !strcmp(fam, "6"))
		family = AF_INET6;
	/* Per-state sockopt sweep budget: about 30 s a run, stock. */
	budget_ms = debug_guest ? 2000 : 3000;
	srandom(seed);
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);

	printf("TAP version 13\n");
	printf("1..%d\n", 8 + (family == AF_INET6) + S_MAX + 1);
	info("uid %d, seed %u (XTCP_SWEEP_SEED), guest %s, IPv%d", getuid(),
	     seed, debug_guest ? "debug" : "stock", family == AF_INET6 ? 6 : 4);

	/* The documented answers first: they also crash an unfixed module. */
	check_documented();

	for (s = 0; s < S_MAX; s++) {
		long long ts = now_ms();
		unsigned long long c0 = calls;
		int fd = make_state(s, &peer);

		cut_short = false;
		sweep_one(fd, now_ms() + budget_ms);
		if (peer >= 0)
			sweep_one(peer, now_ms() + budget_ms / 4);
		close_state(fd, peer);
		tap(true, "sweep of a %s socket: %llu calls in %lld ms%s",
		    state_names[s], calls - c0, now_ms() - ts,
		    cut_short ? " (sockopt sweep cut short by the time budget)" : "");
	}

	sweep_concurrent_close(debug_guest ? 3 : 6);

	info("%llu calls in %lld ms", calls, now_ms() - t0);
	return tap_fail ? 1 : 0;
}
