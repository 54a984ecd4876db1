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

from xtcp_peer import LINK_MSS, SCALE, Fail, check, check_eq, pattern

TITLE = "data ACKs wait for the reader once the buffer is more than half full"
DELACK = 0.5
SYSCTLS = {"delack_ms": int(DELACK * 1000)}
SEG = 1000


def send_pair(c, sent):
    for _ in range(2):
        c.send("A", data=pattern(sent, SEG))
        sent += SEG
    return sent


def fill_until_held(t, c, sent, full):
    """Send pairs until the timer, not the pair, sends an ACK; return the
    bytes sent."""
    room = full
    while room >= 4 * SEG:
        first = time.time()
        sent = send_pair(c, sent)
        ack = c.recv(2 * DELACK * SCALE)
        check(ack is not None, f"an ACK within delack_ms after {sent} bytes")
        check_eq(ack.ack, c.nxt, f"ACK after {sent} bytes")
        room = ack.win
        if ack.ts - first >= 0.8 * DELACK:
            t.log(f"ACK held (the timer sent it) after {sent} bytes, "
                  f"{room} of the window left (offered {full})")
            check(room >= 2 * SEG,
                  f"the window left ({room}) takes another pair")
            return sent
    raise Fail(f"every pair of segments acknowledged at once until the "
               f"window ({full} bytes) was nearly closed, {sent} bytes sent")


def run(t):
    c = t.passive_open(mss=SEG, lopts=[("SO_RCVBUF", 40 * LINK_MSS)])
    # A reader at work on the socket, as an event loop's: its epoll
    # instance waits on it. (With no reader waiting, ACKs go at once.)
    t.drv.call("epoll", c.sid)
    full = c.synack.win
    sent = 0
    read = 0
    # Another pair, held as well: the read, not the timer, sends its ACK.
    # The ACK tells which sent it only if it came before the timer could
    # have: a slow guest may take longer than that to get the read in,
    # so such a round is run again.
    for _ in range(3):
        sent = fill_until_held(t, c, sent, full)
        first = time.time()
        sent = send_pair(c, sent)
        before = time.time()
        data = t.drv.recv_all(c.sid, sent - read)
        check_eq(data, pattern(read, sent - read), "read")
        read = sent
        ack = c.expect_ack(timeout=2 * DELACK, what="the held ACK")
        check(ack.ts >= before,
              f"the pair's ACK came {before - ack.ts:.3f} s before the read")
        if ack.ts - first < 0.8 * DELACK:
            break
        t.log(f"the held ACK came {ack.ts - first:.3f} s after the pair: "
              f"the timer's or the read's; once more")
        while c.recv(2 * DELACK * SCALE) is not None:
            pass
    else:
        raise Fail("the read never sent the held ACK before the delayed-ACK "
                   "timer could have")
    check(ack.win >= full // 2,
          f"the held ACK offers {ack.win}, not the room the read made")
    c.expect_none(2 * DELACK, "a second ACK (the delayed-ACK timer's)")
