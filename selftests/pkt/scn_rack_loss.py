# SPDX-License-Identifier: GPL-2.0
"""RACK after a retransmission timeout (RFC 8985 6.2, which applies in every
state; tcp_fastretrans_alert() runs RACK in TCP_CA_Loss too): after the
tail loss probe, the RTO sends segment 0 again, its ACK opens cwnd to 2,
and segments 1 and 2 go again. The retransmission of segment 1 is lost,
that of segment 2 arrives and is SACKed. Segment 2 was sent after segment
1 and is delivered, so segment 1 is lost (reordering window 0: no
reordering seen): XTCP enters recovery and sends it a third time at once
(LostRetransmit, SACKRecovery), instead of waiting for the backed-off RTO,
twice the first one. Go-back-N then goes on with segment 3."""
from xtcp_peer import check, check_eq, sack_opts, sleep_until

TITLE = "RACK in the Loss state: a lost retransmission goes before the RTO"
# rto_min 1 s: the backed-off RTO is 2 s or more, the RACK retransmission
# must come within 0.5 s of the SACK (with room for a loaded guest).
SYSCTLS = {"rto_min_ms": 1000, "recovery": 1}
# Longer than any RTT sample the handshake gave, so segment 2's delivery is
# not ambiguous (an RTT below min_RTT could be its first transmission's).
RTT = 0.2


def run(t):
    c, data, at = t.sack_open_send(4)
    before = t.counters()
    # Nothing is acknowledged: first the tail loss probe, then the RTO
    # sends segment 0 again (cwnd 1).
    c.expect("PA", seq=at(3), data=data[3000:], timeout=2,
             what="tail loss probe: segment 3 again")
    c.expect("A", seq=at(0), data=data[:1000], timeout=6,
             what="segment 0 after the RTO")
    c.send("A", ack=at(1))
    # cwnd 2: go-back-N sends segments 1 and 2 again.
    c.expect("A", seq=at(1), data=data[1000:2000], what="segment 1 again")
    s2 = c.expect("A", seq=at(2), data=data[2000:3000], what="segment 2 again")
    # Segment 1's retransmission is lost; segment 2's is SACKed.
    sleep_until(s2.ts + RTT)
    sacked = c.send("A", ack=at(1), opts=sack_opts((at(2), at(3))))
    r = c.expect("A", seq=at(1), data=data[1000:2000], timeout=4,
                 what="segment 1 a third time")
    check(r.ts - sacked < 0.5,
          f"segment 1 sent {r.ts - sacked:.3f} s after the SACK showed its "
          "retransmission lost: RACK, not the backed-off RTO")
    t.check_counters(before, Timeouts=1, LostRetransmit=1, SACKRecovery=1)
    # Segments 1 and 2 are in: go-back-N goes on with segment 3; its ACK
    # ends recovery.
    c.send("A", ack=at(3))
    c.expect("PA", seq=at(3), data=data[3000:], what="segment 3 again")
    c.send("A", ack=at(4))
    c.expect_none(0.3, "anything after the full ACK")
    check_eq(t.drv.info(c.sid)["ca_state"], 0, "open again")
