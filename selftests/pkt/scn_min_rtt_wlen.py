# SPDX-License-Identifier: GPL-2.0
"""Windowed min_RTT (as tcp_update_rtt_min() over net.ipv4.tcp_min_rtt_wlen):
an RTT sample counts for net.xtcp.min_rtt_wlen seconds only, so when the
path lengthens, min_RTT, and RACK's reordering window (min_RTT / 4, RFC
8985 6.2 step 4) with it, follow once the short samples are older than
the window. The first round trips take 50 ms; then, with min_rtt_wlen 1,
every segment is acknowledged 800 ms after it left, for more than a
second (with net.xtcp.recovery=0, so that no loss probe goes). One
duplicate ACK then SACKs the last of five segments: the four before it
are lost once the window of 800 / 4 ms has passed, not 50 / 4 ms (or
the slow peer's 150 / 4 ms in a loaded guest), as a minimum kept over
the connection's life would say."""
import time

from scn_rack_reo import expect_reo_rtx, warm_open
from xtcp_peer import check, check_eq, pattern, seq_add, sleep_until

TITLE = "min_RTT forgets samples older than min_rtt_wlen"
SYSCTLS = {"recovery": 1, "rto_min_ms": 1500, "min_rtt_wlen": 1}
SHORT = 0.05
RTT = 0.8


def run(t):
    # Short round trips: min_RTT 50 ms.
    c, una, short_ack = warm_open(t, SHORT)

    def at(i):
        return seq_add(una, 1000 * i)

    # The path lengthens: every segment is acknowledged RTT after it left,
    # until the short samples are well out of the window.
    t.sysctl("recovery", 0)
    rounds = 0
    while rounds < 3 or time.time() - short_ack < 1.5:
        t.drv.send(c.sid, pattern(0, 5000))
        segs = [c.expect("PA" if i == 4 else "A", seq=at(i), plen=1000,
                         what=f"round {rounds} segment {i}")
                for i in range(5)]
        for i, seg in enumerate(segs):
            sleep_until(seg.ts + RTT)
            c.send("A", ack=at(i + 1))
        una = at(5)
        rounds += 1
    t.sysctl("recovery", 1)
    srtt = t.drv.info(c.sid)["srtt"]
    check(srtt > 0.6 * RTT * 1e6,
          f"SRTT {srtt} us near {RTT} s: no probe before the SACK")

    before = t.counters()
    expect_reo_rtx(t, c, at, pattern(1000, 5000),
                   f"reordering window of min_RTT {RTT} s / 4", RTT)
    c.collect(time.time() + 0.3)
    t.check_counters(before, RACKReoTimeouts=1, Timeouts=0, TLPProbes=0)
    c.send("A", ack=at(5))
    c.collect(time.time() + 0.3)
    check_eq(t.drv.info(c.sid)["ca_state"], 0, "recovery over")
