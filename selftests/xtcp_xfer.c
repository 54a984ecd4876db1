// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp_xfer - move data over XTCP (or the kernel's TCP) and check every byte.
 *
 * One program for both ends, like mptcp_connect: "-l" listens, otherwise it
 * connects. Each direction of each connection carries a pseudo-random stream
 * that both ends can compute (counter-mode splitmix64 keyed by the seed, the
 * client's port and the direction), so the receiver checks every byte
 * without files and names the first offset that differs. -i/-o send a file
 * and store what arrives instead, for cmp.
 *
 * All connections run in one epoll loop on non-blocking sockets.
 *
 * Exit status: 0 success (or the error that -e expected), 1 failure (data
 * mismatch, unexpected error, timeout), 2 usage, 4 (KSFT_SKIP) the protocol
 * is not available (socket() failed with EAFNOSUPPORT/EPROTONOSUPPORT).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <linux/tcp.h>
#include <linux/xtcp.h>

#include "xtcp_test_util.h"

#define CHUNK		(64 * 1024)
#define MAX_EVENTS	256
#define EXIT_SKIP	4

enum proto { P_XTCP, P_XTCP_INET, P_TCP };
enum mode { M_UPLOAD, M_BOTH, M_HALF };
enum cstate { C_CONNECTING, C_ACTIVE, C_DONE };

static const char *proto_names[] = { "xtcp", "xtcp-inet", "tcp" };
static const char *mode_names[] = { "upload", "both", "half-close" };

/* Options. */
static bool opt_listen;
static enum proto opt_proto = P_XTCP;
static int opt_family = AF_INET;	/* AF_INET6 for -p xtcp6 / tcp6 */
static bool opt_v6only;			/* -6: IPV6_V6ONLY on the socket */
static enum mode opt_mode = M_UPLOAD;
static uint64_t opt_size = 1 << 20;
static uint64_t opt_seed = 1;
static const char *opt_in, *opt_out;
static bool opt_sendfile;		/* -Y: send -i FILE with sendfile(2) */
static int opt_conns = 1;
static uint64_t opt_rate;		/* bytes/s per connection, 0 = unlimited */
static unsigned int opt_rate_ms = 10;	/* the slow reader's period */
static int opt_rcvbuf, opt_sndbuf;
static bool opt_nonblock;
static int opt_expect_err;		/* 0 = expect success */
static int opt_timeout = 60;
static bool opt_info;
static int64_t opt_abort = -1;		/* server: abort after this many bytes */
static int opt_backlog = 1024;
static int opt_accept_wait;		/* server: seconds before accepting */
static bool opt_gate;			/* server: accept only after SIGUSR1 */
static const char *opt_ready;
static int64_t opt_close_at = -1;	/* CLOCK_REALTIME ms of shutdown(SHUT_WR) */
static int opt_ka_idle, opt_ka_intvl, opt_ka_cnt;
static bool opt_keep_open;
static bool opt_zero_wnd;
static bool opt_nodelay;
static bool opt_quiet;
static const char *opt_cc;		/* XTCP_CONGESTION / TCP_CONGESTION */
static uint64_t opt_pacing;		/* -P: SO_MAX_PACING_RATE, B/s */

static int ipproto_xtcp = IPPROTO_XTCP;
static int af_xtcp = AF_XTCP;
static const char *role;

struct conn {
	int fd;
	int idx;
	enum cstate state;
	uint32_t events;		/* registered epoll mask, 0 = not registered */
	uint16_t cport;			/* client's port: keys the streams */
	uint64_t tx_key, rx_key;
	uint64_t tx_total, tx_done;
	bool tx_wait_eof;		/* send only once the peer's EOF arrived */
	bool tx_shut;
	uint64_t rx_expect;		/* UINT64_MAX: whatever arrives */
	uint64_t rx_done;
	bool rx_eof;
	bool rx_paused;
	uint64_t rx_budget;
	uint64_t rx_refill_ns;
	int in_fd, out_fd;
	int err;			/* errno that ended it; -1 data error */
	bool aborted;
	bool einprogress;
	uint64_t t_start, t_end;
	uint64_t next_sample_ns;
	unsigned int zero_wnd, reopen_wnd;
	bool in_zero;
};

static struct conn *conns;
static int nconns;
static int epfd = -1;
static int listen_fd = -1;
static uint64_t deadline_ns;
static uint64_t t0_ns;
static char *buf, *expbuf;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static int64_t realtime_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "xtcp_xfer %s: ", role);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static void __attribute__((noreturn)) die(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "xtcp_xfer %s: ", role ? role : "");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(code);
}

/* --- data generator ----------------------------------------------------- */

static inline uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

#define GOLDEN 0x9e3779b97f4a7c15ull

static inline uint64_t gen_word(uint64_t key, uint64_t i)
{
	return mix64(key + (i + 1) * GOLDEN);
}

/* Bytes [off, off + len) of stream @key, little-endian words. */
static void gen_fill(uint64_t key, uint64_t off, char *dst, size_t len)
{
	uint64_t w = off / 8;
	size_t skip = off % 8;

	while (len) {
		uint64_t v = gen_word(key, w++);
		unsigned char b[8];
		size_t n;
		int k;

		for (k = 0; k < 8; k++)
			b[k] = v >> (8 * k);
		n = 8 - skip;
		if (n > len)
			n = len;
		memcpy(dst, b + skip, n);
		dst += n;
		len -= n;
		skip = 0;
	}
}

static uint64_t stream_key(uint16_t cport, int dir)
{
	return mix64(opt_seed * GOLDEN ^ ((uint64_t)cport << 8) ^ (uint64_t)dir);
}

/* --- helpers ------------------------------------------------------------- */

static const struct {
	const char *name;
	int val;
} errnames[] = {
	{ "ECONNREFUSED", ECONNREFUSED }, { "ETIMEDOUT", ETIMEDOUT },
	{ "ECONNRESET", ECONNRESET }, { "EPIPE", EPIPE },
	{ "ECONNABORTED", ECONNABORTED }, { "EHOSTUNREACH", EHOSTUNREACH },
	{ "ENETUNREACH", ENETUNREACH }, { "EADDRINUSE", EADDRINUSE },
	{ "EADDRNOTAVAIL", EADDRNOTAVAIL }, { "EAGAIN", EAGAIN },
	{ "EINVAL", EINVAL }, { "ENOTCONN", ENOTCONN },
	{ "EPROTO", EPROTO }, { "EMSGSIZE", EMSGSIZE },
	{ "EAFNOSUPPORT", EAFNOSUPPORT }, { "EPROTONOSUPPORT", EPROTONOSUPPORT },
	{ "ENOPROTOOPT", ENOPROTOOPT }, { "EISCONN", EISCONN },
	{ "EALREADY", EALREADY }, { "EINPROGRESS", EINPROGRESS },
};

static const char *errname(int e)
{
	static char other[32];
	size_t i;

	if (e == -1)
		return "DATA-MISMATCH";
	if (e == 0)
		return "none";
	for (i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++)
		if (errnames[i].val == e)
			return errnames[i].name;
	snprintf(other, sizeof(other), "errno %d", e);
	return other;
}

static int parse_errno(const char *s)
{
	char *end;
	size_t i;
	long v;

	for (i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++)
		if (!strcasecmp(errnames[i].name, s))
			return errnames[i].val;
	v = strtol(s, &end, 0);
	if (*end || v <= 0)
		die(2, "unknown errno '%s'", s);
	return v;
}

static uint64_t parse_size(const char *s)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || v < 0)
		die(2, "bad size '%s'", s);
	switch (*end) {
	case 'k': case 'K':
		v *= 1024; end++; break;
	case 'm': case 'M':
		v *= 1024 * 1024; end++; break;
	case 'g': case 'G':
		v *= 1024.0 * 1024 * 1024; end++; break;
	}
	if (*end == 'i' || *end == 'B')
		end++;
	if (*end)
		die(2, "bad size '%s'", s);
	return (uint64_t)v;
}

static int sol_level(void)
{
	return opt_proto == P_TCP ? IPPROTO_TCP : SOL_XTCP;
}

/* The -p name, IPv6 ones included. */
static const char *proto_name(void)
{
	if (opt_family == AF_INET6 && opt_proto != P_XTCP)
		return opt_proto == P_TCP ? "tcp6" : "xtcp6";
	return proto_names[opt_proto];
}

static int make_socket(void)
{
	int fd;

	switch (opt_proto) {
	case P_XTCP:
		fd = socket(af_xtcp, SOCK_STREAM | SOCK_CLOEXEC, 0);
		break;
	case P_XTCP_INET:
		fd = socket(opt_family, SOCK_STREAM | SOCK_CLOEXEC,
			    ipproto_xtcp);
		break;
	default:
		fd = socket(opt_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
		break;
	}
	if (fd < 0) {
		int e = errno;

		/* XTCP is there (over IPv4) but not over IPv6: a failure. */
		if (opt_family == AF_INET6 && opt_proto != P_TCP &&
		    (fd = socket(AF_INET, SOCK_STREAM, ipproto_xtcp)) >= 0)
			die(1, "socket(%s): %s, but XTCP over IPv4 works",
			    proto_name(), strerror(e));
		if (e == EAFNOSUPPORT || e == EPROTONOSUPPORT ||
		    e == ESOCKTNOSUPPORT)
			die(EXIT_SKIP, "socket(%s): %s: protocol not available",
			    proto_name(), strerror(e));
		die(1, "socket(%s): %s", proto_name(), strerror(e));
	}
	return fd;
}

static void set_int(int fd, int level, int opt, int val, const char *name)
{
	if (setsockopt(fd, level, opt, &val, sizeof(val)))
		die(1, "setsockopt(%s, %d): %s", name, val, strerror(errno));
}

static void sock_opts(int fd)
{
	if (opt_family == AF_INET6)
		set_int(fd, IPPROTO_IPV6, IPV6_V6ONLY, opt_v6only,
			"IPV6_V6ONLY");
	if (opt_rcvbuf)
		set_int(fd, SOL_SOCKET, SO_RCVBUF, opt_rcvbuf, "SO_RCVBUF");
	if (opt_sndbuf)
		set_int(fd, SOL_SOCKET, SO_SNDBUF, opt_sndbuf, "SO_SNDBUF");
	if (opt_cc && setsockopt(fd, sol_level(),
				 opt_proto == P_TCP ? TCP_CONGESTION :
						      XTCP_CONGESTION,
				 opt_cc, strlen(opt_cc)))
		die(1, "setsockopt(CONGESTION, %s): %s", opt_cc, strerror(errno));
	if (opt_pacing)
		set_int(fd, SOL_SOCKET, SO_MAX_PACING_RATE,
			opt_pacing > INT_MAX ? INT_MAX : (int)opt_pacing,
			"SO_MAX_PACING_RATE");
}

/* Options that apply to connected sockets (the listener passes its own on). */
static void conn_opts(int fd)
{
	int lvl = sol_level();

	if (opt_nodelay)
		set_int(fd, lvl, opt_proto == P_TCP ? TCP_NODELAY : XTCP_NODELAY,
			1, "NODELAY");
	if (opt_ka_idle) {
		set_int(fd, SOL_SOCKET, SO_KEEPALIVE, 1, "SO_KEEPALIVE");
		set_int(fd, lvl, opt_proto == P_TCP ? TCP_KEEPIDLE : XTCP_KEEPIDLE,
			opt_ka_idle, "KEEPIDLE");
		set_int(fd, lvl, opt_proto == P_TCP ? TCP_KEEPINTVL : XTCP_KEEPINTVL,
			opt_ka_intvl, "KEEPINTVL");
		set_int(fd, lvl, opt_proto == P_TCP ? TCP_KEEPCNT : XTCP_KEEPCNT,
			opt_ka_cnt, "KEEPCNT");
	}
}

static void set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		die(1, "fcntl(O_NONBLOCK): %s", strerror(errno));
}

/* Peer's advertised window, or -1 when it cannot be read. */
static int64_t peer_window(int fd)
{
	if (opt_proto == P_TCP) {
		struct tcp_info ti;
		socklen_t len = sizeof(ti);

		memset(&ti, 0, sizeof(ti));
		if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) ||
		    len < offsetof(struct tcp_info, tcpi_snd_wnd) + sizeof(__u32))
			return -1;
		return ti.tcpi_snd_wnd;
	} else {
		struct xtcp_info xi;
		socklen_t len = sizeof(xi);

		memset(&xi, 0, sizeof(xi));
		if (getsockopt(fd, SOL_XTCP, XTCP_INFO, &xi, &len) ||
		    len < offsetof(struct xtcp_info, snd_wnd) + sizeof(__u32))
			return -1;
		return xi.snd_wnd;
	}
}

static void print_info(struct conn *c)
{
	struct xtcp_cc_info ci;
	struct xtcp_info xi;
	socklen_t len = sizeof(xi);
	int rcvbuf = -1, sndbuf = -1;
	socklen_t blen = sizeof(int);

	/* The buffers as autotuning left them (or SO_RCVBUF/SO_SNDBUF). */
	getsockopt(c->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, &blen);
	blen = sizeof(int);
	getsockopt(c->fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, &blen);
	msg("conn %d: buffers rcvbuf=%d sndbuf=%d", c->idx, rcvbuf, sndbuf);

	if (opt_proto == P_TCP) {
		struct tcp_info ti;

		/* The options the handshake agreed, for the interop test. */
		len = sizeof(ti);
		memset(&ti, 0, sizeof(ti));
		if (getsockopt(c->fd, IPPROTO_TCP, TCP_INFO, &ti, &len)) {
			msg("conn %d: getsockopt(TCP_INFO): %s", c->idx,
			    strerror(errno));
			return;
		}
		msg("conn %d: tcp_info state=%u options=0x%x%s%s%s%s snd_wscale=%u rcv_wscale=%u snd_mss=%u rcv_mss=%u snd_cwnd=%u total_retrans=%u",
		    c->idx, ti.tcpi_state, ti.tcpi_options,
		    ti.tcpi_options & TCPI_OPT_TIMESTAMPS ? " ts" : "",
		    ti.tcpi_options & TCPI_OPT_SACK ? " sack" : "",
		    ti.tcpi_options & TCPI_OPT_WSCALE ? " wscale" : "",
		    ti.tcpi_options & TCPI_OPT_ECN ? " ecn" : "",
		    ti.tcpi_snd_wscale, ti.tcpi_rcv_wscale, ti.tcpi_snd_mss,
		    ti.tcpi_rcv_mss, ti.tcpi_snd_cwnd, ti.tcpi_total_retrans);
		return;
	}
	memset(&xi, 0, sizeof(xi));
	if (getsockopt(c->fd, SOL_XTCP, XTCP_INFO, &xi, &len)) {
		msg("conn %d: getsockopt(XTCP_INFO): %s", c->idx, strerror(errno));
		return;
	}
	msg("conn %d: xtcp_info len=%u state=%u ca_state=%u retransmits=%u rto=%u srtt=%u rttvar=%u snd_mss=%u rcv_mss=%u snd_cwnd=%u snd_ssthresh=%u snd_wnd=%u rcv_wnd=%u unacked=%u total_retrans=%u bytes_acked=%llu bytes_received=%llu segs_out=%llu segs_in=%llu",
	    c->idx, len, xi.state, xi.ca_state, xi.retransmits, xi.rto, xi.srtt,
	    xi.rttvar, xi.snd_mss, xi.rcv_mss, xi.snd_cwnd, xi.snd_ssthresh,
	    xi.snd_wnd, xi.rcv_wnd, xi.unacked, xi.total_retrans,
	    (unsigned long long)xi.bytes_acked,
	    (unsigned long long)xi.bytes_received,
	    (unsigned long long)xi.segs_out, (unsigned long long)xi.segs_in);

	len = sizeof(ci);
	memset(&ci, 0, sizeof(ci));
	if (getsockopt(c->fd, SOL_XTCP, XTCP_CC_INFO, &ci, &len)) {
		msg("conn %d: getsockopt(XTCP_CC_INFO): %s", c->idx,
		    strerror(errno));
		return;
	}
	msg("conn %d: xtcp_cc_info cc=%.16s loss_events=%u fr_flight=%u fr_cwnd=%u fr_ssthresh=%u w_max=%u k_ms=%u w_est=%u epochs=%u hystart=%u hystart_cwnd=%u",
	    c->idx, ci.name, ci.loss_events, ci.fr_flight, ci.fr_cwnd,
	    ci.fr_ssthresh, ci.w_max, ci.k_ms, ci.w_est, ci.epochs, ci.hystart,
	    ci.hystart_cwnd);
}

/* --- connection state machine ------------------------------------------- */

static void conn_update(struct conn *c)
{
	uint32_t want = 0;
	struct epoll_event ev;
	int op;

	if (c->state == C_CONNECTING) {
		want = EPOLLOUT;
	} else if (c->state == C_ACTIVE) {
		if (!c->rx_eof && !c->rx_paused)
			want |= EPOLLIN;
		if ((!c->tx_wait_eof || c->rx_eof) && c->tx_done < c->tx_total)
			want |= EPOLLOUT;
	}
	if (want == c->events)
		return;
	if (!want)
		op = EPOLL_CTL_DEL;
	else if (!c->events)
		op = EPOLL_CTL_ADD;
	else
		op = EPOLL_CTL_MOD;
	memset(&ev, 0, sizeof(ev));
	ev.events = want;
	ev.data.ptr = c;
	if (epoll_ctl(epfd, op, c->fd, &ev))
		die(1, "epoll_ctl: %s", strerror(errno));
	c->events = want;
}

static void conn_close(struct conn *c)
{
	if (c->events) {
		epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
		c->events = 0;
	}
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	if (c->out_fd >= 0)
		close(c->out_fd);
	c->out_fd = -1;
	c->state = C_DONE;
	c->t_end = now_ns();
}

static void conn_fail(struct conn *c, int err, const char *what)
{
	if (err != opt_expect_err || !opt_quiet)
		msg("conn %d: %s: %s (%s) after sent=%" PRIu64 " received=%" PRIu64,
		    c->idx, what, err > 0 ? strerror(err) : "data error",
		    errname(err), c->tx_done, c->rx_done);
	c->err = err;
	conn_close(c);
}

static void conn_maybe_done(struct conn *c)
{
	if (c->state != C_ACTIVE)
		return;
	if (c->tx_done < c->tx_total || !c->rx_eof)
		return;
	if (!c->tx_shut && !opt_keep_open)
		return;
	if (opt_info)
		print_info(c);
	conn_close(c);
}

static void conn_shutdown(struct conn *c)
{
	if (c->tx_shut || opt_keep_open)
		return;
	if (opt_close_at >= 0 && realtime_ms() < opt_close_at)
		return;	/* the main loop calls us again at the deadline */
	if (shutdown(c->fd, SHUT_WR)) {
		int err = errno, soerr = 0;
		socklen_t len = sizeof(soerr);

		/* A reset that arrived first leaves the socket closed:
		 * shutdown() says ENOTCONN (as for TCP) and the reason
		 * waits in SO_ERROR.
		 */
		if (err == ENOTCONN &&
		    !getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &soerr, &len) &&
		    soerr) {
			conn_fail(c, soerr, "socket error");
			return;
		}
		conn_fail(c, err, "shutdown");
		return;
	}
	c->tx_shut = true;
}

static void conn_abort(struct conn *c)
{
	struct linger l = { .l_onoff = 1, .l_linger = 0 };

	if (setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l)))
		die(1, "setsockopt(SO_LINGER): %s", strerror(errno));
	if (!opt_quiet)
		msg("conn %d: aborting (SO_LINGER 0) after receiving %" PRIu64
		    " bytes", c->idx, c->rx_done);
	c->aborted = true;
	conn_close(c);
}

static void conn_send(struct conn *c)
{
	int rounds = 8;

	while (c->tx_done < c->tx_total && rounds--) {
		uint64_t left = c->tx_total - c->tx_done;
		size_t len = left < CHUNK ? left : CHUNK;
		ssize_t n;

		if (c->in_fd >= 0 && opt_sendfile) {
			off_t off = c->tx_done;

			n = sendfile(c->fd, c->in_fd, &off, len);
			if (n < 0) {
				if (errno == EAGAIN || errno == EINTR)
					break;
				conn_fail(c, errno, "sendfile");
				return;
			}
			if (!n)
				die(1, "sendfile %s: file shrank", opt_in);
			c->tx_done += n;
			continue;
		}
		if (c->in_fd >= 0) {
			n = pread(c->in_fd, buf, len, c->tx_done);
			if (n <= 0)
				die(1, "read %s: %s", opt_in,
				    n ? strerror(errno) : "file shrank");
			len = n;
		} else {
			gen_fill(c->tx_key, c->tx_done, buf, len);
		}
		n = send(c->fd, buf, len, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				break;
			conn_fail(c, errno, "send");
			return;
		}
		c->tx_done += n;
	}
	if (c->tx_done == c->tx_total)
		conn_shutdown(c);
}

static void report_mismatch(struct conn *c, const char *got, size_t n)
{
	size_t i;

	for (i = 0; i < n && got[i] == expbuf[i]; i++)
		;
	msg("conn %d: DATA MISMATCH at stream offset %" PRIu64
	    ": got 0x%02x expected 0x%02x (segment of %zu bytes read at %" PRIu64
	    ")", c->idx, c->rx_done + i, (unsigned char)got[i],
	    (unsigned char)expbuf[i], n, c->rx_done);
}

static void conn_recv(struct conn *c)
{
	int rounds = 8;

	while (!c->rx_eof && rounds--) {
		size_t len = CHUNK;
		ssize_t n;

		if (opt_rate) {
			if (!c->rx_budget) {
				c->rx_paused = true;
				break;
			}
			if (len > c->rx_budget)
				len = c->rx_budget;
		}
		n = recv(c->fd, buf, len, 0);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				break;
			conn_fail(c, errno, "recv");
			return;
		}
		if (n == 0) {
			c->rx_eof = true;
			if (c->rx_expect != UINT64_MAX &&
			    c->rx_done != c->rx_expect) {
				msg("conn %d: EOF after %" PRIu64
				    " bytes, expected %" PRIu64, c->idx,
				    c->rx_done, c->rx_expect);
				conn_fail(c, -1, "short stream");
				return;
			}
			if (c->tx_wait_eof && c->tx_done == c->tx_total)
				conn_shutdown(c);
			break;
		}
		if (c->rx_expect != UINT64_MAX &&
		    c->rx_done + n > c->rx_expect) {
			msg("conn %d: %" PRIu64 " bytes received, more than the %"
			    PRIu64 " expected", c->idx, c->rx_done + n,
			    c->rx_expect);
			conn_fail(c, -1, "long stream");
			return;
		}
		if (c->out_fd >= 0) {
			if (write(c->out_fd, buf, n) != n)
				die(1, "write %s: %s", opt_out, strerror(errno));
		} else {
			gen_fill(c->rx_key, c->rx_done, expbuf, n);
			if (memcmp(buf, expbuf, n)) {
				report_mismatch(c, buf, n);
				conn_fail(c, -1, "verify");
				return;
			}
		}
		c->rx_done += n;
		if (opt_rate)
			c->rx_budget -= n;
		if (opt_abort >= 0 && c->rx_done >= (uint64_t)opt_abort) {
			conn_abort(c);
			return;
		}
	}
}

static void conn_start(struct conn *c)
{
	int dir_tx = opt_listen ? 1 : 0;
	bool server = opt_listen;

	c->state = C_ACTIVE;
	c->t_start = now_ns();
	c->tx_key = stream_key(c->cport, dir_tx);
	c->rx_key = stream_key(c->cport, !dir_tx);
	c->rx_expect = opt_size;
	c->tx_total = opt_size;
	c->rx_refill_ns = c->t_start;

	switch (opt_mode) {
	case M_UPLOAD:
		if (server) {
			c->tx_total = 0;
			c->tx_wait_eof = true;
		} else {
			c->rx_expect = 0;
		}
		break;
	case M_HALF:
		if (server)
			c->tx_wait_eof = true;
		break;
	case M_BOTH:
		break;
	}
	if (opt_in) {
		struct stat st;

		c->in_fd = open(opt_in, O_RDONLY | O_CLOEXEC);
		if (c->in_fd < 0 || fstat(c->in_fd, &st))
			die(1, "%s: %s", opt_in, strerror(errno));
		if (c->tx_total)
			c->tx_total = st.st_size;
	}
	if (opt_out) {
		char path[PATH_MAX];

		if (c->idx)
			snprintf(path, sizeof(path), "%s.%d", opt_out, c->idx);
		else
			snprintf(path, sizeof(path), "%s", opt_out);
		c->out_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
				 0644);
		if (c->out_fd < 0)
			die(1, "%s: %s", path, strerror(errno));
		c->rx_expect = opt_mode == M_UPLOAD && !server ? 0 : UINT64_MAX;
	}
	conn_opts(c->fd);
	if (opt_abort == 0 && server) {
		conn_abort(c);
		return;
	}
	if (c->tx_total == 0 && !c->tx_wait_eof)
		conn_shutdown(c);
	conn_update(c);
}

static struct conn *conn_new(int fd)
{
	struct conn *c = &conns[nconns];

	memset(c, 0, sizeof(*c));
	c->fd = fd;
	c->idx = nconns++;
	c->in_fd = -1;
	c->out_fd = -1;
	return c;
}

static void client_connected(struct conn *c)
{
	struct sockaddr_in6 sa;	/* sin_port and sin6_port share an offset */
	socklen_t len = sizeof(sa);

	if (getsockname(c->fd, (struct sockaddr *)&sa, &len))
		die(1, "getsockname: %s", strerror(errno));
	c->cport = ntohs(sa.sin6_port);
	conn_start(c);
}

static void client_open(const struct sockaddr *dst, socklen_t dlen)
{
	int i;

	for (i = 0; i < opt_conns; i++) {
		int fd = make_socket();
		struct conn *c;

		sock_opts(fd);
		c = conn_new(fd);
		c->state = C_CONNECTING;
		if (opt_nonblock) {
			set_nonblock(fd);
			if (!connect(fd, dst, dlen)) {
				client_connected(c);
				continue;
			}
			if (errno == EINPROGRESS) {
				c->einprogress = true;
				conn_update(c);
				continue;
			}
			conn_fail(c, errno, "connect");
			continue;
		}
		if (connect(fd, dst, dlen)) {
			conn_fail(c, errno, "connect");
			continue;
		}
		set_nonblock(fd);
		client_connected(c);
	}
}

static void client_connect_done(struct conn *c)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len))
		die(1, "getsockopt(SO_ERROR): %s", strerror(errno));
	if (err) {
		conn_fail(c, err, "connect (SO_ERROR)");
		return;
	}
	client_connected(c);
}

static void server_accept(void)
{
	while (nconns < opt_conns) {
		struct sockaddr_in6 sa;
		socklen_t len = sizeof(sa);
		char peer[INET6_ADDRSTRLEN];
		struct conn *c;
		int fd;

		fd = accept4(listen_fd, (struct sockaddr *)&sa, &len,
			     SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EAGAIN || errno == EINTR ||
			    errno == ECONNABORTED)
				return;
			die(1, "accept: %s", strerror(errno));
		}
		c = conn_new(fd);
		c->cport = ntohs(sa.sin6_port);
		/* The peer as accept() names it (v4-mapped on a dual-stack
		 * listener).
		 */
		if (!opt_quiet &&
		    inet_ntop(sa.sin6_family,
			      sa.sin6_family == AF_INET6 ?
			      (void *)&sa.sin6_addr :
			      (void *)&((struct sockaddr_in *)&sa)->sin_addr,
			      peer, sizeof(peer)))
			msg("accepted %s port %u (addrlen %u)", peer, c->cport,
			    (unsigned int)len);
		conn_start(c);
	}
	epoll_ctl(epfd, EPOLL_CTL_DEL, listen_fd, NULL);
}

static void server_listen(const struct sockaddr *addr, socklen_t alen)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL };
	struct sockaddr_in6 sa;
	socklen_t len = sizeof(sa);

	listen_fd = make_socket();
	set_int(listen_fd, SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR");
	sock_opts(listen_fd);
	if (bind(listen_fd, addr, alen))
		die(1, "bind: %s", strerror(errno));
	if (listen(listen_fd, opt_backlog))
		die(1, "listen: %s", strerror(errno));
	set_nonblock(listen_fd);
	if (getsockname(listen_fd, (struct sockaddr *)&sa, &len))
		die(1, "getsockname: %s", strerror(errno));
	if (opt_ready) {
		char tmp[PATH_MAX];
		FILE *f;

		/* Written then renamed, so a poller never reads it half-done. */
		snprintf(tmp, sizeof(tmp), "%s.tmp", opt_ready);
		f = fopen(tmp, "w");
		if (!f || fprintf(f, "%u\n", ntohs(sa.sin6_port)) < 0 ||
		    fclose(f) || rename(tmp, opt_ready))
			die(1, "%s: %s", opt_ready, strerror(errno));
	}
	if (!opt_quiet)
		msg("listening on port %u, backlog %d%s", ntohs(sa.sin6_port),
		    opt_backlog, opt_accept_wait || opt_gate ?
		    ", not accepting yet" : "");
	if (!opt_accept_wait && !opt_gate &&
	    epoll_ctl(epfd, EPOLL_CTL_ADD, listen_fd, &ev))
		die(1, "epoll_ctl: %s", strerror(errno));
}

/* --- main loop ----------------------------------------------------------- */

static void dump_progress(void)
{
	int i;

	for (i = 0; i < nconns; i++) {
		struct conn *c = &conns[i];

		if (c->state == C_DONE && !c->err)
			continue;
		msg("conn %d: state=%s sent=%" PRIu64 "/%" PRIu64 " shut=%d received=%"
		    PRIu64 " eof=%d err=%s", c->idx,
		    c->state == C_CONNECTING ? "connecting" :
		    c->state == C_ACTIVE ? "active" : "done",
		    c->tx_done, c->tx_total, c->tx_shut, c->rx_done, c->rx_eof,
		    errname(c->err));
		if (c->state == C_ACTIVE && opt_info)
			print_info(c);
	}
	if (opt_listen && nconns < opt_conns)
		msg("accepted %d of %d connections", nconns, opt_conns);
}

static volatile sig_atomic_t got_signal;
static volatile sig_atomic_t got_usr1;

static void on_usr1(int sig)
{
	(void)sig;
	got_usr1 = 1;
}

/* SIGTERM/SIGINT (a test runner's timeout): say where we were, then exit. */
static void on_term(int sig)
{
	got_signal = sig;
}

static void on_alarm(int sig)
{
	static const char m[] = "xtcp_xfer: timeout (blocked in a system call)\n";

	(void)sig;
	if (write(2, m, sizeof(m) - 1) < 0)
		_exit(1);
	_exit(1);
}

static bool all_done(void)
{
	int i;

	if (opt_listen && nconns < opt_conns)
		return false;
	for (i = 0; i < nconns; i++)
		if (conns[i].state != C_DONE)
			return false;
	return true;
}

static void sample_window(struct conn *c, uint64_t now)
{
	int64_t w;

	if (now < c->next_sample_ns)
		return;
	c->next_sample_ns = now + 2000000;	/* every 2 ms */
	w = peer_window(c->fd);
	if (w < 0)
		return;
	if (w == 0) {
		if (!c->in_zero)
			c->zero_wnd++;
		c->in_zero = true;
	} else if (c->in_zero) {
		c->reopen_wnd++;
		c->in_zero = false;
	}
}

static void run_loop(void)
{
	struct epoll_event evs[MAX_EVENTS];
	bool accepting = !opt_accept_wait && !opt_gate;
	uint64_t accept_at = t0_ns + (uint64_t)opt_accept_wait * 1000000000ull;

	while (!all_done()) {
		uint64_t now = now_ns();
		int64_t timeout_ms;
		int i, n;

		if (got_signal) {
			msg("killed by signal %d after %.1f s", got_signal,
			    (now - t0_ns) / 1e9);
			dump_progress();
			exit(1);
		}

		if (now >= deadline_ns) {
			msg("TIMEOUT after %d s", opt_timeout);
			dump_progress();
			exit(1);
		}
		timeout_ms = (deadline_ns - now) / 1000000 + 1;
		if (!accepting) {
			if (now >= accept_at && (!opt_gate || got_usr1)) {
				struct epoll_event ev = { .events = EPOLLIN };

				if (!opt_quiet)
					msg("accepting now");
				if (epoll_ctl(epfd, EPOLL_CTL_ADD, listen_fd, &ev))
					die(1, "epoll_ctl: %s", strerror(errno));
				accepting = true;
			} else if (now < accept_at &&
				   (int64_t)((accept_at - now) / 1000000) + 1 <
				   timeout_ms) {
				timeout_ms = (accept_at - now) / 1000000 + 1;
			}
		}
		if (!accepting && opt_gate && timeout_ms > 100)
			timeout_ms = 100;	/* SIGUSR1 may land before epoll_wait */
		if (opt_rate && timeout_ms > (int)opt_rate_ms)
			timeout_ms = opt_rate_ms;
		if (opt_zero_wnd && timeout_ms > 2)
			timeout_ms = 2;
		if (opt_close_at >= 0) {
			int64_t left = opt_close_at - realtime_ms();

			if (left <= 0) {
				for (i = 0; i < nconns; i++) {
					struct conn *c = &conns[i];

					if (c->state != C_ACTIVE || c->tx_shut)
						continue;
					if (c->tx_done < c->tx_total) {
						msg("conn %d: -C deadline passed with %" PRIu64
						    " of %" PRIu64 " bytes sent",
						    c->idx, c->tx_done, c->tx_total);
						conn_fail(c, -1, "close deadline");
						continue;
					}
					if (c->tx_wait_eof && !c->rx_eof)
						continue;
					conn_shutdown(c);
					conn_maybe_done(c);
				}
			} else if (left < timeout_ms) {
				timeout_ms = left;
			}
		}

		n = epoll_wait(epfd, evs, MAX_EVENTS, (int)timeout_ms);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			die(1, "epoll_wait: %s", strerror(errno));
		}
		for (i = 0; i < n; i++) {
			struct conn *c = evs[i].data.ptr;
			uint32_t e = evs[i].events;

			if (!c) {
				server_accept();
				continue;
			}
			if (c->state == C_CONNECTING) {
				client_connect_done(c);
				continue;
			}
			if (c->state != C_ACTIVE)
				continue;
			if (e & EPOLLERR) {
				int err = 0;
				socklen_t len = sizeof(err);

				getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
				if (err) {
					conn_fail(c, err, "socket error");
					continue;
				}
			}
			if (e & (EPOLLIN | EPOLLHUP | EPOLLERR))
				conn_recv(c);
			if (c->state == C_ACTIVE && (e & EPOLLOUT))
				conn_send(c);
			if (c->state == C_ACTIVE) {
				conn_maybe_done(c);
				if (c->state == C_ACTIVE)
					conn_update(c);
			}
		}

		now = now_ns();
		for (i = 0; i < nconns; i++) {
			struct conn *c = &conns[i];

			if (c->state != C_ACTIVE)
				continue;
			if (opt_zero_wnd && c->tx_total)
				sample_window(c, now);
			if (opt_rate && now >= c->rx_refill_ns) {
				/* A period's worth of reading at a time. */
				c->rx_budget = opt_rate * opt_rate_ms / 1000 ? : 1;
				c->rx_refill_ns = now + opt_rate_ms * 1000000ULL;
				if (c->rx_paused) {
					c->rx_paused = false;
					conn_update(c);
				}
			}
		}
	}
}

static int report(void)
{
	uint64_t sent = 0, rcvd = 0, first = UINT64_MAX, last = 0;
	unsigned int einprog = 0, zero = 0, reopen = 0, aborted = 0;
	int i, bad = 0, expected = 0;
	double secs;

	for (i = 0; i < nconns; i++) {
		struct conn *c = &conns[i];

		sent += c->tx_done;
		rcvd += c->rx_done;
		if (c->t_start && c->t_start < first)
			first = c->t_start;
		if (c->t_end > last)
			last = c->t_end;
		einprog += c->einprogress;
		zero += c->zero_wnd;
		reopen += c->reopen_wnd;
		aborted += c->aborted;
		if (opt_expect_err) {
			if (c->err == opt_expect_err) {
				expected++;
			} else if (!c->aborted) {
				msg("conn %d: expected %s, got %s", c->idx,
				    errname(opt_expect_err), errname(c->err));
				bad++;
			}
		} else if (c->err) {
			bad++;
		}
	}
	if (first == UINT64_MAX)
		first = t0_ns;
	if (last < first)
		last = now_ns();
	secs = (last - first) / 1e9;
	if (secs <= 0)
		secs = 1e-9;
	msg("%s %s mode=%s conns=%d sent=%" PRIu64 " received=%" PRIu64
	    " time=%.3fs tx=%.1fMbit/s rx=%.1fMbit/s (%.2f MB/s)%s%s",
	    proto_name(), opt_listen ? "server" : "client",
	    mode_names[opt_mode], nconns, sent, rcvd, secs,
	    sent * 8 / secs / 1e6, rcvd * 8 / secs / 1e6,
	    (sent + rcvd) / secs / 1e6,
	    opt_expect_err ? " expected-errors=" : "",
	    opt_expect_err ? errname(opt_expect_err) : "");
	if (opt_nonblock && !opt_listen)
		msg("connect: %u of %d returned EINPROGRESS", einprog, nconns);
	if (opt_zero_wnd) {
		msg("peer window: went to zero %u times, reopened %u times",
		    zero, reopen);
		if (!zero || !reopen) {
			msg("FAIL: -Z wanted the peer window to close and reopen");
			bad++;
		}
	}
	if (aborted)
		msg("aborted %u connections", aborted);
	if (opt_expect_err && expected)
		msg("%d of %d connections ended with %s as expected", expected,
		    nconns, errname(opt_expect_err));
	if (opt_listen && nconns < opt_conns) {
		msg("only %d of %d connections accepted", nconns, opt_conns);
		bad++;
	}
	if (bad) {
		int shown = 0;

		/* Again at the end, where a test's failure summary (the log's
		 * last lines) shows it: which connections, how and when.
		 */
		for (i = 0; i < nconns && shown < 4; i++) {
			struct conn *c = &conns[i];

			if (!c->err || c->err == opt_expect_err)
				continue;
			msg("conn %d: %s at %.3f s, sent=%" PRIu64 " received=%"
			    PRIu64, c->idx, errname(c->err),
			    c->t_end > t0_ns ? (c->t_end - t0_ns) / 1e9 : 0.0,
			    c->tx_done, c->rx_done);
			shown++;
		}
		msg("FAIL: %d connections failed", bad);
	}
	return bad ? 1 : 0;
}

static void __attribute__((noreturn)) usage(void)
{
	fprintf(stderr,
"usage: xtcp_xfer [-l] [options] ADDR PORT\n"
"  -l          listen on ADDR:PORT (server); otherwise connect (client)\n"
"  -p PROTO    xtcp: socket(AF_XTCP, SOCK_STREAM, 0) (default; with an\n"
"              IPv6 ADDR the socket is given IPv6 and becomes IPv6)\n"
"              xtcp-inet: socket(AF_INET, SOCK_STREAM, IPPROTO_XTCP)\n"
"              tcp: socket(AF_INET, SOCK_STREAM, 0), to validate the tests\n"
"              xtcp6, tcp6: the same with AF_INET6 (ADDR an IPv6 literal,\n"
"              or ::ffff:a.b.c.d)\n"
"  -6          IPV6_V6ONLY on (xtcp6/tcp6; default off: dual-stack)\n"
"  -s BYTES    generated bytes each sender sends per connection [1M]\n"
"              (K/M/G suffixes; the receiver checks every byte)\n"
"  -S SEED     generator seed [1]; both ends must agree\n"
"  -i FILE     send FILE instead of generated data\n"
"  -Y          with -i: send FILE with sendfile(2) (the socket's sendpage:\n"
"              its page-cache pages are queued, not copied)\n"
"  -o FILE     write received data to FILE (FILE.N for connection N > 0)\n"
"              instead of checking it\n"
"  -b          both directions at once: each end sends BYTES\n"
"  -H          half-close: the client sends BYTES and shutdown(SHUT_WR)s;\n"
"              the server reads to EOF, then replies BYTES and closes\n"
"              (default: upload, client to server only)\n"
"  -N CONNS    concurrent connections [1]\n"
"  -r RATE     slow reader: read at most RATE bytes/s per connection\n"
"  -R MS       the slow reader reads a period's worth every MS ms [10]\n"
"  -m BYTES    SO_RCVBUF;  -M BYTES  SO_SNDBUF\n"
"  -n          non-blocking connect: EINPROGRESS, EPOLLOUT, SO_ERROR\n"
"  -e ERRNO    expect every connection to end with this error\n"
"              (ECONNREFUSED, ETIMEDOUT, ECONNRESET, EPIPE, or a number)\n"
"  -t SEC      overall timeout [60]\n"
"  -I          print getsockopt(SOL_XTCP, XTCP_INFO) (TCP_INFO for tcp)\n"
"              before each close\n"
"  -A BYTES    server: abort (SO_LINGER 0 + close) after receiving BYTES\n"
"  -B N        listen backlog [1024]\n"
"  -w SEC      server: wait SEC seconds before accepting\n"
"  -U          server: accept only once SIGUSR1 arrives (and -w passed)\n"
"  -F FILE     server: write the bound port to FILE once listening\n"
"  -C MS       shutdown(SHUT_WR) at CLOCK_REALTIME MS (ms since the epoch)\n"
"              instead of right after sending (simultaneous close)\n"
"  -k I,N,C    SO_KEEPALIVE with KEEPIDLE I s, KEEPINTVL N s, KEEPCNT C\n"
"  -K          keep the connection open after sending (no shutdown);\n"
"              wait for the peer to close or for an error\n"
"  -Z          sender: fail unless the peer's window (XTCP_INFO/TCP_INFO\n"
"              snd_wnd) was seen to drop to zero and reopen\n"
"  -D          set XTCP_NODELAY (TCP_NODELAY)\n"
"  -c NAME     congestion control: XTCP_CONGESTION (TCP_CONGESTION)\n"
"              on every socket, the listener's passing to its children\n"
"  -P RATE     SO_MAX_PACING_RATE, bytes/s, on every socket (pacing)\n"
"  -q          quiet\n"
"exit: 0 ok, 1 failure, 2 usage, 4 protocol not available\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const char optstring[] =
		"lp:s:S:i:Yo:bHN:r:R:m:M:ne:t:IA:B:w:UF:C:k:KZDqc:P:6h";
	struct sockaddr_in6 addr6;
	struct sockaddr_in addr;
	struct sigaction sa;
	int o;

	role = "client";
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "-l"))
			role = "server";

	while ((o = getopt(argc, argv, optstring)) != -1) {
		switch (o) {
		case 'l': opt_listen = true; break;
		case 'p':
			if (!strcmp(optarg, "xtcp"))
				opt_proto = P_XTCP;
			else if (!strcmp(optarg, "xtcp-inet"))
				opt_proto = P_XTCP_INET;
			else if (!strcmp(optarg, "tcp"))
				opt_proto = P_TCP;
			else if (!strcmp(optarg, "xtcp6"))
				opt_proto = P_XTCP_INET, opt_family = AF_INET6;
			else if (!strcmp(optarg, "tcp6"))
				opt_proto = P_TCP, opt_family = AF_INET6;
			else
				die(2, "unknown protocol '%s'", optarg);
			break;
		case 's': opt_size = parse_size(optarg); break;
		case 'S': opt_seed = strtoull(optarg, NULL, 0); break;
		case 'i': opt_in = optarg; break;
		case 'Y': opt_sendfile = true; break;
		case 'o': opt_out = optarg; break;
		case 'b': opt_mode = M_BOTH; break;
		case 'H': opt_mode = M_HALF; break;
		case 'N': opt_conns = atoi(optarg); break;
		case 'r': opt_rate = parse_size(optarg); break;
		case 'R':
			opt_rate_ms = atoi(optarg);
			if (opt_rate_ms < 1 || opt_rate_ms > 10000)
				die(2, "-R: a period of 1 to 10000 ms");
			break;
		case 'm': opt_rcvbuf = parse_size(optarg); break;
		case 'M': opt_sndbuf = parse_size(optarg); break;
		case 'n': opt_nonblock = true; break;
		case 'e': opt_expect_err = parse_errno(optarg); break;
		case 't': opt_timeout = atoi(optarg); break;
		case 'I': opt_info = true; break;
		case 'A': opt_abort = parse_size(optarg); break;
		case 'B': opt_backlog = atoi(optarg); break;
		case 'w': opt_accept_wait = atoi(optarg); break;
		case 'U': opt_gate = true; break;
		case 'F': opt_ready = optarg; break;
		case 'C': opt_close_at = strtoll(optarg, NULL, 0); break;
		case 'k':
			if (sscanf(optarg, "%d,%d,%d", &opt_ka_idle,
				   &opt_ka_intvl, &opt_ka_cnt) != 3 ||
			    opt_ka_idle <= 0 || opt_ka_intvl <= 0 ||
			    opt_ka_cnt <= 0)
				die(2, "-k wants IDLE,INTVL,CNT");
			break;
		case 'K': opt_keep_open = true; break;
		case 'Z': opt_zero_wnd = true; break;
		case 'D': opt_nodelay = true; break;
		case 'q': opt_quiet = true; break;
		case 'c': opt_cc = optarg; break;
		case 'P': opt_pacing = parse_size(optarg); break;
		case '6': opt_v6only = true; break;
		default: usage();
		}
	}
	if (argc - optind != 2)
		usage();
	if (opt_conns < 1 || opt_timeout < 1)
		die(2, "bad -N or -t");
	if (opt_sendfile && !opt_in)
		die(2, "-Y needs -i FILE");

	/* -p xtcp with an IPv6 literal: an AF_XTCP socket given IPv6. */
	if (opt_proto == P_XTCP && strchr(argv[optind], ':'))
		opt_family = AF_INET6;

	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_port = htons(atoi(argv[optind + 1]));
	memset(&addr6, 0, sizeof(addr6));
	addr6.sin6_family = AF_INET6;
	addr6.sin6_port = addr.sin_port;
	if (opt_family == AF_INET6) {
		if (inet_pton(AF_INET6, argv[optind], &addr6.sin6_addr) != 1)
			die(2, "bad IPv6 address '%s'", argv[optind]);
	} else if (inet_pton(AF_INET, argv[optind], &addr.sin_addr) != 1) {
		die(2, "bad IPv4 address '%s'", argv[optind]);
	}

	ipproto_xtcp = read_param("ipproto", IPPROTO_XTCP);
	af_xtcp = read_param("family", AF_XTCP);

	signal(SIGPIPE, SIG_IGN);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	sa.sa_handler = on_term;	/* no SA_RESTART: epoll_wait returns */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	alarm(opt_timeout + 5);	/* backstop for blocking connect() */

	conns = calloc(opt_conns, sizeof(*conns));
	buf = malloc(CHUNK);
	expbuf = malloc(CHUNK);
	if (!conns || !buf || !expbuf)
		die(1, "out of memory");
	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (epfd < 0)
		die(1, "epoll_create1: %s", strerror(errno));

	t0_ns = now_ns();
	deadline_ns = t0_ns + (uint64_t)opt_timeout * 1000000000ull;
	if (!opt_quiet)
		msg("%s %s:%s mode=%s size=%" PRIu64 " seed=%" PRIu64
		    " conns=%d%s%s", proto_name(), argv[optind],
		    argv[optind + 1], mode_names[opt_mode], opt_size, opt_seed,
		    opt_conns, opt_nonblock ? " nonblocking-connect" : "",
		    opt_rate ? " slow-reader" : "");

	if (opt_family == AF_INET6 && opt_listen)
		server_listen((struct sockaddr *)&addr6, sizeof(addr6));
	else if (opt_family == AF_INET6)
		client_open((struct sockaddr *)&addr6, sizeof(addr6));
	else if (opt_listen)
		server_listen((struct sockaddr *)&addr, sizeof(addr));
	else
		client_open((struct sockaddr *)&addr, sizeof(addr));
	run_loop();
	alarm(0);
	return report();
}
