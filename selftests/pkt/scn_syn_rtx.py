# SPDX-License-Identifier: GPL-2.0
"""An unanswered SYN is retransmitted after the initial RTO of 1 s, then
after 2 s (RFC 6298 2.1, 5.5); with syn_retries = 2, connect() gives up
4 s after the last one with ETIMEDOUT, sending nothing more."""
import errno

from xtcp_peer import check_backoff, check_eq, check_interval, without_ts

TITLE = "SYN retransmission at 1 s, 2 s, then ETIMEDOUT after 4 s"
SYSCTLS = {"syn_retries": 2}


def run(t):
    c, syn, connect = t.start_connect(7777)
    rtx1 = c.expect("S", seq=syn.seq, ack=0, plen=0,
                    timeout=3, what="first SYN retransmission")
    rtx2 = c.expect("S", seq=syn.seq, ack=0, plen=0,
                    timeout=5, what="second SYN retransmission")
    # The same options; only the TSval moves on (RFC 7323 3.2).
    for r in (rtx1, rtx2):
        check_eq(without_ts(r.opts), without_ts(syn.opts), "SYN options")
        check_eq(r.doff, syn.doff, "SYN data offset")
    c.expect_none(3.3, "a third SYN (syn_retries = 2)")
    fail = connect.fails(errno.ETIMEDOUT, timeout=5)
    gaps = [rtx1.ts - syn.ts, rtx2.ts - rtx1.ts]
    check_interval(gaps[0], 1.0, "first retransmission")
    check_interval(gaps[1], 2.0, "second retransmission")
    check_backoff(gaps, "SYN retransmissions")
    check_interval(fail.ts - rtx2.ts, 4.0, "connect() gives up")
    c.expect_none(0.3, "after giving up")
