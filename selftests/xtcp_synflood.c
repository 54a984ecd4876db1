// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp_synflood - send SYNs with spoofed source addresses as fast as the
 * machine can, through a raw socket that writes the IP header itself
 * (IPv4 IP_HDRINCL, or IPv6 IPPROTO_RAW), for a given time.
 *
 *   xtcp_synflood [-P PROTO] [-t SEC] [-m MSS] [-r RATE] SRCNET/LEN DADDR DPORT
 *
 * SRCNET and DADDR are both IPv4 (LEN 8-30) or both IPv6 (LEN 64-120).
 * Each SYN comes from a random address in SRCNET/LEN (IPv4: network and
 * broadcast addresses excluded; IPv6: random interface bits, never all
 * zero) and a random port, with a random ISN and
 * an MSS option, and a correct checksum over the pseudo-header with
 * protocol PROTO (253, XTCP, by default; 6 to flood the kernel's TCP).
 * The test routes SRCNET back into a dummy device so the SYN-ACKs go
 * nowhere. -r caps the flood at RATE SYNs a second (0, the default: no
 * cap), for a guest too slow to take SYNs as fast as it can send them.
 * Prints how many SYNs went out. SIGTERM/SIGINT end it early.
 *
 * Exit status: 0 ok, 1 error, 2 usage.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <endian.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "xtcp_rawseg.h"

#define XTCP_PROTO	253

struct packet {
	struct iphdr ip;
	struct rawhdr th;
};

struct packet6 {
	struct ip6_hdr ip6;
	struct rawhdr th;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static uint64_t rng_state;

static uint64_t rng(void)	/* splitmix64 */
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: xtcp_synflood [-P PROTO] [-t SEC] [-m MSS] [-r RATE] SRCNET/LEN DADDR DPORT\n");
	exit(2);
}

/* Where the SYNs go, until when, and what became of them. */
struct flood {
	int fd;
	const struct sockaddr *dst;
	socklen_t dstlen;
	double start, end;
	unsigned long rate;	/* SYNs a second, 0: as fast as it goes */
	unsigned long long n, sent, nobufs;
};

/* With a rate: sleep until the next SYN is due. */
static void pace(const struct flood *f)
{
	struct timespec ts;
	double due;

	if (!f->rate)
		return;
	due = f->start + (double)f->n / f->rate;
	ts.tv_sec = (time_t)due;
	ts.tv_nsec = (long)((due - ts.tv_sec) * 1e9);
	clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
}

/* A fresh source port and ISN for the next SYN; its checksum to redo. */
static void syn_next(struct rawhdr *th)
{
	uint64_t r = rng();

	th->source = htons(1024 + (uint16_t)(r >> 48) % 64000);
	th->seq = (uint32_t)r;
	th->check = 0;
}

/* Send one SYN. Return: 1 to go on, 0 when the time is up or a signal
 * came, -1 on an error other than a full queue.
 */
static int send_syn(struct flood *f, const void *pkt, size_t len)
{
	if (sendto(f->fd, pkt, len, 0, f->dst, f->dstlen) >= 0) {
		f->sent++;
	} else if (errno == ENOBUFS || errno == EAGAIN || errno == EINTR) {
		f->nobufs++;
	} else {
		fprintf(stderr, "sendto: %s\n", strerror(errno));
		return -1;
	}
	++f->n;
	if (stop || ((f->rate || !(f->n & 255)) && now_s() >= f->end))
		return 0;
	pace(f);
	return 1;
}

static int flood4(struct flood *f, const char *srcnet, int len,
		  const char *dst_s, int dport, int proto, int mss)
{
	struct sockaddr_in dst = { .sin_family = AF_INET };
	uint32_t net, host_mask, daddr;
	struct packet pkt;
	int rc;

	if (len < 8 || len > 30 || inet_pton(AF_INET, srcnet, &net) != 1 ||
	    inet_pton(AF_INET, dst_s, &daddr) != 1)
		usage();
	host_mask = (1u << (32 - len)) - 1;
	net = ntohl(net) & ~host_mask;
	dst.sin_addr.s_addr = daddr;

	f->fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);	/* implies IP_HDRINCL */
	if (f->fd < 0) {
		fprintf(stderr, "socket(SOCK_RAW): %s\n", strerror(errno));
		return 1;
	}
	f->dst = (struct sockaddr *)&dst;
	f->dstlen = sizeof(dst);
	memset(&pkt, 0, sizeof(pkt));
	pkt.ip.version = 4;
	pkt.ip.ihl = 5;
	pkt.ip.tot_len = htons(sizeof(pkt));
	pkt.ip.ttl = 64;
	pkt.ip.protocol = proto;
	pkt.ip.daddr = daddr;
	raw_syn_fill(&pkt.th, dport, mss);

	do {
		uint64_t r = rng();
		uint32_t host = (uint32_t)r & host_mask;

		if (host == 0 || host == host_mask)
			host = 1;
		pkt.ip.saddr = htonl(net | host);
		pkt.ip.id = htons((uint16_t)(r >> 32));
		pkt.ip.check = 0;	/* the kernel fills it in */
		syn_next(&pkt.th);
		pkt.th.check = raw_csum4(pkt.ip.saddr, daddr, proto, &pkt.th,
					sizeof(pkt.th));
		rc = send_syn(f, &pkt, sizeof(pkt));
	} while (rc > 0);
	return rc < 0;
}

static int flood6(struct flood *f, const char *srcnet, int len,
		  const char *dst_s, int dport, int proto, int mss)
{
	struct sockaddr_in6 dst = { .sin6_family = AF_INET6 };
	uint64_t host_mask, word;
	struct in6_addr net;
	struct packet6 pkt;
	int rc;

	if (len < 64 || len > 120 || inet_pton(AF_INET6, srcnet, &net) != 1 ||
	    inet_pton(AF_INET6, dst_s, &dst.sin6_addr) != 1)
		usage();
	host_mask = len == 64 ? ~0ull : (1ull << (128 - len)) - 1;
	memcpy(&word, &net.s6_addr[8], 8);
	word = be64toh(word) & ~host_mask;

	/* IPPROTO_RAW over IPv6 implies IPV6_HDRINCL: the source is ours. */
	f->fd = socket(AF_INET6, SOCK_RAW, IPPROTO_RAW);
	if (f->fd < 0) {
		fprintf(stderr, "socket(AF_INET6, SOCK_RAW): %s\n",
			strerror(errno));
		return 1;
	}
	f->dst = (struct sockaddr *)&dst;
	f->dstlen = sizeof(dst);
	memset(&pkt, 0, sizeof(pkt));
	pkt.ip6.ip6_flow = htonl(6u << 28);
	pkt.ip6.ip6_plen = htons(sizeof(pkt.th));
	pkt.ip6.ip6_nxt = proto;
	pkt.ip6.ip6_hlim = 64;
	pkt.ip6.ip6_src = net;
	pkt.ip6.ip6_dst = dst.sin6_addr;
	raw_syn_fill(&pkt.th, dport, mss);

	do {
		uint64_t host = rng() & host_mask, src;

		src = htobe64(word | (host ? host : 1));
		memcpy(&pkt.ip6.ip6_src.s6_addr[8], &src, 8);
		syn_next(&pkt.th);
		pkt.th.check = raw_csum6(&pkt.ip6.ip6_src, &pkt.ip6.ip6_dst,
					 proto, &pkt.th, sizeof(pkt.th));
		rc = send_syn(f, &pkt, sizeof(pkt));
	} while (rc > 0);
	return rc < 0;
}

int main(int argc, char **argv)
{
	struct flood f = { .fd = -1 };
	int proto = XTCP_PROTO, secs = 10, mss = 1460, o, len, rc;
	struct sigaction sa = { .sa_handler = on_signal };
	char *slash;

	while ((o = getopt(argc, argv, "P:t:m:r:")) != -1) {
		switch (o) {
		case 'P': proto = atoi(optarg); break;
		case 'r':
			f.rate = strtoul(optarg, NULL, 10);
			break;
		case 't': secs = atoi(optarg); break;
		case 'm': mss = atoi(optarg); break;
		default: usage();
		}
	}
	if (argc - optind != 3 || secs < 1 || proto < 1 || proto > 255)
		usage();
	slash = strchr(argv[optind], '/');
	if (!slash)
		usage();
	*slash = '\0';
	len = atoi(slash + 1);

	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	rng_state = (uint64_t)time(NULL) ^ (uint64_t)getpid() << 32;

	f.start = now_s();
	f.end = f.start + secs;
	if (strchr(argv[optind], ':'))
		rc = flood6(&f, argv[optind], len, argv[optind + 1],
			    atoi(argv[optind + 2]), proto, mss);
	else
		rc = flood4(&f, argv[optind], len, argv[optind + 1],
			    atoi(argv[optind + 2]), proto, mss);
	if (rc)
		return rc;
	printf("xtcp_synflood: %llu SYNs sent in %d s max, rate cap %lu/s (%llu ENOBUFS)\n",
	       f.sent, secs, f.rate, f.nobufs);
	return 0;
}
