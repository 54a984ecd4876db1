# SPDX-License-Identifier: GPL-2.0
"""Proportional Rate Reduction (RFC 6937 3): in SACK recovery, while pipe
is above ssthresh, XTCP sends ceil(prr_delivered * ssthresh / prior_cwnd)
segments in all (the fast retransmission first, then new data) after
prr_delivered segments have been SACKed: about 7 for every 10 delivered
with CUBIC, 1 for 2 with Reno (scn_prr_reno.py), spread over the ACKs,
neither nothing until pipe drains below ssthresh nor a burst; and the ACK
of the recovery point leaves cwnd = ssthresh, which the next flight uses
at once.

20 segments are in flight (slow start from the initial 10); the first is
lost and the others are SACKed one per ACK: the first two (still Open)
each let one new segment go, the third starts recovery."""
import time

from xtcp_peer import SCALE, check, check_eq, pattern, sack_opts, seq_add

TITLE = "PRR: recovery sends ssthresh/prior_cwnd per delivered segment"
SYSCTLS = {"rto_min_ms": 5000, "congestion_control": "cubic"}

MSS = 1000
SEGS = 64           # what the application writes
DELIVERED = 10      # segments SACKed in recovery, one per ACK


def ceil_div(a, b):
    return -(-a // b)


def two_flights(t, syn_opts):
    """Passive open with `syn_opts`; SEGS segments written; the initial
    window of 10 and, once its ACK has doubled cwnd to 20 (slow start), a
    second flight of 20, each segment checked. Returns (conn, at, segment,
    new_segment): at(i) is the sequence number of segment i, segment(what)
    the next full-sized segment, new_segment(i, what) checks it is i."""
    c = t.passive_open(syn_opts=syn_opts)
    t.drv.call("setsockopt", c.sid, "SO_SNDBUF", 1 << 20)
    t.drv.send(c.sid, pattern(0, SEGS * MSS))
    una = c.sut_nxt

    def at(i):
        return seq_add(una, MSS * i)

    def segment(what, timeout=1.0):
        seg = c.recv(timeout * SCALE)
        check(seg is not None, f"{what}: no segment")
        check_eq(seg.plen, MSS, f"{what}: payload length of {seg}")
        return seg

    def new_segment(i, what):
        check_eq(segment(what).seq, at(i), f"{what}: seq")

    for i in range(10):
        new_segment(i, f"initial window, segment {i}")
    c.send("A", ack=at(10))
    for i in range(10, 30):
        new_segment(i, f"second flight, segment {i}")
    check_eq(t.drv.info(c.sid)["snd_cwnd"], 20, "cwnd before the loss")
    return c, at, segment, new_segment


def prr_sends(c, at, segment, new_segment, st, d, ssthresh, prior_cwnd,
              unit, pipe):
    """After the d-th ACK of the episode, with `pipe` segments in flight
    (more than ssthresh: PRR's proportional part), that part allows
    ceil(d * ssthresh / prior_cwnd) segments in all; those not sent yet
    (st["sent"]) must come, the fast retransmission of segment 10 first
    (st["rtx"]), then new data from st["nxt"], and then nothing more.
    `unit` says what the d ACKs were, for the messages."""
    check(pipe > ssthresh, f"pipe {pipe} > ssthresh {ssthresh} "
          "(the scenario stays in PRR's proportional part)")
    want = ceil_div(d * ssthresh, prior_cwnd) - st["sent"]
    for n in range(want):
        what = (f"segment {st['sent'] + n + 1} of recovery after {d} "
                f"{unit} (ssthresh {ssthresh}, prior cwnd {prior_cwnd})")
        if not st["rtx"]:
            check_eq(segment(what).seq, at(10),
                     f"{what}: the fast retransmission")
            st["rtx"] = True
        else:
            new_segment(st["nxt"], what)
            st["nxt"] += 1
    st["sent"] += want
    c.expect_none(0.15, f"more than {st['sent']} segments in recovery after "
                  f"{d} {unit} (ssthresh {ssthresh}, prior cwnd "
                  f"{prior_cwnd}: PRR allows "
                  f"ceil({d} * {ssthresh} / {prior_cwnd}))")


def check_recovery_sends(st, delivered, ssthresh, prior_cwnd):
    """After `delivered` ACKs, PRR sent ceil(delivered * ssthresh /
    prior_cwnd) segments in all."""
    check_eq(st["sent"], ceil_div(delivered * ssthresh, prior_cwnd),
             "segments sent in recovery")


def recovery_end(t, c, at, nxt, ssthresh):
    """The peer acknowledges everything up to segment nxt: recovery ends
    with cwnd = ssthresh, and a flight of ssthresh leaves at once."""
    c.send("A", ack=at(nxt))
    end = time.time() + 0.5 * SCALE
    flight = c.collect(end)
    info = t.drv.info(c.sid)
    check_eq(info["ca_state"], 0, "recovery over")
    check_eq(info["snd_cwnd"], ssthresh, "cwnd after recovery (= ssthresh)")
    check_eq(len(flight), ssthresh,
             "segments sent at once after recovery (cwnd = ssthresh)")
    check_eq(flight[0].seq, at(nxt), "the flight after recovery: seq")


def run(t):
    c, at, segment, new_segment = two_flights(
        t, [("MSS", MSS), ("SAckOK", b"")])
    prior_cwnd = 20

    # Segment 10 is lost; 11 and 12 are SACKed: Open, one new each.
    nxt = 30
    for k in (1, 2):
        c.send("A", ack=at(10), opts=sack_opts((at(11), at(11 + k))))
        new_segment(nxt, f"new data for SACKed segment {10 + k}")
        nxt += 1
        # One, not a burst (a GSO super-packet sized by cwnd - packets_out
        # with packets_out above cwnd once carried all the data left).
        c.expect_none(0.15, f"more than one new segment for SACKed segment "
                      f"{10 + k} (pipe {nxt - 10 - k} of cwnd {prior_cwnd})")
    sacked = 2
    before = t.counters()

    st = {"sent": 0, "rtx": False, "nxt": nxt}
    for d in range(1, DELIVERED + 1):
        sacked += 1
        c.send("A", ack=at(10), opts=sack_opts((at(11), at(11 + sacked))))
        if d == 1:
            info = t.drv.info_until(c.sid,
                                    lambda i: i["ca_state"] == 1)
            check_eq(info["ca_state"], 1, "in recovery on the third SACK")
            ssthresh = info["snd_ssthresh"]
            check(ssthresh < prior_cwnd,
                  f"ssthresh {ssthresh} below cwnd {prior_cwnd}")
        # Pipe (RFC 6675) as the peer sees it, before this ACK's sends.
        pipe = (st["nxt"] - 10) - sacked - (0 if st["rtx"] else 1)
        prr_sends(c, at, segment, new_segment, st, d, ssthresh, prior_cwnd,
                  "delivered", pipe)
    check_recovery_sends(st, DELIVERED, ssthresh, prior_cwnd)
    t.check_counters(before, SACKRecovery=1, RetransSegs=1)

    # The retransmission arrives: everything is acknowledged.
    recovery_end(t, c, at, st["nxt"], ssthresh)
