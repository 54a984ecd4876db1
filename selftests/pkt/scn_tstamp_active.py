# SPDX-License-Identifier: GPL-2.0
"""Timestamps on an active open (RFC 7323 3.2): the SYN carries MSS, NOP,
NOP, TS with TSecr 0; a SYN-ACK whose TSecr echoes no TSval we sent (from
the future) is answered with a RST and counted in PAWSActiveRejected (as
Linux's tcp_rcv_synsent_state_process()); the right SYN-ACK with TSopt
agrees on timestamps: the ACK echoes its TSval and the MSS leaves room for
the option. A SYN-ACK without TSopt leaves them off (scn_active_open).
With net.xtcp.timestamps = 0 neither a SYN nor a SYN-ACK carries TSopt,
whatever the peer offers."""
import errno

from xtcp_peer import LINK_MSS, check, check_eq, seq_add, seq_diff, ts_of

TITLE = "timestamps: active negotiation, bad TSecr on a SYN-ACK, sysctl off"
# Timestamps alone in XTCP's SYN (scn_syn_fields covers the full layout).
SYSCTLS = {"sack": 0, "window_scaling": 0}


def run(t):
    # Non-blocking: the driver answers other calls while XTCP is in SYN_SENT.
    c, syn, _ = t.start_connect(6003, nonblock=True)
    sid = c.sid
    # XTCP's SYN timer (1 s) may run out meanwhile: not an answer.
    c.ignore = lambda seg: set(seg.flags) == {"S"} and seg.seq == syn.seq
    tsv = ts_of(syn)
    check(tsv is not None, f"SYN without timestamps: {syn.opts}")
    check_eq(syn.opts, [("MSS", LINK_MSS), ("NOP", None), ("NOP", None),
                        ("Timestamp", (tsv[0], 0))], "SYN options")
    check_eq(syn.doff, 9, "SYN data offset (MSS + NOP NOP TS)")

    before = t.counters()
    bad = (tsv[0] + 10000000) & 0xFFFFFFFF
    c.send("SA", ack=seq_add(syn.seq, 1), advance=False,
           opts=[("MSS", 1460), ("NOP", None), ("NOP", None),
                 ("Timestamp", (7000, bad))])
    c.expect("R", seq=seq_add(syn.seq, 1), plen=0,
             what="RST for a SYN-ACK echoing a TSval never sent")
    t.check_counters(before, PAWSActiveRejected=1)
    check_eq(t.drv.state(sid), "SYN_SENT", "state after the bad SYN-ACK")

    c.send("SA", ack=seq_add(syn.seq, 1),
           opts=[("MSS", 1460), ("NOP", None), ("NOP", None),
                 ("Timestamp", (7000, tsv[0]))])
    a = c.expect("A", seq=seq_add(syn.seq, 1), ack=c.nxt, plen=0,
                 what="ACK of the SYN-ACK")
    check(ts_of(a) is not None, f"ACK without timestamps: {a.opts}")
    check_eq(ts_of(a)[1], 7000, "ACK's TSecr")
    check(0 <= seq_diff(ts_of(a)[0], tsv[0]) < 5000,
          f"TSval {ts_of(a)[0]} not just after the SYN's {tsv[0]}")
    check_eq(t.drv.state(sid), "ESTABLISHED", "state")
    check_eq(t.drv.call("getsockopt", sid, "XTCP_MAXSEG").int(),
             LINK_MSS - 12,
             "MSS with timestamps")

    # Off: no TSopt in a SYN, and none in a SYN-ACK to a SYN with one.
    t.sysctl("timestamps", 0)
    c2, syn2, connect2 = t.start_connect(6004)
    check_eq(syn2.opts, [("MSS", LINK_MSS)], "SYN options, timestamps off")
    c2.send("RA", seq=0, ack=seq_add(syn2.seq, 1))
    connect2.fails(errno.ECONNREFUSED)
    _, port = t.listen()
    p = t.conn(port)
    p.send("S", opts=[("MSS", 1460), ("NOP", None), ("NOP", None),
                      ("Timestamp", (1, 0))])
    sa = p.expect("SA", ack=p.nxt, what="SYN-ACK, timestamps off")
    check_eq(sa.opts, [("MSS", LINK_MSS)], "SYN-ACK options, timestamps off")
