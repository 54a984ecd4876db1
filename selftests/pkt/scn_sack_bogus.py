# SPDX-License-Identifier: GPL-2.0
"""SACK blocks a hostile or broken peer sends are ignored, as Linux's
tcp_is_sackblock_valid() ignores them (RFC 2018 does not make the sender
trust them): beyond what was sent, below snd_una (not a DSACK of this
episode), empty or reversed, or absurdly long. Counted in
SACKBlocksIgnored; none of them marks a segment, so no fast retransmit
follows. A valid block covering three segments does (RFC 6675
IsLost(snd_una)), on its first duplicate ACK."""
from xtcp_peer import check_eq, check_immediate, sack_opts, seq_add

TITLE = "bogus SACK blocks ignored and counted; a valid one drives recovery"
SYSCTLS = {"rto_min_ms": 3000}


def run(t):
    c, data, at = t.sack_open_send(5)
    bogus = [
        (at(1), at(6)),                         # past snd_nxt
        (at(-3), at(-1)),                       # below snd_una
        (at(3), at(1)),                         # reversed
        (at(2), at(2)),                         # empty
        (at(1), seq_add(at(1), 1 << 31)),       # 2^31 long
        (seq_add(at(5), 10), at(10)),           # all beyond
    ]
    before = t.counters()
    # Two duplicate ACKs (below DupThresh) and a window update, carrying
    # only bogus blocks: no segment SACKed, nothing retransmitted.
    c.send("A", ack=at(0), opts=sack_opts(*bogus[0:2]))
    c.send("A", ack=at(0), opts=sack_opts(*bogus[2:4]))
    c.send("A", ack=at(0), win=c.win - 1, opts=sack_opts(*bogus[4:6]))
    c.expect_none(0.5, "a retransmission for bogus SACK blocks")
    t.check_counters(before, SACKBlocksReceived=6, SACKBlocksIgnored=6,
                     FastRetrans=0, RetransSegs=0)
    check_eq(t.drv.info(c.sid)["ca_state"], 0, "not in recovery")

    # One valid block over segments 1-3 (with the window restored, not a
    # duplicate ACK): segment 0 is lost by the SACK rule at once.
    before = t.counters()
    sent = c.send("A", ack=at(0), opts=sack_opts((at(1), at(4))))
    rtx = c.expect("A", seq=at(0), data=data[:1000], what="retransmission of 0")
    check_immediate(rtx, sent, "retransmission of segment 0")
    c.expect_none(0.3, "another retransmission")
    t.check_counters(before, SACKBlocksIgnored=0, SACKRecovery=1,
                     RetransSegs=1)
    c.send("A", ack=at(5))
    c.expect_none(0.3, "anything after the full ACK")
    check_eq(t.drv.info(c.sid)["ca_state"], 0, "recovery over")
