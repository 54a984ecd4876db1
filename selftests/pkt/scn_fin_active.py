# SPDX-License-Identifier: GPL-2.0
"""Active close (RFC 9293 3.6, 3.10.4): shutdown(SHUT_WR) sends <FIN,ACK>
(ESTABLISHED -> FIN_WAIT_1); the ACK of the FIN moves to FIN_WAIT_2; the
peer's FIN is acknowledged at once and the connection enters TIME_WAIT;
the reader sees end of file."""
from xtcp_peer import NO_RTO, check_eq, check_immediate, seq_add

TITLE = "active close: FIN_WAIT_1, FIN_WAIT_2, TIME_WAIT"
SYSCTLS = {**NO_RTO}


def run(t):
    c = t.passive_open()
    before = t.counters()
    nxt = c.sut_nxt
    t.drv.call("shutdown", c.sid, "wr")
    fin = c.expect("FA", seq=nxt, ack=c.nxt, plen=0, what="FIN")
    check_eq(t.drv.state(c.sid), "FIN_WAIT1", "state after the FIN")
    c.send("A")
    c.expect_none(0.3, "an answer to the ACK of the FIN")
    check_eq(t.drv.state(c.sid), "FIN_WAIT2", "state after the ACK")
    sent = c.send("FA")
    ack = c.expect("A", seq=seq_add(fin.seq, 1), ack=c.nxt, plen=0,
                   what="ACK of the peer's FIN")
    check_immediate(ack, sent, "ACK of the peer's FIN")
    check_eq(t.drv.call("recv", c.sid, 100).int(), 0, "recv() at end of file")
    t.check_counters(before, TimeWaits=1)
