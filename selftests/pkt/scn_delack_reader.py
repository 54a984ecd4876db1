# SPDX-License-Identifier: GPL-2.0
"""Data ACKs with a reader asleep in recv() (RFC 5681 4.2): the ACK owed
for the second full-sized segment comes from the reader once it has taken
the data, so it carries the window the read reopened, as TCP's comes from
tcp_cleanup_rbuf(); one ACK, without delay, and the delayed-ACK timer sends
nothing after it. Sent from the softirq before the read, it would offer
the window less the data still queued: with SO_RCVBUF a whole number of
segments, the queued bytes cost a segment of the offer."""
import time

from xtcp_peer import LINK_MSS, SCALE, check, check_eq, check_immediate, pattern

TITLE = "data ACKs: a waiting reader acknowledges two full segments, window reopened"
SYSCTLS = {"delack_ms": 300}


def run(t):
    # XTCP offers half of SO_RCVBUF's doubled value, rounded down to whole
    # segments: exactly this, until something is queued.
    c = t.passive_open(mss=1000, lopts=[("SO_RCVBUF", 40 * LINK_MSS)])
    offered = c.synack.win
    check_eq(offered, 40 * LINK_MSS, "the SYN-ACK's window")
    # MSG_WAITALL: the first segment wakes the reader, which sleeps again
    # for the second.
    pend = t.drv.start("recv", c.sid, 2000, "waitall")
    time.sleep(0.2 * SCALE)
    c.send("A", data=pattern(0, 1000))
    sent = c.send("PA", data=pattern(1000, 1000))
    ack = c.expect_ack(ack=c.nxt, timeout=2, what="ACK of two full segments")
    check_immediate(ack, sent, "ACK of the second full segment")
    check(ack.win >= offered,
          f"the ACK offers {ack.win}, less than the empty buffer's {offered}: "
          "sent before the reader took the data")
    c.expect_none(0.6, "a second ACK")
    r = pend.ok()
    check_eq(bytes.fromhex(r.values[1]), pattern(0, 2000), "data read")
