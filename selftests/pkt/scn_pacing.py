# SPDX-License-Identifier: GPL-2.0
"""Pacing (Linux TCP's tcp_update_pacing_rate() and internal pacing): after
each ACK, sk_pacing_rate is mss * cwnd / srtt, times 200 % while cwnd is
below half of ssthresh (120 % after), at most SO_MAX_PACING_RATE; TCP_INFO
reports it and the limit. Setting SO_MAX_PACING_RATE asks for pacing: with
no fq qdisc on veth-s, XTCP spaces its segments itself (an hrtimer), except
the first ten of a connection. At 100 kB/s, the second flight of ten
1000-byte segments must take about 70-90 ms (five bursts of two, or ten
single segments, the first after half a gap), where unpaced it leaves at
once."""
from xtcp_peer import NO_RTO, SCALE, check, check_eq, pattern, seq_add

TITLE = "pacing: rate from cwnd and srtt, SO_MAX_PACING_RATE spaces segments"
SYSCTLS = {**NO_RTO}
MSS = 1000
RATE = 100000


def tcpinfo(t, sid):
    return {k: int(v) for k, v in t.drv.call("tcpinfo", sid).kv().items()}


def want_rate(i):
    """tcp_update_pacing_rate() with the reported mss, cwnd, ssthresh and
    srtt (microseconds), nothing in flight."""
    ratio = 200 if i["snd_cwnd"] < i["snd_ssthresh"] // 2 else 120
    return i["snd_mss"] * i["snd_cwnd"] * 10000 * ratio // i["rtt"]


def take(c, n, una, what):
    """The next n data segments, in order from `una`; return them."""
    segs = []
    while len(segs) < n:
        seg = c.recv(3.0)
        check(seg is not None, f"{what}: {len(segs)} of {n} segments")
        if not seg.plen:
            continue
        check_eq(seg.seq, seq_add(una, MSS * len(segs)), f"{what}: seq")
        check_eq(seg.plen, MSS, f"{what}: payload length")
        segs.append(seg)
    return segs


def run(t):
    # The handshake's ACK 100 ms after the SYN-ACK: SRTT about 100 ms.
    c = t.passive_open(mss=MSS, ack_delay=0.1)
    t.drv.call("setsockopt", c.sid, "SO_MAX_PACING_RATE", 10 ** 9)
    i = tcpinfo(t, c.sid)
    check(i["rtt"] >= 50000, f"SRTT {i['rtt']} us after the handshake")
    check_eq(i["max_pacing_rate"], 10 ** 9, "tcpi_max_pacing_rate")
    check_eq(i["pacing_rate"], want_rate(i),
             f"tcpi_pacing_rate after the handshake ({i})")

    # The limit, unless a slow guest measured an SRTT that gives less.
    t.drv.call("setsockopt", c.sid, "SO_MAX_PACING_RATE", RATE)
    check_eq(tcpinfo(t, c.sid)["pacing_rate"], min(RATE, want_rate(i)),
             "rate at the limit")
    una = c.sut_nxt
    t.drv.send(c.sid, pattern(0, 20 * MSS))
    first = take(c, 10, una, "first flight")
    check(first[-1].ts - first[0].ts < 0.04 * SCALE,
          f"first ten segments, unpaced, took {first[-1].ts - first[0].ts:.3f} s")
    c.send("A")
    second = take(c, 10, seq_add(una, 10 * MSS), "second flight")
    span = second[-1].ts - second[0].ts
    # 70 ms in bursts of two (GSO), 85 ms one by one; unpaced about 0.
    t.log(f"second flight of ten: {span:.3f} s")
    check(0.045 <= span <= 0.2 + 0.4 * SCALE, f"second flight of ten took {span:.3f} s at "
          f"{RATE} B/s, want 0.07-0.09 s")
    c.send("A")
    i = tcpinfo(t, c.sid)
    check_eq(i["unacked"], 0, "all acknowledged")
    check_eq(i["pacing_rate"], min(RATE, want_rate(i)),
             "rate at the limit after the flights")

    # No limit now: the next ACK sets the rate from the grown window.
    t.drv.call("setsockopt", c.sid, "SO_MAX_PACING_RATE", -1)
    c.send("A")
    i = tcpinfo(t, c.sid)
    check(i["snd_cwnd"] > 10, f"cwnd {i['snd_cwnd']} after two flights")
    check_eq(i["pacing_rate"], want_rate(i), f"tcpi_pacing_rate ({i})")
    check_eq(i["max_pacing_rate"], 2 ** 64 - 1, "no limit")
