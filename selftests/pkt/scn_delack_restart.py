# SPDX-License-Identifier: GPL-2.0
"""Delayed ACKs in an exchange of requests and replies (RFC 5681 4.2,
RFC 9293 3.8.6.3): a reply carries the ACK of its request, and the next
request, arriving later, is acknowledged delack_ms after its own arrival,
not when the timer armed by the first request would have expired."""
import time

from xtcp_peer import (NO_RTO, check_eq, check_interval, pattern)

TITLE = "delayed ACK: counted from the data it acknowledges, after a piggybacked ACK"
SYSCTLS = {**NO_RTO, "delack_ms": 400}


def run(t):
    c = t.passive_open(mss=1000)
    t0 = c.send("PA", data=pattern(0, 10))
    check_eq(t.drv.send(c.sid, b"r"), 1, "send() of the reply")
    c.expect("PA", ack=c.nxt, plen=1, what="reply carrying the ACK")
    c.send("A")     # before the reply's loss probe

    # Still inside the timer the first request armed.
    time.sleep(max(0.0, t0 + 0.25 - time.time()))
    sent = c.send("PA", data=pattern(10, 10))
    ack = c.expect_ack(timeout=2, what="delayed ACK of the second request")
    check_interval(ack.ts - sent, 0.400, "delayed ACK of the second request")
    c.expect_none(0.5, "a second delayed ACK")
    check_eq(t.drv.recv_all(c.sid, 20), pattern(0, 20), "data read")
