# SPDX-License-Identifier: GPL-2.0
"""RACK reordering window (RFC 8985 6.2): five segments are sent; only the
last is SACKed, in one duplicate ACK. Three duplicate ACKs (RFC 6675
DupThresh) never come, yet the four segments sent before the SACKed one
are lost once min_RTT / 4 has passed since the SACK (a segment sent later
was delivered, and the reordering window expired): the reorder timer
fires, recovery starts and they are retransmitted, long before the RTO.
An earlier segment SACKed within that window would have been
reordering, not loss. With net.xtcp.recovery=0 (RFC 6675 DupThresh) the
same single duplicate ACK leaves the holes to the RTO."""
import time

from xtcp_peer import (check, check_eq, check_interval, pattern,
                       sack_opts, seq_add, sleep_until)

TITLE = "RACK retransmits after the reordering window, one dup ACK, no RTO"
SYSCTLS = {"recovery": 1, "rto_min_ms": 1500}
RTT = 0.4


def slow_open(t):
    """Passive open with SACK, MSS 1000, the handshake's ACK RTT late."""
    return t.passive_open(syn_opts=[("MSS", 1000), ("SAckOK", b"")],
                          ack_delay=RTT)


def warm_open(t, delay):
    """Passive open with SACK and MSS 1000, then one segment; the
    handshake's ACK and the segment's each come `delay` late: min_RTT is
    `delay`. Return the Conn, the next sequence number and when that
    segment's ACK went."""
    c = t.passive_open(syn_opts=[("MSS", 1000), ("SAckOK", b"")],
                       ack_delay=delay)
    una = c.sut_nxt
    t.drv.send(c.sid, pattern(0, 1000))
    c.expect("PA", seq=una, plen=1000, what="warm-up segment")
    time.sleep(delay)
    una = seq_add(una, 1000)
    return c, una, c.send("A", ack=una)


def send_sack_last(c, data, at, rtt=RTT):
    """XTCP sends 5 segments of `data`; `rtt` after the last, the peer
    SACKs it. Return the time of that duplicate ACK."""
    for i in range(5):
        last = c.expect("PA" if i == 4 else "A", seq=at(i), plen=1000,
                        what=f"segment {i}")
    sleep_until(last.ts + rtt)
    return c.send("A", ack=at(0), opts=sack_opts((at(4), at(5))))


def expect_reo_rtx(t, c, at, data, what, rtt=RTT):
    """XTCP sends five segments of `data`; segment 4 arrives, 0-3 are late
    (or lost): one duplicate ACK, one round trip after segment 4 left (a
    quicker one would lower min_RTT). Segment 0 must go again once the
    reordering window, min(min_RTT, which is `rtt`, / 4, SRTT), has passed
    since; return it."""
    reo_wnd = min(rtt / 4, t.drv.info(c.sid)["srtt"] / 1e6)
    t.drv.send(c.sid, data)
    sacked = send_sack_last(c, data, at, rtt)
    seg = c.expect("A", seq=at(0), data=data[:1000], timeout=2,
                   what="segment 0 after the reordering window")
    check_interval(seg.ts - sacked, reo_wnd, what)
    return seg


def run(t):
    # One round trip of RTT: min_RTT is RTT, reo_wnd RTT / 4.
    c, una, _ = warm_open(t, RTT)

    def at(i):
        return seq_add(una, 1000 * i)

    before = t.counters()
    data = pattern(1000, 5000)
    seg = expect_reo_rtx(t, c, at, data, "reordering window")
    # All four are lost; as many go at once as the reduced cwnd allows
    # (pipe: RFC 6675; PRR's slow start reduction bound, RFC 6937, lets
    # one go for the timer), in order, the rest as those are acknowledged.
    rtx = [seg] + c.collect(time.time() + 0.3)
    info = t.drv.info(c.sid)
    check_eq(info["ca_state"], 1, "in recovery")
    k = min(4, info["snd_cwnd"])
    check_eq([(s.seq, s.plen) for s in rtx], [(at(i), 1000) for i in range(k)],
             f"segments 0-{k - 1} retransmitted (cwnd {info['snd_cwnd']})")
    while k < 4:
        c.send("A", ack=at(k), opts=sack_opts((at(4), at(5))))
        more = c.collect(time.time() + 0.3)
        check(more, f"segment {k}, lost too, for the ACK of segment {k - 1}")
        check_eq([(s.seq, s.plen) for s in more],
                 [(at(i), 1000) for i in range(k, k + len(more))],
                 f"segments from {k} on, lost too")
        k += len(more)
    t.check_counters(before, RACKReoTimeouts=1, SACKRecovery=1,
                     FastRetrans=1, Timeouts=0, RetransSegs=4, TLPProbes=0)
    c.send("A", ack=at(5))
    c.expect_none(0.3, "anything after the full ACK")
    check_eq(t.drv.info(c.sid)["ca_state"], 0, "recovery over")

    # RFC 6675 alone: one duplicate ACK is not DupThresh; the RTO repairs.
    t.sysctl("recovery", 0)
    c = slow_open(t)
    una2 = c.sut_nxt
    before = t.counters()
    t.drv.send(c.sid, data)
    send_sack_last(c, data, lambda i: seq_add(una2, 1000 * i))
    c.expect_none(0.6, "a retransmission with net.xtcp.recovery=0")
    c.expect("A", seq=una2, data=data[:1000], timeout=3,
             what="segment 0 after the RTO")
    c.send("A", ack=seq_add(una2, 5000))
    t.check_counters(before, RACKReoTimeouts=0, Timeouts=1)
