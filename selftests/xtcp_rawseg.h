/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Segments written by hand through raw sockets (xtcp_synflood,
 * xtcp_cookie_race): the header with one MSS option and the checksum
 * over the pseudo-header, IPv4 (RFC 9293 3.1) or IPv6 (RFC 8200 8.1).
 */
#ifndef XTCP_RAWSEG_H
#define XTCP_RAWSEG_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define RAW_SYN	0x02
#define RAW_RST	0x04
#define RAW_ACK	0x10

/* The header as RFC 9293 3.1 lays it out, with room for an MSS option. */
struct rawhdr {
	uint16_t source;
	uint16_t dest;
	uint32_t seq;
	uint32_t ack_seq;
	uint8_t doff;		/* data offset << 4 */
	uint8_t flags;
	uint16_t window;
	uint16_t check;
	uint16_t urg_ptr;
	uint8_t opt[4];		/* MSS option */
};

#define RAW_HDR_LEN	20	/* without the option */

/* A SYN to @dport with an MSS option; source, sequence and checksum
 * are the caller's.
 */
static inline void raw_syn_fill(struct rawhdr *th, int dport, int mss)
{
	memset(th, 0, sizeof(*th));
	th->dest = htons(dport);
	th->doff = (sizeof(*th) / 4) << 4;
	th->flags = RAW_SYN;
	th->window = htons(65535);
	th->opt[0] = 2;
	th->opt[1] = 4;
	th->opt[2] = mss >> 8;
	th->opt[3] = mss & 0xff;
}

static inline uint32_t raw_sum16(const void *p, size_t len, uint32_t sum)
{
	const uint8_t *b = p;

	for (; len > 1; len -= 2, b += 2)
		sum += (uint32_t)b[0] << 8 | b[1];
	if (len)
		sum += (uint32_t)b[0] << 8;
	return sum;
}

static inline uint16_t raw_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

/* The checksum of @seg (@len bytes) from @saddr to @daddr, IPv4. */
static inline uint16_t raw_csum4(uint32_t saddr, uint32_t daddr, uint8_t proto,
				 const void *seg, size_t len)
{
	uint8_t ph[12];

	memcpy(ph, &saddr, 4);
	memcpy(ph + 4, &daddr, 4);
	ph[8] = 0;
	ph[9] = proto;
	ph[10] = len >> 8;
	ph[11] = len & 0xff;
	return raw_fold(raw_sum16(seg, len, raw_sum16(ph, sizeof(ph), 0)));
}

/* The same over IPv6's pseudo-header. */
static inline uint16_t raw_csum6(const struct in6_addr *saddr,
				 const struct in6_addr *daddr, uint8_t proto,
				 const void *seg, size_t len)
{
	uint8_t ph[40];

	memcpy(ph, saddr, 16);
	memcpy(ph + 16, daddr, 16);
	ph[32] = len >> 24;
	ph[33] = len >> 16;
	ph[34] = len >> 8;
	ph[35] = len & 0xff;
	ph[36] = ph[37] = ph[38] = 0;
	ph[39] = proto;
	return raw_fold(raw_sum16(seg, len, raw_sum16(ph, sizeof(ph), 0)));
}

#endif /* XTCP_RAWSEG_H */
