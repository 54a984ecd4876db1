# SPDX-License-Identifier: GPL-2.0
"""SACK loss recovery (RFC 6675): with three segments lost out of ten, the
duplicate ACKs' SACK blocks make XTCP retransmit exactly the three holes,
each as soon as DupThresh segments above it are SACKed and pipe allows,
all within one round trip (NewReno would need one round trip per hole),
never a SACKed segment; the ACK of everything ends recovery."""
from xtcp_peer import check, check_eq, check_immediate, pattern, sack_opts

TITLE = "SACK recovery retransmits exactly the holes, in one round trip"
# Reno: the expected ssthresh is its halving (CUBIC takes 0.7).
SYSCTLS = {"rto_min_ms": 3000, "congestion_control": "reno"}


def run(t):
    c, data, at = t.sack_open_send(10)
    before = t.counters()

    def dupack(*blocks):
        return c.send("A", ack=at(0),
                      opts=sack_opts(*((at(a), at(b)) for a, b in blocks)))

    def rtx(i, sent, what):
        seg = c.expect("A", seq=at(i), data=data[1000 * i:1000 * (i + 1)],
                       what=what)
        check_immediate(seg, sent, what)

    # Segments 0, 3 and 6 are lost; the others arrive, each a dup ACK.
    dupack((1, 2))
    dupack((1, 3))
    c.expect_none(0.3, "a retransmission before DupThresh")
    sent = dupack((4, 5), (1, 3))
    rtx(0, sent, "segment 0: three SACKed above it")
    info = t.drv.info(c.sid)
    check_eq(info["ca_state"], 1, "in recovery")
    check_eq(info["snd_ssthresh"], 5, "ssthresh (10 segments in flight)")
    dupack((4, 6), (1, 3))
    c.expect_none(0.3, "a retransmission while pipe >= cwnd")
    sent = dupack((7, 8), (4, 6), (1, 3))
    rtx(3, sent, "segment 3: three SACKed above it")
    dupack((7, 9), (4, 6), (1, 3))
    sent = dupack((7, 10), (4, 6), (1, 3))
    rtx(6, sent, "segment 6: three SACKed above it")
    c.expect_none(0.5, "anything else: every hole is retransmitted once")
    t.check_counters(before, SACKRecovery=1, FastRetrans=1, RetransSegs=3,
                     SACKRetrans=3, Timeouts=0)

    # The retransmissions arrive: everything is acknowledged.
    c.send("A", ack=at(3), opts=sack_opts((at(4), at(6)), (at(7), at(10))))
    c.send("A", ack=at(6), opts=sack_opts((at(7), at(10))))
    c.send("A", ack=at(10))
    c.expect_none(0.3, "after the full ACK")
    info = t.drv.info(c.sid)
    check_eq(info["ca_state"], 0, "recovery over")
    check(info["snd_cwnd"] <= info["snd_ssthresh"],
          f"cwnd {info['snd_cwnd']} > ssthresh {info['snd_ssthresh']}")
    t.drv.send(c.sid, pattern(10000, 500))
    c.expect("PA", seq=at(10), data=pattern(10000, 500),
             what="new data after recovery")
