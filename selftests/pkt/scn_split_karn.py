# SPDX-License-Identifier: GPL-2.0
"""Karn's rule (RFC 6298 3) when the MTU goes down under data in flight.

XTCP sends two full segments; its link's MTU then drops to 1000 (IPv6:
1280, its minimum), so the RTO's retransmission of the first is cut to the
new MSS (960 bytes, IPv6 1220: xtcp_split_skb() splits the first segment). One ACK then covers the
retransmitted piece, the rest of the first segment (split off, sent once)
and the second segment (sent once). It may answer the retransmission, so
it must give no RTT sample, as tcp_clean_rtx_queue() takes none when
retransmitted data is acknowledged. Before, XTCP took the sample from the
newest segment sent once, timed from its first transmission a whole RTO
earlier, and SRTT and the RTO rose. No timestamps: they would give a
sample of their own.
"""
from xtcp_peer import (FAMILY, IP_HLEN, LINK_MSS, SUT_DEV, check_eq,
                       pattern, run_batch, seq_add)

TITLE = "MTU drop under data in flight: split retransmission, its ACK gives no RTT sample (Karn)"
SYSCTLS = {"rto_min_ms": 1000}
MTU = 1280 if FAMILY == 6 else 1000


def run(t):
    c = t.passive_open(mss=LINK_MSS)
    info = t.drv.info(c.sid)
    t.drv.send(c.sid, pattern(0, 2 * LINK_MSS))
    first = c.expect("A", plen=LINK_MSS, what="first segment")
    c.expect("PA", seq=seq_add(first.seq, LINK_MSS), plen=LINK_MSS,
             what="second segment")
    run_batch(["-n", t.ns_sut], [f"link set {SUT_DEV} mtu {MTU}"])
    c.expect("A", seq=first.seq, data=pattern(0, MTU - IP_HLEN - 20),
             timeout=4 * info["rto"] / 1e6,
             what="the RTO's retransmission, cut to the new MSS")
    c.send("A")
    after = t.drv.info_until(c.sid, lambda i: i["unacked"] == 0)
    check_eq(after["unacked"], 0, "unacknowledged segments after the ACK")
    check_eq(after["retransmits"], 0, "backoff after the ACK")
    check_eq(after["srtt"], info["srtt"], "SRTT after the ACK (no sample: Karn)")
    check_eq(after["rto"], info["rto"], "RTO after the ACK (no sample: Karn)")
    c.expect_none(0.5, "anything after the ACK of everything")
