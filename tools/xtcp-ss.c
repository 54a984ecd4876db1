// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp-ss: list XTCP sockets the way `ss -tanie` lists TCP's, from the
 * kernel's sock_diag (xtcp_diag.ko answers NETLINK_SOCK_DIAG requests for
 * XTCP's protocol number with TCP's inet_diag messages and tcp_info).
 *
 *   xtcp-ss [-a|-l] [-4|-6] [-i] [-e] [-m] [-H] [-P PROTO] [FILTER...]
 *     -a  all states          -l  listening only
 *     -4  IPv4 sockets only   -6  IPv6 sockets only (default: both; a
 *         dual-stack socket talking to an IPv4 peer is an IPv6 one, with
 *         v4-mapped addresses, as in ss)
 *     (default: connected sockets, as ss: not listening, closed,
 *      TIME_WAIT or SYN_RECV)
 *     -i  internal TCP information (cwnd, rtt, rto, mss, retransmissions)
 *     -e  extended (uid, inode, cookie)   -m  socket memory
 *     -H  no header           -P  protocol number (default: xtcp.ko's)
 *   FILTER: state NAME (repeatable; established, syn-sent, syn-recv,
 *           fin-wait-1, fin-wait-2, time-wait, close, close-wait,
 *           last-ack, listening, closing, all, connected),
 *           src ADDR[:PORT], dst ADDR[:PORT], sport PORT, dport PORT;
 *           an IPv6 ADDR as in ss: [ADDR]:PORT, or ADDR alone
 *
 * Exit status: 0, 1 on a usage error, 2 when the kernel cannot answer
 * (xtcp_diag not loaded: the message says so).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* The kernel's socket states (include/net/tcp_states.h); XTCP uses TCP's. */
enum {
	TCP_ESTABLISHED = 1, TCP_SYN_SENT, TCP_SYN_RECV, TCP_FIN_WAIT1,
	TCP_FIN_WAIT2, TCP_TIME_WAIT, TCP_CLOSE, TCP_CLOSE_WAIT, TCP_LAST_ACK,
	TCP_LISTEN, TCP_CLOSING, TCP_NEW_SYN_RECV,
};

static const char * const state_names[] = {
	[TCP_ESTABLISHED] = "ESTAB",	[TCP_SYN_SENT] = "SYN-SENT",
	[TCP_SYN_RECV] = "SYN-RECV",	[TCP_FIN_WAIT1] = "FIN-WAIT-1",
	[TCP_FIN_WAIT2] = "FIN-WAIT-2",	[TCP_TIME_WAIT] = "TIME-WAIT",
	[TCP_CLOSE] = "UNCONN",		[TCP_CLOSE_WAIT] = "CLOSE-WAIT",
	[TCP_LAST_ACK] = "LAST-ACK",	[TCP_LISTEN] = "LISTEN",
	[TCP_CLOSING] = "CLOSING",
};

static const struct {
	const char *name;
	unsigned int mask;
} state_filters[] = {
	{ "established", 1 << TCP_ESTABLISHED },
	{ "syn-sent", 1 << TCP_SYN_SENT },
	{ "syn-recv", 1 << TCP_SYN_RECV | 1 << TCP_NEW_SYN_RECV },
	{ "fin-wait-1", 1 << TCP_FIN_WAIT1 },
	{ "fin-wait-2", 1 << TCP_FIN_WAIT2 },
	{ "time-wait", 1 << TCP_TIME_WAIT },
	{ "close", 1 << TCP_CLOSE },
	{ "close-wait", 1 << TCP_CLOSE_WAIT },
	{ "last-ack", 1 << TCP_LAST_ACK },
	{ "listening", 1 << TCP_LISTEN },
	{ "closing", 1 << TCP_CLOSING },
	{ "all", 0x1ffe },
	{ "connected", 0x1ffe & ~(1 << TCP_LISTEN | 1 << TCP_CLOSE |
				  1 << TCP_TIME_WAIT | 1 << TCP_SYN_RECV |
				  1 << TCP_NEW_SYN_RECV) },
};

struct endpoint {
	bool set;
	int family;		/* AF_UNSPEC: any address */
	struct in6_addr addr;	/* the first 4 bytes for AF_INET */
	int port;		/* -1: any */
};

static struct {
	bool info, ext, mem, header, v4, v6;
	unsigned int states;
	struct endpoint src, dst;
} opt = { .header = true };

static unsigned int state_mask(const char *name)
{
	size_t k;

	for (k = 0; k < sizeof(state_filters) / sizeof(state_filters[0]); k++)
		if (!strcmp(name, state_filters[k].name))
			return state_filters[k].mask;
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: xtcp-ss [-a|-l] [-4|-6] [-i] [-e] [-m] [-H] [-P PROTO] [FILTER...]\n"
		"  FILTER: state NAME | src ADDR[:PORT] | dst ADDR[:PORT] | sport PORT | dport PORT\n"
		"  (IPv6: [ADDR]:PORT or ADDR)\n");
	exit(1);
}

static int parse_port(const char *s)
{
	char *end;
	long v = strtol(*s == ':' ? s + 1 : s, &end, 10);

	if (*end || v < 0 || v > 65535)
		usage();
	return v;
}

static void parse_endpoint(const char *s, struct endpoint *ep)
{
	char buf[80];
	char *a = buf, *colon;

	if (strlen(s) >= sizeof(buf))
		usage();
	strcpy(buf, s);
	ep->set = true;
	ep->port = -1;
	ep->family = AF_UNSPEC;
	if (*a == '[') {
		/* [IPv6]:PORT, [IPv6] */
		char *end = strchr(a, ']');

		if (!end || (end[1] && end[1] != ':'))
			usage();
		if (end[1])
			ep->port = parse_port(end + 2);
		*end = '\0';
		a++;
	} else if (inet_pton(AF_INET6, a, &ep->addr) == 1) {
		/* A bare IPv6 address: its colons are not a port. */
		ep->family = AF_INET6;
		return;
	} else {
		colon = strrchr(a, ':');
		if (colon) {
			ep->port = parse_port(colon + 1);
			*colon = '\0';
		}
	}
	if (!*a || !strcmp(a, "*"))
		return;
	if (inet_pton(AF_INET6, a, &ep->addr) == 1)
		ep->family = AF_INET6;
	else if (inet_pton(AF_INET, a, &ep->addr) == 1)
		ep->family = AF_INET;
	else
		usage();
}

static bool endpoint_match(const struct endpoint *ep, int family,
			   const __be32 *addr, __be16 port)
{
	if (!ep->set)
		return true;
	if (ep->family != AF_UNSPEC &&
	    (ep->family != family ||
	     memcmp(&ep->addr, addr, family == AF_INET ? 4 : 16)))
		return false;
	return ep->port < 0 || ep->port == ntohs(port);
}

static unsigned int default_proto(void)
{
	FILE *f = fopen("/sys/module/xtcp/parameters/ipproto", "r");
	unsigned int p = 253;

	if (f) {
		if (fscanf(f, "%u", &p) != 1)
			p = 253;
		fclose(f);
	}
	return p;
}

/* As ss -n: 10.0.1.2:80, [fd00:1::2]:80, *:80, [::]:80 (an IPv6 listener
 * on any address, dual-stack or not); *:* or [::]:* for no peer.
 */
static void print_addr(int family, const __be32 *addr, __be16 port)
{
	char buf[INET6_ADDRSTRLEN + 16];
	char a[INET6_ADDRSTRLEN + 2] = "*";
	char p[8] = "*";
	bool any = family == AF_INET ? !addr[0] :
		   !(addr[0] | addr[1] | addr[2] | addr[3]);

	if (family == AF_INET6) {
		a[0] = '[';
		inet_ntop(AF_INET6, addr, a + 1, sizeof(a) - 2);
		strcat(a, "]");
	} else if (!any) {
		inet_ntop(AF_INET, addr, a, sizeof(a));
	}
	if (port)
		snprintf(p, sizeof(p), "%u", ntohs(port));
	snprintf(buf, sizeof(buf), "%s:%s", a, p);
	printf(" %-21s", buf);
}

static void print_timer(const struct inet_diag_msg *m)
{
	static const char * const names[] = {
		"off", "on", "keepalive", "timewait", "persist", "unknown"
	};
	unsigned int t = m->idiag_timer > 4 ? 5 : m->idiag_timer;

	if (!t)
		return;
	if (m->idiag_expires >= 1000)
		printf(" timer:(%s,%.3fsec,%u)", names[t], m->idiag_expires / 1000.0,
		       m->idiag_retrans);
	else
		printf(" timer:(%s,%ums,%u)", names[t], m->idiag_expires,
		       m->idiag_retrans);
}

static void print_info(const struct tcp_info *i, size_t len)
{
	if (len < offsetof(struct tcp_info, tcpi_rcv_rtt))
		return;
	printf("\n\t rto:%g rtt:%g/%g ato:%g mss:%u pmtu:%u rcvmss:%u advmss:%u cwnd:%u",
	       i->tcpi_rto / 1000.0, i->tcpi_rtt / 1000.0, i->tcpi_rttvar / 1000.0,
	       i->tcpi_ato / 1000.0, i->tcpi_snd_mss, i->tcpi_pmtu,
	       i->tcpi_rcv_mss, i->tcpi_advmss, i->tcpi_snd_cwnd);
	if (i->tcpi_snd_ssthresh < 0xffff)
		printf(" ssthresh:%u", i->tcpi_snd_ssthresh);
	if (len >= offsetof(struct tcp_info, tcpi_segs_in) + sizeof(i->tcpi_segs_in))
		printf(" bytes_acked:%llu bytes_received:%llu segs_out:%u segs_in:%u",
		       (unsigned long long)i->tcpi_bytes_acked,
		       (unsigned long long)i->tcpi_bytes_received,
		       i->tcpi_segs_out, i->tcpi_segs_in);
	if (i->tcpi_last_ack_recv)
		printf(" lastack:%u", i->tcpi_last_ack_recv);
	if (i->tcpi_unacked)
		printf(" unacked:%u", i->tcpi_unacked);
	if (i->tcpi_retransmits || i->tcpi_total_retrans)
		printf(" retrans:%u/%u", i->tcpi_retransmits, i->tcpi_total_retrans);
	if (i->tcpi_backoff)
		printf(" backoff:%u", i->tcpi_backoff);
	if (len >= offsetof(struct tcp_info, tcpi_snd_wnd) + sizeof(i->tcpi_snd_wnd))
		printf(" snd_wnd:%u", i->tcpi_snd_wnd);
	if (len >= offsetof(struct tcp_info, tcpi_notsent_bytes) +
		   sizeof(i->tcpi_notsent_bytes) && i->tcpi_notsent_bytes)
		printf(" notsent:%u", i->tcpi_notsent_bytes);
	if (i->tcpi_ca_state)
		printf(" ca_state:%s", i->tcpi_ca_state == 1 ? "recovery" : "loss");
}

static void print_one(const struct nlmsghdr *h)
{
	const struct inet_diag_msg *m = NLMSG_DATA(h);
	int len = h->nlmsg_len - NLMSG_LENGTH(sizeof(*m));
	const struct tcp_info *info = NULL;
	const __u32 *skmem = NULL;
	size_t info_len = 0, skmem_len = 0;
	const struct rtattr *a;
	const char *state;

	if (!endpoint_match(&opt.src, m->idiag_family, m->id.idiag_src,
			    m->id.idiag_sport) ||
	    !endpoint_match(&opt.dst, m->idiag_family, m->id.idiag_dst,
			    m->id.idiag_dport))
		return;
	for (a = (const struct rtattr *)(m + 1); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (a->rta_type == INET_DIAG_INFO) {
			info = RTA_DATA(a);
			info_len = RTA_PAYLOAD(a);
		} else if (a->rta_type == INET_DIAG_SKMEMINFO) {
			skmem = RTA_DATA(a);
			skmem_len = RTA_PAYLOAD(a);
		}
	}
	state = m->idiag_state < sizeof(state_names) / sizeof(state_names[0]) &&
		state_names[m->idiag_state] ? state_names[m->idiag_state] : "UNKNOWN";
	printf("%-11s %6u %6u", state, m->idiag_rqueue, m->idiag_wqueue);
	print_addr(m->idiag_family, m->id.idiag_src, m->id.idiag_sport);
	print_addr(m->idiag_family, m->id.idiag_dst, m->id.idiag_dport);
	print_timer(m);
	if (opt.ext)
		printf(" uid:%u ino:%u sk:%x%08x", m->idiag_uid, m->idiag_inode,
		       m->id.idiag_cookie[1], m->id.idiag_cookie[0]);
	if (opt.mem && skmem && skmem_len >= SK_MEMINFO_VARS * sizeof(__u32))
		printf(" skmem:(r%u,rb%u,t%u,tb%u,f%u,w%u,o%u,bl%u,d%u)",
		       skmem[SK_MEMINFO_RMEM_ALLOC], skmem[SK_MEMINFO_RCVBUF],
		       skmem[SK_MEMINFO_WMEM_ALLOC], skmem[SK_MEMINFO_SNDBUF],
		       skmem[SK_MEMINFO_FWD_ALLOC], skmem[SK_MEMINFO_WMEM_QUEUED],
		       skmem[SK_MEMINFO_OPTMEM], skmem[SK_MEMINFO_BACKLOG],
		       skmem[SK_MEMINFO_DROPS]);
	if (opt.info && info && m->idiag_state != TCP_LISTEN &&
	    m->idiag_state != TCP_TIME_WAIT)
		print_info(info, info_len);
	putchar('\n');
}

/* One dump request for @family; returns 0, or an errno from the kernel. */
static int dump(int family, unsigned int proto)
{
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 r;
	} req = {
		.nlh = {
			.nlmsg_len = sizeof(req),
			.nlmsg_type = SOCK_DIAG_BY_FAMILY,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
			.nlmsg_seq = 1,
		},
		.r = {
			.sdiag_family = family,
			.sdiag_protocol = proto,
			.idiag_states = opt.states,
		},
	};
	static char buf[65536] __attribute__((aligned(NLMSG_ALIGNTO)));
	int fd, err = 0;

	if (opt.info)
		req.r.idiag_ext |= 1 << (INET_DIAG_INFO - 1);
	if (opt.mem)
		req.r.idiag_ext |= 1 << (INET_DIAG_SKMEMINFO - 1);
	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd < 0)
		return errno;
	if (send(fd, &req, sizeof(req), 0) < 0) {
		err = errno;
		goto out;
	}
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		struct nlmsghdr *h;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = errno;
			goto out;
		}
		if (n == 0)
			goto out;
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_DONE) {
				/* A dump's error (no handler for the
				 * protocol: ENOENT) comes in NLMSG_DONE.
				 */
				if (h->nlmsg_len >= NLMSG_LENGTH(sizeof(int)) &&
				    *(int *)NLMSG_DATA(h) < 0)
					err = -*(int *)NLMSG_DATA(h);
				goto out;
			}
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);

				err = -e->error;
				goto out;
			}
			if (h->nlmsg_type == SOCK_DIAG_BY_FAMILY)
				print_one(h);
		}
	}
out:
	close(fd);
	return err;
}

int main(int argc, char **argv)
{
	unsigned int proto = default_proto();
	unsigned int states = 0;
	bool all = false, listening = false;
	int c, err;

	while ((c = getopt(argc, argv, "aliemnHP:t46")) != -1) {
		switch (c) {
		case '4': opt.v4 = true; break;
		case '6': opt.v6 = true; break;
		case 'a': all = true; break;
		case 'l': listening = true; break;
		case 'i': opt.info = true; break;
		case 'e': opt.ext = true; break;
		case 'm': opt.mem = true; break;
		case 'H': opt.header = false; break;
		case 'P': proto = parse_port(optarg); if (proto > 255) usage(); break;
		case 'n': case 't': break;	/* ss habits: numeric, TCP-like */
		default: usage();
		}
	}
	for (; optind < argc; optind++) {
		const char *kw = argv[optind], *val = argv[optind + 1];

		if (!val)
			usage();
		optind++;
		if (!strcmp(kw, "state")) {
			if (!state_mask(val))
				usage();
			states |= state_mask(val);
		} else if (!strcmp(kw, "src")) {
			parse_endpoint(val, &opt.src);
		} else if (!strcmp(kw, "dst")) {
			parse_endpoint(val, &opt.dst);
		} else if (!strcmp(kw, "sport")) {
			opt.src.set = true;
			opt.src.port = parse_port(val);
		} else if (!strcmp(kw, "dport")) {
			opt.dst.set = true;
			opt.dst.port = parse_port(val);
		} else {
			usage();
		}
	}
	if (!states)
		states = state_mask(all ? "all" : listening ? "listening" : "connected");
	opt.states = states;
	if (opt.header)
		printf("%-11s %6s %6s %-21s %-21s\n", "State", "Recv-Q", "Send-Q",
		       " Local Address:Port", " Peer Address:Port");
	fflush(stdout);
	if (!opt.v4 && !opt.v6)
		opt.v4 = opt.v6 = true;
	/* An endpoint filter with an address names its family. */
	if (opt.src.family == AF_INET || opt.dst.family == AF_INET)
		opt.v6 = false;
	if (opt.src.family == AF_INET6 || opt.dst.family == AF_INET6)
		opt.v4 = false;
	err = opt.v4 ? dump(AF_INET, proto) : 0;
	if (!err && opt.v6)
		err = dump(AF_INET6, proto);
	if (err) {
		fprintf(stderr, "xtcp-ss: sock_diag for protocol %u: %s%s\n", proto,
			strerror(err), err == ENOENT ?
			" (is xtcp_diag loaded? modprobe xtcp_diag)" : "");
		return 2;
	}
	return 0;
}
