# SPDX-License-Identifier: GPL-2.0
"""FIN+ACK (RFC 9293 3.10.7.4, FIN_WAIT_1): a peer segment that both
acknowledges XTCP's FIN and carries its own FIN moves XTCP straight to
TIME_WAIT, with one immediate ACK."""
from xtcp_peer import NO_RTO, check_eq, check_immediate, seq_add

TITLE = "FIN+ACK acknowledging XTCP's FIN: FIN_WAIT_1 -> TIME_WAIT"
SYSCTLS = {**NO_RTO}


def run(t):
    c = t.passive_open()
    before = t.counters()
    t.drv.call("shutdown", c.sid, "wr")
    fin = c.expect("FA", ack=c.nxt, plen=0, what="FIN")
    sent = c.send("FA", ack=seq_add(fin.seq, 1))
    ack = c.expect("A", seq=seq_add(fin.seq, 1), ack=c.nxt, plen=0,
                   what="ACK of the FIN+ACK")
    check_immediate(ack, sent, "ACK of the FIN+ACK")
    c.expect_none(0.3, "a second ACK")
    t.check_counters(before, TimeWaits=1)
    check_eq(t.drv.call("recv", c.sid, 100).int(), 0, "recv() at end of file")
