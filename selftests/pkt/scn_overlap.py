# SPDX-License-Identifier: GPL-2.0
"""Overlapping and duplicate segments are trimmed (RFC 9293 3.10.7.4: only
new data is processed): a segment overlapping data already received, an
exact duplicate (answered with an ACK at once), and out-of-order segments
overlapping each other all leave the reader exactly the stream, once."""
import errno

from xtcp_peer import check_eq, check_immediate, pattern, seq_add

TITLE = "overlapping and duplicate segments trimmed, reader sees the stream once"


def run(t):
    c = t.passive_open()
    base = c.nxt

    def seg(off, n):
        return c.send("A", seq=seq_add(base, off), data=pattern(off, n))

    before = t.counters()
    seg(0, 100)
    c.expect_ack(ack=seq_add(base, 100), what="ACK of [0, 100)")
    seg(50, 150)
    c.expect_ack(ack=seq_add(base, 200), what="ACK of [50, 200) (overlaps)")
    sent = seg(0, 200)
    ack = c.expect_ack(ack=seq_add(base, 200), what="ACK of a duplicate")
    check_immediate(ack, sent, "ACK of a duplicate")
    seg(300, 100)
    c.expect_ack(ack=seq_add(base, 200), what="duplicate ACK for [300, 400)")
    seg(250, 200)
    c.expect_ack(ack=seq_add(base, 200), what="duplicate ACK for [250, 450)")
    seg(150, 150)
    c.expect_ack(ack=seq_add(base, 450), what="cumulative ACK to 450")
    check_eq(t.drv.recv_all(c.sid, 450), pattern(0, 450), "data read")
    t.drv.fails(errno.EAGAIN, "recv", c.sid, 100, "dontwait")
    t.check_counters(before, DupSegs=(1, "+"))
