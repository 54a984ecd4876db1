# SPDX-License-Identifier: GPL-2.0
"""SYN cookies keep the SYN's options in the SYN-ACK's TSval (like Linux's
cookie_init_timestamp()): its low 6 bits hold the window scale (0xf: none)
and SACK-permitted (bit 4), and it is never ahead of the clock. The final
ACK's TSecr brings them back: a cookie connection whose ACK echoes the
TSval uses timestamps (TSecr = the ACK's TSval, MSS 12 bytes shorter); one
whose SYN had no timestamps gets none. Counted in SyncookiesSent/Recv."""
from xtcp_peer import check, check_eq, pattern, ts_of

TITLE = "timestamps: SYN cookie SYN-ACK encodes the options, ACK restores them"
SYSCTLS = {"syncookies": 2}


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
    check_eq(t.drv.info(sid)["snd_mss"], 1448, "send MSS (timestamps on)")
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
    check_eq(sa.opts, [("MSS", 1460)], "options")
    n.send("A")
    sid = t.drv.call("accept", lsid).int()
    t.drv.send(sid, pattern(0, 100))
    d = n.expect("PA", ack=n.nxt, data=pattern(0, 100), what="data, no TS")
    check_eq(d.opts, [], "data options")
