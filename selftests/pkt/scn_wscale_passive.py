# SPDX-License-Identifier: GPL-2.0
"""Window scaling, passive open (RFC 7323 2.2, 2.3): a SYN offering a window
scale gets one back in the SYN-ACK, after MSS as NOP + WS (Linux's layout),
with XTCP's shift for net.xtcp.rmem[2]; the SYN-ACK's own window is not
scaled. From the third segment on, every window field is scaled both ways:
the peer's by its shift (a shift above 14 counts as 14), XTCP's by its own,
and XTCP sends no more than the scaled window allows; TIME_WAIT's re-ACK
scales its window as the connection did. A SYN without the option gets a
SYN-ACK with MSS only, and windows stay unscaled."""
from xtcp_peer import LINK_MSS, check, check_eq, pattern, seq_add, sut_wscale

TITLE = "window scale: echoed when offered, shifts applied both ways, 15 read as 14"
# No retransmission while the test holds its ACKs back.
SYSCTLS = {"rto_min_ms": 3000}


def handshake(t, lsid, port, syn_opts, third_win):
    """SYN with syn_opts, SYN-ACK checked, third ACK with window field
    third_win; return (conn, syn-ack, accepted sid)."""
    c = t.conn(port)
    c.send("S", opts=syn_opts)
    sa = c.expect("SA", ack=c.nxt, plen=0, what="SYN-ACK")
    check(0 < sa.win <= 65535, f"SYN-ACK window {sa.win}")
    c.win = third_win
    c.send("A")
    sid = t.drv.call("accept", lsid).int()
    return c, sa, sid


def xtcp_ack_window(t, c, sid, shift, what):
    """Data from the peer; XTCP's ACK must carry its window shifted right
    by `shift`: the window it records is the field << shift."""
    c.send("PA", data=pattern(0, 1000))
    ack = c.expect_ack(what=f"{what}: ACK of data", timeout=2)
    info = t.drv.info(sid)
    check_eq(ack.win << shift, info["rcv_wnd"],
             f"{what}: window field {ack.win} << {shift} vs rcv_wnd")
    check_eq(t.drv.recv_all(sid, 1000), pattern(0, 1000), f"{what}: data")
    return ack


def run(t):
    ws = sut_wscale()
    check(ws > 0, f"net.xtcp.rmem[2] gives shift {ws}")
    lsid, port = t.listen()

    # The peer scales by 7: its third segment's 20 means 2560 bytes.
    c, sa, sid = handshake(t, lsid, port, [("MSS", 1460), ("NOP", None),
                                           ("WScale", 7)], 20)
    check_eq(sa.opts, [("MSS", LINK_MSS), ("NOP", None), ("WScale", ws)],
             "SYN-ACK options")
    check_eq(t.drv.info(sid)["snd_wnd"], 20 << 7, "send window (scaled by 7)")
    ack = xtcp_ack_window(t, c, sid, ws, "scaled")
    check(ack.win < 65535 >> (ws - 1),
          f"XTCP's window field {ack.win} is scaled by {ws}")
    # 3000 bytes into 2560 of window: one full segment; the second would
    # pass the right edge (unscaled, 20 bytes would go instead).
    t.drv.send(sid, pattern(0, 3000))
    first = c.recv(2)
    check(first is not None and first.plen == LINK_MSS,
          f"first segment {first}")
    c.expect_none(0.3, "data beyond the peer's scaled 2560-byte window")
    c.win = 100
    c.send("A")
    second = c.recv(2)
    check(second is not None and second.plen == LINK_MSS and
          second.seq == seq_add(first.seq, LINK_MSS),
          f"second segment {second}")

    # A shift of 15 is used as 14: a window field of 2 is 32768 bytes.
    c, sa, sid = handshake(t, lsid, port, [("MSS", 1460), ("NOP", None),
                                           ("WScale", 15)], 2)
    check_eq(sa.opts, [("MSS", LINK_MSS), ("NOP", None), ("WScale", ws)],
             "SYN-ACK options (peer shift 15)")
    check_eq(t.drv.info(sid)["snd_wnd"], 2 << 14, "send window (15 read as 14)")

    # TIME_WAIT re-ACKs a retransmitted FIN with the same scaled window.
    c, sa, sid = handshake(t, lsid, port, [("MSS", 1460), ("NOP", None),
                                           ("WScale", 7)], 1000)
    t.drv.call("shutdown", sid, "wr")
    fin = c.expect("FA", ack=c.nxt, plen=0, what="FIN")
    peer_fin = c.nxt
    c.send("FA", ack=seq_add(fin.seq, 1))
    ack = c.expect_ack(what="ACK of the FIN")
    c.send("FA", seq=peer_fin, ack=seq_add(fin.seq, 1))
    reack = c.expect("A", seq=seq_add(fin.seq, 1), ack=seq_add(peer_fin, 1),
                     plen=0, what="TIME_WAIT re-ACK of the FIN")
    check_eq(reack.win, ack.win, "TIME_WAIT window field (scaled)")
    check(0 < ack.win < 65535 >> (ws - 1), f"scaled window field {ack.win}")

    # No window scale offered: none answered, nothing scaled.
    c, sa, sid = handshake(t, lsid, port, [("MSS", 1460)], 2400)
    check_eq(sa.opts, [("MSS", LINK_MSS)], "SYN-ACK options without WS")
    check_eq(t.drv.info(sid)["snd_wnd"], 2400, "send window (unscaled)")
    xtcp_ack_window(t, c, sid, 0, "unscaled")
