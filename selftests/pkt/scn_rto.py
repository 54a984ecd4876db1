# SPDX-License-Identifier: GPL-2.0
"""RTO (RFC 6298): unacknowledged data is retransmitted after the RTO, and
again after each doubled timeout (5.5); the ACK ends the backoff; the next
RTT sample (Karn: never from a retransmitted segment) recomputes the RTO
per 2.3, and a later timeout waits that RTO, not the backed-off one."""
from xtcp_peer import (check, check_backoff, check_between, check_eq,
                       check_interval, pattern, sleep_until)

TITLE = "RTO retransmission, doubling backoff, RTO recomputed after recovery"
SYSCTLS = {"rto_min_ms": 300, "retries2": 8}


def rfc6298(srtt, rttvar, r, rto_min):
    """RFC 6298 2.3 (microseconds), clock granularity 1 ms."""
    rttvar = rttvar - rttvar // 4 + abs(srtt - r) // 4
    srtt = srtt - srtt // 8 + r // 8
    return max(srtt + max(1000, 4 * rttvar), rto_min)


def run(t):
    c = t.passive_open()
    info = t.drv.info(c.sid)
    rto = info["rto"] / 1e6
    check_between(rto, 0.3, 1.0, "RTO after the handshake")
    before = t.counters()
    t.drv.send(c.sid, pattern(0, 500))
    first = c.expect("PA", plen=500, what="data")
    times = [first.ts]
    for i in range(3):
        r = c.expect("PA", seq=first.seq, data=pattern(0, 500),
                     timeout=4 * rto * 2 ** i, what=f"retransmission {i + 1}")
        times.append(r.ts)
    gaps = [b - a for a, b in zip(times, times[1:])]
    check_interval(gaps[0], rto, "first retransmission")
    check_backoff(gaps, "RTO backoff")
    check_eq(t.drv.info(c.sid)["retransmits"], 3, "backoff count")
    t.check_counters(before, Timeouts=3, RetransSegs=3)

    c.send("A")
    after = t.drv.info_until(c.sid, lambda i: i["unacked"] == 0)
    check_eq(after["retransmits"], 0, "backoff after the ACK")
    check_eq(after["rto"], info["rto"], "RTO after the ACK (no sample: Karn)")

    # Fresh samples, each at 0.6 RTO so no timer runs out (120 ms or more
    # to spare for a loaded guest): every ACK
    # recomputes the RTO from the kernel's previous SRTT and RTTVAR, and
    # the RTO climbs off its 300 ms floor.
    cur, sent = after, 1000
    for i in range(3):
        t.drv.send(c.sid, pattern(sent - 500, 500))
        seg = c.expect("PA", plen=500, what=f"new data {i + 1}")
        sleep_until(seg.ts + 0.6 * cur["rto"] / 1e6)
        acked = c.send("A")
        new = t.drv.info_until(c.sid, lambda i: i["unacked"] == 0)
        want = rfc6298(cur["srtt"], cur["rttvar"],
                       int((acked - seg.ts) * 1e6), 300000) / 1e6
        check_between(new["rto"] / 1e6, want * 0.9 - 0.03, want * 1.1 + 0.03,
                      f"RTO from sample {i + 1} (RFC 6298: {want:.3f} s)")
        cur, sent = new, sent + 500
    check(cur["rto"] > 1.2 * info["rto"], "RTO grew from the samples")

    # The timer started afresh with the new data: one new RTO, no backoff.
    t.drv.send(c.sid, pattern(sent - 500, 500))
    seg = c.expect("PA", plen=500, what="more data")
    r = c.expect("PA", seq=seg.seq, plen=500, timeout=4 * cur["rto"] / 1e6,
                 what="retransmission after the new RTO")
    check_interval(r.ts - seg.ts, cur["rto"] / 1e6, "timeout with the new RTO")
