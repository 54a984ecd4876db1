# SPDX-License-Identifier: GPL-2.0
"""A lost segment whose last copy still waits in a qdisc is not sent again
(it has not left the host: SpuriousRtxHostQueues), and the freeing of that
copy sends it (tcp_tsq_write() runs tcp_xmit_retransmit_queue()), not the
next ACK or the RTO: with SACK (segments 2-4 SACKed, so 0 and 1 lost),
and with NewReno (three duplicate ACKs for the hole at snd_una). The copy
is held in a slow tbf, in a prio band that a u32 filter on the segment's
sequence number picks; another segment before it takes the tbf's burst.
No GSO, so that the copy in the qdisc is the write-queue skb's fclone,
not a segment cut from a super-packet."""
import subprocess
import time

from xtcp_peer import (SCALE, SUT_DEV, check, check_eq, pattern, sack_opts,
                       seq_add)

TITLE = "a retransmission held in the host queue goes when its copy leaves"
# No RTO, and no ACK, stands in for the resume.
SYSCTLS = {"rto_min_ms": 10000}
MSS = 1000


def sh(t, *args):
    subprocess.run(["ip", "netns", "exec", t.ns_sut, *args], check=True,
                   capture_output=True, text=True)


def counters_until(t, before, name, want, timeout):
    """The counters once `name` grew by `want` since `before`, or the last
    ones after `timeout` s."""
    end = time.time() + timeout * SCALE
    while True:
        now = t.counters()
        if now.get(name, 0) - before.get(name, 0) >= want or time.time() > end:
            return now
        time.sleep(0.02)


def hold_in_tbf(t, *seqs):
    """Segments with these sequence numbers go through a tbf of 500
    bytes/s (class 1:2 of a prio qdisc; the rest to band 0): the first
    leaves at once on the burst, the next about 2 s later."""
    sh(t, "tc", "qdisc", "replace", "dev", SUT_DEV, "root", "handle", "1:",
       "prio", "bands", "3", "priomap", *["0"] * 16)
    sh(t, "tc", "qdisc", "replace", "dev", SUT_DEV, "parent", "1:2",
       "handle", "20:", "tbf", "rate", "4kbit", "burst", "1100", "latency",
       "30s")
    subprocess.run(["ip", "netns", "exec", t.ns_sut, "tc", "filter", "del",
                    "dev", SUT_DEV, "parent", "1:"], capture_output=True,
                   check=False)
    for seq in seqs:
        sh(t, "tc", "filter", "add", "dev", SUT_DEV, "parent", "1:",
           "protocol", "ip", "prio", "1", "u32", "match", "u32",
           f"{seq:#x}", "0xffffffff", "at", "24", "flowid", "1:2")


def delta(now, before, name):
    return now.get(name, 0) - before.get(name, 0)


def held_then_sent(t, c, before, seq, what):
    """The retransmission of `seq` was held (SpuriousRtxHostQueues) and
    none went; then its first copy reaches the peer, and the
    retransmission goes within 1.5 s, with no ACK and no RTO since."""
    now = counters_until(t, before, "SpuriousRtxHostQueues", 1, 2.0)
    check(delta(now, before, "SpuriousRtxHostQueues") >= 1,
          f"SpuriousRtxHostQueues: {what}'s retransmission held")
    rtx = delta(now, before, "RetransSegs")
    c.expect("A", seq=seq, plen=MSS, timeout=6,
             what=f"{what}'s first transmission, out of the tbf")
    left = time.time()
    now = counters_until(t, before, "RetransSegs", rtx + 1, 1.5)
    check_eq(delta(now, before, "RetransSegs"), rtx + 1,
             f"retransmissions {time.time() - left:.2f} s after {what}'s "
             "copy left the host (no ACK, no RTO since)")
    check_eq(delta(now, before, "Timeouts"), 0, "timeouts")


def sack_case(t):
    c = t.passive_open(syn_opts=[("MSS", MSS), ("SAckOK", b"")])
    una = c.sut_nxt

    def at(i):
        return seq_add(una, MSS * i)

    hold_in_tbf(t, at(0), at(1))
    before = t.counters()
    t.drv.send(c.sid, pattern(0, 5 * MSS))
    c.expect("A", seq=at(0), plen=MSS, what="segment 0")
    for i in (2, 3, 4):
        c.expect("PA" if i == 4 else "A", seq=at(i), plen=MSS,
                 what=f"segment {i} (segment 1 waits in the tbf)")

    # 2-4 SACKed: 0 and 1 are lost (RFC 6675 IsLost). 0 is sent again;
    # 1's copy has not left the host.
    c.send("A", ack=at(0), opts=sack_opts((at(2), at(5))))
    now = counters_until(t, before, "RetransSegs", 1, 2.0)
    check_eq(delta(now, before, "RetransSegs"), 1,
             "retransmissions while segment 1 waits below the socket")
    held_then_sent(t, c, before, at(1), "segment 1")

    # Both retransmissions come out of the tbf, 0 then 1.
    c.expect("A", seq=at(0), data=pattern(0, MSS), timeout=6,
             what="retransmission of segment 0")
    c.expect("A", seq=at(1), data=pattern(MSS, MSS), timeout=6,
             what="retransmission of segment 1")
    c.send("A", ack=at(5))
    info = t.drv.info_until(c.sid, lambda i: i["unacked"] == 0)
    check_eq(info["unacked"], 0, "everything acknowledged")


def reno_case(t):
    c = t.passive_open(syn_opts=[("MSS", MSS)])
    una = c.sut_nxt

    def at(i):
        return seq_add(una, MSS * i)

    # Segment 0 takes the burst; 1, the hole, waits in the tbf.
    hold_in_tbf(t, at(0), at(1))
    t.drv.send(c.sid, pattern(0, MSS))
    c.expect("PA", seq=at(0), plen=MSS, what="segment 0")
    c.send("A", ack=at(1))
    before = t.counters()
    t.drv.send(c.sid, pattern(MSS, 5 * MSS))
    for i in (2, 3, 4, 5):
        c.expect("PA" if i == 5 else "A", seq=at(i), plen=MSS,
                 what=f"segment {i} (segment 1 waits in the tbf)")

    # Three duplicate ACKs: fast retransmit of 1, whose copy is below us.
    for _ in range(3):
        c.send("A", ack=at(1))
    held_then_sent(t, c, before, at(1), "segment 1")
    c.expect("A", seq=at(1), data=pattern(MSS, MSS), timeout=6,
             what="retransmission of segment 1")
    c.send("A", ack=at(6))
    info = t.drv.info_until(c.sid, lambda i: i["unacked"] == 0)
    check_eq(info["unacked"], 0, "everything acknowledged")


def run(t):
    sh(t, "ethtool", "-K", SUT_DEV, "gso", "off")
    sack_case(t)
    reno_case(t)
