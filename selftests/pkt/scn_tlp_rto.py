# SPDX-License-Identifier: GPL-2.0
"""The RTO after a tail loss probe (RFC 8985 7.3, as tcp_send_loss_probe()
and tcp_rearm_rto()): a segment is lost, and so is its probe. While that
probe is outstanding no second one goes, and the timer that data sent
meanwhile arms (a probe timeout) hands over to the RTO one RTO after the
segment at snd_una last left (tcp_rto_delta_us()), not one RTO after it
fired: new data does not push the RTO back. At the RTO only that segment
is sent again (RFC 8985 6.3: the segments sent since are not presumed
lost; here, go-back-N in slow start from one segment), and the peer's ACK
of everything ends it."""
from xtcp_peer import (check_between, check_eq, pattern, seq_add,
                       sleep_until)

TITLE = "data sent after a probe does not postpone the RTO"
SYSCTLS = {"recovery": 1, "rto_min_ms": 1000}


def run(t):
    c = t.passive_open(syn_opts=[("MSS", 1000), ("SAckOK", b"")],
                       ack_delay=0.05)
    una = c.sut_nxt

    def at(i):
        return seq_add(una, 1000 * i)

    data = pattern(0, 4000)
    before = t.counters()
    t.drv.send(c.sid, data[:1000])
    c.expect("PA", seq=at(0), plen=1000, what="segment 0")
    probe = c.expect("PA", seq=at(0), data=data[:1000], timeout=2,
                     what="the probe: segment 0 again")
    rto = t.drv.info(c.sid)["rto"] / 1e6
    # Three more segments, each followed by a probe timeout (2 * SRTT)
    # that finds the probe still outstanding.
    for i in range(1, 4):
        sleep_until(probe.ts + 0.3 * i * rto - 0.1)
        t.drv.send(c.sid, data[1000 * i:1000 * (i + 1)])
        c.expect("PA", seq=at(i), plen=1000, timeout=0.5,
                 what=f"segment {i}")
    seg = c.expect("PA", seq=at(0), data=data[:1000], timeout=3,
                   what="segment 0 at the RTO")
    check_between(seg.ts - probe.ts, 0.85 * rto - 0.02, rto + 0.3,
                  f"RTO ({rto:.2f} s) after the probe")
    c.expect_none(0.3, "segments 1-3, sent since")
    t.check_counters(before, TLPProbes=1, Timeouts=1, RetransSegs=2)
    c.send("A", ack=at(4))
    c.expect_none(0.3, "anything after the full ACK")
    check_eq(t.drv.info(c.sid)["ca_state"], 0, "back to Open")
