# SPDX-License-Identifier: GPL-2.0
"""Data ACKs (RFC 5681 4.2, RFC 9293 3.8.6.3): a lone small segment is
acknowledged when the delayed-ACK timer (delack_ms) expires; the second of
two full-sized segments is acknowledged at once, and the timer armed by the
first sends nothing more."""
from xtcp_peer import (check_eq, check_immediate, check_interval, pattern)

TITLE = "data ACKs: delayed by delack_ms, immediate every second full segment"
SYSCTLS = {"delack_ms": 300}


def run(t):
    c = t.passive_open(mss=1000)
    sent = c.send("PA", data=pattern(0, 100))
    ack = c.expect_ack(timeout=2, what="delayed ACK")
    check_interval(ack.ts - sent, 0.300, "delayed ACK")

    # Full-sized here is min(our MSS 1460, the peer's 1000).
    c.send("A", data=pattern(100, 1000))
    sent = c.send("PA", data=pattern(1100, 1000))
    ack = c.expect_ack(timeout=2, what="ACK of two full segments")
    check_immediate(ack, sent, "ACK of the second full segment")
    c.expect_none(0.6, "a second ACK from the delayed-ACK timer")
    check_eq(t.drv.recv_all(c.sid, 2100), pattern(0, 2100), "data read")
