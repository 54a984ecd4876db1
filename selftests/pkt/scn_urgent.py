# SPDX-License-Identifier: GPL-2.0
"""URG is ignored without harm (XTCP has no urgent data; RFC 6093 advises
against new uses): data marked urgent, with a pointer inside, past the end
of the segment, or on a bare ACK, is acknowledged and read inline, in
order; recv(MSG_OOB) fails with EINVAL; XTCP never sends URG."""
import errno

from xtcp_peer import NO_RTO, check_eq, pattern

TITLE = "urgent pointer ignored: data inline, MSG_OOB EINVAL"
SYSCTLS = {**NO_RTO}


def run(t):
    c = t.passive_open()
    c.send("UPA", data=pattern(0, 100), urgptr=10)
    c.expect_ack(what="ACK of urgent data")
    c.send("UA", urgptr=0xffff)
    c.send("UPA", data=pattern(100, 50), urgptr=60000)
    c.expect_ack(what="ACK of data with a pointer past its end")
    t.drv.fails(errno.EINVAL, "recv", c.sid, 100, "oob")
    check_eq(t.drv.recv_all(c.sid, 150), pattern(0, 150), "data read inline")
    t.drv.send(c.sid, pattern(0, 50))
    c.expect("PA", ack=c.nxt, data=pattern(0, 50), urgptr=0,
             what="XTCP's data (no URG)")
