# SPDX-License-Identifier: GPL-2.0
"""A SYN with a malformed option list reaching a listener is dropped: no
SYN-ACK. Per XTCP's README such drops are counted in InBadOpts."""
from xtcp_peer import check_eq

TITLE = "malformed options on a SYN to a listener: dropped, counted"


def run(t):
    lsid, port = t.listen()
    t.drv.call("nonblock", lsid, 1)
    before = t.counters()
    c = t.conn(port)
    c.send("S", raw_opts=b"\x02\x04\x05\xb4\x1e\x00\x00\x00", advance=False)
    c.expect_none(0.5, "a SYN-ACK for a SYN with malformed options")
    good = t.conn(port)
    good.send("S", opts=[("MSS", 1460)])
    good.expect("SA", ack=good.nxt, what="SYN-ACK for a good SYN")
    check_eq(t.drv.info(lsid)["state"], 10, "listener state")
    t.check_counters(before, InBadOpts=1)
