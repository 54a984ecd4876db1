# SPDX-License-Identifier: GPL-2.0
"""A segment with a bad checksum is dropped unseen (RFC 9293 3.1; MUST-2/3):
no ACK, no data for the reader, no reset for a RST, no SYN-ACK for a SYN;
InCsumErrors counts each. The same segment with the right checksum is
accepted."""
import errno

from xtcp_peer import check_eq, pattern

TITLE = "bad checksum: segment ignored and counted"


def run(t):
    c = t.passive_open()
    before = t.counters()
    c.send("PA", data=pattern(0, 100), bad_csum=True, advance=False)
    c.expect_none(0.5, "an ACK for a bad-checksum segment")
    t.drv.fails(errno.EAGAIN, "recv", c.sid, 100, "dontwait")
    c.send("R", bad_csum=True, advance=False)
    c.send("FA", bad_csum=True, advance=False)
    c.expect_none(0.3, "an answer to a bad-checksum RST or FIN")
    check_eq(t.drv.state(c.sid), "ESTABLISHED", "state")
    other = t.conn(c.dport)
    other.send("S", opts=[("MSS", 1460)], bad_csum=True)
    other.expect_none(0.3, "a SYN-ACK for a bad-checksum SYN")
    t.check_counters(before, InCsumErrors=4)

    c.send("PA", data=pattern(0, 100))
    c.expect_ack(what="ACK of the good copy")
    check_eq(t.drv.recv_all(c.sid, 100), pattern(0, 100), "data read")
