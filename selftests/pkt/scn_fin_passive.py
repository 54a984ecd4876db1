# SPDX-License-Identifier: GPL-2.0
"""Passive close (RFC 9293 3.6): the peer's FIN moves XTCP to CLOSE_WAIT
and the reader sees end of file. Its ACK is delayed, as TCP's (tcp_fin():
the owner's close() usually follows, and its FIN carries the ACK), so an
owner that does not close sends it when the delayed-ACK timer (delack_ms)
expires. close() sends XTCP's FIN (LAST_ACK); its ACK ends the connection,
after which a segment for it is answered with <SEQ=SEG.ACK><CTL=RST>."""
from xtcp_peer import check_eq, check_interval

TITLE = "passive close: CLOSE_WAIT (ACK delayed), LAST_ACK, CLOSED"
SYSCTLS = {"delack_ms": 300}


def run(t):
    c = t.passive_open()
    sent = c.send("FA")
    ack = c.expect_ack(timeout=2, what="ACK of the FIN")
    check_interval(ack.ts - sent, 0.300, "ACK of the FIN (delack_ms)")
    check_eq(t.drv.call("recv", c.sid, 100).int(), 0, "recv() at end of file")
    check_eq(t.drv.state(c.sid), "CLOSE_WAIT", "state")
    nxt = c.sut_nxt
    t.drv.call("close", c.sid)
    c.expect("FA", seq=nxt, ack=c.nxt, plen=0, what="FIN")
    c.send("A")
    c.expect_none(0.3, "an answer to the last ACK")
    c.send("PA", data=b"late", advance=False)
    c.expect("R", seq=c.sut_nxt, plen=0, what="RST for the closed connection")
