# SPDX-License-Identifier: GPL-2.0
"""A spurious retransmission timeout is undone (Eifel detection, RFC 3522,
with timestamps; as Linux's tcp_try_undo_loss()). XTCP sends four
segments; the peer holds its ACKs past the RTO, so XTCP resends the first.
Then the delayed ACK of the first two originals arrives, echoing the
second original's TSval, older than the timeout: the originals arrived.
XTCP must restore its window (LossUndo) and take back go-back-N: segments
2 and 3, still in flight from their first transmission, are not sent
again, and once everything is acknowledged ten new segments leave at once
(with the window the timeout cut, Reno would send two). Over NewReno and
over SACK. An ACK that echoes the retransmission's TSval is a real loss:
nothing is undone; nor for one that echoes a TSval older than any data in
flight (the SYN-ACK's), which no honest peer sends."""
import time

from xtcp_peer import check, check_eq, pattern, seq_add, ts_of

TITLE = "a spurious RTO is undone: window back, no go-back-N duplicates"
# Reno: its window after a timeout is known (cwnd 1, ssthresh 2 here).
# The retransmission leaves at the RTO (rto_min_ms, or 4 s at most for a
# slow first RTT sample in a loaded guest); the next one, backed off, at
# least 2 x 500 ms later, well after the delayed ACK.
SYSCTLS = {"rto_min_ms": 500, "congestion_control": "reno"}
MSS = 1000


class Peer:
    """A connection XTCP accepted, with timestamps (and SACK-permitted if
    `sack`) agreed; every segment the peer sends carries a timestamp."""

    def __init__(self, t, sack):
        lsid, port = t.listen()
        self.c = t.conn(port)
        self.tsval = 1
        # XTCP's segments carry 12 bytes of timestamp option: MSS of data.
        syn = [("MSS", MSS + 12), ("NOP", None), ("NOP", None),
               ("Timestamp", (1, 0))]
        if sack:
            syn += [("NOP", None), ("NOP", None), ("SAckOK", b"")]
        self.c.send("S", opts=syn)
        sa = self.c.expect("SA", ack=self.c.nxt, plen=0, what="SYN-ACK")
        self.synack_tsval = ts_of(sa)[0]
        self.ack(None, self.synack_tsval)
        self.sid = t.drv.call("accept", lsid).int()
        self.una = self.c.sut_nxt

    def ack(self, ack, echo):
        self.tsval += 10
        self.c.send("A", ack=ack, opts=[("NOP", None), ("NOP", None),
                                        ("Timestamp", (self.tsval, echo))])

    def at(self, i):
        return seq_add(self.una, MSS * i)

    def send_segments(self, t, first, n):
        """XTCP sends segments first..first+n-1; return them."""
        t.drv.send(self.sid, pattern(MSS * first, MSS * n))
        return [self.c.expect("PA" if i == n - 1 else "A", seq=self.at(first + i),
                              plen=MSS, what=f"segment {first + i}")
                for i in range(n)]


def spurious(t, sack):
    name = "SACK" if sack else "NewReno"
    p = Peer(t, sack)
    cwnd0 = t.drv.info(p.sid)["snd_cwnd"]
    check(cwnd0 >= 10, f"{name}: initial cwnd {cwnd0}")
    before = t.counters()
    segs = p.send_segments(t, 0, 4)
    p.c.expect("A", seq=p.at(0), data=pattern(0, MSS), timeout=4,
               what=f"{name}: segment 0 again at the RTO")
    # The delayed ACK of the originals 0 and 1.
    p.ack(p.at(2), ts_of(segs[1])[0])
    # The RTO, restarted by that ACK from its TSecr's 0.5 s RTT sample, is
    # about 0.6 s away: look for 0.3 s.
    p.c.expect_none(0.3, f"{name}: anything after the ACK of the originals "
                    "(go-back-N resending segments 2 and 3)")
    info = t.drv.info(p.sid)
    t.check_counters(before, Timeouts=1, LossUndo=1, RetransSegs=1)
    check(info["snd_cwnd"] >= cwnd0,
          f"{name}: cwnd {info['snd_cwnd']} restored (was {cwnd0})")
    check_eq(info["unacked"], 2, f"{name}: segments 2 and 3 in flight")
    if sack:
        check_eq(info["ca_state"], 0, f"{name}: open again")
    p.ack(p.at(4), ts_of(segs[3])[0])
    info = t.drv.info_until(p.sid, lambda i: i["unacked"] == 0)
    check_eq(info["ca_state"], 0, f"{name}: open once all is acknowledged")
    # The window is back: ten segments with no ACK in between.
    last = p.send_segments(t, 4, 10)[-1]
    p.ack(p.at(14), ts_of(last)[0])


def genuine(t):
    p = Peer(t, False)
    before = t.counters()
    p.send_segments(t, 0, 2)
    rtx = p.c.expect("A", seq=p.at(0), data=pattern(0, MSS), timeout=4,
                     what="real loss: segment 0 again at the RTO")
    # Segment 0 was lost: the ACK answers its retransmission.
    p.ack(p.at(2), ts_of(rtx)[0])
    info = t.drv.info_until(p.sid, lambda i: i["unacked"] == 0)
    t.check_counters(before, Timeouts=1, LossUndo=0)
    check(info["snd_cwnd"] <= 3,
          f"real loss: cwnd {info['snd_cwnd']} stays cut")


def fiction(t):
    """A peer that echoes a TSval older than any data in flight (here the
    SYN-ACK's) did not get the originals: no undo, the window stays cut."""
    p = Peer(t, True)
    before = t.counters()
    time.sleep(0.1)		# the SYN-ACK's TSval well below the data's
    p.send_segments(t, 0, 2)
    p.c.expect("A", seq=p.at(0), data=pattern(0, MSS), timeout=4,
               what="fiction: segment 0 again at the RTO")
    p.ack(p.at(2), p.synack_tsval)
    info = t.drv.info_until(p.sid, lambda i: i["unacked"] == 0)
    t.check_counters(before, Timeouts=1, LossUndo=0)
    check(info["snd_cwnd"] <= 3,
          f"fiction: cwnd {info['snd_cwnd']} stays cut")


def run(t):
    spurious(t, False)
    spurious(t, True)
    genuine(t)
    fiction(t)
