# SPDX-License-Identifier: GPL-2.0
"""net.xtcp.max_orphans (tcp_max_orphans, tcp_close() and
tcp_out_of_resources()): with two orphans allowed, a third close with data
stuck behind a zero window aborts at once with a RST (TooManyOrphans);
the two orphans left are reset from their persist timers once their
backoff weighs their count past the limit."""
import time

from xtcp_peer import check_eq, pattern

TITLE = "max_orphans: the orphan too many is reset, then the backed-off ones"
SYSCTLS = {"max_orphans": 2, "rto_min_ms": 500, "rto_max_ms": 4000}


def not_rst(seg):
    return "R" not in seg.flags


def run(t):
    conns = [t.passive_open(win=0) for _ in range(3)]
    for c in conns:
        t.drv.send(c.sid, pattern(0, 2000))
        c.ignore = not_rst          # persist probes
    before = t.counters()
    t.drv.call("close", conns[0].sid)
    t.drv.call("close", conns[1].sid)
    t.drv.call("close", conns[2].sid)
    conns[2].expect("RA", seq=conns[2].sut_nxt, plen=0, timeout=0.5,
                    what="RST of the third orphan")
    t.check_counters(before, TooManyOrphans=1)
    deadline = time.time() + 10
    for i in (0, 1):
        conns[i].expect("RA", seq=conns[i].sut_nxt, plen=0,
                        timeout=max(0.1, deadline - time.time()),
                        what=f"RST of orphan {i} from its persist timer")
    t.check_counters(before, TooManyOrphans=3)
    check_eq(t.counters().get("OrphanTimeouts", 0) -
             before.get("OrphanTimeouts", 0), 0, "orphans timed out")
