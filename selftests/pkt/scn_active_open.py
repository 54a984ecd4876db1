# SPDX-License-Identifier: GPL-2.0
"""Active open (RFC 9293 3.5, 3.10.7.3): a SYN-ACK acknowledging something
other than ISN+1 is answered with <SEQ=SEG.ACK><CTL=RST>; the right one
with <SEQ=ISN+1><ACK=peer ISN+1><CTL=ACK>, and connect() returns 0. Data
then goes out in segments of the MSS the peer offered, PSH on the last,
which Nagle holds back until the data in flight is acknowledged."""
from xtcp_peer import NO_RTO, check_eq, pattern, seq_add

TITLE = "active open: ACK numbers, bad SYN-ACK reset, peer's MSS honoured"
SYSCTLS = {**NO_RTO}


def run(t):
    c, syn, connect = t.start_connect(6001)
    sid = c.sid
    bad_ack = seq_add(syn.seq, 5)
    c.send("SA", ack=bad_ack, opts=[("MSS", 1000)], advance=False)
    c.expect("R", seq=bad_ack, plen=0, what="RST for an unacceptable SYN-ACK")
    c.send("SA", ack=seq_add(syn.seq, 1), opts=[("MSS", 1000)])
    c.expect("A", seq=seq_add(syn.seq, 1), ack=seq_add(c.iss, 1), plen=0,
             opts=[], what="ACK of the SYN-ACK")
    connect.ok()
    check_eq(t.drv.call("getsockopt", sid, "XTCP_MAXSEG").int(), 1000, "MSS")
    check_eq(t.drv.state(sid), "ESTABLISHED", "state")

    data = pattern(0, 2500)
    t.drv.send(sid, data)
    una = c.sut_nxt
    for off in (0, 1000):
        c.expect("A", seq=seq_add(una, off), ack=c.nxt,
                 data=data[off:off + 1000], what=f"data at {off}")
    # Nagle (RFC 9293 3.7.4): the small last segment waits for the ACK.
    c.expect_none(0.1, "the small segment while data is in flight")
    c.send("A")
    c.expect("PA", seq=seq_add(una, 2000), ack=c.nxt, data=data[2000:],
             what="last, small segment after the ACK")
    c.send("A")
    c.expect_none(0.3)
    check_eq(t.drv.info(sid)["bytes_acked"], 2500, "bytes acked")
