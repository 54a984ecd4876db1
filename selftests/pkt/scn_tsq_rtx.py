# SPDX-License-Identifier: GPL-2.0
"""A lost segment whose last copy still waits in a qdisc is not sent again
(it has not left the host: SpuriousRtxHostQueues), and the freeing of that
copy sends it (tcp_tsq_write() runs tcp_xmit_retransmit_queue()), not the
next ACK or the RTO. Segment 1's copy is held in a slow tbf (a prio band
that a u32 filter on its sequence number picks); segments 2-4 are SACKed,
so 0 and 1 are lost. No GSO, so that the copy in the qdisc is the
write-queue skb's fclone, not a segment cut from a super-packet."""
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


def run(t):
    sh(t, "ethtool", "-K", SUT_DEV, "gso", "off")
    c = t.passive_open(syn_opts=[("MSS", MSS), ("SAckOK", b"")])
    una = c.sut_nxt

    def at(i):
        return seq_add(una, MSS * i)

    # Band 0 for everything but segments 0 and 1, which wait in a tbf of
    # 500 bytes/s: 0 leaves at once on its burst, 1 about 2 s later.
    tc = ["tc", "qdisc", "replace", "dev", SUT_DEV]
    sh(t, *tc, "root", "handle", "1:", "prio", "bands", "3",
       "priomap", *["0"] * 16)
    sh(t, "tc", "qdisc", "add", "dev", SUT_DEV, "parent", "1:2", "handle",
       "20:", "tbf", "rate", "4kbit", "burst", "1100", "latency", "30s")
    for i in (0, 1):
        sh(t, "tc", "filter", "add", "dev", SUT_DEV, "parent", "1:",
           "protocol", "ip", "prio", "1", "u32", "match", "u32",
           f"{at(i):#x}", "0xffffffff", "at", "24", "flowid", "1:2")

    before = t.counters()
    t.drv.send(c.sid, pattern(0, 5 * MSS))
    c.expect("A", seq=at(0), plen=MSS, what="segment 0")
    for i in (2, 3, 4):
        c.expect("PA" if i == 4 else "A", seq=at(i), plen=MSS,
                 what=f"segment {i} (segment 1 waits in the tbf)")

    # 2-4 SACKed: 0 and 1 are lost (RFC 6675 IsLost). 0 is sent again;
    # 1's copy has not left the host.
    c.send("A", ack=at(0), opts=sack_opts((at(2), at(5))))
    now = counters_until(t, before, "SpuriousRtxHostQueues", 1, 2.0)
    check_eq(now.get("RetransSegs", 0) - before.get("RetransSegs", 0), 1,
             "retransmissions while segment 1 waits below the socket")
    check(now.get("SpuriousRtxHostQueues", 0) -
          before.get("SpuriousRtxHostQueues", 0) >= 1,
          "SpuriousRtxHostQueues: segment 1's retransmission held")

    c.expect("A", seq=at(1), plen=MSS, timeout=6,
             what="segment 1's first transmission, out of the tbf")
    left = time.time()
    now = counters_until(t, before, "RetransSegs", 2, 1.5)
    check_eq(now.get("RetransSegs", 0) - before.get("RetransSegs", 0), 2,
             f"retransmissions {time.time() - left:.2f} s after segment 1's "
             "copy left the host (no ACK, no RTO since)")
    check_eq(now.get("Timeouts", 0) - before.get("Timeouts", 0), 0,
             "timeouts")

    # Both retransmissions come out of the tbf, 0 then 1.
    c.expect("A", seq=at(0), data=pattern(0, MSS), timeout=6,
             what="retransmission of segment 0")
    c.expect("A", seq=at(1), data=pattern(MSS, MSS), timeout=6,
             what="retransmission of segment 1")
    c.send("A", ack=at(5))
    info = t.drv.info_until(c.sid, lambda i: i["unacked"] == 0)
    check_eq(info["unacked"], 0, "everything acknowledged")
