# SPDX-License-Identifier: GPL-2.0
"""SYN cookies keep the SYN's options in the SYN-ACK's TSval (like Linux's
cookie_init_timestamp()): its low 6 bits hold the window scale (0xf: none)
and SACK-permitted (bit 4), and it is never ahead of the clock. The final
ACK's TSecr brings them back: a cookie connection whose ACK echoes the
TSval uses timestamps (TSecr = the ACK's TSval, MSS 12 bytes shorter); one
whose SYN had no timestamps gets none. A SYN with window scale and
SACK-permitted as well gets both back in the cookie SYN-ACK (Linux's
layout), and the connection the ACK makes scales windows both ways and
sends SACK blocks. Counted in SyncookiesSent/Recv."""
from xtcp_peer import (LINK_MSS, NO_RTO, check, check_eq, pattern, sut_wscale,
                       ts_of)

TITLE = "timestamps: SYN cookie SYN-ACK encodes the options, ACK restores them"
ALL_OPTS = [("MSS", 1460), ("SAckOK", b""), ("Timestamp", (700, 0)),
            ("NOP", None), ("WScale", 7)]
SYSCTLS = {**NO_RTO, "syncookies": 2}


def run(t):
    lsid, port = t.listen()
    before = t.counters()
    c = t.conn(port)
    c.send("S", opts=[("MSS", 1460), ("NOP", None), ("NOP", None),
                      ("Timestamp", (500, 0))])
    sa = c.expect("SA", ack=c.nxt, plen=0, what="cookie SYN-ACK")
    check(ts_of(sa) is not None, f"cookie SYN-ACK without timestamps: {sa.opts}")
    tsv, ecr = ts_of(sa)
    check_eq(ecr, 500, "cookie SYN-ACK's TSecr")
    c.send("A", opts=[("NOP", None), ("NOP", None), ("Timestamp", (501, tsv))])
    sid = t.drv.call("accept", lsid).int()
    check_eq(t.drv.state(sid), "ESTABLISHED", "cookie connection")
    check_eq(t.drv.info(sid)["snd_mss"], LINK_MSS - 12,
             "send MSS (timestamps on)")
    t.drv.send(sid, pattern(0, 100))
    d = c.expect("PA", ack=c.nxt, data=pattern(0, 100), what="data")
    check(ts_of(d) is not None, f"data without timestamps: {d.opts}")
    check_eq(ts_of(d)[1], 501, "data's TSecr")
    check(0 <= (ts_of(d)[0] - tsv) & 0xFFFFFFFF < 10000,
          f"TSval {ts_of(d)[0]} does not follow the SYN-ACK's {tsv}")
    t.check_counters(before, SyncookiesSent=1, SyncookiesRecv=1)

    # No timestamps in the SYN: none in the SYN-ACK, none afterwards.
    n = t.conn(port)
    n.send("S", opts=[("MSS", 1460)])
    sa = n.expect("SA", ack=n.nxt, plen=0, what="cookie SYN-ACK, no TS")
    check_eq(sa.opts, [("MSS", LINK_MSS)], "options")
    n.send("A")
    sid = t.drv.call("accept", lsid).int()
    t.drv.send(sid, pattern(0, 100))
    d = n.expect("PA", ack=n.nxt, data=pattern(0, 100), what="data, no TS")
    check_eq(d.opts, [], "data options")

    # Timestamps, SACK-permitted and window scale: all three come back,
    # and the ACK's TSecr restores the peer's shift and SACK-permitted.
    ws = sut_wscale()
    w = t.conn(port)
    w.send("S", opts=ALL_OPTS)
    sa = w.expect("SA", ack=w.nxt, plen=0, what="cookie SYN-ACK, all options")
    check(ts_of(sa) is not None, f"cookie SYN-ACK without timestamps: {sa.opts}")
    tsv = ts_of(sa)[0]
    check_eq([o[0] for o in sa.opts], ["MSS", "SAckOK", "Timestamp", "NOP", "WScale"],
             "cookie SYN-ACK's option layout")
    check_eq(sa.opts[4], ("WScale", ws), "cookie SYN-ACK's window scale")
    # (The TSval's low bits hold them before the per-connection offset is
    # added: not readable here, but the ACK below must bring them back.)
    w.win = 20
    w.send("A", opts=[("NOP", None), ("NOP", None), ("Timestamp", (701, tsv))])
    sid = t.drv.call("accept", lsid).int()
    check_eq(t.drv.info(sid)["snd_wnd"], 20 << 7, "send window (scaled by 7)")
    # Data past a hole: the ACK carries the window scaled by XTCP's shift
    # and a SACK block for what arrived.
    w.win = 512
    w.send("PA", data=pattern(100, 100), seq=w.nxt + 100, advance=False,
           opts=[("NOP", None), ("NOP", None), ("Timestamp", (702, tsv))])
    ack = w.expect_ack(what="ACK of out-of-order data", timeout=2)
    blocks = [o[1] for o in ack.opts if o[0] == "SAck"]
    check(blocks and blocks[0][:2] == ((w.nxt + 100) & 0xFFFFFFFF,
                                       (w.nxt + 200) & 0xFFFFFFFF),
          f"no SACK block for the data past the hole: {ack.opts}")
    check_eq(ack.win << ws, t.drv.info(sid)["rcv_wnd"], "window field << shift")
    t.check_counters(before, SyncookiesSent=3, SyncookiesRecv=3)
