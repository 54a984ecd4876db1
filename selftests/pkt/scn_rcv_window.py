# SPDX-License-Identifier: GPL-2.0
"""XTCP's own receive window (RFC 9293 3.8.6.2): a reader that does not
read sees its window close to zero, without its right edge ever moving left
and without dropping data sent inside it; a zero-window probe is answered
with an ACK and dropped; reading reopens the window with an update sent
unprompted."""
from xtcp_peer import (LINK_MSS, check, check_eq, check_immediate, pattern,
                       seq_add, seq_diff)

TITLE = "receive window closes to zero, probe answered, update on read"


def run(t):
    c = t.passive_open(lopts=[("SO_RCVBUF", 8192)])
    edge = seq_add(c.nxt, c.sut_win)
    sent = 0
    for _ in range(30):
        room = seq_diff(edge, c.nxt)
        if room <= 0:
            break
        n = min(LINK_MSS, room)
        c.send("A", data=pattern(sent, n))
        sent += n
        ack = c.expect_ack(what=f"ACK after {sent} bytes")
        new_edge = seq_add(ack.ack, ack.win)
        check(seq_diff(new_edge, edge) >= 0,
              f"window shrank: right edge {new_edge} < {edge}")
        edge = new_edge
    check_eq(c.sut_win, 0, f"window after {sent} unread bytes")
    probe = c.send("A", data=pattern(sent, 1), advance=False)
    ack = c.expect_ack(what="ACK of the zero-window probe")
    check_immediate(ack, probe, "ACK of the zero-window probe")
    check_eq(ack.win, 0, "window in the probe's ACK")

    check_eq(t.drv.recv_all(c.sid, sent), pattern(0, sent), "data read")
    upd = c.expect_ack(what="window update")
    check(upd.win >= LINK_MSS, f"window update to {upd.win}")
    while c.recv(0.3):
        pass
    c.send("A", data=pattern(sent, 1))
    c.expect_ack(ack=c.nxt, timeout=2, what="ACK of the byte")
