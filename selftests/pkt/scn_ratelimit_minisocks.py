# SPDX-License-Identifier: GPL-2.0
"""Rate limits on replies from minisockets (tcp_timewait_check_oow_rate_limit()
and tcp_check_req()): a flood of retransmitted FINs at a TIME_WAIT entry
gets at most one re-ACK per net.xtcp.invalid_ratelimit_ms
(AckSkippedTimeWait counts the rest) while a single late FIN is still
re-ACKed; a flood of duplicate SYNs at a request in SYN_RECV gets at most
one SYN-ACK per interval (AckSkippedSynRecv)."""
import time

from xtcp_peer import (NO_RTO, check, check_eq, check_immediate, seq_add,
                       sleep_until)

TITLE = "rate limits: TIME_WAIT re-ACK and duplicate SYN floods"
SYSCTLS = {**NO_RTO, "invalid_ratelimit_ms": 500, "tw_timeout_ms": 5000}
FLOOD = 300
LIMIT_S = 0.5


def run(t):
    # TIME_WAIT: XTCP closes first.
    c = t.passive_open()
    t.drv.call("shutdown", c.sid, "wr")
    fin = c.expect("FA", ack=c.nxt, plen=0, what="FIN")
    peer_fin = c.nxt
    c.send("FA", ack=seq_add(fin.seq, 1))
    c.expect_ack(what="ACK of the FIN+ACK")
    sent = c.send("FA", seq=peer_fin, ack=seq_add(fin.seq, 1))
    ack = c.expect("A", seq=seq_add(fin.seq, 1), ack=seq_add(peer_fin, 1),
                   plen=0, what="re-ACK of one retransmitted FIN")
    check_immediate(ack, sent, "re-ACK of one retransmitted FIN")
    before = t.counters()
    t0, t1 = c.flood("FA", FLOOD, seq=peer_fin, ack=seq_add(fin.seq, 1))
    acks = c.collect(t1 + 0.3)
    bound = int((t1 - t0) / LIMIT_S) + 1
    t.log(f"TIME_WAIT: {len(acks)} re-ACKs to {FLOOD} FINs in {t1 - t0:.3f} s")
    check(len(acks) <= bound, f"{len(acks)} re-ACKs to {FLOOD} FINs in "
          f"{t1 - t0:.3f} s (at most {bound} allowed)")
    t.check_counters(before, AckSkippedTimeWait=FLOOD - len(acks),
                     TimeWaitReAcks=len(acks))
    sleep_until(time.time() + LIMIT_S + 0.1)
    sent = c.send("FA", seq=peer_fin, ack=seq_add(fin.seq, 1))
    ack = c.expect("A", seq=seq_add(fin.seq, 1), ack=seq_add(peer_fin, 1),
                   plen=0, what="re-ACK of a FIN after the flood")
    check_immediate(ack, sent, "re-ACK after the flood")

    # SYN_RECV: the request's SYN-ACK timer first fires after 1 s.
    _, port = t.listen()
    r = t.conn(port)
    r.send("S", opts=[("MSS", 1460)])
    sa = r.expect("SA", ack=r.nxt, plen=0, what="SYN-ACK")
    before = t.counters()
    t0, t1 = r.flood("S", FLOOD, seq=r.iss)
    check(t1 - sa.ts < 0.8, f"flood took too long ({t1 - t0:.3f} s)")
    replies = r.collect(sa.ts + 0.9)
    for s in replies:
        check_eq(s.flags, "SA", f"reply flags of {s}")
    bound = int((t1 - t0) / LIMIT_S) + 1
    t.log(f"SYN_RECV: {len(replies)} SYN-ACKs to {FLOOD} duplicate SYNs")
    check(len(replies) <= bound, f"{len(replies)} SYN-ACKs to {FLOOD} "
          f"duplicate SYNs in {t1 - t0:.3f} s (at most {bound} allowed)")
    t.check_counters(before, AckSkippedSynRecv=FLOOD - len(replies))
