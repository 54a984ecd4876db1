# SPDX-License-Identifier: GPL-2.0
"""A lost segment whose last copy still waits in a qdisc is not sent again
(it has not left the host: SpuriousRtxHostQueues), and the freeing of that
copy sends it (tcp_tsq_write() runs tcp_xmit_retransmit_queue()), not the
next ACK or the RTO: with SACK (segments 2-4 SACKed, so 0 and 1 lost),
and with NewReno (three duplicate ACKs for the hole at snd_una), whose
late retransmission restarts the RTO. The copy is held in a plug qdisc, in
a prio band that a u32 filter on the segment's sequence number picks, and
released once the retransmission was held. No GSO, so that the copy in
the qdisc is the write-queue skb's fclone, not a segment cut from a
super-packet."""
import subprocess
import time

from xtcp_peer import (FAMILY, IP_HLEN, SCALE, SUT_DEV, check, check_eq, pattern, sack_opts,
                       seq_add, seq_diff, sleep_until)

TITLE = "a retransmission held in the host queue goes when its copy leaves"
# No RTO stands in for the resume: the plug holds for HOLD s, the RTO is
# RTO s; NewReno's ACK waits past HOLD + RTO - 1 from the duplicate ACKs,
# where an RTO that the late retransmission did not restart would fire.
SYSCTLS = {"rto_min_ms": 4000}
MSS = 1000
HOLD = 2.0
RTO = 4.0


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


def plug(t, seq):
    """The segment with this sequence number waits in a plug qdisc (class
    1:2 of a prio qdisc; the rest go to band 0) until release()."""
    sh(t, "tc", "qdisc", "replace", "dev", SUT_DEV, "root", "handle", "1:",
       "prio", "bands", "3", "priomap", *["0"] * 16)
    sh(t, "tc", "qdisc", "replace", "dev", SUT_DEV, "parent", "1:2",
       "handle", "20:", "plug", "limit", "100000")
    # Replacing a plug keeps its state: released by the last case.
    sh(t, "tc", "qdisc", "change", "dev", SUT_DEV, "parent", "1:2",
       "handle", "20:", "plug", "block")
    subprocess.run(["ip", "netns", "exec", t.ns_sut, "tc", "filter", "del",
                    "dev", SUT_DEV, "parent", "1:"], capture_output=True,
                   check=False)
    sh(t, "tc", "filter", "add", "dev", SUT_DEV, "parent", "1:",
       "protocol", "ipv6" if FAMILY == 6 else "ip", "prio", "1", "u32",
       "match", "u32", f"{seq:#x}", "0xffffffff", "at", str(IP_HLEN + 4),
       "flowid", "1:2")


def release(t):
    sh(t, "tc", "qdisc", "change", "dev", SUT_DEV, "parent", "1:2",
       "handle", "20:", "plug", "release_indefinite")


def delta(now, before, name):
    return now.get(name, 0) - before.get(name, 0)


def held_then_sent(t, c, before, seq, what):
    """The retransmission of `seq` was held (SpuriousRtxHostQueues) and
    none went; the plug opens after HOLD s, the first copy reaches the
    peer, and the retransmission follows within 1.5 s, with no ACK and no
    RTO since."""
    now = counters_until(t, before, "SpuriousRtxHostQueues", 1, 2.0)
    check(delta(now, before, "SpuriousRtxHostQueues") >= 1,
          f"SpuriousRtxHostQueues: {what}'s retransmission held")
    rtx = delta(now, before, "RetransSegs")
    time.sleep(HOLD)
    release(t)
    c.expect("A", seq=seq, plen=MSS, timeout=3,
             what=f"{what}'s first transmission, out of the plug")
    left = time.time()
    now = counters_until(t, before, "RetransSegs", rtx + 1, 1.5)
    check_eq(delta(now, before, "RetransSegs"), rtx + 1,
             f"retransmissions {time.time() - left:.2f} s after {what}'s "
             "copy left the host (no ACK, no RTO since)")
    c.expect("A", seq=seq, data=pattern(seq_diff(seq, c.base), MSS),
             timeout=3, what=f"retransmission of {what}")


def start(t, syn_opts, held):
    """A passive open with `syn_opts`, segment `held` of five in the plug;
    the other four reach the peer. Return (conn, at, counters before)."""
    c = t.passive_open(syn_opts=syn_opts)
    c.base = una = c.sut_nxt

    def at(i):
        return seq_add(una, MSS * i)

    plug(t, at(held))
    before = t.counters()
    t.drv.send(c.sid, pattern(0, 5 * MSS))
    for i in range(5):
        if i != held:
            c.expect("PA" if i == 4 else "A", seq=at(i), plen=MSS,
                     what=f"segment {i} (segment {held} waits in the plug)")
    return c, at, before


def finish(t, c, at):
    c.send("A", ack=at(5))
    info = t.drv.info_until(c.sid, lambda i: i["unacked"] == 0)
    check_eq(info["unacked"], 0, "everything acknowledged")


def sack_case(t):
    c, at, before = start(t, [("MSS", MSS), ("SAckOK", b"")], 1)
    # 2-4 SACKed: 0 and 1 are lost (RFC 6675 IsLost). 0 is sent again;
    # 1's copy has not left the host.
    c.send("A", ack=at(0), opts=sack_opts((at(2), at(5))))
    c.expect("A", seq=at(0), data=pattern(0, MSS),
             what="retransmission of segment 0")
    held_then_sent(t, c, before, at(1), "segment 1")
    finish(t, c, at)
    t.check_counters(before, Timeouts=0)


def reno_case(t):
    c, at, before = start(t, [("MSS", MSS)], 0)
    # Three duplicate ACKs: fast retransmit of 0, whose copy is below us.
    for _ in range(3):
        dup = c.send("A", ack=at(0))
    held_then_sent(t, c, before, at(0), "segment 0")
    # An RTO armed at the duplicate ACKs would fire by now.
    sleep_until(dup + HOLD + RTO - 1)
    t.check_counters(before, Timeouts=0)
    finish(t, c, at)


def run(t):
    sh(t, "ethtool", "-K", SUT_DEV, "gso", "off")
    sack_case(t)
    reno_case(t)
