# SPDX-License-Identifier: GPL-2.0
"""A data segment with a malformed option list in ESTABLISHED is dropped and
counted in InBadOpts, as XTCP's README says of every segment ("A malformed
option list drops the segment (counted in InBadOpts)"): no ACK, no data for
the reader. A well-formed list of options XTCP ignores (timestamps, SACK)
does not hurt."""
import errno

from xtcp_peer import check_eq, pattern

TITLE = "malformed options in ESTABLISHED: dropped, counted"


def run(t):
    c = t.passive_open()
    c.send("PA", data=pattern(0, 10),
           opts=[("NOP", None), ("NOP", None), ("Timestamp", (1, 2)),
                 ("SAck", (1, 2))])
    c.expect_ack(what="ACK of data with well-formed options")
    check_eq(t.drv.recv_all(c.sid, 10), pattern(0, 10), "data read")
    before = t.counters()
    c.send("PA", data=pattern(10, 100), raw_opts=b"\x08\x00\x00\x00",
           advance=False)
    c.expect_none(0.5, "an ACK for data with malformed options")
    t.drv.fails(errno.EAGAIN, "recv", c.sid, 100, "dontwait")
    t.check_counters(before, InBadOpts=1)
