# SPDX-License-Identifier: GPL-2.0
"""Simultaneous close (RFC 9293 3.6, figure 13): XTCP's FIN and the peer's
cross; the peer's FIN, not acknowledging XTCP's, is acknowledged at once
(FIN_WAIT_1 -> CLOSING); the ACK of XTCP's FIN then leads to TIME_WAIT."""
from xtcp_peer import NO_RTO, check_eq, check_immediate, seq_add

TITLE = "simultaneous close: FIN_WAIT_1, CLOSING, TIME_WAIT"
SYSCTLS = {**NO_RTO}


def run(t):
    c = t.passive_open()
    before = t.counters()
    t.drv.call("shutdown", c.sid, "wr")
    fin = c.expect("FA", ack=c.nxt, plen=0, what="FIN")
    sent = c.send("FA", ack=fin.seq)
    ack = c.expect("A", seq=seq_add(fin.seq, 1), ack=c.nxt, plen=0,
                   what="ACK of the crossing FIN")
    check_immediate(ack, sent, "ACK of the crossing FIN")
    check_eq(t.drv.state(c.sid), "CLOSING", "state after both FINs")
    c.send("A", ack=seq_add(fin.seq, 1))
    c.expect_none(0.3, "an answer to the ACK of XTCP's FIN")
    t.check_counters(before, TimeWaits=1)
    check_eq(t.drv.call("recv", c.sid, 100).int(), 0, "recv() at end of file")
