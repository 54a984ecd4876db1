# SPDX-License-Identifier: GPL-2.0
"""An orphan facing a zero window (tcp_probe_timer() for orphans,
tcp_orphan_retries): the application closes with data unsent and the peer
answers every persist probe with a zero window. The orphan keeps probing
with backoff, but once its backoff reached rto_max it has orphan_retries
doublings left, answered or not: then it is gone (OrphanTimeouts) and the
peer's next segment meets no connection."""
import time

from xtcp_peer import Fail, check, pattern

TITLE = "orphan with a zero-window peer dies after orphan_retries"
SYSCTLS = {"rto_min_ms": 200, "rto_max_ms": 800, "orphan_retries": 4}


def run(t):
    c = t.passive_open(win=0)
    t.drv.send(c.sid, pattern(0, 3000))
    before = t.counters()
    t.drv.call("close", c.sid)
    start = time.time()
    probes = 0
    while True:
        seg = c.recv(3.0)
        if seg is None:
            break
        check("R" not in seg.flags, f"a RST from the orphan: {seg}")
        check(seg.plen == 0 and "F" not in seg.flags,
              f"data or FIN into a zero window: {seg}")
        probes += 1
        c.send("A", win=0)
        if time.time() - start > 20:
            raise Fail(f"orphan still probing after 20 s ({probes} probes "
                       "answered with a zero window)")
    t.log(f"{probes} probes in {time.time() - start:.1f} s")
    check(2 <= probes <= 12, f"{probes} probes before the orphan died")
    t.check_counters(before, OrphanTimeouts=1)
    c.send("A", win=0)
    c.expect("R", plen=0, what="RST: the orphan is gone")
