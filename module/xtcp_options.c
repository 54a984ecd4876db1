// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP header options: parsing what a peer sends and writing what we send.
 * XTCP sends MSS and window scale (xtcp_wscale.c) on SYN and SYN-ACK, and
 * timestamps (xtcp_tstamp.c). It recognises SACK-permitted from a TCP peer
 * and, by not echoing it, tells the peer not to use it
 * (RFC 7323, RFC 2018).
 */
#define pr_fmt(fmt) "xtcp: " fmt

#include <asm/unaligned.h>

#include "xtcp.h"

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
			if (olen == 2)
				opts->saw_sack_perm = 1;
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
