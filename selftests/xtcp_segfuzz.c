// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp_segfuzz - hostile XTCP segments from a remote peer, IPv4 or IPv6.
 *
 * Two roles, in two namespaces joined by a veth pair:
 *
 *   xtcp_segfuzz -l [-6] -a ADDR -p PORT -t SECS
 *	The victim: an XTCP listener, socket(AF_INET or AF_INET6,
 *	SOCK_STREAM, IPPROTO_XTCP), that accepts every connection, echoes
 *	what it reads (a quarter of the connections with a 4 KiB receive
 *	buffer, so windows close), and closes or half-closes one now and
 *	then. Prints what it accepted and echoed.
 *
 *   xtcp_segfuzz [-6] -i DEV -s SADDR -d DADDR -m DMAC -p PORT -t SECS
 *		  [-S SEED] [-e MIN_ESTABLISHED]
 *	The attacker: whole Ethernet frames written to DEV through an
 *	AF_PACKET socket, so every field is its own; DEV has no address,
 *	so its own kernel answers nothing (no resets for the victim's
 *	SYN-ACKs). It keeps up to 32 connections: handshakes with random
 *	options (MSS, window scale, SACK-permitted, timestamps, or garbage),
 *	then, on connections the victim accepted, a random mix of in-order,
 *	out-of-order, old and overlapping data, ACKs of the victim's data
 *	(valid, duplicate with SACK blocks inside and outside what it sent,
 *	or off by anything), random windows, every flag combination, RST and
 *	SYN at and around the window, FIN, urgent pointers, data offsets
 *	0..15, options that are random bytes or known kinds with bad lengths,
 *	timestamps from the past, bad checksums; IPv4 options, and IPv6
 *	hop-by-hop and destination options headers, random flow labels and
 *	traffic classes. It reads the victim's segments to follow its
 *	sequence numbers, so the mutations land near (and in) its windows.
 *
 * Surviving is the test (the script scans the kernel log and checks that
 * every socket is freed); the counts printed make sure that connections
 * were established and that the victim's data came back, so the hostile
 * segments reached established sockets, not only the listener. Exits 1
 * when fewer than MIN_ESTABLISHED (default 5) handshakes completed or no
 * echoed byte arrived.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <linux/xtcp.h>

#include "xtcp_test_util.h"

#define CONNS		32
#define FRAME_MAX	2048
#define PAYLOAD_MAX	1400

/* XTCP (TCP) header flags. */
#define F_FIN	0x01
#define F_SYN	0x02
#define F_RST	0x04
#define F_PSH	0x08
#define F_ACK	0x10
#define F_URG	0x20

static bool v6;
static int proto = IPPROTO_XTCP;
static uint64_t rng;

static uint32_t rnd(void)
{
	/* xorshift64*: reproducible with -S. */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 2685821657736338717ULL) >> 32);
}

static bool one_in(uint32_t n)
{
	return rnd() % n == 0;
}

static void die(const char *what)
{
	printf("not ok 1 %s: %s\n", what, strerror(errno));
	exit(1);
}

/* ---- the victim -------------------------------------------------------- */

static int serve(const char *addr, int port, int secs)
{
	struct pollfd pf[257];
	static char buf[65536];
	unsigned long accepted = 0, echoed = 0, closed = 0;
	struct sockaddr_storage ss;
	socklen_t len;
	long long end = now_ms() + secs * 1000LL;
	int n = 1, one = 1, i;

	memset(&ss, 0, sizeof(ss));
	if (v6) {
		*(struct sockaddr_in6 *)&ss = addr6(addr, port);
		len = sizeof(struct sockaddr_in6);
	} else {
		*(struct sockaddr_in *)&ss = addr4(addr, port);
		len = sizeof(struct sockaddr_in);
	}
	pf[0].fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK,
			  proto);
	if (pf[0].fd < 0)
		die("victim socket");
	setsockopt(pf[0].fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(pf[0].fd, (struct sockaddr *)&ss, len) ||
	    listen(pf[0].fd, 128))
		die("victim bind/listen");
	pf[0].events = POLLIN;
	printf("# victim listening on %s port %d\n", addr, port);
	fflush(stdout);

	while (now_ms() < end) {
		if (poll(pf, n, 100) <= 0)
			continue;
		for (i = n - 1; i >= 1; i--) {
			ssize_t r;

			if (!pf[i].revents)
				continue;
			r = read(pf[i].fd, buf, sizeof(buf));
			if (r > 0) {
				r = write(pf[i].fd, buf, r);
				if (r > 0)
					echoed += r;
			}
			if (r == 0 || (r < 0 && errno != EAGAIN) ||
			    (pf[i].revents & (POLLERR | POLLHUP)) ||
			    one_in(300)) {
				if (one_in(2))
					shutdown(pf[i].fd, SHUT_WR);
				close(pf[i].fd);
				pf[i] = pf[--n];
				closed++;
			}
		}
		if (!(pf[0].revents & POLLIN))
			continue;
		while (n < 257) {
			int fd = accept4(pf[0].fd, NULL, NULL, SOCK_NONBLOCK);
			int small = 4096;

			if (fd < 0)
				break;
			if (one_in(4))
				setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small,
					   sizeof(small));
			pf[n].fd = fd;
			pf[n].events = POLLIN;
			n++;
			accepted++;
		}
	}
	for (i = 0; i < n; i++)
		close(pf[i].fd);
	printf("# victim: %lu accepted, %lu closed early, %lu bytes echoed\n",
	       accepted, closed, echoed);
	printf("ok 1 victim served for %d s\n", secs);
	return 0;
}

/* ---- the attacker: frames ----------------------------------------------- */

enum cstate { C_FREE, C_SYN_SENT, C_EST };

struct conn {
	enum cstate state;
	uint16_t sport;
	uint32_t snd_nxt;	/* ours */
	uint32_t rcv_nxt;	/* the victim's next byte, in order */
	uint32_t max_seen;	/* the victim's highest sequence seen */
	uint32_t ts_recent;	/* the victim's last TSval */
	bool ts;		/* timestamps negotiated */
	long long since;
};

static struct conn conns[CONNS];
static int pfd, ifindex;
static uint8_t smac[6], dmac[6];
static struct in_addr sa4, da4;
static struct in6_addr sa6, da6;
static uint16_t dport;
static unsigned long long sent, rx, established, resets, rx_bytes, bad_sums;

static uint32_t sum16(uint32_t sum, const void *p, size_t len)
{
	const uint8_t *b = p;

	while (len > 1) {
		sum += (b[0] << 8) | b[1];
		b += 2;
		len -= 2;
	}
	if (len)
		sum += b[0] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

struct seg {
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t win, urg;
	uint8_t opts[40];
	int optlen;		/* padded to 4 when built */
	int doff;		/* -1: the real one */
	int plen;
	bool bad_csum;
};

static uint32_t ts_now(void)
{
	return (uint32_t)now_ms();
}

/* Timestamps (and NOP padding) for an established connection. */
static void add_ts(struct seg *s, const struct conn *c, bool stale)
{
	uint8_t *o = s->opts + s->optlen;

	o[0] = 1;
	o[1] = 1;
	o[2] = 8;
	o[3] = 10;
	put32(o + 4, stale ? ts_now() - 0x40000000u : ts_now());
	put32(o + 8, c->ts_recent);
	s->optlen += 12;
}

static void add_sack(struct seg *s, const struct conn *c)
{
	int n = 1 + rnd() % 3, room = (40 - s->optlen - 4) / 8, i;
	uint8_t *o = s->opts + s->optlen;
	int32_t span = (int32_t)(c->max_seen - c->rcv_nxt) + 1;

	if (span < 1)
		span = 1;
	if (n > room)
		n = room;
	if (n <= 0)
		return;
	o[0] = 1;
	o[1] = 1;
	o[2] = 5;
	o[3] = 2 + 8 * n;
	for (i = 0; i < n; i++) {
		uint32_t a, b;

		if (one_in(4)) {		/* anywhere at all */
			a = rnd();
			b = a + rnd() % 70000;
		} else {			/* inside what was sent */
			a = c->rcv_nxt + rnd() % (uint32_t)span;
			b = a + 1 + rnd() % 3000;
		}
		put32(o + 4 + 8 * i, a);
		put32(o + 8 + 8 * i, b);
	}
	s->optlen += 4 + 8 * n;
}

/* Known kinds with bad lengths, or random bytes. */
static void add_garbage(struct seg *s)
{
	static const uint8_t kinds[] = { 0, 1, 2, 3, 4, 5, 8, 19, 28, 29, 30,
					 34, 253, 254, 255 };
	int room = 40 - s->optlen, len, i;
	uint8_t *o = s->opts + s->optlen;

	if (room <= 0)
		return;
	len = 1 + rnd() % room;
	for (i = 0; i < len; i++)
		o[i] = rnd();
	if (one_in(2)) {
		o[0] = kinds[rnd() % sizeof(kinds)];
		if (len > 1)
			o[1] = (uint8_t[]){ 0, 1, 2, 3, 10, 18, 40, 255 }[rnd() % 8];
	}
	s->optlen += len;
}

static void add_syn_opts(struct seg *s, struct conn *c)
{
	uint8_t *o = s->opts;

	c->ts = false;
	if (one_in(10)) {
		add_garbage(s);
		return;
	}
	o[0] = 2;
	o[1] = 4;
	put16(o + 2, one_in(8) ? rnd() : 536 + rnd() % 1000);
	s->optlen = 4;
	if (one_in(2)) {
		o[4] = 1;
		o[5] = 3;
		o[6] = 3;
		o[7] = rnd() % 17;
		s->optlen = 8;
	}
	if (one_in(2)) {
		o[s->optlen] = 1;
		o[s->optlen + 1] = 1;
		o[s->optlen + 2] = 4;
		o[s->optlen + 3] = 2;
		s->optlen += 4;
	}
	if (one_in(2)) {
		o += s->optlen;
		o[0] = 1;
		o[1] = 1;
		o[2] = 8;
		o[3] = 10;
		put32(o + 4, ts_now());
		put32(o + 8, 0);
		s->optlen += 12;
		c->ts = true;	/* if the SYN-ACK has them too */
	}
}

/* Build and send one segment of @c. */
static void emit(const struct conn *c, struct seg *s)
{
	static uint8_t f[FRAME_MAX];
	int hl = 20 + ((s->optlen + 3) & ~3), l3, ext = 0, tlen, i;
	uint8_t *ip = f + 14, *th, *pl;
	uint32_t sum;

	memcpy(f, dmac, 6);
	memcpy(f + 6, smac, 6);
	put16(f + 12, v6 ? ETH_P_IPV6 : ETH_P_IP);
	tlen = hl + s->plen;
	if (v6) {
		uint8_t nh = proto;

		/* 1 in 8: hop-by-hop and/or destination options (PadN). */
		if (one_in(8))
			ext = 1 + rnd() % 3;
		l3 = 40 + (ext == 3 ? 16 : ext ? 8 : 0);
		ip[0] = 0x60 | (one_in(4) ? rnd() & 0x0f : 0);
		ip[1] = one_in(4) ? rnd() : 0;
		put16(ip + 2, one_in(4) ? rnd() : 0);
		put16(ip + 4, l3 - 40 + tlen);
		ip[7] = 64;
		memcpy(ip + 8, &sa6, 16);
		memcpy(ip + 24, &da6, 16);
		if (ext & 2) {		/* destination options, last */
			uint8_t *d = ip + l3 - 8;

			memset(d, 0, 8);
			d[0] = nh;
			d[2] = 1;	/* PadN */
			d[3] = 4;
			nh = 60;
		}
		if (ext & 1) {		/* hop-by-hop, first */
			uint8_t *h = ip + 40;

			memset(h, 0, 8);
			h[0] = nh;
			h[2] = 1;
			h[3] = 4;
			nh = 0;
		}
		ip[6] = nh;
	} else {
		bool ipopt = one_in(16);

		l3 = ipopt ? 24 : 20;
		ip[0] = 0x40 | (l3 / 4);
		ip[1] = one_in(4) ? rnd() : 0;
		put16(ip + 2, l3 + tlen);
		put16(ip + 4, rnd());
		put16(ip + 6, 0x4000);
		ip[8] = 64;
		ip[9] = proto;
		put16(ip + 10, 0);
		memcpy(ip + 12, &sa4, 4);
		memcpy(ip + 16, &da4, 4);
		if (ipopt) {
			ip[20] = 1;
			ip[21] = 1;
			ip[22] = 1;
			ip[23] = 0;
		}
		put16(ip + 10, fold(sum16(0, ip, l3)));
	}
	if (14 + l3 + tlen > FRAME_MAX)
		return;

	th = ip + l3;
	put16(th, c->sport);
	put16(th + 2, dport);
	put32(th + 4, s->seq);
	put32(th + 8, s->ack);
	th[12] = (s->doff >= 0 ? s->doff : hl / 4) << 4;
	th[13] = s->flags;
	put16(th + 14, s->win);
	put16(th + 16, 0);
	put16(th + 18, s->urg);
	memset(th + 20, 1, hl - 20);	/* NOP padding */
	memcpy(th + 20, s->opts, s->optlen);
	pl = th + hl;
	for (i = 0; i < s->plen; i++)
		pl[i] = rnd();

	if (v6) {
		sum = sum16(0, &sa6, 16);
		sum = sum16(sum, &da6, 16);
	} else {
		sum = sum16(0, &sa4, 4);
		sum = sum16(sum, &da4, 4);
	}
	sum += tlen + proto;
	sum = sum16(sum, th, tlen);
	put16(th + 16, fold(sum) ^ (s->bad_csum ? 0x5a5a : 0));
	bad_sums += s->bad_csum;

	if (send(pfd, f, 14 + l3 + tlen, 0) > 0)
		sent++;
}

/* ---- the attacker: what the victim sends ---------------------------------- */

static struct conn *conn_of(uint16_t port)
{
	int i;

	for (i = 0; i < CONNS; i++)
		if (conns[i].state != C_FREE && conns[i].sport == port)
			return &conns[i];
	return NULL;
}

/* The victim's TSval, if the segment has timestamps. */
static bool find_ts(const uint8_t *o, int len, uint32_t *tsval)
{
	int i = 0;

	while (i < len) {
		if (o[i] == 0)
			break;
		if (o[i] == 1) {
			i++;
			continue;
		}
		if (i + 1 >= len || o[i + 1] < 2)
			break;
		if (o[i] == 8 && o[i + 1] == 10 && i + 10 <= len) {
			*tsval = get32(o + i + 2);
			return true;
		}
		i += o[i + 1];
	}
	return false;
}

static void send_ack(struct conn *c)
{
	struct seg s = { .seq = c->snd_nxt, .ack = c->rcv_nxt, .flags = F_ACK,
			 .win = 65535, .doff = -1 };

	if (c->ts)
		add_ts(&s, c, false);
	emit(c, &s);
}

static void on_segment(const uint8_t *th, int len)
{
	int hl = (th[12] >> 4) * 4, plen;
	uint32_t seq = get32(th + 4), ack = get32(th + 8), tsval;
	uint8_t fl = th[13];
	struct conn *c;
	bool has_ts;

	if (len < 20 || hl < 20 || hl > len)
		return;
	c = conn_of((th[2] << 8) | th[3]);
	if (!c || ((th[0] << 8) | th[1]) != dport)
		return;
	rx++;
	plen = len - hl;
	has_ts = find_ts(th + 20, hl - 20, &tsval);
	if (fl & F_RST) {
		resets++;
		c->state = C_FREE;
		return;
	}
	if (c->state == C_SYN_SENT) {
		if ((fl & (F_SYN | F_ACK)) != (F_SYN | F_ACK) ||
		    ack != c->snd_nxt)
			return;
		c->rcv_nxt = seq + 1;
		c->max_seen = seq + 1;
		c->ts = c->ts && has_ts;
		if (has_ts)
			c->ts_recent = tsval;
		c->state = C_EST;
		established++;
		send_ack(c);
		return;
	}
	if (has_ts)
		c->ts_recent = tsval;
	if ((int32_t)(seq + plen + !!(fl & F_FIN) - c->max_seen) > 0)
		c->max_seen = seq + plen + !!(fl & F_FIN);
	if (seq == c->rcv_nxt && (plen || (fl & F_FIN))) {
		c->rcv_nxt += plen + !!(fl & F_FIN);
		rx_bytes += plen;
		if (one_in(2))
			send_ack(c);
	}
}

static void drain(void)
{
	static uint8_t f[65536];
	struct sockaddr_ll from;
	socklen_t fl = sizeof(from);
	ssize_t n;

	while ((n = recvfrom(pfd, f, sizeof(f), MSG_DONTWAIT,
			     (struct sockaddr *)&from, &fl)) > 0) {
		fl = sizeof(from);
		if (from.sll_pkttype == PACKET_OUTGOING || n < 14)
			continue;
		if (!v6 && f[12] == 0x08 && f[13] == 0x00 && n >= 34) {
			int ihl = (f[14] & 0x0f) * 4;
			int tot = (f[16] << 8) | f[17];

			if (f[23] != proto || memcmp(f + 26, &da4, 4) ||
			    14 + tot > n || tot < ihl)
				continue;
			on_segment(f + 14 + ihl, tot - ihl);
		} else if (v6 && f[12] == 0x86 && f[13] == 0xdd && n >= 54) {
			int plen = (f[18] << 8) | f[19];

			if (f[20] != proto || memcmp(f + 22, &da6, 16) ||
			    54 + plen > n)
				continue;
			on_segment(f + 54, plen);
		}
	}
}

/* ---- the attacker: what it sends ------------------------------------------ */

static void open_conn(struct conn *c)
{
	struct seg s = { .flags = F_SYN, .win = rnd(), .doff = -1 };

	do {
		c->sport = 1024 + rnd() % 60000;
	} while (c->sport == dport);
	c->snd_nxt = rnd();
	s.seq = c->snd_nxt;
	add_syn_opts(&s, c);
	if (one_in(16))
		s.flags |= rnd() & (F_FIN | F_PSH | F_URG | F_ACK);
	s.bad_csum = one_in(32);
	emit(c, &s);
	c->snd_nxt++;
	c->state = C_SYN_SENT;
	c->since = now_ms();
}

static void mutate(struct conn *c)
{
	struct seg s = { .seq = c->snd_nxt, .ack = c->rcv_nxt, .flags = F_ACK,
			 .win = 65535, .doff = -1 };
	uint32_t op = rnd() % 20;

	if (c->ts && !one_in(16))
		add_ts(&s, c, one_in(32));
	switch (op) {
	case 0: case 1: case 2: case 3:		/* in-order data */
		s.plen = 1 + rnd() % PAYLOAD_MAX;
		s.flags |= one_in(2) ? F_PSH : 0;
		c->snd_nxt += s.plen;
		break;
	case 4:					/* out of order */
		s.seq += 1 + rnd() % 70000;
		s.plen = 1 + rnd() % PAYLOAD_MAX;
		break;
	case 5:					/* old or overlapping */
		s.seq -= rnd() % 5000;
		s.plen = 1 + rnd() % PAYLOAD_MAX;
		break;
	case 6: case 7:				/* SACK blocks */
		s.ack = c->rcv_nxt - (one_in(2) ? rnd() % 3000 : 0);
		add_sack(&s, c);
		break;
	case 8:					/* any ACK number */
		s.ack = one_in(2) ? rnd() : c->rcv_nxt + rnd() % 140000 - 70000;
		break;
	case 9:					/* any window */
		s.win = one_in(2) ? 0 : rnd();
		break;
	case 10:				/* any flags */
		s.flags = rnd();
		s.plen = one_in(2) ? rnd() % 200 : 0;
		s.urg = rnd();
		break;
	case 11:				/* RST near the window */
		s.flags = F_RST | (one_in(2) ? F_ACK : 0);
		s.seq += one_in(4) ? 0 : rnd() % 140000 - 70000;
		break;
	case 12:				/* SYN in the window */
		s.flags = F_SYN | (one_in(2) ? F_ACK : 0);
		s.seq += rnd() % 2000;
		break;
	case 13:				/* FIN, maybe with data */
		s.flags |= F_FIN;
		s.plen = one_in(2) ? rnd() % 100 : 0;
		c->snd_nxt += s.plen + 1;
		break;
	case 14:				/* data offset 0..15 */
		s.doff = rnd() % 16;
		s.plen = rnd() % 100;
		break;
	case 15: case 16:			/* garbage options */
		add_garbage(&s);
		s.plen = one_in(2) ? rnd() % 500 : 0;
		break;
	case 17:				/* urgent data */
		s.flags |= F_URG;
		s.urg = one_in(2) ? rnd() : 1 + rnd() % 100;
		s.plen = 1 + rnd() % 100;
		c->snd_nxt += s.plen;
		break;
	case 18:				/* zero-window probe, old byte */
		s.seq = c->snd_nxt - 1;
		s.plen = 1;
		break;
	default:				/* plain ACK */
		break;
	}
	s.bad_csum = one_in(32);
	emit(c, &s);
}

static int attack(const char *dev, const char *saddr, const char *daddr,
		  const char *mac, int secs, int min_est)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	struct ifreq ifr;
	long long end = now_ms() + secs * 1000LL;
	int i;

	if (sscanf(mac, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &dmac[0], &dmac[1],
		   &dmac[2], &dmac[3], &dmac[4], &dmac[5]) != 6) {
		errno = EINVAL;
		die("destination MAC");
	}
	if (v6 ? inet_pton(AF_INET6, saddr, &sa6) != 1 ||
		 inet_pton(AF_INET6, daddr, &da6) != 1 :
		 inet_pton(AF_INET, saddr, &sa4) != 1 ||
		 inet_pton(AF_INET, daddr, &da4) != 1) {
		errno = EINVAL;
		die("addresses");
	}
	pfd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	if (pfd < 0)
		die("AF_PACKET socket");
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	if (ioctl(pfd, SIOCGIFHWADDR, &ifr))
		die("SIOCGIFHWADDR");
	memcpy(smac, ifr.ifr_hwaddr.sa_data, 6);
	ifindex = if_nametoindex(dev);
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = ifindex;
	if (!ifindex || bind(pfd, (struct sockaddr *)&sll, sizeof(sll)))
		die("bind to the device");

	while (now_ms() < end) {
		struct conn *c = &conns[rnd() % CONNS];

		drain();
		switch (c->state) {
		case C_FREE:
			open_conn(c);
			break;
		case C_SYN_SENT:
			if (now_ms() - c->since > 1000)
				c->state = C_FREE;
			break;
		case C_EST:
			if (one_in(2000))
				c->state = C_FREE;	/* abandon it */
			else
				mutate(c);
			break;
		}
		/* Let the victim breathe now and then: its answers steer us. */
		if (one_in(64))
			usleep(1000);
	}
	for (i = 0; i < 50; i++) {
		drain();
		usleep(10000);
	}
	printf("# attacker: %llu segments sent (%llu with a bad checksum), %llu received, %llu handshakes, %llu resets, %llu in-order bytes back\n",
	       sent, bad_sums, rx, established, resets, rx_bytes);
	printf("%sok 1 hostile segments for %d s: %llu handshakes (want >= %d), %llu echoed bytes back (want > 0)\n",
	       established >= (unsigned long long)min_est && rx_bytes ? "" : "not ",
	       secs, established, min_est, rx_bytes);
	return established >= (unsigned long long)min_est && rx_bytes ? 0 : 1;
}

int main(int argc, char **argv)
{
	const char *dev = NULL, *saddr = NULL, *daddr = NULL, *mac = NULL;
	const char *addr = NULL, *p;
	int secs = 10, port = 0, min_est = 5, c;
	unsigned long long seed = (unsigned long long)time(NULL) ^ getpid();
	bool listen_mode = false;

	while ((c = getopt(argc, argv, "l6a:i:s:d:m:p:t:S:e:")) != -1) {
		switch (c) {
		case 'l': listen_mode = true; break;
		case '6': v6 = true; break;
		case 'a': addr = optarg; break;
		case 'i': dev = optarg; break;
		case 's': saddr = optarg; break;
		case 'd': daddr = optarg; break;
		case 'm': mac = optarg; break;
		case 'p': port = atoi(optarg); break;
		case 't': secs = atoi(optarg); break;
		case 'S': seed = strtoull(optarg, NULL, 0); break;
		case 'e': min_est = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: see the comment at the top of xtcp_segfuzz.c\n");
			return 2;
		}
	}
	p = getenv("XTCP_PROTO");
	if (p)
		proto = atoi(p);
	rng = seed ? seed : 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	printf("TAP version 13\n1..1\n# seed %llu (-S), IPv%d, protocol %d\n",
	       seed, v6 ? 6 : 4, proto);
	if (listen_mode) {
		if (!addr || !port)
			return 2;
		return serve(addr, port, secs);
	}
	if (!dev || !saddr || !daddr || !mac || !port)
		return 2;
	dport = port;
	return attack(dev, saddr, daddr, mac, secs, min_est);
}
