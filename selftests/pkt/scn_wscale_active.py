# SPDX-License-Identifier: GPL-2.0
"""Window scaling, active open (RFC 7323 2.2): connect()'s SYN offers
XTCP's shift (MSS, then NOP + WS). A SYN-ACK with a window scale turns
scaling on: its own window field is taken unscaled, every later one scaled
by the peer's shift, and XTCP's windows after the SYN are scaled by its
own. A SYN-ACK without one turns it off for both directions, though XTCP
offered it."""
from xtcp_peer import LINK_MSS, check, check_eq, pattern, seq_add, sut_wscale

TITLE = "window scale: offered on SYN; on with a WS SYN-ACK, off without"
# Window scale alone in XTCP's SYN (scn_syn_fields covers the full layout).
SYSCTLS = {"sack": 0, "timestamps": 0}


def established(t, c, sid, syn, sa_opts):
    c.send("SA", ack=seq_add(syn.seq, 1), opts=sa_opts)
    ack = c.expect("A", seq=seq_add(syn.seq, 1), ack=seq_add(c.iss, 1),
                   plen=0, opts=[], what="ACK of the SYN-ACK")
    check_eq(t.drv.state(sid), "ESTABLISHED", "state")
    return ack


def run(t):
    ws = sut_wscale()
    check(ws > 0, f"net.xtcp.rmem[2] gives shift {ws}")

    # The peer answers with shift 3 and a SYN-ACK window of 1000.
    c, syn, connect = t.start_connect(6003)
    check_eq(syn.opts, [("MSS", LINK_MSS), ("NOP", None), ("WScale", ws)],
             "SYN options")
    check(0 < syn.win <= 65535, f"SYN window {syn.win} (unscaled)")
    c.win = 1000
    ack = established(t, c, c.sid, syn, [("MSS", 1460), ("NOP", None),
                                         ("WScale", 3)])
    connect.ok()
    info = t.drv.info(c.sid)
    check_eq(info["snd_wnd"], 1000, "send window from the SYN-ACK (unscaled)")
    check_eq(ack.win << ws, info["rcv_wnd"],
             f"XTCP's window field {ack.win} << {ws} vs rcv_wnd")
    c.win = 500
    c.send("A")
    c.expect_none(0.2, "an answer to a window update")
    check_eq(t.drv.info(c.sid)["snd_wnd"], 500 << 3,
             "send window after the SYN-ACK (scaled by 3)")
    c.send("PA", data=pattern(0, 100))
    ack = c.expect_ack(what="ACK of data", timeout=2)
    check_eq(ack.win << ws, t.drv.info(c.sid)["rcv_wnd"],
             f"XTCP's window field {ack.win} << {ws} vs rcv_wnd")

    # A SYN-ACK without window scale: nothing is scaled.
    c, syn, connect = t.start_connect(6004)
    check_eq(syn.opts, [("MSS", LINK_MSS), ("NOP", None), ("WScale", ws)],
             "SYN options")
    c.win = 1000
    ack = established(t, c, c.sid, syn, [("MSS", 1460)])
    connect.ok()
    info = t.drv.info(c.sid)
    check_eq(ack.win, info["rcv_wnd"], "XTCP's window field, unscaled")
    c.win = 500
    c.send("A")
    c.expect_none(0.2, "an answer to a window update")
    check_eq(t.drv.info(c.sid)["snd_wnd"], 500, "send window (unscaled)")
