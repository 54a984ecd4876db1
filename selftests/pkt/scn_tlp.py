# SPDX-License-Identifier: GPL-2.0
"""Tail loss probe (RFC 8985 7): the last two segments of a flight are
lost and the peer acknowledges only the first two. No duplicate ACK can
come, so without TLP only the RTO (1 s here) would repair the tail. XTCP
sends a probe, the last segment again, one probe timeout (2 * SRTT, two
segments in flight) after the ACK, well before the RTO (TLPProbes). The
probe's SACK, arriving after more than min_RTT (an earlier one would be
ambiguous: the original might have arrived), makes RACK mark the
segment before it lost at once (RFC 8985 7.4.2 then 6.2: a segment sent
later was delivered and its reordering window passed): it is retransmitted
in fast recovery, with no timeout. With net.xtcp.recovery=0 (RFC 6675,
no TLP) the same tail waits for the RTO."""
import time

from xtcp_peer import (check_eq, check_immediate, check_interval, pattern,
                       sack_opts, seq_add)

TITLE = "TLP probes the tail at 2 * SRTT; its SACK lets RACK repair the rest"
SYSCTLS = {"recovery": 1, "rto_min_ms": 1000}


def slow_open(t, delay):
    """Passive open with SACK, MSS 1000, the handshake's ACK held back
    `delay` seconds: XTCP's first RTT sample (and SRTT) is about that."""
    return t.passive_open(syn_opts=[("MSS", 1000), ("SAckOK", b"")],
                          ack_delay=delay)


def send_tail(t, c, data):
    """XTCP sends 4 segments of `data`; the peer acknowledges the first
    two only. Return (at, time of that ACK)."""
    una = c.sut_nxt

    def at(i):
        return seq_add(una, 1000 * i)

    t.drv.send(c.sid, data)
    for i in range(4):
        c.expect("PA" if i == 3 else "A", seq=at(i), plen=1000,
                 what=f"segment {i}")
    return at, c.send("A", ack=at(2))


def run(t):
    c = slow_open(t, 0.1)
    data = pattern(0, 4000)
    before = t.counters()
    # Segments 2 and 3 are lost: only 0 and 1 are acknowledged.
    at, acked = send_tail(t, c, data)
    info = t.drv.info(c.sid)
    pto = 2 * info["srtt"] / 1e6
    probe = c.expect("PA", seq=at(3), data=data[3000:], timeout=2,
                     what="the probe: the last segment again")
    check_interval(probe.ts - acked, pto, "probe timeout (2 * SRTT)")
    t.check_counters(before, TLPProbes=1, Timeouts=0, RetransSegs=1)

    # The probe arrives (after more than min_RTT): its SACK shows the hole.
    time.sleep(0.25)
    sacked = c.send("A", ack=at(2), opts=sack_opts((at(3), at(4))))
    seg = c.expect("A", seq=at(2), data=data[2000:3000],
                   what="segment 2, marked lost by RACK")
    check_immediate(seg, sacked, "segment 2")
    check_eq(t.drv.info(c.sid)["ca_state"], 1, "in recovery")
    c.send("A", ack=at(4))
    c.expect_none(0.3, "anything after the full ACK")
    check_eq(t.drv.info(c.sid)["ca_state"], 0, "recovery over")
    t.check_counters(before, TLPProbes=1, Timeouts=0, RetransSegs=2,
                     SACKRecovery=1)

    # RFC 6675 alone: nothing before the RTO, which resends from snd_una.
    t.sysctl("recovery", 0)
    c = slow_open(t, 0.1)
    before = t.counters()
    at, acked = send_tail(t, c, data)
    c.expect_none(0.6, "a probe with net.xtcp.recovery=0")
    c.expect("A", seq=at(2), data=data[2000:3000], timeout=3,
             what="segment 2 after the RTO")
    c.send("A", ack=at(4))
    t.check_counters(before, TLPProbes=0, Timeouts=1)
