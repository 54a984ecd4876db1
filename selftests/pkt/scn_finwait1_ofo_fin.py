# SPDX-License-Identifier: GPL-2.0
"""An orphan in FIN_WAIT1 whose FIN is acknowledged by a segment carrying
the peer's FIN out of order (ahead of RCV.NXT, data still missing) moves
to a FIN_WAIT2 minisock, as a pure ACK moves it, and is gone when
fin_timeout runs out: a pure ACK then finds no socket and gets a RST.
Without the move it stayed a full FIN_WAIT2 socket that no timer watched,
answered nothing and was never freed."""
import time

from xtcp_peer import seq_add

TITLE = "FIN_WAIT1 orphan: ACK of its FIN with an out-of-order FIN"
SYSCTLS = {"fin_timeout_ms": 1000}


def run(t):
    c = t.passive_open()
    t.drv.call("close", c.sid)
    fin = c.expect("FA", ack=c.nxt, plen=0, what="FIN of the closed socket")
    snd_nxt = seq_add(fin.seq, 1)
    before = t.counters()

    c.send("FA", seq=seq_add(c.nxt, 100), ack=snd_nxt, advance=False)
    c.expect("A", seq=snd_nxt, ack=c.nxt, plen=0,
             what="duplicate ACK for the out-of-order FIN")
    c.expect_none(0.3, "anything more before fin_timeout")

    time.sleep(2.0)
    c.send("A", ack=snd_nxt, advance=False)
    c.expect("R", seq=snd_nxt, plen=0,
             what="RST: fin_timeout freed the orphan")
    t.check_counters(before, OutRsts=1)
