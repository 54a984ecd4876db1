# SPDX-License-Identifier: GPL-2.0
"""Fast retransmit and NewReno recovery (RFC 5681 3.2, RFC 6582 3.2): the
third duplicate ACK, not the second, retransmits the first unacknowledged
segment at once with ssthresh = max(FlightSize / 2, 2 segments); a partial
ACK retransmits the next hole at once; the full ACK ends recovery with
cwnd <= ssthresh."""
from xtcp_peer import (check, check_eq, check_immediate, pattern, seq_add)

TITLE = "fast retransmit on the third duplicate ACK, NewReno partial ACK, recovery"
# Reno's halving; scn_cubic_fast_rtx.py has CUBIC's beta of 0.7.
SYSCTLS = {"rto_min_ms": 3000, "congestion_control": "reno"}


def fast_retransmit(t):
    """Six 1000-byte segments in flight, three duplicate ACKs: the fast
    retransmission goes out at once. Returns (conn, data, una, counters
    before the duplicate ACKs, XTCP_INFO in recovery)."""
    c = t.passive_open(mss=1000)
    data = pattern(0, 6000)
    t.drv.send(c.sid, data)
    una = c.sut_nxt
    for i in range(6):
        c.expect("PA" if i == 5 else "A", seq=seq_add(una, 1000 * i),
                 plen=1000, what=f"segment {i + 1}")
    before = t.counters()
    # Segments 1 and 3 were lost: 2, 4, 5, 6 arrive, each a duplicate ACK.
    c.send("A", ack=una)
    c.send("A", ack=una)
    c.expect_none(0.4, "retransmission after two duplicate ACKs")
    sent = c.send("A", ack=una)
    rtx = c.expect("A", seq=una, data=data[:1000], what="fast retransmission")
    check_immediate(rtx, sent, "fast retransmission")
    info = t.drv.info(c.sid)
    check_eq(info["ca_state"], 1, "in fast recovery")
    return c, data, una, before, info


def run(t):
    c, data, una, before, info = fast_retransmit(t)
    check_eq(info["snd_ssthresh"], 3, "ssthresh (6 segments in flight)")
    c.send("A", ack=una)
    c.expect_none(0.3, "anything for a fourth duplicate ACK (no new data)")

    sent = c.send("A", ack=seq_add(una, 2000))
    rtx = c.expect("A", seq=seq_add(una, 2000), data=data[2000:3000],
                   what="retransmission for the partial ACK")
    check_immediate(rtx, sent, "retransmission for the partial ACK")
    c.send("A", ack=seq_add(una, 6000))
    c.expect_none(0.3, "after the full ACK")
    info = t.drv.info(c.sid)
    check_eq(info["ca_state"], 0, "recovery over")
    check(info["snd_cwnd"] <= info["snd_ssthresh"],
          f"cwnd {info['snd_cwnd']} > ssthresh {info['snd_ssthresh']}")
    t.check_counters(before, FastRetrans=1, RetransSegs=2)
    # The connection goes on.
    t.drv.send(c.sid, pattern(6000, 500))
    c.expect("PA", seq=seq_add(una, 6000), data=pattern(6000, 500),
             what="new data after recovery")
