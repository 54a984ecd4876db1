# SPDX-License-Identifier: GPL-2.0
"""Out-of-order data is acknowledged at once with a duplicate ACK (RFC 5681
4.2: "an immediate duplicate ACK ... when an out-of-order segment arrives"),
held back from the reader, and the segment filling the hole is acknowledged
at once, cumulatively."""
import errno

from xtcp_peer import check_eq, check_immediate, pattern, seq_add

TITLE = "out-of-order data: immediate duplicate ACKs, cumulative ACK at the fill"
SYSCTLS = {"delack_ms": 400}


def run(t):
    c = t.passive_open(mss=1000)
    base = c.nxt
    before = t.counters()
    for off in (1000, 2000):
        sent = c.send("A", seq=seq_add(base, off), data=pattern(off, 1000))
        ack = c.expect_ack(ack=base, what=f"duplicate ACK for data at {off}")
        check_immediate(ack, sent, f"duplicate ACK for data at {off}")
    t.drv.fails(errno.EAGAIN, "recv", c.sid, 100, "dontwait")
    sent = c.send("A", seq=base, data=pattern(0, 1000))
    ack = c.expect_ack(ack=seq_add(base, 3000), what="cumulative ACK")
    check_immediate(ack, sent, "cumulative ACK")
    c.expect_none(0.6, "a delayed ACK after the cumulative one")
    check_eq(t.drv.recv_all(c.sid, 3000), pattern(0, 3000), "data read")
    t.drv.fails(errno.EAGAIN, "recv", c.sid, 100, "dontwait")
    t.check_counters(before, OfoQueued=2, DupAcksSent=2)
