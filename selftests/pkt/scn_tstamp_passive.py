# SPDX-License-Identifier: GPL-2.0
"""Timestamps on a passive open (RFC 7323 3.2): a SYN with TSopt gets a
SYN-ACK with MSS, NOP, NOP, TS (Linux's layout) echoing the SYN's TSval;
once agreed, every segment XTCP sends carries TSopt (TSval from a
millisecond clock, never going back), and the sending MSS leaves room for
it. TSecr echoes TS.Recent (4.3): a delayed ACK of two segments echoes the
earlier one's TSval (case A); an out-of-order segment, beyond
Last.ACK.sent, does not update TS.Recent, so the duplicate ACK it causes
echoes the old value; the segment that fills the hole does."""
from xtcp_peer import (LINK_MSS, NO_RTO, check, check_eq, pattern, seq_add,
                       seq_diff, ts_of)

TITLE = "timestamps: passive negotiation, on every segment, TSecr echo rules"
SYSCTLS = {**NO_RTO, "delack_ms": 300}


def expect_ts(seg, tsecr, last_tsval, what):
    """seg has NOP, NOP, TS first, echoing tsecr, TSval not below last."""
    check_eq(seg.opts[:3], [("NOP", None), ("NOP", None),
                            ("Timestamp", ts_of(seg))], f"{what}: options")
    check_eq(ts_of(seg)[1], tsecr, f"{what}: TSecr")
    check(seq_diff(ts_of(seg)[0], last_tsval) >= 0,
          f"{what}: TSval {ts_of(seg)[0]} went back from {last_tsval}")
    return ts_of(seg)[0]


def run(t):
    lsid, port = t.listen()
    c = t.conn(port)
    c.send("S", opts=[("MSS", 1460), ("NOP", None), ("NOP", None),
                      ("Timestamp", (1000, 0))])
    sa = c.expect("SA", ack=c.nxt, plen=0, what="SYN-ACK")
    check(ts_of(sa) is not None, f"SYN-ACK without timestamps: {sa.opts}")
    check_eq(sa.opts, [("MSS", LINK_MSS), ("NOP", None), ("NOP", None),
                       ("Timestamp", (ts_of(sa)[0], 1000))], "SYN-ACK options")
    check_eq(sa.doff, 9, "SYN-ACK data offset (MSS + NOP NOP TS)")
    tsv = ts_of(sa)[0]

    def ts(val):
        return [("NOP", None), ("NOP", None), ("Timestamp", (val, tsv))]

    c.send("A", opts=ts(1001))
    sid = t.drv.call("accept", lsid).int()
    check_eq(t.drv.info(sid)["snd_mss"], LINK_MSS - 12, "send MSS (TS room)")

    # Data from XTCP: full segments carry the option and MSS - 12 bytes.
    data = pattern(0, 2000)
    t.drv.send(sid, data)
    d1 = c.expect("A", ack=c.nxt, data=data[:LINK_MSS - 12],
                  what="first segment")
    last = expect_ts(d1, 1001, tsv, "first segment")
    check_eq(d1.doff, 8, "data offset with TS")
    # Nagle holds the rest until this ACK, whose TSval becomes TS.Recent.
    c.send("A", opts=ts(1005))
    d2 = c.expect("PA", data=data[LINK_MSS - 12:], what="second segment")
    last = expect_ts(d2, 1005, last, "second segment")
    c.send("A", opts=ts(1006))

    # Two segments before the delayed ACK: it echoes the first one's TSval.
    c.send("PA", data=pattern(0, 100), opts=ts(1010))
    c.send("PA", data=pattern(100, 100), opts=ts(1020))
    a = c.expect_ack(timeout=2, what="delayed ACK of two segments")
    last = expect_ts(a, 1010, last, "delayed ACK")

    # Beyond Last.ACK.sent: TS.Recent stays, the duplicate ACK echoes 1010.
    hole = c.nxt
    c.send("PA", seq=seq_add(hole, 100), data=pattern(300, 100),
           opts=ts(5000), advance=False)
    a = c.expect_ack(ack=hole, timeout=1, what="duplicate ACK (out of order)")
    last = expect_ts(a, 1010, last, "duplicate ACK")
    # Filling the hole covers Last.ACK.sent: its TSval is taken.
    c.send("PA", data=pattern(200, 100), opts=ts(1030))
    c.nxt = seq_add(hole, 200)
    a = c.expect_ack(timeout=1, what="ACK of the filled hole")
    expect_ts(a, 1030, last, "ACK of the filled hole")
    check_eq(t.drv.recv_all(sid, 400), pattern(0, 400), "data read")
