# SPDX-License-Identifier: GPL-2.0
"""connect() sends a SYN carrying, in Linux's layout, MSS, SACK-permitted
and timestamps (TSecr 0: RFC 7323 3.2), then NOP and window scale, and an
unscaled window; a second connection on the same 4-tuple starts from another ISN,
further along (RFC 9293 3.4.1, RFC 6528). A RST,ACK refuses the connection:
connect() fails with ECONNREFUSED (RFC 9293 3.10.7.3)."""
import errno
import random

from xtcp_peer import (LINK_MSS, PEER_IP, SUT_IP, check, check_eq, seq_add,
                       seq_diff, sut_wscale, ts_of)

TITLE = "SYN fields: MSS, SACK-permitted, timestamps, WS; unscaled window; ISNs differ"


def run(t):
    lport = random.randint(30000, 39999)
    rport = random.randint(5000, 9999)
    isns = []
    for _ in range(2):
        sid = t.drv.call("socket").int()
        t.drv.call("setsockopt", sid, "SO_REUSEADDR", 1)
        t.drv.call("bind", sid, SUT_IP, lport)
        connect = t.drv.start("connect", sid, PEER_IP, rport)
        c = t.conn(lport, sport=rport)
        syn = c.expect("S", ack=0, plen=0, urgptr=0, what="SYN")
        check_eq(syn.opts, [("MSS", LINK_MSS), ("SAckOK", b""),
                            ("Timestamp", (ts_of(syn)[0], 0)), ("NOP", None),
                            ("WScale", sut_wscale())], "SYN options")
        check_eq(syn.doff, 10,
                 "SYN data offset (20 bytes + MSS + SACK_PERM, TS + NOP, WS)")
        check(0 < syn.win <= 65535, f"SYN window {syn.win}")
        isns.append(syn.seq)
        # Refuse: <SEQ=0><ACK=ISN+1><CTL=RST,ACK>.
        c.send("RA", seq=0, ack=seq_add(syn.seq, 1))
        connect.fails(errno.ECONNREFUSED)
        c.expect_none(0.3, "after the RST")
        t.drv.call("close", sid)
    check(isns[0] != isns[1], f"same ISN {isns[0]} twice on one 4-tuple")
    check(0 < seq_diff(isns[1], isns[0]) < 1 << 30,
          f"second ISN {isns[1]} does not follow the first {isns[0]}")
