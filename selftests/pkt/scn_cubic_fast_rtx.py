# SPDX-License-Identifier: GPL-2.0
"""CUBIC's multiplicative decrease (RFC 9438 4.6): at the fast retransmit
of scn_fast_rtx.py, ssthresh becomes beta_cubic = 0.7 of the 6 segments in
flight (4), not Reno's half (3)."""
from xtcp_peer import check_eq, seq_add
from scn_fast_rtx import fast_retransmit

TITLE = "CUBIC: ssthresh 0.7 of the flight at fast retransmit"
SYSCTLS = {"rto_min_ms": 3000, "congestion_control": "cubic"}


def run(t):
    c, _, una, _, info = fast_retransmit(t)
    check_eq(info["snd_ssthresh"], 4, "ssthresh (0.7 of 6 segments in flight)")
    c.send("A", ack=seq_add(una, 6000))
    c.expect_none(0.3, "after the full ACK")
    check_eq(t.drv.info(c.sid)["ca_state"], 0, "recovery over")
