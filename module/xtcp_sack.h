/* SPDX-License-Identifier: GPL-2.0 */
/*
 * XTCP selective acknowledgments (RFC 2018, RFC 2883, RFC 6675): the state a
 * connection keeps for them and the hooks the input and output paths call.
 * The mechanism is in xtcp_sack.c.
 */
#ifndef _XTCP_SACK_H
#define _XTCP_SACK_H

#include <linux/skbuff.h>
#include <linux/types.h>

#include "xtcp_wire.h"

struct sock;
struct xtcp_sock;

#define XTCP_SACK_DUPTHRESH	3	/* RFC 6675 DupThresh, segments */

/**
 * struct xtcp_sack_state - a connection's SACK state, receiver and sender
 * @blocks: receiver: blocks of out-of-order data to report, most recent
 *	first (RFC 2018 4)
 * @num_blocks: receiver: valid entries of @blocks
 * @dsack: receiver: a duplicate to report once as the first block
 *	(RFC 2883), valid when @dsack_pending
 * @dsack_pending: receiver: @dsack waits for the next segment we send
 * @sacked_out: sender: write-queue skbs below snd_nxt marked SACKed
 * @lost_out: sender: skbs marked lost (RFC 6675 IsLost), not SACKed
 * @retrans_out: sender: lost skbs retransmitted in this recovery whose
 *	retransmission is neither acknowledged nor SACKed yet
 * @lost_hint: sender: the first skb the loss marker has not examined yet
 *	(NULL: the head of the write queue)
 * @lost_cnt_hint: sender: SACKed skbs before @lost_hint
 * @rtx_hint: sender: the first skb recovery has not considered for
 *	retransmission yet (NULL: the head)
 * @tag_hint: sender: the skb after the last one a SACK block covered,
 *	where the next block's walk most likely starts (NULL: none)
 * @cache: sender: the valid blocks of the last ACK; what they cover is
 *	tagged already and is not walked again
 * @num_cache: sender: entries of @cache
 * @undo_marker: sender: snd_una when the recovery episode began
 * @undo_retrans: sender: retransmissions of the episode not yet reported
 *	as duplicates (DSACK); -1 before the first one
 * @undo_active: sender: an episode may still be undone: 0, or
 *	XTCP_UNDO_RECOVERY (fast recovery) or XTCP_UNDO_LOSS (a timeout,
 *	xtcp_undo.c)
 * @prior_cwnd: sender: cwnd before the episode; or, with or without SACK,
 *	before a timeout that may be undone (xtcp_undo.c: with SACK that
 *	timeout is the episode, XTCP_UNDO_LOSS; go-back-N ended any other)
 * @prior_ssthresh: sender: ssthresh before the episode, or that timeout
 */
struct xtcp_sack_state {
	struct sk_buff *lost_hint;
	struct sk_buff *rtx_hint;
	struct sk_buff *tag_hint;
	struct xtcp_sack_block blocks[XTCP_NUM_SACKS];
	struct xtcp_sack_block dsack;
	struct xtcp_sack_block cache[XTCP_NUM_SACKS];

	u32 sacked_out;
	u32 lost_out;
	u32 retrans_out;
	u32 lost_cnt_hint;
	int undo_retrans;
	u32 undo_marker;
	u32 prior_cwnd;
	u32 prior_ssthresh;
	u8 num_blocks;
	u8 dsack_pending;
	u8 num_cache;
	u8 undo_active;
};

/* sack.undo_active: the kind of episode its DSACKs may undo */
#define XTCP_UNDO_RECOVERY	1	/* fast recovery (RFC 6675) */
#define XTCP_UNDO_LOSS		2	/* a retransmission timeout */

/* Negotiation and options. */
void xtcp_sack_init(struct sock *sk);
bool xtcp_sack_syn_perm(const struct sk_buff *skb);
unsigned int xtcp_sack_write_syn(u8 *ptr, bool sack, bool before_ts);
unsigned int xtcp_sack_opt_len(struct sock *sk, unsigned int payload,
			       unsigned int used);
void xtcp_sack_write_blocks(struct sock *sk, u8 *ptr, unsigned int len);

/* Receiver. */
void xtcp_sack_rcv_ofo(struct sock *sk, u32 seq, u32 end_seq, bool queued);
void xtcp_sack_rcv_dup(struct sock *sk, u32 seq, u32 end_seq);
void xtcp_sack_rcv_advance(struct sock *sk);
void xtcp_sack_rcv_reset(struct sock *sk);
unsigned int xtcp_sack_add_block(struct xtcp_sack_block *blocks,
				 unsigned int num, u32 seq, u32 end_seq);
unsigned int xtcp_sack_remove_below(struct xtcp_sack_block *blocks,
				    unsigned int num, u32 rcv_nxt);

/* Sender. */
bool xtcp_sack_block_valid(u32 start_seq, u32 end_seq, bool dsack,
			   u32 snd_una, u32 snd_max, u32 max_window,
			   bool undo_active, u32 undo_marker);
bool xtcp_sack_is_dsack(const struct xtcp_sack_block *sacks,
			unsigned int num, u32 ack);
bool xtcp_sack_ack(struct sock *sk, const struct sk_buff *skb);
void xtcp_sack_mark_lost(struct sock *sk);
void xtcp_sack_on_ack(struct sock *sk, u32 acked, bool dupack);
void xtcp_sack_unlink(struct sock *sk, struct sk_buff *skb, bool counted);
void xtcp_sack_on_retransmit(struct sock *sk, struct sk_buff *skb);
bool xtcp_sack_skip_sent(struct sock *sk, struct sk_buff *skb);
void xtcp_sack_go_back_n(struct sock *sk);
void xtcp_sack_undo_loss(struct sock *sk);
void xtcp_sack_purge(struct sock *sk);
bool xtcp_sack_mark_skb_lost(struct sock *sk, struct sk_buff *skb);
void xtcp_sack_recover(struct sock *sk);
void xtcp_sack_xmit_pending(struct sock *sk);

#endif /* _XTCP_SACK_H */
