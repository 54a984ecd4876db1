# SPDX-License-Identifier: GPL-2.0
"""The receive window (RFC 9293 3.10.7.4, first check): a segment starting
at or beyond the right edge, or entirely old, is dropped and answered with
an ACK at once; one straddling the right edge is trimmed to it. The window
here is small (SO_RCVBUF 4096 on the listener)."""
import errno

from xtcp_peer import (check, check_eq, check_immediate, pattern, seq_add,
                       seq_diff)

TITLE = "segments beyond the receive window dropped with an ACK, straddling trimmed"


def run(t):
    c = t.passive_open(lopts=[("SO_RCVBUF", 4096)])
    wnd = c.sut_win
    check(1000 < wnd < 8192, f"window {wnd} with SO_RCVBUF 4096")
    base = c.nxt
    before = t.counters()
    for what, off in (("at the right edge", wnd), ("far beyond", 1 << 20),
                      ("entirely old", -200)):
        sent = c.send("A", seq=seq_add(base, off), data=pattern(off, 100),
                      advance=False)
        ack = c.expect_ack(ack=base, what=f"ACK for data {what}")
        check_immediate(ack, sent, f"ACK for data {what}")
    t.drv.fails(errno.EAGAIN, "recv", c.sid, 100, "dontwait")
    t.check_counters(before, DupSegs=1)

    # [wnd - 50, wnd + 50) straddles the edge: only its first half is kept.
    c.send("A", seq=seq_add(base, wnd - 50), data=pattern(wnd - 50, 100),
           advance=False)
    c.expect_ack(ack=base, what="duplicate ACK for the straddling segment")
    off = 0
    while off < wnd - 50:
        n = min(1000, wnd - 50 - off)
        c.send("A", seq=seq_add(base, off), data=pattern(off, n))
        off += n
    edge = seq_add(base, wnd)
    while True:
        ack = c.expect("A", plen=0, what="ACK of the data up to the edge")
        check(seq_diff(ack.ack, edge) <= 0, f"ACK {ack.ack} past the edge {edge}")
        if ack.ack == edge:
            break
    check_eq(t.drv.recv_all(c.sid, wnd), pattern(0, wnd), "data read")
    t.drv.fails(errno.EAGAIN, "recv", c.sid, 100, "dontwait")
