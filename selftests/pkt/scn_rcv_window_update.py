# SPDX-License-Identifier: GPL-2.0
"""Window updates after a read, as tcp_cleanup_rbuf() sends them: a read
that leaves more than half of the largest window still open sends nothing
of its own (the next ACK of data carries the reopened window); once the
open window fell to half of it or less, a read that at least doubles it
sends an update at once, so a sender held by the window goes on."""
import time

from xtcp_peer import LINK_MSS, check, check_eq, check_immediate, pattern

TITLE = "window update after a read: only from half the window, doubling it"
# The longest delayed ACK: each pair must be acknowledged by its second
# segment, not by the timer after its first, even in a loaded debug guest.
SYSCTLS = {"delack_ms": 500}
SEG = 1000


def send_pairs(c, sent, pairs):
    """Send `pairs` pairs of full segments, each pair answered by an
    immediate ACK of both; return the bytes sent and the last ACK."""
    ack = None
    for _ in range(pairs):
        for _ in range(2):
            c.send("A", data=pattern(sent, SEG))
            sent += SEG
        ack = c.expect_ack(what=f"ACK after {sent} bytes")
    return sent, ack


def run(t):
    # XTCP offers half of SO_RCVBUF's doubled value, rounded down to whole
    # segments: 40 of them, well inside 64 KiB (no window scaling here).
    c = t.passive_open(mss=SEG, lopts=[("SO_RCVBUF", 40 * LINK_MSS)])
    full = c.synack.win
    check_eq(full, 40 * LINK_MSS, "the SYN-ACK's window")

    # Four segments unread: most of the window is still open.
    sent, ack = send_pairs(c, 0, 2)
    check(2 * ack.win > full,
          f"open window {ack.win} after {sent} bytes, not above half of {full}")
    check_eq(t.drv.recv_all(c.sid, sent), pattern(0, sent), "first read")
    c.expect_none(0.6, "a window update after a read that left more than "
                  "half of the window open")

    # Fill it to half or less, unread, then read it all.
    done = sent
    for _ in range(20):
        sent, ack = send_pairs(c, sent, 1)
        if 2 * ack.win <= full:
            break
    check(2 * ack.win <= full,
          f"open window {ack.win} after {sent - done} unread bytes, still "
          f"above half of {full}")
    before = time.time()
    check_eq(t.drv.recv_all(c.sid, sent - done), pattern(done, sent - done),
             "second read")
    upd = c.expect_ack(timeout=2, what="window update after the second read")
    check_immediate(upd, before, "window update after the second read")
    check(upd.win >= 2 * ack.win,
          f"window update to {upd.win}, not double the {ack.win} left open")
    c.expect_none(0.6, "a second window update")
