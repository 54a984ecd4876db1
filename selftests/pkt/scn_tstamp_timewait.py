# SPDX-License-Identifier: GPL-2.0
"""TIME_WAIT keeps TS.Recent (RFC 7323 5.7, RFC 6191, the kernel's
tcp_timewait_state_process()): the ACKs it sends carry timestamps; a SYN
with a sequence number below the old connection's but a TSval older than
TS.Recent is an old duplicate: PAWS drops it with an ACK, counted in
PAWSEstabRejected; the same SYN with a newer TSval starts a new
incarnation at once: the listener answers it with a SYN-ACK."""
from xtcp_peer import NO_RTO, check, check_eq, check_immediate, seq_add, ts_of

TITLE = "timestamps: PAWS in TIME_WAIT; a SYN with a newer TSval reuses the tuple"
SYSCTLS = {**NO_RTO, "tw_timeout_ms": 10000}


def run(t):
    lsid, port = t.listen()
    c = t.conn(port)
    c.lsid = lsid
    c.send("S", opts=[("MSS", 1460), ("NOP", None), ("NOP", None),
                      ("Timestamp", (3000, 0))])
    sa = c.expect("SA", ack=c.nxt, plen=0, what="SYN-ACK")
    tsv = ts_of(sa)[0]

    def ts(val, echo=tsv):
        return [("NOP", None), ("NOP", None), ("Timestamp", (val, echo))]

    c.send("A", opts=ts(3001))
    sid = t.drv.call("accept", lsid).int()
    t.drv.call("close", sid)
    fin = c.expect("FA", ack=c.nxt, plen=0, what="FIN")
    check_eq(ts_of(fin)[1], 3001, "FIN's TSecr")
    c.send("FA", ack=seq_add(fin.seq, 1), opts=ts(3002, ts_of(fin)[0]))
    a = c.expect_ack(what="ACK of the FIN+ACK (TIME_WAIT)")
    check_eq(ts_of(a)[1], 3002, "TSecr of the last ACK")

    before = t.counters()
    old = t.conn(c.dport, sport=c.sport, iss=seq_add(c.nxt, -100000))
    old.send("S", opts=[("MSS", 1460), ("NOP", None), ("NOP", None),
                        ("Timestamp", (2000, 0))], advance=False)
    a = old.recv(1.0)
    check(a is not None and set(a.flags) == {"A"},
          f"an ACK from TIME_WAIT for an old SYN: {a}")
    check_eq(a.ack, c.nxt, "ACK from TIME_WAIT: the old connection's")
    check_eq(ts_of(a)[1], 3002, "TSecr from TIME_WAIT")
    t.check_counters(before, PAWSEstabRejected=1, PassiveOpens=0)

    n = t.conn(c.dport, sport=c.sport, iss=seq_add(c.nxt, -100000))
    sent = n.send("S", opts=[("MSS", 1460), ("NOP", None), ("NOP", None),
                             ("Timestamp", (4000, 0))])
    sa = n.expect("SA", ack=n.nxt, plen=0, timeout=0.5,
                  what="SYN-ACK to a SYN with a newer TSval")
    check_immediate(sa, sent, "SYN-ACK to the new SYN")
    check_eq(ts_of(sa)[1], 4000, "SYN-ACK's TSecr")
    n.send("A", opts=ts(4001, ts_of(sa)[0]))
    t.drv.call("accept", lsid)
