# SPDX-License-Identifier: GPL-2.0
"""FIN with data, both ways: the peer's last bytes ride on its FIN and are
acknowledged with it (ACK = SEG.SEQ + SEG.LEN + 1), after delack_ms, as
TCP delays the ACK of a FIN that moves it to CLOSE_WAIT; XTCP's last
bytes, held back by Nagle behind a full segment in flight, leave with its
FIN in one segment <FIN,PSH,ACK>."""
from xtcp_peer import LINK_MSS, check_eq, check_interval, pattern, seq_add

TITLE = "FIN with data: received, and sent on XTCP's last data segment"
# No retransmission of the full segment while the test holds its ACK back.
SYSCTLS = {"rto_min_ms": 3000, "delack_ms": 300}


def run(t):
    c = t.passive_open()
    sent = c.send("FPA", data=pattern(0, 300))
    ack = c.expect_ack(timeout=2, what="ACK of data and FIN")
    check_interval(ack.ts - sent, 0.300, "ACK of data and FIN (delack_ms)")
    check_eq(t.drv.recv_all(c.sid, 300), pattern(0, 300), "data read")
    check_eq(t.drv.call("recv", c.sid, 100).int(), 0, "recv() at end of file")

    una = c.sut_nxt
    t.drv.send(c.sid, pattern(0, LINK_MSS))
    c.expect("PA", seq=una, plen=LINK_MSS, what="full segment")
    t.drv.send(c.sid, pattern(LINK_MSS, 200))
    c.expect_none(0.2, "a small segment while one is in flight (Nagle)")
    t.drv.call("shutdown", c.sid, "wr")
    c.expect("FPA", seq=seq_add(una, LINK_MSS), ack=c.nxt,
             data=pattern(LINK_MSS, 200), what="last data with the FIN")
    c.send("A")
    c.expect_none(0.3, "after the last ACK")
    check_eq(t.drv.state(c.sid), "CLOSE", "state")
