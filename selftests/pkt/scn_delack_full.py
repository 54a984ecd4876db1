# SPDX-License-Identifier: GPL-2.0
"""Data ACKs as the receive buffer fills, as __tcp_ack_snd_check() and
tcp_cleanup_rbuf() send them: every second full-sized segment is
acknowledged at once only while the reader keeps the buffer at most half
full; past that the ACK waits for a reader at work on the socket (here an
epoll instance waiting on it), whose read sends it at once, with the room
it made. (Acknowledged at once, those ACKs offered less
window each time and let a sender held by the window send nothing more; a
bulk receiver that lagged sent one for every skb it took.)

A held ACK shows as one the delayed-ACK timer sent: it comes delack_ms
after the pair's first segment, where an ACK sent at once comes as the
second one is in (15 to 30 ms in the debug guest). The pair after that is
held too, and the read must send its ACK."""
import time

from xtcp_peer import (LINK_MSS, SCALE, check, check_eq, check_immediate,
                       pattern)

TITLE = "data ACKs wait for the reader once the buffer is more than half full"
DELACK = 0.5
SYSCTLS = {"delack_ms": int(DELACK * 1000)}
SEG = 1000


def send_pair(c, sent):
    for _ in range(2):
        c.send("A", data=pattern(sent, SEG))
        sent += SEG
    return sent


def run(t):
    c = t.passive_open(mss=SEG, lopts=[("SO_RCVBUF", 40 * LINK_MSS)])
    # A reader at work on the socket, as an event loop's: its epoll
    # instance waits on it. (With no reader waiting, ACKs go at once.)
    t.drv.call("epoll", c.sid)
    full = c.synack.win
    room = full     # what the last window offered leaves to send
    sent = 0
    held = None
    while room >= 4 * SEG:
        first = time.time()
        sent = send_pair(c, sent)
        ack = c.recv(2 * DELACK * SCALE)
        check(ack is not None, f"an ACK within delack_ms after {sent} bytes")
        check_eq(ack.ack, c.nxt, f"ACK after {sent} bytes")
        room = ack.win
        if ack.ts - first >= 0.8 * DELACK:
            held = sent
            break
    check(held is not None,
          f"every pair of segments acknowledged at once until the window "
          f"({full} bytes) was nearly closed, {sent} bytes unread")
    t.log(f"ACK held (the timer sent it) after {held} unread bytes, "
          f"{room} of the window left (offered {full})")
    check(room >= 2 * SEG, f"the window left ({room}) takes another pair")

    # Another pair, held as well: the read, not the timer, sends its ACK.
    first = time.time()
    sent = send_pair(c, sent)
    before = time.time()
    check_eq(t.drv.recv_all(c.sid, sent), pattern(0, sent), "read")
    check(time.time() - first < 0.8 * DELACK,
          "the pair and the read took longer than the delayed ACK")
    ack = c.expect_ack(timeout=1, what="the held ACK, sent by the read")
    check(ack.ts >= before,
          f"the pair's ACK came {before - ack.ts:.3f} s before the read")
    check_immediate(ack, before, "the held ACK after the read")
    check(ack.win >= full // 2,
          f"the held ACK offers {ack.win}, not the room the read made")
    c.expect_none(2 * DELACK, "a second ACK (the delayed-ACK timer's)")
