# SPDX-License-Identifier: GPL-2.0
"""Proportional Rate Reduction without SACK (RFC 6937 3, with RFC 6582
NewReno's recovery): each duplicate ACK counts as one segment delivered,
and XTCP sends ceil(prr_delivered * ssthresh / prior_cwnd) segments in all
(the fast retransmission first, then new data), one for every two
duplicate ACKs with Reno, spread over the ACKs; not RFC 6582's inflation
(cwnd = ssthresh + 3, one more per duplicate ACK), which sends nothing
until the inflated window passes the flight and then one segment per
duplicate ACK. A partial ACK retransmits the next hole at once and counts
the one segment it delivered beyond the duplicate ACKs; the ACK of the
recovery point leaves cwnd = ssthresh, which the next flight uses at once.

20 segments are in flight (slow start from the initial 10); the first is
lost and each of the others brings a duplicate ACK, without SACK blocks
(the peer's SYN offers none): the first two change nothing (no limited
transmit), the third starts recovery."""
from scn_prr import (check_recovery_sends, prr_sends, recovery_end,
                     two_flights)
from xtcp_peer import check_eq

TITLE = "PRR with NewReno: one segment per two duplicate ACKs in recovery"
SYSCTLS = {"rto_min_ms": 5000, "congestion_control": "reno"}

DELIVERED = 10      # duplicate ACKs in recovery


def run(t):
    # No SAckOK in the peer's SYN: a NewReno connection.
    c, at, segment, new_segment = two_flights(t, [("MSS", 1000)])
    prior_cwnd = 20
    check_eq(t.drv.info(c.sid)["ca_state"], 0, "Open before the loss")

    # Segment 10 is lost; 11 and 12 arrive: two duplicate ACKs, no send.
    for k in (1, 2):
        c.send("A", ack=at(10))
        c.expect_none(0.15, f"a segment for duplicate ACK {k} (cwnd full)")
    dupacks = 2
    before = t.counters()

    st = {"sent": 0, "rtx": False, "nxt": 30}
    for d in range(1, DELIVERED + 1):
        dupacks += 1
        c.send("A", ack=at(10))
        if d == 1:
            info = t.drv.info_until(c.sid,
                                    lambda i: i["ca_state"] == 1)
            check_eq(info["ca_state"], 1,
                     "in recovery on the third duplicate ACK")
            ssthresh = info["snd_ssthresh"]
            check_eq(ssthresh, prior_cwnd // 2, "ssthresh: Reno halves")
        # Pipe as RFC 6937 counts it without SACK: what was sent beyond
        # the hole, less one segment per duplicate ACK.
        pipe = (st["nxt"] - 10) - dupacks
        prr_sends(c, at, segment, new_segment, st, d, ssthresh, prior_cwnd,
                  "duplicate ACKs in it", pipe)
    check_recovery_sends(st, DELIVERED, ssthresh, prior_cwnd)
    t.check_counters(before, FastRetrans=1, RetransSegs=1)

    # The retransmission of 10 arrives, and a second hole is found at 20:
    # the partial ACK retransmits 20 at once; of the ten segments it
    # acknowledges, nine were counted by duplicate ACKs, so it delivered
    # one: PRR lets at most one segment go, the retransmission.
    c.send("A", ack=at(20))
    check_eq(segment("retransmission for the partial ACK").seq, at(20),
             "the partial ACK's retransmission")
    c.expect_none(0.15, "new data for a partial ACK that delivered one "
                  "segment (the retransmission used it)")
    check_eq(t.drv.info(c.sid)["ca_state"], 1, "still in recovery")

    # Everything sent is acknowledged.
    recovery_end(t, c, at, st["nxt"], ssthresh)
    t.check_counters(before, FastRetrans=1, RetransSegs=2)
