# SPDX-License-Identifier: GPL-2.0
"""RST in ESTABLISHED (RFC 5961 3.2): an in-window RST that is not exactly
at RCV.NXT gets a challenge ACK and leaves the connection up; one outside
the window is dropped silently; one exactly at RCV.NXT resets the
connection (recv() fails with ECONNRESET) and is not answered."""
import errno

from xtcp_peer import check_eq, check_immediate, pattern, seq_add

TITLE = "RFC 5961 RST: challenge ACK in window, ignored outside, exact resets"


def run(t):
    c = t.passive_open()
    wnd = c.sut_win
    before = t.counters()
    sent = c.send("R", seq=seq_add(c.nxt, 1000), advance=False)
    ack = c.expect_ack(what="challenge ACK")
    check_immediate(ack, sent, "challenge ACK")
    t.check_counters(before, ChallengeAcks=1)
    c.send("R", seq=seq_add(c.nxt, wnd + 1000), advance=False)
    c.send("R", seq=seq_add(c.nxt, -1), advance=False)
    c.send("RA", seq=seq_add(c.nxt, -5000), advance=False)
    c.expect_none(0.5, "an answer to RSTs outside the window")
    check_eq(t.drv.state(c.sid), "ESTABLISHED", "state after bogus RSTs")
    c.send("PA", data=pattern(0, 10))
    c.expect_ack(what="ACK of data after the bogus RSTs")
    check_eq(t.drv.recv_all(c.sid, 10), pattern(0, 10), "data read")

    c.send("R", advance=False)
    c.expect_none(0.4, "an answer to the exact RST")
    t.drv.fails(errno.ECONNRESET, "recv", c.sid, 100)
    t.check_counters(before, ChallengeAcks=1, InRsts=1)
