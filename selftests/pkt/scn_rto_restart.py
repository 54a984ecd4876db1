# SPDX-License-Identifier: GPL-2.0
"""The retransmission timer follows the data it guards (RFC 6298 5.1-5.3):
when everything sent is acknowledged the timer stops (5.2), and data sent
afterwards starts it afresh (5.1), so that data is retransmitted one RTO
after it was sent, not when the timer of earlier, acknowledged data runs
out."""
from xtcp_peer import check_between, check_interval, pattern, sleep_until

TITLE = "retransmission timer restarts for data sent after a full ACK"
SYSCTLS = {"rto_min_ms": 1000}


def run(t):
    c = t.passive_open()
    rto = t.drv.info(c.sid)["rto"] / 1e6
    check_between(rto, 1.0, 1.1, "RTO")
    t.drv.send(c.sid, pattern(0, 100))
    first = c.expect("PA", plen=100, what="first data")
    # Acknowledged after 0.6 RTO: the RTO stays at its 1 s floor.
    sleep_until(first.ts + 0.6 * rto)
    c.send("A")
    t.drv.send(c.sid, pattern(100, 100))
    second = c.expect("PA", plen=100, what="second data")
    r = c.expect("PA", seq=second.seq, plen=100, timeout=3 * rto,
                 what="retransmission of the second data")
    rto = t.drv.info(c.sid)["rto"] / 1e6 / 2   # now backed off once
    check_interval(r.ts - second.ts, rto, "retransmission of the second data")
