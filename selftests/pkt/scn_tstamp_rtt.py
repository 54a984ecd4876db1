# SPDX-License-Identifier: GPL-2.0
"""RTTM (RFC 7323 4, appendix G): with timestamps, an ACK that advances
SND.UNA gives an RTT sample from its TSecr even when the data it covers
was retransmitted, where Karn's rule (RFC 6298 3) gives none without
timestamps (scn_rto): the peer ACKs the retransmission 0.45 s later
(before the next, backed-off, timeout), echoing its TSval, and SRTT moves
towards 0.45 s. No sample comes from an
ACK that acknowledges nothing new, nor from a TSecr of 0 (3.2)."""
from xtcp_peer import check, check_eq, pattern, sleep_until, ts_of

TITLE = "timestamps: RTT sampled from TSecr, retransmissions included"
SYSCTLS = {"rto_min_ms": 300, "retries2": 8}


def run(t):
    lsid, port = t.listen()
    c = t.conn(port)
    c.send("S", opts=[("MSS", 1460), ("NOP", None), ("NOP", None),
                      ("Timestamp", (1, 0))])
    sa = c.expect("SA", ack=c.nxt, plen=0, what="SYN-ACK")
    peer_ts = [1]

    def ts(echo):
        peer_ts[0] += 10
        return [("NOP", None), ("NOP", None), ("Timestamp", (peer_ts[0], echo))]

    c.send("A", opts=ts(ts_of(sa)[0]))
    sid = t.drv.call("accept", lsid).int()
    srtt0 = t.drv.info(sid)["srtt"]
    check(srtt0 < 150000, f"SRTT after the handshake {srtt0} us")

    # Data, lost; the RTO retransmits it with a new TSval.
    t.drv.send(sid, pattern(0, 500))
    first = c.expect("PA", plen=500, what="data")
    rtx = c.expect("PA", seq=first.seq, data=pattern(0, 500), timeout=3,
                   what="retransmission")
    check(ts_of(rtx)[0] != ts_of(first)[0],
          "retransmission with the first transmission's TSval")
    # A duplicate ACK (nothing new) echoing the first TSval: no sample.
    segs_in = t.drv.info(sid)["segs_in"]
    c.send("A", ack=first.seq, opts=ts(ts_of(first)[0]))
    info = t.drv.info_until(sid, lambda i: i["segs_in"] > segs_in)
    check_eq(info["srtt"], srtt0, "SRTT after a duplicate ACK")
    # The ACK of the retransmission, 0.45 s after it left, echoing it.
    sleep_until(rtx.ts + 0.45)
    c.send("A", opts=ts(ts_of(rtx)[0]))
    info = t.drv.info_until(sid, lambda i: i["unacked"] == 0)
    check_eq(info["unacked"], 0, "data acknowledged")
    # One sample R of at least 0.85 x 450 ms: SRTT = 7/8 SRTT + R/8. Without
    # it SRTT stays srtt0, which is below that for any srtt0 < 382 ms (the
    # handshake's, up to 150 ms in a loaded guest, checked above).
    want = srtt0 * 7 // 8 + int(0.85 * 450000) // 8
    check(info["srtt"] >= want,
          f"SRTT {info['srtt']} us after a 450 ms sample (was {srtt0}, want "
          f">= {want}): no sample from TSecr")

    # Again, but the ACK echoes TSecr 0: no sample.
    srtt1 = info["srtt"]
    # A retransmission of the first data, sent as the ACK left: not news.
    c.ignore = lambda seg, old=first.seq: seg.seq == old
    t.drv.send(sid, pattern(500, 500))
    first = c.expect("PA", plen=500, what="second data")
    rtx = c.expect("PA", seq=first.seq, data=pattern(500, 500), timeout=4,
                   what="second retransmission")
    sleep_until(rtx.ts + 0.45)
    c.send("A", opts=ts(0))
    info = t.drv.info_until(sid, lambda i: i["unacked"] == 0)
    check_eq(info["unacked"], 0, "second data acknowledged")
    check_eq(info["srtt"], srtt1, "SRTT after an ACK with TSecr 0")
