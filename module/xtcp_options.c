// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP header options: parsing what a peer sends and writing what we send.
 * XTCP sends MSS, SACK-permitted (xtcp_sack.c) and window scale
 * (xtcp_wscale.c) on SYN and SYN-ACK, timestamps (xtcp_tstamp.c) on every
 * segment once agreed, and SACK blocks (RFC 7323, RFC 2018, RFC 2883).
 */
#define pr_fmt(fmt) "xtcp: " fmt

#include <asm/unaligned.h>

#include "xtcp.h"

/* RFC 2018 3: kind 5, length 2 + 8n; a length that is not is ignored.
 * More blocks than fit in 40 bytes of options cannot be there.
 */
static void xtcp_parse_sack(const u8 *ptr, u8 olen, struct xtcp_options *opts)
{
	unsigned int i, n;

	if (olen < XTCP_OLEN_SACK_BASE + XTCP_OLEN_SACK_PERBLOCK ||
	    (olen - XTCP_OLEN_SACK_BASE) % XTCP_OLEN_SACK_PERBLOCK)
		return;
	n = min_t(unsigned int, (olen - XTCP_OLEN_SACK_BASE) /
		  XTCP_OLEN_SACK_PERBLOCK, XTCP_NUM_SACKS);
	ptr += XTCP_OLEN_SACK_BASE;
	for (i = 0; i < n; i++, ptr += XTCP_OLEN_SACK_PERBLOCK) {
		opts->sacks[i].start_seq = get_unaligned_be32(ptr);
		opts->sacks[i].end_seq = get_unaligned_be32(ptr + 4);
	}
	opts->num_sacks = n;
}

/**
 * xtcp_parse_options() - walk a segment's option list
 * @ptr: first option byte
 * @len: bytes of options (data offset * 4 - 20)
 * @syn: the segment carries SYN (MSS is only meaningful then)
 * @opts: filled with what was found
 *
 * Unknown options are skipped by their length byte, and so is a known
 * option of the wrong length, which is ignored as TCP ignores it. A list
 * whose length bytes run past the end or a length below 2 is malformed.
 *
 * Return: 0, or -EINVAL for a malformed list (the segment is then dropped).
 */
int xtcp_parse_options(const u8 *ptr, unsigned int len, bool syn,
		       struct xtcp_options *opts)
{
	memset(opts, 0, sizeof(*opts));

	while (len > 0) {
		u8 kind = ptr[0];
		u8 olen;

		if (kind == XTCP_OPT_EOL)
			break;
		if (kind == XTCP_OPT_NOP) {
			ptr++;
			len--;
			continue;
		}
		if (len < 2)
			return -EINVAL;
		olen = ptr[1];
		if (olen < 2 || olen > len)
			return -EINVAL;

		switch (kind) {
		case XTCP_OPT_MSS:
			if (olen == XTCP_OLEN_MSS && syn)
				opts->mss = get_unaligned_be16(ptr + 2);
			break;
		case XTCP_OPT_WSCALE:
			if (olen == XTCP_OLEN_WSCALE) {
				opts->saw_wscale = 1;
				opts->wscale = ptr[2];
			}
			break;
		case XTCP_OPT_SACK_PERM:
			if (olen == XTCP_OLEN_SACK_PERM && syn)
				opts->saw_sack_perm = 1;
			break;
		case XTCP_OPT_SACK:
			if (!syn)
				xtcp_parse_sack(ptr, olen, opts);
			break;
		case XTCP_OPT_TIMESTAMP:
			if (olen == XTCP_OLEN_TIMESTAMP) {
				opts->saw_tstamp = 1;
				opts->rcv_tsval = get_unaligned_be32(ptr + 2);
				opts->rcv_tsecr = get_unaligned_be32(ptr + 6);
			}
			break;
		default:
			break;
		}
		ptr += olen;
		len -= olen;
	}
	return 0;
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_parse_options);

/**
 * xtcp_write_syn_options() - write the options of a SYN or SYN-ACK
 * @ptr: where the options go (4-byte aligned, after the fixed header)
 * @mss: the MSS to advertise
 *
 * Return: bytes written, a multiple of 4.
 */
unsigned int xtcp_write_syn_options(u8 *ptr, u16 mss)
{
	ptr[0] = XTCP_OPT_MSS;
	ptr[1] = XTCP_OLEN_MSS;
	put_unaligned_be16(mss, ptr + 2);
	return XTCP_OLEN_MSS_ALIGNED;
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_write_syn_options);
