# SPDX-License-Identifier: GPL-2.0
"""net.xtcp.window_scaling = 0 (as tcp_window_scaling): connect()'s SYN
carries MSS only, a SYN offering a window scale gets a SYN-ACK with MSS
only, and the peer's later window fields are taken unscaled."""
from xtcp_peer import LINK_MSS, check_eq

TITLE = "window_scaling=0: no WS on SYN or SYN-ACK, windows unscaled"
# Nothing but MSS in XTCP's SYN: SACK and timestamps off too.
SYSCTLS = {"window_scaling": 0, "sack": 0, "timestamps": 0}


def run(t):
    c, syn, _ = t.start_connect(6005, nonblock=True)
    check_eq(syn.opts, [("MSS", LINK_MSS)], "SYN options")
    t.drv.call("close", c.sid)

    lsid, port = t.listen()
    c = t.conn(port)
    c.send("S", opts=[("MSS", 1460), ("NOP", None), ("WScale", 7)])
    c.expect("SA", ack=c.nxt, plen=0, opts=[("MSS", LINK_MSS)],
             what="SYN-ACK")
    c.win = 2400
    c.send("A")
    sid = t.drv.call("accept", lsid).int()
    check_eq(t.drv.info(sid)["snd_wnd"], 2400, "send window (unscaled)")
