# SPDX-License-Identifier: GPL-2.0
"""Replies sent without a full socket keep the socket's SO_PRIORITY, as
tcp_v4_send_reset() and tcp_v4_timewait_ack() do: a listener's reset for a
stray ACK, and a TIME_WAIT minisock's ACK of a retransmitted FIN (the
connection's priority, kept in tw_priority). The priority is seen through
a prio qdisc on the SUT's device: with the default priomap, priority 6
(TC_PRIO_INTERACTIVE) goes to band 0 (class 1:1), priority 0 to band 1.
Band 0 also takes priority 7 (TC_PRIO_CONTROL), which IPv6's neighbour
discovery and MLD use: a stray one of those may add to the count, so the
check is "at least one" (the bug sent none there)."""
import subprocess

from xtcp_peer import NO_RTO, SUT_DEV, Fail, check_between, seq_add

TITLE = "resets and TIME_WAIT ACKs keep the socket's SO_PRIORITY"
# Reading the qdisc's counters (tc) can take a second in a loaded guest:
# TIME_WAIT must outlast it.
SYSCTLS = {**NO_RTO, "tw_timeout_ms": 30000}
PRIO = 6


def tc(t, *args):
    return subprocess.run(["tc", "-n", t.ns_sut, *args], capture_output=True,
                          text=True, check=True).stdout


def band0_packets(t):
    """Packets class 1:1 (band 0) has sent."""
    lines = tc(t, "-s", "class", "show", "dev", SUT_DEV).splitlines()
    for i, line in enumerate(lines[:-1]):
        if line.startswith("class prio 1:1 "):
            # " Sent 1234 bytes 5 pkt (dropped 0, ..."
            return int(lines[i + 1].split()[3])
    raise Fail("no class 1:1 in the prio qdisc's statistics")


def run(t):
    tc(t, "qdisc", "replace", "dev", SUT_DEV, "root", "handle", "1:", "prio")

    # A listener's reset for an ACK that matches no request.
    lsid, port = t.listen(opts=[("SO_PRIORITY", PRIO)])
    c = t.conn(port)
    before = band0_packets(t)
    c.send("A", seq=c.iss, ack=123456789, advance=False)
    c.expect("R", seq=123456789, plen=0, what="the listener's RST")
    check_between(band0_packets(t) - before, 1, 3,
                  "band-0 packets for the listener's RST (priority 6)")

    # A TIME_WAIT minisock's ACK of the peer's retransmitted FIN.
    c = t.passive_open()
    t.drv.call("setsockopt", c.sid, "SO_PRIORITY", PRIO)
    t.drv.call("shutdown", c.sid, "wr")
    fin = c.expect("FA", ack=c.nxt, plen=0, what="FIN")
    peer_fin = c.nxt
    c.send("FA", ack=seq_add(fin.seq, 1))
    c.expect_ack(what="ACK of the FIN+ACK")
    before = band0_packets(t)
    c.send("FA", seq=peer_fin, ack=seq_add(fin.seq, 1))
    c.expect("A", seq=seq_add(fin.seq, 1), ack=seq_add(peer_fin, 1), plen=0,
             what="re-ACK of the FIN from TIME_WAIT")
    check_between(band0_packets(t) - before, 1, 3,
                  "band-0 packets for the TIME_WAIT re-ACK (priority 6)")
