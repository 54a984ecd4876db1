# SPDX-License-Identifier: GPL-2.0
"""SYN in ESTABLISHED (RFC 5961 4.2): whatever its sequence number, in the
window, at RCV.NXT or outside it, a SYN is answered with a challenge ACK
and the connection stays up."""
from xtcp_peer import NO_RTO, check_eq, check_immediate, pattern, seq_add

TITLE = "RFC 5961 SYN in ESTABLISHED: challenge ACK, connection unharmed"
# Four challenge ACKs back to back: the per-socket rate limit (its own
# scenario, scn_ratelimit_established) is off here.
SYSCTLS = {**NO_RTO, "invalid_ratelimit_ms": 0}


def run(t):
    c = t.passive_open()
    before = t.counters()
    for what, off in (("in the window", 100), ("at RCV.NXT", 0),
                      ("before the window", -5000),
                      ("beyond the window", 200000)):
        sent = c.send("S", seq=seq_add(c.nxt, off), opts=[("MSS", 1460)],
                      advance=False)
        ack = c.expect_ack(what=f"challenge ACK for a SYN {what}")
        check_immediate(ack, sent, f"challenge ACK for a SYN {what}")
    t.check_counters(before, ChallengeAcks=(2, "+"))
    check_eq(t.drv.state(c.sid), "ESTABLISHED", "state")
    c.send("PA", data=pattern(0, 10))
    c.expect_ack(what="ACK of data after the SYNs")
    check_eq(t.drv.recv_all(c.sid, 10), pattern(0, 10), "data read")
    t.drv.send(c.sid, pattern(0, 20))
    c.expect("PA", ack=c.nxt, data=pattern(0, 20), what="data from XTCP")
