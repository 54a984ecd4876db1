# SPDX-License-Identifier: GPL-2.0
"""After a retransmission timeout, segments the peer SACKed are not sent
again (RFC 6675 5.1; counted in SACKSkippedRetrans). If the peer then
acknowledges up to a segment it had SACKed and lets the timer expire, it
reneged (RFC 2018 8): XTCP forgets the SACK marks (SACKReneging) and sends
that segment again."""
from xtcp_peer import check_eq, pattern, sack_opts

TITLE = "RTO skips SACKed segments; reneging clears the scoreboard"
# The retransmitted segment 0 leaves the timer backed off once (Karn: its
# ACK gives no sample), at 2 * 500 ms: the half second of silence that
# follows then has another half second of slack for a loaded guest before
# a second timeout. The expectations of a timeout allow for an RTO of up to
# 4 s, three times a slow first RTT sample.
SYSCTLS = {"rto_min_ms": 500}


def run(t):
    c, data, at = t.sack_open_send(5)
    before = t.counters()
    # Segments 3 and 4 arrived, 0-2 did not: one dup ACK, then silence.
    c.send("A", ack=at(0), opts=sack_opts((at(3), at(5))))
    c.expect("A", seq=at(0), data=data[:1000], timeout=4,
             what="segment 0 after the RTO")
    c.send("A", ack=at(1), opts=sack_opts((at(3), at(5))))
    c.expect("A", seq=at(1), data=data[1000:2000], what="segment 1")
    c.expect("A", seq=at(2), data=data[2000:3000], what="segment 2")
    c.expect_none(0.5, "segments 3 and 4, which were SACKed")
    t.check_counters(before, Timeouts=1, RetransSegs=3, SACKSkippedRetrans=2)
    c.send("A", ack=at(5))
    c.expect_none(0.3, "anything after the full ACK")

    # Reneging: 5 and 6 sent, 6 SACKed, then the ACK reaches 6 only.
    before = t.counters()
    data2 = pattern(5000, 2000)
    t.drv.send(c.sid, data2)
    c.expect("A", seq=at(5), plen=1000, what="segment 5")
    c.expect("PA", seq=at(6), plen=1000, what="segment 6")
    c.send("A", ack=at(5), opts=sack_opts((at(6), at(7))))
    c.send("A", ack=at(6))
    c.expect("PA", seq=at(6), data=data2[1000:], timeout=4,
             what="segment 6 again after the RTO: the peer reneged")
    t.check_counters(before, Timeouts=1, SACKReneging=1,
                     SACKSkippedRetrans=0)
    c.send("A", ack=at(7))
    c.expect_none(0.3, "anything after the full ACK")
    check_eq(t.drv.info(c.sid)["ca_state"], 0, "open again")
