# SPDX-License-Identifier: GPL-2.0
"""PAWS (RFC 7323 5.3): once timestamps are agreed, an in-window data
segment whose TSval is older than TS.Recent is an old duplicate: it is
dropped, its data never reaches the reader, and it is answered with an ACK
(echoing TS.Recent, acknowledging nothing new), counted in
PAWSEstabRejected. The same bytes with a current TSval are taken. A RST
is exempt (5.2): an old TSval does not stop an exact RST."""
import errno

from xtcp_peer import check_eq, pattern, ts_of

TITLE = "timestamps: PAWS drops an old duplicate with an ACK, not a RST"


def run(t):
    lsid, port = t.listen()
    c = t.conn(port)
    c.send("S", opts=[("MSS", 1460), ("NOP", None), ("NOP", None),
                      ("Timestamp", (100000, 0))])
    sa = c.expect("SA", ack=c.nxt, plen=0, what="SYN-ACK")
    tsv = ts_of(sa)[0]

    def ts(val):
        return [("NOP", None), ("NOP", None), ("Timestamp", (val, tsv))]

    c.send("A", opts=ts(100001))
    sid = t.drv.call("accept", lsid).int()
    c.send("PA", data=pattern(0, 100), opts=ts(200000))
    c.expect_ack(timeout=1, what="ACK of the first data")
    check_eq(t.drv.recv_all(sid, 100), pattern(0, 100), "first data")

    before = t.counters()
    c.send("PA", data=pattern(100, 100), opts=ts(150000), advance=False)
    a = c.expect_ack(timeout=0.5, what="ACK of an old duplicate")
    check_eq(ts_of(a)[1], 200000, "TSecr of the PAWS ACK (TS.Recent)")
    t.drv.fails(errno.EAGAIN, "recv", sid, 100, "dontwait")
    t.check_counters(before, PAWSEstabRejected=1)

    c.send("PA", data=pattern(100, 100), opts=ts(200001))
    a = c.expect_ack(timeout=1, what="ACK of the same bytes, new TSval")
    check_eq(ts_of(a)[1], 200001, "TSecr")
    check_eq(t.drv.recv_all(sid, 100), pattern(100, 100), "second data")

    c.send("R", opts=ts(5))
    c.expect_none(0.3, "an answer to the RST")
    check_eq(t.drv.state(sid), "CLOSE", "state after a RST with an old TSval")
