# SPDX-License-Identifier: GPL-2.0
"""A spurious retransmission timeout is undone by DSACK (RFC 3708 2; as
Linux's tcp_try_undo_loss() once undo_retrans is back to zero), for a SACK
peer without timestamps, for which Eifel detection (scn_rto_undo) has
nothing to go by. XTCP sends four segments; the peer holds its ACKs past
the RTO, so XTCP resends the first. The ACK of the originals ends the
Loss state with the window cut; the DSACK of the retransmission that
follows shows every retransmission of the timeout was a duplicate: the
window comes back (LossUndo), and ten new segments leave at once. The
same when one ACK both acknowledges the originals and DSACKs the
retransmission. When go-back-N resent more (two segments in one
super-packet once the window grew), the DSACK of the first retransmission
alone undoes nothing; the DSACK of the rest does. Without the DSACK (a
real loss) the window stays cut."""
from xtcp_peer import check, check_eq, pattern, sack_opts, seq_add

TITLE = "a spurious RTO is undone by the DSACK of its retransmission"
# Reno: its window after a timeout is known (cwnd 1, ssthresh 2 here).
# An RTO of 1 s: a loaded guest's peer may take half a second to answer.
SYSCTLS = {"rto_min_ms": 1000, "congestion_control": "reno"}
MSS = 1000


def timeout(t, name):
    """Four segments, the first resent at the RTO, then the ACK of the
    originals: return (conn, at, cwnd before, counters before)."""
    c, data, at = t.sack_open_send(4, mss=MSS)
    cwnd0 = t.drv.info(c.sid)["snd_cwnd"]
    check(cwnd0 >= 10, f"{name}: initial cwnd {cwnd0}")
    before = t.counters()
    c.expect("A", seq=at(0), data=data[:MSS], timeout=6,
             what=f"{name}: segment 0 again at the RTO")
    c.send("A", ack=at(4))
    info = t.drv.info_until(c.sid, lambda i: i["unacked"] == 0)
    t.check_counters(before, Timeouts=1, RetransSegs=1, LossUndo=0)
    check(info["snd_cwnd"] <= 3,
          f"{name}: cwnd {info['snd_cwnd']} cut by the timeout")
    return c, at, cwnd0, before


def spurious(t):
    c, at, cwnd0, before = timeout(t, "spurious")
    # The retransmission's DSACK (RFC 2883 4.1.1: below the ACK).
    c.send("A", ack=at(4), opts=sack_opts((at(0), at(1))))
    info = t.drv.info_until(c.sid, lambda i: i["snd_cwnd"] >= cwnd0)
    t.check_counters(before, DSACKRecv=1, LossUndo=1, RetransSegs=1)
    check(info["snd_cwnd"] >= cwnd0,
          f"spurious: cwnd {info['snd_cwnd']} restored (was {cwnd0})")
    check_eq(info["ca_state"], 0, "spurious: open")
    # The window is back: ten segments with no ACK in between.
    t.drv.send(c.sid, pattern(4 * MSS, 10 * MSS))
    for i in range(4, 14):
        c.expect("PA" if i == 13 else "A", seq=at(i), plen=MSS,
                 what=f"spurious: new segment {i} at once")
    c.send("A", ack=at(14))


def one_ack(t):
    """The originals' ACK carries the retransmission's DSACK: one ACK,
    with the same ACK number, and the undo comes in the Loss state."""
    c, data, at = t.sack_open_send(4, mss=MSS)
    cwnd0 = t.drv.info(c.sid)["snd_cwnd"]
    before = t.counters()
    c.expect("A", seq=at(0), data=data[:MSS], timeout=6,
             what="one ACK: segment 0 again at the RTO")
    c.send("A", ack=at(4), opts=sack_opts((at(0), at(1))))
    info = t.drv.info_until(c.sid, lambda i: i["snd_cwnd"] >= cwnd0)
    t.check_counters(before, Timeouts=1, DSACKRecv=1, LossUndo=1,
                     RetransSegs=1)
    check(info["snd_cwnd"] >= cwnd0,
          f"one ACK: cwnd {info['snd_cwnd']} restored (was {cwnd0})")
    check_eq(info["unacked"], 0, "one ACK: everything acknowledged")


def counted(t):
    """Four segments written one by one (four skbs); after the timeout
    and the ACK of 0, go-back-N resends 1 and 2 together (one
    super-packet): three segments resent, so the DSACK of the first alone
    is not enough; the DSACK of the other two is."""
    c = t.passive_open(syn_opts=[("MSS", MSS), ("SAckOK", b"")])
    una = c.sut_nxt

    def at(i):
        return seq_add(una, MSS * i)

    for i in range(4):
        t.drv.send(c.sid, pattern(i * MSS, MSS))
        c.expect("PA", seq=at(i), plen=MSS, what=f"counted: segment {i}")
    cwnd0 = t.drv.info(c.sid)["snd_cwnd"]
    before = t.counters()
    c.expect("PA", seq=at(0), plen=MSS, timeout=6,
             what="counted: segment 0 again at the RTO")
    c.send("A", ack=at(1))
    got = set()
    while len(got) < 2:
        seg = c.recv(2.0)
        check(seg is not None, "counted: go-back-N resends 1 and 2")
        check(seg.seq in (at(1), at(2)) and seg.plen == MSS,
              f"counted: unexpected segment seq {seg.seq} len {seg.plen}")
        got.add(seg.seq)
    c.send("A", ack=at(1), opts=sack_opts((at(0), at(1))))
    c.expect_none(0.3, "counted: anything after the first DSACK")
    t.check_counters(before, DSACKRecv=1, LossUndo=0)
    check(t.drv.info(c.sid)["snd_cwnd"] <= 3,
          "counted: window still cut after one DSACK of three")
    # 1 and 2 arrived twice as well; 3 had arrived once.
    c.send("A", ack=at(4), opts=sack_opts((at(1), at(3))))
    info = t.drv.info_until(c.sid, lambda i: i["snd_cwnd"] >= cwnd0)
    t.check_counters(before, DSACKRecv=2, LossUndo=1)
    check(info["snd_cwnd"] >= cwnd0,
          f"counted: cwnd {info['snd_cwnd']} restored (was {cwnd0})")


def genuine(t):
    c, at, _, before = timeout(t, "genuine")
    # No DSACK: the retransmission filled a hole. More data, acknowledged
    # as it comes: the window grows from the cut one, by slow start.
    t.drv.send(c.sid, pattern(4 * MSS, 4 * MSS))
    segs = []
    while True:
        seg = c.recv(0.3)
        if seg is None:
            break
        segs.append(seg)
    check(len(segs) < 4, f"genuine: {len(segs)} segments at once after the "
          "timeout, as if its window had come back")
    t.check_counters(before, LossUndo=0)


def run(t):
    spurious(t)
    one_ack(t)
    counted(t)
    genuine(t)
