# SPDX-License-Identifier: GPL-2.0
"""The peer closes first and XTCP's owner closes at once (a client's
request answered, then connect-request-response-close): XTCP's FIN carries
the ACK of the peer's FIN, a three-segment close as TCP's, with no pure
ACK before it (which would leave the peer in FIN_WAIT_2, and cost a
segment and a minisock per connection). The delayed-ACK timer that the
FIN armed sends nothing afterwards."""

TITLE = "close() after the peer's FIN: one FIN+ACK acknowledges it"
# Far longer than the driver's close() takes, so that only a FIN that
# waited for no timer can come first.
SYSCTLS = {"delack_ms": 500}


def run(t):
    c = t.passive_open()
    before = t.counters()
    c.send("FA")
    nxt = c.sut_nxt
    t.drv.call("close", c.sid)
    c.expect("FA", seq=nxt, ack=c.nxt, plen=0,
             what="FIN acknowledging the peer's FIN")
    c.send("A")
    c.expect_none(0.8, "a delayed ACK, or an answer to the last ACK")
    t.check_counters(before, DelayedAcks=0)
