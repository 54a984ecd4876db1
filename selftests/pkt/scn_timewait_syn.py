# SPDX-License-Identifier: GPL-2.0
"""A new SYN for a TIME_WAIT entry (RFC 9293 3.10.7.4 / RFC 1122 4.2.2.13,
the kernel's TCP_TW_SYN): a SYN above the old connection's last sequence
number ends the entry and the listener answers it at once, with an ISN
above the old connection's snd_nxt + 64 KiB, so the client reconnects on
the same 4-tuple without a SYN retransmission; data then flows both ways."""
from xtcp_peer import (NO_RTO, SCALE, check_between, check_eq, pattern,
                       seq_add)

TITLE = "SYN to TIME_WAIT handed to the listener: same 4-tuple reconnects at once"
SYSCTLS = {**NO_RTO, "tw_timeout_ms": 10000}


def run(t):
    c = t.passive_open()
    t.drv.call("close", c.sid)
    fin = c.expect("FA", ack=c.nxt, plen=0, what="FIN")
    c.send("FA", ack=seq_add(fin.seq, 1))
    c.expect_ack(what="ACK of the FIN+ACK (TIME_WAIT)")
    before = t.counters()

    n = t.conn(c.dport, sport=c.sport, iss=seq_add(c.nxt, 100000))
    sent = n.send("S", opts=[("MSS", 1460)])
    # At once: well before the SYN's retransmission (1 s), which a
    # dropped SYN would need. (Held to 0.1 s, a loaded host failed it.)
    sa = n.expect("SA", ack=n.nxt, plen=0, timeout=0.5,
                  what="SYN-ACK to a new SYN for the TIME_WAIT entry")
    check_between(sa.ts - sent, -0.001, 0.5 * SCALE,
                  "SYN-ACK to the new SYN: delay")
    check_eq(sa.seq, seq_add(fin.seq, 1 + 65535 + 2),
             "ISN after TIME_WAIT (old snd_nxt + 65537)")
    n.send("A")
    n.sid = t.drv.call("accept", c.lsid).int()
    n.send("PA", data=pattern(0, 1000))
    n.expect_ack(what="ACK of the data")
    check_eq(t.drv.recv_all(n.sid, 1000), pattern(0, 1000), "data read")
    t.drv.send(n.sid, pattern(7, 700))
    n.expect("PA", ack=n.nxt, data=pattern(7, 700), what="data from XTCP")
    t.check_counters(before, PassiveOpens=1, OutRsts=0)
