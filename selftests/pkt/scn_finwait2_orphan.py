# SPDX-License-Identifier: GPL-2.0
"""An orphan in FIN_WAIT2 (its minisock, tcp_timewait_state_process() with
RFC 5961's checks): segments outside the receive window are answered with
an ACK, an in-window RST not exactly at RCV.NXT and an in-window SYN with a
challenge ACK, a segment without ACK is dropped, one acknowledging what was
never sent (or far too old) gets an ACK; none of them resets or kills it,
and the peer's real FIN then moves it to TIME_WAIT with its ACK."""
from xtcp_peer import check_eq, pattern, seq_add

TITLE = "FIN_WAIT2 orphan survives blind segments, the real FIN closes it"
# Each probe is answered: the rate limit is another scenario's subject.
SYSCTLS = {"fin_timeout_ms": 8000, "invalid_ratelimit_ms": 0}


def run(t):
    c = t.passive_open()
    t.drv.call("close", c.sid)
    fin = c.expect("FA", ack=c.nxt, plen=0, what="FIN of the closed socket")
    snd_nxt = seq_add(fin.seq, 1)
    c.send("A", ack=snd_nxt)
    c.expect_none(0.3, "an answer to the ACK of the FIN")
    wnd = c.sut_win
    before = t.counters()

    cases = (
        ("data far beyond the window", "PA", seq_add(c.nxt, 1 << 20), None, "A"),
        ("data half the sequence space away", "PA",
         seq_add(c.nxt, (1 << 31) + 7), None, "A"),
        ("old data", "PA", seq_add(c.nxt, -3000), None, "A"),
        ("an in-window RST", "R", seq_add(c.nxt, wnd // 2), 0, "A"),
        ("an in-window SYN", "S", seq_add(c.nxt, 10), 0, "A"),
        ("in-window data without ACK", "P", seq_add(c.nxt, 10), 0, None),
        ("in-window data acknowledging the future", "PA", c.nxt,
         seq_add(snd_nxt, 5000), "A"),
        ("in-window data with an ancient ACK", "PA", c.nxt,
         seq_add(snd_nxt, -200000), "A"),
    )
    for what, flags, seq, ack, reply in cases:
        data = pattern(0, 100) if "P" in flags else b""
        c.send(flags, seq=seq, ack=ack, data=data, advance=False)
        if reply:
            c.expect(reply, seq=snd_nxt, ack=c.nxt, plen=0,
                     what=f"ACK for {what}")
        else:
            c.expect_none(0.3, f"an answer to {what}")
    t.check_counters(before, OutRsts=0, TimeWaits=0)

    c.send("FA", ack=snd_nxt)
    c.expect("A", seq=snd_nxt, ack=c.nxt, plen=0,
             what="ACK of the real FIN (TIME_WAIT)")
    t.check_counters(before, OutRsts=0, TimeWaits=1)
    check_eq(c.nxt, seq_add(fin.ack, 1), "the FIN was the only thing sent")
