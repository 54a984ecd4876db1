# SPDX-License-Identifier: GPL-2.0
"""A SYN-ACK whose ACK never comes is sent again after 1 s and 2 s; with
synack_retries = 2 the request is dropped 4 s later: the late ACK then
meets the listener, which answers <SEQ=SEG.ACK><CTL=RST> (RFC 9293
3.10.7.2), and accept() has nothing to return."""
import errno
import time

from xtcp_peer import (LINK_MSS, check_backoff, check_interval, seq_add,
                       sleep_until)

TITLE = "SYN-ACK retransmission at 1 s, 2 s; request dropped, late ACK reset"
SYSCTLS = {"synack_retries": 2}


def run(t):
    lsid, port = t.listen()
    t.drv.call("nonblock", lsid, 1)
    c = t.conn(port)
    c.send("S", opts=[("MSS", 1460)])
    sa = c.expect("SA", ack=c.nxt, plen=0, opts=[("MSS", LINK_MSS)],
                  what="SYN-ACK")
    rtx1 = c.expect("SA", seq=sa.seq, ack=c.nxt, plen=0, opts=sa.opts,
                    timeout=3, what="first SYN-ACK retransmission")
    rtx2 = c.expect("SA", seq=sa.seq, ack=c.nxt, plen=0, opts=sa.opts,
                    timeout=5, what="second SYN-ACK retransmission")
    gaps = [rtx1.ts - sa.ts, rtx2.ts - rtx1.ts]
    check_interval(gaps[0], 1.0, "first SYN-ACK retransmission")
    check_interval(gaps[1], 2.0, "second SYN-ACK retransmission")
    check_backoff(gaps, "SYN-ACK retransmissions")
    c.expect_none(rtx2.ts + 3.6 - time.time(), "a third SYN-ACK")
    sleep_until(rtx2.ts + 4.6)
    # The request is gone: the handshake's ACK is answered with a reset.
    c.send("A")
    c.expect("R", seq=seq_add(sa.seq, 1), plen=0, what="RST for the late ACK")
    t.drv.fails(errno.EAGAIN, "accept", lsid)
