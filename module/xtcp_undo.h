/* SPDX-License-Identifier: GPL-2.0 */
/*
 * XTCP: undoing a spurious retransmission timeout (xtcp_undo.c).
 */
#ifndef _XTCP_UNDO_H
#define _XTCP_UNDO_H

#include <linux/types.h>

struct sock;

bool xtcp_rto_spurious(bool saw_tstamp, u32 tsecr, u32 lo, u32 rto_tsval);
void xtcp_undo_rto_begin(struct sock *sk);
bool xtcp_undo_rto_ack(struct sock *sk);
void xtcp_undo_rto(struct sock *sk);

#endif /* _XTCP_UNDO_H */
