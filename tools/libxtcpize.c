// SPDX-License-Identifier: GPL-2.0
/*
 * libxtcpize.so: run an unmodified program's TCP over XTCP (LD_PRELOAD;
 * `xtcpize run CMD...` sets it up), the way mptcpize runs programs over MPTCP.
 *
 * socket(AF_INET, SOCK_STREAM[|SOCK_NONBLOCK|SOCK_CLOEXEC], 0 or IPPROTO_TCP)
 * becomes socket(AF_INET, type, IPPROTO_XTCP), the protocol number read from
 * /sys/module/xtcp/parameters/ipproto. XTCP takes TCP's SOL_TCP options with
 * TCP's numbers, so nothing else changes for such a socket.
 *
 * socket(AF_INET6, SOCK_STREAM, 0 or IPPROTO_TCP) becomes socket(AF_INET6,
 * type, IPPROTO_XTCP): XTCP's own IPv6, addresses untouched, so IPv6
 * addresses work and a dual-stack server (iperf3 -s, python's http.server
 * --bind ::, redis) takes IPv4 clients (v4-mapped) and IPv6 ones, with
 * IPV6_V6ONLY and every IPPROTO_IPV6 option the kernel's.
 *
 * Fallback, for a module built without IPv6 or a kernel booted with
 * ipv6.disable=1 (that socket() failing with EPROTONOSUPPORT or
 * EAFNOSUPPORT, remembered for the process), or forced by
 * XTCPIZE_TRANSLATE6=1: an AF_INET6 socket becomes an AF_INET XTCP socket
 * and this library translates its addresses in user space:
 *   in:  ::  -> 0.0.0.0 (bind) or 127.0.0.1 (connect, as Linux does),
 *        ::ffff:a.b.c.d -> a.b.c.d, ::1 -> 127.0.0.1;
 *        any other address: bind EAFNOSUPPORT, connect ENETUNREACH
 *        (multicast: EINVAL and ENETUNREACH, as TCP);
 *   out: 0.0.0.0 -> ::, a.b.c.d -> ::ffff:a.b.c.d (127.0.0.1 -> ::1 on a
 *        socket bound or connected to ::1), in a sockaddr_in6, truncated to
 *        the caller's length, the full length reported (as the kernel does).
 * IPV6_V6ONLY is accepted; once set to 1 the socket can only use real IPv6,
 * so bind fails with EAFNOSUPPORT (EINVAL for a v4-mapped address, as Linux)
 * and connect with ENETUNREACH. IPV6_TCLASS maps to IP_TOS and
 * IPV6_UNICAST_HOPS to IP_TTL; other IPPROTO_IPV6 options get what they get
 * on an IPv4 TCP socket (ENOPROTOOPT). SO_DOMAIN reads AF_INET6.
 * SO_PROTOCOL reads XTCP's protocol number on every XTCP socket, native or
 * translated.
 *
 * A byte per descriptor (fds below XTCPIZE_FD_MAX) marks the translated
 * sockets (native ones need nothing); dup, dup2, dup3 and fcntl(F_DUPFD*) copy it, close and close_range
 * clear it, and before translating anything the socket is checked to still be
 * an AF_INET XTCP socket (a descriptor closed behind our back, by fclose say,
 * then reused, is left alone). No locks and no malloc in the wrappers.
 *
 * Without the xtcp module, TCP sockets fail with EPROTONOSUPPORT and one
 * message on stderr; XTCPIZE_FALLBACK=1 makes them plain TCP sockets instead
 * (with a warning). XTCPIZE_DEBUG=1 logs each conversion to stderr.
 * XTCPIZE_PROTO=N uses protocol N instead of asking sysfs (for testing the
 * library itself: N=6 runs it over the kernel's TCP, with
 * XTCPIZE_TRANSLATE6=1 the whole translation too).
 *
 * Not covered: sockets made by raw syscall(SYS_socket), sendmmsg/recvmmsg
 * addresses, translated sockets inherited across exec (the flags are per
 * process), 32-bit programs, static programs, setuid programs (the dynamic
 * linker ignores LD_PRELOAD for them).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/xtcp.h>

#ifndef SIN6_LEN_RFC2133
#define SIN6_LEN_RFC2133 24
#endif
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif
#ifndef CLOSE_RANGE_UNSHARE
#define CLOSE_RANGE_UNSHARE (1U << 1)
#endif

#define XTCPIZE_FD_MAX	(1 << 20)

#define XF_XTCP		0x01	/* made an XTCP socket here */
#define XF_V6		0x02	/* AF_INET6 made AF_INET (fallback): translate */
#define XF_V6ONLY	0x04	/* IPV6_V6ONLY set to 1 */
#define XF_LO6		0x08	/* bound or connected to ::1 (or ::) */
#define XF_INHERIT	(XF_XTCP | XF_V6 | XF_LO6)	/* accept()ed children */

static unsigned char fd_flags[XTCPIZE_FD_MAX];
static int fd_high;		/* highest descriptor ever flagged, + 1 */
static int xtcp_ipproto;	/* cached protocol number, 0: unknown */
static int opt_debug, opt_fallback, inited;
static int native6;		/* AF_INET6 XTCP: 0 try, -1 translate instead */
static int warned_missing;

static struct {
	int (*socket)(int, int, int);
	int (*bind)(int, const struct sockaddr *, socklen_t);
	int (*connect)(int, const struct sockaddr *, socklen_t);
	int (*accept)(int, struct sockaddr *, socklen_t *);
	int (*accept4)(int, struct sockaddr *, socklen_t *, int);
	int (*getsockname)(int, struct sockaddr *, socklen_t *);
	int (*getpeername)(int, struct sockaddr *, socklen_t *);
	ssize_t (*sendto)(int, const void *, size_t, int,
			  const struct sockaddr *, socklen_t);
	ssize_t (*recvfrom)(int, void *, size_t, int, struct sockaddr *,
			    socklen_t *);
	ssize_t (*sendmsg)(int, const struct msghdr *, int);
	ssize_t (*recvmsg)(int, struct msghdr *, int);
	int (*setsockopt)(int, int, int, const void *, socklen_t);
	int (*getsockopt)(int, int, int, void *, socklen_t *);
	int (*close)(int);
	int (*close_range)(unsigned int, unsigned int, int);
	void (*closefrom)(int);
	int (*dup)(int);
	int (*dup2)(int, int);
	int (*dup3)(int, int, int);
	int (*fcntl)(int, int, ...);
} real;

static const char *const real_names[] = {
	"socket", "bind", "connect", "accept", "accept4", "getsockname",
	"getpeername", "sendto", "recvfrom", "sendmsg", "recvmsg",
	"setsockopt", "getsockopt", "close", "close_range", "closefrom",
	"dup", "dup2", "dup3", "fcntl",
};

static bool env_on(const char *name)
{
	const char *v = getenv(name);

	return v && *v && strcmp(v, "0");
}

/* Resolve the real functions and read the environment; idempotent. */
static void xtcpize_init(void)
{
	void **slot = (void **)&real;
	const char *proto;
	size_t i;

	if (__atomic_load_n(&inited, __ATOMIC_ACQUIRE))
		return;
	for (i = 0; i < sizeof(real_names) / sizeof(real_names[0]); i++)
		__atomic_store_n(&slot[i], dlsym(RTLD_NEXT, real_names[i]),
				 __ATOMIC_RELAXED);
	proto = getenv("XTCPIZE_PROTO");
	if (proto && atoi(proto) > 0 && atoi(proto) < 256)
		__atomic_store_n(&xtcp_ipproto, atoi(proto), __ATOMIC_RELAXED);
	opt_debug = env_on("XTCPIZE_DEBUG");
	opt_fallback = env_on("XTCPIZE_FALLBACK");
	if (env_on("XTCPIZE_TRANSLATE6"))
		__atomic_store_n(&native6, -1, __ATOMIC_RELAXED);
	__atomic_store_n(&inited, 1, __ATOMIC_RELEASE);
}

__attribute__((constructor)) static void xtcpize_ctor(void)
{
	xtcpize_init();
}

/* real.NAME, or -1 with ENOSYS from the calling wrapper when missing. */
#define REAL(name) ({ xtcpize_init(); real.name; })
#define NEED(fn) do { if (!(fn)) { errno = ENOSYS; return -1; } } while (0)

/* --- the per-descriptor flags ---------------------------------------- */

static unsigned int flag_get(int fd)
{
	if (fd < 0 || fd >= XTCPIZE_FD_MAX)
		return 0;
	return __atomic_load_n(&fd_flags[fd], __ATOMIC_RELAXED);
}

static void flag_set(int fd, unsigned int v)
{
	int high;

	if (fd < 0 || fd >= XTCPIZE_FD_MAX)
		return;
	if (v) {
		high = __atomic_load_n(&fd_high, __ATOMIC_RELAXED);
		while (fd >= high &&
		       !__atomic_compare_exchange_n(&fd_high, &high, fd + 1, false,
						    __ATOMIC_RELAXED,
						    __ATOMIC_RELAXED))
			;
	}
	__atomic_store_n(&fd_flags[fd], v, __ATOMIC_RELAXED);
}

static void flag_or(int fd, unsigned int bits)
{
	if (fd >= 0 && fd < XTCPIZE_FD_MAX)
		__atomic_fetch_or(&fd_flags[fd], bits, __ATOMIC_RELAXED);
}

static void flag_and(int fd, unsigned int bits)
{
	if (fd >= 0 && fd < XTCPIZE_FD_MAX)
		__atomic_fetch_and(&fd_flags[fd], bits, __ATOMIC_RELAXED);
}

static void flag_clear_range(unsigned int first, unsigned int last)
{
	unsigned int high = __atomic_load_n(&fd_high, __ATOMIC_RELAXED);
	unsigned int fd;

	if (last >= high)
		last = high ? high - 1 : 0;
	for (fd = first; fd <= last && fd < high; fd++)
		__atomic_store_n(&fd_flags[fd], 0, __ATOMIC_RELAXED);
}

/* --- logging without malloc or stdio ------------------------------------ */

struct line {
	char b[320];
	size_t n;
};

static void put(struct line *l, const char *s)
{
	while (*s && l->n < sizeof(l->b) - 1)
		l->b[l->n++] = *s++;
}

static void put_num(struct line *l, unsigned long v)
{
	char t[24];
	int i = sizeof(t) - 1;

	t[i] = 0;
	do {
		t[--i] = '0' + v % 10;
		v /= 10;
	} while (v && i);
	put(l, t + i);
}

static void put_ip4(struct line *l, const void *addr)
{
	const unsigned char *a = addr;
	int i;

	for (i = 0; i < 4; i++) {
		if (i)
			put(l, ".");
		put_num(l, a[i]);
	}
}

static void put_ip6(struct line *l, const struct in6_addr *a)
{
	static const char hex[] = "0123456789abcdef";
	char t[3] = { 0 };
	int i;

	for (i = 0; i < 16; i++) {
		if (i && !(i & 1))
			put(l, ":");
		t[0] = hex[a->s6_addr[i] >> 4];
		t[1] = hex[a->s6_addr[i] & 15];
		put(l, t);
	}
}

static void line_start(struct line *l)
{
	l->n = 0;
	put(l, "xtcpize[");
	put_num(l, getpid());
	put(l, "]: ");
}

static void line_write(struct line *l)
{
	int e = errno;
	ssize_t r;

	l->b[l->n++] = '\n';
	r = write(STDERR_FILENO, l->b, l->n);
	(void)r;
	errno = e;
}

static const char *family_name(int family)
{
	return family == AF_INET6 ? "AF_INET6" : "AF_INET";
}

/* --- the protocol number ------------------------------------------------ */

/* XTCP's IP protocol number, or -1 when the module is not loaded. */
static int xtcp_proto(void)
{
	int p = __atomic_load_n(&xtcp_ipproto, __ATOMIC_RELAXED);
	char buf[16];
	ssize_t n;
	int fd, i;

	if (p > 0)
		return p;
	fd = open("/sys/module/xtcp/parameters/ipproto", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return access("/sys/module/xtcp", F_OK) ? -1 : IPPROTO_XTCP;
	n = read(fd, buf, sizeof(buf) - 1);
	REAL(close)(fd);
	p = 0;
	for (i = 0; i < n && buf[i] >= '0' && buf[i] <= '9'; i++)
		p = p * 10 + buf[i] - '0';
	if (p <= 0 || p > 255)
		p = IPPROTO_XTCP;
	__atomic_store_n(&xtcp_ipproto, p, __ATOMIC_RELAXED);
	return p;
}

/*
 * Is @fd still the AF_INET XTCP socket we flagged? A descriptor closed
 * behind our back and reused is unflagged and left alone.
 */
static bool still_ours(int fd)
{
	int dom = 0, proto = 0, (*gso)(int, int, int, void *, socklen_t *);
	socklen_t l1 = sizeof(dom), l2 = sizeof(proto);

	gso = REAL(getsockopt);
	if (gso && !gso(fd, SOL_SOCKET, SO_DOMAIN, &dom, &l1) &&
	    !gso(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &l2) &&
	    dom == AF_INET && proto == xtcp_proto())
		return true;
	flag_set(fd, 0);
	return false;
}

/* Flags of @fd if it is a translated (AF_INET6) socket, else 0. */
static unsigned int v6_flags(int fd)
{
	unsigned int fl = flag_get(fd);

	if (!(fl & XF_V6) || !still_ours(fd))
		return 0;
	return fl;
}

/* --- socket() ----------------------------------------------------------- */

static void warn_missing(void)
{
	struct line l;

	if (__atomic_exchange_n(&warned_missing, 1, __ATOMIC_RELAXED))
		return;
	line_start(&l);
	if (opt_fallback)
		put(&l, "warning: the xtcp module is not loaded (no /sys/module/xtcp): XTCPIZE_FALLBACK=1, so TCP sockets stay TCP");
	else
		put(&l, "the xtcp module is not loaded (no /sys/module/xtcp): TCP sockets fail with EPROTONOSUPPORT (XTCPIZE_FALLBACK=1 keeps them TCP)");
	line_write(&l);
}

/*
 * socket(AF_INET6, ..., XTCP) failed with @err: does that mean XTCP has no
 * IPv6 here (module built without it, ipv6.disable=1)? If so, remembered
 * for the process: AF_INET6 sockets are translated to IPv4 from now on.
 */
static bool no_ipv6(int err)
{
	struct line l;

	if (err != EAFNOSUPPORT && err != EPROTONOSUPPORT)
		return false;
	__atomic_store_n(&native6, -1, __ATOMIC_RELAXED);
	if (opt_debug) {
		line_start(&l);
		put(&l, "socket(AF_INET6, SOCK_STREAM, XTCP): errno ");
		put_num(&l, err);
		put(&l, ": XTCP has no IPv6 here, AF_INET6 sockets become IPv4 XTCP sockets, addresses translated");
		line_write(&l);
	}
	return true;
}

int socket(int domain, int type, int protocol)
{
	int (*fn)(int, int, int) = REAL(socket);
	int base = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
	int fd, proto, family = domain;
	struct line l;

	NEED(fn);
	if ((domain != AF_INET && domain != AF_INET6) || base != SOCK_STREAM ||
	    (protocol != 0 && protocol != IPPROTO_TCP)) {
		fd = fn(domain, type, protocol);
		flag_set(fd, 0);
		return fd;
	}
	proto = xtcp_proto();
	if (proto < 0) {
		warn_missing();
		if (!opt_fallback) {
			errno = EPROTONOSUPPORT;
			return -1;
		}
		fd = fn(domain, type, protocol);
		flag_set(fd, 0);
		return fd;
	}
	fd = -1;
	if (domain == AF_INET6 && !__atomic_load_n(&native6, __ATOMIC_RELAXED)) {
		fd = fn(AF_INET6, type, proto);
		if (fd < 0 && !no_ipv6(errno))
			return fd;
	}
	if (fd < 0) {
		family = AF_INET;
		fd = fn(AF_INET, type, proto);
	}
	if (fd < 0)
		return fd;
	if (fd >= XTCPIZE_FD_MAX && domain != family) {
		/* No room to remember that it needs translating. */
		REAL(close)(fd);
		errno = EMFILE;
		return -1;
	}
	flag_set(fd, XF_XTCP | (domain != family ? XF_V6 : 0));
	if (opt_debug) {
		line_start(&l);
		put(&l, "socket(");
		put(&l, family_name(domain));
		put(&l, ", SOCK_STREAM, ");
		put_num(&l, protocol);
		put(&l, ") -> fd ");
		put_num(&l, fd);
		put(&l, ": ");
		put(&l, family_name(family));
		put(&l, " XTCP (protocol ");
		put_num(&l, proto);
		put(&l, domain != family ? "), IPv6 addresses translated" : ")");
		line_write(&l);
	}
	return fd;
}

/* --- addresses ------------------------------------------------------------ */

/*
 * A program's sockaddr_in6 for a translated socket into the sockaddr_in to
 * give the kernel. Returns 0 or a negative errno (TCP's where TCP has one).
 */
static int addr_in(const struct sockaddr *sa, socklen_t len, unsigned int fl,
		   bool bind, struct sockaddr_in *out, bool *lo6)
{
	const struct sockaddr_in6 *s6 = (const void *)sa;
	const struct in6_addr *a = &s6->sin6_addr;

	*lo6 = false;
	if (len < SIN6_LEN_RFC2133)
		return -EINVAL;
	if (s6->sin6_family != AF_INET6)
		return -EAFNOSUPPORT;
	memset(out, 0, sizeof(*out));
	out->sin_family = AF_INET;
	out->sin_port = s6->sin6_port;
	if (IN6_IS_ADDR_MULTICAST(a))
		return bind ? -EINVAL : -ENETUNREACH;
	if (IN6_IS_ADDR_V4MAPPED(a)) {
		if (fl & XF_V6ONLY)
			return bind ? -EINVAL : -ENETUNREACH;
		memcpy(&out->sin_addr, &a->s6_addr[12], 4);
		return 0;
	}
	/* Everything else, and anything on a v6-only socket, is real IPv6. */
	if (fl & XF_V6ONLY)
		return bind ? -EAFNOSUPPORT : -ENETUNREACH;
	if (IN6_IS_ADDR_UNSPECIFIED(a) && bind) {
		out->sin_addr.s_addr = htonl(INADDR_ANY);
		return 0;
	}
	/* connect(::) means loopback, as in Linux. */
	if (IN6_IS_ADDR_UNSPECIFIED(a) || IN6_IS_ADDR_LOOPBACK(a)) {
		out->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		*lo6 = true;
		return 0;
	}
	return bind ? -EAFNOSUPPORT : -ENETUNREACH;
}

/*
 * The kernel's sockaddr_in (@k, @klen bytes) as the sockaddr_in6 the
 * program expects: copied into @ua truncated to *@ulen, *@ulen set to the
 * full length, as the kernel's move_addr_to_user() does.
 */
static void addr_out(const struct sockaddr_storage *k, socklen_t klen,
		     unsigned int fl, struct sockaddr *ua, socklen_t *ulen)
{
	const struct sockaddr_in *sin = (const void *)k;
	struct sockaddr_in6 s6;
	const void *src = k;
	socklen_t n = klen;

	if (klen >= sizeof(*sin) && sin->sin_family == AF_INET) {
		memset(&s6, 0, sizeof(s6));
		s6.sin6_family = AF_INET6;
		s6.sin6_port = sin->sin_port;
		if (sin->sin_addr.s_addr == htonl(INADDR_LOOPBACK) && (fl & XF_LO6)) {
			s6.sin6_addr = in6addr_loopback;
		} else if (sin->sin_addr.s_addr != htonl(INADDR_ANY)) {
			s6.sin6_addr.s6_addr[10] = 0xff;
			s6.sin6_addr.s6_addr[11] = 0xff;
			memcpy(&s6.sin6_addr.s6_addr[12], &sin->sin_addr, 4);
		}
		src = &s6;
		n = sizeof(s6);
	}
	if (ua)
		memcpy(ua, src, *ulen < n ? *ulen : n);
	*ulen = n;
}

static void log_addr(const char *what, int fd, const struct sockaddr *sa,
		     const struct sockaddr_in *sin, int err)
{
	const struct sockaddr_in6 *s6 = (const void *)sa;
	struct line l;

	if (!opt_debug)
		return;
	line_start(&l);
	put(&l, what);
	put(&l, "(fd ");
	put_num(&l, fd);
	put(&l, ", [");
	put_ip6(&l, &s6->sin6_addr);
	put(&l, "]:");
	put_num(&l, ntohs(s6->sin6_port));
	if (err) {
		put(&l, "): refused, errno ");
		put_num(&l, err);
		put(&l, err == EAFNOSUPPORT || err == ENETUNREACH ?
		    " (XTCP has no real IPv6 here)" : "");
	} else {
		put(&l, ") -> ");
		put_ip4(&l, &sin->sin_addr);
		put(&l, ":");
		put_num(&l, ntohs(sin->sin_port));
	}
	line_write(&l);
}

static int bind_or_connect(int fd, const struct sockaddr *sa, socklen_t len,
			   bool bind)
{
	int (*fn)(int, const struct sockaddr *, socklen_t) =
		bind ? REAL(bind) : REAL(connect);
	struct sockaddr_in sin;
	unsigned int fl;
	bool lo6;
	int err;

	NEED(fn);
	fl = sa ? v6_flags(fd) : 0;
	/* AF_UNSPEC: disconnect (connect) or TCP's own error (bind). */
	if (!fl || len < sizeof(sa_family_t) || sa->sa_family == AF_UNSPEC)
		return fn(fd, sa, len);
	err = addr_in(sa, len, fl, bind, &sin, &lo6);
	log_addr(bind ? "bind" : "connect", fd, sa, &sin, -err);
	if (err) {
		errno = -err;
		return -1;
	}
	if (lo6)
		flag_or(fd, XF_LO6);
	return fn(fd, (struct sockaddr *)&sin, sizeof(sin));
}

int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	return bind_or_connect(fd, addr, len, true);
}

int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	return bind_or_connect(fd, addr, len, false);
}

/* Negative (as an int) lengths get EINVAL, as from the kernel. */
static bool bad_len(const socklen_t *len)
{
	if ((int)*len >= 0)
		return false;
	errno = EINVAL;
	return true;
}

static int name_of(int fd, struct sockaddr *addr, socklen_t *len, bool peer)
{
	int (*fn)(int, struct sockaddr *, socklen_t *) =
		peer ? REAL(getpeername) : REAL(getsockname);
	struct sockaddr_storage k;
	socklen_t klen = sizeof(k);
	unsigned int fl;

	NEED(fn);
	fl = addr && len ? v6_flags(fd) : 0;
	if (!fl)
		return fn(fd, addr, len);
	if (bad_len(len) || fn(fd, (struct sockaddr *)&k, &klen))
		return -1;
	addr_out(&k, klen, fl, addr, len);
	return 0;
}

int getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
	return name_of(fd, addr, len, false);
}

int getpeername(int fd, struct sockaddr *addr, socklen_t *len)
{
	return name_of(fd, addr, len, true);
}

static int do_accept(int fd, struct sockaddr *addr, socklen_t *len,
		     int flags, bool four)
{
	int (*fn4)(int, struct sockaddr *, socklen_t *, int) = REAL(accept4);
	int (*fn)(int, struct sockaddr *, socklen_t *) = REAL(accept);
	struct sockaddr_storage k;
	socklen_t klen = sizeof(k);
	unsigned int fl = flag_get(fd);
	struct line l;
	int nfd;

	NEED(four ? (void *)fn4 : (void *)fn);
	if ((fl & XF_V6) && !still_ours(fd))
		fl = 0;
	if (!(fl & XF_V6) || !addr || !len) {
		nfd = four ? fn4(fd, addr, len, flags) : fn(fd, addr, len);
		flag_set(nfd, fl & XF_INHERIT);
		return nfd;
	}
	if (bad_len(len))
		return -1;
	nfd = four ? fn4(fd, (struct sockaddr *)&k, &klen, flags) :
		     fn(fd, (struct sockaddr *)&k, &klen);
	if (nfd < 0)
		return nfd;
	flag_set(nfd, fl & XF_INHERIT);
	addr_out(&k, klen, fl, addr, len);
	if (opt_debug) {
		line_start(&l);
		put(&l, "accept(fd ");
		put_num(&l, fd);
		put(&l, ") -> fd ");
		put_num(&l, nfd);
		put(&l, ", peer ");
		put_ip4(&l, &((struct sockaddr_in *)&k)->sin_addr);
		put(&l, " as IPv6");
		line_write(&l);
	}
	return nfd;
}

int accept(int fd, struct sockaddr *addr, socklen_t *len)
{
	return do_accept(fd, addr, len, 0, false);
}

int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
	return do_accept(fd, addr, len, flags, true);
}

/*
 * A destination on a stream socket only matters with MSG_FASTOPEN: TCP
 * ignores it otherwise, so an untranslatable one is dropped, not refused.
 */
static int dest_in(int fd, const void *dest, socklen_t len, int flags,
		   struct sockaddr_in *sin, const void **kdest, socklen_t *klen)
{
	unsigned int fl = dest ? v6_flags(fd) : 0;
	bool lo6;
	int err;

	*kdest = dest;
	*klen = len;
	if (!fl)
		return 0;
	err = addr_in(dest, len, fl, false, sin, &lo6);
	if (err && (flags & MSG_FASTOPEN))
		return err;
	*kdest = err ? NULL : sin;
	*klen = err ? 0 : sizeof(*sin);
	if (!err && lo6)
		flag_or(fd, XF_LO6);
	return 0;
}

ssize_t sendto(int fd, const void *buf, size_t n, int flags,
	       const struct sockaddr *dest, socklen_t len)
{
	ssize_t (*fn)(int, const void *, size_t, int, const struct sockaddr *,
		      socklen_t) = REAL(sendto);
	struct sockaddr_in sin;
	const void *kdest;
	socklen_t klen;
	int err;

	NEED(fn);
	err = dest_in(fd, dest, len, flags, &sin, &kdest, &klen);
	if (err) {
		errno = -err;
		return -1;
	}
	return fn(fd, buf, n, flags, kdest, klen);
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	ssize_t (*fn)(int, const struct msghdr *, int) = REAL(sendmsg);
	struct sockaddr_in sin;
	struct msghdr m;
	const void *kdest;
	socklen_t klen;
	int err;

	NEED(fn);
	if (!msg || !msg->msg_name)
		return fn(fd, msg, flags);
	m = *msg;
	err = dest_in(fd, msg->msg_name, msg->msg_namelen, flags, &sin,
		      &kdest, &klen);
	if (err) {
		errno = -err;
		return -1;
	}
	m.msg_name = (void *)kdest;
	m.msg_namelen = klen;
	return fn(fd, &m, flags);
}

ssize_t recvfrom(int fd, void *buf, size_t n, int flags, struct sockaddr *src,
		 socklen_t *len)
{
	ssize_t (*fn)(int, void *, size_t, int, struct sockaddr *,
		      socklen_t *) = REAL(recvfrom);
	struct sockaddr_storage k;
	socklen_t klen = sizeof(k);
	unsigned int fl;
	ssize_t r;

	NEED(fn);
	fl = src && len ? v6_flags(fd) : 0;
	if (!fl)
		return fn(fd, buf, n, flags, src, len);
	if (bad_len(len))
		return -1;
	r = fn(fd, buf, n, flags, (struct sockaddr *)&k, &klen);
	if (r >= 0)
		addr_out(&k, klen, fl, src, len);
	return r;
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	ssize_t (*fn)(int, struct msghdr *, int) = REAL(recvmsg);
	struct sockaddr_storage k;
	unsigned int fl;
	struct msghdr m;
	ssize_t r;

	NEED(fn);
	fl = msg && msg->msg_name ? v6_flags(fd) : 0;
	if (!fl)
		return fn(fd, msg, flags);
	if (bad_len(&msg->msg_namelen))
		return -1;
	m = *msg;
	m.msg_name = &k;
	m.msg_namelen = sizeof(k);
	r = fn(fd, &m, flags);
	if (r < 0)
		return r;
	msg->msg_flags = m.msg_flags;
	msg->msg_controllen = m.msg_controllen;
	addr_out(&k, m.msg_namelen, fl, msg->msg_name, &msg->msg_namelen);
	return r;
}

/* --- options ------------------------------------------------------------ */

/* Put an int option as the kernel does: min(len, sizeof(int)) bytes. */
static int put_int(void *val, socklen_t *len, int v)
{
	socklen_t n;

	if (!len || (*len && !val)) {
		errno = EFAULT;
		return -1;
	}
	if (bad_len(len))
		return -1;
	n = *len < sizeof(int) ? *len : sizeof(int);
	memcpy(val, &v, n);
	*len = n;
	return 0;
}

static int get_int(const void *val, socklen_t len, int *v)
{
	if (len < sizeof(int)) {
		errno = EINVAL;
		return -1;
	}
	if (!val) {
		errno = EFAULT;
		return -1;
	}
	memcpy(v, val, sizeof(int));
	return 0;
}

static bool is_bound(int fd)
{
	int (*fn)(int, struct sockaddr *, socklen_t *) = REAL(getsockname);
	struct sockaddr_in sin;
	socklen_t l = sizeof(sin);

	return fn && !fn(fd, (struct sockaddr *)&sin, &l) && sin.sin_port;
}

int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	int (*fn)(int, int, int, const void *, socklen_t) = REAL(setsockopt);
	int v;

	NEED(fn);
	if (level != IPPROTO_IPV6 || !v6_flags(fd))
		return fn(fd, level, name, val, len);
	switch (name) {
	case IPV6_V6ONLY:
		if (get_int(val, len, &v))
			return -1;
		/* Linux: not once the socket has a port. */
		if (is_bound(fd)) {
			errno = EINVAL;
			return -1;
		}
		if (v)
			flag_or(fd, XF_V6ONLY);
		else
			flag_and(fd, ~XF_V6ONLY);
		return 0;
	case IPV6_TCLASS:
		if (get_int(val, len, &v))
			return -1;
		if (v < -1 || v > 0xff) {
			errno = EINVAL;
			return -1;
		}
		v = v < 0 ? 0 : v;
		return fn(fd, IPPROTO_IP, IP_TOS, &v, sizeof(v));
	case IPV6_UNICAST_HOPS:
		if (get_int(val, len, &v))
			return -1;
		if (v < -1 || v > 0xff) {
			errno = EINVAL;
			return -1;
		}
		return fn(fd, IPPROTO_IP, IP_TTL, &v, sizeof(v));
	}
	return fn(fd, level, name, val, len);
}

int getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	int (*fn)(int, int, int, void *, socklen_t *) = REAL(getsockopt);
	socklen_t l = sizeof(int);
	unsigned int fl;
	int v;

	NEED(fn);
	if ((level != IPPROTO_IPV6 && (level != SOL_SOCKET || name != SO_DOMAIN)) ||
	    !(fl = v6_flags(fd)))
		return fn(fd, level, name, val, len);
	if (level == SOL_SOCKET)
		return put_int(val, len, AF_INET6);
	switch (name) {
	case IPV6_V6ONLY:
		return put_int(val, len, !!(fl & XF_V6ONLY));
	case IPV6_TCLASS:
	case IPV6_UNICAST_HOPS:
		if (fn(fd, IPPROTO_IP, name == IPV6_TCLASS ? IP_TOS : IP_TTL,
		       &v, &l))
			return -1;
		return put_int(val, len, v);
	}
	return fn(fd, level, name, val, len);
}

/* --- descriptor lifetime ---------------------------------------------- */

int close(int fd)
{
	int (*fn)(int) = REAL(close);

	NEED(fn);
	/* Before: once closed, another thread may get the number. */
	flag_set(fd, 0);
	return fn(fd);
}

int close_range(unsigned int first, unsigned int last, int flags)
{
	int (*fn)(unsigned int, unsigned int, int) = REAL(close_range);

	NEED(fn);
	if (first <= last && !(flags & ~(CLOSE_RANGE_CLOEXEC | CLOSE_RANGE_UNSHARE)) &&
	    !(flags & CLOSE_RANGE_CLOEXEC))
		flag_clear_range(first, last);
	return fn(first, last, flags);
}

void closefrom(int lowfd)
{
	void (*fn)(int) = REAL(closefrom);

	if (lowfd >= 0)
		flag_clear_range(lowfd, ~0U);
	if (fn)
		fn(lowfd);
}

int dup(int fd)
{
	int (*fn)(int) = REAL(dup);
	int nfd;

	NEED(fn);
	nfd = fn(fd);
	flag_set(nfd, flag_get(fd));
	return nfd;
}

int dup2(int fd, int nfd)
{
	int (*fn)(int, int) = REAL(dup2);
	int r;

	NEED(fn);
	r = fn(fd, nfd);
	if (r >= 0 && fd != nfd)
		flag_set(r, flag_get(fd));
	return r;
}

int dup3(int fd, int nfd, int flags)
{
	int (*fn)(int, int, int) = REAL(dup3);
	int r;

	NEED(fn);
	r = fn(fd, nfd, flags);
	if (r >= 0)
		flag_set(r, flag_get(fd));
	return r;
}

static int do_fcntl(int fd, int cmd, void *arg)
{
	int (*fn)(int, int, ...) = REAL(fcntl);
	int r;

	NEED(fn);
	r = fn(fd, cmd, arg);
	if (r >= 0 && (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC))
		flag_set(r, flag_get(fd));
	return r;
}

/*
 * The third argument is an int or a pointer depending on @cmd; passed on
 * as a pointer-sized value, as the ABI allows for both.
 */
int fcntl(int fd, int cmd, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	return do_fcntl(fd, cmd, arg);
}

/* On 64-bit glibc fcntl64 is fcntl (_FILE_OFFSET_BITS=64 programs call it). */
int fcntl64(int fd, int cmd, ...) __attribute__((alias("fcntl")));
