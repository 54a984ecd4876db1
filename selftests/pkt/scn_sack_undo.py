# SPDX-License-Identifier: GPL-2.0
"""DSACK undo (RFC 2883 5, RFC 3708): the peer SACKs three segments above
the first, which XTCP retransmits and halves its window for; then the first
segment's original arrives late (reordering, not loss) and the
retransmission comes back as a DSACK below the cumulative ACK. Every
retransmission of the episode was spurious: cwnd and ssthresh are restored
(SpuriousRetransUndo). A DSACK for data of no recovery episode changes
nothing."""
from xtcp_peer import check, check_eq, sack_opts

TITLE = "DSACK of every retransmission undoes the window reduction"
# Reno: the expected ssthresh is its halving (CUBIC takes 0.7).
SYSCTLS = {"rto_min_ms": 3000, "congestion_control": "reno"}


def run(t):
    c, _, at = t.sack_open_send(6)
    info = t.drv.info(c.sid)
    cwnd0, ssthresh0 = info["snd_cwnd"], info["snd_ssthresh"]
    before = t.counters()
    c.send("A", ack=at(0), opts=sack_opts((at(1), at(4))))
    c.expect("A", seq=at(0), plen=1000, what="retransmission of segment 0")
    info = t.drv.info(c.sid)
    check_eq(info["ca_state"], 1, "in recovery")
    check_eq(info["snd_ssthresh"], 3, "ssthresh halved")

    # The original segment 0 arrives, then the retransmission: a DSACK.
    c.send("A", ack=at(6))
    c.send("A", ack=at(6), opts=sack_opts((at(0), at(1))))
    c.expect_none(0.3, "anything for the DSACK")
    info = t.drv.info(c.sid)
    t.check_counters(before, DSACKRecv=1, SpuriousRetransUndo=1)
    check_eq(info["ca_state"], 0, "open")
    check_eq(info["snd_ssthresh"], ssthresh0, "ssthresh restored")
    check(info["snd_cwnd"] >= cwnd0, f"cwnd {info['snd_cwnd']} restored")

    # A second, unrelated DSACK: no episode to undo, ignored.
    before = t.counters()
    c.send("A", ack=at(6), opts=sack_opts((at(2), at(3))))
    c.expect_none(0.3, "anything for a stray DSACK")
    t.check_counters(before, SpuriousRetransUndo=0, SACKBlocksIgnored=1)
