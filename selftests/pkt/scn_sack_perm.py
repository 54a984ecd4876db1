# SPDX-License-Identifier: GPL-2.0
"""SACK-permitted negotiation (RFC 2018 2): a SYN-ACK carries NOP, NOP,
SACK_PERM only when the SYN did and net.xtcp.sack is set; connect() offers
it only when net.xtcp.sack is set; a connection where either end did not
offer it never sends SACK blocks, while one where both did reports a hole
in its first duplicate ACK."""
from xtcp_peer import LINK_MSS, check_eq, pattern, sack_opts, seq_add

TITLE = "SACK-permitted: offered per net.xtcp.sack, echoed only if offered"
# SACK-permitted alone: without timestamps and window scaling (scn_tstamp_*,
# scn_wscale_* and scn_syn_fields cover the layout with them).
SYSCTLS = {"timestamps": 0, "window_scaling": 0}

MSS_ONLY = [("MSS", LINK_MSS)]
MSS_SACK = [("MSS", LINK_MSS), ("NOP", None), ("NOP", None),
            ("SAckOK", b"")]


def ooo_ack(t, c, what):
    """The peer sends data past a hole; return XTCP's duplicate ACK."""
    start = seq_add(c.nxt, 100)
    c.send("PA", seq=start, data=pattern(0, 100), advance=False)
    return c.expect("A", ack=c.nxt, plen=0, what=what)


def run(t):
    # A SYN without SACK_PERM: the SYN-ACK has MSS only, and no blocks.
    c = t.passive_open(syn_opts=[("MSS", 1000)])
    check_eq(c.synack.opts, MSS_ONLY, "SYN-ACK options for a SYN without SACK_PERM")
    check_eq(ooo_ack(t, c, "dup ACK, SACK not negotiated").opts, [],
             "dup ACK options without SACK")

    # A SYN with it: echoed, and the first dup ACK carries a block.
    c = t.passive_open(syn_opts=[("MSS", 1000), ("SAckOK", b"")])
    check_eq(c.synack.opts, MSS_SACK, "SYN-ACK options for a SYN with SACK_PERM")
    start = seq_add(c.nxt, 100)
    check_eq(ooo_ack(t, c, "dup ACK, SACK negotiated").opts,
             sack_opts((start, seq_add(start, 100))),
             "dup ACK options with SACK")

    # Active open offers it; a SYN-ACK without it turns SACK off.
    c, syn, pend = t.start_connect(6010)
    check_eq(syn.opts, MSS_SACK, "SYN options")
    c.send("SA", ack=seq_add(syn.seq, 1), opts=[("MSS", 1000)])
    c.expect("A", ack=c.nxt, plen=0, opts=[], what="ACK of the SYN-ACK")
    pend.ok()
    check_eq(ooo_ack(t, c, "dup ACK, SYN-ACK without SACK_PERM").opts, [],
             "dup ACK options, SYN-ACK without SACK_PERM")

    # net.xtcp.sack=0: neither offered nor echoed.
    t.sysctl("sack", 0)
    c = t.passive_open(syn_opts=[("MSS", 1000), ("SAckOK", b"")])
    check_eq(c.synack.opts, MSS_ONLY, "SYN-ACK options with net.xtcp.sack=0")
    check_eq(ooo_ack(t, c, "dup ACK, sack=0").opts, [], "dup ACK options, sack=0")
    c, syn, pend = t.start_connect(6011)
    check_eq(syn.opts, MSS_ONLY, "SYN options with net.xtcp.sack=0")
    c.send("SA", ack=seq_add(syn.seq, 1), opts=[("MSS", 1000), ("SAckOK", b"")])
    c.expect("A", ack=c.nxt, plen=0, opts=[], what="ACK of the SYN-ACK")
    pend.ok()
    check_eq(ooo_ack(t, c, "dup ACK, sack=0, peer offered").opts, [],
             "dup ACK options, sack=0 and a SYN-ACK with SACK_PERM")
