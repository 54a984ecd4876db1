/* SPDX-License-Identifier: GPL-2.0 */
/*
 * XTCP wire format: RFC 9293's TCP header (struct tcphdr) and option
 * encoding, carried in IPv4 under XTCP's own protocol number. Only the
 * option layout lives here; struct tcphdr is the kernel's.
 */
#ifndef _XTCP_WIRE_H
#define _XTCP_WIRE_H

#include <linux/tcp.h>
#include <linux/types.h>
#include <asm/unaligned.h>

#define XTCP_HDR_LEN		20	/* header without options */
#define XTCP_MAX_HDR_LEN	60	/* data offset 15 */
#define XTCP_MAX_HEADER		(XTCP_MAX_HDR_LEN + MAX_HEADER)

/* Option kinds (RFC 9293 3.2; IANA for the ones XTCP only skips). */
#define XTCP_OPT_EOL		0
#define XTCP_OPT_NOP		1
#define XTCP_OPT_MSS		2
#define XTCP_OPT_WSCALE		3
#define XTCP_OPT_SACK_PERM	4
#define XTCP_OPT_SACK		5
#define XTCP_OPT_TIMESTAMP	8

/* Flag bits of header byte 13 (CWR and ECE are never set by XTCP). */
#define XTCP_FLAG_FIN		0x01
#define XTCP_FLAG_SYN		0x02
#define XTCP_FLAG_RST		0x04
#define XTCP_FLAG_PSH		0x08
#define XTCP_FLAG_ACK		0x10
#define XTCP_FLAG_URG		0x20

#define xtcp_flag_byte(th)	(((u8 *)(th))[13])

#define XTCP_OLEN_MSS		4
#define XTCP_OLEN_MSS_ALIGNED	4	/* kind, length, 16-bit value */
#define XTCP_MAX_OPT_LEN	40	/* data offset 15: 60 - 20 bytes */
#define XTCP_OLEN_TIMESTAMP	10	/* kind, length, TSval, TSecr */
#define XTCP_OLEN_TSTAMP_ALIGNED 12	/* NOP, NOP, timestamps */
#define XTCP_OLEN_WSCALE	3
#define XTCP_OLEN_WSCALE_ALIGNED 4	/* NOP, kind, length, shift */
#define XTCP_OLEN_SACK_PERM	2
#define XTCP_OLEN_SACK_BASE	2	/* kind, length; then 8 bytes a block */
#define XTCP_OLEN_SACK_PERBLOCK	8
#define XTCP_NUM_SACKS		4	/* blocks that fit in 40 bytes of options */
/* The first word of the usual timestamp layout: NOP, NOP, kind, length. */
#define XTCP_TS_ALIGNED_WORD	(XTCP_OPT_NOP << 24 | XTCP_OPT_NOP << 16 | \
				 XTCP_OPT_TIMESTAMP << 8 | XTCP_OLEN_TIMESTAMP)

/**
 * xtcp_opts_tstamp_only() - are a header's options just NOP, NOP, timestamps?
 * @th: the header; its data offset was checked against the segment
 *
 * The layout of every segment but a SYN once timestamps are agreed (Linux
 * writes it so, and RFC 7323 Appendix A recommends it). Such a list is
 * well formed and holds nothing but the timestamps, so the full walk of
 * xtcp_parse_options() can be skipped, as tcp_fast_parse_options() does.
 *
 * Return: true for exactly that option list.
 */
static inline bool xtcp_opts_tstamp_only(const struct tcphdr *th)
{
	return th->doff * 4 == XTCP_HDR_LEN + XTCP_OLEN_TSTAMP_ALIGNED &&
	       get_unaligned_be32(th + 1) == XTCP_TS_ALIGNED_WORD;
}

/**
 * struct xtcp_sack_block - one SACK block (RFC 2018 3), host byte order
 * @start_seq: first sequence number of the block
 * @end_seq: sequence number after the last one of the block
 */
struct xtcp_sack_block {
	u32 start_seq;
	u32 end_seq;
};

/**
 * struct xtcp_options - what XTCP takes from a segment's options
 * @mss: MSS option value, 0 if absent
 * @saw_wscale: a window-scale option was present
 * @wscale: its shift, as sent (the receiver clamps it to 14)
 * @saw_sack_perm: SACK-permitted was present (SYN only)
 * @saw_tstamp: a timestamp option was present (RFC 7323 3)
 * @rcv_tsval: its TSval
 * @rcv_tsecr: its TSecr
 * @num_sacks: SACK blocks in @sacks (not on a SYN)
 * @sacks: the SACK blocks, as the peer sent them: not validated
 */
struct xtcp_options {
	u16 mss;
	u8 wscale;
	u8 saw_wscale:1,
	   saw_sack_perm:1,
	   saw_tstamp:1;
	u32 rcv_tsval;
	u32 rcv_tsecr;
	u8 num_sacks;
	struct xtcp_sack_block sacks[XTCP_NUM_SACKS];
};

int xtcp_parse_options(const u8 *ptr, unsigned int len, bool syn,
		       struct xtcp_options *opts);
unsigned int xtcp_write_syn_options(u8 *ptr, u16 mss);

#endif /* _XTCP_WIRE_H */
