# SPDX-License-Identifier: GPL-2.0
"""TIME_WAIT answers as the connection did: the ACK of a retransmitted FIN
carries the TOS the socket set (IP_TOS), as tcp_v4_timewait_ack() sends
tw_tos, not the TOS of the segment it answers. (The same path keeps the
connection's device, mark and flow hash, and over IPv6 its traffic class,
flow label and priority.)"""
from xtcp_peer import NO_RTO, TOS_OPT, check_eq, seq_add

TITLE = "TIME_WAIT's ACKs keep the connection's TOS"
SYSCTLS = {**NO_RTO}
TOS = 0x28


def run(t):
    c = t.passive_open()
    t.drv.call("setsockopt", c.sid, TOS_OPT, TOS)
    t.drv.call("shutdown", c.sid, "wr")
    fin = c.expect("FA", ack=c.nxt, plen=0, what="FIN")
    check_eq(fin.tos, TOS, f"the FIN's TOS ({TOS_OPT})")
    peer_fin = c.nxt
    c.send("FA", ack=seq_add(fin.seq, 1))
    c.expect_ack(what="ACK of the FIN+ACK")
    # The peer's segments carry TOS 0: the re-ACK must not copy that.
    c.send("FA", seq=peer_fin, ack=seq_add(fin.seq, 1))
    ack = c.expect("A", seq=seq_add(fin.seq, 1), ack=seq_add(peer_fin, 1),
                   plen=0, what="re-ACK of the FIN from TIME_WAIT")
    check_eq(ack.tos, TOS, "the TIME_WAIT re-ACK's TOS")
