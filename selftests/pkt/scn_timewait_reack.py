# SPDX-License-Identifier: GPL-2.0
"""TIME_WAIT (RFC 9293 3.10.7.4): a retransmitted FIN is acknowledged again
and restarts the 2 MSL timer (tw_timeout_ms here); once TIME_WAIT is over,
the same FIN meets no connection and is reset."""
import time

from xtcp_peer import NO_RTO, check_immediate, seq_add, sleep_until

TITLE = "TIME_WAIT re-ACKs a retransmitted FIN and restarts 2MSL"
SYSCTLS = {**NO_RTO, "tw_timeout_ms": 1500}


def run(t):
    c = t.passive_open()
    before = t.counters()
    t.drv.call("shutdown", c.sid, "wr")
    fin = c.expect("FA", ack=c.nxt, plen=0, what="FIN")
    peer_fin = c.nxt
    c.send("FA", ack=seq_add(fin.seq, 1))
    tw = c.expect_ack(what="ACK of the FIN+ACK").ts
    for when in (0.6, 1.8):
        # 1.8 s is past the first 1.5 s: the re-ACK at 0.6 s restarted it.
        sleep_until(tw + when)
        sent = c.send("FA", seq=peer_fin, ack=seq_add(fin.seq, 1))
        ack = c.expect("A", seq=seq_add(fin.seq, 1), ack=seq_add(peer_fin, 1),
                       plen=0, what=f"re-ACK of the FIN at {when} s")
        check_immediate(ack, sent, f"re-ACK at {when} s")
    t.check_counters(before, TimeWaitReAcks=2)
    sleep_until(time.time() + 1.5 + 0.7)
    c.send("FA", seq=peer_fin, ack=seq_add(fin.seq, 1))
    c.expect("R", seq=seq_add(fin.seq, 1), plen=0,
             what="RST once TIME_WAIT is over")
