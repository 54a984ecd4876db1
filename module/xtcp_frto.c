// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP: F-RTO (RFC 5682 2.1), telling a spurious retransmission timeout
 * from a real one when the peer gives no timestamps to tell it by.
 *
 * After a timeout XTCP sends again the segment at snd_una, in a window of
 * one (go-back-N, xtcp_go_back_n()). The ACK of that segment cannot say
 * whether the original or the retransmission arrived. F-RTO asks the peer
 * instead: when the first ACK after the timeout acknowledges the
 * retransmission but not everything sent before the timeout (step 2b),
 * go-back-N is taken back (xtcp_undo_go_back_n(): what it has not resent
 * is in flight from its first transmission) and up to two new segments
 * leave, past the congestion window. Had the timeout been real, a hole is left below
 * them, and the new segments bring duplicate ACKs (step 3a):
 * go-back-N starts again from snd_una, as without F-RTO, with the window
 * the ACKs grew meanwhile. Had it been spurious, the originals arrive and
 * the next ACK acknowledges data that was never sent again (step 3b): the
 * window before the timeout comes back (xtcp_undo_rto()), and the
 * connection is Open (counted by SpuriousRTOs as well as LossUndo). A
 * duplicate ACK as the first (2a), one for a part of the retransmission,
 * an ACK of everything sent before the timeout, or no new data the peer's
 * window takes: plain go-back-N, as RFC 5682 falls back to the
 * conventional recovery.
 *
 * Armed by xtcp_undo_rto_begin() for the first timeout of an episode from
 * the Open state, under the same conditions as the other undos, when
 * net.xtcp.frto is set and the connection has neither timestamps nor SACK:
 * with timestamps the first ACK decides by itself, and with SACK the
 * DSACKs of go-back-N's retransmissions do (xtcp_undo.c), while RACK may
 * mark the originals lost meanwhile (RFC 5682 3's SACK-enhanced variant
 * is not implemented). A later timeout ends F-RTO. The state is one bit,
 * xtcp_sock.frto: which step comes next is whether anything went beyond
 * high_seq, the snd_max of the timeout (Linux's tcp_process_loss() tells
 * them apart the same way).
 */
#define pr_fmt(fmt) "xtcp: " fmt

#include "xtcp.h"
#include "xtcp_undo.h"

/**
 * xtcp_frto_step() - what an ACK during F-RTO calls for (RFC 5682 2.1)
 * @sent: new data went out after the first ACK (step 3 is next)
 * @advanced: the ACK acknowledges new data
 * @dupack: it is a duplicate ACK (RFC 5681 2)
 * @all: it acknowledges everything sent before the timeout
 * @rtx: it acknowledges all that the timeout sent again (step 1)
 *
 * Return: XTCP_FRTO_WAIT (nothing decided: a window update), _NEW (step
 * 2b: send new data), _UNDO (3b: spurious), _LOSS (3a: go-back-N again)
 * or _OFF (2a: F-RTO ends, go-back-N goes on).
 */
enum xtcp_frto_step xtcp_frto_step(bool sent, bool advanced, bool dupack,
				   bool all, bool rtx)
{
	if (sent) {
		if (advanced)
			return XTCP_FRTO_UNDO;
		return dupack ? XTCP_FRTO_LOSS : XTCP_FRTO_WAIT;
	}
	/* 2a also for a part of the retransmission: the rest of it would
	 * pass for original data in step 3.
	 */
	if (advanced)
		return all || !rtx ? XTCP_FRTO_OFF : XTCP_FRTO_NEW;
	return dupack ? XTCP_FRTO_OFF : XTCP_FRTO_WAIT;
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_frto_step);

/* Step 2b: new data if there is any, and room for it in the peer's
 * window. Return: true if some went.
 */
static bool xtcp_frto_send_new(struct sock *sk)
{
	struct sk_buff *tail = skb_peek_tail(&sk->sk_write_queue);
	struct xtcp_sock *xs = xtcp_sk(sk);
	int i;

	if (!tail ||
	    !xtcp_seq_after(XTCP_SKB_CB(tail)->end_seq, xs->snd_max) ||
	    !xtcp_seq_after(xs->snd_una + xs->snd_wnd, xs->snd_max))
		return false;
	xtcp_undo_go_back_n(sk);
	/* Only segments never sent before: a FIN that close() added to the
	 * sent tail after the timeout makes that skb a retransmission, and
	 * its ACK would pass for step 3b's.
	 */
	if (xs->send_head && XTCP_SKB_CB(xs->send_head)->seq == xs->snd_max)
		for (i = 0; i < 2; i++)
			if (xtcp_send_new_one(sk))
				break;
	if (xtcp_seq_after(xs->snd_max, xs->high_seq))
		return true;
	/* Nothing new went (no memory, or that FIN): what go-back-N took
	 * back goes again.
	 */
	xtcp_go_back_n(sk);
	return false;
}

/**
 * xtcp_frto_ack() - an ACK in the Loss state of a timeout F-RTO watches
 * @sk: the socket, locked; snd_una moved and the acknowledged skbs freed
 * @advanced: the ACK acknowledges new data
 * @dupack: it is a duplicate ACK (RFC 5681 2)
 *
 * Return: true if the timeout was found spurious and undone.
 */
bool xtcp_frto_ack(struct sock *sk, bool advanced, bool dupack)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	bool sent = xtcp_seq_after(xs->snd_max, xs->high_seq);

	if (xs->ca_state != XTCP_CA_LOSS) {
		xs->frto = 0;
		return false;
	}
	switch (xtcp_frto_step(sent, advanced, dupack,
			       !xtcp_seq_before(xs->snd_una, xs->high_seq),
			       !xtcp_seq_before(xs->snd_una, xs->snd_nxt))) {
	case XTCP_FRTO_WAIT:
		return false;
	case XTCP_FRTO_NEW:
		if (!xtcp_frto_send_new(sk))
			xs->frto = 0;
		return false;
	case XTCP_FRTO_UNDO:
		xs->frto = 0;
		xtcp_undo_rto(sk);
		/* Only the segment at snd_una was sent again, and it is
		 * acknowledged: a loss from now on is a new episode.
		 */
		xs->ca_state = XTCP_CA_OPEN;
		xs->high_seq = xs->snd_una;
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_SPURIOUSRTOS);
		return true;
	case XTCP_FRTO_LOSS:
		xs->frto = 0;
		xtcp_go_back_n(sk);
		return false;
	default:
		xs->frto = 0;
		return false;
	}
}
EXPORT_SYMBOL_FOR_XTCP_KUNIT(xtcp_frto_ack);
