/* SPDX-License-Identifier: GPL-2.0 */
/*
 * XTCP: undoing a spurious retransmission timeout (xtcp_undo.c,
 * xtcp_frto.c).
 */
#ifndef _XTCP_UNDO_H
#define _XTCP_UNDO_H

#include <linux/types.h>

struct sock;

bool xtcp_rto_spurious(bool saw_tstamp, u32 tsecr, u32 lo, u32 rto_tsval);
void xtcp_undo_rto_begin(struct sock *sk);
bool xtcp_undo_rto_ack(struct sock *sk);
void xtcp_undo_rto(struct sock *sk);

/* F-RTO (xtcp_frto.c): what an ACK after the timeout calls for. */
enum xtcp_frto_step {
	XTCP_FRTO_WAIT,
	XTCP_FRTO_NEW,
	XTCP_FRTO_UNDO,
	XTCP_FRTO_LOSS,
	XTCP_FRTO_OFF,
};

enum xtcp_frto_step xtcp_frto_step(bool sent, bool advanced, bool dupack,
				   bool all, bool rtx);
bool xtcp_frto_ack(struct sock *sk, bool advanced, bool dupack);

#endif /* _XTCP_UNDO_H */
