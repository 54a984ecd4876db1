# SPDX-License-Identifier: GPL-2.0
"""F-RTO (RFC 5682 2.1) on a connection with neither timestamps nor SACK.
The peer's window takes four segments of the six XTCP has to send; it
holds its ACKs past the RTO, so XTCP resends segment 0.

- Spurious: the delayed ACK of the originals 0 and 1 arrives. XTCP must
  not resend 2 and 3 (go-back-N) but send the new segments 4 and 5
  (step 2b); the next ACK, of the originals 2 and 3, shows the timeout
  spurious (3b): the window before it is back, the connection Open,
  LossUndo and SpuriousRTOs counted, nothing sent again but segment 0.
- Real: segment 1 was lost. The ACK of the retransmitted 0 stops at 1;
  XTCP sends the new segment 4 (all the window takes), whose duplicate
  ACK shows the loss (3a): go-back-N resends 1 at once, nothing undone.
- A FIN added by shutdown() after the timeout to the sent tail skb: that
  skb is no new data (RFC 5682 sends only segments never sent), so plain
  go-back-N, and a later ACK undoes nothing.
- net.xtcp.frto=0: the spurious case goes back N (segment 2 next)."""
from xtcp_peer import SCALE, check, check_eq, pattern, seq_add, seq_diff

TITLE = "F-RTO: new data tells a spurious RTO from a real one"
# Reno: cwnd after a timeout is known. The retransmission leaves at the
# RTO (rto_min_ms, or 4 s at most for a slow first RTT sample in a loaded
# guest); the next one, backed off, comes after the checks.
SYSCTLS = {"rto_min_ms": 500, "congestion_control": "reno"}
MSS = 1000
WIN = 4 * MSS


def segment(c, seq, what, timeout=3.0):
    """The next segment must carry the MSS of data at `seq`."""
    s = c.recv(timeout * SCALE)
    check(s is not None, f"{what}: no segment within {timeout * SCALE:.1f} s")
    check_eq(s.seq, seq, f"{what}: sequence number of {s}")
    check_eq(s.plen, MSS, f"{what}: length of {s}")
    return s


def timeout(t, name):
    """A connection (MSS only: no timestamps, no SACK) whose peer window
    takes four of six segments; XTCP sends 0-3, then 0 again at the RTO.
    Return (conn, at, cwnd before, counters before)."""
    c = t.passive_open(mss=MSS, win=WIN)
    una = c.sut_nxt
    at = lambda i: seq_add(una, MSS * i)
    cwnd0 = t.drv.info(c.sid)["snd_cwnd"]
    before = t.counters()
    t.drv.send(c.sid, pattern(0, 6 * MSS))
    for i in range(4):
        segment(c, at(i), f"{name}: segment {i}")
    c.expect_none(0.2, f"{name}: a segment past the peer's window")
    segment(c, at(0), f"{name}: segment 0 again at the RTO", timeout=4)
    return c, at, cwnd0, before


def spurious(t):
    c, at, cwnd0, before = timeout(t, "spurious")
    # The delayed ACK of the originals 0 and 1: new data, not 2 and 3.
    c.send("A", ack=at(2))
    segment(c, at(4), "spurious: new segment 4 after the first ACK (step 2b)")
    segment(c, at(5), "spurious: new segment 5")
    # The originals 2 and 3 arrived: the timeout was spurious.
    c.send("A", ack=at(4))
    c.expect_none(0.3, "spurious: anything after the ACK of 2 and 3")
    info = t.drv.info(c.sid)
    t.check_counters(before, Timeouts=1, RetransSegs=1, LossUndo=1,
                     SpuriousRTOs=1)
    check(info["snd_cwnd"] >= cwnd0,
          f"spurious: cwnd {info['snd_cwnd']} restored (was {cwnd0})")
    check_eq(info["ca_state"], 0, "spurious: open again")
    c.send("A", ack=at(6))
    t.drv.info_until(c.sid, lambda i: i["unacked"] == 0)


def real(t):
    c, at, _, before = timeout(t, "real")
    # Segment 1 was lost: the ACK of the retransmitted 0 stops there.
    c.send("A", ack=at(1))
    segment(c, at(4), "real: new segment 4 after the first ACK (step 2b)")
    c.expect_none(0.2, "real: segment 5 (past the peer's window)")
    # Segment 4's duplicate ACK: the loss is real; back to 1 at once.
    c.send("A", ack=at(1))
    # Within half the RTO: not the timeout's go-back-N.
    segment(c, at(1), "real: segment 1 again after the duplicate ACK "
            "(step 3a)", timeout=0.25)
    t.check_counters(before, Timeouts=1, LossUndo=0, SpuriousRTOs=0)
    check(t.drv.info(c.sid)["snd_cwnd"] <= 3, "real: cwnd stays cut")
    # Everything up to 4 arrived with 1: the rest goes, and is acknowledged.
    c.ignore = lambda s: seq_diff(s.seq, at(5)) < 0
    c.send("A", ack=at(5))
    segment(c, at(5), "real: segment 5 once the window moved")
    c.send("A", ack=at(6))
    t.drv.info_until(c.sid, lambda i: i["unacked"] == 0)


def fin(t):
    """close() after the timeout adds the FIN to the sent tail skb: its
    segments are no new data, and their ACK no proof (segments 1 and 3 are
    lost here): go-back-N, nothing undone."""
    c = t.passive_open(mss=MSS, win=WIN)
    una = c.sut_nxt
    at = lambda i: seq_add(una, MSS * i)
    before = t.counters()
    t.drv.send(c.sid, pattern(0, 4 * MSS))
    for i in range(4):
        segment(c, at(i), f"fin: segment {i}")
    segment(c, at(0), "fin: segment 0 again at the RTO", timeout=4)
    t.drv.call("shutdown", c.sid, "wr")
    c.send("A", ack=at(1))
    segment(c, at(1), "fin: segment 1 again after the first ACK",
            timeout=0.25)
    # 1 and 2 arrived again, 3 did not: a real loss, not undone.
    c.ignore = lambda s: seq_diff(s.seq, at(3)) < 0
    c.send("A", ack=at(3))
    fin_seg = segment(c, at(3), "fin: segment 3, with the FIN")
    check("F" in fin_seg.flags, f"fin: FIN on segment 3: {fin_seg}")
    t.check_counters(before, LossUndo=0, SpuriousRTOs=0)
    c.send("A", ack=fin_seg.end)
    t.drv.info_until(c.sid, lambda i: i["unacked"] == 0)


def off(t):
    t.sysctl("frto", 0)
    c, at, _, before = timeout(t, "frto=0")
    c.send("A", ack=at(2))
    segment(c, at(2), "frto=0: go-back-N resends segment 2")
    t.check_counters(before, Timeouts=1, LossUndo=0, SpuriousRTOs=0)
    # 2 and 3 again (go-back-N), then 4 and 5 as the window moves.
    c.ignore = lambda s: seq_diff(s.seq, at(5)) < 0
    c.send("A", ack=at(4))
    segment(c, at(5), "frto=0: segment 5 once the window moved")
    c.send("A", ack=at(6))
    t.drv.info_until(c.sid, lambda i: i["unacked"] == 0)
    t.sysctl("frto", 1)


def run(t):
    spurious(t)
    real(t)
    fin(t)
    off(t)
