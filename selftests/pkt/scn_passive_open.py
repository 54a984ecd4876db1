# SPDX-License-Identifier: GPL-2.0
"""Passive open (RFC 9293 3.10.7.2): the SYN-ACK is <SEQ=ISN><ACK=SYN+1>
with MSS, and, since the SYN offered them, SACK-permitted (NOP, NOP,
SACK_PERM: RFC 2018 2, Linux's layout without timestamps) and window scale
(RFC 7323 2). The peer's SYN carries no timestamps, so none are used
(scn_tstamp_* covers them), and announces a window scale of 0
(scn_wscale_* covers others): its window is taken as is, and its MSS
honoured.
"""
from xtcp_peer import LINK_MSS, check, check_eq, pattern, seq_add, sut_wscale

TITLE = "passive open: SYN-ACK numbers, MSS, SACK-permitted and WS echoed"
# No retransmission while the test holds its ACK back.
SYSCTLS = {"rto_min_ms": 3000}

SYN_OPTS = [("MSS", 1200), ("SAckOK", b""), ("NOP", None), ("NOP", None),
            ("NOP", None), ("WScale", 0)]


def run(t):
    lsid, port = t.listen()
    c = t.conn(port)
    c.send("S", opts=SYN_OPTS)
    sa = c.expect("SA", ack=seq_add(c.iss, 1), plen=0,
                  opts=[("MSS", LINK_MSS), ("NOP", None), ("NOP", None),
                        ("SAckOK", b""), ("NOP", None),
                        ("WScale", sut_wscale())],
                  what="SYN-ACK")
    check(0 < sa.win <= 65535, f"SYN-ACK window {sa.win}")
    # The third segment offers a window of 2400: shift 0, two segments.
    c.win = 2400
    c.send("A", seq=seq_add(c.iss, 1), ack=seq_add(sa.seq, 1))
    sid = t.drv.call("accept", lsid).int()
    check_eq(t.drv.state(sid), "ESTABLISHED", "state")
    info = t.drv.info(sid)
    check_eq(info["snd_wnd"], 2400, "send window (unscaled)")
    check_eq(info["snd_mss"], 1200, "send MSS")

    data = pattern(0, 3000)
    t.drv.send(sid, data)
    una = seq_add(sa.seq, 1)
    c.expect("A", seq=una, ack=c.nxt, data=data[:1200], what="first segment")
    c.expect("A", seq=seq_add(una, 1200), data=data[1200:2400],
             what="second segment")
    c.expect_none(0.3, "data beyond the peer's 2400-byte window")
    c.send("A")
    c.expect("PA", seq=seq_add(una, 2400), data=data[2400:], what="the rest")
