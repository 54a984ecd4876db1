# SPDX-License-Identifier: GPL-2.0
"""An orphan's FIN_WAIT2 minisock takes TS.Recent from the peer's FIN
(RFC 7323 4.3, tcp_timewait_state_process()): the ACK of the FIN echoes
the FIN's TSval, and TIME_WAIT's PAWS then rejects a SYN whose TSval lies
between the last ACK's and the FIN's. Before, the minisock kept the TSval
of the ACK that made it: the FIN's ACK echoed that, and the old SYN
passed PAWS."""
from xtcp_peer import check, check_eq, seq_add, ts_of

TITLE = "timestamps: the FIN_WAIT2 minisock takes TS.Recent from the FIN"
SYSCTLS = {"tw_timeout_ms": 10000, "fin_timeout_ms": 10000}


def run(t):
    lsid, port = t.listen()
    c = t.conn(port)
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
    snd_nxt = seq_add(fin.seq, 1)
    c.send("A", ack=snd_nxt, opts=ts(3002, ts_of(fin)[0]))
    c.expect_none(0.3, "an answer to the ACK of the FIN (FIN_WAIT2)")

    c.send("FA", ack=snd_nxt, opts=ts(3100, ts_of(fin)[0]))
    a = c.expect("A", seq=snd_nxt, ack=c.nxt, plen=0,
                 what="ACK of the peer's FIN (TIME_WAIT)")
    check_eq(ts_of(a)[1], 3100, "TSecr of the FIN's ACK")

    before = t.counters()
    old = t.conn(c.dport, sport=c.sport, iss=seq_add(c.nxt, -100000))
    old.send("S", opts=[("MSS", 1460), ("NOP", None), ("NOP", None),
                        ("Timestamp", (3050, 0))], advance=False)
    a = old.recv(1.0)
    check(a is not None and set(a.flags) == {"A"},
          f"an ACK from TIME_WAIT for a SYN older than the FIN: {a}")
    check_eq(a.ack, c.nxt, "ACK from TIME_WAIT: the old connection's")
    t.check_counters(before, PAWSEstabRejected=1, PassiveOpens=0)
