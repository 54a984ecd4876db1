# SPDX-License-Identifier: GPL-2.0
"""Zero window (RFC 9293 3.8.6.1): with the peer's window shut XTCP sends no
data but persist probes, an ACK with the sequence number below SND.UNA that
the peer must answer, at the RTO and then at doubling intervals while the
peer answers with a zero window; a window update reopens the flow at once."""
from xtcp_peer import (check_backoff, check_immediate, check_interval,
                       pattern, seq_add)

TITLE = "zero window: persist probes with backoff, reopening"
SYSCTLS = {"rto_min_ms": 300}


def run(t):
    c = t.passive_open(win=0)
    rto = t.drv.info(c.sid)["rto"] / 1e6
    before = t.counters()
    sent = t.drv.start("send", c.sid, pattern(0, 500).hex())
    sent.ok()
    una = c.sut_nxt
    times = [sent.reply.ts]
    for i in range(3):
        p = c.expect("A", seq=seq_add(una, -1), ack=c.nxt, plen=0,
                     timeout=4 * rto * 2 ** i, what=f"probe {i + 1}")
        times.append(p.ts)
        c.send("A", win=0)
    gaps = [b - a for a, b in zip(times, times[1:])]
    check_interval(gaps[0], rto, "first probe")
    check_backoff(gaps, "persist backoff")
    t.check_counters(before, WinProbes=3)
    sent = c.send("A", win=4000)
    d = c.expect("PA", seq=una, ack=c.nxt, data=pattern(0, 500),
                 what="data once the window opens")
    check_immediate(d, sent, "data once the window opens")
    c.send("A")
    c.expect_none(0.5, "after the data was acknowledged")
